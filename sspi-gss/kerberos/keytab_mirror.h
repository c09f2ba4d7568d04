/*
 * keytab_mirror.h - an acceptor's keys from a FILE keytab, kept in memory
 * (docs/kerberos.md, "Keytabs"; docs/performance.md).
 *
 * Heimdal reads the keytab file again for every AP-REQ it accepts, with
 * small unbuffered reads: a quarter of a Kerberos handshake's time here. A
 * mirror copies the keytab into a private MEMORY keytab at
 * AcquireCredentialsHandle and hands Heimdal an acceptor credential on that
 * copy. Each context's first AcceptSecurityContext stat()s the file: when
 * it changed (ktutil, a key rotation, a new keytab renamed over it) the
 * copy is taken again; when it is gone or unreadable the copy is emptied,
 * so the context fails as it would on the file.
 */
#ifndef SG_KEYTAB_MIRROR_H
#define SG_KEYTAB_MIRROR_H

#include <gssapi/gssapi.h>

struct sg_keytab_mirror;

/*
 * For a default acceptor credential (no principal asked for) that Heimdal
 * acquired: a mirror of the default keytab and a credential on it, which
 * replaces *gss (the old one is released). *out is NULL, *gss untouched,
 * when the keytab is not a FILE keytab, a principal was asked for,
 * mirroring is off (SSPI_GSS_KEYTAB_MIRROR=0) or anything failed.
 */
void sg_keytab_mirror_new(const char *principal, gss_cred_id_t *gss,
			  struct sg_keytab_mirror **out);
/* After the credential built on it is released. */
void sg_keytab_mirror_free(struct sg_keytab_mirror *m);

/*
 * Around each gss_accept_sec_context call with the mirror's credential:
 * enter holds the copy steady for the call (a read lock: acceptors on one
 * credential do not wait for each other) and, on a context's first call,
 * takes it again if the file changed; leave releases it.
 */
void sg_keytab_mirror_enter(struct sg_keytab_mirror *m, int first_leg);
void sg_keytab_mirror_leave(struct sg_keytab_mirror *m);

#endif
