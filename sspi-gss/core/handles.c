/*
 * handles.c - generation-checked handle table with referenced lookups.
 *
 * Slots live in fixed-size chunks that are never freed or moved, so a lookup
 * can read a slot without a lock while another thread adds handles. Creating
 * handles and retiring slots take one mutex.
 *
 * A slot's state word holds its tag (generation << 8 | kind) in the high 32
 * bits, zero while the slot is free, and in the low 32 bits a CLOSING bit and
 * the number of lookups in progress ("pins"). A lookup pins the slot with
 * one compare-and-swap that also checks the tag, so it can never pin a slot
 * that was freed or reused under it; while pinned, the table's reference
 * keeps the object alive, and the lookup takes its own before unpinning.
 * Closing sets CLOSING (no new pins); whoever brings the pins of a closing
 * slot to zero retires it: frees the slot and drops the table's reference.
 * That happens exactly once, because no pin can be added after CLOSING.
 */
#include "handles.h"

#include <pthread.h>
#include <stdlib.h>

#define CHUNK_SLOTS 256u
#define MAX_CHUNKS 4096u /* at most 1,048,576 live handles */
#define GENERATION_MASK 0xFFFFFFu
#define CLOSING 0x80000000u
#define PINS 0x7FFFFFFFu

struct slot {
	_Atomic uint64_t state; /* tag << 32 | CLOSING | pins */
	struct sg_object *_Atomic obj;
	uint32_t generation; /* guarded by table_lock */
	uint32_t next_free;  /* guarded by table_lock; index + 1, 0 ends the list */
};

static struct slot *_Atomic chunks[MAX_CHUNKS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t slots_made;  /* guarded by table_lock */
static uint32_t free_head;   /* guarded by table_lock; index + 1 */
static _Atomic size_t live_count;

void sg_object_init(struct sg_object *obj, void (*destroy)(struct sg_object *obj))
{
	atomic_init(&obj->refs, 1);
	obj->destroy = destroy;
}

void sg_object_ref(struct sg_object *obj)
{
	atomic_fetch_add_explicit(&obj->refs, 1, memory_order_relaxed);
}

void sg_object_unref(struct sg_object *obj)
{
	if (obj != NULL && atomic_fetch_sub_explicit(&obj->refs, 1, memory_order_acq_rel) == 1)
		obj->destroy(obj);
}

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

SECURITY_STATUS sg_handle_new(enum sg_handle_kind kind, struct sg_object *obj, SecHandle *out)
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
	atomic_store_explicit(&s->state, (uint64_t)tag << 32, memory_order_release);
	atomic_fetch_add(&live_count, 1);
	pthread_mutex_unlock(&table_lock);

	out->dwLower = (ULONG_PTR)index + 1;
	out->dwUpper = (ULONG_PTR)tag;
	return SEC_E_OK;
}

/* The slot h names, when h carries a plausible index and kind. */
static struct slot *find_slot(const SecHandle *h, enum sg_handle_kind kind)
{
	if (h == NULL || h->dwLower == 0 || h->dwLower > UINT32_MAX || h->dwUpper == 0 ||
	    h->dwUpper > UINT32_MAX || (h->dwUpper & 0xFF) != (ULONG_PTR)kind)
		return NULL;
	return slot_at((uint32_t)(h->dwLower - 1));
}

/* Frees a closed slot whose last pin is gone and drops the table's reference. */
static void retire(struct slot *s, uint32_t index)
{
	struct sg_object *obj = atomic_load_explicit(&s->obj, memory_order_relaxed);

	pthread_mutex_lock(&table_lock);
	atomic_store_explicit(&s->obj, NULL, memory_order_relaxed);
	atomic_store_explicit(&s->state, 0, memory_order_release);
	s->next_free = free_head;
	free_head = index + 1;
	atomic_fetch_sub(&live_count, 1);
	pthread_mutex_unlock(&table_lock);
	sg_object_unref(obj);
}

static void unpin(struct slot *s, uint32_t index)
{
	uint64_t was = atomic_fetch_sub(&s->state, 1);

	if ((was & CLOSING) && (was & PINS) == 1)
		retire(s, index);
}

/* Pins the slot of a live, open handle; closing also sets CLOSING. */
static struct slot *pin(const SecHandle *h, enum sg_handle_kind kind, int closing)
{
	struct slot *s = find_slot(h, kind);
	uint64_t w;

	if (s == NULL)
		return NULL;
	w = atomic_load(&s->state);
	do {
		if ((w >> 32) != (uint64_t)h->dwUpper || (w & CLOSING))
			return NULL;
	} while (!atomic_compare_exchange_weak(&s->state, &w, (w | (closing ? CLOSING : 0)) + 1));
	return s;
}

static struct sg_object *ref_pinned(struct slot *s, const SecHandle *h)
{
	struct sg_object *obj = atomic_load_explicit(&s->obj, memory_order_relaxed);

	sg_object_ref(obj);
	unpin(s, (uint32_t)(h->dwLower - 1));
	return obj;
}

struct sg_object *sg_handle_ref(const SecHandle *h, enum sg_handle_kind kind)
{
	struct slot *s = pin(h, kind, 0);

	return s != NULL ? ref_pinned(s, h) : NULL;
}

struct sg_object *sg_handle_close(const SecHandle *h, enum sg_handle_kind kind)
{
	struct slot *s = pin(h, kind, 1);

	return s != NULL ? ref_pinned(s, h) : NULL;
}

size_t sg_handle_count(void)
{
	return atomic_load(&live_count);
}
