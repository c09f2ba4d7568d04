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

/* The account of ctx's client: the SSPI_GSS_ACCOUNT_MAP file's entry for
 * the client's name if the file has one, else the package's rule
 * (Kerberos: auth_to_local; NTLM: the user part of DOMAIN\user), looked up
 * in the system's user database. SEC_E_INVALID_HANDLE for a context not
 * yet established, SEC_E_NO_IMPERSONATION for an initiator's context, a
 * client that maps to nothing, or an account the system does not know. */
SECURITY_STATUS sg_account_of(struct sg_ctx *ctx, struct sg_account *acct);
void sg_account_clear(struct sg_account *acct);

#endif
