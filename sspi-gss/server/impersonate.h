/*
 * impersonate.h - what the rest of the library needs to know about a
 * thread that impersonates a client (impersonate.c).
 *
 * Credentials belong to the process, as on Windows they belong to a logon
 * session and not to a thread's token: package code that reads ticket
 * caches, keytabs or user files runs with the thread's own ids, so
 * sg_impersonation_suspend / sg_impersonation_resume bracket every call
 * into a package from AcquireCredentialsHandle and the handshake. Both are
 * a thread-local read when the thread does not impersonate.
 */
#ifndef SG_IMPERSONATE_H
#define SG_IMPERSONATE_H

#include <gssapi/gssapi.h>

#include "handles.h"

/* Returns whether ids were switched back (then resume must follow). */
int sg_impersonation_suspend(void);
void sg_impersonation_resume(int suspended);

/* The delegated credential of the context the calling thread
 * impersonates, with *owner set to that context with a new reference
 * (the credential lives as long as it); GSS_C_NO_CREDENTIAL when the
 * thread impersonates nobody or the client delegated nothing. */
gss_cred_id_t sg_impersonation_delegated(struct sg_object **owner);

#endif
