/*
 * domain.c - the Windows domain through winbind (domain.h).
 *
 * Every call opens its own libwbclient context (wbcCtxCreate): the
 * library's global one is not meant for several threads, and an acceptor
 * serves many at once. Failures keep winbind's or the domain's own words
 * in the last error text, as Windows' event log would show them.
 */
#include "domain.h"

#include <ctype.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#include <sspi-gss.h>

#ifdef HAVE_WBCLIENT
#include <stdbool.h> /* wbclient.h uses bool without including it */
#include <wbclient.h>
#endif

static char *upper(const char *s)
{
	char *u = strdup(s);

	for (char *p = u; p != NULL && *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* krb5.conf: [sspi-gss] netbios_domains = { ADSSPI = AD.SSPI.TEST } */
static char *configured_realm(const char *domain)
{
	krb5_context k;
	char *realm = NULL, *key = upper(domain);
	const char *v;

	if (key == NULL || krb5_init_context(&k) != 0) {
		free(key);
		return NULL;
	}
	v = krb5_config_get_string(k, NULL, "sspi-gss", "netbios_domains", key, NULL);
	if (v != NULL)
		realm = upper(v);
	krb5_free_context(k);
	free(key);
	return realm;
}

#ifdef HAVE_WBCLIENT

static char *winbind_realm(const char *domain)
{
	struct wbcContext *wb = wbcCtxCreate();
	struct wbcDomainInfo *info = NULL;
	char *realm = NULL;

	if (wb == NULL)
		return NULL;
	if (WBC_ERROR_IS_OK(wbcCtxDomainInfo(wb, domain, &info)) && info->dns_name != NULL &&
	    info->dns_name[0] != '\0')
		realm = upper(info->dns_name);
	wbcFreeMemory(info);
	wbcCtxFree(wb);
	return realm;
}

SECURITY_STATUS sg_domain_own(char **netbios, char **dns, const char **why)
{
	struct wbcContext *wb = wbcCtxCreate();
	struct wbcInterfaceDetails *d = NULL;
	wbcErr e;

	*netbios = *dns = NULL;
	if (wb == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	e = wbcCtxInterfaceDetails(wb, &d);
	wbcCtxFree(wb);
	if (!WBC_ERROR_IS_OK(e)) {
		*why = wbcErrorString(e);
		return SEC_E_NO_AUTHENTICATING_AUTHORITY;
	}
	*netbios = strdup(d->netbios_domain != NULL ? d->netbios_domain : "");
	*dns = strdup(d->dns_domain != NULL ? d->dns_domain : "");
	wbcFreeMemory(d);
	if (*netbios == NULL || *dns == NULL) {
		free(*netbios);
		free(*dns);
		*netbios = *dns = NULL;
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	return SEC_E_OK;
}

/* NTSTATUS codes of a logon that the domain could not decide: its
 * controllers are unreachable or its trust is broken. */
static int unreachable(uint32_t nt)
{
	switch (nt) {
	case 0xC000005E: /* NO_LOGON_SERVERS */
	case 0xC0000233: /* DOMAIN_CONTROLLER_NOT_FOUND */
	case 0xC00000DF: /* NO_SUCH_DOMAIN */
	case 0xC0000192: /* NETLOGON_NOT_STARTED */
	case 0xC000018B: /* NO_TRUST_SAM_ACCOUNT */
	case 0xC00000B5: /* IO_TIMEOUT */
	case 0xC0000022: /* ACCESS_DENIED: the machine's secure channel */
		return 1;
	default:
		return 0;
	}
}

static SECURITY_STATUS logon_of(const struct wbcAuthUserInfo *info, struct sg_logon **out)
{
	struct sg_logon *l = calloc(1, sizeof(*l));
	char sid[WBC_SID_STRING_BUFLEN];

	if (l == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	l->source = "winbind";
	l->account = strdup(info->account_name ? info->account_name : "");
	l->domain = strdup(info->domain_name ? info->domain_name : "");
	if (info->dns_domain_name != NULL && info->dns_domain_name[0] != '\0')
		l->dns_domain = strdup(info->dns_domain_name);
	if (info->user_principal != NULL && info->user_principal[0] != '\0')
		l->upn = strdup(info->user_principal);
	if (l->account == NULL || l->domain == NULL || info->num_sids < 2)
		goto fail;
	/* The first SID is the user's, the second its primary group's. */
	wbcSidToStringBuf(&info->sids[0].sid, sid, sizeof(sid));
	if ((l->user_sid = strdup(sid)) == NULL)
		goto fail;
	wbcSidToStringBuf(&info->sids[1].sid, sid, sizeof(sid));
	if ((l->primary_group_sid = strdup(sid)) == NULL)
		goto fail;
	for (uint32_t i = 1; i < info->num_sids; i++) {
		wbcSidToStringBuf(&info->sids[i].sid, sid, sizeof(sid));
		if (sg_logon_add_group(l, sid, info->sids[i].attributes) != 0)
			goto fail;
	}
	*out = l;
	return SEC_E_OK;
fail:
	sg_logon_free(l);
	return SEC_E_INSUFFICIENT_MEMORY;
}

SECURITY_STATUS sg_domain_ntlm_logon(const char *user, const char *domain,
				     const char *workstation, const uint8_t challenge[8],
				     const uint8_t *nt, size_t nt_len, const uint8_t *lm,
				     size_t lm_len, uint8_t session_key[16],
				     struct sg_logon **logon)
{
	struct wbcAuthUserParams p;
	struct wbcAuthUserInfo *info = NULL;
	struct wbcAuthErrorInfo *err = NULL;
	struct wbcContext *wb;
	SECURITY_STATUS s;
	wbcErr e;

	*logon = NULL;
	if (nt_len > UINT32_MAX || lm_len > UINT32_MAX)
		return SEC_E_INVALID_TOKEN;
	wb = wbcCtxCreate();
	if (wb == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memset(&p, 0, sizeof(p));
	p.account_name = user;
	p.domain_name = domain;
	p.workstation_name = workstation;
	p.level = WBC_AUTH_USER_LEVEL_RESPONSE;
	/* A network logon by a server for its client, as MSV1_0 makes it. */
	p.parameter_control = WBC_MSV1_0_ALLOW_WORKSTATION_TRUST_ACCOUNT |
			      WBC_MSV1_0_ALLOW_SERVER_TRUST_ACCOUNT;
	memcpy(p.password.response.challenge, challenge, 8);
	p.password.response.nt_length = (uint32_t)nt_len;
	p.password.response.nt_data = (uint8_t *)nt;
	p.password.response.lm_length = (uint32_t)lm_len;
	p.password.response.lm_data = (uint8_t *)lm;
	e = wbcCtxAuthenticateUserEx(wb, &p, &info, &err);
	wbcCtxFree(wb);
	if (WBC_ERROR_IS_OK(e)) {
		memcpy(session_key, info->user_session_key, 16);
		s = logon_of(info, logon);
		if (s != SEC_E_OK)
			memset(session_key, 0, 16);
	} else if (e == WBC_ERR_AUTH_ERROR && err != NULL) {
		s = unreachable(err->nt_status) ? SEC_E_NO_AUTHENTICATING_AUTHORITY
						: SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "NTLM: the domain refused %s%s%s: %s (%s)", domain,
				  domain[0] ? "\\" : "", user,
				  err->nt_string ? err->nt_string : "?",
				  err->display_string ? err->display_string : "");
	} else if (e == WBC_ERR_DOMAIN_NOT_FOUND || e == WBC_ERR_UNKNOWN_USER) {
		s = SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "NTLM: winbind knows no %s%s%s: %s", domain,
				  domain[0] ? "\\" : "", user, wbcErrorString(e));
	} else {
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
		sg_last_error_set(s, "NTLM: winbind cannot check the logon: %s", wbcErrorString(e));
	}
	if (info != NULL) {
		memset(info->user_session_key, 0, sizeof(info->user_session_key));
		memset(info->lm_session_key, 0, sizeof(info->lm_session_key));
	}
	wbcFreeMemory(info);
	wbcFreeMemory(err);
	return s;
}

static int domain_report(char *buf, size_t size)
{
	struct wbcContext *wb = wbcCtxCreate();
	struct wbcInterfaceDetails *d = NULL;
	struct wbcAuthErrorInfo *err = NULL;
	char *dc = NULL;
	wbcErr e;
	int rc = 0;

	if (wb == NULL) {
		snprintf(buf, size, "out of memory");
		return 1;
	}
	e = wbcCtxInterfaceDetails(wb, &d);
	if (!WBC_ERROR_IS_OK(e)) {
		snprintf(buf, size, "winbind: not reachable (%s)", wbcErrorString(e));
		wbcCtxFree(wb);
		return 1;
	}
	e = wbcCtxPingDc2(wb, d->netbios_domain, &err, &dc);
	if (WBC_ERROR_IS_OK(e))
		snprintf(buf, size,
			 "winbind: reachable (Samba %s); domain %s (%s); domain controller %s "
			 "answers",
			 d->winbind_version ? d->winbind_version : "?",
			 d->netbios_domain ? d->netbios_domain : "?",
			 d->dns_domain ? d->dns_domain : "?", dc ? dc : "?");
	else {
		snprintf(buf, size,
			 "winbind: reachable; domain %s (%s); no domain controller answers (%s)",
			 d->netbios_domain ? d->netbios_domain : "?",
			 d->dns_domain ? d->dns_domain : "?",
			 err && err->nt_string ? err->nt_string : wbcErrorString(e));
		rc = 1;
	}
	wbcFreeMemory(dc);
	wbcFreeMemory(err);
	wbcFreeMemory(d);
	wbcCtxFree(wb);
	return rc;
}

#else /* !HAVE_WBCLIENT */

static char *winbind_realm(const char *domain)
{
	(void)domain;
	return NULL;
}

SECURITY_STATUS sg_domain_own(char **netbios, char **dns, const char **why)
{
	*netbios = *dns = NULL;
	*why = "built without libwbclient";
	return SEC_E_NO_AUTHENTICATING_AUTHORITY;
}

SECURITY_STATUS sg_domain_ntlm_logon(const char *user, const char *domain,
				     const char *workstation, const uint8_t challenge[8],
				     const uint8_t *nt, size_t nt_len, const uint8_t *lm,
				     size_t lm_len, uint8_t session_key[16],
				     struct sg_logon **logon)
{
	(void)user, (void)domain, (void)workstation, (void)challenge, (void)nt, (void)nt_len;
	(void)lm, (void)lm_len, (void)session_key;
	*logon = NULL;
	sg_last_error_set(SEC_E_NO_AUTHENTICATING_AUTHORITY,
			  "NTLM: this build has no winbind support (libwbclient)");
	return SEC_E_NO_AUTHENTICATING_AUTHORITY;
}

static int domain_report(char *buf, size_t size)
{
	snprintf(buf, size, "winbind: not supported by this build (no libwbclient)");
	return -1;
}

#endif

char *sg_domain_realm(const char *domain)
{
	char *realm;

	if (domain == NULL || domain[0] == '\0')
		return NULL;
	if (strchr(domain, '.') != NULL)
		return upper(domain);
	realm = winbind_realm(domain);
	return realm != NULL ? realm : configured_realm(domain);
}

SECURITY_STATUS SspiGssCheckDomain(char *Report, unsigned long ReportSize)
{
	int rc;

	if (Report == NULL || ReportSize == 0)
		return SEC_E_INVALID_PARAMETER;
	rc = domain_report(Report, ReportSize);
	return rc == 0 ? SEC_E_OK : rc < 0 ? SEC_E_UNSUPPORTED_FUNCTION
				      : SEC_E_NO_AUTHENTICATING_AUTHORITY;
}
