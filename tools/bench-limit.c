/* bench-limit.c - see bench-limit.h. */
#include "bench-limit.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "bench.h"

/* RFC 3962: a 16-byte confounder before the data; a 12-byte truncated
 * HMAC-SHA1 after it. The header (16 bytes of token header) is MACed too. */
#define CONFOUNDER 16
#define TOKEN_HEADER 16

/* Keys are set once, as a fast path would keep them per context. */
struct limit {
	EVP_CIPHER_CTX *enc, *dec;
	EVP_MAC_CTX *mac;
	unsigned char key[32], iv[16];
	unsigned char *plain, *cipher;
	size_t len; /* confounder + data */
};

static int mac(const struct limit *l, const unsigned char *data)
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
static int seal_op(void *arg)
{
	struct limit *l = arg;
	int out;

	if (mac(l, l->plain) != 0 ||
	    EVP_EncryptInit_ex(l->enc, NULL, NULL, NULL, l->iv) != 1 ||
	    EVP_EncryptUpdate(l->enc, l->cipher, &out, l->plain, (int)l->len) != 1 ||
	    EVP_DecryptInit_ex(l->dec, NULL, NULL, NULL, l->iv) != 1 ||
	    EVP_DecryptUpdate(l->dec, l->plain, &out, l->cipher, (int)l->len) != 1)
		return -1;
	return mac(l, l->plain);
}

static int sign_op(void *arg)
{
	struct limit *l = arg;

	return mac(l, l->plain) == 0 && mac(l, l->plain) == 0 ? 0 : -1;
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

static double run(size_t size, bench_op op, double seconds, int reps)
{
	struct limit l = {.len = CONFOUNDER + size};
	double best = -1;

	memset(l.key, 0x5a, sizeof(l.key));
	l.enc = EVP_CIPHER_CTX_new();
	l.dec = EVP_CIPHER_CTX_new();
	l.mac = hmac_sha1(l.key, sizeof(l.key));
	l.plain = calloc(1, TOKEN_HEADER + l.len);
	l.cipher = calloc(1, TOKEN_HEADER + l.len);
	if (l.enc != NULL && l.dec != NULL && l.mac != NULL && l.plain != NULL && l.cipher != NULL &&
	    EVP_EncryptInit_ex(l.enc, EVP_aes_256_cbc(), NULL, l.key, l.iv) == 1 &&
	    EVP_DecryptInit_ex(l.dec, EVP_aes_256_cbc(), NULL, l.key, l.iv) == 1 &&
	    EVP_CIPHER_CTX_set_padding(l.enc, 0) == 1 && EVP_CIPHER_CTX_set_padding(l.dec, 0) == 1)
		best = bench_best(op, &l, seconds, reps);
	EVP_CIPHER_CTX_free(l.enc);
	EVP_CIPHER_CTX_free(l.dec);
	EVP_MAC_CTX_free(l.mac);
	free(l.plain);
	free(l.cipher);
	return best;
}

double bench_limit_seal_ns(size_t size, double seconds, int reps)
{
	return run(size, seal_op, seconds, reps);
}

double bench_limit_sign_ns(size_t size, double seconds, int reps)
{
	return run(size, sign_op, seconds, reps);
}
