/*
 * buffers.c - caller-owned memory and FreeContextBuffer.
 *
 * Blocks are recorded in a small hash set keyed by address. Buffers are
 * handed out during handshakes and attribute queries, never per message;
 * but a server's threads each get one or two per handshake
 * (ASC_REQ_ALLOCATE_MEMORY), so the set's buckets are guarded by STRIPES
 * locks (a block's address picks its bucket and so its lock) rather than
 * one for the whole set.
 */
#include "buffers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strings.h"
#include "trace.h"

#define BUCKETS 1024u
#define STRIPES 32u /* divides BUCKETS */

struct block {
	void *ptr;
	size_t size;
	struct block *next;
};

static struct block *buckets[BUCKETS];

/* One cache line each. */
static struct stripe {
	pthread_mutex_t lock;
	size_t live; /* blocks in its buckets */
} __attribute__((aligned(64))) stripes[STRIPES] = {
	[0 ... STRIPES - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER}};

static size_t bucket_of(const void *p)
{
	/* malloc results are 16-byte aligned: drop the low bits, then mix. */
	uint64_t x = (uint64_t)(uintptr_t)p >> 4;

	return (size_t)((x * UINT64_C(0x9E3779B97F4A7C15)) >> 54) % BUCKETS;
}

void *sg_buffer_alloc(size_t n)
{
	struct block *b = malloc(sizeof(*b));
	size_t i;

	if (b == NULL)
		return NULL;
	b->ptr = calloc(1, n ? n : 1);
	if (b->ptr == NULL) {
		free(b);
		return NULL;
	}
	b->size = n;
	i = bucket_of(b->ptr);
	pthread_mutex_lock(&stripes[i % STRIPES].lock);
	b->next = buckets[i];
	buckets[i] = b;
	stripes[i % STRIPES].live++;
	pthread_mutex_unlock(&stripes[i % STRIPES].lock);
	return b->ptr;
}

SECURITY_STATUS sg_buffer_free(void *p)
{
	struct block **link, *b = NULL;
	size_t i = bucket_of(p);
	struct stripe *st = &stripes[i % STRIPES];

	pthread_mutex_lock(&st->lock);
	for (link = &buckets[i]; *link != NULL; link = &(*link)->next) {
		if ((*link)->ptr == p) {
			b = *link;
			*link = b->next;
			st->live--;
			break;
		}
	}
	pthread_mutex_unlock(&st->lock);
	if (b == NULL)
		return SEC_E_INVALID_HANDLE;
	sg_wipe(b->ptr, b->size);
	free(b->ptr);
	free(b);
	return SEC_E_OK;
}

size_t sg_buffer_count(void)
{
	size_t n = 0;

	for (unsigned i = 0; i < STRIPES; i++) {
		pthread_mutex_lock(&stripes[i].lock);
		n += stripes[i].live;
		pthread_mutex_unlock(&stripes[i].lock);
	}
	return n;
}

SECURITY_STATUS SEC_ENTRY FreeContextBuffer(void *pvContextBuffer)
{
	SECURITY_STATUS s = pvContextBuffer == NULL ? SEC_E_OK : sg_buffer_free(pvContextBuffer);

	/* Only whether it was ours: the address says nothing to a reader. */
	if (SG_TRACING())
		sg_trace_call("FreeContextBuffer", s, "%s", pvContextBuffer ? "buffer" : "null");
	return s;
}

PSecBuffer sg_secbuffer_find(PSecBufferDesc desc, ULONG type)
{
	if (desc == NULL || desc->pBuffers == NULL)
		return NULL;
	for (ULONG i = 0; i < desc->cBuffers; i++)
		if ((desc->pBuffers[i].BufferType & ~(ULONG)SECBUFFER_ATTRMASK) == type)
			return &desc->pBuffers[i];
	return NULL;
}

SECURITY_STATUS sg_secbuffer_check(PSecBufferDesc desc)
{
	if (desc == NULL || desc->ulVersion != SECBUFFER_VERSION)
		return SEC_E_INVALID_PARAMETER;
	if (desc->cBuffers != 0 && desc->pBuffers == NULL)
		return SEC_E_INVALID_PARAMETER;
	return SEC_E_OK;
}

SECURITY_STATUS sg_secbuffer_put(PSecBuffer out, int allocate, const void *data, size_t len)
{
	if (len > 0xFFFFFFFFu)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (allocate) {
		void *p = sg_buffer_alloc(len);

		if (p == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		if (len != 0)
			memcpy(p, data, len);
		out->pvBuffer = p;
		out->cbBuffer = (ULONG)len;
		return SEC_E_OK;
	}
	/* Windows: a buffer too short is SEC_E_BUFFER_TOO_SMALL; one with a
	 * length but no memory behind it SEC_E_INTERNAL_ERROR. */
	if (len != 0 && out->pvBuffer == NULL)
		return SEC_E_INTERNAL_ERROR;
	if (len > out->cbBuffer)
		return SEC_E_BUFFER_TOO_SMALL;
	if (len != 0)
		memcpy(out->pvBuffer, data, len);
	out->cbBuffer = (ULONG)len;
	return SEC_E_OK;
}

SECURITY_STATUS sg_buffer_string(const char *s, int wide, void **out)
{
	*out = NULL;
	if (s == NULL)
		return SEC_E_OK;
	if (wide) {
		SEC_WCHAR *w = NULL;
		size_t n = 0;
		SECURITY_STATUS st = sg_utf8_to_utf16(s, strlen(s), &w, &n);

		if (st != SEC_E_OK)
			return st;
		*out = sg_buffer_alloc((n + 1) * sizeof(SEC_WCHAR));
		if (*out != NULL)
			memcpy(*out, w, (n + 1) * sizeof(SEC_WCHAR));
		/* The string may be a password (the identity helpers). */
		sg_wipe(w, (n + 1) * sizeof(SEC_WCHAR));
		free(w);
	} else {
		*out = sg_buffer_alloc(strlen(s) + 1);
		if (*out != NULL)
			memcpy(*out, s, strlen(s) + 1);
	}
	return *out != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}
