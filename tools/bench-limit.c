/* bench-limit.c - see bench-limit.h. */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 0x10100000L /* MD5 and RC4 as NTLM implementations use them */
#endif
#include "bench-limit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rc4.h>

/* RFC 3962: a 16-byte confounder before the data; a 12-byte truncated
 * HMAC-SHA1 after it. The header (16 bytes of token header) is MACed too. */
#define CONFOUNDER 16
#define TOKEN_HEADER 16

/* Keys are set once, as a fast path would keep them per context. */
struct bench_limit {
	enum bench_limit_kind kind;
	EVP_CIPHER_CTX *enc, *dec;
	EVP_MAC_CTX *mac;
	unsigned char key[32], iv[16];
	unsigned char *plain, *cipher;
	size_t len; /* Kerberos: confounder + data; NTLM: data */
	/* NTLM: each direction's HMAC pads hashed and RC4 state. */
	MD5_CTX inner, outer;
	RC4_KEY send, recv;
	uint32_t seq;
};

static int mac(const struct bench_limit *l, const unsigned char *data)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t md_len;

	return EVP_MAC_init(l->mac, NULL, 0, NULL) == 1 &&
			       EVP_MAC_update(l->mac, data, TOKEN_HEADER + l->len) == 1 &&
			       EVP_MAC_final(l->mac, md, &md_len, sizeof(md)) == 1
		       ? 0
		       : -1;
}

/* AES-256-CBC without padding stands in for CTS: the same block work. */
static int krb5_seal(struct bench_limit *l)
{
	int out;

	if (mac(l, l->plain) != 0 || EVP_EncryptInit_ex(l->enc, NULL, NULL, NULL, l->iv) != 1 ||
	    EVP_EncryptUpdate(l->enc, l->cipher, &out, l->plain, (int)l->len) != 1 ||
	    EVP_DecryptInit_ex(l->dec, NULL, NULL, NULL, l->iv) != 1 ||
	    EVP_DecryptUpdate(l->dec, l->plain, &out, l->cipher, (int)l->len) != 1)
		return -1;
	return mac(l, l->plain);
}

static int krb5_sign(struct bench_limit *l)
{
	return mac(l, l->plain) == 0 && mac(l, l->plain) == 0 ? 0 : -1;
}

/* One direction of an NTLM sealed message: HMAC_MD5(seq || plaintext)
 * truncated to 8 bytes, the data and then the checksum through RC4 (MS-NLMP
 * 3.4.3); decrypting, RC4 before the hash. */
static void ntlm_direction(struct bench_limit *l, RC4_KEY *k, int decrypt, unsigned char sig[16])
{
	MD5_CTX m = l->inner;
	unsigned char seqb[4] = {(unsigned char)l->seq, (unsigned char)(l->seq >> 8),
				 (unsigned char)(l->seq >> 16), (unsigned char)(l->seq >> 24)};
	unsigned char inner[16], full[16];

	MD5_Update(&m, seqb, 4);
	if (decrypt)
		RC4(k, l->len, l->plain, l->plain);
	MD5_Update(&m, l->plain, l->len);
	if (!decrypt)
		RC4(k, l->len, l->plain, l->plain);
	MD5_Final(inner, &m);
	m = l->outer;
	MD5_Update(&m, inner, sizeof(inner));
	MD5_Final(full, &m);
	RC4(k, 8, full, sig + 4);
}

static int ntlm_seal(struct bench_limit *l)
{
	unsigned char a[16], b[16];

	ntlm_direction(l, &l->send, 0, a);
	ntlm_direction(l, &l->recv, 1, b);
	l->seq++;
	return memcmp(a + 4, b + 4, 8) == 0 ? 0 : -1;
}

int bench_limit_op(void *arg)
{
	struct bench_limit *l = arg;

	switch (l->kind) {
	case LIMIT_KRB5_SEAL:
		return krb5_seal(l);
	case LIMIT_KRB5_SIGN:
		return krb5_sign(l);
	case LIMIT_NTLM_SEAL:
		return ntlm_seal(l);
	}
	return -1;
}

static EVP_MAC_CTX *hmac_sha1(const unsigned char *key, size_t len)
{
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0),
			       OSSL_PARAM_construct_end()};
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;

	EVP_MAC_free(m);
	if (c != NULL && EVP_MAC_init(c, key, len, params) != 1) {
		EVP_MAC_CTX_free(c);
		c = NULL;
	}
	return c;
}

void bench_limit_free(struct bench_limit *l)
{
	if (l == NULL)
		return;
	EVP_CIPHER_CTX_free(l->enc);
	EVP_CIPHER_CTX_free(l->dec);
	EVP_MAC_CTX_free(l->mac);
	free(l->plain);
	free(l->cipher);
	free(l);
}

struct bench_limit *bench_limit_new(enum bench_limit_kind kind, size_t size)
{
	struct bench_limit *l = calloc(1, sizeof(*l));
	int ok;

	if (l == NULL)
		return NULL;
	l->kind = kind;
	memset(l->key, 0x5a, sizeof(l->key));
	if (kind == LIMIT_NTLM_SEAL) {
		unsigned char ipad[64], opad[64];

		l->len = size;
		l->plain = calloc(1, size + 1);
		memset(ipad, 0x36, sizeof(ipad));
		memset(opad, 0x5c, sizeof(opad));
		for (int i = 0; i < 16; i++) {
			ipad[i] ^= l->key[i];
			opad[i] ^= l->key[i];
		}
		MD5_Init(&l->inner);
		MD5_Update(&l->inner, ipad, sizeof(ipad));
		MD5_Init(&l->outer);
		MD5_Update(&l->outer, opad, sizeof(opad));
		RC4_set_key(&l->send, 16, l->key);
		RC4_set_key(&l->recv, 16, l->key);
		ok = l->plain != NULL;
	} else {
		l->len = CONFOUNDER + size;
		l->enc = EVP_CIPHER_CTX_new();
		l->dec = EVP_CIPHER_CTX_new();
		l->mac = hmac_sha1(l->key, sizeof(l->key));
		l->plain = calloc(1, TOKEN_HEADER + l->len);
		l->cipher = calloc(1, TOKEN_HEADER + l->len);
		ok = l->enc != NULL && l->dec != NULL && l->mac != NULL && l->plain != NULL &&
		     l->cipher != NULL &&
		     EVP_EncryptInit_ex(l->enc, EVP_aes_256_cbc(), NULL, l->key, l->iv) == 1 &&
		     EVP_DecryptInit_ex(l->dec, EVP_aes_256_cbc(), NULL, l->key, l->iv) == 1 &&
		     EVP_CIPHER_CTX_set_padding(l->enc, 0) == 1 &&
		     EVP_CIPHER_CTX_set_padding(l->dec, 0) == 1;
	}
	if (!ok) {
		bench_limit_free(l);
		return NULL;
	}
	return l;
}
