/*
 * handles.h - the table behind every CredHandle and CtxtHandle.
 *
 * A SecHandle never holds a pointer. dwLower is a slot number plus one and
 * dwUpper the slot's generation and kind, so a zeroed, freed, forged or
 * foreign handle, or one of the wrong kind, is simply not found: the caller
 * gets SEC_E_INVALID_HANDLE instead of a crash. Lookups take no lock.
 */
#ifndef SG_HANDLES_H
#define SG_HANDLES_H

#include <sspi.h>

enum sg_handle_kind {
	SG_HANDLE_CREDENTIAL = 1,
	SG_HANDLE_CONTEXT = 2,
};

/* Stores obj under a new handle written to *out. Fails only when memory or
 * the table's fixed capacity is exhausted (SEC_E_INSUFFICIENT_MEMORY). */
SECURITY_STATUS sg_handle_new(enum sg_handle_kind kind, void *obj, SecHandle *out);

/* The object behind h, or NULL when h is NULL or not a live handle of kind. */
void *sg_handle_get(const SecHandle *h, enum sg_handle_kind kind);

/* Removes h from the table and returns its object, or NULL when h is not a
 * live handle of kind. Of two racing calls on one handle, one gets the
 * object and the other NULL, so a double free is reported, not repeated. */
void *sg_handle_take(const SecHandle *h, enum sg_handle_kind kind);

/* How many handles are live (for leak tests). */
size_t sg_handle_count(void);

#endif
