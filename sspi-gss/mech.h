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

#include <sspi.h>

#include "packages.h"

/* A parsed SEC_WINNT_AUTH_IDENTITY*, in UTF-8. Secrets are wiped on free. */
struct sg_identity {
	char *user;
	char *domain;
	char *password;     /* NULL: no password given (use cached tickets) */
	char *package_list; /* EX form only; NULL when absent */
};

struct sg_cred {
	const struct sg_package *pkg;
	ULONG use; /* SECPKG_CRED_INBOUND / OUTBOUND / BOTH */
	gss_cred_id_t gss;
	TimeStamp expiry;
};

struct sg_ctx {
	const struct sg_package *pkg;
	int initiator;
	int established;
	ULONG req;   /* ISC_REQ_* or ASC_REQ_* asked for */
	ULONG attrs; /* ISC_RET_* or ASC_RET_* in effect */
	gss_ctx_id_t gss;
	char *target;      /* initiator: the target as the caller gave it */
	gss_buffer_desc pending; /* output token not yet delivered (buffer too small) */
	SECURITY_STATUS pending_status;
	TimeStamp expiry;
	SecPkgContext_Sizes sizes; /* filled when the context is established */
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
};

extern const struct sg_mech_ops sg_mech_krb5_ops;

/* 100 ns ticks since 1601 for a Unix time; "never" for time_t values past
 * what TimeStamp holds. */
TimeStamp sg_timestamp_from_unix(long long t);
TimeStamp sg_timestamp_never(void);
/* The TimeStamp for "lifetime seconds from now" (GSS_C_INDEFINITE: never). */
TimeStamp sg_timestamp_in(OM_uint32 lifetime);

#endif
