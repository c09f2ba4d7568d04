/*
 * confounder.c - confounders from a per-thread pool of OpenSSL DRBG output
 * (confounder.h).
 *
 * RAND_bytes costs about as much as the rest of a 64-byte sealed message
 * (OpenSSL 3.0 asks getpid(2) for its fork check, then runs its CTR-DRBG's
 * update, which sets up an AES key, for every call). Asking it for 1 KiB
 * at a time and handing that out 16 bytes per message costs the same
 * generator output per confounder and 1/64 of the calls. The bytes are
 * OpenSSL's public DRBG output unchanged: seeded from the system, reseeded
 * by OpenSSL on its own schedule and after fork.
 *
 * What this adds, and how each is handled (docs/security.md, "Random
 * numbers"):
 *  - A fork copies the pool: parent and child would seal with the same
 *    confounders. The pool lives in its own page marked MADV_WIPEONFORK, so
 *    the child finds it zeroed (empty: refilled from the child's own
 *    reseeded DRBG); where the kernel lacks that flag, a pthread_atfork
 *    handler advances a generation that every draw compares.
 *  - Bytes not yet handed out sit in memory: they are confounders, which
 *    RFC 3961 needs unpredictable to whoever does not hold the key, and
 *    the key is in the same process. Each is wiped as it is taken, and the
 *    rest when the thread ends.
 *  - Threads never share a pool, so no lock.
 */
#include "confounder.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct pool {
	size_t left;              /* bytes not handed out, at the end of buf */
	unsigned long generation; /* fork generation of the fill */
	int mapped;               /* in its own mmap'ed page (else malloc'ed) */
	size_t size;              /* of the allocation */
	uint8_t buf[SG_CONFOUNDER_POOL];
};

static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_key_ok;
/* Advanced in every child of fork(2) (pthread_atfork). */
static unsigned long fork_generation;

/* At the thread's end (the key's destructor): wiped, then given back. */
static void pool_release(void *p)
{
	struct pool *pool = p;
	int mapped;
	size_t size;

	if (pool == NULL)
		return;
	mapped = pool->mapped;
	size = pool->size;
	OPENSSL_cleanse(pool, sizeof(*pool));
	if (mapped)
		munmap(pool, size);
	else
		free(pool);
}

static void pool_fork_child(void)
{
	__atomic_add_fetch(&fork_generation, 1, __ATOMIC_RELAXED);
}

static void pool_init(void)
{
	pool_key_ok = pthread_key_create(&pool_key, pool_release) == 0 &&
		      pthread_atfork(NULL, NULL, pool_fork_child) == 0;
}

static struct pool *pool_new(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size = page > 0 && (size_t)page >= sizeof(struct pool) ? (size_t)page
								      : sizeof(struct pool);
	struct pool *p = NULL;
	int mapped = 0;

#ifdef MADV_WIPEONFORK
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		p = NULL;
	} else if (madvise(p, size, MADV_WIPEONFORK) != 0) {
		munmap(p, size);
		p = NULL;
	} else {
		mapped = 1;
	}
#endif
	if (p == NULL) {
		size = sizeof(struct pool);
		p = calloc(1, size);
		if (p == NULL)
			return NULL;
	}
	p->mapped = mapped;
	p->size = size;
	p->left = 0;
	return p;
}

int sg_confounder(uint8_t *out, size_t len)
{
	struct pool *p;
	unsigned long gen;

	if (len > SG_CONFOUNDER_MAX)
		return -1;
	pthread_once(&pool_once, pool_init);
	if (!pool_key_ok)
		return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
	p = pthread_getspecific(pool_key);
	if (p == NULL) {
		p = pool_new();
		if (p == NULL || pthread_setspecific(pool_key, p) != 0) {
			pool_release(p);
			return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
		}
	}
	/* A child of fork whose kernel did not wipe the page: empty. In a
	 * wiped page, size and mapped are zero too: restored here. */
	gen = __atomic_load_n(&fork_generation, __ATOMIC_RELAXED);
	if (p->size == 0) {
		long page = sysconf(_SC_PAGESIZE);

		p->size = page > 0 ? (size_t)page : sizeof(*p);
		p->mapped = 1;
		p->left = 0;
	}
	if (p->generation != gen || p->left < len) {
		OPENSSL_cleanse(p->buf, sizeof(p->buf));
		p->left = 0;
		if (RAND_bytes(p->buf, (int)sizeof(p->buf)) != 1)
			return -1;
		p->left = sizeof(p->buf);
		p->generation = gen;
	}
	memcpy(out, p->buf + sizeof(p->buf) - p->left, len);
	memset(p->buf + sizeof(p->buf) - p->left, 0, len);
	p->left -= len;
	return 0;
}
