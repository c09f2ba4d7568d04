/*
 * password_logon.c - see password_logon.h.
 *
 * The AS exchange is Heimdal's (krb5_get_init_creds_password with the
 * options gss_acquire_cred_with_password would take: krb5.conf's
 * [appdefaults] for "gss_krb5"), asking for a renewable TGT as Windows
 * does (seven days, unless krb5.conf says how long); renewal is
 * krb5_get_renewed_creds, a TGS exchange. Both go through Heimdal's
 * send_to_kdc, so the KDC proxy hook (kdc_proxy.c) carries them when one is
 * set. Renewed tickets are stored in the same MEMORY cache, in front of
 * the old ones (Heimdal's MEMORY cache keeps the newest first), where
 * Heimdal's credential finds them.
 */
#include "password_logon.h"

#include <gssapi/gssapi_krb5.h>
#include <errno.h>
#include <krb5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sspi-gss.h>

#include "kdc_proxy.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

/* Windows asks for TGTs renewable for seven days (its default policy's
 * maximum); the KDC gives what its own policy allows. */
#define RENEW_LIFE (7 * 24 * 3600)
/* A TGT is renewed once less than a quarter of its life, at most this
 * long, is left: a context started with it must not outlive it by much. */
#define RENEW_MARGIN_MAX 300

struct sg_krb5_logon {
	pthread_mutex_t lock;  /* one KDC conversation at a time */
	char *principal;       /* as the caller named it */
	char *name;            /* as Heimdal writes it (krb5_unparse_name) */
	char *password;        /* kept, wiped on free: a TGT past renewal needs it */
	krb5_context k;        /* used under lock only */
	krb5_principal client; /* parsed from principal */
	krb5_ccache cc;        /* MEMORY, NULL until the first logon */
	gss_cred_id_t gss;     /* Heimdal's credential on cc; set once */
	time_t start, end, renew_till;
	/* Each talk to the KDC, and how the last one ended: a thread that
	 * waited while another talked takes that answer rather than asking
	 * again (six threads with a wrong password must not make six
	 * attempts, nor wait six KDC timeouts one after another). */
	unsigned attempts;
	SECURITY_STATUS last_status;
	char last_text[512];
};

/* The status for a Kerberos error of a logon or renewal, the KDC's words
 * (or Heimdal's) kept as the last error. */
SECURITY_STATUS sg_krb5_as_failure(krb5_context k, krb5_error_code rc, const char *what)
{
	SECURITY_STATUS s = sg_status_from_krb5(rc);
	const char *text = krb5_get_error_message(k, rc);
	long kdc = (long)rc - (long)KRB5KDC_ERR_NONE;

	if (rc == KRB5KDC_ERR_SVC_UNAVAILABLE) {
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
	} else if ((kdc > 0 && kdc < 31) || (kdc >= 60 && kdc <= 127)) {
		/* The KDC's own refusal (RFC 4120 7.5.9: the KDC_ERR codes and
		 * KRB_ERR_GENERIC onwards; 31-52 are the client's checks): an
		 * account not yet or no longer valid, a policy, ... Codes the
		 * table names keep their status (skew, unknown etype); the rest
		 * is a denied logon, which Negotiate must not hide behind NTLM.
		 * On an AS exchange KDC_ERR_POLICY is the account's policy
		 * (a disabled account), not delegation's. */
		if (s == SEC_E_INTERNAL_ERROR || s == SEC_E_DELEGATION_POLICY)
			s = SEC_E_LOGON_DENIED;
	} else if (rc == KRB5KRB_AP_ERR_MODIFIED || (s == SEC_E_INTERNAL_ERROR && rc != ENOMEM)) {
		/* A reply that does not match the request, does not parse, or an
		 * exchange that loops: no KDC gave an answer that could be used,
		 * which Windows reports as no authority. */
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
	}

	sg_last_error_set(s, "Kerberos %s: %s", what, text != NULL ? text : "?");
	krb5_free_error_message(k, text);
	return s;
}

SECURITY_STATUS sg_krb5_logon_new(const char *principal, const char *password,
				  struct sg_krb5_logon **out)
{
	struct sg_krb5_logon *l;

	*out = NULL;
	if (principal == NULL || password == NULL)
		return SEC_E_UNKNOWN_CREDENTIALS;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	pthread_mutex_init(&l->lock, NULL);
	l->principal = strdup(principal);
	l->password = strdup(password);
	if (l->principal == NULL || l->password == NULL || krb5_init_context(&l->k) != 0) {
		sg_krb5_logon_free(l);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	if (krb5_parse_name(l->k, principal, &l->client) != 0) {
		sg_krb5_logon_free(l);
		sg_last_error_set(SEC_E_UNKNOWN_CREDENTIALS, "Kerberos: \"%s\" is no principal name",
				  principal);
		return SEC_E_UNKNOWN_CREDENTIALS;
	}
	if (krb5_unparse_name(l->k, l->client, &l->name) != 0) {
		sg_krb5_logon_free(l);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	*out = l;
	return SEC_E_OK;
}

static void times_from(struct sg_krb5_logon *l, const krb5_creds *c)
{
	l->start = c->times.starttime != 0 ? c->times.starttime : c->times.authtime;
	l->end = c->times.endtime;
	l->renew_till = (c->flags.b.renewable) ? c->times.renew_till : 0;
}

/* The AS exchange, into the cache (made on the first one). */
static SECURITY_STATUS as_exchange(struct sg_krb5_logon *l)
{
	krb5_get_init_creds_opt *opt = NULL;
	krb5_creds creds;
	krb5_error_code rc;
	SECURITY_STATUS s = SEC_E_OK;
	int have = 0;

	memset(&creds, 0, sizeof(creds));
	rc = krb5_get_init_creds_opt_alloc(l->k, &opt);
	if (rc == 0) {
		krb5_get_init_creds_opt_set_default_flags(
		    l->k, "gss_krb5", krb5_principal_get_realm(l->k, l->client), opt);
		if (!(opt->flags & KRB5_GET_INIT_CREDS_OPT_RENEW_LIFE))
			krb5_get_init_creds_opt_set_renew_life(opt, RENEW_LIFE);
		rc = krb5_get_init_creds_password(l->k, &creds, l->client, l->password, NULL, NULL,
						  0, NULL, opt);
		have = rc == 0;
	}
	if (rc == 0 && l->cc == NULL) {
		rc = krb5_cc_new_unique(l->k, krb5_cc_type_memory, NULL, &l->cc);
		if (rc == 0)
			rc = krb5_cc_initialize(l->k, l->cc, creds.client);
	}
	if (rc == 0)
		rc = krb5_cc_store_cred(l->k, l->cc, &creds);
	if (rc != 0)
		s = sg_krb5_as_failure(l->k, rc, "logon");
	else
		times_from(l, &creds);
	if (have)
		krb5_free_cred_contents(l->k, &creds);
	if (opt != NULL)
		krb5_get_init_creds_opt_free(l->k, opt);
	return s;
}

/* A TGS exchange renewing the TGT, into the cache. */
static krb5_error_code renew(struct sg_krb5_logon *l)
{
	krb5_creds creds;
	krb5_error_code rc;

	memset(&creds, 0, sizeof(creds));
	rc = krb5_get_renewed_creds(l->k, &creds, l->client, l->cc, NULL);
	if (rc != 0)
		return rc;
	rc = krb5_cc_store_cred(l->k, l->cc, &creds);
	if (rc == 0)
		times_from(l, &creds);
	krb5_free_cred_contents(l->k, &creds);
	return rc;
}

static time_t margin_of(const struct sg_krb5_logon *l)
{
	time_t margin = (l->end - l->start) / 4;

	return margin > RENEW_MARGIN_MAX || margin < 0 ? RENEW_MARGIN_MAX : margin;
}

static int needs_renewal(const struct sg_krb5_logon *l, time_t now)
{
	return now >= l->end - margin_of(l);
}

/* A TGT near its end: renewed while it is valid and renewal gives it more
 * than the margin to live, else obtained again with the password (an
 * expired TGT cannot be renewed: Heimdal finds no valid one to present).
 * A failure while the TGT is still valid is not fatal. */
static SECURITY_STATUS refresh(struct sg_krb5_logon *l, time_t now)
{
	krb5_error_code rc;
	SECURITY_STATUS s;

	if (now < l->end && l->renew_till - now > margin_of(l)) {
		rc = renew(l);
		if (rc == 0) {
			if (SG_TRACING())
				sg_trace_note("Kerberos: the TGT of %s renewed, valid until %lld",
					      l->name, (long long)l->end);
			return SEC_E_OK;
		}
		s = sg_krb5_as_failure(l->k, rc, "TGT renewal");
	} else {
		s = as_exchange(l);
		if (s == SEC_E_OK) {
			if (SG_TRACING())
				sg_trace_note("Kerberos: %s logged on again with the password "
					      "(the TGT could not be renewed), valid until %lld",
					      l->name, (long long)l->end);
			return SEC_E_OK;
		}
	}
	if (now < l->end) {
		if (SG_TRACING())
			sg_trace_note("Kerberos: the TGT of %s was not renewed (%s); it is valid "
				      "until %lld",
				      l->name, SspiGssGetLastErrorText(), (long long)l->end);
		return SEC_E_OK;
	}
	return s;
}

/* The first logon's credential, on the cache: Heimdal's reads the cache at
 * every context, so renewed tickets reach it. Like every outbound
 * credential of ours it claims integrity and confidentiality only when
 * asked (mech_krb5.c, flags_as_asked), set before any context sees it. */
static SECURITY_STATUS make_gss(struct sg_krb5_logon *l)
{
	OM_uint32 major, minor;
	gss_cred_id_t gss = GSS_C_NO_CREDENTIAL;
	gss_buffer_desc empty = GSS_C_EMPTY_BUFFER;

	major = gss_krb5_import_cred(&minor, l->cc, NULL, NULL, &gss);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	if (GSS_ERROR(gss_set_cred_option(&minor, &gss, GSS_KRB5_CRED_NO_CI_FLAGS_X, &empty)))
		sg_trace_note("Kerberos: the credential would claim integrity and "
			      "confidentiality whatever is asked (gss_set_cred_option failed)");
	__atomic_store_n(&l->gss, gss, __ATOMIC_RELEASE);
	return SEC_E_OK;
}

SECURITY_STATUS sg_krb5_logon_ready(struct sg_krb5_logon *l, struct sg_kdc_proxy *const *proxy_slot,
				    gss_cred_id_t *gss)
{
	struct sg_kdc_proxy_scope proxy;
	SECURITY_STATUS s = SEC_E_OK;
	unsigned seen = __atomic_load_n(&l->attempts, __ATOMIC_ACQUIRE);
	time_t now;

	*gss = GSS_C_NO_CREDENTIAL;
	pthread_mutex_lock(&l->lock);
	now = time(NULL);
	if (l->attempts != seen && l->last_status != SEC_E_OK) {
		/* Another thread asked the KDC while this one waited, in vain. */
		s = l->last_status;
		sg_last_error_set(s, "%s", l->last_text);
		pthread_mutex_unlock(&l->lock);
		return s;
	}
	if (l->gss == GSS_C_NO_CREDENTIAL || needs_renewal(l, now)) {
		krb5_clear_error_message(l->k);
		sg_kdc_proxy_enter(&proxy, proxy_slot);
		if (l->gss == GSS_C_NO_CREDENTIAL) {
			s = as_exchange(l);
			if (s == SEC_E_OK)
				s = make_gss(l);
			if (s == SEC_E_OK && SG_TRACING())
				sg_trace_note("Kerberos: %s logged on (AS exchange), TGT valid "
					      "until %lld%s",
					      l->name, (long long)l->end,
					      l->renew_till ? ", renewable" : "");
		} else {
			s = refresh(l, now);
		}
		sg_kdc_proxy_leave(&proxy, s);
		l->last_status = s;
		snprintf(l->last_text, sizeof(l->last_text), "%s",
			 s != SEC_E_OK ? SspiGssGetLastErrorText() : "");
		__atomic_store_n(&l->attempts, l->attempts + 1, __ATOMIC_RELEASE);
	}
	if (s == SEC_E_OK)
		*gss = l->gss;
	pthread_mutex_unlock(&l->lock);
	return s;
}

SECURITY_STATUS sg_krb5_logon_name(const struct sg_krb5_logon *l, char **name)
{
	*name = strdup(l->name);
	return *name != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

gss_cred_id_t sg_krb5_logon_cred(const struct sg_krb5_logon *l)
{
	return __atomic_load_n(&l->gss, __ATOMIC_ACQUIRE);
}

void sg_krb5_logon_free(struct sg_krb5_logon *l)
{
	OM_uint32 minor;

	if (l == NULL)
		return;
	/* Heimdal's credential first: it holds the cache open. */
	if (l->gss != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&minor, &l->gss);
	if (l->cc != NULL)
		krb5_cc_destroy(l->k, l->cc);
	if (l->client != NULL)
		krb5_free_principal(l->k, l->client);
	if (l->k != NULL)
		krb5_free_context(l->k);
	free(l->principal);
	free(l->name); /* krb5_unparse_name's, malloc'ed */
	sg_free_secret(l->password);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
