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
 *
 * Through a KDC proxy (kdc_proxy.h: SSPI_GSS_KDC_PROXY or krb5.conf): the
 * ticket for kadmin/changepw comes through it like every AS exchange, but
 * Heimdal's kpasswd client opens its own sockets, with no hook, so the
 * request is made here (the change-password form of RFC 3244, version 1,
 * as Heimdal's client sends it) and POSTed to the proxy, which MS-KKDCP
 * lets carry kpasswd messages. A proxy that fails without FORCEPROXY
 * leaves the change to Heimdal's client, directly.
 */
#include <errno.h>
#include <krb5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "kdc_proxy.h"
#include "packages.h"
#include "password.h"
#include "password_logon.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

/* The status for a krb5 error, with Heimdal's text as the last error. */
static SECURITY_STATUS krb5_failure(krb5_context k, krb5_error_code rc)
{
	SECURITY_STATUS s = sg_status_from_krb5(rc);
	const char *text = krb5_get_error_message(k, rc);

	sg_last_error_set(s, "kpasswd: %s", text != NULL ? text : "?");
	krb5_free_error_message(k, text);
	return s;
}

/* RFC 3244 framing: a 2-byte length of the whole message, the version,
 * the AP-REQ's (AP-REP's) length, the AP-REQ (AP-REP), the KRB-PRIV. */
#define KPASSWD_VERSION_CHANGE 1
#define KPASSWD_HEADER 6

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t get16(const uint8_t *p)
{
	return (size_t)p[0] << 8 | p[1];
}

static krb5_error_code bad_reply(krb5_data *result_text, const char *why)
{
	krb5_data_free(result_text);
	return krb5_data_copy(result_text, why, strlen(why)) == 0 ? SG_KPASSWD_BAD_REPLY : ENOMEM;
}

/* password.h */
krb5_error_code sg_kpasswd_reply(krb5_context k, krb5_auth_context ac, const uint8_t *r,
				 size_t len, int *result, krb5_data *result_text)
{
	krb5_data ap_rep, rest, out = {0, NULL};
	krb5_ap_rep_enc_part *rep = NULL;
	krb5_error_code rc;
	size_t ap_len;

	*result = KRB5_KPASSWD_MALFORMED;
	if (len < KPASSWD_HEADER || get16(r) != len) {
		/* A KRB-ERROR alone, as some servers answer. */
		KRB_ERROR error;

		if (len > 0 && krb5_rd_error(k, &(krb5_data){len, (void *)r}, &error) == 0) {
			rc = krb5_error_from_rd_error(k, &error, NULL);
			krb5_free_error_contents(k, &error);
			return rc != 0 ? rc : KRB5KRB_ERR_GENERIC;
		}
		return bad_reply(result_text, "no kpasswd reply");
	}
	if (get16(r + 2) != KPASSWD_VERSION_CHANGE)
		return bad_reply(result_text, "a reply of another version");
	ap_len = get16(r + 4);
	if (ap_len > len - KPASSWD_HEADER)
		return bad_reply(result_text, "a reply cut short");
	ap_rep.data = (void *)(r + KPASSWD_HEADER);
	ap_rep.length = ap_len;
	rest.data = (void *)(r + KPASSWD_HEADER + ap_len);
	rest.length = len - KPASSWD_HEADER - ap_len;
	if (ap_len == 0) {
		/* No AP-REP: a KRB-ERROR, its e-data the result. */
		KRB_ERROR error;

		rc = krb5_rd_error(k, &rest, &error);
		if (rc != 0)
			return rc;
		if (error.e_data != NULL && error.e_data->length >= 2) {
			const uint8_t *p = error.e_data->data;

			/* Nothing proves an error's origin: it may say why the
			 * change failed, never that it succeeded. */
			*result = (int)get16(p);
			if (*result == KRB5_KPASSWD_SUCCESS) {
				rc = bad_reply(result_text, "an error claiming success");
			} else {
				rc = krb5_data_copy(result_text, p + 2, error.e_data->length - 2);
			}
		} else {
			rc = krb5_error_from_rd_error(k, &error, NULL);
		}
		krb5_free_error_contents(k, &error);
		return rc;
	}
	/* The AP-REP proves the server; the KRB-PRIV under the subkey. */
	rc = krb5_rd_rep(k, ac, &ap_rep, &rep);
	if (rc != 0)
		return rc;
	krb5_free_ap_rep_enc_part(k, rep);
	rc = krb5_rd_priv(k, ac, &rest, &out, NULL);
	if (rc != 0)
		return rc;
	if (out.length < 2) {
		krb5_data_free(&out);
		return bad_reply(result_text, "a result without a code");
	}
	*result = (int)get16(out.data);
	rc = krb5_data_copy(result_text, (uint8_t *)out.data + 2, out.length - 2);
	krb5_data_free(&out);
	return rc;
}

/* The change through the proxy. -1 when the request never reached the
 * proxy (why says so): it may be sent another way. Else 0 with *rc
 * Kerberos' code; SG_KPASSWD_BAD_REPLY when it went out and no usable answer came
 * (an HTTP error, a timeout): the proxy may have passed it on and the
 * password may have changed, so it is not sent again (a second change to
 * the same password would be refused by a domain's password history, and
 * the caller told the first failed). */
static int proxied_change(krb5_context k, const struct sg_kdc_proxy *kp, krb5_creds *creds,
			  const char *new_pw, int *result, krb5_data *result_text,
			  krb5_error_code *rc, char *why, size_t why_cap)
{
	krb5_auth_context ac = NULL;
	krb5_data ap_req = {0, NULL}, priv = {0, NULL};
	krb5_data pw = {strlen(new_pw), (void *)new_pw};
	uint8_t *msg = NULL, *reply = NULL;
	size_t len = 0, reply_len = 0;
	int sent = 0;

	*rc = krb5_auth_con_init(k, &ac);
	if (*rc == 0)
		*rc = krb5_auth_con_setflags(k, ac, KRB5_AUTH_CONTEXT_DO_SEQUENCE);
	if (*rc == 0)
		*rc = krb5_mk_req_extended(k, &ac, AP_OPTS_MUTUAL_REQUIRED | AP_OPTS_USE_SUBKEY,
					   NULL, creds, &ap_req);
	/* No addresses: the message goes through a proxy, and the server
	 * checks a sender's address only when the message names one. */
	if (*rc == 0)
		*rc = krb5_mk_priv(k, ac, &pw, &priv, NULL);
	if (*rc == 0) {
		len = KPASSWD_HEADER + ap_req.length + priv.length;
		if (len > 0xffff || ap_req.length > 0xffff) {
			*rc = KRB5_KPASSWD_MALFORMED;
		} else if ((msg = malloc(len)) == NULL) {
			*rc = ENOMEM;
		} else {
			put16(msg, len);
			put16(msg + 2, KPASSWD_VERSION_CHANGE);
			put16(msg + 4, ap_req.length);
			memcpy(msg + KPASSWD_HEADER, ap_req.data, ap_req.length);
			memcpy(msg + KPASSWD_HEADER + ap_req.length, priv.data, priv.length);
		}
	}
	if (*rc == 0) {
		const char *realm = krb5_principal_get_realm(k, creds->client);
		int how = sg_kdc_proxy_send(kp, realm, msg, len, &reply, &reply_len, why, why_cap);

		sent = how == 0;
		if (sent)
			*rc = sg_kpasswd_reply(k, ac, reply, reply_len, result, result_text);
		else if (how == SG_KDC_PROXY_MAY_HAVE_ARRIVED)
			*rc = bad_reply(result_text, why);
	}
	if (msg != NULL) {
		sg_wipe(msg, len); /* the new password, sealed, but still */
		free(msg);
	}
	free(reply);
	krb5_data_free(&ap_req);
	krb5_data_free(&priv);
	if (ac != NULL)
		krb5_auth_con_free(k, ac);
	return sent || *rc != 0 ? 0 : -1;
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
	struct sg_kdc_proxy_scope proxy;
	char why[256] = "";

	memset(&creds, 0, sizeof(creds));
	if (krb5_init_context(&k) != 0)
		return SEC_E_INTERNAL_ERROR;
	/* The process's KDC proxy, if any, for the AS exchange and the change. */
	sg_kdc_proxy_enter(&proxy, NULL);
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
		/* The AS exchange with the old password: a logon, mapped as
		 * every logon is (a disabled or expired account, a wrong or
		 * unknown one: SEC_E_LOGON_DENIED). */
		s = sg_krb5_as_failure(k, rc, "ChangeAccountPassword (the old password's logon)");
		goto out;
	}
	if (proxy.kp == NULL ||
	    proxied_change(k, proxy.kp, &creds, new_pw, &result, &result_text, &rc, why,
			   sizeof(why)) != 0) {
		if (proxy.kp != NULL && sg_kdc_proxy_forced(proxy.kp)) {
			s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
			sg_last_error_set(s, "kpasswd through the KDC proxy %s: %s",
					  sg_kdc_proxy_url(proxy.kp), why);
			goto out;
		}
		if (proxy.kp != NULL && SG_TRACING())
			sg_trace_note("kpasswd through the KDC proxy %s: %s; trying the "
				      "kpasswd server directly",
				      sg_kdc_proxy_url(proxy.kp), why);
		rc = krb5_set_password(k, &creds, new_pw, client, &result, &result_code_text,
				       &result_text);
	}
	if (rc == SG_KPASSWD_BAD_REPLY) {
		/* Nothing says whether the password changed. */
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
		sg_last_error_set(s,
				  "kpasswd through the KDC proxy %s: %.*s (whether the password "
				  "changed is not known; the request was not sent again)",
				  sg_kdc_proxy_url(proxy.kp), (int)result_text.length,
				  result_text.data ? (char *)result_text.data : "");
		goto out;
	}
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
		sg_last_error_set(s, "kpasswd server: result %d%s%.*s%s%.*s", result,
				  result_code_text.length ? ", " : "", (int)result_code_text.length,
				  result_code_text.data ? (char *)result_code_text.data : "",
				  result_text.length ? ": " : "", (int)result_text.length,
				  result_text.data ? (char *)result_text.data : "");
out:
	sg_kdc_proxy_leave(&proxy, s);
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
	sg_free_secret(old_pw);
	sg_free_secret(new_pw);
	return s;
}
