/*
 * kdc.c - the NTLM acceptor's second backend: the Heimdal KDC's digest
 * service (Heimdal's krb5_ntlm API), for servers whose users live in the
 * KDC rather than in a user file.
 *
 * The KDC makes the CHALLENGE's challenge, flags and target info, and
 * checks the client's NTLMv2 response with the user's key. Its answer for
 * NTLMv2 carries no session key we could use (docs/ntlm.md: it decrypts
 * the exchanged key with NTOWFv2 where MS-NLMP needs the session base
 * key), so contexts it authenticates have no session security: no MIC
 * check, no signing, no sealing. That is authentication only, as HTTP
 * NTLM logons use it.
 *
 * The service talks to the KDC with its own tickets, from the credential
 * cache named by NTLM_ACCEPTOR_CCACHE (Heimdal's own name for it); its
 * principal needs the allow-digest attribute, and the realm a digest/REALM
 * principal.
 */
#include "ntlm.h"

#include <errno.h>
#include <krb5.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

struct ntlm_kdc {
	krb5_context k;
	krb5_ccache cc;
	krb5_ntlm ntlm;
	char *realm;
	krb5_data opaque;
};

void ntlm_kdc_free(struct ntlm_kdc *kdc)
{
	if (kdc == NULL)
		return;
	if (kdc->k != NULL) {
		krb5_data_free(&kdc->opaque);
		if (kdc->ntlm != NULL)
			krb5_ntlm_free(kdc->k, kdc->ntlm);
		if (kdc->cc != NULL)
			krb5_cc_close(kdc->k, kdc->cc);
		free(kdc->realm);
		krb5_free_context(kdc->k);
	}
	free(kdc);
}

/* The KDC's error as our status, with its words for the last-error text. */
static SECURITY_STATUS kdc_error(struct ntlm_kdc *kdc, krb5_error_code ret, const char *what)
{
	const char *msg = krb5_get_error_message(kdc->k, ret);
	SECURITY_STATUS s = sg_status_from_krb5(ret);

	if (s == SEC_E_INTERNAL_ERROR)
		s = SEC_E_NO_AUTHENTICATING_AUTHORITY;
	sg_last_error_set(s, "NTLM: the KDC's digest service %s: %s", what, msg);
	krb5_free_error_message(kdc->k, msg);
	return s;
}

SECURITY_STATUS ntlm_kdc_begin(const char *ccache, uint32_t client_flags, const char *host,
			       struct ntlm_kdc **out, struct ntlm_kdc_challenge *ch)
{
	struct ntlm_kdc *kdc = calloc(1, sizeof(*kdc));
	krb5_principal me = NULL;
	krb5_data challenge = {0, NULL};
	krb5_error_code ret;
	SECURITY_STATUS s;

	*out = NULL;
	memset(ch, 0, sizeof(*ch));
	if (kdc == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (krb5_init_context(&kdc->k) != 0) {
		free(kdc);
		return SEC_E_INTERNAL_ERROR;
	}
	/* The realm is the service's own, from its tickets. */
	if ((ret = krb5_cc_resolve(kdc->k, ccache, &kdc->cc)) != 0 ||
	    (ret = krb5_cc_get_principal(kdc->k, kdc->cc, &me)) != 0) {
		s = kdc_error(kdc, ret, "cannot be used without the service's tickets");
		if (s == SEC_E_NO_AUTHENTICATING_AUTHORITY)
			s = SEC_E_NO_CREDENTIALS;
		ntlm_kdc_free(kdc);
		return s;
	}
	kdc->realm = strdup(krb5_principal_get_realm(kdc->k, me));
	krb5_free_principal(kdc->k, me);
	if (kdc->realm == NULL || krb5_ntlm_alloc(kdc->k, &kdc->ntlm) != 0) {
		ntlm_kdc_free(kdc);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	ret = krb5_ntlm_init_request(kdc->k, kdc->ntlm, kdc->realm, kdc->cc, client_flags, host,
				     kdc->realm);
	if (ret == 0)
		ret = krb5_ntlm_init_get_flags(kdc->k, kdc->ntlm, &ch->flags);
	if (ret == 0)
		ret = krb5_ntlm_init_get_challenge(kdc->k, kdc->ntlm, &challenge);
	if (ret == 0)
		ret = krb5_ntlm_init_get_opaque(kdc->k, kdc->ntlm, &kdc->opaque);
	if (ret == 0) {
		krb5_data ti = {0, NULL};

		ret = krb5_ntlm_init_get_targetinfo(kdc->k, kdc->ntlm, &ti);
		ch->target_info = ti.data;
		ch->target_info_len = ti.length;
	}
	if (ret == 0)
		ret = krb5_ntlm_init_get_targetname(kdc->k, kdc->ntlm, &ch->target_name);
	if (ret != 0 || challenge.length != 8) {
		s = ret != 0 ? kdc_error(kdc, ret, "gave no challenge") : SEC_E_INTERNAL_ERROR;
		krb5_data_free(&challenge);
		ntlm_kdc_challenge_clear(ch);
		ntlm_kdc_free(kdc);
		return s;
	}
	memcpy(ch->challenge, challenge.data, 8);
	krb5_data_free(&challenge);
	*out = kdc;
	return SEC_E_OK;
}

void ntlm_kdc_challenge_clear(struct ntlm_kdc_challenge *ch)
{
	free(ch->target_info);
	free(ch->target_name);
	memset(ch, 0, sizeof(*ch));
}

SECURITY_STATUS ntlm_kdc_check(struct ntlm_kdc *kdc, const char *user, const char *domain,
			       uint32_t flags, struct ntlm_bytes lm, struct ntlm_bytes nt)
{
	krb5_error_code ret;

	if ((ret = krb5_ntlm_req_set_flags(kdc->k, kdc->ntlm, flags)) != 0 ||
	    (ret = krb5_ntlm_req_set_username(kdc->k, kdc->ntlm, user)) != 0 ||
	    (ret = krb5_ntlm_req_set_targetname(kdc->k, kdc->ntlm, domain)) != 0 ||
	    (ret = krb5_ntlm_req_set_lm(kdc->k, kdc->ntlm, (void *)lm.data, lm.len)) != 0 ||
	    (ret = krb5_ntlm_req_set_ntlm(kdc->k, kdc->ntlm, (void *)nt.data, nt.len)) != 0 ||
	    (ret = krb5_ntlm_req_set_opaque(kdc->k, kdc->ntlm, &kdc->opaque)) != 0)
		return SEC_E_INSUFFICIENT_MEMORY;
	ret = krb5_ntlm_request(kdc->k, kdc->ntlm, kdc->realm, kdc->cc);
	/* The digest service answers every refusal (unknown user, wrong
	 * response, a key it lacks) with one error reply, code EINVAL and
	 * reason "unknown error"; its log says which. Any other code is the
	 * way to the KDC failing. */
	if (ret != 0 && ret != EINVAL)
		return kdc_error(kdc, ret, "did not answer");
	if (ret == EINVAL || !krb5_ntlm_rep_get_status(kdc->k, kdc->ntlm)) {
		sg_last_error_set(SEC_E_LOGON_DENIED,
				  "NTLM: the KDC refused %s%s%s (wrong password or unknown user)",
				  domain, domain[0] ? "\\" : "", user);
		return SEC_E_LOGON_DENIED;
	}
	return SEC_E_OK;
}
