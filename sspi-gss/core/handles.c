/*
 * handles.c - generation-checked handle table with referenced lookups.
 *
 * Slots live in fixed-size chunks that are never freed or moved, so a lookup
 * can read a slot without a lock while another thread adds handles.
 *
 * Creating handles and retiring slots take a mutex, but not one for the
 * whole table: every chunk belongs to one of SHARDS shards, each with its
 * own lock, free list and chunk being filled, and each thread creates its
 * handles in a shard of its own (taken in turn at its first handle). A
 * retired slot goes back to its chunk's shard. So servers creating and
 * deleting contexts on several threads take different locks (the first 16
 * threads; then shards are shared two by two, and so on), where one table
 * lock was taken twice per context by every thread. Only when the chunks
 * are all handed out does a shard take a free slot from another's list.
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

#define SHARDS 16u

struct slot {
	_Atomic uint64_t state; /* tag << 32 | CLOSING | pins */
	struct sg_object *_Atomic obj;
	uint32_t generation; /* guarded by its shard's lock */
	uint32_t next_free;  /* guarded by its shard's lock; index + 1, 0 ends the list */
};

/* One cache line each, so that threads on different shards do not share
 * one. */
struct shard {
	pthread_mutex_t lock;
	uint32_t free_head; /* index + 1 */
	uint32_t next;      /* the next never-used slot of the chunk being filled */
	uint32_t left;      /* never-used slots left in it */
	size_t live;
} __attribute__((aligned(64)));

static struct slot *_Atomic chunks[MAX_CHUNKS];
static uint8_t chunk_shard[MAX_CHUNKS]; /* written before the chunk is published */
static _Atomic uint32_t chunks_made;
static struct shard shards[SHARDS] = {[0 ... SHARDS - 1] = {.lock = PTHREAD_MUTEX_INITIALIZER}};
static _Atomic unsigned threads_seen;
static _Thread_local int thread_shard = -1;

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

static unsigned my_shard(void)
{
	if (thread_shard < 0)
		thread_shard = (int)(atomic_fetch_add(&threads_seen, 1) % SHARDS);
	return (unsigned)thread_shard;
}

static struct slot *pop_free(struct shard *sh, uint32_t *index)
{
	struct slot *s;

	if (sh->free_head == 0)
		return NULL;
	*index = sh->free_head - 1;
	s = slot_at(*index);
	sh->free_head = s->next_free;
	return s;
}

/* A slot of shard n, with its lock held: a free one, else a never-used
 * one, from a new chunk when the shard's is full. */
static struct slot *claim_slot(unsigned n, uint32_t *index)
{
	struct shard *sh = &shards[n];
	struct slot *s = pop_free(sh, index);

	if (s != NULL)
		return s;
	if (sh->left == 0) {
		uint32_t c = atomic_load(&chunks_made);
		struct slot *chunk;

		/* Never past MAX_CHUNKS: a counter that went on with every
		 * refusal would wrap and hand out chunk 0 again. */
		do {
			if (c >= MAX_CHUNKS)
				return NULL;
		} while (!atomic_compare_exchange_weak(&chunks_made, &c, c + 1));
		/* Out of memory: the chunk number stays unused, and the
		 * table holds at most one chunk less. */
		chunk = calloc(CHUNK_SLOTS, sizeof(*chunk));
		if (chunk == NULL)
			return NULL;
		chunk_shard[c] = (uint8_t)n;
		atomic_store_explicit(&chunks[c], chunk, memory_order_release);
		sh->next = c * CHUNK_SLOTS;
		sh->left = CHUNK_SLOTS;
	}
	*index = sh->next++;
	sh->left--;
	return slot_at(*index);
}

/* Opens the slot claimed in shard sh (its lock held) for obj: its tag. */
static uint32_t open_slot(struct shard *sh, struct slot *s, enum sg_handle_kind kind,
			  struct sg_object *obj)
{
	uint32_t tag;

	s->generation = (s->generation + 1) & GENERATION_MASK;
	if (s->generation == 0)
		s->generation = 1;
	tag = (s->generation << 8) | (uint32_t)kind;
	atomic_store_explicit(&s->obj, obj, memory_order_relaxed);
	atomic_store_explicit(&s->state, (uint64_t)tag << 32, memory_order_release);
	sh->live++;
	return tag;
}

SECURITY_STATUS sg_handle_new(enum sg_handle_kind kind, struct sg_object *obj, SecHandle *out)
{
	unsigned mine = my_shard();
	struct slot *s;
	uint32_t index = 0, tag = 0;

	pthread_mutex_lock(&shards[mine].lock);
	s = claim_slot(mine, &index);
	if (s != NULL)
		tag = open_slot(&shards[mine], s, kind, obj);
	pthread_mutex_unlock(&shards[mine].lock);
	/* Every chunk handed out: a free slot of another shard. */
	for (unsigned i = 1; s == NULL && i < SHARDS; i++) {
		struct shard *sh = &shards[(mine + i) % SHARDS];

		pthread_mutex_lock(&sh->lock);
		s = pop_free(sh, &index);
		if (s != NULL)
			tag = open_slot(sh, s, kind, obj);
		pthread_mutex_unlock(&sh->lock);
	}
	if (s == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
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
	struct shard *sh = &shards[chunk_shard[index / CHUNK_SLOTS]];

	pthread_mutex_lock(&sh->lock);
	atomic_store_explicit(&s->obj, NULL, memory_order_relaxed);
	atomic_store_explicit(&s->state, 0, memory_order_release);
	s->next_free = sh->free_head;
	sh->free_head = index + 1;
	sh->live--;
	pthread_mutex_unlock(&sh->lock);
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
	size_t n = 0;

	for (unsigned i = 0; i < SHARDS; i++) {
		pthread_mutex_lock(&shards[i].lock);
		n += shards[i].live;
		pthread_mutex_unlock(&shards[i].lock);
	}
	return n;
}
