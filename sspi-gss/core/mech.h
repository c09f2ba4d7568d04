/*
 * mech.h - the narrow interface between the SSPI core and a package.
 *
 * The core (credentials.c, context.c, messages.c, attributes.c) owns
 * handles, SecBuffer layouts, A/W strings and status codes; a package sees
 * UTF-8 strings, GSS buffers and GSS iov arrays only. A package is chosen once,
 * at AcquireCredentialsHandle, and reached only through its sg_mech_ops.
 */
#ifndef SG_MECH_H
#define SG_MECH_H

#include <gssapi/gssapi.h>
#include <pthread.h>

#include <sspi.h>

#include "handles.h"
#include "logon.h"
#include "packages.h"

struct sg_kdc_proxy; /* kdc_proxy.h */

/* A parsed SEC_WINNT_AUTH_IDENTITY*, in UTF-8. Secrets are wiped on free. */
struct sg_identity {
	char *user;
	char *domain;
	char *password;     /* NULL: no password given (use cached tickets) */
	char *package_list; /* EX form only; NULL when absent */
	/* SSPI_GSS_NTLM_DATABASE: the NTLM user file or KDC ticket cache of
	 * this credential, in place of the environment's. */
	char *ntlm_user_file, *ntlm_kdc_ccache;
	int ntlm_winbind; /* ...or the domain through winbind */
};

struct sg_cred {
	struct sg_object obj; /* first: handles name it */
	const struct sg_package *pkg;
	ULONG use; /* SECPKG_CRED_INBOUND / OUTBOUND / BOTH */
	gss_cred_id_t gss;
	void *mech; /* a package's own credential state (NTLM) */
	TimeStamp expiry;
	/* Set when gss is not the credential's own but a delegated credential
	 * held by a context (AcquireCredentialsHandle while impersonating):
	 * that context, referenced, and gss is not released with the
	 * credential. */
	struct sg_object *owner;
	/* Kerberos: SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS (kdc_proxy.h), or
	 * NULL; read and replaced through sg_kdc_proxy_slot_get/_set only. */
	struct sg_kdc_proxy *kdc_proxy;
};

struct sg_ctx {
	struct sg_object obj; /* first: handles name it */
	const struct sg_package *pkg;
	/* The credential the context was started with, referenced: every later
	 * leg uses it, whatever handle the caller passes, so freeing the
	 * credential handle mid-handshake harms nothing. NULL for the
	 * sub-contexts a package makes for itself (Negotiate). */
	struct sg_cred *cred;
	int initiator;
	int established;
	ULONG req;   /* ISC_REQ_* or ASC_REQ_* asked for */
	ULONG attrs; /* ISC_RET_* or ASC_RET_* in effect */
	gss_ctx_id_t gss;
	void *mech;        /* a package's own context state (NTLM; Kerberos: the target name) */
	char *target;      /* initiator: the target as the caller gave it */
	gss_buffer_desc pending; /* output token not yet delivered (buffer too small) */
	SECURITY_STATUS pending_status;
	TimeStamp expiry;
	SecPkgContext_Sizes sizes; /* filled when the context is established */
	long long start;           /* Unix time the context was created */
	/* Acceptor: the credential the client delegated (ISC_REQ_DELEGATE),
	 * released with the context. */
	gss_cred_id_t delegated;
	/* Acceptor: who the client is in its domain (PAC, winbind), or NULL;
	 * freed with the context. */
	struct sg_logon *logon;
	/* Windows lets one thread encrypt while another decrypts on the same
	 * context. Heimdal's krb5 context shares one krb5_crypto (with its
	 * cipher state) between both directions and does not lock it, so the
	 * mechanism takes this lock around every per-message call. */
	pthread_mutex_t lock;
};

/* What SECPKG_ATTR_SESSION_KEY and SECPKG_ATTR_KEY_INFO report. Every
 * pointer is malloc'ed; sg_key_info_clear wipes the key and frees all. */
struct sg_key_info {
	unsigned char *key;
	size_t key_len;
	ULONG key_bits;
	ULONG encrypt_alg;   /* Kerberos: the enctype, as Windows reports it */
	ULONG signature_alg; /* Kerberos: the checksum type */
	char *encrypt_name;
	char *signature_name;
};

void sg_key_info_clear(struct sg_key_info *info);

/* A zeroed context of the package with its lock ready and one reference;
 * NULL if out of memory. */
struct sg_ctx *sg_ctx_new(const struct sg_package *pkg);
/* Releases the mechanism state, any pending token, the bound credential and
 * the context itself, whatever references remain: for contexts that were
 * never given a handle. */
void sg_ctx_free(struct sg_ctx *ctx);

/* The context or credential behind a handle, with a reference that the
 * caller drops with sg_ctx_put / sg_cred_put (both take NULL); NULL when
 * the handle is not live. */
struct sg_ctx *sg_ctx_get(const CtxtHandle *h);
void sg_ctx_put(struct sg_ctx *ctx);
struct sg_cred *sg_cred_get(const CredHandle *h);
void sg_cred_put(struct sg_cred *cred);

/* Extended protection settings (SSPI_GSS_EXTENDED_PROTECTION, checked). */
struct sg_epa {
	enum { SG_EPA_OFF, SG_EPA_WHEN_SUPPORTED, SG_EPA_REQUIRED } level;
	int check_target;
	const char *const *names; /* NULL-terminated, or NULL */
	int require_mic;          /* NTLM: refuse clients that send no MIC */
};

struct sg_mech_ops {
	SECURITY_STATUS (*acquire)(struct sg_cred *cred, const char *principal,
				   const struct sg_identity *id);
	void (*release_cred)(struct sg_cred *cred);
	/* One leg. in may be empty (first initiator leg); out gets the token to
	 * send (release with gss_release_buffer). *gss_flags gets GSS ret flags. */
	SECURITY_STATUS (*init)(struct sg_ctx *ctx, struct sg_cred *cred, const char *target,
				OM_uint32 req_flags, gss_buffer_t in, gss_channel_bindings_t cb,
				gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime);
	SECURITY_STATUS (*accept)(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				  gss_channel_bindings_t cb, gss_buffer_t out,
				  OM_uint32 *gss_flags, OM_uint32 *lifetime);
	void (*release_ctx)(struct sg_ctx *ctx);
	/* Called once when the context is established. */
	SECURITY_STATUS (*sizes)(struct sg_ctx *ctx, SecPkgContext_Sizes *sizes);
	SECURITY_STATUS (*wrap_iov)(struct sg_ctx *ctx, int conf, gss_iov_buffer_desc *iov,
				    int count);
	SECURITY_STATUS (*unwrap_iov)(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				      int *conf);
	SECURITY_STATUS (*unwrap)(struct sg_ctx *ctx, gss_buffer_t in, gss_buffer_t out,
				  int *conf);
	SECURITY_STATUS (*get_mic)(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic);
	SECURITY_STATUS (*verify_mic)(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic);
	/* malloc'ed UTF-8 names; either may be NULL when unknown. */
	SECURITY_STATUS (*names)(struct sg_ctx *ctx, char **client, char **server);
	SECURITY_STATUS (*cred_name)(struct sg_cred *cred, char **name);
	SECURITY_STATUS (*key_info)(struct sg_ctx *ctx, struct sg_key_info *info);
	/* malloc'ed UTF-8 name of the realm or domain that vouched for the peer. */
	SECURITY_STATUS (*authority)(struct sg_ctx *ctx, char **name);
	/* Unix time the authentication took place (ticket auth time); may
	 * return SEC_E_UNSUPPORTED_FUNCTION, then the context's creation time
	 * is used. */
	SECURITY_STATUS (*start_time)(struct sg_ctx *ctx, long long *t);
	/* A negotiating package (Negotiate): the package an established
	 * context chose, NULL before; the operation is NULL for the others. */
	const struct sg_package *(*chosen)(struct sg_ctx *ctx);
	/* Called by a negotiating package once a mechListMIC over its
	 * mechanism list was made (sent) or checked (!sent) with this
	 * context (NTLM restarts that direction's RC4, as MS-SPNG has
	 * Windows do); NULL when nothing follows from it. */
	void (*mech_list_mic_done)(struct sg_ctx *ctx, int sent);
	/* NTLM under a negotiating package. mech_list_mic_deferred: the
	 * initiator completes before the acceptor's mechListMIC arrives (as
	 * Windows' does): the receive direction moves on as if that MIC had
	 * been checked, and verify_deferred_mic checks it later, if the
	 * application passes it, against the direction as it was.
	 * peer_announced_mic: the acceptor's client announced the MIC
	 * exchange in its own token (NTLM's MsvAvFlags MIC bit). NULL
	 * operations: the package has none of this. */
	void (*mech_list_mic_deferred)(struct sg_ctx *ctx);
	SECURITY_STATUS (*verify_deferred_mic)(struct sg_ctx *ctx, gss_buffer_t msg,
					       gss_buffer_t mic);
	int (*peer_announced_mic)(struct sg_ctx *ctx);
	/* Acceptor: the local account (malloc'ed user name) the authenticated
	 * client is, by the package's own rule (impersonation); NULL
	 * operation: the package maps no client. */
	SECURITY_STATUS (*localname)(struct sg_ctx *ctx, char **name);
	/* Acceptor: the client's delegated credential (borrowed), or
	 * GSS_C_NO_CREDENTIAL. NULL operation: ctx->delegated. */
	gss_cred_id_t (*delegated)(struct sg_ctx *ctx);
	/* NTLM's workstation name (WinPR's SECPKG_ATTR_AUTH_NTLM_HOSTNAME):
	 * set != NULL sets it (client, before the AUTHENTICATE), else *get
	 * gets a malloc'ed copy or NULL; NULL operation: no such name. */
	SECURITY_STATUS (*workstation)(struct sg_ctx *ctx, const char *set, char **get);
	/* AddCredentials: sub (a credential of another package, not behind a
	 * handle) joins cred, which owns it on SEC_E_OK; NULL operation: the
	 * package's credentials take nothing added. */
	SECURITY_STATUS (*add)(struct sg_cred *cred, struct sg_cred *sub);
	/* Acceptor: the logon information (borrowed); NULL operation:
	 * ctx->logon. */
	const struct sg_logon *(*logon)(struct sg_ctx *ctx);
	/* Extended protection of an inbound credential; NULL: not taken. */
	SECURITY_STATUS (*set_epa)(struct sg_cred *cred, const struct sg_epa *epa);
	/* SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS: the credential takes kp's
	 * reference (NULL: no proxy of its own); NULL operation: the package
	 * sends nothing to a KDC. */
	SECURITY_STATUS (*set_kdc_proxy)(struct sg_cred *cred, struct sg_kdc_proxy *kp);
	/* Serialises the mechanism state into token (gss_release_buffer);
	 * ctx->gss is gone afterwards. import_ctx restores it into ctx->gss. */
	SECURITY_STATUS (*export_ctx)(struct sg_ctx *ctx, gss_buffer_t token);
	SECURITY_STATUS (*import_ctx)(struct sg_ctx *ctx, gss_buffer_t token);
	/* What carries the package out on this machine, in words, when that is
	 * chosen at run time (a static string); NULL operation: the
	 * registry's fixed text. */
	const char *(*backend)(void);
};

extern const struct sg_mech_ops sg_mech_krb5_ops;
extern const struct sg_mech_ops sg_mech_ntlm_ops;
extern const struct sg_mech_ops sg_mech_negotiate_ops;

/* 100 ns ticks since 1601 for a Unix time; "never" for time_t values past
 * what TimeStamp holds. */
TimeStamp sg_timestamp_from_unix(long long t);
TimeStamp sg_timestamp_never(void);
/* The TimeStamp for "lifetime seconds from now" (GSS_C_INDEFINITE: never). */
TimeStamp sg_timestamp_in(OM_uint32 lifetime);

#endif
