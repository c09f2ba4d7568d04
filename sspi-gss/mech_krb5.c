/*
 * mech_krb5.c - the Kerberos package, carried by Heimdal's GSS-API krb5
 * mechanism (1.2.840.113554.1.2.2).
 */
#include <gssapi/gssapi_krb5.h>
#include <stdlib.h>
#include <string.h>

#include "mech.h"
#include "names.h"
#include "status.h"
#include "strings.h"

static gss_OID_set_desc krb5_set = {1, NULL};

static gss_OID_set krb5_mechs(void)
{
	krb5_set.elements = GSS_KRB5_MECHANISM;
	return &krb5_set;
}

static SECURITY_STATUS krb5_acquire(struct sg_cred *cred, const char *principal,
				    const struct sg_identity *id)
{
	OM_uint32 major, minor, lifetime = 0;
	gss_name_t name = GSS_C_NO_NAME;
	gss_cred_usage_t usage;
	SECURITY_STATUS status;

	switch (cred->use) {
	case SECPKG_CRED_INBOUND:
		usage = GSS_C_ACCEPT;
		break;
	case SECPKG_CRED_OUTBOUND:
		usage = GSS_C_INITIATE;
		break;
	default:
		usage = GSS_C_BOTH;
		break;
	}

	if (principal != NULL) {
		status = sg_name_import(principal, &name);
		if (status != SEC_E_OK)
			return status == SEC_E_TARGET_UNKNOWN ? SEC_E_UNKNOWN_CREDENTIALS : status;
	}

	if (id != NULL && id->password != NULL) {
		gss_buffer_desc pw = {strlen(id->password), id->password};

		if (name == GSS_C_NO_NAME)
			return SEC_E_UNKNOWN_CREDENTIALS;
		/* Heimdal keeps the tickets of a password credential in a new
		 * private MEMORY ccache, destroyed with the credential: nothing
		 * touches the user's ticket cache or the disk. */
		major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE,
						       krb5_mechs(), usage, &cred->gss, NULL,
						       &lifetime);
	} else {
		major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, krb5_mechs(), usage,
					 &cred->gss, NULL, &lifetime);
	}
	{
		OM_uint32 ignored;

		gss_release_name(&ignored, &name);
	}
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	/* An acceptor's keys do not expire: Windows reports "never" for them. */
	cred->expiry = usage == GSS_C_ACCEPT ? sg_timestamp_never() : sg_timestamp_in(lifetime);
	return SEC_E_OK;
}

static void krb5_release_cred(struct sg_cred *cred)
{
	OM_uint32 minor;

	gss_release_cred(&minor, &cred->gss);
}

static SECURITY_STATUS krb5_init(struct sg_ctx *ctx, struct sg_cred *cred, const char *target,
				 OM_uint32 req_flags, gss_buffer_t in, gss_channel_bindings_t cb,
				 gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	OM_uint32 major, minor;
	gss_name_t name = GSS_C_NO_NAME;
	SECURITY_STATUS status;

	status = sg_name_import(target, &name);
	if (status != SEC_E_OK)
		return status;
	major = gss_init_sec_context(&minor, cred ? cred->gss : GSS_C_NO_CREDENTIAL, &ctx->gss,
				     name, GSS_KRB5_MECHANISM, req_flags, GSS_C_INDEFINITE, cb, in,
				     NULL, out, gss_flags, lifetime);
	{
		OM_uint32 ignored;

		gss_release_name(&ignored, &name);
	}
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_accept(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				   gss_channel_bindings_t cb, gss_buffer_t out,
				   OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	OM_uint32 major, minor;

	major = gss_accept_sec_context(&minor, &ctx->gss, cred ? cred->gss : GSS_C_NO_CREDENTIAL,
				       in, cb, NULL, NULL, out, gss_flags, lifetime, NULL);
	return sg_status_from_gss(major, minor);
}

static void krb5_release_ctx(struct sg_ctx *ctx)
{
	OM_uint32 minor;

	if (ctx->gss != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &ctx->gss, GSS_C_NO_BUFFER);
}

/* Header (and padding) sizes of a wrap token for one byte of data. */
static SECURITY_STATUS wrap_lengths(struct sg_ctx *ctx, int conf, size_t *header, size_t *padding)
{
	gss_iov_buffer_desc iov[3] = {
		{GSS_IOV_BUFFER_TYPE_HEADER, {0, NULL}},
		{GSS_IOV_BUFFER_TYPE_DATA, {1, NULL}},
		{GSS_IOV_BUFFER_TYPE_PADDING, {0, NULL}},
	};
	OM_uint32 major, minor;

	major = gss_wrap_iov_length(&minor, ctx->gss, conf, GSS_C_QOP_DEFAULT, NULL, iov, 3);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	*header = iov[0].buffer.length;
	*padding = iov[2].buffer.length;
	return SEC_E_OK;
}

static SECURITY_STATUS krb5_sizes(struct sg_ctx *ctx, SecPkgContext_Sizes *sizes)
{
	size_t sealed_header, sealed_pad, signed_header, signed_pad;
	SECURITY_STATUS s;

	s = wrap_lengths(ctx, 1, &sealed_header, &sealed_pad);
	if (s == SEC_E_OK)
		s = wrap_lengths(ctx, 0, &signed_header, &signed_pad);
	if (s != SEC_E_OK)
		return s;
	sizes->cbMaxToken = ctx->pkg->max_token;
	/* An RFC 4121 MIC token is as long as an integrity-only wrap header
	 * with its trailer rotated in: 16 bytes + the checksum. */
	sizes->cbMaxSignature = (ULONG)signed_header;
	/* AES (RFC 4121) needs no padding: block size 1, as Windows reports. */
	sizes->cbBlockSize = (ULONG)(sealed_pad == 0 ? 1 : sealed_pad + 1);
	sizes->cbSecurityTrailer = (ULONG)sealed_header;
	return SEC_E_OK;
}

static SECURITY_STATUS krb5_wrap_iov(struct sg_ctx *ctx, int conf, gss_iov_buffer_desc *iov,
				     int count)
{
	OM_uint32 major, minor;

	major = gss_wrap_iov(&minor, ctx->gss, conf, GSS_C_QOP_DEFAULT, NULL, iov, count);
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_unwrap_iov(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				       int *conf)
{
	OM_uint32 major, minor;

	major = gss_unwrap_iov(&minor, ctx->gss, conf, NULL, iov, count);
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_unwrap(struct sg_ctx *ctx, gss_buffer_t in, gss_buffer_t out,
				   int *conf)
{
	OM_uint32 major, minor;

	major = gss_unwrap(&minor, ctx->gss, in, out, conf, NULL);
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_get_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	OM_uint32 major, minor;

	major = gss_get_mic(&minor, ctx->gss, GSS_C_QOP_DEFAULT, msg, mic);
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_verify_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	OM_uint32 major, minor;

	major = gss_verify_mic(&minor, ctx->gss, msg, mic, NULL);
	return sg_status_from_gss(major, minor);
}

static SECURITY_STATUS krb5_names(struct sg_ctx *ctx, char **client, char **server)
{
	OM_uint32 major, minor;
	gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;

	*client = *server = NULL;
	major = gss_inquire_context(&minor, ctx->gss, &src, &targ, NULL, NULL, NULL, NULL, NULL);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	if (src != GSS_C_NO_NAME)
		*client = sg_name_display(src);
	if (targ != GSS_C_NO_NAME)
		*server = sg_name_display(targ);
	gss_release_name(&minor, &src);
	gss_release_name(&minor, &targ);
	return SEC_E_OK;
}

static SECURITY_STATUS krb5_cred_name(struct sg_cred *cred, char **name)
{
	OM_uint32 major, minor;
	gss_name_t n = GSS_C_NO_NAME;

	*name = NULL;
	major = gss_inquire_cred(&minor, cred->gss, &n, NULL, NULL, NULL);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	if (n != GSS_C_NO_NAME) {
		*name = sg_name_display(n);
		gss_release_name(&minor, &n);
		if (*name == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
	}
	return SEC_E_OK;
}

const struct sg_mech_ops sg_mech_krb5_ops = {
	.acquire = krb5_acquire,
	.release_cred = krb5_release_cred,
	.init = krb5_init,
	.accept = krb5_accept,
	.release_ctx = krb5_release_ctx,
	.sizes = krb5_sizes,
	.wrap_iov = krb5_wrap_iov,
	.unwrap_iov = krb5_unwrap_iov,
	.unwrap = krb5_unwrap,
	.get_mic = krb5_get_mic,
	.verify_mic = krb5_verify_mic,
	.names = krb5_names,
	.cred_name = krb5_cred_name,
};
