/*
 * krb5_fast.c - RFC 4121 wrap and MIC tokens with OpenSSL (krb5_fast.h).
 *
 * Keys (RFC 3961 5.1, RFC 3962): from the context key, for each key usage,
 * Ke = DK(key, usage | AA), Ki = DK(key, usage | 55), Kc = DK(key, usage |
 * 99), DK being AES-ECB over n-fold(constant) chained to the key length.
 * Encryption is AES-CBC with ciphertext stealing (CS3, zero IV) over
 * confounder | data | filler | token header; the checksum HMAC-SHA1-96
 * over the plaintext. The token layouts are Heimdal's (lib/gssapi/krb5/
 * cfx.c) byte for byte: with no TRAILER buffer the trailer is rotated into
 * the header (RRC 28), as Windows sends it.
 *
 * A received token's sequence number goes through the replay window only
 * after its checksum verified, as MIT does (Heimdal judges the number
 * first, so a forged token with a future number would make the genuine
 * one a replay: docs/kerberos.md); unlike Heimdal, message data is
 * encrypted and decrypted in place, with no copies.
 */
/* SHA1_Init and friends: an HMAC key precomputed as two 96-byte SHA-1
 * states, where an EVP_MAC context takes 2.4 KB (docs/performance.md,
 * memory per context). */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 0x10100000L
#endif
#include "krb5_fast.h"

#include "confounder.h"

#include <errno.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TOK_WRAP0 0x05
#define TOK_MIC0 0x04
#define TOK_ID1 0x04
#define FLAG_SENT_BY_ACCEPTOR 0x01
#define FLAG_SEALED 0x02
#define FLAG_ACCEPTOR_SUBKEY 0x04

#define USAGE_ACCEPTOR_SEAL 22
#define USAGE_ACCEPTOR_SIGN 23
#define USAGE_INITIATOR_SEAL 24
#define USAGE_INITIATOR_SIGN 25

#define HDR 16    /* token header */
#define CONF 16   /* confounder: one AES block */
#define CKSUM 12  /* HMAC-SHA1-96 */
#define WINDOW 20 /* Heimdal's jitter window */

/* An AES-CBC cipher context and the chaining value it holds now (its
 * IV: the last ciphertext block it saw). Every message starts from a zero
 * IV; rather than set it through EVP_CipherInit_ex for each message (a
 * provider call that looks up parameters by name: a third of a 64-byte
 * message's time), the first block is corrected by the chaining value
 * known here (cbc_run). */
struct cbc {
	EVP_CIPHER_CTX *ctx;
	uint8_t chain[16];
};

/* HMAC-SHA1 keyed: the SHA-1 states after the inner and outer pads. */
struct hmac_key {
	SHA_CTX inner, outer;
};

/* The keys of a wrap usage. Kc (signed-only wraps) is derived at its first
 * use, as are the MIC keys: most contexts only seal. */
struct seal_keys {
	struct cbc cbc;      /* Ke, CBC, no padding; encrypt or decrypt */
	uint8_t ke[32];      /* receiving: Ke, to re-encrypt a forged message */
	struct hmac_key ki;  /* sealed wraps */
	struct hmac_key *kc; /* signed-only wraps; NULL until needed */
};

/* Heimdal's receive order (sequence.c), same rules: the highest numbers
 * seen, newest first, up to WINDOW. */
struct order {
	OM_uint32 flags;
	OM_uint32 first;
	OM_uint32 length;
	OM_uint32 elem[WINDOW];
};

struct sg_kfast {
	int initiator, acceptor_subkey, dce;
	size_t key_len;
	const EVP_CIPHER *cbc_cipher, *ecb_cipher; /* ECB: key derivation */
	/* Held for a whole call: the cipher contexts carry state between
	 * blocks. Sending and receiving go on side by side. */
	pthread_mutex_t send_lock, recv_lock;
	uint64_t send_seq;
	struct order order;
	uint8_t key[32]; /* the context key, for the keys derived later */
	struct seal_keys send_seal, recv_seal;   /* wrap tokens */
	struct hmac_key *send_mic, *recv_mic;    /* MIC tokens: Kc; NULL until needed */
};

/* ------------------------------------------------------------ n-fold */

void sg_kfast_nfold(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
	/* RFC 3961 5.1: out_len-byte copies of the input, each rotated 13
	 * bits right from the one before, added in ones' complement. Done
	 * bit by bit of the lcm-long sum, from the last byte backwards. */
	size_t a = in_len, b = out_len, lcm;
	unsigned carry = 0;
	size_t in_bits = in_len * 8;

	while (b != 0) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	lcm = in_len / a * out_len;
	memset(out, 0, out_len);
	for (size_t i = lcm; i-- > 0;) {
		/* The input bit that is the most significant bit of byte i
		 * of the concatenated copies, copy c being rotated 13*c
		 * bits to the right. */
		size_t copy = i / in_len, pos = i % in_len;
		size_t msbit = (in_bits - 1 + (in_bits + 13) * copy + (in_len - pos) * 8) % in_bits;
		unsigned hi, lo, byte;

		hi = in[((in_len - 1) - (msbit >> 3)) % in_len];
		lo = in[(in_len - (msbit >> 3)) % in_len];
		byte = (((hi << 8) | lo) >> ((msbit & 7) + 1)) & 0xff;
		byte += carry + out[i % out_len];
		out[i % out_len] = (uint8_t)byte;
		carry = byte >> 8;
	}
	for (size_t i = out_len; carry != 0 && i-- > 0;) {
		carry += out[i];
		out[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

/* --------------------------------------------------------------- keys */

/* DK(key, usage | byte) (RFC 3961 5.1) into out (key_len bytes). */
static int derive(const EVP_CIPHER *ecb, const uint8_t *key, size_t key_len, uint32_t usage,
		  uint8_t byte, uint8_t *out)
{
	uint8_t constant[5] = {(uint8_t)(usage >> 24), (uint8_t)(usage >> 16),
			       (uint8_t)(usage >> 8), (uint8_t)usage, byte};
	uint8_t block[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, ok;

	if (c == NULL)
		return -1;
	sg_kfast_nfold(constant, sizeof(constant), block, sizeof(block));
	ok = EVP_EncryptInit_ex(c, ecb, NULL, key, NULL) == 1 && EVP_CIPHER_CTX_set_padding(c, 0) == 1;
	for (size_t done = 0; ok && done < key_len; done += 16) {
		ok = EVP_EncryptUpdate(c, block, &n, block, 16) == 1 && n == 16;
		memcpy(out + done, block, key_len - done < 16 ? key_len - done : 16);
	}
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(block, sizeof(block));
	return ok ? 0 : -1;
}

/* RFC 2104 with the pads hashed once; keys are at most 32 bytes. */
static void hmac_key_init(struct hmac_key *h, const uint8_t *key, size_t len)
{
	uint8_t pad[64];

	memset(pad, 0x36, sizeof(pad));
	for (size_t i = 0; i < len; i++)
		pad[i] ^= key[i];
	SHA1_Init(&h->inner);
	SHA1_Update(&h->inner, pad, sizeof(pad));
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	SHA1_Init(&h->outer);
	SHA1_Update(&h->outer, pad, sizeof(pad));
	OPENSSL_cleanse(pad, sizeof(pad));
}

static const uint8_t zero_iv[16];

/* A CBC context for key, started with a zero IV. */
static int cbc_init(struct cbc *k, const EVP_CIPHER *cipher, const uint8_t *key, int encrypt)
{
	memset(k->chain, 0, sizeof(k->chain));
	k->ctx = EVP_CIPHER_CTX_new();
	return k->ctx != NULL && EVP_CipherInit_ex(k->ctx, cipher, NULL, key, zero_iv, encrypt) == 1 &&
			       EVP_CIPHER_CTX_set_padding(k->ctx, 0) == 1
		       ? 0
		       : -1;
}

static void seal_keys_free(struct seal_keys *k)
{
	EVP_CIPHER_CTX_free(k->cbc.ctx);
	if (k->kc != NULL) {
		OPENSSL_cleanse(k->kc, sizeof(*k->kc));
		free(k->kc);
	}
	OPENSSL_cleanse(k, sizeof(*k));
}

static void hmac_key_free(struct hmac_key *h)
{
	if (h != NULL) {
		OPENSSL_cleanse(h, sizeof(*h));
		free(h);
	}
}

/* The Ke and Ki of a wrap usage: encrypt (sending) or decrypt
 * (receiving). */
static int seal_keys_init(struct sg_kfast *f, uint32_t usage, int encrypt, struct seal_keys *k)
{
	uint8_t ke[32], ki[32];
	int ok = derive(f->ecb_cipher, f->key, f->key_len, usage, 0xAA, ke) == 0 &&
		 derive(f->ecb_cipher, f->key, f->key_len, usage, 0x55, ki) == 0 &&
		 cbc_init(&k->cbc, f->cbc_cipher, ke, encrypt) == 0;

	if (ok) {
		hmac_key_init(&k->ki, ki, f->key_len);
		if (!encrypt)
			memcpy(k->ke, ke, f->key_len);
	}
	OPENSSL_cleanse(ke, sizeof(ke));
	OPENSSL_cleanse(ki, sizeof(ki));
	return ok ? 0 : -1;
}

/* Kc of usage in *slot, derived at the first call (under the lock of the
 * direction it serves); NULL when that fails. */
static const struct hmac_key *kc_of(struct sg_kfast *f, struct hmac_key **slot, uint32_t usage)
{
	uint8_t kc[32];

	if (*slot != NULL)
		return *slot;
	if (derive(f->ecb_cipher, f->key, f->key_len, usage, 0x99, kc) == 0 &&
	    (*slot = malloc(sizeof(**slot))) != NULL)
		hmac_key_init(*slot, kc, f->key_len);
	OPENSSL_cleanse(kc, sizeof(kc));
	return *slot;
}

static uint32_t seal_usage(const struct sg_kfast *f, int sending)
{
	return f->initiator == sending ? USAGE_INITIATOR_SEAL : USAGE_ACCEPTOR_SEAL;
}

static uint32_t sign_usage(const struct sg_kfast *f, int sending)
{
	return f->initiator == sending ? USAGE_INITIATOR_SIGN : USAGE_ACCEPTOR_SIGN;
}

/* Kc of signed-only wraps and of MICs, sent or received. */
static const struct hmac_key *wrap_kc(struct sg_kfast *f, int sending)
{
	return kc_of(f, sending ? &f->send_seal.kc : &f->recv_seal.kc, seal_usage(f, sending));
}

static const struct hmac_key *mic_kc(struct sg_kfast *f, int sending)
{
	return kc_of(f, sending ? &f->send_mic : &f->recv_mic, sign_usage(f, sending));
}

void sg_kfast_free(struct sg_kfast *f)
{
	if (f == NULL)
		return;
	seal_keys_free(&f->send_seal);
	seal_keys_free(&f->recv_seal);
	hmac_key_free(f->send_mic);
	hmac_key_free(f->recv_mic);
	pthread_mutex_destroy(&f->send_lock);
	pthread_mutex_destroy(&f->recv_lock);
	OPENSSL_cleanse(f, sizeof(*f));
	free(f);
}

static void order_init(struct order *o, OM_uint32 flags, OM_uint32 seq)
{
	memset(o, 0, sizeof(*o));
	o->flags = flags & (GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG);
	o->first = seq;
	o->elem[0] = seq - 1;
}

int sg_kfast_new(gss_ctx_id_t gss, OM_uint32 flags, int dce, struct sg_kfast **out)
{
	gss_ctx_id_t handle = gss;
	gss_krb5_lucid_context_v1_t *lucid = NULL;
	struct sg_kfast *f = NULL;
	const gss_krb5_lucid_key_t *key;
	OM_uint32 major, minor;
	int rc = -1;

	*out = NULL;
	major = gss_krb5_export_lucid_sec_context(&minor, &handle, 1, (void **)&lucid);
	if (GSS_ERROR(major) || lucid == NULL)
		return -1;
	if (lucid->protocol != 1) { /* RFC 1964 tokens (DES, RC4): Heimdal's */
		rc = 0;
		goto out;
	}
	key = lucid->cfx_kd.have_acceptor_subkey ? &lucid->cfx_kd.acceptor_subkey
						  : &lucid->cfx_kd.ctx_key;
	if (!((key->type == ETYPE_AES128_CTS_HMAC_SHA1_96 && key->length == 16) ||
	      (key->type == ETYPE_AES256_CTS_HMAC_SHA1_96 && key->length == 32))) {
		rc = 0; /* other enctypes stay on Heimdal */
		goto out;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		goto out;
	pthread_mutex_init(&f->send_lock, NULL);
	pthread_mutex_init(&f->recv_lock, NULL);
	f->initiator = lucid->initiate != 0;
	f->acceptor_subkey = lucid->cfx_kd.have_acceptor_subkey != 0;
	f->dce = dce;
	f->key_len = key->length;
	f->cbc_cipher = key->length == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
	f->ecb_cipher = key->length == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
	f->send_seq = lucid->send_seq;
	/* No AP-REP (no mutual authentication): the acceptor numbers from the
	 * initiator's own first number, as Windows', MIT's and Heimdal's
	 * acceptors do, where Heimdal's initiator expects 0. The fast path
	 * starts before any message, so send_seq is still that number. */
	order_init(&f->order, flags,
		   f->initiator && !(flags & GSS_C_MUTUAL_FLAG) ? (OM_uint32)lucid->send_seq
								: (OM_uint32)lucid->recv_seq);
	memcpy(f->key, key->data, f->key_len);
	if (seal_keys_init(f, seal_usage(f, 1), 1, &f->send_seal) != 0 ||
	    seal_keys_init(f, seal_usage(f, 0), 0, &f->recv_seal) != 0) {
		sg_kfast_free(f);
		f = NULL;
		goto out;
	}
	*out = f;
	rc = 0;
out:
	gss_krb5_free_lucid_sec_context(&minor, lucid);
	return rc;
}

/* ------------------------------------------------- segments and CTS */

/* A message as the cipher sees it: pieces of the caller's buffers, in
 * order. */
struct seg {
	uint8_t *p;
	size_t n;
};

#define MAX_SEGS 64

/* Copies n bytes at offset off of the segments' concatenation out of
 * (gather) or into (!gather) buf. */
static void seg_copy(const struct seg *s, int ns, size_t off, uint8_t *buf, size_t n, int gather)
{
	for (int i = 0; i < ns && n > 0; i++) {
		size_t take;

		if (off >= s[i].n) {
			off -= s[i].n;
			continue;
		}
		take = s[i].n - off < n ? s[i].n - off : n;
		if (gather)
			memcpy(buf, s[i].p + off, take);
		else
			memcpy(s[i].p + off, buf, take);
		buf += take;
		n -= take;
		off = 0;
	}
}

/* CBC over the first len bytes (a multiple of 16) of the segments, in
 * place, chaining through c (started with a zero IV by the caller). */
static int cbc_segments(EVP_CIPHER_CTX *c, const struct seg *s, int ns, size_t len)
{
	uint8_t block[16];
	size_t off = 0;
	int n;

	for (int i = 0; i < ns && off < len; i++) {
		size_t seg_off = 0, avail = s[i].n;

		/* A block begun in an earlier segment: it was handled there. */
		while (avail > 0 && off < len) {
			size_t at_block = off % 16;

			if (at_block == 0 && avail >= 16) {
				size_t whole = (avail < len - off ? avail : len - off) & ~(size_t)15;

				if (EVP_CipherUpdate(c, s[i].p + seg_off, &n, s[i].p + seg_off,
						     (int)whole) != 1)
					return -1;
				seg_off += whole;
				avail -= whole;
				off += whole;
				continue;
			}
			/* A block across segments: gather, run, scatter. */
			seg_copy(s, ns, off, block, 16, 1);
			if (EVP_CipherUpdate(c, block, &n, block, 16) != 1)
				return -1;
			seg_copy(s, ns, off, block, 16, 0);
			/* Move past the block, which may end in a later segment. */
			{
				size_t left = 16;

				while (left > 0) {
					size_t here = avail < left ? avail : left;

					seg_off += here;
					avail -= here;
					off += here;
					left -= here;
					if (left > 0) {
						i++;
						if (i >= ns)
							return -1;
						seg_off = 0;
						avail = s[i].n;
					}
				}
			}
		}
	}
	return off == len ? 0 : -1;
}

/* XORs x into the 16 bytes at offset off of the segments. */
static void seg_xor16(const struct seg *s, int ns, size_t off, const uint8_t x[16])
{
	uint8_t b[16];

	seg_copy(s, ns, off, b, 16, 1);
	for (int i = 0; i < 16; i++)
		b[i] ^= x[i];
	seg_copy(s, ns, off, b, 16, 0);
}

/*
 * CBC with the IV iv over the first len bytes (a multiple of 16, not 0) of
 * the segments, in place. The context goes on from k->chain, so the first
 * block is corrected by iv ^ chain: before encryption (E(P ^ iv) =
 * E((P ^ iv ^ chain) ^ chain)) or after decryption. Afterwards chain is
 * the last ciphertext block, which the context now holds. Should OpenSSL
 * fail midway, the context is set back to a known zero IV.
 */
static int cbc_run(struct cbc *k, int encrypt, const uint8_t iv[16], const struct seg *s, int ns,
		   size_t len)
{
	uint8_t fix[16], last[16];
	int nonzero = 0;

	for (int i = 0; i < 16; i++) {
		fix[i] = iv[i] ^ k->chain[i];
		nonzero |= fix[i];
	}
	if (encrypt && nonzero)
		seg_xor16(s, ns, 0, fix);
	if (!encrypt)
		seg_copy(s, ns, len - 16, last, 16, 1);
	if (cbc_segments(k->ctx, s, ns, len) != 0) {
		memset(k->chain, 0, sizeof(k->chain));
		(void)EVP_CipherInit_ex(k->ctx, NULL, NULL, NULL, zero_iv, -1);
		return -1;
	}
	if (encrypt)
		seg_copy(s, ns, len - 16, last, 16, 1);
	else if (nonzero)
		seg_xor16(s, ns, 0, fix);
	memcpy(k->chain, last, 16);
	return 0;
}

/* cbc_run over a buffer of ours. */
static int cbc_buf(struct cbc *k, int encrypt, const uint8_t iv[16], uint8_t *buf, size_t len)
{
	struct seg s = {buf, len};

	return cbc_run(k, encrypt, iv, &s, 1, len);
}

/* Messages up to this many bytes (with confounder and header copy) are
 * encrypted in a buffer of ours: one or two EVP calls instead of one per
 * segment and block across segments, which at 64 bytes of data cost more
 * than the copies. */
#define SMALL_CTS 512

/* AES-CBC-CS3 over len bytes (17 or more) in buf, which has room for
 * len rounded up to a block. CS3 encryption is CBC over the zero-padded
 * plaintext with the last two blocks swapped and the last cut to the
 * length; decryption first recovers the cut bytes of the next to last
 * ciphertext block from the bare decryption of the last (RFC 3962 5). */
static int cts_buf(struct cbc *k, int encrypt, uint8_t *buf, size_t len)
{
	size_t n = (len + 15) / 16, r = len - 16 * (n - 1);
	uint8_t *pen = buf + 16 * (n - 2), *fin = buf + 16 * (n - 1);
	uint8_t x[16], cprev[16];
	int rc = -1;

	if (encrypt) {
		memset(buf + len, 0, 16 * n - len);
		if (cbc_buf(k, 1, zero_iv, buf, 16 * n) != 0)
			return -1;
		memcpy(x, pen, 16);
		memcpy(pen, fin, 16);
		memcpy(fin, x, r);
		rc = 0;
	} else {
		memcpy(x, pen, 16);
		if (cbc_buf(k, 0, zero_iv, x, 16) != 0)
			goto out;
		memcpy(cprev, fin, r);
		memcpy(cprev + r, x + r, 16 - r);
		memcpy(pen, cprev, 16);
		if (cbc_buf(k, 0, zero_iv, buf, 16 * (n - 1)) != 0)
			goto out;
		for (size_t i = 0; i < r; i++)
			fin[i] = x[i] ^ cprev[i];
		rc = 0;
	}
out:
	OPENSSL_cleanse(x, sizeof(x));
	OPENSSL_cleanse(cprev, sizeof(cprev));
	return rc;
}

/* AES-CBC-CS3 (RFC 3962) over the segments' concatenation (len >= 16),
 * in place, with a zero IV. */
static int cts_segments(struct cbc *k, int encrypt, const struct seg *s, int ns, size_t len)
{
	uint8_t tail[32], x[16], prev[16] = {0};
	size_t r, head;
	int rc = -1;

	if (len < 16)
		return -1;
	if (len == 16)
		return cbc_run(k, encrypt, zero_iv, s, ns, 16);
	if (len <= SMALL_CTS) {
		uint8_t buf[SMALL_CTS + 16];

		seg_copy(s, ns, 0, buf, len, 1);
		rc = cts_buf(k, encrypt, buf, len);
		if (rc == 0)
			seg_copy(s, ns, 0, buf, len, 0);
		OPENSSL_cleanse(buf, len);
		return rc;
	}
	r = len % 16 ? len % 16 : 16;
	head = len - 16 - r;
	/* prev: the last ciphertext block of the head, C(n-2), which chains
	 * into the tail (zero without a head). Decrypting, it is kept before
	 * the head is decrypted in place. */
	if (!encrypt && head != 0)
		seg_copy(s, ns, head - 16, prev, 16, 1);
	if (head != 0 && cbc_run(k, encrypt, zero_iv, s, ns, head) != 0)
		return -1;
	if (encrypt && head != 0)
		memcpy(prev, k->chain, 16);
	seg_copy(s, ns, head, tail, 16 + r, 1);
	if (encrypt) {
		/* C'(n-1) = E(P(n-1) ^ C(n-2)); C(n) = E(P(n)|0 ^ C'(n-1));
		 * out: C(n), then the first r bytes of C'(n-1). */
		uint8_t two[32] = {0};

		memcpy(two, tail, 16);
		memcpy(two + 16, tail + 16, r);
		if (cbc_buf(k, 1, prev, two, 32) != 0)
			goto out;
		memcpy(tail, two + 16, 16);
		memcpy(tail + 16, two, r);
		OPENSSL_cleanse(two, sizeof(two));
	} else {
		/* tail = C(n) | C'(n-1)[0..r). X = D(C(n)) = P(n)|0 ^ C'(n-1)
		 * (CBC with a zero IV is the bare block decryption): the rest
		 * of C'(n-1) is X's last 16-r bytes. Then P(n-1) =
		 * D(C'(n-1)) ^ C(n-2). */
		uint8_t cprev[16];

		memcpy(x, tail, 16);
		if (cbc_buf(k, 0, zero_iv, x, 16) != 0)
			goto out;
		memcpy(cprev, tail + 16, r);
		memcpy(cprev + r, x + r, 16 - r);
		for (size_t i = 0; i < r; i++)
			x[i] ^= cprev[i];
		if (cbc_buf(k, 0, prev, cprev, 16) != 0)
			goto out;
		memcpy(tail, cprev, 16);
		memcpy(tail + 16, x, r);
	}
	seg_copy(s, ns, head, tail, 16 + r, 0);
	rc = 0;
out:
	OPENSSL_cleanse(tail, sizeof(tail));
	OPENSSL_cleanse(x, sizeof(x));
	return rc;
}

/* Encrypts again what a receiving key decrypted (a forged message). */
static void restore(struct sg_kfast *f, const struct seg *s, int ns, size_t len)
{
	struct cbc c;

	if (cbc_init(&c, f->cbc_cipher, f->recv_seal.ke, 1) == 0)
		(void)cts_segments(&c, 1, s, ns, len);
	EVP_CIPHER_CTX_free(c.ctx);
}

int sg_kfast_cts(const uint8_t *key, size_t key_len, int encrypt, uint8_t *data, size_t len)
{
	const EVP_CIPHER *cbc = key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
	struct cbc c;
	struct seg s = {data, len};
	int rc = -1;

	if (cbc_init(&c, cbc, key, encrypt) == 0)
		rc = cts_segments(&c, encrypt, &s, 1, len);
	EVP_CIPHER_CTX_free(c.ctx);
	return rc;
}

/* HMAC-SHA1 over the segments, truncated to 12 bytes; NULL key (not
 * derived: no memory): -1. */
static int hmac_segments(const struct hmac_key *k, const struct seg *s, int ns,
			 uint8_t out[CKSUM])
{
	SHA_CTX c;
	uint8_t full[20];

	if (k == NULL)
		return -1;
	c = k->inner;
	for (int i = 0; i < ns; i++)
		if (s[i].n != 0)
			SHA1_Update(&c, s[i].p, s[i].n);
	SHA1_Final(full, &c);
	c = k->outer;
	SHA1_Update(&c, full, sizeof(full));
	SHA1_Final(full, &c);
	memcpy(out, full, CKSUM);
	OPENSSL_cleanse(&c, sizeof(c));
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
}

/* ------------------------------------------------------------- order */

static void order_insert(struct order *o, OM_uint32 after, OM_uint32 seq)
{
	if (o->length > after)
		memmove(&o->elem[after + 1], &o->elem[after],
			(o->length - after - 1) * sizeof(o->elem[0]));
	o->elem[after % WINDOW] = seq;
	if (o->length < WINDOW)
		o->length++;
}

/* Heimdal's verdicts (GSS_S_COMPLETE or a supplementary bit). */
static OM_uint32 order_check(struct order *o, OM_uint32 seq)
{
	int replay_only;

	if (o->flags == 0)
		return GSS_S_COMPLETE;
	if (o->elem[0] == seq - 1) {
		order_insert(o, 0, seq);
		return GSS_S_COMPLETE;
	}
	replay_only = o->flags == GSS_C_REPLAY_FLAG;
	if (seq > o->elem[0] || seq < o->first || o->length == 0) {
		order_insert(o, 0, seq);
		return replay_only ? GSS_S_COMPLETE : GSS_S_GAP_TOKEN;
	}
	if (seq < o->elem[o->length - 1])
		return replay_only ? GSS_S_OLD_TOKEN : GSS_S_UNSEQ_TOKEN;
	if (seq == o->elem[o->length - 1])
		return GSS_S_DUPLICATE_TOKEN;
	for (OM_uint32 i = 0; i + 1 < o->length; i++) {
		if (o->elem[i] == seq)
			return GSS_S_DUPLICATE_TOKEN;
		if (o->elem[i + 1] < seq && o->elem[i] < seq) {
			order_insert(o, i, seq);
			return replay_only ? GSS_S_COMPLETE : GSS_S_UNSEQ_TOKEN;
		}
	}
	return GSS_S_FAILURE;
}

/* ------------------------------------------------------------ tokens */

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t token_flags(const struct sg_kfast *f, int sealed)
{
	return (uint8_t)((f->initiator ? 0 : FLAG_SENT_BY_ACCEPTOR) | (sealed ? FLAG_SEALED : 0) |
			 (f->acceptor_subkey ? FLAG_ACCEPTOR_SUBKEY : 0));
}

/* The next sequence number to send; the token header filled. */
static void new_header(struct sg_kfast *f, uint8_t id0, uint8_t flags, uint8_t *h)
{
	uint64_t seq;

	seq = f->send_seq++; /* under send_lock */
	h[0] = id0;
	h[1] = TOK_ID1;
	h[2] = flags;
	h[3] = 0xFF;
	if (id0 == TOK_MIC0) {
		memset(h + 4, 0xFF, 4);
	} else {
		memset(h + 4, 0, 4); /* EC, RRC: 0 while protected */
	}
	/* Heimdal keeps 32-bit numbers: the top half is always 0. */
	put_be32(h + 8, 0);
	put_be32(h + 12, (uint32_t)seq);
}

static gss_iov_buffer_desc *find_iov(gss_iov_buffer_desc *iov, int count, OM_uint32 type)
{
	for (int i = 0; i < count; i++)
		if (GSS_IOV_BUFFER_TYPE(iov[i].type) == type)
			return &iov[i];
	return NULL;
}

/* The checks every received token's header gets, before any crypto:
 * Heimdal's, in Heimdal's order. */
static OM_uint32 check_header(const struct sg_kfast *f, const uint8_t *h, uint8_t id0,
			      OM_uint32 *minor, int *sealed)
{
	uint8_t flags;

	if (h[0] != id0 || h[1] != TOK_ID1)
		return GSS_S_DEFECTIVE_TOKEN;
	flags = h[2] & (FLAG_SENT_BY_ACCEPTOR | FLAG_SEALED | FLAG_ACCEPTOR_SUBKEY);
	if ((flags & FLAG_SENT_BY_ACCEPTOR) && !f->initiator)
		return GSS_S_DEFECTIVE_TOKEN;
	if (((flags & FLAG_ACCEPTOR_SUBKEY) != 0) != (f->acceptor_subkey != 0))
		return GSS_S_DEFECTIVE_TOKEN;
	if (id0 == TOK_MIC0) {
		if (memcmp(h + 3, "\xff\xff\xff\xff\xff", 5) != 0)
			return GSS_S_DEFECTIVE_TOKEN;
	} else if (h[3] != 0xFF) {
		return GSS_S_DEFECTIVE_TOKEN;
	}
	if (get_be32(h + 8) != 0) { /* 64-bit numbers: Heimdal has none */
		*minor = ERANGE;
		return GSS_S_UNSEQ_TOKEN;
	}
	if (sealed != NULL)
		*sealed = (flags & FLAG_SEALED) != 0;
	return GSS_S_COMPLETE;
}

static OM_uint32 bad_integrity(OM_uint32 *minor, OM_uint32 major)
{
	*minor = (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY;
	return major;
}

/* The replay and sequence verdict of a received token's number, taken
 * once the token proved genuine (its checksum verified): a token that does
 * not verify leaves the window as it was. */
static OM_uint32 received(struct sg_kfast *f, const uint8_t *h, OM_uint32 *minor)
{
	OM_uint32 v;

	v = order_check(&f->order, get_be32(h + 12)); /* under recv_lock */
	*minor = 0;
	return v;
}

/* The plaintext segments of an iov message in order: DATA (and, for the
 * checksum, SIGN_ONLY) buffers between a leading and a trailing piece. */
static int iov_segments(gss_iov_buffer_desc *iov, int count, int with_sign_only,
			struct seg first, struct seg last, struct seg *s)
{
	int ns = 0;

	if (first.n != 0)
		s[ns++] = first;
	for (int i = 0; i < count; i++) {
		OM_uint32 t = GSS_IOV_BUFFER_TYPE(iov[i].type);

		if (t == GSS_IOV_BUFFER_TYPE_DATA ||
		    (with_sign_only && t == GSS_IOV_BUFFER_TYPE_SIGN_ONLY)) {
			if (ns >= MAX_SEGS - 1)
				return -1;
			s[ns++] = (struct seg){iov[i].buffer.value, iov[i].buffer.length};
		}
	}
	if (last.n != 0)
		s[ns++] = last;
	return ns;
}

static OM_uint32 wrap_iov_locked(struct sg_kfast *f, OM_uint32 *minor, int conf_req,
				 gss_iov_buffer_desc *iov, int count)
{
	gss_iov_buffer_desc *header = find_iov(iov, count, GSS_IOV_BUFFER_TYPE_HEADER);
	gss_iov_buffer_desc *padding = find_iov(iov, count, GSS_IOV_BUFFER_TYPE_PADDING);
	struct seg enc[MAX_SEGS], mac[MAX_SEGS];
	size_t ec, trailer, hsize;
	uint8_t *h;
	int ne, nm;

	*minor = 0;
	if (header == NULL || find_iov(iov, count, GSS_IOV_BUFFER_TYPE_TRAILER) != NULL) {
		*minor = EINVAL;
		return GSS_S_FAILURE;
	}
	if (padding != NULL)
		padding->buffer.length = 0;
	if (!conf_req && f->dce) {
		*minor = EINVAL;
		return GSS_S_FAILURE;
	}
	/* AES needs no padding; DCE style still adds a block of filler. */
	ec = conf_req && f->dce ? 16 : 0;
	trailer = conf_req ? HDR + ec + CKSUM : CKSUM;
	hsize = HDR + (conf_req ? CONF : 0) + trailer;
	if (header->buffer.length < hsize || header->buffer.value == NULL) {
		*minor = (OM_uint32)KRB5_BAD_MSIZE;
		return GSS_S_FAILURE;
	}
	header->buffer.length = hsize;
	h = header->buffer.value;
	new_header(f, TOK_WRAP0, token_flags(f, conf_req), h);
	if (conf_req) {
		/* header: token | E(filler | token) | checksum | E(confounder);
		 * the cipher runs over confounder | data | filler | token. */
		uint8_t *ehdr = h + HDR, *cksum = ehdr + ec + HDR, *conf = h + hsize - CONF;

		h[4] = (uint8_t)(ec >> 8);
		h[5] = (uint8_t)ec;
		memset(ehdr, 0xFF, ec);
		memcpy(ehdr + ec, h, HDR);
		if (sg_confounder(conf, CONF) != 0)
			goto fail;
		ne = iov_segments(iov, count, 0, (struct seg){conf, CONF},
				  (struct seg){ehdr, ec + HDR}, enc);
		nm = iov_segments(iov, count, 1, (struct seg){conf, CONF},
				  (struct seg){ehdr, ec + HDR}, mac);
		if (ne < 0 || nm < 0 || hmac_segments(&f->send_seal.ki, mac, nm, cksum) != 0)
			goto fail;
		{
			size_t len = 0;

			for (int i = 0; i < ne; i++)
				len += enc[i].n;
			if (cts_segments(&f->send_seal.cbc, 1, enc, ne, len) != 0)
				goto fail;
		}
		h[6] = 0;
		h[7] = (uint8_t)(trailer - ec); /* RRC: 28 */
	} else {
		/* header: token | checksum over data | token (EC, RRC 0). */
		nm = iov_segments(iov, count, 1, (struct seg){NULL, 0}, (struct seg){h, HDR}, mac);
		if (nm < 0 || hmac_segments(wrap_kc(f, 1), mac, nm, h + HDR) != 0)
			goto fail;
		h[4] = 0;
		h[5] = CKSUM; /* EC: the checksum's length */
		h[6] = 0;
		h[7] = CKSUM; /* RRC */
	}
	return GSS_S_COMPLETE;
fail:
	*minor = ENOMEM;
	return GSS_S_FAILURE;
}

static OM_uint32 unwrap_iov_locked(struct sg_kfast *f, OM_uint32 *minor, int *conf,
				   gss_iov_buffer_desc *iov, int count)
{
	gss_iov_buffer_desc *header = find_iov(iov, count, GSS_IOV_BUFFER_TYPE_HEADER);
	gss_iov_buffer_desc *padding = find_iov(iov, count, GSS_IOV_BUFFER_TYPE_PADDING);
	struct seg enc[MAX_SEGS], mac[MAX_SEGS];
	uint8_t *h, check[CKSUM];
	size_t ec, rrc;
	OM_uint32 major;
	int sealed = 0, ne, nm;

	*minor = 0;
	if (header == NULL || find_iov(iov, count, GSS_IOV_BUFFER_TYPE_TRAILER) != NULL) {
		*minor = EINVAL;
		return GSS_S_FAILURE;
	}
	if (header->buffer.length < HDR)
		return GSS_S_DEFECTIVE_TOKEN;
	if (padding != NULL && padding->buffer.length != 0) {
		*minor = EINVAL;
		return GSS_S_FAILURE;
	}
	h = header->buffer.value;
	major = check_header(f, h, TOK_WRAP0, minor, &sealed);
	if (major != GSS_S_COMPLETE)
		return major;
	if (conf != NULL)
		*conf = sealed;
	ec = (size_t)h[4] << 8 | h[5];
	rrc = (size_t)h[6] << 8 | h[7];
	if (sealed) {
		uint8_t *ehdr, *cksum, *confounder;
		size_t len = 0;
		uint8_t saved[2];
		/* Where the filler (EC bytes) travels. DCE: inside the header,
		 * before the encrypted header copy (Windows rotates by EC +
		 * RRC). Otherwise the token is rotated by RRC alone, so with a
		 * TOKEN of the usual size the filler ends the DATA: the last
		 * DATA buffer carries it, and gives it up once opened. */
		size_t hdr_ec = f->dce ? ec : 0;
		gss_iov_buffer_desc *filler_in = NULL;

		if (rrc != HDR + CKSUM || header->buffer.length != HDR + CONF + HDR + CKSUM + hdr_ec)
			return GSS_S_DEFECTIVE_TOKEN;
		ehdr = h + HDR;
		cksum = ehdr + hdr_ec + HDR;
		confounder = h + header->buffer.length - CONF;
		if (!f->dce && ec != 0) {
			for (int i = 0; i < count; i++) {
				OM_uint32 t = GSS_IOV_BUFFER_TYPE(iov[i].type);

				if (t == GSS_IOV_BUFFER_TYPE_DATA)
					filler_in = &iov[i];
				else if (t == GSS_IOV_BUFFER_TYPE_SIGN_ONLY && filler_in != NULL)
					filler_in = NULL; /* the filler would not end the data */
			}
			if (filler_in == NULL || filler_in->buffer.length < ec)
				return GSS_S_DEFECTIVE_TOKEN;
		}
		ne = iov_segments(iov, count, 0, (struct seg){confounder, CONF},
				  (struct seg){ehdr, hdr_ec + HDR}, enc);
		nm = iov_segments(iov, count, 1, (struct seg){confounder, CONF},
				  (struct seg){ehdr, hdr_ec + HDR}, mac);
		if (ne < 0 || nm < 0) {
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
		for (int i = 0; i < ne; i++)
			len += enc[i].n;
		if (cts_segments(&f->recv_seal.cbc, 0, enc, ne, len) != 0 ||
		    hmac_segments(&f->recv_seal.ki, mac, nm, check) != 0) {
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
		if (CRYPTO_memcmp(check, cksum, CKSUM) != 0) {
			/* Put the ciphertext back: a forged message leaves the
			 * caller's buffers as they came, as with Heimdal. */
			restore(f, enc, ne, len);
			return bad_integrity(minor, GSS_S_FAILURE);
		}
		/* The token inside must be the header as received, but RRC. */
		saved[0] = ehdr[hdr_ec + 6];
		saved[1] = ehdr[hdr_ec + 7];
		ehdr[hdr_ec + 6] = h[6];
		ehdr[hdr_ec + 7] = h[7];
		if (CRYPTO_memcmp(ehdr + hdr_ec, h, HDR) != 0) {
			ehdr[hdr_ec + 6] = saved[0];
			ehdr[hdr_ec + 7] = saved[1];
			return GSS_S_BAD_MIC;
		}
		major = received(f, h, minor);
		if (major != GSS_S_COMPLETE) {
			/* Genuine but out of order: the caller's buffers go
			 * back as they came, as for a forged one. */
			ehdr[hdr_ec + 6] = saved[0];
			ehdr[hdr_ec + 7] = saved[1];
			restore(f, enc, ne, len);
			return major;
		}
		if (filler_in != NULL)
			filler_in->buffer.length -= ec;
	} else {
		uint8_t zeroed[HDR];

		if (rrc != ec) {
			*minor = EINVAL;
			return GSS_S_FAILURE;
		}
		if (header->buffer.length != HDR + ec)
			return GSS_S_DEFECTIVE_TOKEN;
		if (ec != CKSUM)
			return bad_integrity(minor, GSS_S_FAILURE);
		memcpy(zeroed, h, HDR);
		memset(zeroed + 4, 0, 4);
		nm = iov_segments(iov, count, 1, (struct seg){NULL, 0}, (struct seg){zeroed, HDR},
				  mac);
		if (nm < 0 || hmac_segments(wrap_kc(f, 0), mac, nm, check) != 0) {
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
		if (CRYPTO_memcmp(check, h + HDR, CKSUM) != 0)
			return bad_integrity(minor, GSS_S_FAILURE);
		return received(f, h, minor);
	}
	return GSS_S_COMPLETE;
}

static OM_uint32 unwrap_locked(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t in,
			       gss_buffer_t out, int *conf)
{
	const uint8_t *h = in->value;
	uint8_t *body = NULL, check[CKSUM];
	size_t len, ec, rrc;
	OM_uint32 major;
	int sealed = 0;

	*minor = 0;
	out->value = NULL;
	out->length = 0;
	if (in->length < HDR)
		return GSS_S_DEFECTIVE_TOKEN;
	major = check_header(f, h, TOK_WRAP0, minor, &sealed);
	if (major != GSS_S_COMPLETE)
		return major;
	if (conf != NULL)
		*conf = sealed;
	ec = (size_t)h[4] << 8 | h[5];
	rrc = (size_t)h[6] << 8 | h[7];
	len = in->length - HDR;
	/* The body unrotated (RRC bytes from the front go to the back) into
	 * a buffer of ours, which becomes the output. Windows' DCE tokens
	 * are rotated by EC + RRC. */
	body = malloc(len + HDR + 1);
	if (body == NULL) {
		*minor = ENOMEM;
		return GSS_S_FAILURE;
	}
	if (len != 0) {
		size_t rot = (sealed && f->dce ? rrc + ec : rrc) % len;

		memcpy(body, h + HDR + rot, len - rot);
		memcpy(body + len - rot, h + HDR, rot);
	}
	if (sealed) {
		struct seg s;
		size_t plain;

		/* confounder | data | filler | token, then the checksum */
		if (len < CONF + CKSUM || len - CKSUM < 16)
			goto bad_mic;
		s = (struct seg){body, len - CKSUM};
		if (cts_segments(&f->recv_seal.cbc, 0, &s, 1, s.n) != 0 ||
		    hmac_segments(&f->recv_seal.ki, &s, 1, check) != 0) {
			free(body);
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
		if (CRYPTO_memcmp(check, body + len - CKSUM, CKSUM) != 0) {
			*minor = (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY;
			goto bad_mic;
		}
		plain = len - CKSUM - CONF;
		if (plain < ec + HDR) {
			free(body);
			return GSS_S_DEFECTIVE_TOKEN;
		}
		{
			uint8_t *t = body + CONF + plain - HDR;

			t[6] = h[6];
			t[7] = h[7];
			if (CRYPTO_memcmp(t, h, HDR) != 0)
				goto bad_mic;
		}
		memmove(body, body + CONF, plain - ec - HDR);
		out->length = plain - ec - HDR;
	} else {
		uint8_t zeroed[HDR];
		struct seg s[2];

		if (len < ec)
			goto bad_mic;
		if (ec != CKSUM) {
			*minor = (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY;
			goto bad_mic;
		}
		memcpy(zeroed, h, HDR);
		memset(zeroed + 4, 0, 4);
		s[0] = (struct seg){body, len - ec};
		s[1] = (struct seg){zeroed, HDR};
		if (hmac_segments(wrap_kc(f, 0), s, 2, check) != 0) {
			free(body);
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
		if (CRYPTO_memcmp(check, body + len - ec, CKSUM) != 0) {
			*minor = (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY;
			goto bad_mic;
		}
		out->length = len - ec;
	}
	major = received(f, h, minor);
	if (major != GSS_S_COMPLETE) {
		OPENSSL_cleanse(body, len);
		free(body);
		out->length = 0;
		return major;
	}
	out->value = body;
	return GSS_S_COMPLETE;
bad_mic:
	OPENSSL_cleanse(body, len);
	free(body);
	return GSS_S_BAD_MIC;
}

static OM_uint32 get_mic_locked(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
				gss_buffer_t mic)
{
	uint8_t *t = malloc(HDR + CKSUM);
	struct seg s[2];

	*minor = 0;
	mic->value = NULL;
	mic->length = 0;
	if (t == NULL) {
		*minor = ENOMEM;
		return GSS_S_FAILURE;
	}
	new_header(f, TOK_MIC0, token_flags(f, 0), t);
	s[0] = (struct seg){msg->value, msg->length};
	s[1] = (struct seg){t, HDR};
	if (hmac_segments(mic_kc(f, 1), s, 2, t + HDR) != 0) {
		free(t);
		*minor = ENOMEM;
		return GSS_S_FAILURE;
	}
	mic->value = t;
	mic->length = HDR + CKSUM;
	return GSS_S_COMPLETE;
}

static OM_uint32 verify_mic_locked(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
				   const gss_buffer_t mic)
{
	const uint8_t *t = mic->value;
	uint8_t check[CKSUM];
	struct seg s[2];
	OM_uint32 major;

	*minor = 0;
	if (mic->length < HDR)
		return GSS_S_DEFECTIVE_TOKEN;
	major = check_header(f, t, TOK_MIC0, minor, NULL);
	if (major != GSS_S_COMPLETE)
		return major;
	s[0] = (struct seg){msg->value, msg->length};
	s[1] = (struct seg){(uint8_t *)t, HDR};
	if (hmac_segments(mic_kc(f, 0), s, 2, check) != 0) {
		*minor = ENOMEM;
		return GSS_S_FAILURE;
	}
	if (mic->length != HDR + CKSUM || CRYPTO_memcmp(check, t + HDR, CKSUM) != 0) {
		*minor = (OM_uint32)KRB5KRB_AP_ERR_BAD_INTEGRITY;
		return GSS_S_BAD_MIC;
	}
	return received(f, t, minor);
}

/* Saved state: version, send number, order (flags, first, length, elements). */
size_t sg_kfast_save(struct sg_kfast *f, uint8_t *buf)
{
	uint8_t *p = buf;

	pthread_mutex_lock(&f->send_lock);
	put_be32(p, 1);
	put_be32(p + 4, (uint32_t)(f->send_seq >> 32));
	put_be32(p + 8, (uint32_t)f->send_seq);
	pthread_mutex_unlock(&f->send_lock);
	p += 12;
	pthread_mutex_lock(&f->recv_lock);
	put_be32(p, f->order.flags);
	put_be32(p + 4, f->order.first);
	put_be32(p + 8, f->order.length);
	p += 12;
	for (int i = 0; i < WINDOW; i++, p += 4)
		put_be32(p, f->order.elem[i]);
	pthread_mutex_unlock(&f->recv_lock);
	return (size_t)(p - buf);
}

int sg_kfast_restore(struct sg_kfast *f, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf;
	struct order o;

	if (len != 24 + 4 * WINDOW || get_be32(p) != 1)
		return -1;
	o.flags = get_be32(p + 12);
	o.first = get_be32(p + 16);
	o.length = get_be32(p + 20);
	if (o.length > WINDOW || (o.flags & ~(OM_uint32)(GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)))
		return -1;
	for (int i = 0; i < WINDOW; i++)
		o.elem[i] = get_be32(p + 24 + 4 * i);
	f->send_seq = (uint64_t)get_be32(p + 4) << 32 | get_be32(p + 8);
	f->order = o;
	return 0;
}

/* The calls, each under its direction's lock. */
OM_uint32 sg_kfast_wrap_iov(struct sg_kfast *f, OM_uint32 *minor, int conf_req,
			    gss_iov_buffer_desc *iov, int count)
{
	OM_uint32 major;

	pthread_mutex_lock(&f->send_lock);
	major = wrap_iov_locked(f, minor, conf_req, iov, count);
	pthread_mutex_unlock(&f->send_lock);
	return major;
}

OM_uint32 sg_kfast_unwrap_iov(struct sg_kfast *f, OM_uint32 *minor, int *conf,
			      gss_iov_buffer_desc *iov, int count)
{
	OM_uint32 major;

	pthread_mutex_lock(&f->recv_lock);
	major = unwrap_iov_locked(f, minor, conf, iov, count);
	pthread_mutex_unlock(&f->recv_lock);
	return major;
}

OM_uint32 sg_kfast_unwrap(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t in,
			  gss_buffer_t out, int *conf)
{
	OM_uint32 major;

	pthread_mutex_lock(&f->recv_lock);
	major = unwrap_locked(f, minor, in, out, conf);
	pthread_mutex_unlock(&f->recv_lock);
	return major;
}

OM_uint32 sg_kfast_get_mic(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
			   gss_buffer_t mic)
{
	OM_uint32 major;

	pthread_mutex_lock(&f->send_lock);
	major = get_mic_locked(f, minor, msg, mic);
	pthread_mutex_unlock(&f->send_lock);
	return major;
}

OM_uint32 sg_kfast_verify_mic(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
			      const gss_buffer_t mic)
{
	OM_uint32 major;

	pthread_mutex_lock(&f->recv_lock);
	major = verify_mic_locked(f, minor, msg, mic);
	pthread_mutex_unlock(&f->recv_lock);
	return major;
}
