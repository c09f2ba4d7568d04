/*
 * attributes.c - QueryContextAttributesA/W.
 */
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "buffers.h"
#include "handles.h"
#include "mech.h"
#include "strings.h"
#include "trace.h"

static SECURITY_STATUS names(struct sg_ctx *ctx, ULONG attribute, void *buffer, int wide)
{
	char *client = NULL, *server = NULL;
	void *c = NULL, *s = NULL;
	SECURITY_STATUS st;

	/* NAMES: DOMAIN\user for a client its domain described (logon.c);
	 * NATIVE_NAMES: the package's own names, the principals. */
	st = attribute == SECPKG_ATTR_NAMES ? sg_ctx_names(ctx, &client, &server)
					    : ctx->pkg->ops->names(ctx, &client, &server);
	if (st == SEC_E_OK)
		st = sg_buffer_string(client, wide, &c);
	if (st == SEC_E_OK && attribute == SECPKG_ATTR_NATIVE_NAMES)
		st = sg_buffer_string(server, wide, &s);
	free(client);
	free(server);
	if (st != SEC_E_OK) {
		sg_buffer_free(c);
		sg_buffer_free(s);
		return st;
	}
	if (attribute == SECPKG_ATTR_NAMES) {
		/* Both forms are one pointer, so one store serves A and W. */
		((SecPkgContext_NamesA *)buffer)->sUserName = c;
	} else {
		((SecPkgContext_NativeNamesA *)buffer)->sClientName = c;
		((SecPkgContext_NativeNamesA *)buffer)->sServerName = s;
	}
	return SEC_E_OK;
}

void sg_key_info_clear(struct sg_key_info *info)
{
	if (info->key != NULL)
		sg_wipe(info->key, info->key_len);
	free(info->key);
	free(info->encrypt_name);
	free(info->signature_name);
	memset(info, 0, sizeof(*info));
}

static SECURITY_STATUS session_key(struct sg_ctx *ctx, SecPkgContext_SessionKey *out)
{
	struct sg_key_info info;
	SECURITY_STATUS s;
	unsigned char *key;

	if (ctx->pkg->ops->key_info == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	s = ctx->pkg->ops->key_info(ctx, &info);
	if (s != SEC_E_OK)
		return s;
	key = sg_buffer_alloc(info.key_len ? info.key_len : 1);
	if (key == NULL) {
		sg_key_info_clear(&info);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	memcpy(key, info.key, info.key_len);
	out->SessionKeyLength = (ULONG)info.key_len;
	out->SessionKey = key;
	sg_key_info_clear(&info);
	return SEC_E_OK;
}

static SECURITY_STATUS key_info(struct sg_ctx *ctx, SecPkgContext_KeyInfoA *out, int wide)
{
	struct sg_key_info info;
	void *sig = NULL, *enc = NULL;
	SECURITY_STATUS s;

	if (ctx->pkg->ops->key_info == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	s = ctx->pkg->ops->key_info(ctx, &info);
	if (s != SEC_E_OK)
		return s;
	s = sg_buffer_string(info.signature_name, wide, &sig);
	if (s == SEC_E_OK)
		s = sg_buffer_string(info.encrypt_name, wide, &enc);
	if (s == SEC_E_OK) {
		/* KeyInfoA and KeyInfoW differ only in the pointers' targets. */
		out->sSignatureAlgorithmName = sig;
		out->sEncryptAlgorithmName = enc;
		out->KeySize = info.key_bits;
		out->SignatureAlgorithm = info.signature_alg;
		out->EncryptAlgorithm = info.encrypt_alg;
	} else {
		sg_buffer_free(sig);
		sg_buffer_free(enc);
	}
	sg_key_info_clear(&info);
	return s;
}

static SECURITY_STATUS authority(struct sg_ctx *ctx, SecPkgContext_AuthorityA *out, int wide)
{
	char *name = NULL;
	void *s_out = NULL;
	SECURITY_STATUS s;

	if (ctx->pkg->ops->authority == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	s = ctx->pkg->ops->authority(ctx, &name);
	if (s == SEC_E_OK)
		s = sg_buffer_string(name, wide, &s_out);
	free(name);
	if (s == SEC_E_OK)
		out->sAuthorityName = s_out;
	return s;
}

/* A negotiating package's choice, once made; NULL otherwise. */
static const struct sg_package *chosen_package(struct sg_ctx *ctx)
{
	return ctx->pkg->ops->chosen != NULL ? ctx->pkg->ops->chosen(ctx) : NULL;
}

/* WinPR's NTLM workstation attributes (sspi-gss.h). */
static SECURITY_STATUS winpr_hostname(struct sg_ctx *ctx, ULONG attribute, void *buffer, int wide)
{
	char *name = NULL;
	SEC_WCHAR *w = NULL;
	size_t units = 0;
	SECURITY_STATUS s;

	if (ctx->pkg->ops->workstation == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	s = ctx->pkg->ops->workstation(ctx, NULL, &name);
	if (s == SEC_E_OK && name != NULL)
		s = sg_utf8_to_utf16(name, strlen(name), &w, &units);
	if (s == SEC_E_OK) {
		if (attribute == SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN)
			*(ULONG *)buffer = (ULONG)(units * sizeof(SEC_WCHAR));
		else if (wide)
			memcpy(buffer, w, units * sizeof(SEC_WCHAR));
		else if (name != NULL)
			/* At most the UTF-16 length, as WinPR writes it. */
			memcpy(buffer, name,
			       strlen(name) < units * 2 ? strlen(name) + 1 : units * 2);
	}
	free(w);
	free(name);
	return s;
}

static SECURITY_STATUS sg_set_winpr_hostname(struct sg_ctx *ctx, const void *buffer, ULONG size, int wide)
{
	char *name = NULL;
	SECURITY_STATUS s;

	if (ctx->pkg->ops->workstation == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	s = wide ? sg_utf16_to_cstr(buffer, size / sizeof(SEC_WCHAR), &name)
		 : sg_utf8_to_cstr(buffer, size, &name);
	if (s == SEC_E_OK)
		s = ctx->pkg->ops->workstation(ctx, name, NULL);
	free(name);
	return s;
}

static SECURITY_STATUS query(struct sg_ctx *ctx, ULONG attribute, void *buffer, int wide)
{
	if (ctx == NULL)
		return SEC_E_INVALID_HANDLE;
	if (buffer == NULL)
		return SEC_E_INVALID_PARAMETER;

	switch (attribute) {
	case SECPKG_ATTR_PACKAGE_INFO: {
		/* A Negotiate context, once established, is the package it
		 * chose. */
		const struct sg_package *chosen = chosen_package(ctx);
		const struct sg_package *pkgs[1] = {chosen ? chosen : ctx->pkg};

		if (wide)
			return sg_package_info_w(pkgs, 1,
						 &((SecPkgContext_PackageInfoW *)buffer)->PackageInfo);
		return sg_package_info_a(pkgs, 1, &((SecPkgContext_PackageInfoA *)buffer)->PackageInfo);
	}
	case SECPKG_ATTR_NEGOTIATION_INFO: {
		const struct sg_package *chosen = chosen_package(ctx);
		const struct sg_package *pkgs[1] = {chosen ? chosen : ctx->pkg};
		SecPkgContext_NegotiationInfoA *info = buffer;
		SECURITY_STATUS st;

		/* The W form differs only in the PackageInfo pointer's target.
		 * A package that negotiates nothing (NTLM, Kerberos) is its own
		 * answer, complete once the context is: Windows' NTLM gives
		 * that (Wine's conformance tests, ntlm.c). */
		st = wide ? sg_package_info_w(pkgs, 1, &((SecPkgContext_NegotiationInfoW *)buffer)->PackageInfo)
			  : sg_package_info_a(pkgs, 1, &info->PackageInfo);
		if (st == SEC_E_OK)
			info->NegotiationState =
				(ctx->pkg->ops->chosen != NULL ? chosen != NULL : ctx->established)
					? SECPKG_NEGOTIATION_COMPLETE
					: SECPKG_NEGOTIATION_IN_PROGRESS;
		return st;
	}
	case SECPKG_ATTR_FLAGS:
		((SecPkgContext_Flags *)buffer)->Flags = ctx->attrs;
		return SEC_E_OK;
	default:
		break;
	}

	/* The rest describe an established context. */
	if (!ctx->established)
		return SEC_E_INVALID_HANDLE;
	switch (attribute) {
	case SECPKG_ATTR_SIZES:
		*(SecPkgContext_Sizes *)buffer = ctx->sizes;
		return SEC_E_OK;
	case SECPKG_ATTR_STREAM_SIZES: {
		SecPkgContext_StreamSizes *ss = buffer;

		ss->cbHeader = ctx->sizes.cbSecurityTrailer;
		ss->cbTrailer = 0;
		ss->cbMaximumMessage = 0xFFFF;
		ss->cBuffers = 4;
		ss->cbBlockSize = ctx->sizes.cbBlockSize;
		return SEC_E_OK;
	}
	case SECPKG_ATTR_NAMES:
	case SECPKG_ATTR_NATIVE_NAMES:
		return names(ctx, attribute, buffer, wide);
	case SECPKG_ATTR_SESSION_KEY:
		return session_key(ctx, buffer);
	case SSPI_GSS_ATTR_LOGON_INFO:
		return sg_logon_query(ctx, buffer);
	case SECPKG_ATTR_KEY_INFO:
		return key_info(ctx, buffer, wide);
	case SECPKG_ATTR_AUTHORITY:
		return authority(ctx, buffer, wide);
	case SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME:
	case SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN:
		return winpr_hostname(ctx, attribute, buffer, wide);
	case SECPKG_ATTR_LIFESPAN: {
		SecPkgContext_Lifespan *l = buffer;

		long long start = ctx->start;

		if (ctx->pkg->ops->start_time == NULL ||
		    ctx->pkg->ops->start_time(ctx, &start) != SEC_E_OK)
			start = ctx->start;
		l->tsStart = sg_timestamp_from_unix(start);
		l->tsExpiry = ctx->expiry;
		return SEC_E_OK;
	}
	default:
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
}

static SECURITY_STATUS traced_query(const char *fn, PCtxtHandle h, ULONG attribute,
				     void *buffer, int wide)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	SECURITY_STATUS s = query(ctx, attribute, buffer, wide);

	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, attribute %lu %s", ctx ? ctx->pkg->name : "no context",
			      (unsigned long)attribute, sg_trace_attribute(attribute));
	sg_ctx_put(ctx);
	return s;
}

/* The size of the structure each supported attribute fills (A and W
 * forms have the same sizes: they differ in what pointers point to); 0:
 * not an attribute of these packages. */
static size_t attribute_size(ULONG attribute)
{
	switch (attribute) {
	case SECPKG_ATTR_PACKAGE_INFO:
		return sizeof(SecPkgContext_PackageInfoA);
	case SECPKG_ATTR_NEGOTIATION_INFO:
		return sizeof(SecPkgContext_NegotiationInfoA);
	case SECPKG_ATTR_FLAGS:
		return sizeof(SecPkgContext_Flags);
	case SECPKG_ATTR_SIZES:
		return sizeof(SecPkgContext_Sizes);
	case SECPKG_ATTR_STREAM_SIZES:
		return sizeof(SecPkgContext_StreamSizes);
	case SECPKG_ATTR_NAMES:
		return sizeof(SecPkgContext_NamesA);
	case SECPKG_ATTR_NATIVE_NAMES:
		return sizeof(SecPkgContext_NativeNamesA);
	case SECPKG_ATTR_SESSION_KEY:
		return sizeof(SecPkgContext_SessionKey);
	case SECPKG_ATTR_KEY_INFO:
		return sizeof(SecPkgContext_KeyInfoA);
	case SECPKG_ATTR_AUTHORITY:
		return sizeof(SecPkgContext_AuthorityA);
	case SECPKG_ATTR_LIFESPAN:
		return sizeof(SecPkgContext_Lifespan);
	case SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN:
		return sizeof(ULONG);
	case SSPI_GSS_ATTR_LOGON_INFO:
		return sizeof(PSSPI_GSS_LOGON_INFO);
	default:
		return 0;
	}
}

/*
 * The Ex calling convention: the caller says how big its structure is.
 * The attribute is answered into a structure of our own and copied out
 * only when the caller's is big enough (SEC_E_BUFFER_TOO_SMALL, nothing
 * allocated, otherwise); memory the answer points to is the library's, as
 * with QueryContextAttributes (FreeContextBuffer).
 */
static SECURITY_STATUS query_ex(struct sg_ctx *ctx, ULONG attribute, void *buffer, ULONG size,
				int wide)
{
	union {
		SecPkgContext_KeyInfoA key_info;
		SecPkgContext_NegotiationInfoA negotiation;
		SecPkgContext_StreamSizes stream;
		SecPkgContext_Lifespan lifespan;
		SecPkgContext_SessionKey session;
		SecPkgContext_NativeNamesA native;
		SecPkgContext_Sizes sizes;
	} answer;
	size_t need = attribute_size(attribute);
	SECURITY_STATUS s;

	if (ctx == NULL)
		return SEC_E_INVALID_HANDLE;
	if (buffer == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (need == 0)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (size < need)
		return SEC_E_BUFFER_TOO_SMALL;
	memset(&answer, 0, sizeof(answer));
	s = query(ctx, attribute, &answer, wide);
	if (s == SEC_E_OK)
		memcpy(buffer, &answer, need);
	return s;
}

static SECURITY_STATUS traced_query_ex(const char *fn, PCtxtHandle h, ULONG attribute,
				       void *buffer, ULONG size, int wide)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	SECURITY_STATUS s = query_ex(ctx, attribute, buffer, size, wide);

	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, attribute %lu %s, %lu bytes",
			      ctx ? ctx->pkg->name : "no context", (unsigned long)attribute,
			      sg_trace_attribute(attribute), (unsigned long)size);
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesExA(PCtxtHandle phContext, ULONG ulAttribute,
						    void *pBuffer, ULONG cbBuffer)
{
	return traced_query_ex("QueryContextAttributesExA", phContext, ulAttribute, pBuffer,
			       cbBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesExW(PCtxtHandle phContext, ULONG ulAttribute,
						    void *pBuffer, ULONG cbBuffer)
{
	return traced_query_ex("QueryContextAttributesExW", phContext, ulAttribute, pBuffer,
			       cbBuffer, 1);
}

/* Windows: "This function is supported only by the Schannel security
 * package." Kerberos, NTLM and Negotiate contexts take no Windows
 * settings (the handle is still checked first); WinPR's NTLM workstation
 * name is the one setting taken, for FreeRDP. */
static SECURITY_STATUS set_context(const char *fn, PCtxtHandle h, ULONG attribute, void *buffer,
				   ULONG size, int wide)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	SECURITY_STATUS s;

	if (ctx == NULL)
		s = SEC_E_INVALID_HANDLE;
	else if (buffer == NULL)
		s = SEC_E_INVALID_PARAMETER;
	else if (attribute == SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME)
		s = sg_set_winpr_hostname(ctx, buffer, size, wide);
	else
		s = SEC_E_UNSUPPORTED_FUNCTION;
	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, attribute %lu %s", ctx ? ctx->pkg->name : "no context",
			      (unsigned long)attribute, sg_trace_attribute(attribute));
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY SetContextAttributesA(PCtxtHandle phContext, ULONG ulAttribute,
						void *pBuffer, ULONG cbBuffer)
{
	return set_context("SetContextAttributesA", phContext, ulAttribute, pBuffer, cbBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY SetContextAttributesW(PCtxtHandle phContext, ULONG ulAttribute,
						void *pBuffer, ULONG cbBuffer)
{
	return set_context("SetContextAttributesW", phContext, ulAttribute, pBuffer, cbBuffer, 1);
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesA(PCtxtHandle phContext, ULONG ulAttribute,
						  void *pBuffer)
{
	return traced_query("QueryContextAttributesA", phContext, ulAttribute, pBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle phContext, ULONG ulAttribute,
						  void *pBuffer)
{
	return traced_query("QueryContextAttributesW", phContext, ulAttribute, pBuffer, 1);
}
