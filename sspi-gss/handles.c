/*
 * handles.c - generation-checked handle table.
 *
 * Slots live in fixed-size chunks that are never freed or moved, so a lookup
 * can read a slot without a lock while another thread adds handles. Creating
 * and freeing handles take one mutex. A slot's tag is (generation << 8 |
 * kind); it is zero while the slot is free, and the generation changes each
 * time the slot is reused, so an old handle to a reused slot does not match.
 */
#include "handles.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#define CHUNK_SLOTS 256u
#define MAX_CHUNKS 4096u /* at most 1,048,576 live handles */
#define GENERATION_MASK 0xFFFFFFu

struct slot {
	_Atomic uint32_t tag;
	void *_Atomic obj;
	uint32_t generation; /* guarded by table_lock */
	uint32_t next_free;  /* guarded by table_lock; index + 1, 0 ends the list */
};

static struct slot *_Atomic chunks[MAX_CHUNKS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t slots_made;  /* guarded by table_lock */
static uint32_t free_head;   /* guarded by table_lock; index + 1 */
static _Atomic size_t live_count;

static struct slot *slot_at(uint32_t index)
{
	struct slot *chunk;

	if (index / CHUNK_SLOTS >= MAX_CHUNKS)
		return NULL;
	chunk = atomic_load_explicit(&chunks[index / CHUNK_SLOTS], memory_order_acquire);
	return chunk ? &chunk[index % CHUNK_SLOTS] : NULL;
}

/* Must be called with table_lock held. */
static struct slot *claim_slot(uint32_t *index)
{
	struct slot *s;

	if (free_head != 0) {
		*index = free_head - 1;
		s = slot_at(*index);
		free_head = s->next_free;
		return s;
	}
	if (slots_made % CHUNK_SLOTS == 0) {
		struct slot *chunk;

		if (slots_made / CHUNK_SLOTS >= MAX_CHUNKS)
			return NULL;
		chunk = calloc(CHUNK_SLOTS, sizeof(*chunk));
		if (chunk == NULL)
			return NULL;
		atomic_store_explicit(&chunks[slots_made / CHUNK_SLOTS], chunk,
				      memory_order_release);
	}
	*index = slots_made++;
	return slot_at(*index);
}

SECURITY_STATUS sg_handle_new(enum sg_handle_kind kind, void *obj, SecHandle *out)
{
	struct slot *s;
	uint32_t index, tag;

	pthread_mutex_lock(&table_lock);
	s = claim_slot(&index);
	if (s == NULL) {
		pthread_mutex_unlock(&table_lock);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	s->generation = (s->generation + 1) & GENERATION_MASK;
	if (s->generation == 0)
		s->generation = 1;
	tag = (s->generation << 8) | (uint32_t)kind;
	atomic_store_explicit(&s->obj, obj, memory_order_relaxed);
	atomic_store_explicit(&s->tag, tag, memory_order_release);
	atomic_fetch_add(&live_count, 1);
	pthread_mutex_unlock(&table_lock);

	out->dwLower = (ULONG_PTR)index + 1;
	out->dwUpper = (ULONG_PTR)tag;
	return SEC_E_OK;
}

/* The slot h names when h carries a plausible index and a live tag of kind. */
static struct slot *find_slot(const SecHandle *h, enum sg_handle_kind kind)
{
	struct slot *s;

	if (h == NULL || h->dwLower == 0 || h->dwLower > UINT32_MAX ||
	    h->dwUpper == 0 || h->dwUpper > UINT32_MAX || (h->dwUpper & 0xFF) != (ULONG_PTR)kind)
		return NULL;
	s = slot_at((uint32_t)(h->dwLower - 1));
	if (s == NULL ||
	    atomic_load_explicit(&s->tag, memory_order_acquire) != (uint32_t)h->dwUpper)
		return NULL;
	return s;
}

void *sg_handle_get(const SecHandle *h, enum sg_handle_kind kind)
{
	struct slot *s = find_slot(h, kind);

	return s ? atomic_load_explicit(&s->obj, memory_order_relaxed) : NULL;
}

void *sg_handle_take(const SecHandle *h, enum sg_handle_kind kind)
{
	struct slot *s;
	void *obj = NULL;

	pthread_mutex_lock(&table_lock);
	s = find_slot(h, kind);
	if (s != NULL) {
		obj = atomic_load_explicit(&s->obj, memory_order_relaxed);
		atomic_store_explicit(&s->tag, 0, memory_order_release);
		atomic_store_explicit(&s->obj, NULL, memory_order_relaxed);
		s->next_free = free_head;
		free_head = (uint32_t)h->dwLower;
		atomic_fetch_sub(&live_count, 1);
	}
	pthread_mutex_unlock(&table_lock);
	return obj;
}

size_t sg_handle_count(void)
{
	return atomic_load(&live_count);
}
