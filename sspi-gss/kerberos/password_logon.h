/*
 * password_logon.h - an outbound Kerberos credential made from a password,
 * logged on as Windows logs it on: AcquireCredentialsHandle only keeps the
 * name and the password; the AS exchange happens at the first
 * InitializeSecurityContext that needs the TGT (so a KDC proxy set on the
 * credential afterwards carries it, and a wrong password is
 * InitializeSecurityContext's SEC_E_LOGON_DENIED), and a TGT near its end
 * is renewed (or, past its renewal time, obtained again with the password)
 * at the first leg of a later context, as Windows' LSA does for a logon
 * session with a password.
 *
 * The tickets live in a private MEMORY ccache, destroyed with the
 * credential; Heimdal's credential (gss_krb5_import_cred) reads that cache,
 * so a renewed TGT stored in it serves the credential's later contexts.
 */
#ifndef SG_PASSWORD_LOGON_H
#define SG_PASSWORD_LOGON_H

#include <gssapi/gssapi.h>
#include <krb5.h>

#include <sspi.h>

struct sg_kdc_proxy;
struct sg_krb5_logon;

/* Keeps a copy of principal (a Kerberos principal name, checked to parse)
 * and of password. No KDC is asked. SEC_E_UNKNOWN_CREDENTIALS when the
 * name is no principal. */
SECURITY_STATUS sg_krb5_logon_new(const char *principal, const char *password,
				  struct sg_krb5_logon **out);

/* The credential to initiate with: logs on the first time (the AS
 * exchange), renews a TGT with less than a quarter of its life (at most
 * five minutes) left (an expired one is replaced by a new AS exchange),
 * through the credential's KDC proxy (*proxy_slot) or the process's. *gss
 * stays the logon's. One thread at a time talks to the KDC; the others wait
 * for its result, and take a failure as theirs rather than asking again.
 * On failure, the KDC's reason
 * (SEC_E_LOGON_DENIED, SEC_E_NO_AUTHENTICATING_AUTHORITY, ...) with the
 * text in SspiGssGetLastErrorText; a failed renewal of a TGT still valid
 * is only a trace note. */
SECURITY_STATUS sg_krb5_logon_ready(struct sg_krb5_logon *l, struct sg_kdc_proxy *const *proxy_slot,
				    gss_cred_id_t *gss);

/* The principal's name as Heimdal writes it (malloc'ed); never waits. */
SECURITY_STATUS sg_krb5_logon_name(const struct sg_krb5_logon *l, char **name);

/* The credential of the first logon (set once), or GSS_C_NO_CREDENTIAL
 * before it: for the later legs of a context, which must not fall to
 * Heimdal's default credential (a retried AP-REQ after a skew error would
 * then claim integrity and confidentiality unasked). */
gss_cred_id_t sg_krb5_logon_cred(const struct sg_krb5_logon *l);

/* Releases the credential, destroys the ticket cache, wipes the password. */
void sg_krb5_logon_free(struct sg_krb5_logon *l);

/*
 * The status of a failed AS exchange (or TGT renewal) rc, with the KDC's
 * words in SspiGssGetLastErrorText ("Kerberos WHAT: ..."): the KDC's own
 * refusals (a wrong password, an account disabled, expired or unknown, a
 * policy) are SEC_E_LOGON_DENIED unless the status table names them (clock
 * skew, an enctype); no KDC, or nothing usable from one, is
 * SEC_E_NO_AUTHENTICATING_AUTHORITY. For every AS exchange the library
 * makes: logons here, ChangeAccountPassword's (password.c).
 */
SECURITY_STATUS sg_krb5_as_failure(krb5_context k, krb5_error_code rc, const char *what);

#endif
