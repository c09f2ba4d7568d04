/*
 * kdc_proxy.c - see kdc_proxy.h. The message, MS-KKDCP 2.2.2:
 *
 *   KDC-PROXY-MESSAGE ::= SEQUENCE {
 *       kerb-message   [0] OCTET STRING,
 *       target-domain  [1] KERB-REALM OPTIONAL,    -- GeneralString
 *       dclocator-hint [2] INTEGER OPTIONAL }
 *
 * kerb-message is the Kerberos message as it goes over TCP (RFC 4120
 * 7.2.2): a 4-byte big-endian length, then the message. DER is written and
 * read by hand, as negotiate/spnego.c does: the structure is three fields, and
 * the reader must be strict about every byte of what a server sends.
 */
#include "kdc_proxy.h"

#include <ctype.h>
#include <errno.h>
#include <krb5.h>
#include <krb5/send_to_kdc_plugin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SG_HAVE_LIBCURL
#include <curl/curl.h>
#include <dlfcn.h>
#endif

#include <sspi-gss.h>

#include "status.h"
#include "trace.h"

enum {
	TAG_SEQUENCE = 0x30,
	TAG_OCTETS = 0x04,
	TAG_INTEGER = 0x02,
	TAG_GENERAL_STRING = 0x1b,
	TAG_CTX0 = 0xa0,
	TAG_CTX1 = 0xa1,
	TAG_CTX2 = 0xa2,
};

/* No Kerberos message comes near this (kdcproxy refuses requests over
 * 128 KiB); it bounds what a proxy can make us hold. */
#define KKDCP_MAX_MESSAGE (1u << 20)
/* Realms are DNS-like names; a longer one is no realm. */
#define KKDCP_MAX_REALM 1024

/* ---------------------------------------------------------------- reading */

struct rd {
	const uint8_t *p;
	size_t len;
};

/* Takes one TLV with the tag; DER only: a definite length in the fewest
 * bytes (at most four) that hold it. */
static int take(struct rd *d, uint8_t tag, struct rd *content)
{
	size_t n = 0, header;

	if (d->len < 2 || d->p[0] != tag)
		return -1;
	if (d->p[1] < 0x80) {
		n = d->p[1];
		header = 2;
	} else {
		size_t k = d->p[1] & 0x7f;

		if (k == 0 || k > 4 || d->len < 2 + k || d->p[2] == 0)
			return -1;
		for (size_t i = 0; i < k; i++)
			n = n << 8 | d->p[2 + i];
		if (n < 0x80)
			return -1;
		header = 2 + k;
	}
	if (n > d->len - header)
		return -1;
	content->p = d->p + header;
	content->len = n;
	d->p += header + n;
	d->len -= header + n;
	return 0;
}

/* [tag] { inner-tag value }, the explicit tag holding nothing else. */
static int take_field(struct rd *seq, uint8_t tag, uint8_t inner_tag, struct rd *value)
{
	struct rd field;

	if (take(seq, tag, &field) != 0 || take(&field, inner_tag, value) != 0)
		return -1;
	return field.len == 0 ? 0 : -1;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int sg_kkdcp_decode(const uint8_t *in, size_t len, struct sg_kkdcp_message *out)
{
	struct rd all = {in, len}, seq, v;

	memset(out, 0, sizeof(*out));
	if (in == NULL || take(&all, TAG_SEQUENCE, &seq) != 0 || all.len != 0)
		return -1;
	if (take_field(&seq, TAG_CTX0, TAG_OCTETS, &v) != 0)
		return -1;
	/* The TCP framing: a length that is the rest of the field, and a
	 * message of at least one byte. */
	if (v.len < 5 || v.len - 4 > KKDCP_MAX_MESSAGE || be32(v.p) != v.len - 4)
		return -1;
	out->kerb = v.p + 4;
	out->kerb_len = v.len - 4;
	if (seq.len > 0 && seq.p[0] == TAG_CTX1) {
		if (take_field(&seq, TAG_CTX1, TAG_GENERAL_STRING, &v) != 0 || v.len == 0 ||
		    v.len > KKDCP_MAX_REALM || memchr(v.p, '\0', v.len) != NULL)
			return -1;
		out->realm = (const char *)v.p;
		out->realm_len = v.len;
	}
	if (seq.len > 0 && seq.p[0] == TAG_CTX2) {
		int64_t x;

		if (take_field(&seq, TAG_CTX2, TAG_INTEGER, &v) != 0 || v.len == 0 || v.len > 5)
			return -1;
		/* Two's complement in the fewest bytes (DER). */
		if (v.len > 1 && ((v.p[0] == 0x00 && !(v.p[1] & 0x80)) ||
				  (v.p[0] == 0xff && (v.p[1] & 0x80))))
			return -1;
		x = (v.p[0] & 0x80) ? -1 : 0;
		for (size_t i = 0; i < v.len; i++)
			x = (int64_t)((uint64_t)x << 8 | v.p[i]);
		if (x < INT32_MIN || x > (int64_t)UINT32_MAX)
			return -1;
		out->has_hint = 1;
		out->hint = x;
	}
	/* Nothing else: the structure has no extension marker. */
	return seq.len == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- writing */

static size_t header_size(size_t n)
{
	size_t h = 2;

	if (n >= 0x80)
		for (size_t m = n; m != 0; m >>= 8)
			h++;
	return h;
}

static uint8_t *put_header(uint8_t *p, uint8_t tag, size_t n)
{
	size_t k = header_size(n) - 2;

	*p++ = tag;
	if (k == 0) {
		*p++ = (uint8_t)n;
		return p;
	}
	*p++ = (uint8_t)(0x80 | k);
	for (size_t i = k; i > 0; i--)
		*p++ = (uint8_t)(n >> (8 * (i - 1)));
	return p;
}

/* The fewest two's complement bytes of v, big-endian, into b[8]. */
static size_t integer_bytes(int64_t v, uint8_t *b)
{
	size_t n = 8;

	for (size_t i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (8 * (7 - i)));
	while (n > 1 && ((b[8 - n] == 0x00 && !(b[9 - n] & 0x80)) ||
			 (b[8 - n] == 0xff && (b[9 - n] & 0x80))))
		n--;
	memmove(b, b + 8 - n, n);
	return n;
}

int sg_kkdcp_encode(const uint8_t *kerb, size_t kerb_len, const char *realm, const int64_t *hint,
		    uint8_t **out, size_t *out_len)
{
	size_t octets = kerb_len + 4, f0, f1 = 0, f2 = 0, realm_len = 0, hint_len = 0, body;
	uint8_t hint_bytes[8];
	uint8_t *buf, *p;

	*out = NULL;
	*out_len = 0;
	if (kerb == NULL || kerb_len == 0 || kerb_len > KKDCP_MAX_MESSAGE)
		return -1;
	f0 = header_size(octets) + octets;
	if (realm != NULL) {
		realm_len = strlen(realm);
		if (realm_len == 0 || realm_len > KKDCP_MAX_REALM)
			return -1;
		f1 = header_size(realm_len) + realm_len;
	}
	if (hint != NULL) {
		if (*hint < INT32_MIN || *hint > (int64_t)UINT32_MAX)
			return -1;
		hint_len = integer_bytes(*hint, hint_bytes);
		f2 = header_size(hint_len) + hint_len;
	}
	body = header_size(f0) + f0 + (f1 ? header_size(f1) + f1 : 0) +
	       (f2 ? header_size(f2) + f2 : 0);
	buf = malloc(header_size(body) + body);
	if (buf == NULL)
		return -1;
	p = put_header(buf, TAG_SEQUENCE, body);
	p = put_header(p, TAG_CTX0, f0);
	p = put_header(p, TAG_OCTETS, octets);
	*p++ = (uint8_t)(kerb_len >> 24);
	*p++ = (uint8_t)(kerb_len >> 16);
	*p++ = (uint8_t)(kerb_len >> 8);
	*p++ = (uint8_t)kerb_len;
	memcpy(p, kerb, kerb_len);
	p += kerb_len;
	if (realm != NULL) {
		p = put_header(p, TAG_CTX1, f1);
		p = put_header(p, TAG_GENERAL_STRING, realm_len);
		memcpy(p, realm, realm_len);
		p += realm_len;
	}
	if (hint != NULL) {
		p = put_header(p, TAG_CTX2, f2);
		p = put_header(p, TAG_INTEGER, hint_len);
		memcpy(p, hint_bytes, hint_len);
		p += hint_len;
	}
	*out = buf;
	*out_len = (size_t)(p - buf);
	return 0;
}

/* ---------------------------------------------------------- the settings */

/* ASCII case-insensitive comparison of the first n bytes (n 0: all). */
static int ascii_case_equal(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; (n == 0 || i < n) && a[i] != '\0' && b[i] != '\0'; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return (n != 0 && i == n) || a[i] == b[i];
}

struct sg_kdc_proxy {
	int refs;
	int force;
	char url[]; /* https://host[:port]/path */
};

int sg_kdc_proxy_available(void)
{
#ifdef SG_HAVE_LIBCURL
	return 1;
#else
	return 0;
#endif
}

/* A DNS name or IPv4 address, or an IPv6 address in brackets; the length
 * of the host at the start of s, 0 when there is none. */
static size_t host_length(const char *s)
{
	size_t n = 0;

	if (s[0] == '[') {
		for (n = 1; isxdigit((unsigned char)s[n]) || s[n] == ':' || s[n] == '.'; n++)
			;
		return s[n] == ']' && n > 1 ? n + 1 : 0;
	}
	if (s[0] == '-' || s[0] == '.')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '.')
		n++;
	return n;
}

/* Decimal 1-65535, the whole of s[0..n). */
static int port_ok(const char *s, size_t n)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

/* A path of visible ASCII that needs no quoting in a URL. */
static int path_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s >= 0x7f || strchr("\"<>\\^`{|}#", *s) != NULL)
			return 0;
	return 1;
}

static SECURITY_STATUS make(const char *url, int force, struct sg_kdc_proxy **out)
{
	size_t n = strlen(url);
	struct sg_kdc_proxy *kp = malloc(sizeof(*kp) + n + 1);

	if (kp == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	kp->refs = 1;
	kp->force = force != 0;
	memcpy(kp->url, url, n + 1);
	*out = kp;
	return SEC_E_OK;
}

SECURITY_STATUS sg_kdc_proxy_new(const char *server, int force, struct sg_kdc_proxy **out)
{
	static const char https[] = "https://";
	size_t h;

	*out = NULL;
	if (server == NULL || server[0] == '\0' || strlen(server) > 2048)
		return SEC_E_INVALID_PARAMETER;
	if (ascii_case_equal(server, https, sizeof(https) - 1)) {
		/* A URL: https://host[:port][/path]. */
		const char *p = server + sizeof(https) - 1;
		const char *end;

		h = host_length(p);
		if (h == 0)
			return SEC_E_INVALID_PARAMETER;
		p += h;
		end = p + strcspn(p, "/");
		if (*p == ':' && !port_ok(p + 1, (size_t)(end - p - 1)))
			return SEC_E_INVALID_PARAMETER;
		if (*p != ':' && *p != '/' && *p != '\0')
			return SEC_E_INVALID_PARAMETER;
		if (!path_ok(end))
			return SEC_E_INVALID_PARAMETER;
		return make(server, force, out);
	}
	if (strstr(server, "://") != NULL)
		return SEC_E_INVALID_PARAMETER; /* http:// and others: HTTPS only */
	/* Windows' form: host, or host:port:path (https://host:port/path);
	 * a host alone is https://host:443/KdcProxy. */
	h = host_length(server);
	if (h == 0)
		return SEC_E_INVALID_PARAMETER;
	if (server[h] == '\0') {
		char url[2100];

		snprintf(url, sizeof(url), "https://%.*s/KdcProxy", (int)h, server);
		return make(url, force, out);
	} else if (server[h] == ':') {
		const char *port = server + h + 1, *colon = strchr(port, ':');
		const char *path;
		char url[2100];

		if (colon == NULL || !port_ok(port, (size_t)(colon - port)))
			return SEC_E_INVALID_PARAMETER;
		path = colon + 1;
		while (*path == '/')
			path++;
		if (!path_ok(path))
			return SEC_E_INVALID_PARAMETER;
		snprintf(url, sizeof(url), "https://%.*s:%.*s/%s", (int)h, server,
			 (int)(colon - port), port, path);
		return make(url, force, out);
	}
	return SEC_E_INVALID_PARAMETER;
}

void sg_kdc_proxy_put(struct sg_kdc_proxy *kp)
{
	if (kp != NULL && __atomic_sub_fetch(&kp->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(kp);
}

static struct sg_kdc_proxy *ref(struct sg_kdc_proxy *kp)
{
	if (kp != NULL)
		__atomic_add_fetch(&kp->refs, 1, __ATOMIC_RELAXED);
	return kp;
}

const char *sg_kdc_proxy_url(const struct sg_kdc_proxy *kp)
{
	return kp->url;
}

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

int sg_kdc_proxy_forced(const struct sg_kdc_proxy *kp)
{
	return kp != NULL && kp->force;
}

void sg_kdc_proxy_slot_set(struct sg_kdc_proxy **slot, struct sg_kdc_proxy *kp)
{
	struct sg_kdc_proxy *old;

	pthread_mutex_lock(&slot_lock);
	old = *slot;
	__atomic_store_n(slot, kp, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&slot_lock);
	sg_kdc_proxy_put(old);
}

struct sg_kdc_proxy *sg_kdc_proxy_slot_get(struct sg_kdc_proxy *const *slot)
{
	struct sg_kdc_proxy *kp;

	/* An empty slot (no proxy set: the usual case) is read without the
	 * lock, which is one for every slot of the process and would be taken
	 * on every initiator leg. A slot being set concurrently is either
	 * seen empty (the get comes first) or read under the lock. */
	if (__atomic_load_n(slot, __ATOMIC_ACQUIRE) == NULL)
		return NULL;
	pthread_mutex_lock(&slot_lock);
	kp = ref(*slot);
	pthread_mutex_unlock(&slot_lock);
	return kp;
}

/* --------------------------------------------------------- the transport */

#ifdef SG_HAVE_LIBCURL
/*
 * libcurl, not a socket and a TLS library of our own: it verifies the
 * server's certificate chain and host name (RFC 6125) the way browsers do,
 * goes through an HTTPS proxy (https_proxy, CONNECT) when the environment
 * names one, and bounds the connection and the whole exchange in time.
 * Each getting one of these right by hand is where clients go wrong.
 *
 * It is loaded (RTLD_LOCAL) at the first exchange through a proxy, not
 * linked: Debian's libcurl brings MIT krb5 (libgssapi_krb5, libkrb5.so.3)
 * along for its own Negotiate support, and a process of ours should carry
 * a second Kerberos library only when it uses a proxy.
 */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
} lc;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static char curl_missing[160];

static void curl_start(void)
{
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	CURLcode rc;

	if (h == NULL) {
		snprintf(curl_missing, sizeof(curl_missing), "libcurl cannot be loaded: %s",
			 dlerror());
		return;
	}
	/* POSIX: a function pointer from dlsym goes through a cast of this form. */
#define SG_CURL_SYM(field, name) *(void **)(&lc.field) = dlsym(h, name)
	SG_CURL_SYM(global_init, "curl_global_init");
	SG_CURL_SYM(easy_init, "curl_easy_init");
	SG_CURL_SYM(easy_setopt, "curl_easy_setopt");
	SG_CURL_SYM(easy_perform, "curl_easy_perform");
	SG_CURL_SYM(easy_getinfo, "curl_easy_getinfo");
	SG_CURL_SYM(easy_cleanup, "curl_easy_cleanup");
	SG_CURL_SYM(easy_strerror, "curl_easy_strerror");
	SG_CURL_SYM(slist_append, "curl_slist_append");
	SG_CURL_SYM(slist_free_all, "curl_slist_free_all");
#undef SG_CURL_SYM
	if (!lc.global_init || !lc.easy_init || !lc.easy_setopt || !lc.easy_perform ||
	    !lc.easy_getinfo || !lc.easy_cleanup || !lc.easy_strerror || !lc.slist_append ||
	    !lc.slist_free_all) {
		snprintf(curl_missing, sizeof(curl_missing), "libcurl.so.4 lacks a function");
		lc.global_init = NULL;
		return;
	}
	rc = lc.global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK) {
		snprintf(curl_missing, sizeof(curl_missing), "libcurl did not start: %s",
			 lc.easy_strerror(rc));
		lc.global_init = NULL;
	}
}

struct body {
	uint8_t *p;
	size_t len;
	int too_big;
};

static size_t body_write(char *data, size_t size, size_t count, void *arg)
{
	struct body *b = arg;
	size_t n = size * count;
	uint8_t *grown;

	/* A reply is a DER header and a Kerberos message. */
	if (n > KKDCP_MAX_MESSAGE + 64 - b->len) {
		b->too_big = 1;
		return 0;
	}
	grown = realloc(b->p, b->len + n);
	if (grown == NULL)
		return 0;
	memcpy(grown + b->len, data, n);
	b->p = grown;
	b->len += n;
	return n;
}

/* The leaf certificate's subject, issuer and end, as libcurl reports them
 * (OpenSSL's wording), into cert. */
static void leaf_certificate(CURL *c, char *cert, size_t cap)
{
	struct curl_certinfo *ci = NULL;
	const char *subject = "?", *issuer = "?", *expire = "?";

	if (lc.easy_getinfo(c, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL ||
	    ci->num_of_certs < 1)
		return;
	for (struct curl_slist *l = ci->certinfo[0]; l != NULL; l = l->next) {
		if (strncmp(l->data, "Subject:", 8) == 0)
			subject = l->data + 8;
		else if (strncmp(l->data, "Issuer:", 7) == 0)
			issuer = l->data + 7;
		else if (strncmp(l->data, "Expire date:", 12) == 0)
			expire = l->data + 12;
	}
	snprintf(cert, cap, "subject %s, issuer %s, valid until %s", subject, issuer, expire);
}

/* One POST; cert (when not NULL) gets the server's certificate. */
static int post(const struct sg_kdc_proxy *kp, const char *realm, const uint8_t *msg, size_t len,
		uint8_t **reply, size_t *reply_len, char *why, size_t why_cap, char *cert,
		size_t cert_cap)
{
	char curl_error[CURL_ERROR_SIZE] = "";
	struct body body = {NULL, 0, 0};
	struct curl_slist *headers = NULL, *more;
	struct sg_kkdcp_message answer;
	const char *cafile = getenv("SSPI_GSS_KDC_PROXY_CAFILE");
	uint8_t *request = NULL;
	size_t request_len;
	long http = 0;
	CURL *c = NULL;
	CURLcode rc;
	int failed = SG_KDC_PROXY_NOT_SENT;

	*reply = NULL;
	*reply_len = 0;
	why[0] = '\0';
	pthread_once(&curl_once, curl_start);
	if (lc.global_init == NULL) {
		snprintf(why, why_cap, "%s", curl_missing);
		return SG_KDC_PROXY_NOT_SENT;
	}
	if (sg_kkdcp_encode(msg, len, realm, NULL, &request, &request_len) != 0) {
		snprintf(why, why_cap, "the Kerberos message cannot be sent through a proxy");
		return SG_KDC_PROXY_NOT_SENT;
	}
	c = lc.easy_init();
	headers = lc.slist_append(NULL, "Content-Type: application/kerberos");
	/* No "Expect: 100-continue" round trip before the body. */
	more = headers ? lc.slist_append(headers, "Expect:") : NULL;
	if (c == NULL || more == NULL) {
		snprintf(why, why_cap, "out of memory");
		goto out;
	}
	headers = more;
	lc.easy_setopt(c, CURLOPT_URL, (const char *)kp->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	lc.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
#else
	lc.easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	lc.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	lc.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	lc.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cafile != NULL && cafile[0] != '\0') {
		/* A private CA: the only one trusted. */
		lc.easy_setopt(c, CURLOPT_CAINFO, cafile);
		lc.easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	lc.easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM */
	lc.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	lc.easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	lc.easy_setopt(c, CURLOPT_POST, 1L);
	lc.easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)request);
	lc.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request_len);
	lc.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	lc.easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	lc.easy_setopt(c, CURLOPT_WRITEDATA, &body);
	lc.easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
	if (cert != NULL)
		lc.easy_setopt(c, CURLOPT_CERTINFO, 1L);
	rc = lc.easy_perform(c);
	if (cert != NULL && rc == CURLE_OK)
		leaf_certificate(c, cert, cert_cap);
	/* From here on a failure may come after the proxy had the request:
	 * an answer came, or some of the body went out. */
	{
		curl_off_t up = 0;

		if (rc == CURLE_OK ||
		    (lc.easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &up) == CURLE_OK && up > 0))
			failed = SG_KDC_PROXY_MAY_HAVE_ARRIVED;
	}
	if (rc != CURLE_OK) {
		if (body.too_big)
			snprintf(why, why_cap, "the reply is larger than any Kerberos message");
		else
			snprintf(why, why_cap, "%s",
				 curl_error[0] ? curl_error : lc.easy_strerror(rc));
		goto out;
	}
	lc.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	if (http != 200) {
		snprintf(why, why_cap, "the proxy answered HTTP %ld", http);
		goto out;
	}
	if (sg_kkdcp_decode(body.p, body.len, &answer) != 0) {
		snprintf(why, why_cap, "the reply (%zu bytes) is no KDC-PROXY-MESSAGE", body.len);
		goto out;
	}
	*reply = malloc(answer.kerb_len);
	if (*reply == NULL) {
		snprintf(why, why_cap, "out of memory");
		goto out;
	}
	memcpy(*reply, answer.kerb, answer.kerb_len);
	*reply_len = answer.kerb_len;
	failed = 0;
out:
	free(body.p);
	free(request);
	if (headers != NULL)
		lc.slist_free_all(headers);
	if (c != NULL)
		lc.easy_cleanup(c);
	return failed;
}

int sg_kdc_proxy_send(const struct sg_kdc_proxy *kp, const char *realm, const uint8_t *msg,
		      size_t len, uint8_t **reply, size_t *reply_len, char *why, size_t why_cap)
{
	return post(kp, realm, msg, len, reply, reply_len, why, why_cap, NULL, 0);
}
#else
static int post(const struct sg_kdc_proxy *kp, const char *realm, const uint8_t *msg, size_t len,
		uint8_t **reply, size_t *reply_len, char *why, size_t why_cap, char *cert,
		size_t cert_cap)
{
	(void)cert;
	(void)cert_cap;
	return sg_kdc_proxy_send(kp, realm, msg, len, reply, reply_len, why, why_cap);
}

int sg_kdc_proxy_send(const struct sg_kdc_proxy *kp, const char *realm, const uint8_t *msg,
		      size_t len, uint8_t **reply, size_t *reply_len, char *why, size_t why_cap)
{
	(void)kp;
	(void)realm;
	(void)msg;
	(void)len;
	*reply = NULL;
	*reply_len = 0;
	snprintf(why, why_cap, "sspi-gss was built without libcurl: no KDC proxy");
	return SG_KDC_PROXY_NOT_SENT;
}
#endif

/* ---------------------------------------------------------------- the hook */

/*
 * Heimdal 7.8 has two ways in, and one works. krb5_set_send_to_kdc_func
 * stores the function in a krb5_context, but krb5_sendto_context never
 * calls it (lib/krb5/deprecated.c keeps it for the API only), and the GSS
 * mechanism's krb5_context is private to each thread anyway
 * (lib/gssapi/krb5/init.c). The send_to_kdc plugin is asked first by
 * every krb5_sendto_context (send_to_realm, before any KDC is looked up),
 * and a plugin registered with krb5_plugin_register is process-wide. So
 * ours is registered once, and answers only on a thread inside a scope
 * (the calls to Heimdal are synchronous on the caller's thread); anywhere
 * else it says KRB5_PLUGIN_NO_HANDLE and Heimdal goes on as before.
 */
static _Thread_local struct sg_kdc_proxy *active;
static _Thread_local char active_why[256];
/* Where the plugin puts the certificate of the proxy it posts to, for the
 * check only (NULL otherwise). */
static _Thread_local char *probe_cert;
static _Thread_local size_t probe_cert_cap;

static krb5_error_code KRB5_CALLCONV plugin_init(krb5_context context, void **ctx)
{
	(void)context;
	*ctx = NULL;
	return 0;
}

static void KRB5_CALLCONV plugin_fini(void *ctx)
{
	(void)ctx;
}

static krb5_error_code KRB5_CALLCONV plugin_send_to_realm(krb5_context context, void *ctx,
							  krb5_const_realm realm, time_t timeout,
							  const krb5_data *send_data,
							  krb5_data *receive)
{
	struct sg_kdc_proxy *kp = active;
	char why[sizeof(active_why)];
	uint8_t *reply;
	size_t reply_len;
	krb5_error_code ret;

	(void)ctx;
	(void)timeout; /* ours is 10 s to connect, 30 s in all */
	if (kp == NULL || realm == NULL)
		return KRB5_PLUGIN_NO_HANDLE;
	/* The proxy failed earlier in this call: not again for each message
	 * of the exchange (a proxy that drops packets costs the full
	 * connection timeout every time). */
	if (active_why[0] != '\0')
		return kp->force ? KRB5_KDC_UNREACH : KRB5_PLUGIN_NO_HANDLE;
	if (post(kp, realm, send_data->data, send_data->length, &reply, &reply_len, why,
		 sizeof(why), probe_cert, probe_cert_cap) == 0) {
		ret = krb5_data_copy(receive, reply, reply_len);
		free(reply);
		return ret;
	}
	snprintf(active_why, sizeof(active_why), "%s", why);
	if (SG_TRACING())
		sg_trace_note("KDC proxy %s for %s: %s%s", kp->url, realm, why,
			      kp->force ? "" : "; trying the KDC directly");
	if (!kp->force)
		return KRB5_PLUGIN_NO_HANDLE;
	krb5_set_error_message(context, KRB5_KDC_UNREACH, "KDC proxy %s: %s", kp->url, why);
	return KRB5_KDC_UNREACH;
}

static krb5plugin_send_to_kdc_ftable plugin = {
	.minor_version = KRB5_PLUGIN_SEND_TO_KDC_VERSION_2,
	.init = plugin_init,
	.fini = plugin_fini,
	.send_to_kdc = NULL, /* per KDC: never, send_to_realm has answered */
	.send_to_realm = plugin_send_to_realm,
};

static pthread_once_t plugin_once = PTHREAD_ONCE_INIT;
static int plugin_ready;

static void plugin_register(void)
{
	krb5_context k;

	if (krb5_init_context(&k) != 0)
		return;
	plugin_ready = krb5_plugin_register(k, PLUGIN_TYPE_DATA, KRB5_PLUGIN_SEND_TO_KDC,
					    &plugin) == 0;
	krb5_free_context(k);
}

/* krb5.conf: [sspi-gss] kdc_proxy = URL, kdc_proxy_force = true; read once,
 * at the first Kerberos exchange of the process. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static char *config_server;
static int config_force;

static void config_read(void)
{
	krb5_context k;
	const char *v;

	if (krb5_init_context(&k) != 0)
		return;
	v = krb5_config_get_string(k, NULL, "sspi-gss", "kdc_proxy", NULL);
	if (v != NULL)
		config_server = strdup(v);
	config_force = krb5_config_get_bool_default(k, NULL, FALSE, "sspi-gss",
						    "kdc_proxy_force", NULL);
	krb5_free_context(k);
}

static int truthy(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || ascii_case_equal(v, "true", 0) ||
			     ascii_case_equal(v, "yes", 0));
}

/* The process's proxy: SSPI_GSS_KDC_PROXY, else krb5.conf; NULL if none. */
static struct sg_kdc_proxy *process_proxy(void)
{
	const char *server = getenv("SSPI_GSS_KDC_PROXY");
	struct sg_kdc_proxy *kp = NULL;
	int force;

	if (server != NULL && server[0] != '\0') {
		force = truthy(getenv("SSPI_GSS_KDC_PROXY_FORCE"));
	} else {
		pthread_once(&config_once, config_read);
		server = config_server;
		force = config_force;
	}
	if (server == NULL || server[0] == '\0')
		return NULL;
	if (sg_kdc_proxy_new(server, force, &kp) != SEC_E_OK) {
		if (SG_TRACING())
			sg_trace_note("KDC proxy: \"%s\" is no https:// URL or host[:port:path];"
				      " not used",
				      server);
		return NULL;
	}
	return kp;
}

void sg_kdc_proxy_enter(struct sg_kdc_proxy_scope *sc, struct sg_kdc_proxy *const *cred_slot)
{
	struct sg_kdc_proxy *kp = NULL;

	sc->outer = active;
	sc->kp = NULL;
	active = NULL;
	if (!sg_kdc_proxy_available())
		return;
	if (cred_slot != NULL)
		kp = sg_kdc_proxy_slot_get(cred_slot);
	if (kp == NULL)
		kp = process_proxy();
	if (kp == NULL)
		return;
	pthread_once(&plugin_once, plugin_register);
	if (!plugin_ready) {
		if (SG_TRACING())
			sg_trace_note("KDC proxy: Heimdal took no send_to_kdc plugin; not used");
		sg_kdc_proxy_put(kp);
		return;
	}
	sc->kp = kp;
	active = kp;
	active_why[0] = '\0';
}

void sg_kdc_proxy_leave(struct sg_kdc_proxy_scope *sc, SECURITY_STATUS s)
{
	if (sc->kp != NULL && s < 0 && active_why[0] != '\0') {
		char mech[512];

		snprintf(mech, sizeof(mech), "%s", SspiGssGetLastErrorText());
		sg_last_error_set(s, "KDC proxy %s: %s%s%s", sc->kp->url, active_why,
				  mech[0] ? "; " : "", mech);
	}
	if (sc->kp != NULL)
		active_why[0] = '\0';
	active = sc->outer;
	sg_kdc_proxy_put(sc->kp);
	sc->kp = NULL;
}

/* ---------------------------------------------------------------- the check */

/* An AS exchange for REALM through the proxy alone (FORCEPROXY), for a
 * principal that need not exist: any answer of the KDC proves the path.
 * 0: a KDC answered (what it said in said). */
static int probe(const struct sg_kdc_proxy *kp, const char *realm, char *said, size_t said_cap,
		 char *why, size_t why_cap, char *cert, size_t cert_cap)
{
	struct sg_kdc_proxy *forced = NULL;
	struct sg_kdc_proxy_scope sc;
	krb5_context k = NULL;
	krb5_principal who = NULL;
	krb5_creds creds;
	krb5_error_code rc;
	const char *text;
	int answered;

	memset(&creds, 0, sizeof(creds));
	if (sg_kdc_proxy_new(kp->url, 1, &forced) != SEC_E_OK || krb5_init_context(&k) != 0) {
		snprintf(why, why_cap, "out of memory");
		sg_kdc_proxy_put(forced);
		return -1;
	}
	rc = krb5_make_principal(k, &who, realm, "sspi-gss-check", NULL);
	if (rc == 0) {
		sg_kdc_proxy_enter(&sc, &forced);
		probe_cert = cert;
		probe_cert_cap = cert_cap;
		rc = krb5_get_init_creds_password(k, &creds, who, "-", NULL, NULL, 0, NULL, NULL);
		probe_cert = NULL;
		if (active_why[0] != '\0')
			snprintf(why, why_cap, "%s", active_why);
		sg_kdc_proxy_leave(&sc, SEC_E_OK);
	}
	/* The KDC's own error codes (RFC 4120 7.5.9) are its answer. */
	answered = rc == 0 || (rc >= KRB5KDC_ERR_NONE && rc <= KRB5KDC_ERR_NONE + 127 &&
			       rc != KRB5_KDC_UNREACH);
	text = krb5_get_error_message(k, rc);
	if (answered)
		snprintf(said, said_cap, "%s", rc == 0 ? "a ticket" : text ? text : "an error");
	else if (why[0] == '\0')
		snprintf(why, why_cap, "%s", text != NULL ? text : "no answer");
	krb5_free_error_message(k, text);
	if (rc == 0)
		krb5_free_cred_contents(k, &creds);
	krb5_free_principal(k, who);
	krb5_free_context(k);
	sg_kdc_proxy_put(forced);
	return answered ? 0 : -1;
}

SECURITY_STATUS SspiGssCheckKdcProxy(char *Report, unsigned long ReportSize)
{
	struct sg_kdc_proxy *kp;
	krb5_context k;
	char *realm = NULL;
	char said[256] = "", why[256] = "", cert[512] = "";
	const char *cafile = getenv("SSPI_GSS_KDC_PROXY_CAFILE");
	SECURITY_STATUS s;

	if (Report == NULL || ReportSize == 0)
		return SEC_E_INVALID_PARAMETER;
	kp = process_proxy();
	if (kp == NULL) {
		snprintf(Report, ReportSize,
			 "none set (SSPI_GSS_KDC_PROXY, krb5.conf [sspi-gss] kdc_proxy): the KDCs "
			 "of krb5.conf are asked directly");
		return SEC_E_OK;
	}
	if (!sg_kdc_proxy_available()) {
		snprintf(Report, ReportSize, "%s is set, but sspi-gss was built without libcurl",
			 kp->url);
		sg_kdc_proxy_put(kp);
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	if (krb5_init_context(&k) == 0) {
		if (krb5_get_default_realm(k, &realm) != 0)
			realm = NULL;
		krb5_free_context(k);
	}
	if (realm == NULL) {
		snprintf(Report, ReportSize, "%s: no default realm to ask it about", kp->url);
		sg_kdc_proxy_put(kp);
		return SEC_E_NO_AUTHENTICATING_AUTHORITY;
	}
	if (probe(kp, realm, said, sizeof(said), why, sizeof(why), cert, sizeof(cert)) == 0) {
		snprintf(Report, ReportSize,
			 "%s%s answers; the KDC of %s behind it said: %s; certificate: %s%s%s",
			 kp->url, kp->force ? " (FORCEPROXY)" : "", realm, said,
			 cert[0] ? cert : "(not reported)", cafile && cafile[0] ? "; trusted CA: " : "",
			 cafile && cafile[0] ? cafile : "");
		s = SEC_E_OK;
	} else {
		snprintf(Report, ReportSize, "%s%s does not answer for %s: %s", kp->url,
			 kp->force ? " (FORCEPROXY)" : "", realm, why);
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
	}
	free(realm);
	sg_kdc_proxy_put(kp);
	return s;
}
