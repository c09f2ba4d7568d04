/*
 * krb5_fast.h - RFC 4121 per-message tokens on OpenSSL for established
 * Kerberos contexts with aes128/aes256-cts-hmac-sha1-96 keys
 * (docs/performance.md, "The Kerberos fast path").
 *
 * At the first message the context's key, sequence numbers and flags are
 * taken out of Heimdal (gss_krb5_export_lucid_sec_context); from then on
 * this state makes and checks every wrap and MIC token of the context and
 * Heimdal's per-message functions are never called for it again (they
 * would reuse sequence numbers). The functions take and give what their
 * GSS-API counterparts do, major and minor status included, so the
 * status mapping (status.c) is the same for both paths.
 */
#ifndef SG_KRB5_FAST_H
#define SG_KRB5_FAST_H

#include <gssapi/gssapi.h>
#include <stddef.h>
#include <stdint.h>

struct sg_kfast;

/* The fast path for an established context: 0 and *out (NULL when the
 * context's enctype or token format is not covered: stay on Heimdal), or
 * -1 when it failed (out of memory, no lucid context). flags are the
 * context's GSS flags (replay and sequence detection); dce: DCE style. */
int sg_kfast_new(gss_ctx_id_t gss, OM_uint32 flags, int dce, struct sg_kfast **out);
void sg_kfast_free(struct sg_kfast *f);

OM_uint32 sg_kfast_wrap_iov(struct sg_kfast *f, OM_uint32 *minor, int conf_req,
			    gss_iov_buffer_desc *iov, int count);
OM_uint32 sg_kfast_unwrap_iov(struct sg_kfast *f, OM_uint32 *minor, int *conf,
			      gss_iov_buffer_desc *iov, int count);
/* A whole token (gss_unwrap); out is malloc'ed (gss_release_buffer). */
OM_uint32 sg_kfast_unwrap(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t in,
			  gss_buffer_t out, int *conf);
OM_uint32 sg_kfast_get_mic(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
			   gss_buffer_t mic);
OM_uint32 sg_kfast_verify_mic(struct sg_kfast *f, OM_uint32 *minor, const gss_buffer_t msg,
			      const gss_buffer_t mic);

/* The state Heimdal's exported context does not have (the sequence
 * numbers since the fast path took over, the replay window): *len bytes
 * into buf (SG_KFAST_STATE_MAX at most), and back. */
#define SG_KFAST_STATE_MAX 128
size_t sg_kfast_save(struct sg_kfast *f, uint8_t *buf);
int sg_kfast_restore(struct sg_kfast *f, const uint8_t *buf, size_t len);

/* Known-answer helpers, for the tests: RFC 3961 n-fold, and AES-CTS
 * (CBC with ciphertext stealing, CS3, zero IV) in place. */
void sg_kfast_nfold(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
int sg_kfast_cts(const uint8_t *key, size_t key_len, int encrypt, uint8_t *data, size_t len);

#endif
