/*
 * crypto.c - NTLMv2 responses and keys (MS-NLMP 3.3.2), the MIC, channel
 * binding hashes and session security (3.4), on OpenSSL's libcrypto.
 *
 * MD4, MD5, HMAC-MD5 and RC4 are what the protocol mandates. libcrypto's
 * MD5 and RC4 are hand-tuned assembly on common CPUs (RC4 about twice, MD5
 * about 1.1 times as fast as Heimdal's libhcrypto here), and sealing is
 * where NTLM spends its time (docs/performance.md). HMAC is written out
 * over MD5 so that a session keys it once per direction.
 *
 * Heimdal's libheimntlm is not used (docs/ntlm.md): Debian's build exports
 * neither the HMAC helper nor the key exchange functions, and what it does
 * export fixes the client nonce and clock itself (no known-answer tests),
 * converts through UCS-2 and upper-cases ASCII only, where Windows hashes
 * UTF-16 and upper-cases every character with a simple upper-case mapping.
 */
#include "ntlm.h" /* first: it sets the OpenSSL API level */

#include <gssapi/gssapi.h>
#include <openssl/md4.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unicase.h>
#include <unistr.h>

#include "strings.h"

/* Upper-casing as RtlUpcaseUnicodeString: one character at a time, simple
 * mapping. */
int ntlm_utf16le(const char *s, int upper, uint8_t **out, size_t *len)
{
	size_t n32 = 0, n16 = 0;
	uint32_t *u32;
	uint16_t *u16;
	uint8_t *b;

	*out = NULL;
	*len = 0;
	if (u8_check((const uint8_t *)s, strlen(s)) != NULL)
		return -1;
	u32 = u8_to_u32((const uint8_t *)s, strlen(s), NULL, &n32);
	if (u32 == NULL)
		return -1;
	if (upper)
		for (size_t i = 0; i < n32; i++)
			if (u32[i] < 0x10000)
				u32[i] = uc_toupper(u32[i]);
	u16 = u32_to_u16(u32, n32, NULL, &n16);
	sg_wipe(u32, n32 * sizeof(*u32));
	free(u32);
	if (u16 == NULL && n32 != 0)
		return -1;
	b = malloc(n16 * 2 + 1);
	if (b == NULL) {
		free(u16);
		return -1;
	}
	for (size_t i = 0; i < n16; i++)
		ntlm_put_le16(b + 2 * i, u16[i]);
	if (u16 != NULL)
		sg_wipe(u16, n16 * sizeof(*u16));
	free(u16);
	*out = b;
	*len = n16 * 2;
	return 0;
}

int ntlm_nt_hash(const char *password, uint8_t hash[16])
{
	uint8_t *pw;
	size_t len;
	MD4_CTX m;

	if (ntlm_utf16le(password, 0, &pw, &len) != 0)
		return -1;
	MD4_Init(&m);
	MD4_Update(&m, pw, len);
	MD4_Final(hash, &m);
	sg_wipe(&m, sizeof(m));
	sg_wipe(pw, len);
	free(pw);
	return 0;
}

/* RFC 2104's inner and outer padded keys. Keys longer than a block would
 * be hashed first; NTLM's are 16 bytes, so that never happens. */
static void hmac_pads(const uint8_t *key, size_t key_len, uint8_t ipad[64], uint8_t opad[64])
{
	memset(ipad, 0x36, 64);
	memset(opad, 0x5c, 64);
	for (size_t i = 0; i < key_len && i < 64; i++) {
		ipad[i] ^= key[i];
		opad[i] ^= key[i];
	}
}

static void hmac_md5_key(struct ntlm_hmac_md5 *h, const uint8_t *key, size_t key_len)
{
	uint8_t ipad[64], opad[64];

	hmac_pads(key, key_len, ipad, opad);
	MD5_Init(&h->inner);
	MD5_Update(&h->inner, ipad, sizeof(ipad));
	MD5_Init(&h->outer);
	MD5_Update(&h->outer, opad, sizeof(opad));
	sg_wipe(ipad, sizeof(ipad));
	sg_wipe(opad, sizeof(opad));
}

/* HMAC of an optional 4-byte prefix (NULL: none) and the parts. */
static void hmac_md5_parts(const struct ntlm_hmac_md5 *h, const uint8_t *prefix,
			   const struct ntlm_part *parts, size_t n, uint8_t out[16])
{
	MD5_CTX m = h->inner;
	uint8_t inner[16];

	if (prefix != NULL)
		MD5_Update(&m, prefix, 4);
	for (size_t i = 0; i < n; i++)
		if (parts[i].len != 0)
			MD5_Update(&m, parts[i].data, parts[i].len);
	MD5_Final(inner, &m);
	m = h->outer;
	MD5_Update(&m, inner, sizeof(inner));
	MD5_Final(out, &m);
	sg_wipe(&m, sizeof(m));
	sg_wipe(inner, sizeof(inner));
}

static void hmac_md5(const uint8_t *key, size_t key_len, const struct ntlm_part *parts,
		     size_t n, uint8_t out[16])
{
	struct ntlm_hmac_md5 h;

	hmac_md5_key(&h, key, key_len);
	hmac_md5_parts(&h, NULL, parts, n, out);
	sg_wipe(&h, sizeof(h));
}

int ntlm_ntowfv2(const uint8_t nt_hash[16], const char *user, const char *domain,
		 uint8_t key[16])
{
	uint8_t *u, *d;
	size_t ul, dl;

	if (ntlm_utf16le(user, 1, &u, &ul) != 0)
		return -1;
	if (ntlm_utf16le(domain, 0, &d, &dl) != 0) {
		free(u);
		return -1;
	}
	{
		struct ntlm_part parts[2] = {{u, ul}, {d, dl}};

		hmac_md5(nt_hash, 16, parts, 2, key);
	}
	free(u);
	free(d);
	return 0;
}

void ntlm_proof(const uint8_t key[16], const uint8_t server_challenge[8], const uint8_t *blob,
		size_t blob_len, uint8_t proof[16])
{
	struct ntlm_part parts[2] = {{server_challenge, 8}, {blob, blob_len}};

	hmac_md5(key, 16, parts, 2, proof);
}

void ntlm_session_base_key(const uint8_t ntowfv2[16], const uint8_t proof[16], uint8_t key[16])
{
	struct ntlm_part part = {proof, 16};

	hmac_md5(ntowfv2, 16, &part, 1, key);
}

void ntlm_rc4_key(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
	RC4_KEY k;

	RC4_set_key(&k, 16, key);
	RC4(&k, 16, in, out);
	sg_wipe(&k, sizeof(k));
}

void ntlm_mic(const uint8_t exported_key[16], struct ntlm_bytes negotiate,
	      struct ntlm_bytes challenge, struct ntlm_bytes authenticate, uint8_t mic[16])
{
	struct ntlm_part parts[3] = {{negotiate.data, negotiate.len},
				     {challenge.data, challenge.len},
				     {authenticate.data, authenticate.len}};

	hmac_md5(exported_key, 16, parts, 3, mic);
}

static void md5_put32(MD5_CTX *m, uint32_t v)
{
	uint8_t b[4];

	ntlm_put_le32(b, v);
	MD5_Update(m, b, 4);
}

void ntlm_channel_bindings_hash(const struct gss_channel_bindings_struct *cb, uint8_t hash[16])
{
	MD5_CTX m;

	memset(hash, 0, 16);
	if (cb == NULL)
		return;
	/* The flat gss_channel_bindings_struct of RFC 4121 4.1.1.2: each
	 * address type and length as 32-bit little-endian, then the bytes. */
	MD5_Init(&m);
	md5_put32(&m, cb->initiator_addrtype);
	md5_put32(&m, (uint32_t)cb->initiator_address.length);
	MD5_Update(&m, cb->initiator_address.value, cb->initiator_address.length);
	md5_put32(&m, cb->acceptor_addrtype);
	md5_put32(&m, (uint32_t)cb->acceptor_address.length);
	MD5_Update(&m, cb->acceptor_address.value, cb->acceptor_address.length);
	md5_put32(&m, (uint32_t)cb->application_data.length);
	MD5_Update(&m, cb->application_data.value, cb->application_data.length);
	MD5_Final(hash, &m);
}

int ntlm_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

uint64_t ntlm_filetime(long long unix_time)
{
	/* 11644473600 seconds from 1601-01-01 to 1970-01-01. */
	return (uint64_t)(unix_time + 11644473600LL) * 10000000u;
}

int ntlm_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

static void derive(const uint8_t *key, size_t key_len, const char *magic, uint8_t out[16])
{
	MD5_CTX m;

	MD5_Init(&m);
	MD5_Update(&m, key, key_len);
	MD5_Update(&m, magic, strlen(magic) + 1); /* the NUL is part of the constant */
	MD5_Final(out, &m);
	sg_wipe(&m, sizeof(m));
}

/* The sealing path's HMAC states (seal.c's MD5), keyed as `sign` is. */
static void seal_hmac_key(struct ntlm_direction *d)
{
	uint8_t ipad[64], opad[64];

	hmac_pads(d->sign_key, sizeof(d->sign_key), ipad, opad);
	ntlm_md5_init(&d->seal_inner);
	ntlm_md5_update(&d->seal_inner, ipad, sizeof(ipad));
	ntlm_md5_init(&d->seal_outer);
	ntlm_md5_update(&d->seal_outer, opad, sizeof(opad));
	sg_wipe(ipad, sizeof(ipad));
	sg_wipe(opad, sizeof(opad));
}

void ntlm_session_init(struct ntlm_session *s, uint32_t flags, const uint8_t exported[16],
		       int initiator)
{
	static const char c2s_sign[] = "session key to client-to-server signing key magic constant";
	static const char s2c_sign[] = "session key to server-to-client signing key magic constant";
	static const char c2s_seal[] = "session key to client-to-server sealing key magic constant";
	static const char s2c_seal[] = "session key to server-to-client sealing key magic constant";
	/* SEALKEY: the whole key with 128-bit, 7 bytes with 56-bit, else 5. */
	size_t seal_len = (flags & NTLMSSP_NEGOTIATE_128)  ? 16
			  : (flags & NTLMSSP_NEGOTIATE_56) ? 7
							   : 5;
	struct ntlm_direction *c2s = initiator ? &s->send : &s->recv;
	struct ntlm_direction *s2c = initiator ? &s->recv : &s->send;

	memset(s, 0, sizeof(*s));
	s->flags = flags;
	derive(exported, 16, c2s_sign, c2s->sign_key);
	derive(exported, 16, s2c_sign, s2c->sign_key);
	hmac_md5_key(&c2s->sign, c2s->sign_key, 16);
	hmac_md5_key(&s2c->sign, s2c->sign_key, 16);
	seal_hmac_key(c2s);
	seal_hmac_key(s2c);
	derive(exported, seal_len, c2s_seal, c2s->seal_key);
	derive(exported, seal_len, s2c_seal, s2c->seal_key);
	c2s->way = s2c->way = ntlm_seal_path();
	ntlm_session_restart_seal(c2s);
	ntlm_session_restart_seal(s2c);
}

void ntlm_session_restart_seal(struct ntlm_direction *d)
{
	RC4_set_key(&d->seal, 16, d->seal_key);
}

/* RC4 in place with the direction's state. */
static void direction_rc4(struct ntlm_direction *d, uint8_t *data, size_t len)
{
	if (len != 0)
		RC4(&d->seal, len, data, data);
}

int ntlm_seq_next(struct ntlm_direction *d, uint32_t *seq)
{
	if (d->seq == UINT32_MAX)
		return -1;
	*seq = d->seq++;
	return 0;
}

int ntlm_seq_expect(const struct ntlm_direction *d, uint32_t seq)
{
	if (d->seq == UINT32_MAX)
		return -1;
	return seq == d->seq ? 0 : 1;
}

void ntlm_session_wipe(struct ntlm_session *s)
{
	sg_wipe(s, sizeof(*s));
}

void ntlm_seal_bytes(struct ntlm_direction *d, uint8_t *data, size_t len)
{
	direction_rc4(d, data, len);
}

static void signature_put(uint8_t sig[16], const uint8_t mac[16], const uint8_t seqb[4])
{
	sig[0] = 1;
	sig[1] = sig[2] = sig[3] = 0;
	memcpy(sig + 4, mac, 8);
	memcpy(sig + 12, seqb, 4);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* libcrypto's way: MD5 then RC4 (sealing) or RC4 then MD5 (unsealing),
 * in pieces that stay in the first-level cache between the two. */
#define LIBCRYPTO_PIECE 8192
/* The one pass from this many sealed bytes on (below, libcrypto's way). */
#define ONE_PASS_MIN 512

static void seal_message_libcrypto(struct ntlm_direction *d, uint32_t seq,
				   struct ntlm_sealed_part *parts, size_t nparts, int decrypt,
				   uint8_t sig[16])
{
	MD5_CTX m = d->sign.inner;
	uint8_t seqb[4], inner[16], mac[16];

	ntlm_put_le32(seqb, seq);
	MD5_Update(&m, seqb, 4);
	for (size_t i = 0; i < nparts; i++) {
		uint8_t *p = parts[i].data;
		size_t left = parts[i].len;

		if (!parts[i].sealed) {
			if (left != 0)
				MD5_Update(&m, p, left);
			continue;
		}
		while (left > 0) {
			size_t n = left < LIBCRYPTO_PIECE ? left : LIBCRYPTO_PIECE;

			if (decrypt)
				RC4(&d->seal, n, p, p);
			MD5_Update(&m, p, n);
			if (!decrypt)
				RC4(&d->seal, n, p, p);
			p += n;
			left -= n;
		}
	}
	MD5_Final(inner, &m);
	m = d->sign.outer;
	MD5_Update(&m, inner, sizeof(inner));
	MD5_Final(mac, &m);
	signature_put(sig, mac, seqb);
	sg_wipe(&m, sizeof(m));
	sg_wipe(inner, sizeof(inner));
}

void ntlm_seal_message(struct ntlm_direction *d, uint32_t seq, struct ntlm_sealed_part *parts,
		       size_t nparts, int decrypt, uint8_t sig[16])
{
	struct ntlm_md5 m;
	uint8_t seqb[4], inner[16], mac[16];
	enum ntlm_seal_path way = d->way;
	size_t sealed = 0;
	int timed = 0;
	double t0 = 0;

	for (size_t i = 0; i < nparts; i++)
		if (parts[i].sealed)
			sealed += parts[i].len;
	/* Below a few MD5 blocks the one pass has little to interleave and
	 * libcrypto's MD5 is the faster; both ways share the RC4 state. */
	if (sealed < ONE_PASS_MIN)
		way = NTLM_SEAL_LIBCRYPTO;
	else if (way == NTLM_SEAL_AUTO)
		way = ntlm_seal_pick(&timed);
	if (timed)
		t0 = now_ns();
	if (way != NTLM_SEAL_ONE_PASS) {
		seal_message_libcrypto(d, seq, parts, nparts, decrypt, sig);
		if (timed)
			ntlm_seal_timed(way, sealed, now_ns() - t0);
		return;
	}
	m = d->seal_inner;

	ntlm_put_le32(seqb, seq);
	ntlm_md5_update(&m, seqb, 4);
	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].len == 0)
			continue;
		if (parts[i].sealed)
			ntlm_md5_rc4(&m, &d->seal, parts[i].data, parts[i].len, decrypt);
		else
			ntlm_md5_update(&m, parts[i].data, parts[i].len);
	}
	ntlm_md5_final(&m, inner);
	m = d->seal_outer;
	ntlm_md5_update(&m, inner, sizeof(inner));
	ntlm_md5_final(&m, mac);
	signature_put(sig, mac, seqb);
	sg_wipe(&m, sizeof(m));
	sg_wipe(inner, sizeof(inner));
	if (timed)
		ntlm_seal_timed(way, sealed, now_ns() - t0);
}

void ntlm_signature_mac(const struct ntlm_direction *d, uint32_t seq,
			const struct ntlm_part *parts, size_t nparts, uint8_t sig[16])
{
	uint8_t seqb[4], mac[16];

	ntlm_put_le32(seqb, seq);
	hmac_md5_parts(&d->sign, seqb, parts, nparts, mac);
	signature_put(sig, mac, seqb);
}

void ntlm_signature_finish(const struct ntlm_session *s, struct ntlm_direction *d,
			   uint8_t sig[16])
{
	if (s->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		direction_rc4(d, sig + 4, 8);
}
