/*
 * krb5_u2u.h - Kerberos user-to-user (draft-swift-win2k-krb-user2user) as
 * an acceptor: a server with no service key but a ticket-granting ticket
 * (a desktop session's RDP server) answers the client's TGT-REQUEST with
 * its TGT and reads the AP-REQ of the ticket the KDC made in that TGT's
 * session key, as Windows' Kerberos and WinPR 3 do.
 *
 * Heimdal 7.8's GSS-API mechanism cannot (docs/porting.md, "Kerberos
 * user-to-user"): the handshake is done here on the krb5 API and its
 * result becomes an ordinary Heimdal krb5 GSS context, so messages,
 * sizes, names and keys then go through mech_krb5.c as for any Kerberos
 * context.
 */
#ifndef SG_KRB5_U2U_H
#define SG_KRB5_U2U_H

#include <gssapi/gssapi.h>
#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

struct sg_cred;

/* 1.2.840.113554.1.2.2.3, the content octets of the OID. */
#define SG_U2U_OID_LEN 10
extern const uint8_t sg_u2u_oid[SG_U2U_OID_LEN];

/* AcquireCredentialsHandle's fallback for a Kerberos acceptor credential
 * whose keys could not be had (keyless: that status): the TGT of the
 * default ticket cache (KRB5CCNAME; principal's, when not NULL), copied
 * into cred->mech, with no GSS credential; the credential expires with the
 * TGT. SEC_E_OK, or keyless when there is no such TGT (or it expired). */
SECURITY_STATUS sg_u2u_acquire(struct sg_cred *cred, const char *principal,
			       SECURITY_STATUS keyless);
/* Releases what sg_u2u_acquire put in cred->mech (the session key wiped). */
void sg_u2u_release(struct sg_cred *cred);

/* The TGT's client, malloc'ed (QueryCredentialsAttributes NAMES). */
SECURITY_STATUS sg_u2u_cred_name(const struct sg_cred *cred, char **name);

/* Whether cred is such a credential (a TGT for user-to-user rather than
 * keys). Takes NULL. */
int sg_u2u_cred_is(const struct sg_cred *cred);

/* One acceptor leg on such a credential, framed with the user-to-user OID
 * both ways:
 *   TGT-REQUEST (TOK_ID 04 00): *out = TGT-REPLY (04 01) carrying the
 *     credential's TGT; SEC_I_CONTINUE_NEEDED.
 *   AP-REQ (01 00) of a ticket in the TGT's session key: checked (RFC 4121
 *     4.1.1 checksum, the ticket names the TGT's client), *out = AP-REP
 *     (02 00) when the client asked for mutual authentication, and *gss
 *     a complete Heimdal krb5 context; SEC_E_OK.
 * Any other token: SEC_E_NO_CREDENTIALS (no keys for a plain AP-REQ) or
 * SEC_E_INVALID_TOKEN. out is malloc'ed (gss_release_buffer). Kerberos'
 * own refusals map as in status.c, with the reason in the last error.
 * cb: the acceptor's channel bindings (or GSS_C_NO_CHANNEL_BINDINGS),
 * checked against the checksum's as Heimdal checks them: a mismatch is
 * SEC_E_BAD_BINDINGS. */
SECURITY_STATUS sg_u2u_accept(struct sg_cred *cred, const gss_buffer_t in,
			      gss_channel_bindings_t cb, gss_buffer_t out, gss_ctx_id_t *gss,
			      OM_uint32 *gss_flags, OM_uint32 *lifetime);

#endif
