/*
 * ccache_mirror.h - default Kerberos credentials from a FILE ticket cache,
 * kept in memory (docs/kerberos.md, "Ticket caches").
 *
 * Windows keeps a logon session's tickets in memory; a Unix user's are in a
 * ticket cache file that Heimdal opens, locks and reads through several
 * times for every context it starts. A mirror copies the cache into a
 * private MEMORY cache at AcquireCredentialsHandle and hands Heimdal a
 * credential on that copy. When a context starts (its first
 * InitializeSecurityContext call) the file is stat()ed: when it changed (kinit, renewal, kdestroy, another
 * program's new ticket) the copy is taken again. Tickets Heimdal obtains
 * into the copy are appended to the file, where klist and other programs
 * see them, as they would be without the mirror.
 */
#ifndef SG_CCACHE_MIRROR_H
#define SG_CCACHE_MIRROR_H

#include <gssapi/gssapi.h>
#include <sspi.h>

struct sg_ccache_mirror;

/*
 * For an initiator credential Heimdal acquired from a ticket cache
 * (principal: the name asked for, or NULL for the default cache): a
 * mirror of that cache and a credential on it, which replaces *gss (the
 * old one is released). *out is NULL, *gss untouched, when the cache is
 * not a FILE cache, mirroring is off (SSPI_GSS_CCACHE_MIRROR=0) or
 * anything failed: Heimdal then goes on with its own credential.
 */
void sg_ccache_mirror_new(const char *principal, gss_cred_id_t *gss,
			  struct sg_ccache_mirror **out);
/* After the credential built on it is released. */
void sg_ccache_mirror_free(struct sg_ccache_mirror *m);

/*
 * Around each gss_init_sec_context call with the mirror's credential:
 * enter holds the copy steady for the call and, on a context's first
 * call (first_leg), takes it again if the file changed
 * (SEC_E_NO_CREDENTIALS when the file is gone or no ticket cache, as
 * Heimdal answers then); leave writes newly obtained tickets back to the
 * file. Every successful enter is followed by one leave.
 */
SECURITY_STATUS sg_ccache_mirror_enter(struct sg_ccache_mirror *m, int first_leg);
void sg_ccache_mirror_leave(struct sg_ccache_mirror *m);

#endif
