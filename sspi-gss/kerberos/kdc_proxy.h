/*
 * kdc_proxy.h - Kerberos through a KDC proxy (MS-KKDCP): Kerberos messages
 * POSTed over HTTPS to https://host/KdcProxy, for clients that cannot reach
 * a KDC themselves.
 *
 * Three parts: the KDC-PROXY-MESSAGE codec (MS-KKDCP 2.2.2), the HTTPS
 * transport (libcurl), and the hook that makes Heimdal's KDC exchanges
 * (AS and TGS, inside gss_acquire_cred_with_password and
 * gss_init_sec_context) go through it: a send_to_kdc plugin registered with
 * krb5_plugin_register, active only on a thread inside a scope opened by
 * the Kerberos package (sg_kdc_proxy_enter / sg_kdc_proxy_leave).
 */
#ifndef SG_KDC_PROXY_H
#define SG_KDC_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

/* ------------------------------------------------------------ the codec */

/* A decoded KDC-PROXY-MESSAGE; every pointer points into the input. */
struct sg_kkdcp_message {
	const uint8_t *kerb; /* the Kerberos message, without its length prefix */
	size_t kerb_len;
	const char *realm; /* target-domain, not NUL-terminated; NULL: absent */
	size_t realm_len;
	int has_hint;
	int64_t hint; /* dclocator-hint, when has_hint */
};

/* Encodes kerb (kerb_len >= 1 bytes, without a length prefix: the encoder
 * adds the 4-byte one) with the realm (NULL: left out) and the hint (NULL:
 * left out). *out is malloc'ed. 0, or -1 on bad arguments or no memory. */
int sg_kkdcp_encode(const uint8_t *kerb, size_t kerb_len, const char *realm, const int64_t *hint,
		    uint8_t **out, size_t *out_len);

/* Decodes a whole buffer strictly (DER: definite, minimal lengths; fields
 * in order, no unknown ones, no trailing bytes; a kerb-message whose prefix
 * is its length; a realm of 1-1024 bytes without NULs; a hint that fits
 * in 32 bits, signed or unsigned). 0, or
 * -1 when refused; never reads outside in[0..len). */
int sg_kkdcp_decode(const uint8_t *in, size_t len, struct sg_kkdcp_message *out);

/* ---------------------------------------------------------- the settings */

/* Where to send (an https:// URL) and whether the direct KDC may be tried
 * when the proxy fails. Immutable once made; reference-counted. */
struct sg_kdc_proxy;

/* 1 when the library was built with the transport (libcurl). */
int sg_kdc_proxy_available(void);

/* From a server as Windows takes it ("host", "host:port:path") or an
 * https:// URL; SEC_E_INVALID_PARAMETER when it does not parse. */
SECURITY_STATUS sg_kdc_proxy_new(const char *server, int force, struct sg_kdc_proxy **out);
void sg_kdc_proxy_put(struct sg_kdc_proxy *kp);
const char *sg_kdc_proxy_url(const struct sg_kdc_proxy *kp);
/* 1 when the direct KDC must not be tried if the proxy fails (FORCEPROXY). */
int sg_kdc_proxy_forced(const struct sg_kdc_proxy *kp);

/* A credential's setting: replaced (the slot takes kp's reference; NULL
 * clears) and read (a new reference, or NULL) under one lock, so one thread
 * may set it while another starts a context. */
void sg_kdc_proxy_slot_set(struct sg_kdc_proxy **slot, struct sg_kdc_proxy *kp);
struct sg_kdc_proxy *sg_kdc_proxy_slot_get(struct sg_kdc_proxy *const *slot);

/* --------------------------------------------------------- the transport */

/* One exchange: msg (without a length prefix) for realm POSTed to the
 * proxy; *reply (malloc'ed) gets the Kerberos reply without its prefix.
 * 0; or, with the reason in why, SG_KDC_PROXY_NOT_SENT when the request
 * never left (no proxy reached, TLS refused), SG_KDC_PROXY_MAY_HAVE_ARRIVED
 * when it went out and no usable answer came (an HTTP error, a reply that
 * does not parse, a timeout): the proxy may have passed it on, so a
 * request that must not be made twice (a password change) is not sent
 * again another way. */
#define SG_KDC_PROXY_NOT_SENT (-1)
#define SG_KDC_PROXY_MAY_HAVE_ARRIVED (-2)
int sg_kdc_proxy_send(const struct sg_kdc_proxy *kp, const char *realm, const uint8_t *msg,
		      size_t len, uint8_t **reply, size_t *reply_len, char *why, size_t why_cap);

/* ---------------------------------------------------------------- the hook */

struct sg_kdc_proxy_scope {
	struct sg_kdc_proxy *kp; /* in effect in this scope, or NULL */
	struct sg_kdc_proxy *outer;
};

/* Opens a scope on this thread: the KDC exchanges Heimdal makes in it go
 * through the credential's proxy (*cred_slot; cred_slot may be NULL), else
 * through the one SSPI_GSS_KDC_PROXY or krb5.conf's [sspi-gss] kdc_proxy
 * names, else directly. */
void sg_kdc_proxy_enter(struct sg_kdc_proxy_scope *sc, struct sg_kdc_proxy *const *cred_slot);
/* Closes it. When s is a failure and the proxy failed in the scope, the
 * proxy's reason joins the mechanism's in SspiGssGetLastErrorText. */
void sg_kdc_proxy_leave(struct sg_kdc_proxy_scope *sc, SECURITY_STATUS s);

#endif
