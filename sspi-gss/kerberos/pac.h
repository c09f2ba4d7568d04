/*
 * pac.h - the Privilege Attribute Certificate (MS-PAC) of a Kerberos
 * ticket from an Active Directory KDC: checked, and read into the client's
 * logon information.
 */
#ifndef SG_PAC_H
#define SG_PAC_H

#include <gssapi/gssapi.h>
#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

#include "logon.h"

/* The logon information of an encoded PAC (PACTYPE and its buffers:
 * KERB_VALIDATION_INFO, UPN_DNS_INFO): 0 and *out, or -1 when it is
 * malformed (nothing is trusted of it), -2 when out of memory. Checks no
 * signature: sg_pac_check does. */
int sg_pac_logon(const uint8_t *pac, size_t len, struct sg_logon **out);

/* An established Kerberos acceptor context's PAC: none gives SEC_E_OK and
 * *out NULL (a realm without PACs); one whose server signature (with the
 * key that decrypted the ticket) or, when SSPI_GSS_PAC_KDC_KEYTAB names a
 * keytab, KDC signature does not verify, or that is malformed, gives
 * SEC_E_LOGON_DENIED with the reason in the last error. */
SECURITY_STATUS sg_pac_check(gss_ctx_id_t ctx, struct sg_logon **out);

#endif
