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


/* The first buffer of type (attribute bits ignored), or NULL. */
PSecBuffer sg_secbuffer_find(PSecBufferDesc desc, ULONG type);

/* SEC_E_OK when desc is usable: not NULL, version SECBUFFER_VERSION, and a
 * buffer array when it claims buffers. */
SECURITY_STATUS sg_secbuffer_check(PSecBufferDesc desc);

/* Delivers a token into out: allocated with sg_buffer_alloc when allocate,
 * else copied into the caller's buffer, which must be large enough
 * (SEC_E_BUFFER_TOO_SMALL otherwise, SEC_E_INTERNAL_ERROR for a length
 * with no memory, and out is left as it was). */
SECURITY_STATUS sg_secbuffer_put(PSecBuffer out, int allocate, const void *data, size_t len);

/* A UTF-8 string copied into a caller-owned block (FreeContextBuffer), as is
 * for A callers or as UTF-16 for W callers. NULL gives NULL. */
SECURITY_STATUS sg_buffer_string(const char *s, int wide, void **out);

#endif
