/*
 * status.c - every mapping to SECURITY_STATUS, and the names of the codes.
 *
 * Four tables, each tested row by row (tests/unit/test_status.c):
 *  - krb5_rows: Kerberos error codes (the minor status of the krb5 GSS
 *    mechanism) for the failures users hit, mapped to what Windows' Kerberos
 *    package returns for the same failure;
 *  - krb5_message_rows: the codes that mean something else on a message
 *    (MakeSignature ... DecryptMessage) than on a logon or a context;
 *  - GSS routine errors, in sg_status_from_gss;
 *  - status_names: the symbolic name and a description of each code.
 */
#include "status.h"

#include <errno.h>
#include <krb5.h>
#include <stddef.h>

#include "sspi-gss.h"

struct krb5_row {
	long code;
	SECURITY_STATUS status;
};

static const struct krb5_row krb5_rows[] = {
	/* The service principal is not in the KDC database. */
	{KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, SEC_E_TARGET_UNKNOWN},
	/* Unknown user, wrong password, disabled or expired account: Windows
	 * reports all of these as a denied logon. */
	{KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_PREAUTH_FAILED, SEC_E_LOGON_DENIED},
	{KRB5KRB_AP_ERR_BAD_INTEGRITY, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_CLIENT_REVOKED, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_KEY_EXPIRED, SEC_E_LOGON_DENIED},
	{KRB5KDC_ERR_NAME_EXP, SEC_E_LOGON_DENIED},
	/* Clocks too far apart, or a ticket from the future. */
	{KRB5KRB_AP_ERR_SKEW, SEC_E_TIME_SKEW},
	{KRB5KRB_AP_ERR_TKT_NYV, SEC_E_TIME_SKEW},
	/* No KDC answered, or none is known for the realm. */
	{KRB5_KDC_UNREACH, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	{KRB5_REALM_UNKNOWN, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	{KRB5_REALM_CANT_RESOLVE, SEC_E_NO_AUTHENTICATING_AUTHORITY},
	/* No ticket cache, no usable ticket in it, no key in the keytab. */
	{KRB5_FCC_NOFILE, SEC_E_NO_CREDENTIALS},
	{KRB5_CC_NOTFOUND, SEC_E_NO_CREDENTIALS},
	{KRB5_CC_END, SEC_E_NO_CREDENTIALS},
	{KRB5_KT_NOTFOUND, SEC_E_NO_CREDENTIALS},
	{KRB5_KT_END, SEC_E_NO_CREDENTIALS},
	{KRB5KRB_AP_ERR_NOKEY, SEC_E_NO_CREDENTIALS},
	/* A ticket cache file removed after AcquireCredentialsHandle
	 * (kdestroy): Heimdal passes lstat's errno on; one that is no
	 * ticket cache (garbage, empty) holds no credentials either. */
	{ENOENT, SEC_E_NO_CREDENTIALS},
	{KRB5_CCACHE_BADVNO, SEC_E_NO_CREDENTIALS},
	{KRB5_CC_FORMAT, SEC_E_NO_CREDENTIALS},
	/* The ticket was sealed with a key the acceptor does not hold: the
	 * client asked for the wrong principal. */
	{KRB5KRB_AP_ERR_MODIFIED, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_BADKEYVER, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_BADMATCH, SEC_E_WRONG_PRINCIPAL},
	{KRB5KRB_AP_ERR_TKT_EXPIRED, SEC_E_CONTEXT_EXPIRED},
	{KRB5KRB_AP_ERR_REPEAT, SEC_E_OUT_OF_SEQUENCE},
	{KRB5KDC_ERR_ETYPE_NOSUPP, SEC_E_KDC_UNKNOWN_ETYPE},
	{KRB5KDC_ERR_POLICY, SEC_E_DELEGATION_POLICY},
};

/*
 * On a per-message call (sg_status_from_gss_message) a checksum that does
 * not match is an altered message, whatever the krb5 code: Heimdal's
 * gss_unwrap_iov reports a bad checksum as GSS_S_FAILURE with
 * KRB5KRB_AP_ERR_BAD_INTEGRITY, which krb5_rows maps to a denied logon,
 * the right answer for an AS exchange and the wrong one for a message.
 */
static const struct krb5_row krb5_message_rows[] = {
	{KRB5KRB_AP_ERR_BAD_INTEGRITY, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_MODIFIED, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_INAPP_CKSUM, SEC_E_MESSAGE_ALTERED},
	{KRB5_BAD_MSIZE, SEC_E_MESSAGE_ALTERED},
	{KRB5KRB_AP_ERR_REPEAT, SEC_E_OUT_OF_SEQUENCE},
};

SECURITY_STATUS sg_status_from_krb5(long code)
{
	for (size_t i = 0; i < sizeof(krb5_rows) / sizeof(krb5_rows[0]); i++)
		if (krb5_rows[i].code == code)
			return krb5_rows[i].status;
	return SEC_E_INTERNAL_ERROR;
}

static SECURITY_STATUS map_gss(OM_uint32 major, OM_uint32 minor, int message);

static SECURITY_STATUS kept(SECURITY_STATUS s, OM_uint32 major, OM_uint32 minor)
{
	/* Failures keep the mechanism's words for SspiGssGetLastErrorText. */
	if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED)
		sg_last_error_from_gss(major, minor, s);
	return s;
}

SECURITY_STATUS sg_status_from_gss(OM_uint32 major, OM_uint32 minor)
{
	return kept(map_gss(major, minor, 0), major, minor);
}

SECURITY_STATUS sg_status_from_gss_message(OM_uint32 major, OM_uint32 minor)
{
	return kept(map_gss(major, minor, 1), major, minor);
}

/* message: a per-message call, whose minor codes krb5_message_rows reads
 * first. */
static SECURITY_STATUS map_gss(OM_uint32 major, OM_uint32 minor, int message)
{
	OM_uint32 routine = GSS_ROUTINE_ERROR(major);

	if (routine == 0) {
		if (major & GSS_S_CONTINUE_NEEDED)
			return SEC_I_CONTINUE_NEEDED;
		/* Per-message supplementary bits only arrive when replay or
		 * sequence detection was asked for: then they are failures. */
		if (major & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN | GSS_S_UNSEQ_TOKEN |
			     GSS_S_GAP_TOKEN))
			return SEC_E_OUT_OF_SEQUENCE;
		return SEC_E_OK;
	}

	/* These routine errors say exactly what happened to a token or a
	 * message, whatever the mechanism's minor code (a bad checksum is
	 * KRB5KRB_AP_ERR_BAD_INTEGRITY, which on an AS exchange means a wrong
	 * password, but behind GSS_S_BAD_MIC means an altered message). */
	switch (routine) {
	case GSS_S_BAD_SIG: /* == GSS_S_BAD_MIC */
		return SEC_E_MESSAGE_ALTERED;
	case GSS_S_DEFECTIVE_TOKEN:
		return SEC_E_INVALID_TOKEN;
	case GSS_S_BAD_BINDINGS:
		return SEC_E_BAD_BINDINGS;
	case GSS_S_NO_CONTEXT:
		return SEC_E_INVALID_HANDLE;
	case GSS_S_BAD_QOP:
		return SEC_E_QOP_NOT_SUPPORTED;
	case GSS_S_BAD_MECH:
		return SEC_E_SECPKG_NOT_FOUND;
	default:
		break;
	}

	/* For the others (GSS_S_FAILURE, NO_CRED, BAD_NAME...) the minor status
	 * says why (wrong password vs. KDC down), so it is consulted first; on
	 * a message, as a message's. */
	if (minor != 0) {
		SECURITY_STATUS s;

		if (message)
			for (size_t i = 0; i < sizeof(krb5_message_rows) / sizeof(krb5_message_rows[0]);
			     i++)
				if (krb5_message_rows[i].code == (long)(int32_t)minor)
					return krb5_message_rows[i].status;
		s = sg_status_from_krb5((long)(int32_t)minor);

		if (s != SEC_E_INTERNAL_ERROR)
			return s;
	}

	switch (routine) {
	case GSS_S_BAD_NAME:
	case GSS_S_BAD_NAMETYPE:
		return SEC_E_TARGET_UNKNOWN;
	case GSS_S_NO_CRED:
		return SEC_E_NO_CREDENTIALS;
	case GSS_S_DEFECTIVE_CREDENTIAL:
		return SEC_E_UNKNOWN_CREDENTIALS;
	case GSS_S_CREDENTIALS_EXPIRED:
		/* An expired ticket is no usable credential. */
		return SEC_E_NO_CREDENTIALS;
	case GSS_S_CONTEXT_EXPIRED:
		return SEC_E_CONTEXT_EXPIRED;
	case GSS_S_UNAUTHORIZED:
		return SEC_E_LOGON_DENIED;
	case GSS_S_UNAVAILABLE:
		return SEC_E_UNSUPPORTED_FUNCTION;
	default: /* GSS_S_FAILURE, BAD_STATUS, DUPLICATE_ELEMENT, NAME_NOT_MN */
		return SEC_E_INTERNAL_ERROR;
	}
}

struct status_name {
	SECURITY_STATUS status;
	const char *name;
	const char *text;
};

#define ROW(code, text) {code, #code, text}
static const struct status_name status_names[] = {
	ROW(SEC_E_OK, "The operation completed successfully."),
	ROW(SEC_E_INSUFFICIENT_MEMORY, "Not enough memory is available to complete this request."),
	ROW(SEC_E_INVALID_HANDLE, "The handle specified is invalid."),
	ROW(SEC_E_UNSUPPORTED_FUNCTION, "The function requested is not supported."),
	ROW(SEC_E_TARGET_UNKNOWN, "The specified target is unknown or unreachable."),
	ROW(SEC_E_INTERNAL_ERROR, "An internal error occurred in the security package."),
	ROW(SEC_E_SECPKG_NOT_FOUND, "The requested security package does not exist."),
	ROW(SEC_E_NOT_OWNER, "The caller is not the owner of the desired credentials."),
	ROW(SEC_E_CANNOT_INSTALL, "The security package failed to initialize."),
	ROW(SEC_E_INVALID_TOKEN, "The token supplied to the function is invalid."),
	ROW(SEC_E_CANNOT_PACK, "The security package is not able to marshal the logon buffer."),
	ROW(SEC_E_QOP_NOT_SUPPORTED, "The per-message quality of protection is not supported."),
	ROW(SEC_E_NO_IMPERSONATION, "The security context does not allow impersonation."),
	ROW(SEC_E_LOGON_DENIED, "The logon attempt failed."),
	ROW(SEC_E_UNKNOWN_CREDENTIALS, "The credentials supplied to the package were not recognized."),
	ROW(SEC_E_NO_CREDENTIALS, "No credentials are available in the security package."),
	ROW(SEC_E_MESSAGE_ALTERED, "The message or signature supplied for verification has been altered."),
	ROW(SEC_E_OUT_OF_SEQUENCE, "The message supplied for verification is out of sequence."),
	ROW(SEC_E_NO_AUTHENTICATING_AUTHORITY, "No authority could be contacted for authentication."),
	ROW(SEC_I_CONTINUE_NEEDED, "The function completed successfully, but must be called again to complete the context."),
	ROW(SEC_I_COMPLETE_NEEDED, "The function completed successfully, but CompleteToken must be called."),
	ROW(SEC_I_COMPLETE_AND_CONTINUE, "The function completed successfully, but both CompleteToken and this function must be called to complete the context."),
	ROW(SEC_I_LOCAL_LOGON, "The logon was completed, but no network authority was available."),
	ROW(SEC_I_GENERIC_EXTENSION_RECEIVED, "A generic extension was received."),
	ROW(SEC_E_BAD_PKGID, "The requested security package does not exist."),
	ROW(SEC_E_CONTEXT_EXPIRED, "The context has expired and can no longer be used."),
	ROW(SEC_I_CONTEXT_EXPIRED, "The context has expired and can no longer be used."),
	ROW(SEC_E_INCOMPLETE_MESSAGE, "The supplied message is incomplete. The signature was not verified."),
	ROW(SEC_E_INCOMPLETE_CREDENTIALS, "The credentials supplied were not complete, and could not be verified."),
	ROW(SEC_E_BUFFER_TOO_SMALL, "The buffers supplied to a function was too small."),
	ROW(SEC_I_INCOMPLETE_CREDENTIALS, "The credentials supplied were not complete; additional information can be returned from the context."),
	ROW(SEC_I_RENEGOTIATE, "The context data must be renegotiated with the peer."),
	ROW(SEC_E_WRONG_PRINCIPAL, "The target principal name is incorrect."),
	ROW(SEC_I_NO_LSA_CONTEXT, "There is no LSA mode context associated with this context."),
	ROW(SEC_E_TIME_SKEW, "The clocks on the client and server machines are skewed."),
	ROW(SEC_E_UNTRUSTED_ROOT, "The certificate chain was issued by an authority that is not trusted."),
	ROW(SEC_E_ILLEGAL_MESSAGE, "The message received was unexpected or badly formatted."),
	ROW(SEC_E_CERT_UNKNOWN, "An unknown error occurred while processing the certificate."),
	ROW(SEC_E_CERT_EXPIRED, "The received certificate has expired."),
	ROW(SEC_E_ENCRYPT_FAILURE, "The specified data could not be encrypted."),
	ROW(SEC_E_DECRYPT_FAILURE, "The specified data could not be decrypted."),
	ROW(SEC_E_ALGORITHM_MISMATCH, "The client and server cannot communicate, because they do not possess a common algorithm."),
	ROW(SEC_E_SECURITY_QOS_FAILED, "The security context could not be established due to a failure in the requested quality of service."),
	ROW(SEC_E_UNFINISHED_CONTEXT_DELETED, "A security context was deleted before the context was completed."),
	ROW(SEC_E_NO_TGT_REPLY, "The client is trying to negotiate a context and the server requires user-to-user but did not send a TGT reply."),
	ROW(SEC_E_NO_IP_ADDRESSES, "Unable to accomplish the requested task because the local machine does not have any IP addresses."),
	ROW(SEC_E_WRONG_CREDENTIAL_HANDLE, "The supplied credential handle does not match the credential associated with the security context."),
	ROW(SEC_E_CRYPTO_SYSTEM_INVALID, "The crypto system or checksum function is invalid because a required function is unavailable."),
	ROW(SEC_E_MAX_REFERRALS_EXCEEDED, "The number of maximum ticket referrals has been exceeded."),
	ROW(SEC_E_MUST_BE_KDC, "The local machine must be a Kerberos KDC (domain controller) and it is not."),
	ROW(SEC_E_STRONG_CRYPTO_NOT_SUPPORTED, "The other end of the security negotiation requires strong crypto but it is not supported on the local machine."),
	ROW(SEC_E_TOO_MANY_PRINCIPALS, "The KDC reply contained more than one principal name."),
	ROW(SEC_E_NO_PA_DATA, "Expected to find PA data for a hint of what etype to use, but it was not found."),
	ROW(SEC_E_PKINIT_NAME_MISMATCH, "The client certificate does not contain a valid UPN, or does not match the client name in the logon request."),
	ROW(SEC_E_SMARTCARD_LOGON_REQUIRED, "Smartcard logon is required and was not used."),
	ROW(SEC_E_SHUTDOWN_IN_PROGRESS, "A system shutdown is in progress."),
	ROW(SEC_E_KDC_INVALID_REQUEST, "An invalid request was sent to the KDC."),
	ROW(SEC_E_KDC_UNABLE_TO_REFER, "The KDC was unable to generate a referral for the service requested."),
	ROW(SEC_E_KDC_UNKNOWN_ETYPE, "The encryption type requested is not supported by the KDC."),
	ROW(SEC_E_UNSUPPORTED_PREAUTH, "An unsupported preauthentication mechanism was presented to the Kerberos package."),
	ROW(SEC_E_DELEGATION_REQUIRED, "The requested operation cannot be completed. The computer must be trusted for delegation."),
	ROW(SEC_E_BAD_BINDINGS, "Client's supplied SSPI channel bindings were incorrect."),
	ROW(SEC_E_MULTIPLE_ACCOUNTS, "The received certificate was mapped to multiple accounts."),
	ROW(SEC_E_NO_KERB_KEY, "No Kerberos key was found."),
	ROW(SEC_E_CERT_WRONG_USAGE, "The certificate is not valid for the requested usage."),
	ROW(SEC_E_DOWNGRADE_DETECTED, "The system detected a possible attempt to compromise security."),
	ROW(SEC_E_SMARTCARD_CERT_REVOKED, "The smartcard certificate used for authentication has been revoked."),
	ROW(SEC_E_ISSUING_CA_UNTRUSTED, "An untrusted certificate authority was detected while processing the smartcard certificate."),
	ROW(SEC_E_REVOCATION_OFFLINE_C, "The revocation status of the smartcard certificate could not be determined."),
	ROW(SEC_E_PKINIT_CLIENT_FAILURE, "The smartcard certificate used for authentication was not trusted."),
	ROW(SEC_E_SMARTCARD_CERT_EXPIRED, "The smartcard certificate used for authentication has expired."),
	ROW(SEC_E_NO_S4U_PROT_SUPPORT, "The Kerberos subsystem encountered an error: a service for user protocol request was made against a domain controller which does not support it."),
	ROW(SEC_E_CROSSREALM_DELEGATION_FAILURE, "An attempt was made by this server to make a Kerberos constrained delegation request for a target outside of the server's realm."),
	ROW(SEC_E_REVOCATION_OFFLINE_KDC, "The revocation status of the domain controller certificate could not be determined."),
	ROW(SEC_E_ISSUING_CA_UNTRUSTED_KDC, "An untrusted certificate authority was detected while processing the domain controller certificate."),
	ROW(SEC_E_KDC_CERT_EXPIRED, "The domain controller certificate used for smartcard logon has expired."),
	ROW(SEC_E_KDC_CERT_REVOKED, "The domain controller certificate used for smartcard logon has been revoked."),
	ROW(SEC_I_SIGNATURE_NEEDED, "A signature operation must be performed before the user can authenticate."),
	ROW(SEC_E_INVALID_PARAMETER, "One or more of the parameters passed to the function was invalid."),
	ROW(SEC_E_DELEGATION_POLICY, "Client policy does not allow credential delegation to the target server."),
	ROW(SEC_E_POLICY_NLTM_ONLY, "Client policy does not allow credential delegation to the target server with NLTM only authentication."),
	ROW(SEC_I_NO_RENEGOTIATION, "The recipient rejected the renegotiation request."),
	ROW(SEC_E_NO_CONTEXT, "The required security context does not exist."),
	ROW(SEC_E_PKU2U_CERT_FAILURE, "The PKU2U protocol encountered an error while attempting to utilize the associated certificates."),
	ROW(SEC_E_MUTUAL_AUTH_FAILED, "The identity of the server computer could not be verified."),
	ROW(SEC_I_MESSAGE_FRAGMENT, "The returned buffer is only a fragment of the message."),
	ROW(SEC_E_ONLY_HTTPS_ALLOWED, "Only https scheme is allowed."),
	ROW(SEC_I_CONTINUE_NEEDED_MESSAGE_OK, "The function completed successfully, but must be called again to complete the context. Early start can be used."),
	ROW(SEC_E_APPLICATION_PROTOCOL_MISMATCH, "No common application protocol exists between the client and the server."),
	ROW(SEC_I_ASYNC_CALL_PENDING, "An asynchronous SSPI routine has been called and the work is pending completion."),
	ROW(SEC_E_INVALID_UPN_NAME, "You can't sign in with a user ID in this format."),
	ROW(SEC_E_EXT_BUFFER_TOO_SMALL, "The buffer supplied by the SSPI caller to receive generic extensions is too small."),
	ROW(SEC_E_INSUFFICIENT_BUFFERS, "Not enough secbuffers were supplied to generate a token."),
};
#undef ROW

static const struct status_name *find_status(SECURITY_STATUS status)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (status_names[i].status == status)
			return &status_names[i];
	return NULL;
}

const char *SspiGssStatusName(SECURITY_STATUS Status)
{
	const struct status_name *row = find_status(Status);

	return row ? row->name : NULL;
}

const char *SspiGssStatusText(SECURITY_STATUS Status)
{
	const struct status_name *row = find_status(Status);

	return row ? row->text : "Unknown security status.";
}

struct flag_row {
	ULONG sspi;
	OM_uint32 gss;
};

static const struct flag_row isc_req_rows[] = {
	{ISC_REQ_DELEGATE, GSS_C_DELEG_FLAG},
	{ISC_REQ_MUTUAL_AUTH, GSS_C_MUTUAL_FLAG},
	{ISC_REQ_REPLAY_DETECT, GSS_C_REPLAY_FLAG},
	{ISC_REQ_SEQUENCE_DETECT, GSS_C_SEQUENCE_FLAG},
	{ISC_REQ_CONFIDENTIALITY, GSS_C_CONF_FLAG},
	{ISC_REQ_INTEGRITY, GSS_C_INTEG_FLAG},
	{ISC_REQ_USE_DCE_STYLE, GSS_C_DCE_STYLE},
	{ISC_REQ_IDENTIFY, GSS_C_IDENTIFY_FLAG},
};

static const struct flag_row isc_ret_rows[] = {
	{ISC_RET_DELEGATE, GSS_C_DELEG_FLAG},
	{ISC_RET_MUTUAL_AUTH, GSS_C_MUTUAL_FLAG},
	{ISC_RET_REPLAY_DETECT, GSS_C_REPLAY_FLAG},
	{ISC_RET_SEQUENCE_DETECT, GSS_C_SEQUENCE_FLAG},
	{ISC_RET_CONFIDENTIALITY, GSS_C_CONF_FLAG},
	{ISC_RET_INTEGRITY, GSS_C_INTEG_FLAG},
	{ISC_RET_USED_DCE_STYLE, GSS_C_DCE_STYLE},
	{ISC_RET_IDENTIFY, GSS_C_IDENTIFY_FLAG},
};

static const struct flag_row asc_ret_rows[] = {
	{ASC_RET_DELEGATE, GSS_C_DELEG_FLAG},
	{ASC_RET_MUTUAL_AUTH, GSS_C_MUTUAL_FLAG},
	{ASC_RET_REPLAY_DETECT, GSS_C_REPLAY_FLAG},
	{ASC_RET_SEQUENCE_DETECT, GSS_C_SEQUENCE_FLAG},
	{ASC_RET_CONFIDENTIALITY, GSS_C_CONF_FLAG},
	{ASC_RET_INTEGRITY, GSS_C_INTEG_FLAG},
	{ASC_RET_USED_DCE_STYLE, GSS_C_DCE_STYLE},
	{ASC_RET_IDENTIFY, GSS_C_IDENTIFY_FLAG},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

OM_uint32 sg_flags_isc_req_to_gss(ULONG isc_req)
{
	OM_uint32 f = 0;

	for (size_t i = 0; i < COUNT(isc_req_rows); i++)
		if (isc_req & isc_req_rows[i].sspi)
			f |= isc_req_rows[i].gss;
	return f;
}

/* The SSPI flags of rows whose GSS flag is set. */
static ULONG sspi_flags_from_gss(const struct flag_row *rows, size_t n, OM_uint32 gss_flags)
{
	ULONG f = 0;

	for (size_t i = 0; i < n; i++)
		if (gss_flags & rows[i].gss)
			f |= rows[i].sspi;
	return f;
}

ULONG sg_flags_gss_to_isc_ret(OM_uint32 gss_flags)
{
	return sspi_flags_from_gss(isc_ret_rows, COUNT(isc_ret_rows), gss_flags);
}

ULONG sg_flags_gss_to_asc_ret(OM_uint32 gss_flags)
{
	return sspi_flags_from_gss(asc_ret_rows, COUNT(asc_ret_rows), gss_flags);
}
