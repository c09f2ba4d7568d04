/*
 * identity.c - parsing the identities a caller passes to
 * AcquireCredentialsHandle, into UTF-8, with secrets wiped when done.
 */
#include "identity.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "authid.h"
#include "domain.h"
#include "strings.h"

SECURITY_STATUS sg_identity_parse(const void *auth_data, int wide, struct sg_identity *id)
{
	const ULONG *head = auth_data;
	struct sg_authid v;
	SECURITY_STATUS s;

	memset(id, 0, sizeof(*id));
	if (auth_data == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (head[0] == SSPI_GSS_NTLM_DATABASE_VERSION) {
		const SSPI_GSS_NTLM_DATABASE *db = auth_data;

		if (head[1] != sizeof(*db) &&
		    head[1] != offsetof(SSPI_GSS_NTLM_DATABASE, Flags)) /* before Flags */
			return SEC_E_INVALID_PARAMETER;
		if (head[1] == sizeof(*db)) {
			if (db->Flags & ~SSPI_GSS_NTLM_DATABASE_WINBIND)
				return SEC_E_INVALID_PARAMETER;
			id->ntlm_winbind = (db->Flags & SSPI_GSS_NTLM_DATABASE_WINBIND) != 0;
		}
		if ((db->UserFile != NULL && (id->ntlm_user_file = strdup(db->UserFile)) == NULL) ||
		    (db->KdcCcache != NULL &&
		     (id->ntlm_kdc_ccache = strdup(db->KdcCcache)) == NULL)) {
			sg_identity_clear(id);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		return SEC_E_OK;
	}
	/* Every SEC_WINNT_AUTH_IDENTITY form (authid.c): plain, EX, EX2. */
	s = sg_authid_read(auth_data, wide, &v);
	if (s != SEC_E_OK)
		return s;
	/* No string is cut short at a NUL: one inside is refused. */
	s = sg_authid_string(&v, v.user, v.user_len, 0, 0, &id->user);
	if (s == SEC_E_OK)
		s = sg_authid_string(&v, v.domain, v.domain_len, 0, 0, &id->domain);
	if (s == SEC_E_OK)
		s = sg_authid_string(&v, v.password, v.password_len, 1, 0, &id->password);
	if (s == SEC_E_OK)
		s = sg_authid_string(&v, v.packages, v.packages_len, 0, 0, &id->package_list);
	if (s != SEC_E_OK)
		sg_identity_clear(id);
	return s;
}

SECURITY_STATUS sg_identity_principal(const struct sg_identity *id, char **principal)
{
	const char *user = id->user, *domain = id->domain, *slash;
	size_t ulen, dlen = 0;
	char *p;

	*principal = NULL;
	if (user == NULL || user[0] == '\0')
		return SEC_E_UNKNOWN_CREDENTIALS;
	slash = strchr(user, '\\');
	if (slash != NULL) { /* DOMAIN\user */
		domain = user;
		dlen = (size_t)(slash - user);
		user = slash + 1;
	} else if (strchr(user, '@') != NULL) { /* user@REALM: as given */
		domain = NULL;
	} else if (domain != NULL) {
		dlen = strlen(domain);
	}
	ulen = strlen(user);
	if (ulen == 0)
		return SEC_E_UNKNOWN_CREDENTIALS;
	if (domain == NULL && strchr(user, '@') != NULL) {
		/* A UPN, alice@ad.example.com: its suffix is the DNS domain,
		 * the realm in capitals, as Active Directory realms are. */
		const char *at = strrchr(user, '@');

		ulen = (size_t)(at - user);
		domain = at + 1;
		dlen = strlen(domain);
	}
	if (domain != NULL && dlen != 0) {
		/* DOMAIN as Windows programs give it: NetBIOS (ADSSPI) or DNS
		 * (ad.example.com); the realm is the domain's answer (domain.c). */
		char *name = strndup(domain, dlen), *realm;

		if (name == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		realm = sg_domain_realm(name);
		free(name);
		if (realm != NULL) {
			p = malloc(ulen + 1 + strlen(realm) + 1);
			if (p == NULL) {
				free(realm);
				return SEC_E_INSUFFICIENT_MEMORY;
			}
			sprintf(p, "%.*s@%s", (int)ulen, user, realm);
			free(realm);
			*principal = p;
			return SEC_E_OK;
		}
	}
	p = malloc(ulen + 1 + dlen + 1);
	if (p == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(p, user, ulen);
	p[ulen] = '\0';
	if (domain != NULL && dlen != 0) {
		p[ulen] = '@';
		for (size_t i = 0; i < dlen; i++) {
			char c = domain[i];

			p[ulen + 1 + i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
		}
		p[ulen + 1 + dlen] = '\0';
	}
	*principal = p;
	return SEC_E_OK;
}

void sg_identity_clear(struct sg_identity *id)
{
	sg_free_secret(id->user);
	sg_free_secret(id->domain);
	sg_free_secret(id->password);
	sg_free_secret(id->package_list);
	free(id->ntlm_user_file);
	free(id->ntlm_kdc_ccache);
	memset(id, 0, sizeof(*id));
}
