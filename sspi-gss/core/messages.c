/*
 * messages.c - MakeSignature, VerifySignature, EncryptMessage,
 * DecryptMessage: SecBuffer layouts <-> GSS-API iov buffers.
 *
 * EncryptMessage [TOKEN, DATA..., PADDING] becomes gss_wrap_iov [HEADER,
 * DATA..., PADDING] with no TRAILER, in place: the mechanism rotates the
 * trailer into the header (RRC), which is the byte layout Windows' Kerberos
 * produces, so TOKEN||DATA||PADDING is one standard RFC 4121 wrap token.
 * READONLY data buffers are signed but neither encrypted nor changed
 * (SIGN_ONLY). DecryptMessage takes the same layout, or [STREAM, DATA]: the
 * whole token in STREAM, after which DATA points at the plaintext inside it.
 */
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "handles.h"
#include "mech.h"
#include "trace.h"

#define STACK_IOV 16
#define STACK_CONCAT 4096

/* Buffers after the call: the sizes the caller gets back. */
static void trace_message(const char *fn, const struct sg_ctx *ctx, ULONG qop,
			  PSecBufferDesc msg, SECURITY_STATUS s)
{
	char bufs[256];

	sg_trace_call(fn, s, "%s, qop 0x%lX, %s", ctx ? ctx->pkg->name : "no context",
		      (unsigned long)qop, sg_trace_buffers(bufs, sizeof(bufs), msg));
}

static SECURITY_STATUS established_ctx(const struct sg_ctx *ctx)
{
	return ctx == NULL || !ctx->established ? SEC_E_INVALID_HANDLE : SEC_E_OK;
}

static ULONG base_type(const SecBuffer *b)
{
	return b->BufferType & ~(ULONG)SECBUFFER_ATTRMASK;
}

/* The DATA buffers of a message, end to end, for MIC computation: Windows
 * signs them all, read-only ones included, in order. A lone DATA buffer
 * (the usual case) is signed where it is; only several are copied, since
 * gss_get_mic takes one buffer. *owned gets what the caller must free. */
static SECURITY_STATUS concat_data(PSecBufferDesc msg, unsigned char *stack, gss_buffer_t out,
				   void **owned)
{
	size_t total = 0;
	const SecBuffer *last = NULL;
	ULONG count = 0;
	unsigned char *p;

	*owned = NULL;
	for (ULONG i = 0; i < msg->cBuffers; i++) {
		const SecBuffer *b = &msg->pBuffers[i];

		if (base_type(b) != SECBUFFER_DATA)
			continue;
		if (b->cbBuffer != 0 && b->pvBuffer == NULL)
			return SEC_E_INVALID_PARAMETER;
		total += b->cbBuffer;
		last = b;
		count++;
	}
	if (count == 1) {
		out->value = last->pvBuffer;
		out->length = last->cbBuffer;
		return SEC_E_OK;
	}
	p = total <= STACK_CONCAT ? stack : malloc(total);
	if (p == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (p != stack)
		*owned = p;
	out->value = p;
	out->length = total;
	for (ULONG i = 0; i < msg->cBuffers; i++) {
		const SecBuffer *b = &msg->pBuffers[i];

		if (base_type(b) == SECBUFFER_DATA && b->cbBuffer != 0) {
			memcpy(p, b->pvBuffer, b->cbBuffer);
			p += b->cbBuffer;
		}
	}
	return SEC_E_OK;
}

static SECURITY_STATUS make_signature(struct sg_ctx *ctx, ULONG fQOP, PSecBufferDesc pMessage,
				      ULONG MessageSeqNo)
{
	unsigned char stack[STACK_CONCAT];
	gss_buffer_desc msg, mic = GSS_C_EMPTY_BUFFER;
	void *owned;
	PSecBuffer tok;
	SECURITY_STATUS s;
	OM_uint32 minor;

	(void)MessageSeqNo; /* connection contexts number messages themselves */
	s = established_ctx(ctx);
	if (s != SEC_E_OK)
		return s;
	if (fQOP != 0)
		return SEC_E_QOP_NOT_SUPPORTED;
	if (sg_secbuffer_check(pMessage) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	tok = sg_secbuffer_find(pMessage, SECBUFFER_TOKEN);
	if (tok == NULL)
		return SEC_E_INVALID_TOKEN;
	/* Checked before signing: a signature made and then not delivered
	 * would use up a sequence number. */
	if (tok->pvBuffer == NULL || tok->cbBuffer < ctx->sizes.cbMaxSignature)
		return SEC_E_BUFFER_TOO_SMALL;
	s = concat_data(pMessage, stack, &msg, &owned);
	if (s != SEC_E_OK)
		return s;
	s = ctx->pkg->ops->get_mic(ctx, &msg, &mic);
	free(owned);
	if (s != SEC_E_OK)
		return s;
	if (mic.length > tok->cbBuffer) {
		s = SEC_E_BUFFER_TOO_SMALL;
	} else {
		memcpy(tok->pvBuffer, mic.value, mic.length);
		tok->cbBuffer = (ULONG)mic.length;
	}
	gss_release_buffer(&minor, &mic);
	return s;
}

static SECURITY_STATUS verify_signature(struct sg_ctx *ctx, PSecBufferDesc pMessage,
					ULONG MessageSeqNo, ULONG *pfQOP)
{
	unsigned char stack[STACK_CONCAT];
	gss_buffer_desc msg, mic;
	void *owned;
	PSecBuffer tok;
	SECURITY_STATUS s;

	(void)MessageSeqNo;
	s = established_ctx(ctx);
	if (s != SEC_E_OK)
		return s;
	if (sg_secbuffer_check(pMessage) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	tok = sg_secbuffer_find(pMessage, SECBUFFER_TOKEN);
	if (tok == NULL || tok->pvBuffer == NULL || tok->cbBuffer == 0)
		return SEC_E_INVALID_TOKEN;
	mic.value = tok->pvBuffer;
	mic.length = tok->cbBuffer;
	s = concat_data(pMessage, stack, &msg, &owned);
	if (s != SEC_E_OK)
		return s;
	s = ctx->pkg->ops->verify_mic(ctx, &msg, &mic);
	free(owned);
	if (s == SEC_E_OK && pfQOP != NULL)
		*pfQOP = 0;
	return s;
}

/* Maps a message's SecBuffers to GSS iov buffers, pointing at the caller's
 * memory. Buffers of other types (EMPTY, STREAM_HEADER...) are left out. */
static SECURITY_STATUS build_iov(PSecBufferDesc msg, gss_iov_buffer_desc *iov, ULONG *map,
				 int *count)
{
	int n = 0;

	for (ULONG i = 0; i < msg->cBuffers; i++) {
		SecBuffer *b = &msg->pBuffers[i];
		OM_uint32 type;

		switch (base_type(b)) {
		case SECBUFFER_TOKEN:
			type = GSS_IOV_BUFFER_TYPE_HEADER;
			break;
		case SECBUFFER_DATA:
			type = (b->BufferType & (SECBUFFER_READONLY | SECBUFFER_READONLY_WITH_CHECKSUM))
				       ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY
				       : GSS_IOV_BUFFER_TYPE_DATA;
			break;
		case SECBUFFER_PADDING:
			type = GSS_IOV_BUFFER_TYPE_PADDING;
			break;
		default:
			continue;
		}
		if (b->cbBuffer != 0 && b->pvBuffer == NULL)
			return SEC_E_INVALID_PARAMETER;
		iov[n].type = type;
		iov[n].buffer.value = b->pvBuffer;
		iov[n].buffer.length = b->cbBuffer;
		map[n] = i;
		n++;
	}
	*count = n;
	return SEC_E_OK;
}

/* After the mechanism ran: header, padding and data lengths back into SecBuffers. */
static void sync_lengths(PSecBufferDesc msg, const gss_iov_buffer_desc *iov, const ULONG *map,
			 int count)
{
	/* DATA shrinks only when a received token's filler ended it
	 * (krb5_fast.c: a sealed token with EC > 0, not DCE). */
	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_HEADER ||
		    iov[i].type == GSS_IOV_BUFFER_TYPE_PADDING ||
		    iov[i].type == GSS_IOV_BUFFER_TYPE_DATA)
			msg->pBuffers[map[i]].cbBuffer = (ULONG)iov[i].buffer.length;
}

static SECURITY_STATUS iov_call(struct sg_ctx *ctx, PSecBufferDesc msg, int wrap, int conf_req,
				int *conf)
{
	gss_iov_buffer_desc stack_iov[STACK_IOV], *iov = stack_iov;
	ULONG stack_map[STACK_IOV], *map = stack_map;
	int count = 0;
	SECURITY_STATUS s;

	if (msg->cBuffers > STACK_IOV) {
		iov = calloc(msg->cBuffers, sizeof(*iov));
		map = calloc(msg->cBuffers, sizeof(*map));
		if (iov == NULL || map == NULL) {
			s = SEC_E_INSUFFICIENT_MEMORY;
			goto out;
		}
	}
	s = build_iov(msg, iov, map, &count);
	if (s == SEC_E_OK)
		s = wrap ? ctx->pkg->ops->wrap_iov(ctx, conf_req, iov, count)
			 : ctx->pkg->ops->unwrap_iov(ctx, iov, count, conf);
	if (s == SEC_E_OK)
		sync_lengths(msg, iov, map, count);
out:
	if (iov != stack_iov) {
		free(iov);
		free(map);
	}
	return s;
}

static SECURITY_STATUS encrypt_message(struct sg_ctx *ctx, ULONG fQOP, PSecBufferDesc pMessage,
				       ULONG MessageSeqNo)
{
	PSecBuffer tok;
	SECURITY_STATUS s;
	int conf = (fQOP & SECQOP_WRAP_NO_ENCRYPT) != SECQOP_WRAP_NO_ENCRYPT;

	(void)MessageSeqNo;
	s = established_ctx(ctx);
	if (s != SEC_E_OK)
		return s;
	if (fQOP != 0 && fQOP != SECQOP_WRAP_NO_ENCRYPT)
		return SEC_E_QOP_NOT_SUPPORTED;
	if (sg_secbuffer_check(pMessage) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	tok = sg_secbuffer_find(pMessage, SECBUFFER_TOKEN);
	if (tok == NULL || sg_secbuffer_find(pMessage, SECBUFFER_DATA) == NULL)
		return SEC_E_INVALID_TOKEN;
	if (tok->pvBuffer == NULL ||
	    tok->cbBuffer < (conf ? ctx->sizes.cbSecurityTrailer : ctx->sizes.cbMaxSignature))
		return SEC_E_BUFFER_TOO_SMALL;
	return iov_call(ctx, pMessage, 1, conf, NULL);
}

/* [STREAM, DATA]: Heimdal's gss_unwrap_iov has no STREAM support, so the
 * token is unwrapped whole and the plaintext copied back into the stream. */
static SECURITY_STATUS decrypt_stream(struct sg_ctx *ctx, PSecBufferDesc msg, PSecBuffer stream,
				      int *conf)
{
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	PSecBuffer data = sg_secbuffer_find(msg, SECBUFFER_DATA);
	SECURITY_STATUS s;
	OM_uint32 minor;
	size_t offset;

	if (data == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (stream->pvBuffer == NULL)
		return SEC_E_INVALID_TOKEN;
	/* Shorter than the smallest token this context makes: more must come. */
	if (stream->cbBuffer < ctx->sizes.cbMaxSignature)
		return SEC_E_INCOMPLETE_MESSAGE;
	in.value = stream->pvBuffer;
	in.length = stream->cbBuffer;
	s = ctx->pkg->ops->unwrap(ctx, &in, &out, conf);
	if (s != SEC_E_OK)
		return s;
	/* The plaintext is shorter than the token; it goes at the end of the
	 * stream buffer, where the data sits in a token without padding. */
	offset = stream->cbBuffer - out.length;
	memcpy((unsigned char *)stream->pvBuffer + offset, out.value, out.length);
	data->pvBuffer = (unsigned char *)stream->pvBuffer + offset;
	data->cbBuffer = (ULONG)out.length;
	gss_release_buffer(&minor, &out);
	return SEC_E_OK;
}

static SECURITY_STATUS decrypt_message(struct sg_ctx *ctx, PSecBufferDesc pMessage,
				       ULONG MessageSeqNo, ULONG *pfQOP)
{
	PSecBuffer stream;
	SECURITY_STATUS s;
	int conf = 0;

	(void)MessageSeqNo;
	s = established_ctx(ctx);
	if (s != SEC_E_OK)
		return s;
	if (sg_secbuffer_check(pMessage) != SEC_E_OK)
		return SEC_E_INVALID_PARAMETER;
	stream = sg_secbuffer_find(pMessage, SECBUFFER_STREAM);
	if (stream != NULL) {
		s = decrypt_stream(ctx, pMessage, stream, &conf);
	} else {
		PSecBuffer tok = sg_secbuffer_find(pMessage, SECBUFFER_TOKEN);

		if (tok == NULL || tok->pvBuffer == NULL || tok->cbBuffer == 0)
			return SEC_E_INVALID_TOKEN;
		s = iov_call(ctx, pMessage, 0, 0, &conf);
	}
	if (s == SEC_E_OK && pfQOP != NULL)
		*pfQOP = conf ? 0 : SECQOP_WRAP_NO_ENCRYPT;
	return s;
}

SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
					ULONG MessageSeqNo)
{
	struct sg_ctx *ctx = sg_ctx_get(phContext);
	SECURITY_STATUS s = make_signature(ctx, fQOP, pMessage, MessageSeqNo);

	if (SG_TRACING())
		trace_message("MakeSignature", ctx, fQOP, pMessage, s);
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage,
					  ULONG MessageSeqNo, ULONG *pfQOP)
{
	struct sg_ctx *ctx = sg_ctx_get(phContext);
	SECURITY_STATUS s = verify_signature(ctx, pMessage, MessageSeqNo, pfQOP);

	if (SG_TRACING())
		trace_message("VerifySignature", ctx, 0, pMessage, s);
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle phContext, ULONG fQOP, PSecBufferDesc pMessage,
					 ULONG MessageSeqNo)
{
	struct sg_ctx *ctx = sg_ctx_get(phContext);
	SECURITY_STATUS s = encrypt_message(ctx, fQOP, pMessage, MessageSeqNo);

	if (SG_TRACING())
		trace_message("EncryptMessage", ctx, fQOP, pMessage, s);
	sg_ctx_put(ctx);
	return s;
}

SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage,
					 ULONG MessageSeqNo, ULONG *pfQOP)
{
	struct sg_ctx *ctx = sg_ctx_get(phContext);
	SECURITY_STATUS s = decrypt_message(ctx, pMessage, MessageSeqNo, pfQOP);

	if (SG_TRACING())
		trace_message("DecryptMessage", ctx, pfQOP ? *pfQOP : 0, pMessage, s);
	sg_ctx_put(ctx);
	return s;
}
