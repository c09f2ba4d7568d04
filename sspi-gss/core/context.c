/*
 * context.c - the InitializeSecurityContext / AcceptSecurityContext state
 * machine, DeleteSecurityContext, CompleteAuthToken, ApplyControlToken.
 *
 * Windows' rules, kept here:
 *  - the first call (phContext NULL) creates the context; if it fails, no
 *    context exists and nothing is left to free;
 *  - a context that fails on a later leg stays valid until
 *    DeleteSecurityContext;
 *  - with ISC_REQ_ALLOCATE_MEMORY / ASC_REQ_ALLOCATE_MEMORY the library
 *    allocates the output token (FreeContextBuffer frees it), otherwise the
 *    caller's TOKEN buffer is filled. A caller buffer that is too small (or
 *    no output TOKEN buffer at all) gets SEC_E_BUFFER_TOO_SMALL, as Windows
 *    answers; on a later leg the token is kept, and the next call on the
 *    context delivers it, so nothing is lost.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buffers.h"
#include "handles.h"
#include "hooks.h"
#include "mech.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

static void ctx_destroy(struct sg_object *obj)
{
	sg_ctx_free((struct sg_ctx *)obj);
}

struct sg_ctx *sg_ctx_new(const struct sg_package *pkg)
{
	struct sg_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
		free(ctx);
		return NULL;
	}
	sg_object_init(&ctx->obj, ctx_destroy);
	ctx->pkg = pkg;
	ctx->start = (long long)time(NULL);
	return ctx;
}

void sg_ctx_free(struct sg_ctx *ctx)
{
	OM_uint32 minor;

	if (ctx == NULL)
		return;
	if (ctx->pkg->ops != NULL)
		ctx->pkg->ops->release_ctx(ctx);
	gss_release_buffer(&minor, &ctx->pending);
	gss_release_cred(&minor, &ctx->delegated);
	sg_logon_free(ctx->logon);
	free(ctx->target);
	sg_cred_put(ctx->cred);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

struct sg_ctx *sg_ctx_get(const CtxtHandle *h)
{
	return (struct sg_ctx *)sg_handle_ref(h, SG_HANDLE_CONTEXT);
}

void sg_ctx_put(struct sg_ctx *ctx)
{
	if (ctx != NULL)
		sg_object_unref(&ctx->obj);
}

/* SEC_CHANNEL_BINDINGS (RFC 2744 layout at offsets into the buffer) into a
 * GSS channel bindings structure pointing into the caller's buffer. */
static SECURITY_STATUS channel_bindings(PSecBufferDesc in, struct gss_channel_bindings_struct *cb,
					gss_channel_bindings_t *out)
{
	PSecBuffer b = sg_secbuffer_find(in, SECBUFFER_CHANNEL_BINDINGS);
	const SEC_CHANNEL_BINDINGS *scb;
	const unsigned char *base;

	*out = GSS_C_NO_CHANNEL_BINDINGS;
	if (b == NULL)
		return SEC_E_OK;
	if (b->pvBuffer == NULL || b->cbBuffer < sizeof(*scb))
		return SEC_E_BAD_BINDINGS;
	scb = b->pvBuffer;
	base = b->pvBuffer;
#define FITS(off, len) ((uint64_t)(off) + (uint64_t)(len) <= (uint64_t)b->cbBuffer)
	if (!FITS(scb->dwInitiatorOffset, scb->cbInitiatorLength) ||
	    !FITS(scb->dwAcceptorOffset, scb->cbAcceptorLength) ||
	    !FITS(scb->dwApplicationDataOffset, scb->cbApplicationDataLength))
		return SEC_E_BAD_BINDINGS;
#undef FITS
	cb->initiator_addrtype = scb->dwInitiatorAddrType;
	cb->initiator_address.length = scb->cbInitiatorLength;
	cb->initiator_address.value = (void *)(base + scb->dwInitiatorOffset);
	cb->acceptor_addrtype = scb->dwAcceptorAddrType;
	cb->acceptor_address.length = scb->cbAcceptorLength;
	cb->acceptor_address.value = (void *)(base + scb->dwAcceptorOffset);
	cb->application_data.length = scb->cbApplicationDataLength;
	cb->application_data.value = (void *)(base + scb->dwApplicationDataOffset);
	*out = cb;
	return SEC_E_OK;
}

/* Delivers the output token. Zero bytes give an empty TOKEN buffer. */
static SECURITY_STATUS put_token(PSecBuffer tok, int allocate, gss_buffer_t out)
{
	if (out->length == 0) {
		tok->cbBuffer = 0;
		if (allocate)
			tok->pvBuffer = NULL;
		return SEC_E_OK;
	}
	return sg_secbuffer_put(tok, allocate, out->value, out->length);
}

struct step {
	const char *fn; /* the entry point, for the trace */
	int initiator;
	PCredHandle cred_handle;
	PCtxtHandle ctx_handle;
	const char *target;
	ULONG req;
	PSecBufferDesc in;
	PCtxtHandle new_handle;
	PSecBufferDesc out;
	ULONG *attrs;
	PTimeStamp expiry;
};

static ULONG ret_flags(const struct step *st, OM_uint32 gss_flags, int allocated)
{
	ULONG f;

	if (st->initiator) {
		f = sg_flags_gss_to_isc_ret(gss_flags);
		if (allocated)
			f |= ISC_RET_ALLOCATED_MEMORY;
		f |= st->req & (ISC_REQ_CONNECTION | ISC_REQ_EXTENDED_ERROR | ISC_REQ_STREAM);
	} else {
		f = sg_flags_gss_to_asc_ret(gss_flags);
		if (allocated)
			f |= ASC_RET_ALLOCATED_MEMORY;
		f |= st->req & (ASC_REQ_CONNECTION | ASC_REQ_EXTENDED_ERROR | ASC_REQ_STREAM);
	}
	return f;
}

/* One leg. given and ctx are the objects behind the caller's handles
 * (referenced by step(), NULL when a handle is NULL or not live). */
static SECURITY_STATUS step_impl(const struct step *st, struct sg_cred *given, struct sg_ctx *ctx)
{
	struct sg_cred *cred = given;
	struct gss_channel_bindings_struct cb_storage;
	gss_channel_bindings_t cb;
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	PSecBuffer tok_out, tok_in;
	OM_uint32 gss_flags = 0, lifetime = 0, minor;
	int first = st->ctx_handle == NULL, suspended;
	int allocate = (st->req & (st->initiator ? ISC_REQ_ALLOCATE_MEMORY
						  : ASC_REQ_ALLOCATE_MEMORY)) != 0;
	SECURITY_STATUS s, put;

	if (st->cred_handle != NULL) {
		if (given == NULL)
			return SEC_E_INVALID_HANDLE;
	} else if (first) {
		return SEC_E_INVALID_HANDLE;
	}
	if (first && st->new_handle == NULL)
		return SEC_E_INVALID_PARAMETER;
	/* No output description, or none with a TOKEN buffer: no room for the
	 * token, SEC_E_BUFFER_TOO_SMALL as Windows answers (Wine's ntlm.c
	 * tests, run on Windows). */
	if (st->out == NULL)
		return SEC_E_BUFFER_TOO_SMALL;
	if (sg_secbuffer_check(st->out) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	tok_out = sg_secbuffer_find(st->out, SECBUFFER_TOKEN);
	if (tok_out == NULL)
		return SEC_E_BUFFER_TOO_SMALL;
	if (st->in != NULL && sg_secbuffer_check(st->in) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	tok_in = sg_secbuffer_find(st->in, SECBUFFER_TOKEN);
	/* Every leg but the initiator's first answers a peer's token; the
	 * initiator's first may be given one too (a server's NegTokenInit2
	 * hints), which a package may read or ignore. */
	if (!(st->initiator && first)) {
		if (tok_in == NULL || tok_in->cbBuffer == 0 || tok_in->pvBuffer == NULL)
			return SEC_E_INVALID_TOKEN;
		in.value = tok_in->pvBuffer;
		in.length = tok_in->cbBuffer;
	} else if (tok_in != NULL && tok_in->cbBuffer != 0 && tok_in->pvBuffer != NULL) {
		in.value = tok_in->pvBuffer;
		in.length = tok_in->cbBuffer;
	}
	s = channel_bindings(st->in, &cb_storage, &cb);
	if (s != SEC_E_OK)
		return s;

	if (first) {
		if (cred->pkg->ops == NULL)
			return SEC_E_UNSUPPORTED_FUNCTION;
		ctx = sg_ctx_new(cred->pkg);
		if (ctx == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		ctx->initiator = st->initiator;
		ctx->req = st->req;
		ctx->cred = cred;
		sg_object_ref(&cred->obj);
		/* A NULL target is allowed, as on Windows: NTLM and Negotiate
		 * (NTLM then) do without; Kerberos answers
		 * SEC_E_TARGET_UNKNOWN. */
		if (st->initiator && st->target != NULL) {
			ctx->target = strdup(st->target);
			if (ctx->target == NULL) {
				sg_ctx_free(ctx);
				return SEC_E_INSUFFICIENT_MEMORY;
			}
		}
	} else {
		if (ctx == NULL || ctx->initiator != st->initiator)
			return SEC_E_INVALID_HANDLE;
		/* A credential of another package would be read as this
		 * package's own structure: refused before any package code
		 * runs. The context goes on with the credential it began with. */
		if (given != NULL && given->pkg != ctx->pkg) {
			sg_last_error_set(SEC_E_WRONG_CREDENTIAL_HANDLE,
					  "the credential is of package %s, the context of %s",
					  given->pkg->name, ctx->pkg->name);
			return SEC_E_WRONG_CREDENTIAL_HANDLE;
		}
		if (ctx->cred != NULL)
			cred = ctx->cred;
		if (ctx->pending.length != 0) {
			/* A token the caller's buffer could not take last time. */
			put = put_token(tok_out, allocate, &ctx->pending);
			if (put != SEC_E_OK)
				return put;
			gss_release_buffer(&minor, &ctx->pending);
			if (st->attrs != NULL)
				*st->attrs = ctx->attrs;
			if (st->expiry != NULL)
				*st->expiry = ctx->expiry;
			return ctx->pending_status;
		}
	}

	suspended = sg_thread_suspend();
	if (st->initiator)
		s = ctx->pkg->ops->init(ctx, cred, ctx->target, sg_flags_isc_req_to_gss(st->req),
					&in, cb, &out, &gss_flags, &lifetime);
	else
		s = ctx->pkg->ops->accept(ctx, cred, &in, cb, &out, &gss_flags, &lifetime);
	sg_thread_resume(suspended);
	if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED) {
		/* A mechanism may answer a failure with a token for the peer
		 * (a KRB-ERROR, e.g. for clock skew); Windows hands it out when
		 * the caller asked for extended errors. */
		if (out.length == 0 ||
		    !(st->req & (st->initiator ? ISC_REQ_EXTENDED_ERROR : ASC_REQ_EXTENDED_ERROR)) ||
		    put_token(tok_out, allocate, &out) != SEC_E_OK) {
			/* Nothing to send: say so, so no stale bytes go out. */
			tok_out->cbBuffer = 0;
			if (allocate)
				tok_out->pvBuffer = NULL;
		}
		gss_release_buffer(&minor, &out);
		if (first)
			sg_ctx_free(ctx);
		return s;
	}

	put = put_token(tok_out, allocate, &out);
	if (put != SEC_E_OK) {
		if (first) {
			gss_release_buffer(&minor, &out);
			sg_ctx_free(ctx);
			return put;
		}
		ctx->pending = out; /* kept for the next call */
		ctx->pending_status = s;
	} else {
		gss_release_buffer(&minor, &out);
	}
	ctx->attrs = ret_flags(st, gss_flags, allocate && put == SEC_E_OK && tok_out->cbBuffer != 0);
	ctx->expiry = sg_timestamp_in(lifetime);
	if (s == SEC_E_OK && !ctx->established) {
		SECURITY_STATUS sz = ctx->pkg->ops->sizes(ctx, &ctx->sizes);

		if (sz != SEC_E_OK) {
			if (first)
				sg_ctx_free(ctx);
			return sz;
		}
		ctx->established = 1;
		if (SG_TRACING() && ctx->pkg->ops->chosen != NULL) {
			const struct sg_package *chosen = ctx->pkg->ops->chosen(ctx);

			/* What a negotiating package settled on, for whoever
			 * reads the trace to know which protocol ran. */
			sg_trace_note("%s: the %s's context is established with %s",
				      ctx->pkg->name, ctx->initiator ? "client" : "server",
				      chosen ? chosen->name : "?");
		}
	}
	if (first) {
		SECURITY_STATUS h = sg_handle_new(SG_HANDLE_CONTEXT, &ctx->obj, st->new_handle);

		if (h != SEC_E_OK) {
			if (allocate && tok_out->pvBuffer != NULL)
				sg_buffer_free(tok_out->pvBuffer);
			sg_ctx_free(ctx);
			return h;
		}
	} else if (st->new_handle != NULL && st->new_handle != st->ctx_handle) {
		*st->new_handle = *st->ctx_handle;
	}
	if (st->attrs != NULL)
		*st->attrs = ctx->attrs;
	if (st->expiry != NULL)
		*st->expiry = ctx->expiry;
	return put != SEC_E_OK ? put : s;
}

static SECURITY_STATUS step(const struct step *st)
{
	struct sg_cred *cred = sg_cred_get(st->cred_handle);
	struct sg_ctx *ctx = sg_ctx_get(st->ctx_handle);
	SECURITY_STATUS s = step_impl(st, cred, ctx);

	if (SG_TRACING()) {
		int ok = s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED;
		char req[320], ret[320], in[256], out[256];

		sg_trace_call(st->fn, s, "%s, %s%s%s, req %s, in %s, out %s, attrs %s",
			      ctx ? ctx->pkg->name : cred ? cred->pkg->name : "no credential",
			      st->ctx_handle ? "continued" : "new",
			      st->initiator ? ", target " : "",
			      st->initiator ? (st->target ? st->target : "null") : "",
			      sg_trace_flags(req, sizeof(req), st->req,
					     st->initiator ? SG_ISC_REQ : SG_ASC_REQ),
			      sg_trace_buffers(in, sizeof(in), st->in),
			      sg_trace_buffers(out, sizeof(out), st->out),
			      ok && st->attrs ? sg_trace_flags(ret, sizeof(ret), *st->attrs,
							       st->initiator ? SG_ISC_RET
									     : SG_ASC_RET)
					      : "-");
	}
	sg_ctx_put(ctx);
	sg_cred_put(cred);
	return s;
}

SECURITY_STATUS SEC_ENTRY InitializeSecurityContextA(
	PCredHandle phCredential, PCtxtHandle phContext, SEC_CHAR *pszTargetName,
	ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput,
	ULONG Reserved2, PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry)
{
	struct step st = {"InitializeSecurityContextA", 1, phCredential, phContext, pszTargetName,
			  fContextReq, pInput, phNewContext, pOutput, pfContextAttr, ptsExpiry};

	(void)Reserved1, (void)TargetDataRep, (void)Reserved2;
	return step(&st);
}

SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(
	PCredHandle phCredential, PCtxtHandle phContext, SEC_WCHAR *pszTargetName,
	ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput,
	ULONG Reserved2, PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry)
{
	char *target = NULL;
	SECURITY_STATUS s;

	(void)Reserved1, (void)TargetDataRep, (void)Reserved2;
	if (pszTargetName != NULL &&
	    sg_utf16_to_cstr(pszTargetName, sg_utf16_len(pszTargetName), &target) != SEC_E_OK)
		return SEC_E_TARGET_UNKNOWN;
	{
		struct step st = {"InitializeSecurityContextW", 1, phCredential, phContext, target,
				  fContextReq, pInput, phNewContext, pOutput, pfContextAttr, ptsExpiry};

		s = step(&st);
	}
	free(target);
	return s;
}

SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(PCredHandle phCredential, PCtxtHandle phContext,
						PSecBufferDesc pInput, ULONG fContextReq,
						ULONG TargetDataRep, PCtxtHandle phNewContext,
						PSecBufferDesc pOutput, ULONG *pfContextAttr,
						PTimeStamp ptsExpiry)
{
	struct step st = {"AcceptSecurityContext", 0, phCredential, phContext, NULL, fContextReq,
			  pInput, phNewContext, pOutput, pfContextAttr, ptsExpiry};

	(void)TargetDataRep;
	if (pInput == NULL)
		return SEC_E_INVALID_TOKEN;
	return step(&st);
}

/* The handle is closed at once; the context itself goes when the last call
 * still running on it (another thread's EncryptMessage) returns. */
SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext)
{
	struct sg_ctx *ctx = (struct sg_ctx *)sg_handle_close(phContext, SG_HANDLE_CONTEXT);

	if (ctx == NULL) {
		if (SG_TRACING())
			sg_trace_call("DeleteSecurityContext", SEC_E_INVALID_HANDLE, "%s", "");
		return SEC_E_INVALID_HANDLE;
	}
	if (SG_TRACING())
		sg_trace_call("DeleteSecurityContext", SEC_E_OK, "%s", ctx->pkg->name);
	sg_ctx_put(ctx);
	return SEC_E_OK;
}

/* Is the handle a live context? */
static int live_ctx(PCtxtHandle h)
{
	struct sg_ctx *ctx = sg_ctx_get(h);

	sg_ctx_put(ctx);
	return ctx != NULL;
}

SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle phContext, PSecBufferDesc pToken)
{
	(void)pToken;
	/* Kerberos never asks for it (no SEC_I_COMPLETE_NEEDED); as on Windows
	 * the call is accepted and does nothing. */
	return live_ctx(phContext) ? SEC_E_OK : SEC_E_INVALID_HANDLE;
}

SECURITY_STATUS SEC_ENTRY ApplyControlToken(PCtxtHandle phContext, PSecBufferDesc pInput)
{
	(void)pInput;
	/* Control tokens exist for Schannel; the Kerberos package has none. */
	return live_ctx(phContext) ? SEC_E_UNSUPPORTED_FUNCTION : SEC_E_INVALID_HANDLE;
}
