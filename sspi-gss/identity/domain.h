/*
 * domain.h - the Windows domain this machine lives in, as winbind (Samba)
 * knows it: NetBIOS domain names to Kerberos realms, NTLM logons checked by
 * the domain controller, and what sspi-gss-info --check reports.
 * Without libwbclient at build time every call says winbind is absent.
 */
#ifndef SG_DOMAIN_H
#define SG_DOMAIN_H

#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

#include "logon.h"

/* The Kerberos realm for a domain as a Windows program names it: a DNS
 * name (a dot in it) is the realm in capitals; a NetBIOS name is asked of
 * winbind (the domain's DNS name), else of krb5.conf
 * ([sspi-gss] netbios_domains = { NAME = REALM }). malloc'ed; NULL when
 * the name is unknown (the caller then uses it as given). */
char *sg_domain_realm(const char *domain);

/* Winbind's own domain: its NetBIOS and DNS names (malloc'ed), or
 * SEC_E_NO_AUTHENTICATING_AUTHORITY with *why when winbind does not
 * answer. */
SECURITY_STATUS sg_domain_own(char **netbios, char **dns, const char **why);

/* An NTLM response checked by the domain controller through winbind
 * (MSV1_0 network logon): SEC_E_OK with the session base key and the
 * client's logon information; SEC_E_LOGON_DENIED (wrong password, unknown
 * user, disabled or locked account, ...) or SEC_E_NO_AUTHENTICATING_AUTHORITY
 * (winbind or the DC unreachable), with the domain's reason in the last
 * error text. */
SECURITY_STATUS sg_domain_ntlm_logon(const char *user, const char *domain,
				     const char *workstation, const uint8_t challenge[8],
				     const uint8_t *nt, size_t nt_len, const uint8_t *lm,
				     size_t lm_len, uint8_t session_key[16],
				     struct sg_logon **logon);

#endif
