/*
 * status.h - the one place where mechanism results become SECURITY_STATUS.
 */
#ifndef SG_STATUS_H
#define SG_STATUS_H

#include <gssapi/gssapi.h>

#include <sspi.h>

/* Maps a GSS-API major status and its minor status (a krb5_error_code for the
 * Kerberos mechanism) to the status Windows returns in the same situation. */
SECURITY_STATUS sg_status_from_gss(OM_uint32 major, OM_uint32 minor);

/* The same for a per-message call (Make/VerifySignature, Encrypt/
 * DecryptMessage): a checksum that does not match is SEC_E_MESSAGE_ALTERED
 * there, where on a logon the same krb5 code means a wrong password. */
SECURITY_STATUS sg_status_from_gss_message(OM_uint32 major, OM_uint32 minor);

/* Maps a krb5_error_code alone; SEC_E_INTERNAL_ERROR when it has no row. */
SECURITY_STATUS sg_status_from_krb5(long code);

/* The context flag tables: ISC_REQ -> GSS request flags, GSS ret flags ->
 * ISC_RET / ASC_RET. */
OM_uint32 sg_flags_isc_req_to_gss(ULONG isc_req);
ULONG sg_flags_gss_to_isc_ret(OM_uint32 gss_flags);
ULONG sg_flags_gss_to_asc_ret(OM_uint32 gss_flags);

/* Keeps the GSS-API and mechanism messages of a failure as this thread's
 * SspiGssGetLastErrorText (lasterror.c). */
void sg_last_error_from_gss(OM_uint32 major, OM_uint32 minor, SECURITY_STATUS s);

/* The same for a package of our own (NTLM): the reason in its words. */
void sg_last_error_set(SECURITY_STATUS s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
