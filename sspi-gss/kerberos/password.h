/*
 * password.h - what password.c (ChangeAccountPassword) lets the fuzz
 * target reach: the reading of a kpasswd server's answer.
 */
#ifndef SG_PASSWORD_H
#define SG_PASSWORD_H

#include <krb5.h>
#include <stddef.h>
#include <stdint.h>

/* sg_kpasswd_reply's code for an answer that is no kpasswd answer at all
 * (Heimdal's codes are positive); *result_text says why. */
#define SG_KPASSWD_BAD_REPLY (-1)

/*
 * The answer r (RFC 3244: length, version, AP-REP, KRB-PRIV; or a KRB-ERROR
 * in place of the AP-REP or of the whole) to the request made on ac (the
 * AP-REQ's keys): 0 with the server's result code and text (*result,
 * *result_text, which the caller frees), a Kerberos error, or
 * SG_KPASSWD_BAD_REPLY. Only an AP-REP and KRB-PRIV under the request's
 * keys can report success: a KRB-ERROR may say why a change failed, never
 * that it succeeded.
 */
krb5_error_code sg_kpasswd_reply(krb5_context k, krb5_auth_context ac, const uint8_t *r,
				 size_t len, int *result, krb5_data *result_text);

#endif
