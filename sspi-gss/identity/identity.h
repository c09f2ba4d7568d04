/*
 * identity.h - SEC_WINNT_AUTH_IDENTITY_A/W and _EX_A/W parsing.
 */
#ifndef SG_IDENTITY_H
#define SG_IDENTITY_H

#include "mech.h"

/* Parses pAuthData as passed to AcquireCredentialsHandle. wide says which
 * function was called; an identity's own Flags (ANSI/UNICODE) take
 * precedence, as on Windows. */
SECURITY_STATUS sg_identity_parse(const void *auth_data, int wide, struct sg_identity *id);

/* The Kerberos principal for an identity: "user@REALM" as given,
 * "DOMAIN\user" and user + Domain become "user@DOMAIN" (upper-cased, as
 * Windows turns a DNS domain into a realm); no domain leaves the default
 * realm to Kerberos. malloc'ed. */
SECURITY_STATUS sg_identity_principal(const struct sg_identity *id, char **principal);

void sg_identity_clear(struct sg_identity *id);

#endif
