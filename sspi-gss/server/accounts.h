/*
 * accounts.h - the local Unix account an authenticated client is
 * (impersonation, access tokens).
 */
#ifndef SG_ACCOUNTS_H
#define SG_ACCOUNTS_H

#include <sys/types.h>

#include "mech.h"

struct sg_account {
	char *name;   /* the local user name */
	char *client; /* the client as SECPKG_ATTR_NAMES reports it */
	uid_t uid;
	gid_t gid;
	int ngroups; /* supplementary groups, the primary one included */
	gid_t *groups;
};

/* Accounts below this uid (root, the system's own accounts: login.defs'
 * UID_MIN on Debian, Fedora, SUSE and Arch) are reached only by an
 * SSPI_GSS_ACCOUNT_MAP line that names the client itself. */
#define SG_ACCOUNT_MIN_UID 1000

/* The account of ctx's client: by SSPI_GSS_ACCOUNT_MAP when it is set (the
 * whole policy: its line for the client, else its "*" line, else nobody),
 * else by the package's rule (Kerberos: auth_to_local; NTLM: a user of
 * this server's own domain, or winbind's DOMAIN\user), looked up in the
 * system's user database with the thread's own ids. SEC_E_INVALID_HANDLE
 * for a context not yet established, SEC_E_NO_IMPERSONATION for an
 * initiator's context, a client that maps to nothing, an account below
 * SG_ACCOUNT_MIN_UID the map does not name the client for, or an account
 * the system does not know. */
SECURITY_STATUS sg_account_of(struct sg_ctx *ctx, struct sg_account *acct);
void sg_account_clear(struct sg_account *acct);

#endif
