/*
 * identity.c - parsing the identities a caller passes to
 * AcquireCredentialsHandle, into UTF-8, with secrets wiped when done.
 */
#include "identity.h"

#include <stdlib.h>
#include <string.h>

#include "strings.h"
#include <sspi-gss.h>

/* One counted string of an identity, as A (UTF-8 bytes) or W (UTF-16). A NULL
 * pointer gives NULL; lengths are in characters, without the NUL. */
static SECURITY_STATUS take_string(const void *s, ULONG len, int wide, char **out)
{
	*out = NULL;
	if (s == NULL)
		return len == 0 ? SEC_E_OK : SEC_E_INVALID_PARAMETER;
	if (wide)
		return sg_utf16_to_cstr(s, len, out);
	return sg_utf8_to_cstr(s, len, out);
}

static SECURITY_STATUS fill(struct sg_identity *id, int wide, const void *user, ULONG user_len,
			    const void *domain, ULONG domain_len, const void *password,
			    ULONG password_len, const void *list, ULONG list_len)
{
	SECURITY_STATUS s;

	s = take_string(user, user_len, wide, &id->user);
	if (s == SEC_E_OK)
		s = take_string(domain, domain_len, wide, &id->domain);
	if (s == SEC_E_OK)
		s = take_string(password, password_len, wide, &id->password);
	if (s == SEC_E_OK)
		s = take_string(list, list_len, wide, &id->package_list);
	if (s != SEC_E_OK)
		sg_identity_clear(id);
	return s;
}

/* Which string form an identity uses: its Flags say, else the function. */
static int is_wide(ULONG flags, int wide)
{
	if (flags & SEC_WINNT_AUTH_IDENTITY_UNICODE)
		return 1;
	if (flags & SEC_WINNT_AUTH_IDENTITY_ANSI)
		return 0;
	return wide;
}

SECURITY_STATUS sg_identity_parse(const void *auth_data, int wide, struct sg_identity *id)
{
	const ULONG *head = auth_data;

	memset(id, 0, sizeof(*id));
	if (auth_data == NULL)
		return SEC_E_INVALID_PARAMETER;

	/* The EX forms start with a version and their own size; the plain form
	 * starts with a pointer, which cannot look like both. */
	if (head[0] == SEC_WINNT_AUTH_IDENTITY_VERSION && head[1] == sizeof(SEC_WINNT_AUTH_IDENTITY_EXW)) {
		const SEC_WINNT_AUTH_IDENTITY_EXW *ex = auth_data;
		int w = is_wide(ex->Flags, wide);

		return fill(id, w, ex->User, ex->UserLength, ex->Domain, ex->DomainLength,
			    ex->Password, ex->PasswordLength, ex->PackageList,
			    ex->PackageListLength);
	}
	if (head[0] == SSPI_GSS_NTLM_DATABASE_VERSION) {
		const SSPI_GSS_NTLM_DATABASE *db = auth_data;

		if (head[1] != sizeof(*db))
			return SEC_E_INVALID_PARAMETER;
		if ((db->UserFile != NULL && (id->ntlm_user_file = strdup(db->UserFile)) == NULL) ||
		    (db->KdcCcache != NULL &&
		     (id->ntlm_kdc_ccache = strdup(db->KdcCcache)) == NULL)) {
			sg_identity_clear(id);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		return SEC_E_OK;
	}
	if (head[0] == SEC_WINNT_AUTH_IDENTITY_VERSION_2)
		/* The packed EX2 form carries marshalled credentials we cannot
		 * unprotect on Unix yet. */
		return SEC_E_UNSUPPORTED_FUNCTION;
	{
		const SEC_WINNT_AUTH_IDENTITY_W *plain = auth_data;
		int w = is_wide(plain->Flags, wide);

		return fill(id, w, plain->User, plain->UserLength, plain->Domain,
			    plain->DomainLength, plain->Password, plain->PasswordLength, NULL, 0);
	}
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
