/*
 * handles.h - the table behind every CredHandle and CtxtHandle, and the
 * reference count that keeps an object alive while a call uses it.
 *
 * A SecHandle never holds a pointer. dwLower is a slot number plus one and
 * dwUpper the slot's generation and kind, so a zeroed, freed, forged or
 * foreign handle, or one of the wrong kind, is simply not found: the caller
 * gets SEC_E_INVALID_HANDLE instead of a crash.
 *
 * Every lookup takes a reference on the object, which the call drops when
 * it ends. Closing a handle (DeleteSecurityContext, FreeCredentialsHandle)
 * makes it unfindable at once, but the object is destroyed only when the
 * last reference goes: a call still running on it finishes on live memory.
 * Lookups take no lock.
 */
#ifndef SG_HANDLES_H
#define SG_HANDLES_H

#include <stdatomic.h>
#include <stdint.h>

#include <sspi.h>

enum sg_handle_kind {
	SG_HANDLE_CREDENTIAL = 1,
	SG_HANDLE_CONTEXT = 2,
};

/* The first member of every object a handle can name. */
struct sg_object {
	_Atomic uint32_t refs;
	void (*destroy)(struct sg_object *obj);
};

/* One reference, owned by the caller; destroy runs when the last goes. */
void sg_object_init(struct sg_object *obj, void (*destroy)(struct sg_object *obj));
void sg_object_ref(struct sg_object *obj);
/* NULL is ignored. */
void sg_object_unref(struct sg_object *obj);

/* Stores obj under a new handle written to *out; the table takes over the
 * caller's reference. Fails only when memory or the table's fixed capacity
 * is exhausted (SEC_E_INSUFFICIENT_MEMORY), and then the reference stays
 * the caller's. */
SECURITY_STATUS sg_handle_new(enum sg_handle_kind kind, struct sg_object *obj, SecHandle *out);

/* The object behind h with a new reference (sg_object_unref it), or NULL
 * when h is NULL, not a live handle of kind, or being closed. */
struct sg_object *sg_handle_ref(const SecHandle *h, enum sg_handle_kind kind);

/* Closes h: from now on it is not found. Returns its object with a
 * reference for the caller, or NULL when h is not a live handle of kind.
 * Of two racing calls on one handle, one gets the object and the other
 * NULL, so a double free is reported, not repeated. The table's own
 * reference is dropped when no lookup is in progress on the slot. */
struct sg_object *sg_handle_close(const SecHandle *h, enum sg_handle_kind kind);

/* How many handles are live (for leak tests). */
size_t sg_handle_count(void);

#endif
