/*
 * seal.c - NTLM sealing in one pass: the HMAC-MD5 of the plaintext and its
 * RC4 encryption (or decryption) computed together, block by block.
 *
 * Why not libcrypto's MD5 and RC4 one after the other (as before, and as
 * WinPR does): both are chains of dependent instructions that leave most
 * of a core idle, MD5 through its 64 rounds, RC4 through its state table.
 * Interleaving one RC4 byte with each MD5 round lets the processor run the
 * two chains side by side: a sealed byte costs about as much as the slower
 * of the two instead of their sum: 1.7x here (docs/performance.md).
 * libcrypto has such a "stitched" RC4-MD5, but only inside its TLS cipher,
 * whose MAC input (a 13-byte TLS header) NTLM's (a 4-byte sequence number)
 * cannot be made to fit.
 *
 * MD5 is RFC 1321; the RC4 rounds run on libcrypto's own state (RC4_KEY,
 * whose table has 32-bit entries on x86-64), so a direction's state is one
 * and the same whichever way it seals, and libcrypto's RC4() does the
 * bytes outside whole MD5 blocks. Both are checked against libcrypto's on
 * every length in tests/unit/test_ntlm_engine.c, and against Windows' and
 * Samba's tokens by the NTLM suites.
 *
 * The table's entry size matters: with a table of bytes (this file's own
 * RC4 until then) the one pass lost to libcrypto's two on AMD EPYC
 * (0.75-0.85x: its byte RC4 ran at half libcrypto's speed); with 32-bit
 * entries it gains there too when the core is its own. It needs the
 * core's idle units, so it is one of two ways (ntlm.h), and the end of
 * this file chooses between them, message by message, by timing both.
 */
#include "ntlm.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- MD5 */

#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))
#define ROTL(v, c) (((v) << (c)) | ((v) >> (32 - (c))))

/* A little-endian word: one load where the host is little-endian. */
static uint32_t le32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
#endif
}

/*
 * Keeping the two chains interleaved. Left alone, the compiler schedules
 * all 64 MD5 rounds first and the RC4 bytes after them, too far apart for
 * the processor to overlap (1.1x instead of 1.7x over the two done one
 * after the other). An empty asm statement that "changes" a value cannot
 * be moved past another one, so one after each MD5 round and each RC4
 * byte keeps them in source order; they emit no instruction.
 */
#if defined(__GNUC__)
#define KEEP_ORDER(v) __asm__ volatile("" : "+r"(v))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KEEP_ORDER(v) ((void)0)
#define ALWAYS_INLINE inline
#endif

/*
 * One MD5 block of src into h and, when k is not NULL, 64 bytes of RC4
 * over buf, one key stream byte per round. The block's words are read
 * first and the key stream is XORed into buf at the end, so buf may be
 * src (sealing: MD5 of the plaintext, then its encryption). Byte stores
 * into buf between the rounds cost 4x: the processor cannot tell them
 * from the RC4 table's loads. Inlined into both callers, so the plain
 * MD5 version has no RC4 in it.
 */
static ALWAYS_INLINE void md5_rc4_block(uint32_t h[4], const uint8_t *src, RC4_KEY *k,
					 uint8_t *buf)
{
	uint32_t x[16], a = h[0], b = h[1], c = h[2], d = h[3];
	uint8_t ks[64];
	unsigned ri = 0, rj = 0, n = 0;
	RC4_INT *s = NULL;

	for (int w = 0; w < 16; w++)
		x[w] = le32(src + 4 * w);
	if (k != NULL) {
		ri = (unsigned)k->x;
		rj = (unsigned)k->y;
		s = k->data;
	}

#define RC4_BYTE()                                   \
	do {                                         \
		if (k != NULL) {                     \
			RC4_INT si_, sj_;            \
			ri = (ri + 1) & 255;         \
			si_ = s[ri];                 \
			rj = (rj + si_) & 255;       \
			sj_ = s[rj];                 \
			s[ri] = sj_;                 \
			s[rj] = si_;                 \
			ks[n++] = (uint8_t)s[(si_ + sj_) & 255]; \
			KEEP_ORDER(rj);              \
		}                                    \
	} while (0)
#define STEP(f, p, q, r, t, w, c, konst)                        \
	do {                                                    \
		p += f(q, r, t) + x[w] + (uint32_t)(konst);     \
		p = ROTL(p, c) + q;                             \
		KEEP_ORDER(p);                                  \
		RC4_BYTE();                                     \
	} while (0)

	STEP(MD5_F, a, b, c, d, 0, 7, 0xd76aa478);
	STEP(MD5_F, d, a, b, c, 1, 12, 0xe8c7b756);
	STEP(MD5_F, c, d, a, b, 2, 17, 0x242070db);
	STEP(MD5_F, b, c, d, a, 3, 22, 0xc1bdceee);
	STEP(MD5_F, a, b, c, d, 4, 7, 0xf57c0faf);
	STEP(MD5_F, d, a, b, c, 5, 12, 0x4787c62a);
	STEP(MD5_F, c, d, a, b, 6, 17, 0xa8304613);
	STEP(MD5_F, b, c, d, a, 7, 22, 0xfd469501);
	STEP(MD5_F, a, b, c, d, 8, 7, 0x698098d8);
	STEP(MD5_F, d, a, b, c, 9, 12, 0x8b44f7af);
	STEP(MD5_F, c, d, a, b, 10, 17, 0xffff5bb1);
	STEP(MD5_F, b, c, d, a, 11, 22, 0x895cd7be);
	STEP(MD5_F, a, b, c, d, 12, 7, 0x6b901122);
	STEP(MD5_F, d, a, b, c, 13, 12, 0xfd987193);
	STEP(MD5_F, c, d, a, b, 14, 17, 0xa679438e);
	STEP(MD5_F, b, c, d, a, 15, 22, 0x49b40821);

	STEP(MD5_G, a, b, c, d, 1, 5, 0xf61e2562);
	STEP(MD5_G, d, a, b, c, 6, 9, 0xc040b340);
	STEP(MD5_G, c, d, a, b, 11, 14, 0x265e5a51);
	STEP(MD5_G, b, c, d, a, 0, 20, 0xe9b6c7aa);
	STEP(MD5_G, a, b, c, d, 5, 5, 0xd62f105d);
	STEP(MD5_G, d, a, b, c, 10, 9, 0x02441453);
	STEP(MD5_G, c, d, a, b, 15, 14, 0xd8a1e681);
	STEP(MD5_G, b, c, d, a, 4, 20, 0xe7d3fbc8);
	STEP(MD5_G, a, b, c, d, 9, 5, 0x21e1cde6);
	STEP(MD5_G, d, a, b, c, 14, 9, 0xc33707d6);
	STEP(MD5_G, c, d, a, b, 3, 14, 0xf4d50d87);
	STEP(MD5_G, b, c, d, a, 8, 20, 0x455a14ed);
	STEP(MD5_G, a, b, c, d, 13, 5, 0xa9e3e905);
	STEP(MD5_G, d, a, b, c, 2, 9, 0xfcefa3f8);
	STEP(MD5_G, c, d, a, b, 7, 14, 0x676f02d9);
	STEP(MD5_G, b, c, d, a, 12, 20, 0x8d2a4c8a);

	STEP(MD5_H, a, b, c, d, 5, 4, 0xfffa3942);
	STEP(MD5_H, d, a, b, c, 8, 11, 0x8771f681);
	STEP(MD5_H, c, d, a, b, 11, 16, 0x6d9d6122);
	STEP(MD5_H, b, c, d, a, 14, 23, 0xfde5380c);
	STEP(MD5_H, a, b, c, d, 1, 4, 0xa4beea44);
	STEP(MD5_H, d, a, b, c, 4, 11, 0x4bdecfa9);
	STEP(MD5_H, c, d, a, b, 7, 16, 0xf6bb4b60);
	STEP(MD5_H, b, c, d, a, 10, 23, 0xbebfbc70);
	STEP(MD5_H, a, b, c, d, 13, 4, 0x289b7ec6);
	STEP(MD5_H, d, a, b, c, 0, 11, 0xeaa127fa);
	STEP(MD5_H, c, d, a, b, 3, 16, 0xd4ef3085);
	STEP(MD5_H, b, c, d, a, 6, 23, 0x04881d05);
	STEP(MD5_H, a, b, c, d, 9, 4, 0xd9d4d039);
	STEP(MD5_H, d, a, b, c, 12, 11, 0xe6db99e5);
	STEP(MD5_H, c, d, a, b, 15, 16, 0x1fa27cf8);
	STEP(MD5_H, b, c, d, a, 2, 23, 0xc4ac5665);

	STEP(MD5_I, a, b, c, d, 0, 6, 0xf4292244);
	STEP(MD5_I, d, a, b, c, 7, 10, 0x432aff97);
	STEP(MD5_I, c, d, a, b, 14, 15, 0xab9423a7);
	STEP(MD5_I, b, c, d, a, 5, 21, 0xfc93a039);
	STEP(MD5_I, a, b, c, d, 12, 6, 0x655b59c3);
	STEP(MD5_I, d, a, b, c, 3, 10, 0x8f0ccc92);
	STEP(MD5_I, c, d, a, b, 10, 15, 0xffeff47d);
	STEP(MD5_I, b, c, d, a, 1, 21, 0x85845dd1);
	STEP(MD5_I, a, b, c, d, 8, 6, 0x6fa87e4f);
	STEP(MD5_I, d, a, b, c, 15, 10, 0xfe2ce6e0);
	STEP(MD5_I, c, d, a, b, 6, 15, 0xa3014314);
	STEP(MD5_I, b, c, d, a, 13, 21, 0x4e0811a1);
	STEP(MD5_I, a, b, c, d, 4, 6, 0xf7537e82);
	STEP(MD5_I, d, a, b, c, 11, 10, 0xbd3af235);
	STEP(MD5_I, c, d, a, b, 2, 15, 0x2ad7d2bb);
	STEP(MD5_I, b, c, d, a, 9, 21, 0xeb86d391);
#undef STEP
#undef RC4_BYTE

	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	if (k != NULL) {
		k->x = (RC4_INT)ri;
		k->y = (RC4_INT)rj;
		for (int w = 0; w < 64; w += 8) {
			uint64_t v, t;

			memcpy(&v, buf + w, 8);
			memcpy(&t, ks + w, 8);
			v ^= t;
			memcpy(buf + w, &v, 8);
		}
	}
}

static void md5_block(uint32_t h[4], const uint8_t *src)
{
	md5_rc4_block(h, src, NULL, NULL);
}

static void md5_rc4_stitched(uint32_t h[4], const uint8_t *src, RC4_KEY *k, uint8_t *buf)
{
	md5_rc4_block(h, src, k, buf);
}

void ntlm_md5_init(struct ntlm_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->bytes = 0;
	m->fill = 0;
}

void ntlm_md5_update(struct ntlm_md5 *m, const uint8_t *p, size_t len)
{
	m->bytes += len;
	if (m->fill > 0) {
		size_t t = 64 - m->fill < len ? 64 - m->fill : len;

		memcpy(m->buf + m->fill, p, t);
		m->fill += t;
		p += t;
		len -= t;
		if (m->fill < 64)
			return;
		md5_block(m->h, m->buf);
		m->fill = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		md5_block(m->h, p);
	memcpy(m->buf, p, len);
	m->fill = len;
}

void ntlm_md5_final(struct ntlm_md5 *m, uint8_t out[16])
{
	uint64_t bits = m->bytes * 8;
	uint8_t pad[72] = {0x80};
	size_t padlen = (m->fill < 56 ? 56 : 120) - m->fill;

	for (int i = 0; i < 8; i++)
		pad[padlen + (size_t)i] = (uint8_t)(bits >> (8 * i));
	ntlm_md5_update(m, pad, padlen + 8);
	for (int i = 0; i < 4; i++) {
		out[4 * i] = (uint8_t)m->h[i];
		out[4 * i + 1] = (uint8_t)(m->h[i] >> 8);
		out[4 * i + 2] = (uint8_t)(m->h[i] >> 16);
		out[4 * i + 3] = (uint8_t)(m->h[i] >> 24);
	}
}

/*
 * MD5 of the plaintext and RC4 of data in one pass. Up to the MD5 block
 * boundary (the sequence number before the data leaves the stream at an
 * offset) and after the last whole block, the two run one after the
 * other; whole blocks go through the stitched rounds. Decryption must
 * hash a block after decrypting it, so its RC4 runs one block ahead.
 */
/* RC4 of len bytes in place (libcrypto's, outside the stitched blocks). */
static void rc4(RC4_KEY *k, uint8_t *data, size_t len)
{
	if (len != 0)
		RC4(k, len, data, data);
}

void ntlm_md5_rc4(struct ntlm_md5 *m, RC4_KEY *k, uint8_t *data, size_t len, int decrypt)
{
	size_t head = m->fill > 0 ? 64 - m->fill : 0, blocks;

	if (head > len)
		head = len;
	if (head > 0) {
		if (decrypt)
			rc4(k, data, head);
		ntlm_md5_update(m, data, head);
		if (!decrypt)
			rc4(k, data, head);
		data += head;
		len -= head;
	}
	blocks = len / 64;
	if (blocks > 0) {
		if (!decrypt) {
			for (size_t b = 0; b < blocks; b++)
				md5_rc4_stitched(m->h, data + 64 * b, k, data + 64 * b);
		} else {
			rc4(k, data, 64);
			for (size_t b = 0; b + 1 < blocks; b++)
				md5_rc4_stitched(m->h, data + 64 * b, k, data + 64 * (b + 1));
			md5_block(m->h, data + 64 * (blocks - 1));
		}
		m->bytes += 64 * blocks;
		data += 64 * blocks;
		len -= 64 * blocks;
	}
	if (len > 0) {
		if (decrypt)
			rc4(k, data, len);
		ntlm_md5_update(m, data, len);
		if (!decrypt)
			rc4(k, data, len);
	}
}

/* ------------------------------------------------- choosing the way */

/*
 * AUTO (ntlm.h): each way's cost per KiB, smoothed over the process's recent
 * messages (those of 512 sealed bytes or more, which choose). A message takes
 * the way that costs less; one in EXPLORE takes the other, so that both costs
 * stay current as the machine's load comes and goes. Those, and as many of the
 * others, are timed (two clock reads, a fortieth of a 512-byte message's time,
 * paid by one message in eight); a way not yet timed is tried, and timed, first.
 * A sample more than twice the estimate (the thread was preempted, say) counts
 * as twice, so one bad moment does not flip the choice. Threads share the
 * estimates with relaxed atomics: a lost update is a lost sample, nothing more.
 * A wrong choice costs speed, never correctness: the two ways give the same
 * bytes.
 */
#define EXPLORE 16

static int configured = -1; /* enum ntlm_seal_path once read */
static pthread_once_t configure_once = PTHREAD_ONCE_INIT;
static unsigned long cost[2]; /* ns per KiB, 0: not yet timed */
/* Per thread, so that threads sealing at once do not write one cache line
 * for every message (the costs above are written by one message in
 * eight). */
static _Thread_local unsigned long messages;
static _Thread_local unsigned long counts[2];

/*
 * Whether the one pass reads libcrypto's RC4 state as libcrypto wrote it.
 * RC4_KEY's table is declared RC4_INT, but x86-64's assembly RC4 keeps a
 * table of bytes in the same memory on CPUs it marks for that
 * (OPENSSL_ia32cap bit 20: Intel's P4, or anyone who sets the variable),
 * and says so only inside the table; the one pass would then seal wrong
 * bytes and leave a state that libcrypto's RC4 reads out of bounds. So
 * libcrypto's key schedule is compared, read-only, with the table the one
 * pass expects, then the two key streams on copies. Where they differ,
 * libcrypto's way alone is used, whatever SSPI_GSS_NTLM_SEAL says.
 */
static int one_pass_matches_libcrypto(void)
{
	static const uint8_t key[16] = "sspi-gss rc4 kat";
	uint8_t ours[128], theirs[128];
	struct ntlm_md5 m;
	RC4_KEY expected, lib;
	unsigned j = 0;
	int same;

	memset(&expected, 0, sizeof(expected));
	for (unsigned i = 0; i < 256; i++)
		expected.data[i] = (RC4_INT)i;
	for (unsigned i = 0; i < 256; i++) {
		RC4_INT t = expected.data[i];

		j = (j + (unsigned)t + key[i % sizeof(key)]) & 255;
		expected.data[i] = expected.data[j];
		expected.data[j] = t;
	}
	RC4_set_key(&lib, sizeof(key), key);
	if (memcmp(&expected, &lib, sizeof(lib)) != 0)
		return 0;
	memset(ours, 0x5A, sizeof(ours));
	memcpy(theirs, ours, sizeof(theirs));
	ntlm_md5_init(&m);
	ntlm_md5_rc4(&m, &expected, ours, sizeof(ours), 0);
	RC4(&lib, sizeof(theirs), theirs, theirs);
	same = memcmp(ours, theirs, sizeof(ours)) == 0;
	/* And the state left behind goes on as libcrypto's does. */
	RC4(&expected, 16, ours, ours);
	RC4(&lib, 16, theirs, theirs);
	return same && memcmp(ours, theirs, 16) == 0;
}

static int one_pass_ok;

static void configure(void)
{
	const char *v = secure_getenv("SSPI_GSS_NTLM_SEAL");
	int path = NTLM_SEAL_AUTO;

	one_pass_ok = one_pass_matches_libcrypto();
	if (!one_pass_ok)
		path = NTLM_SEAL_LIBCRYPTO;
	else if (v != NULL && strcmp(v, "libcrypto") == 0)
		path = NTLM_SEAL_LIBCRYPTO;
	else if (v != NULL && strcmp(v, "one-pass") == 0)
		path = NTLM_SEAL_ONE_PASS;
	__atomic_store_n(&configured, path, __ATOMIC_RELEASE);
}

enum ntlm_seal_path ntlm_seal_path(void)
{
	int path = __atomic_load_n(&configured, __ATOMIC_ACQUIRE);

	if (path < 0) {
		pthread_once(&configure_once, configure);
		path = __atomic_load_n(&configured, __ATOMIC_ACQUIRE);
	}
	return (enum ntlm_seal_path)path;
}

void ntlm_seal_path_set(enum ntlm_seal_path path)
{
	pthread_once(&configure_once, configure);
	__atomic_store_n(&configured, one_pass_ok ? (int)path : NTLM_SEAL_LIBCRYPTO,
			 __ATOMIC_RELEASE);
}

int ntlm_one_pass_usable(void)
{
	pthread_once(&configure_once, configure);
	return one_pass_ok;
}

enum ntlm_seal_path ntlm_seal_path_now(void)
{
	enum ntlm_seal_path path = ntlm_seal_path();
	unsigned long lib, one;

	if (path != NTLM_SEAL_AUTO)
		return path;
	lib = __atomic_load_n(&cost[NTLM_SEAL_LIBCRYPTO], __ATOMIC_RELAXED);
	one = __atomic_load_n(&cost[NTLM_SEAL_ONE_PASS], __ATOMIC_RELAXED);
	return one != 0 && lib != 0 && one < lib ? NTLM_SEAL_ONE_PASS : NTLM_SEAL_LIBCRYPTO;
}

enum ntlm_seal_path ntlm_seal_pick(int *timed)
{
	unsigned long lib = __atomic_load_n(&cost[NTLM_SEAL_LIBCRYPTO], __ATOMIC_RELAXED);
	unsigned long one = __atomic_load_n(&cost[NTLM_SEAL_ONE_PASS], __ATOMIC_RELAXED);
	unsigned long n = ++messages;
	enum ntlm_seal_path way;

	if (lib == 0)
		way = NTLM_SEAL_LIBCRYPTO;
	else if (one == 0)
		way = NTLM_SEAL_ONE_PASS;
	else
		way = one < lib ? NTLM_SEAL_ONE_PASS : NTLM_SEAL_LIBCRYPTO;
	if (lib != 0 && one != 0 && n % EXPLORE == 0)
		way = way == NTLM_SEAL_ONE_PASS ? NTLM_SEAL_LIBCRYPTO : NTLM_SEAL_ONE_PASS;
	*timed = lib == 0 || one == 0 || n % (EXPLORE / 2) == 0;
	counts[way]++;
	return way;
}

void ntlm_seal_timed(enum ntlm_seal_path way, size_t sealed, double ns)
{
	unsigned long sample, old;

	if ((way != NTLM_SEAL_LIBCRYPTO && way != NTLM_SEAL_ONE_PASS) || sealed == 0 || ns <= 0)
		return;
	sample = (unsigned long)(ns * 1024.0 / (double)sealed) + 1;
	old = __atomic_load_n(&cost[way], __ATOMIC_RELAXED);
	if (old != 0 && sample > 2 * old)
		sample = 2 * old;
	__atomic_store_n(&cost[way], old == 0 ? sample : (7 * old + sample) / 8, __ATOMIC_RELAXED);
}

void ntlm_seal_counts(unsigned long out[2])
{
	out[0] = counts[0];
	out[1] = counts[1];
}

const char *ntlm_seal_path_name(enum ntlm_seal_path path)
{
	switch (path) {
	case NTLM_SEAL_ONE_PASS:
		return "one-pass MD5+RC4";
	case NTLM_SEAL_LIBCRYPTO:
		return "libcrypto MD5, RC4";
	default:
		return "chosen per message by timing";
	}
}
