/*
 * buffers.h - memory handed to the caller, and freed by FreeContextBuffer.
 *
 * Every block is recorded with its size, so FreeContextBuffer can refuse a
 * pointer we never handed out (without touching it) and wipe the whole block
 * (it may hold a session key) before freeing it.
 */
#ifndef SG_BUFFERS_H
#define SG_BUFFERS_H

#include <stddef.h>

#include <sspi.h>

/* A zeroed block of n bytes for the caller, or NULL when out of memory. */
void *sg_buffer_alloc(size_t n);

/* Wipes and frees a block from sg_buffer_alloc. Returns SEC_E_OK, or
 * SEC_E_INVALID_HANDLE (touching nothing) for a pointer that is not one. */
SECURITY_STATUS sg_buffer_free(void *p);

/* How many blocks are live (for leak tests). */
size_t sg_buffer_count(void);

#endif
