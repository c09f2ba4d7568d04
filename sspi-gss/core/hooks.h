/*
 * hooks.h - what the core and the packages need from server/ (the
 * impersonating thread) without depending on it: server/impersonate.c
 * installs the hooks before any thread first impersonates. Until then no
 * thread impersonates, and the answers are "nothing to suspend" and "no
 * delegated credential". This keeps the imports one way (docs/design.md):
 * server/ uses the core, the core never uses server/.
 */
#ifndef SG_HOOKS_H
#define SG_HOOKS_H

#include <gssapi/gssapi.h>

#include "handles.h"

struct sg_thread_hooks {
	/* Back to the thread's own ids for a library call that reads files
	 * or talks to a KDC as the server (1: it was impersonating). */
	int (*suspend)(void);
	void (*resume)(int suspended);
	/* The impersonated client's delegated credential (borrowed, *owner
	 * referenced), or GSS_C_NO_CREDENTIAL. */
	gss_cred_id_t (*delegated)(struct sg_object **owner);
};

/* Installs the hooks (once; later calls are ignored). */
void sg_thread_hooks_set(const struct sg_thread_hooks *hooks);

int sg_thread_suspend(void);
void sg_thread_resume(int suspended);
gss_cred_id_t sg_thread_delegated(struct sg_object **owner);

#endif
