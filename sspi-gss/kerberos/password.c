/*
 * password.c - ChangeAccountPasswordA/W.
 *
 * Kerberos (and Negotiate, which changes passwords through Kerberos, as on
 * Windows): the set/change password protocol of RFC 3244 with Heimdal's
 * krb5_set_password, against the realm's kpasswd server (krb5.conf
 * kpasswd_server / admin_server, else the KDC's host). The old password
 * gets a ticket for kadmin/changepw; that ticket authorises the change.
 * NTLM keeps no password store of its own (a user file or the KDC's):
 * SEC_E_UNSUPPORTED_FUNCTION.
 */
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "packages.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

/* Nothing of the passwords stays behind in our copies. */
static void wipe_free(char *s)
{
	if (s != NULL) {
		volatile char *p = s;

		while (*p != '\0')
			*p++ = '\0';
		free(s);
	}
}

/* The status for a krb5 error, with Heimdal's text as the last error. */
static SECURITY_STATUS krb5_failure(krb5_context k, krb5_error_code rc)
{
	SECURITY_STATUS s = sg_status_from_krb5(rc);
	const char *text = krb5_get_error_message(k, rc);

	sg_last_error_set(s, "kpasswd: %s", text != NULL ? text : "?");
	krb5_free_error_message(k, text);
	return s;
}

static SECURITY_STATUS kpasswd(const char *domain, const char *account, const char *old_pw,
			       const char *new_pw)
{
	krb5_context k = NULL;
	krb5_principal client = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_data result_text = {0, NULL}, result_code_text = {0, NULL};
	int result = 0, have_creds = 0;
	krb5_error_code rc;
	SECURITY_STATUS s;

	memset(&creds, 0, sizeof(creds));
	if (krb5_init_context(&k) != 0)
		return SEC_E_INTERNAL_ERROR;
	/* DOMAIN is the realm; account may carry its own (user@REALM). */
	if (strchr(account, '@') != NULL || domain == NULL || domain[0] == '\0')
		rc = krb5_parse_name(k, account, &client);
	else
		rc = krb5_make_principal(k, &client, domain, account, NULL);
	if (rc == 0)
		rc = krb5_get_init_creds_opt_alloc(k, &opt);
	if (rc == 0) {
		/* A ticket for the password service only: short, not renewable,
		 * not forwardable, not for anything else. */
		krb5_get_init_creds_opt_set_tkt_life(opt, 300);
		krb5_get_init_creds_opt_set_renew_life(opt, 0);
		krb5_get_init_creds_opt_set_forwardable(opt, 0);
		krb5_get_init_creds_opt_set_proxiable(opt, 0);
		rc = krb5_get_init_creds_password(k, &creds, client, old_pw, NULL, NULL, 0,
						  "kadmin/changepw", opt);
		have_creds = rc == 0;
	}
	if (rc != 0) {
		s = krb5_failure(k, rc);
		goto out;
	}
	rc = krb5_set_password(k, &creds, new_pw, client, &result, &result_code_text, &result_text);
	if (rc != 0) {
		s = krb5_failure(k, rc);
		goto out;
	}
	switch (result) {
	case KRB5_KPASSWD_SUCCESS:
		s = SEC_E_OK;
		break;
	case KRB5_KPASSWD_AUTHERROR:
		s = SEC_E_LOGON_DENIED;
		break;
	case KRB5_KPASSWD_HARDERROR:
	case KRB5_KPASSWD_MALFORMED:
	case KRB5_KPASSWD_ACCESSDENIED:
		s = SEC_E_LOGON_DENIED;
		break;
	default:
		/* The new password breaks the server's policy (soft error). */
		s = SEC_E_INVALID_PARAMETER;
		break;
	}
	if (s != SEC_E_OK)
		sg_last_error_set(s, "kpasswd server: %.*s%s%.*s", (int)result_code_text.length,
				  result_code_text.data ? (char *)result_code_text.data : "",
				  result_text.length ? ": " : "", (int)result_text.length,
				  result_text.data ? (char *)result_text.data : "");
out:
	krb5_data_free(&result_text);
	krb5_data_free(&result_code_text);
	if (have_creds)
		krb5_free_cred_contents(k, &creds);
	if (opt != NULL)
		krb5_get_init_creds_opt_free(k, opt);
	krb5_free_principal(k, client);
	krb5_free_context(k);
	return s;
}

static SECURITY_STATUS change(const char *package, const char *domain, const char *account,
			      const char *old_pw, const char *new_pw, BOOLEAN impersonating,
			      ULONG reserved, PSecBufferDesc output)
{
	const struct sg_package *pkg;

	if (package == NULL || (pkg = sg_package_find(package)) == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	if (account == NULL || account[0] == '\0' || old_pw == NULL || new_pw == NULL ||
	    reserved != 0)
		return SEC_E_INVALID_PARAMETER;
	if (output != NULL && sg_secbuffer_check(output) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	/* Impersonating: the caller's thread identity is not what changes
	 * the password here, the old password is; the flag changes nothing. */
	(void)impersonating;
	if (strcmp(pkg->name, "Kerberos") != 0 && strcmp(pkg->name, "Negotiate") != 0) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "%s changes no passwords", pkg->name);
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	return kpasswd(domain, account, old_pw, new_pw);
}

SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordA(SEC_CHAR *pszPackageName, SEC_CHAR *pszDomainName,
						 SEC_CHAR *pszAccountName, SEC_CHAR *pszOldPassword,
						 SEC_CHAR *pszNewPassword, BOOLEAN bImpersonating,
						 ULONG dwReserved, PSecBufferDesc pOutput)
{
	SECURITY_STATUS s = change(pszPackageName, pszDomainName, pszAccountName, pszOldPassword,
				   pszNewPassword, bImpersonating, dwReserved, pOutput);

	if (SG_TRACING())
		sg_trace_call("ChangeAccountPasswordA", s, "%s, %s\\%s",
			      pszPackageName ? pszPackageName : "null",
			      pszDomainName ? pszDomainName : "", pszAccountName ? pszAccountName : "null");
	return s;
}

static char *to_utf8(const SEC_WCHAR *w, SECURITY_STATUS *s)
{
	char *out = NULL;

	if (w == NULL)
		return NULL;
	if (sg_utf16_to_cstr(w, sg_utf16_len(w), &out) != SEC_E_OK)
		*s = SEC_E_INVALID_PARAMETER;
	return out;
}

SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordW(SEC_WCHAR *pszPackageName,
						 SEC_WCHAR *pszDomainName,
						 SEC_WCHAR *pszAccountName,
						 SEC_WCHAR *pszOldPassword,
						 SEC_WCHAR *pszNewPassword, BOOLEAN bImpersonating,
						 ULONG dwReserved, PSecBufferDesc pOutput)
{
	SECURITY_STATUS s = SEC_E_OK;
	char *package = to_utf8(pszPackageName, &s), *domain = to_utf8(pszDomainName, &s);
	char *account = to_utf8(pszAccountName, &s), *old_pw = to_utf8(pszOldPassword, &s);
	char *new_pw = to_utf8(pszNewPassword, &s);

	if (s == SEC_E_OK)
		s = change(package, domain, account, old_pw, new_pw, bImpersonating, dwReserved,
			   pOutput);
	if (SG_TRACING())
		sg_trace_call("ChangeAccountPasswordW", s, "%s, %s\\%s", package ? package : "null",
			      domain ? domain : "", account ? account : "null");
	free(package);
	free(domain);
	free(account);
	wipe_free(old_pw);
	wipe_free(new_pw);
	return s;
}
