/*
 * test_kdc_proxy.c - Kerberos through a KDC proxy (sspi-gss/kerberos/kdc_proxy.c).
 *
 *   - the KDC-PROXY-MESSAGE codec (MS-KKDCP 2.2.2) against bytes written
 *     out by hand from the specification, and its decoder's refusals;
 *   - proxy servers as Windows and URLs write them;
 *   - SetCredentialsAttributes(SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS) called
 *     wrongly (the misuse matrix of the attribute), each buffer allocated
 *     to its exact size so that a read past it is caught (valgrind, ASan);
 *   - against the throwaway realm, a proxy that does not answer: with
 *     FORCEPROXY the logon fails with SEC_E_NO_AUTHENTICATING_AUTHORITY
 *     and the proxy's reason, without it the KDC is asked directly; by the
 *     attribute and by SSPI_GSS_KDC_PROXY.
 *
 * A real proxy (kdcproxy under Apache, TLS) is
 * tests/interop/kdc-proxy-check.sh, which runs this program as its client:
 * `test_kdc_proxy client ...` (`test_kdc_proxy available` says whether the
 * library has the transport).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include "kdc_proxy.h"
#include "kerberos_util.h"

static struct realm realm;

/* ------------------------------------------------------------ the codec */

static void ck_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	ck_assert_msg(got_len == want_len, "length: expected %zu, got %zu", want_len, got_len);
	for (size_t i = 0; i < want_len; i++)
		ck_assert_msg(got[i] == want[i], "byte %zu: expected %02x, got %02x", i, want[i],
			      got[i]);
}

/* Decodes a copy of exactly len bytes, so any read past the end is one
 * past a heap block. */
static int decode_exact(const uint8_t *in, size_t len, struct sg_kkdcp_message *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, in, len);
	rc = sg_kkdcp_decode(copy, len, m);
	free(copy);
	return rc;
}

/* A three-byte "Kerberos message" for realm SSPI.TEST with hint 0x12345:
 *   30 1f                                  SEQUENCE, 31 bytes
 *     a0 09 04 07 00 00 00 03 6a 03 02     [0] OCTET STRING: length 3, message
 *     a1 0b 1b 09 S S P I . T E S T        [1] GeneralString
 *     a2 05 02 03 01 23 45                 [2] INTEGER 74565 */
static const uint8_t full[] = {
	0x30, 0x1f,						/* SEQUENCE */
	0xa0, 0x09, 0x04, 0x07, 0x00, 0x00, 0x00, 0x03, 0x6a, 0x03, 0x02, /* [0] */
	0xa1, 0x0b, 0x1b, 0x09, 'S', 'S', 'P', 'I', '.', 'T', 'E', 'S', 'T', /* [1] */
	0xa2, 0x05, 0x02, 0x03, 0x01, 0x23, 0x45,			       /* [2] */
};
static const uint8_t kerb3[] = {0x6a, 0x03, 0x02};

START_TEST(encode_known_answer)
{
	int64_t hint = 0x12345;
	uint8_t *out;
	size_t len;

	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, "SSPI.TEST", &hint, &out, &len), 0);
	ck_bytes(out, len, full, sizeof(full));
	free(out);
}
END_TEST

/* kdcproxy's replies: the message alone. */
START_TEST(encode_message_only)
{
	static const uint8_t want[] = {0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0x00, 0x00,
				       0x00, 0x03, 0x6a, 0x03, 0x02};
	uint8_t *out;
	size_t len;

	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, NULL, NULL, &out, &len), 0);
	ck_bytes(out, len, want, sizeof(want));
	free(out);
}
END_TEST

/* 200 bytes: every length in the long form (81 xx). */
START_TEST(encode_long_lengths)
{
	static const uint8_t head[] = {0x30, 0x81, 0xd2, 0xa0, 0x81, 0xcf, 0x04,
				       0x81, 0xcc, 0x00, 0x00, 0x00, 0xc8};
	uint8_t msg[200], *out;
	size_t len;
	struct sg_kkdcp_message m;

	memset(msg, 0x5a, sizeof(msg));
	ck_assert_int_eq(sg_kkdcp_encode(msg, sizeof(msg), NULL, NULL, &out, &len), 0);
	ck_assert_uint_eq(len, sizeof(head) + sizeof(msg));
	ck_bytes(out, sizeof(head), head, sizeof(head));
	ck_assert_int_eq(decode_exact(out, len, &m), 0);
	ck_assert_uint_eq(m.kerb_len, sizeof(msg));
	ck_assert_ptr_null(m.realm);
	ck_assert_int_eq(m.has_hint, 0);
	free(out);
}
END_TEST

/* INTEGER in the fewest two's complement bytes (X.690 8.3). */
START_TEST(encode_hints)
{
	static const struct {
		int64_t v;
		uint8_t bytes[5];
		size_t n;
	} rows[] = {
		{0, {0x00}, 1},
		{127, {0x7f}, 1},
		{128, {0x00, 0x80}, 2},
		{-1, {0xff}, 1},
		{-128, {0x80}, 1},
		{-129, {0xff, 0x7f}, 2},
		{0x80000000LL, {0x00, 0x80, 0x00, 0x00, 0x00}, 5},
		{0xffffffffLL, {0x00, 0xff, 0xff, 0xff, 0xff}, 5},
		{-2147483648LL, {0x80, 0x00, 0x00, 0x00}, 4},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *out;
		size_t len;
		struct sg_kkdcp_message m;

		ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, NULL, &rows[i].v, &out, &len), 0);
		/* 30 LL a0 09 (9 bytes) a2 LL 02 LL value */
		ck_assert_uint_eq(len, 2 + 11 + 4 + rows[i].n);
		ck_assert_uint_eq(out[13], 0xa2);
		ck_assert_uint_eq(out[15], 0x02);
		ck_assert_uint_eq(out[16], rows[i].n);
		ck_bytes(out + 17, rows[i].n, rows[i].bytes, rows[i].n);
		ck_assert_int_eq(decode_exact(out, len, &m), 0);
		ck_assert_int_eq(m.has_hint, 1);
		ck_assert_msg(m.hint == rows[i].v, "hint %lld read as %lld", (long long)rows[i].v,
			      (long long)m.hint);
		free(out);
	}
}
END_TEST

START_TEST(encode_refuses)
{
	int64_t big = 0x100000000LL, small = -2147483649LL;
	uint8_t *out = (uint8_t *)1;
	size_t len = 1;

	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 0, NULL, NULL, &out, &len), -1);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(sg_kkdcp_encode(NULL, 3, NULL, NULL, &out, &len), -1);
	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, "", NULL, &out, &len), -1);
	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, NULL, &big, &out, &len), -1);
	ck_assert_int_eq(sg_kkdcp_encode(kerb3, 3, NULL, &small, &out, &len), -1);
}
END_TEST

START_TEST(decode_known_answer)
{
	struct sg_kkdcp_message m;

	ck_assert_int_eq(decode_exact(full, sizeof(full), &m), 0);
	/* Again in place: the pointers point into the input. */
	ck_assert_int_eq(sg_kkdcp_decode(full, sizeof(full), &m), 0);
	ck_assert_ptr_eq(m.kerb, full + 10);
	ck_assert_uint_eq(m.kerb_len, 3);
	ck_assert_mem_eq(m.kerb, kerb3, 3);
	ck_assert_uint_eq(m.realm_len, 9);
	ck_assert_mem_eq(m.realm, "SSPI.TEST", 9);
	ck_assert_int_eq(m.has_hint, 1);
	ck_assert_int_eq(m.hint, 0x12345);
}
END_TEST

/* Every proper prefix of a valid message is refused. */
START_TEST(decode_truncated)
{
	struct sg_kkdcp_message m;

	for (size_t n = 0; n < sizeof(full); n++)
		ck_assert_msg(decode_exact(full, n, &m) == -1, "prefix of %zu bytes accepted", n);
}
END_TEST

struct bad {
	const char *why;
	uint8_t b[40];
	size_t n;
};

START_TEST(decode_refuses)
{
	static const struct bad rows[] = {
		{"a trailing byte",
		 {0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0x00},
		 14},
		{"a length in the long form that fits the short",
		 {0x30, 0x81, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a,
		  3, 2},
		 14},
		{"a length with a leading zero byte",
		 {0x30, 0x82, 0x00, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3,
		  0x6a, 3, 2},
		 15},
		{"an indefinite length",
		 {0x30, 0x80, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0, 0},
		 15},
		{"a SEQUENCE longer than the buffer",
		 {0x30, 0x0c, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2},
		 13},
		{"a prefix that says 4",
		 {0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 4, 0x6a, 3,
		  2},
		 13},
		{"a prefix that says 2",
		 {0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 2, 0x6a, 3,
		  2},
		 13},
		{"a prefix with the high byte set",
		 {0x30, 0x0b, 0xa0, 0x09, 0x04, 0x07, 0x80, 0, 0, 3, 0x6a, 3,
		  2},
		 13},
		{"an empty message",
		 {0x30, 0x08, 0xa0, 0x06, 0x04, 0x04, 0, 0, 0, 0},
		 10},
		{"no room for a prefix",
		 {0x30, 0x07, 0xa0, 0x05, 0x04, 0x03, 0x6a, 3, 2},
		 9},
		{"a BIT STRING for the OCTET STRING",
		 {0x30, 0x0b, 0xa0, 0x09, 0x03, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2},
		 13},
		{"[1] first",
		 {0x30, 0x0b, 0xa1, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2},
		 13},
		{"a byte after the OCTET STRING inside [0]",
		 {0x30, 0x0c, 0xa0, 0x0a, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0x00},
		 14},
		{"an unknown field [3]",
		 {0x30, 0x10, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa3, 0x03, 0x02, 0x01, 0x00},
		 18},
		{"[2] before [1]",
		 {0x30, 0x16, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x03, 0x02, 0x01, 0x00, 0xa1, 0x04, 0x1b, 0x02, 'A', 'B'},
		 24},
		{"an empty realm",
		 {0x30, 0x0f, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa1, 0x02, 0x1b, 0x00},
		 17},
		{"a NUL in the realm",
		 {0x30, 0x11, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa1, 0x04, 0x1b, 0x02, 'A', 0x00},
		 19},
		{"a UTF8String realm",
		 {0x30, 0x11, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa1, 0x04, 0x0c, 0x02, 'A', 'B'},
		 19},
		{"a hint with a needless zero byte",
		 {0x30, 0x11, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x04, 0x02, 0x02, 0x00, 0x01},
		 19},
		{"a hint with a needless ff byte",
		 {0x30, 0x11, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x04, 0x02, 0x02, 0xff, 0x80},
		 19},
		{"an empty INTEGER",
		 {0x30, 0x0f, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x02, 0x02, 0x00},
		 17},
		{"a hint past 32 bits",
		 {0x30, 0x14, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x07, 0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00},
		 22},
		{"a hint of six bytes",
		 {0x30, 0x15, 0xa0, 0x09, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2, 0xa2, 0x08, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01},
		 23},
		{"a field longer than its SEQUENCE",
		 {0x30, 0x0b, 0xa0, 0x0a, 0x04, 0x07, 0, 0, 0, 3, 0x6a, 3,
		  2},
		 13},
		{"a five-byte length",
		 {0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x0b},
		 7},
		{"a length field cut short",
		 {0x30, 0x82, 0x01},
		 3},
	};
	struct sg_kkdcp_message m;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(decode_exact(rows[i].b, rows[i].n, &m) == -1, "accepted: %s",
			      rows[i].why);
}
END_TEST

/* ---------------------------------------------------------- the servers */

START_TEST(servers_windows_form)
{
	static const struct {
		const char *server, *url;
	} rows[] = {
		{"proxy.example.com", "https://proxy.example.com/KdcProxy"},
		{"kdc-proxy", "https://kdc-proxy/KdcProxy"},
		{"127.0.0.1", "https://127.0.0.1/KdcProxy"},
		{"proxy.example.com:8443:kdc", "https://proxy.example.com:8443/kdc"},
		{"proxy.example.com:443:/KdcProxy", "https://proxy.example.com:443/KdcProxy"},
		{"[::1]:4443:KdcProxy", "https://[::1]:4443/KdcProxy"},
		{"https://proxy.example.com/KdcProxy", "https://proxy.example.com/KdcProxy"},
		{"HTTPS://127.0.0.1:4443/x/y", "HTTPS://127.0.0.1:4443/x/y"},
		{"https://proxy.example.com", "https://proxy.example.com"},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sg_kdc_proxy *kp = NULL;

		ck_assert_msg(sg_kdc_proxy_new(rows[i].server, 0, &kp) == SEC_E_OK, "refused: %s",
			      rows[i].server);
		ck_assert_str_eq(sg_kdc_proxy_url(kp), rows[i].url);
		sg_kdc_proxy_put(kp);
	}
}
END_TEST

START_TEST(servers_refused)
{
	static const char *const rows[] = {
		"",
		"http://proxy.example.com/KdcProxy", /* HTTPS only */
		"ftp://proxy.example.com/",
		"https://",
		"https:///KdcProxy",
		"https://proxy.example.com:/x",
		"https://proxy.example.com:0/x",
		"https://proxy.example.com:65536/x",
		"https://proxy.example.com:44a/x",
		"https://proxy.example.com/a b",
		"https://proxy example.com/",
		"https://proxy.example.com?x",
		"proxy.example.com:443", /* Windows: host or host:port:path */
		"proxy.example.com:",
		"proxy.example.com::KdcProxy",
		"proxy.example.com:99999:KdcProxy",
		"proxy.example.com:443:Kdc Proxy",
		"proxy.example.com:443:Kdc\"Proxy",
		"-proxy",
		".proxy",
		"proxy/KdcProxy",
		"[::1",
		"[]:443:x",
		"pr\xc3\xb6xy",
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct sg_kdc_proxy *kp = (struct sg_kdc_proxy *)1;

		ck_assert_msg(sg_kdc_proxy_new(rows[i], 0, &kp) == SEC_E_INVALID_PARAMETER,
			      "accepted: %s", rows[i]);
		ck_assert_ptr_null(kp);
	}
}
END_TEST

/* ------------------------------------------- the attribute, called wrongly */

/* The structure and its strings in one block of exactly the size given. */
static void *settings(ULONG version, ULONG flags, const char *server, const char *tls,
		      ULONG *size)
{
	size_t ns = server ? strlen(server) : 0, nt = tls ? strlen(tls) : 0;
	size_t hs = sizeof(SecPkgCredentials_KdcProxySettingsW);
	SecPkgCredentials_KdcProxySettingsW ks = {version, flags, 0, 0, 0, 0};
	uint8_t *b;

	*size = (ULONG)(hs + 2 * (ns + nt));
	b = malloc(*size);
	if (b == NULL) /* no ck_assert: the client mode runs outside Check */
		abort();
	if (ns) {
		ks.ProxyServerOffset = (USHORT)hs;
		ks.ProxyServerLength = (USHORT)(2 * ns);
	}
	if (nt) {
		ks.ClientTlsCredOffset = (USHORT)(hs + 2 * ns);
		ks.ClientTlsCredLength = (USHORT)(2 * nt);
	}
	for (size_t i = 0; i < ns; i++) {
		SEC_WCHAR w = (unsigned char)server[i];

		memcpy(b + hs + 2 * i, &w, 2);
	}
	for (size_t i = 0; i < nt; i++) {
		SEC_WCHAR w = (unsigned char)tls[i];

		memcpy(b + hs + 2 * (ns + i), &w, 2);
	}
	memcpy(b, &ks, hs);
	return b;
}

static SecPkgCredentials_KdcProxySettingsW *head(void *b)
{
	return b;
}

enum edit {
	E_NONE,
	E_SHORT_SIZE,    /* the size stated is less than the structure */
	E_CUT_STRING,    /* the size stated ends inside the server string */
	E_OFFSET_INSIDE, /* the server string starts inside the structure */
	E_ODD_LENGTH,
	E_OFFSET_PAST,   /* offset + length past the end */
	E_TLS_PAST,      /* the client credential string past the end */
	E_TLS_ODD,
	E_LONE_SURROGATE, /* not UTF-16 */
	E_NUL_INSIDE,
	E_ONLY_NUL,
	E_TRAILING_NUL, /* a terminating NUL counted in the length: accepted */
	E_CLEAR,        /* no server: the credential's setting removed */
};

static const struct attr_case {
	const char *name;
	ULONG version, flags;
	const char *server, *tls;
	enum edit edit;
	SECURITY_STATUS want;
} attr_cases[] = {
	{"host alone", 1, 0, "proxy.example.com", NULL, E_NONE, SEC_E_OK},
	{"host:port:path, FORCEPROXY", 1, 1, "proxy.example.com:443:KdcProxy", NULL, E_NONE,
	 SEC_E_OK},
	{"an https URL", 1, 1, "https://127.0.0.1:4443/KdcProxy", NULL, E_NONE, SEC_E_OK},
	{"a terminating NUL counted", 1, 0, "proxy.example.com", NULL, E_TRAILING_NUL, SEC_E_OK},
	{"no server (removes the setting)", 1, 0, NULL, NULL, E_CLEAR, SEC_E_OK},
	{"version 0", 0, 0, "proxy.example.com", NULL, E_NONE, SEC_E_INVALID_PARAMETER},
	{"version 2", 2, 0, "proxy.example.com", NULL, E_NONE, SEC_E_INVALID_PARAMETER},
	{"an unknown flag", 1, 2, "proxy.example.com", NULL, E_NONE, SEC_E_INVALID_PARAMETER},
	{"size less than the structure", 1, 0, "proxy.example.com", NULL, E_SHORT_SIZE,
	 SEC_E_INVALID_PARAMETER},
	{"size ends inside the server", 1, 0, "proxy.example.com", NULL, E_CUT_STRING,
	 SEC_E_INVALID_PARAMETER},
	{"server inside the structure", 1, 0, "proxy.example.com", NULL, E_OFFSET_INSIDE,
	 SEC_E_INVALID_PARAMETER},
	{"odd server length", 1, 0, "proxy.example.com", NULL, E_ODD_LENGTH,
	 SEC_E_INVALID_PARAMETER},
	{"server past the end", 1, 0, "proxy.example.com", NULL, E_OFFSET_PAST,
	 SEC_E_INVALID_PARAMETER},
	{"client credential past the end", 1, 0, "proxy.example.com", "cert", E_TLS_PAST,
	 SEC_E_INVALID_PARAMETER},
	{"odd client credential length", 1, 0, "proxy.example.com", "cert", E_TLS_ODD,
	 SEC_E_INVALID_PARAMETER},
	{"a lone surrogate", 1, 0, "proxy.example.com", NULL, E_LONE_SURROGATE,
	 SEC_E_INVALID_PARAMETER},
	{"a NUL inside the server", 1, 0, "proxy.example.com", NULL, E_NUL_INSIDE,
	 SEC_E_INVALID_PARAMETER},
	{"a server of one NUL", 1, 0, "x", NULL, E_ONLY_NUL, SEC_E_INVALID_PARAMETER},
	{"an http URL", 1, 0, "http://proxy.example.com/KdcProxy", NULL, E_NONE,
	 SEC_E_INVALID_PARAMETER},
	{"an unparsable server", 1, 0, "proxy.example.com:99999:x", NULL, E_NONE,
	 SEC_E_INVALID_PARAMETER},
	{"spaces", 1, 0, "proxy example", NULL, E_NONE, SEC_E_INVALID_PARAMETER},
	{"a client certificate", 1, 0, "proxy.example.com", "cert", E_NONE,
	 SEC_E_UNSUPPORTED_FUNCTION},
};

static SECURITY_STATUS set_case(CredHandle *cred, const struct attr_case *c, int wide)
{
	ULONG size;
	uint8_t *b = settings(c->version, c->flags, c->server, c->tls, &size);
	SecPkgCredentials_KdcProxySettingsW *ks = head(b);
	SECURITY_STATUS s;
	SEC_WCHAR w;

	switch (c->edit) {
	case E_SHORT_SIZE:
		size = sizeof(*ks) - 1;
		break;
	case E_CUT_STRING:
		size -= 2;
		break;
	case E_OFFSET_INSIDE:
		ks->ProxyServerOffset = sizeof(*ks) - 2;
		break;
	case E_ODD_LENGTH:
		ks->ProxyServerLength--;
		break;
	case E_OFFSET_PAST:
		ks->ProxyServerOffset += 2;
		break;
	case E_TLS_PAST:
		ks->ClientTlsCredLength += 2;
		break;
	case E_TLS_ODD:
		ks->ClientTlsCredLength--;
		break;
	case E_LONE_SURROGATE:
		w = 0xd800;
		memcpy(b + sizeof(*ks) + 2, &w, 2);
		break;
	case E_NUL_INSIDE:
		w = 0;
		memcpy(b + sizeof(*ks) + 4, &w, 2);
		break;
	case E_ONLY_NUL:
	case E_TRAILING_NUL:
		w = 0;
		memcpy(b + sizeof(*ks) + ks->ProxyServerLength - 2, &w, 2);
		break;
	default:
		break;
	}
	s = wide ? SetCredentialsAttributesW(cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size)
		 : SetCredentialsAttributesA(cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size);
	free(b);
	return s;
}

static void matrix_on(CredHandle *cred, const char *package)
{
	for (size_t i = 0; i < sizeof(attr_cases) / sizeof(attr_cases[0]); i++)
		for (int wide = 0; wide < 2; wide++) {
			SECURITY_STATUS got = set_case(cred, &attr_cases[i], wide);
			SECURITY_STATUS want = attr_cases[i].want;

			/* Built without libcurl: well-formed settings are
			 * refused as unsupported, malformed ones as before. */
			if (want == SEC_E_OK && !sg_kdc_proxy_available())
				want = SEC_E_UNSUPPORTED_FUNCTION;
			ck_assert_msg(got == want, "%s, %s, %c: expected %s, got %s", package,
				      attr_cases[i].name, wide ? 'W' : 'A', SspiGssStatusName(want),
				      SspiGssStatusName(got));
		}
}

START_TEST(attribute_matrix_kerberos)
{
	CredHandle cred;

	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &cred), SEC_E_OK);
	matrix_on(&cred, "Kerberos");
	FreeCredentialsHandle(&cred);
}
END_TEST

START_TEST(attribute_matrix_negotiate)
{
	CredHandle cred;

	ck_status(acquire_identity("Negotiate", "alice", "SSPI.TEST", "Alice-Pass-1", &cred),
		  SEC_E_OK);
	matrix_on(&cred, "Negotiate");
	FreeCredentialsHandle(&cred);
}
END_TEST

/* NTLM talks to no KDC: a valid setting is not for it. The structure is
 * still checked first. */
START_TEST(attribute_ntlm_and_handles)
{
	CredHandle cred, zero = {0, 0};
	ULONG size;
	void *b = settings(1, 0, "proxy.example.com", NULL, &size);

	ck_status(acquire_identity("NTLM", "alice", "SSPI", "Alice-Pass-1", &cred), SEC_E_OK);
	ck_status(SetCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size),
		  SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(SetCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, 8),
		  SEC_E_INVALID_PARAMETER);
	FreeCredentialsHandle(&cred);
	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &cred), SEC_E_OK);
	ck_status(SetCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, NULL, size),
		  SEC_E_INVALID_PARAMETER);
	FreeCredentialsHandle(&cred);
	ck_status(SetCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size),
		  SEC_E_INVALID_HANDLE);
	ck_status(SetCredentialsAttributesA(&zero, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size),
		  SEC_E_INVALID_HANDLE);
	ck_status(SetCredentialsAttributesW(NULL, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size),
		  SEC_E_INVALID_HANDLE);
	free(b);
}
END_TEST

/* ------------------------------------- a proxy that does not answer */

/* A port on 127.0.0.1 that refuses connections for as long as the socket
 * stays open: bound, not listening. */
static int refusing_port(int *fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(*fd, 0);
	ck_assert_int_eq(bind(*fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

static void set_proxy(CredHandle *cred, const char *server, ULONG flags)
{
	ULONG size;
	void *b = settings(1, flags, server, NULL, &size);

	ck_status(SetCredentialsAttributesW(cred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size),
		  SEC_E_OK);
	free(b);
}

static SECURITY_STATUS logon_to(CredHandle *ccred, const char *target)
{
	CredHandle scred;
	CtxtHandle c, s;
	ULONG ca, sa;
	SECURITY_STATUS st;

	acquire_server(&scred);
	st = handshake(ccred, &scred, target, &c, &s, &ca, &sa);
	if (st == SEC_E_OK) {
		seal_and_open(&c, &s, 0);
		seal_and_open(&s, &c, 0);
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
	}
	FreeCredentialsHandle(&scred);
	return st;
}

/* The attribute on a credential whose TGT came from the KDC directly: the
 * service tickets of its contexts go through the proxy. */
START_TEST(attribute_proxy_down)
{
	CredHandle cred;
	char url[80];
	int fd, port;

	if (!sg_kdc_proxy_available())
		return; /* the matrix has checked the refusal */
	port = refusing_port(&fd);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/KdcProxy", port);
	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &cred), SEC_E_OK);
	set_proxy(&cred, url, KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY);
	ck_status(logon_to(&cred, "HTTP/localhost"), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), url) != NULL &&
			      strstr(SspiGssGetLastErrorText(), "onnect") != NULL,
		      "the reason names neither the proxy nor the connection: %s",
		      SspiGssGetLastErrorText());
	/* Without FORCEPROXY: the KDC, directly. */
	set_proxy(&cred, url, 0);
	ck_status(logon_to(&cred, "HTTP/localhost"), SEC_E_OK);
	/* Forced again, then removed: direct again. */
	set_proxy(&cred, url, KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY);
	ck_status(logon_to(&cred, "host/localhost"), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	set_proxy(&cred, NULL, 0);
	ck_status(logon_to(&cred, "host/localhost"), SEC_E_OK);
	FreeCredentialsHandle(&cred);
	close(fd);
}
END_TEST

/* SSPI_GSS_KDC_PROXY: the AS exchange of a password credential too. */
START_TEST(environment_proxy_down)
{
	CredHandle cred;
	char url[80];
	int fd, port;

	if (!sg_kdc_proxy_available())
		return;
	port = refusing_port(&fd);
	snprintf(url, sizeof(url), "127.0.0.1:%d:KdcProxy", port);
	setenv("SSPI_GSS_KDC_PROXY", url, 1);
	setenv("SSPI_GSS_KDC_PROXY_FORCE", "1", 1);
	/* The AS exchange is the first context's, not
	 * AcquireCredentialsHandle's (as on Windows). */
	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &cred), SEC_E_OK);
	ck_status(logon_to(&cred, "HTTP/localhost"), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "KDC proxy https://127.0.0.1:") != NULL,
		      "no reason: %s", SspiGssGetLastErrorText());
	unsetenv("SSPI_GSS_KDC_PROXY_FORCE");
	ck_status(logon_to(&cred, "HTTP/localhost"), SEC_E_OK);
	/* The credential's own setting wins over the environment's. */
	setenv("SSPI_GSS_KDC_PROXY_FORCE", "1", 1);
	ck_status(logon_to(&cred, "host/localhost"), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/KdcProxy", port);
	set_proxy(&cred, url, 0);
	ck_status(logon_to(&cred, "host/localhost"), SEC_E_OK);
	FreeCredentialsHandle(&cred);
	unsetenv("SSPI_GSS_KDC_PROXY");
	unsetenv("SSPI_GSS_KDC_PROXY_FORCE");
	close(fd);
}
END_TEST

static Suite *kdc_proxy_suite(void)
{
	Suite *s = suite_create("kdc_proxy");
	TCase *codec = tcase_create("codec"), *servers = tcase_create("servers");
	TCase *attr = tcase_create("attribute"), *down = tcase_create("proxy down");

	tcase_add_test(codec, encode_known_answer);
	tcase_add_test(codec, encode_message_only);
	tcase_add_test(codec, encode_long_lengths);
	tcase_add_test(codec, encode_hints);
	tcase_add_test(codec, encode_refuses);
	tcase_add_test(codec, decode_known_answer);
	tcase_add_test(codec, decode_truncated);
	tcase_add_test(codec, decode_refuses);
	tcase_add_test(servers, servers_windows_form);
	tcase_add_test(servers, servers_refused);
	tcase_add_test(attr, attribute_matrix_kerberos);
	tcase_add_test(attr, attribute_matrix_negotiate);
	tcase_add_test(attr, attribute_ntlm_and_handles);
	tcase_add_test(down, attribute_proxy_down);
	tcase_add_test(down, environment_proxy_down);
	tcase_set_timeout(attr, 120);
	tcase_set_timeout(down, 120);
	suite_add_tcase(s, codec);
	suite_add_tcase(s, servers);
	suite_add_tcase(s, attr);
	suite_add_tcase(s, down);
	return s;
}

/* ----------------------------------------------- the script's client mode */

/*
 *   test_kdc_proxy client PACKAGE USER|- PASSWORD|- [-attr SERVER] [-force]
 *                         [-domain REALM] TARGET|+SECONDS...
 *
 * An outbound credential (USER@REALM, SSPI.TEST unless -domain says, with
 * the password, or "-": the default ticket cache), the attribute if asked,
 * then for each target a handshake with an inbound credential of the same
 * package and one sealed message each way; "+N" waits N seconds. One line
 * per step: "ok: ..." or "failed: ... STATUS: reason"; the exit status is
 * the number of failures.
 */
static int client_main(int argc, char **argv)
{
	const char *package, *user, *pw, *server = NULL, *domain = "SSPI.TEST";
	int force = 0, i = 5, failures = 0;
	CredHandle ccred, scred;
	TimeStamp t;
	SECURITY_STATUS s;

	if (argc < 6)
		return 2;
	package = argv[2];
	user = argv[3];
	pw = argv[4];
	for (i = 5; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-attr") == 0 && i + 1 < argc)
			server = argv[++i];
		else if (strcmp(argv[i], "-force") == 0)
			force = 1;
		else if (strcmp(argv[i], "-domain") == 0 && i + 1 < argc)
			domain = argv[++i];
		else
			return 2;
	}
	if (strcmp(user, "-") == 0)
		s = AcquireCredentialsHandleA(NULL, (char *)package, SECPKG_CRED_OUTBOUND, NULL,
					      NULL, NULL, NULL, &ccred, &t);
	else
		s = acquire_identity(package, user, domain, pw, &ccred);
	if (s != SEC_E_OK) {
		printf("failed: AcquireCredentialsHandle %s: %s\n", SspiGssStatusName(s),
		       SspiGssGetLastErrorText());
		return 1;
	}
	printf("ok: AcquireCredentialsHandle %s\n", package);
	if (server != NULL) {
		ULONG size;
		void *b = settings(1, force ? KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY : 0, server, NULL,
				   &size);

		s = SetCredentialsAttributesW(&ccred, SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS, b, size);
		free(b);
		printf("%s: SetCredentialsAttributesW KDC_PROXY_SETTINGS %s\n",
		       s == SEC_E_OK ? "ok" : "failed", SspiGssStatusName(s));
		if (s != SEC_E_OK)
			failures++;
	}
	s = AcquireCredentialsHandleA(NULL, (char *)package, SECPKG_CRED_INBOUND, NULL, NULL, NULL,
				      NULL, &scred, &t);
	if (s != SEC_E_OK) {
		printf("failed: server credential %s\n", SspiGssStatusName(s));
		return 1;
	}
	for (; i < argc; i++) {
		struct loop o = {.target = argv[i], .isc_req = REQ, .asc_req = ASC_REQ_MUTUAL_AUTH};
		CtxtHandle c, sv;
		ULONG ca, sa;
		SecPkgContext_PackageInfoA info;

		/* "+N": N seconds pass before the next target (a TGT ages). */
		if (argv[i][0] == '+') {
			sleep((unsigned)atoi(argv[i] + 1));
			continue;
		}

		s = handshake_loop(&o, &ccred, &scred, &c, &sv, &ca, &sa);
		if (s != SEC_E_OK) {
			printf("failed: %s %s: %s\n", argv[i], SspiGssStatusName(s),
			       SspiGssGetLastErrorText());
			failures++;
			continue;
		}
		/* Negotiate must have chosen Kerberos: NTLM needs no KDC. */
		if (QueryContextAttributesA(&c, SECPKG_ATTR_PACKAGE_INFO, &info) == SEC_E_OK) {
			printf("package: %s\n", info.PackageInfo->Name);
			FreeContextBuffer(info.PackageInfo);
		}
		{
			char msg[] = "through the proxy";
			char tbuf[128];
			SecPkgContext_Sizes sz;
			SecBuffer b[3];
			SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
			ULONG qop = 0;

			QueryContextAttributesA(&c, SECPKG_ATTR_SIZES, &sz);
			b[0] = (SecBuffer){sz.cbSecurityTrailer, SECBUFFER_TOKEN, tbuf};
			b[1] = (SecBuffer){sizeof(msg), SECBUFFER_DATA, msg};
			b[2] = (SecBuffer){0, SECBUFFER_PADDING, NULL};
			s = EncryptMessage(&c, 0, &d, 0);
			if (s == SEC_E_OK)
				s = DecryptMessage(&sv, &d, 0, &qop);
			if (s == SEC_E_OK && strcmp(msg, "through the proxy") != 0)
				s = SEC_E_MESSAGE_ALTERED;
			if (s == SEC_E_OK) {
				b[0] = (SecBuffer){sz.cbSecurityTrailer, SECBUFFER_TOKEN, tbuf};
				b[1] = (SecBuffer){sizeof(msg), SECBUFFER_DATA, msg};
				s = EncryptMessage(&sv, 0, &d, 0);
				if (s == SEC_E_OK)
					s = DecryptMessage(&c, &d, 0, &qop);
			}
		}
		printf("%s: %s logon and sealing %s\n", s == SEC_E_OK ? "ok" : "failed", argv[i],
		       SspiGssStatusName(s));
		if (s != SEC_E_OK)
			failures++;
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&sv);
	}
	FreeCredentialsHandle(&scred);
	FreeCredentialsHandle(&ccred);
	return failures;
}

/* ChangeAccountPasswordA through whatever proxy the environment names:
 * chpw USER OLD NEW [DOMAIN]. */
static int chpw_main(int argc, char **argv)
{
	SECURITY_STATUS s;

	if (argc != 5 && argc != 6)
		return 2;
	s = ChangeAccountPasswordA("Kerberos", argc == 6 ? argv[5] : "SSPI.TEST", argv[2], argv[3],
				   argv[4], FALSE, 0, NULL);
	printf("%s: ChangeAccountPasswordA %s%s%s\n", s == SEC_E_OK ? "ok" : "failed",
	       SspiGssStatusName(s), s == SEC_E_OK ? "" : ": ",
	       s == SEC_E_OK ? "" : SspiGssGetLastErrorText());
	return s == SEC_E_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "chpw") == 0)
		return chpw_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "client") == 0)
		return client_main(argc, argv);
	if (argc > 1 && strcmp(argv[1], "available") == 0)
		return sg_kdc_proxy_available() ? 0 : 1;
	return run_with_realm_and_alice(&realm, kdc_proxy_suite());
}
