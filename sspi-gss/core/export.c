/*
 * export.c - ExportSecurityContext and ImportSecurityContextA/W.
 *
 * The packed context is our own little-endian record around the
 * mechanism's exported state (gss_export_sec_context for Kerberos), so that
 * the SSPI side of the context - requested and granted flags, expiry,
 * sizes, target - survives the trip too:
 *
 *   0  u32 magic "SGX1"      4  u16 package RPC id   6  u8 initiator
 *   7  u8 established        8  u32 req             12  u32 attrs
 *  16  u64 expiry           24  u32 x4 sizes        40  i64 start
 *  48  u32 target length, target bytes (UTF-8, no NUL)
 *   .  u32 state length, mechanism state
 *
 * Windows keeps the exported context usable unless the caller asks for
 * SECPKG_CONTEXT_EXPORT_DELETE_OLD. gss_export_sec_context always
 * invalidates the source, so without that flag the state is imported back
 * into the old context at once. The record holds the session keys: it is
 * wiped when FreeContextBuffer frees it.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "handles.h"
#include "mech.h"
#include "strings.h"
#include "trace.h"

#define EXPORT_MAGIC 0x31584753u /* "SGX1" read little-endian */
#define FIXED_LEN 52

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static SECURITY_STATUS pack(const struct sg_ctx *ctx, const gss_buffer_t state, PSecBuffer out)
{
	size_t target_len = ctx->target ? strlen(ctx->target) : 0;
	size_t total;
	unsigned char *p, *q;

	if (target_len > UINT32_MAX || state->length > UINT32_MAX ||
	    state->length > SIZE_MAX - FIXED_LEN - 4 - target_len)
		return SEC_E_INSUFFICIENT_MEMORY;
	total = FIXED_LEN + target_len + 4 + state->length;
	if (total > ULONG_MAX)
		return SEC_E_INSUFFICIENT_MEMORY;
	p = sg_buffer_alloc(total);
	if (p == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	put32(p, EXPORT_MAGIC);
	put16(p + 4, ctx->pkg->rpcid);
	p[6] = (unsigned char)ctx->initiator;
	p[7] = (unsigned char)ctx->established;
	put32(p + 8, ctx->req);
	put32(p + 12, ctx->attrs);
	put64(p + 16, (uint64_t)ctx->expiry.HighPart << 32 | ctx->expiry.LowPart);
	put32(p + 24, ctx->sizes.cbMaxToken);
	put32(p + 28, ctx->sizes.cbMaxSignature);
	put32(p + 32, ctx->sizes.cbBlockSize);
	put32(p + 36, ctx->sizes.cbSecurityTrailer);
	put64(p + 40, (uint64_t)ctx->start);
	put32(p + 48, (uint32_t)target_len);
	q = p + FIXED_LEN;
	if (target_len != 0)
		memcpy(q, ctx->target, target_len);
	q += target_len;
	put32(q, (uint32_t)state->length);
	memcpy(q + 4, state->value, state->length);
	out->pvBuffer = p;
	out->cbBuffer = (ULONG)total;
	return SEC_E_OK;
}

static SECURITY_STATUS export_context(struct sg_ctx *ctx, PCtxtHandle phContext, ULONG fFlags,
				      PSecBuffer pPackedContext, void **pToken)
{
	gss_buffer_desc state = GSS_C_EMPTY_BUFFER;
	SECURITY_STATUS s, back;
	OM_uint32 minor;

	if (ctx == NULL)
		return SEC_E_INVALID_HANDLE;
	if (pPackedContext == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (fFlags & ~(ULONG)(SECPKG_CONTEXT_EXPORT_RESET_NEW | SECPKG_CONTEXT_EXPORT_DELETE_OLD))
		return SEC_E_INVALID_PARAMETER; /* TO_KERNEL has no meaning here */
	/* Only an established context carries state a peer process can use. */
	if (!ctx->established)
		return SEC_E_INVALID_HANDLE;
	if (ctx->pkg->ops->export_ctx == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (pToken != NULL)
		*pToken = NULL; /* no access token on Unix */

	s = ctx->pkg->ops->export_ctx(ctx, &state);
	if (s != SEC_E_OK)
		return s;
	s = pack(ctx, &state, pPackedContext);
	if (fFlags & SECPKG_CONTEXT_EXPORT_DELETE_OLD) {
		if (s == SEC_E_OK)
			sg_ctx_put((struct sg_ctx *)sg_handle_close(phContext, SG_HANDLE_CONTEXT));
		else /* keep the old context alive: nothing was handed out */
			(void)ctx->pkg->ops->import_ctx(ctx, &state);
	} else {
		back = ctx->pkg->ops->import_ctx(ctx, &state);
		if (back != SEC_E_OK && s == SEC_E_OK) {
			/* The old context could not take its state back: report it
			 * rather than leave a caller with a dead handle unawares. */
			sg_buffer_free(pPackedContext->pvBuffer);
			pPackedContext->pvBuffer = NULL;
			pPackedContext->cbBuffer = 0;
			s = back;
		}
	}
	sg_wipe(state.value, state.length);
	gss_release_buffer(&minor, &state);
	return s;
}

static SECURITY_STATUS unpack(const struct sg_package *pkg, const unsigned char *p, size_t len,
			      struct sg_ctx *ctx, gss_buffer_t state)
{
	uint64_t expiry;
	uint32_t target_len, state_len;
	const unsigned char *q;

	if (len < FIXED_LEN + 4 || get32(p) != EXPORT_MAGIC)
		return SEC_E_INVALID_TOKEN;
	if (get16(p + 4) != pkg->rpcid)
		return SEC_E_INVALID_TOKEN; /* exported by another package */
	if (p[6] > 1 || p[7] != 1)
		return SEC_E_INVALID_TOKEN;
	target_len = get32(p + 48);
	if (target_len > len - FIXED_LEN - 4)
		return SEC_E_INVALID_TOKEN;
	q = p + FIXED_LEN + target_len;
	state_len = get32(q);
	if (state_len == 0 || state_len != len - FIXED_LEN - 4 - target_len)
		return SEC_E_INVALID_TOKEN;

	ctx->initiator = p[6];
	ctx->req = get32(p + 8);
	ctx->attrs = get32(p + 12);
	expiry = get64(p + 16);
	ctx->expiry.HighPart = (ULONG)(expiry >> 32);
	ctx->expiry.LowPart = (ULONG)expiry;
	ctx->sizes.cbMaxToken = get32(p + 24);
	ctx->sizes.cbMaxSignature = get32(p + 28);
	ctx->sizes.cbBlockSize = get32(p + 32);
	ctx->sizes.cbSecurityTrailer = get32(p + 36);
	ctx->start = (long long)get64(p + 40);
	if (target_len != 0) {
		ctx->target = malloc(target_len + 1);
		if (ctx->target == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(ctx->target, p + FIXED_LEN, target_len);
		ctx->target[target_len] = '\0';
	}
	state->length = state_len;
	state->value = (void *)(q + 4);
	return SEC_E_OK;
}

static SECURITY_STATUS import(const char *package, PSecBuffer packed, PCtxtHandle out)
{
	const struct sg_package *pkg;
	struct sg_ctx *ctx;
	gss_buffer_desc state;
	SECURITY_STATUS s;

	if (package == NULL || packed == NULL || out == NULL)
		return SEC_E_INVALID_PARAMETER;
	pkg = sg_package_find(package);
	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	if (pkg->ops == NULL || pkg->ops->import_ctx == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (packed->pvBuffer == NULL)
		return SEC_E_INVALID_TOKEN;
	ctx = sg_ctx_new(pkg);
	if (ctx == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	s = unpack(pkg, packed->pvBuffer, packed->cbBuffer, ctx, &state);
	if (s == SEC_E_OK) {
		/* Heimdal's import may consume what it reads: give it a copy. */
		gss_buffer_desc copy = {state.length, malloc(state.length)};

		if (copy.value == NULL) {
			s = SEC_E_INSUFFICIENT_MEMORY;
		} else {
			memcpy(copy.value, state.value, state.length);
			s = pkg->ops->import_ctx(ctx, &copy);
			sg_wipe(copy.value, copy.length);
			free(copy.value);
			/* A record that passed our checks but not the mechanism's
			 * is a damaged record. */
			if (s != SEC_E_OK && s != SEC_E_INSUFFICIENT_MEMORY)
				s = SEC_E_INVALID_TOKEN;
		}
	}
	if (s == SEC_E_OK) {
		ctx->established = 1;
		s = sg_handle_new(SG_HANDLE_CONTEXT, &ctx->obj, out);
	}
	if (s != SEC_E_OK)
		sg_ctx_free(ctx);
	return s;
}

/* One trace line for an import: the package and the record's size. */
static SECURITY_STATUS traced_import(const char *fn, const char *package, PSecBuffer packed,
				     PCtxtHandle phContext)
{
	SECURITY_STATUS s = import(package, packed, phContext);

	if (SG_TRACING())
		sg_trace_call(fn, s, "%.64s, %lu bytes", package ? package : "null",
			      packed ? (unsigned long)packed->cbBuffer : 0ul);
	return s;
}

SECURITY_STATUS SEC_ENTRY ExportSecurityContext(PCtxtHandle phContext, ULONG fFlags,
						PSecBuffer pPackedContext, void **pToken)
{
	/* Referenced for the call: DELETE_OLD closes the handle. */
	struct sg_ctx *ctx = sg_ctx_get(phContext);
	SECURITY_STATUS s = export_context(ctx, phContext, fFlags, pPackedContext, pToken);

	if (SG_TRACING())
		sg_trace_call("ExportSecurityContext", s, "%s, flags 0x%lX, %lu bytes",
			      ctx != NULL ? ctx->pkg->name : "no context", (unsigned long)fFlags,
			      s == SEC_E_OK ? (unsigned long)pPackedContext->cbBuffer : 0ul);
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY ImportSecurityContextA(SEC_CHAR *pszPackage, PSecBuffer pPackedContext,
						 void *Token, PCtxtHandle phContext)
{
	(void)Token;
	return traced_import("ImportSecurityContextA", pszPackage, pPackedContext, phContext);
}

SECURITY_STATUS SEC_ENTRY ImportSecurityContextW(SEC_WCHAR *pszPackage, PSecBuffer pPackedContext,
						 void *Token, PCtxtHandle phContext)
{
	char *package = NULL;
	SECURITY_STATUS s;

	(void)Token;
	if (pszPackage == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (sg_utf16_to_cstr(pszPackage, sg_utf16_len(pszPackage), &package) != SEC_E_OK)
		return SEC_E_SECPKG_NOT_FOUND;
	s = traced_import("ImportSecurityContextW", package, pPackedContext, phContext);
	free(package);
	return s;
}
