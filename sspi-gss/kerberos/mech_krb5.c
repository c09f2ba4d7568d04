/*
 * mech_krb5.c - the Kerberos package, carried by Heimdal's GSS-API krb5
 * mechanism (1.2.840.113554.1.2.2).
 */
#include <gssapi/gssapi_krb5.h>
#include <errno.h>
#include <krb5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccache_mirror.h"
#include "keytab_mirror.h"
#include "hooks.h"
#include "kdc_proxy.h"
#include "krb5_fast.h"
#include "krb5_u2u.h"
#include "mech.h"
#include "pac.h"
#include "password_logon.h"
#include "names.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

static gss_OID_set_desc krb5_set = {1, NULL};

/* A Kerberos context's own state (ctx->mech): the initiator's target,
 * imported on the first leg, and the OpenSSL fast path for messages
 * (krb5_fast.c), set up at the first message of an established context. */
struct krb5_state {
	gss_name_t target;
	struct sg_kfast *fast;
	int fast_tried; /* read without the lock once set (atomic) */
};

/* Created by the handshake (initiator) or at the first message under the
 * context's lock (acceptor); published atomically, since fast_of reads it
 * without the lock while another thread may be creating it. */
static struct krb5_state *state_of(struct sg_ctx *ctx)
{
	if (ctx->mech == NULL)
		__atomic_store_n(&ctx->mech, calloc(1, sizeof(struct krb5_state)),
				 __ATOMIC_RELEASE);
	return ctx->mech;
}

/* An outbound credential's own state (cred->mech): default tickets kept
 * from a FILE cache (ccache_mirror.h), or a password logon made at the
 * first context (password_logon.h); neither for a delegated credential.
 * Inbound credentials keep the keytab's mirror there (keytab_mirror.h),
 * or without keys krb5_u2u.h's state. */
struct krb5_out {
	struct sg_ccache_mirror *mirror;
	struct sg_krb5_logon *logon;
};

/* What cred->mech holds, by the credential's use: an outbound (or BOTH)
 * credential's krb5_out, an inbound one's keytab mirror (u2u state is
 * krb5_u2u.c's to tell, and is checked before these are asked). */
static struct krb5_out *out_of(const struct sg_cred *cred)
{
	return cred != NULL && cred->use != SECPKG_CRED_INBOUND ? cred->mech : NULL;
}

static struct sg_keytab_mirror *keytab_mirror_of(const struct sg_cred *cred)
{
	return cred != NULL && cred->use == SECPKG_CRED_INBOUND ? cred->mech : NULL;
}

static gss_OID_set krb5_mechs(void)
{
	krb5_set.elements = GSS_KRB5_MECHANISM;
	return &krb5_set;
}

/*
 * Heimdal's initiator puts GSS_C_CONF_FLAG and GSS_C_INTEG_FLAG into every
 * authenticator, asked for or not, unless the credential says otherwise.
 * Windows sets them only when the application asks (ISC_REQ_CONFIDENTIALITY,
 * ISC_REQ_INTEGRITY; MS-KILE 3.2.5.2), and servers act on them: an LDAP
 * server of Active Directory treats a connection whose client claimed
 * confidentiality as sealed, and refuses a bind that claimed neither when
 * it requires signing. So our credentials carry the request's flags only.
 */
static void flags_as_asked(gss_cred_id_t gss)
{
	OM_uint32 minor;
	gss_buffer_desc empty = GSS_C_EMPTY_BUFFER;

	if (GSS_ERROR(gss_set_cred_option(&minor, &gss, GSS_KRB5_CRED_NO_CI_FLAGS_X, &empty)))
		sg_trace_note("Kerberos: the credential would claim integrity and "
			      "confidentiality whatever is asked (gss_set_cred_option failed)");
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

	/* Default outbound credentials on a thread that impersonates a client
	 * who delegated: the client's own tickets, as Windows gives them
	 * (the double hop). The context that holds them stays alive with
	 * this credential. */
	if (principal == NULL && (id == NULL || id->password == NULL) && usage == GSS_C_INITIATE) {
		struct sg_object *owner;
		gss_cred_id_t delegated = sg_thread_delegated(&owner);

		if (delegated != GSS_C_NO_CREDENTIAL) {
			major = gss_inquire_cred(&minor, delegated, NULL, &lifetime, NULL, NULL);
			if (GSS_ERROR(major)) {
				sg_object_unref(owner);
				return sg_status_from_gss(major, minor);
			}
			cred->gss = delegated;
			cred->owner = owner;
			cred->expiry = sg_timestamp_in(lifetime);
			flags_as_asked(cred->gss);
			return SEC_E_OK;
		}
	}

	if (principal != NULL) {
		status = sg_name_import(principal, &name);
		if (status != SEC_E_OK)
			return status == SEC_E_TARGET_UNKNOWN ? SEC_E_UNKNOWN_CREDENTIALS : status;
	}

	if (id != NULL && id->password != NULL && usage == GSS_C_INITIATE) {
		/* Windows asks no KDC here: the AS exchange is the first
		 * InitializeSecurityContext's (password_logon.h), so a KDC proxy
		 * set on the credential carries it and a refused password is
		 * reported there. */
		struct krb5_out *out = calloc(1, sizeof(*out));
		OM_uint32 ignored;

		gss_release_name(&ignored, &name);
		if (out == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		status = sg_krb5_logon_new(principal, id->password, &out->logon);
		if (status != SEC_E_OK) {
			free(out);
			return status;
		}
		cred->mech = out;
		/* No TGT yet, so no end to report; Windows reports none either
		 * for a credential it has not used. */
		cred->expiry = sg_timestamp_never();
		return SEC_E_OK;
	}
	if (id != NULL && id->password != NULL) {
		gss_buffer_desc pw = {strlen(id->password), id->password};
		struct sg_kdc_proxy_scope proxy;

		if (name == GSS_C_NO_NAME)
			return SEC_E_UNKNOWN_CREDENTIALS;
		/* Inbound too (SECPKG_CRED_BOTH): Heimdal's credential must exist
		 * now. It keeps the tickets in a new private MEMORY ccache,
		 * destroyed with the credential: nothing touches the user's
		 * ticket cache or the disk. The AS exchange goes through the
		 * process's KDC proxy, if one is set. */
		sg_kdc_proxy_enter(&proxy, NULL);
		major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE,
						       krb5_mechs(), usage, &cred->gss, NULL,
						       &lifetime);
		if (GSS_ERROR(major)) {
			OM_uint32 ignored;

			status = sg_status_from_gss(major, minor);
			sg_kdc_proxy_leave(&proxy, status);
			gss_release_name(&ignored, &name);
			return status;
		}
		sg_kdc_proxy_leave(&proxy, SEC_E_OK);
	} else {
		major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, krb5_mechs(), usage,
					 &cred->gss, NULL, &lifetime);
	}
	{
		OM_uint32 ignored;

		gss_release_name(&ignored, &name);
	}
	/* No keys, but a TGT: Kerberos user-to-user (krb5_u2u.h). */
	if (GSS_ERROR(major) && usage == GSS_C_ACCEPT && (id == NULL || id->password == NULL))
		return sg_u2u_acquire(cred, principal, sg_status_from_gss(major, minor));
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	/* Default tickets from a FILE cache: kept in memory from now on
	 * (ccache_mirror.c); otherwise cred->mech stays NULL. */
	if (usage == GSS_C_INITIATE && (id == NULL || id->password == NULL)) {
		struct krb5_out *out = calloc(1, sizeof(*out));

		if (out == NULL) {
			gss_release_cred(&minor, &cred->gss);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		sg_ccache_mirror_new(principal, &cred->gss, &out->mirror);
		cred->mech = out;
	}
	/* A default acceptor's keys from a FILE keytab: kept in memory from
	 * now on (keytab_mirror.c). */
	if (usage == GSS_C_ACCEPT && cred->use == SECPKG_CRED_INBOUND) {
		struct sg_keytab_mirror *mirror;

		sg_keytab_mirror_new(principal, &cred->gss, &mirror);
		cred->mech = mirror;
	}
	if (usage != GSS_C_ACCEPT)
		flags_as_asked(cred->gss);
	/* An acceptor's keys do not expire: Windows reports "never" for them. */
	cred->expiry = usage == GSS_C_ACCEPT ? sg_timestamp_never() : sg_timestamp_in(lifetime);
	return SEC_E_OK;
}

static void krb5_release_cred(struct sg_cred *cred)
{
	OM_uint32 minor;

	sg_kdc_proxy_slot_set(&cred->kdc_proxy, NULL);
	if (cred->owner != NULL) {
		/* The delegated credential is its context's. */
		cred->gss = GSS_C_NO_CREDENTIAL;
		sg_object_unref(cred->owner);
		cred->owner = NULL;
		return;
	}
	if (sg_u2u_cred_is(cred)) {
		sg_u2u_release(cred);
	} else {
		/* The mirror of an acceptor's keytab; an initiator's ticket
		 * cache mirror or password logon. */
		struct krb5_out *out = out_of(cred);

		gss_release_cred(&minor, &cred->gss);
		sg_keytab_mirror_free(keytab_mirror_of(cred));
		if (out != NULL) {
			sg_ccache_mirror_free(out->mirror);
			sg_krb5_logon_free(out->logon);
			free(out);
		}
	}
	cred->mech = NULL;
}

/*
 * Without mutual authentication there is no AP-REP, and the acceptor
 * numbers its messages from the initiator's own first number: Windows'
 * acceptor does, MIT's (seq_recv = seq_send) and Heimdal's own
 * (gsskrb5_acceptor_ready) too. Heimdal 7.8's initiator expects 0, so with
 * sequence detection the acceptor's first message is a gap, refused before
 * it is decrypted (the fast path sets its own window right: krb5_fast.c).
 * Heimdal keeps that window private, with no call to set it; it travels at
 * the end of the context's export token (sequence.c: flags, start,
 * length, jitter window, first number, then the window's 20 numbers), so
 * a context that has received nothing is exported, its expected first
 * number set to ours, and imported again. The tail is checked to be
 * exactly that of an untouched window expecting 0 before a byte changes;
 * anything else is imported as it was.
 */
#define ORDER_WINDOW 20
#define ORDER_TAIL (4 * (5 + ORDER_WINDOW))

static uint32_t tail_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void tail_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int window_expecting_zero(const uint8_t *t)
{
	uint32_t flags = tail_be32(t);

	if ((flags & ~(uint32_t)(GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG)) != 0 || flags == 0 ||
	    tail_be32(t + 8) != 0 || tail_be32(t + 12) != ORDER_WINDOW || tail_be32(t + 16) != 0 ||
	    tail_be32(t + 20) != UINT32_MAX)
		return 0;
	for (int i = 1; i < ORDER_WINDOW; i++)
		if (tail_be32(t + 20 + 4 * i) != 0)
			return 0;
	return 1;
}

static void acceptor_numbers_from_ours(struct sg_ctx *ctx)
{
	gss_krb5_lucid_context_v1_t *lucid = NULL;
	gss_ctx_id_t handle = ctx->gss;
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER, as_was = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor, first;
	uint8_t *tail;

	if (GSS_ERROR(gss_krb5_export_lucid_sec_context(&minor, &handle, 1, (void **)&lucid)) ||
	    lucid == NULL)
		return;
	first = (OM_uint32)lucid->send_seq;
	gss_krb5_free_lucid_sec_context(&minor, lucid);
	if (first == 0 || GSS_ERROR(gss_export_sec_context(&minor, &ctx->gss, &token)))
		return;
	as_was.value = malloc(token.length);
	if (as_was.value != NULL) {
		memcpy(as_was.value, token.value, token.length);
		as_was.length = token.length;
	}
	if (token.length > ORDER_TAIL && as_was.value != NULL) {
		tail = (uint8_t *)token.value + token.length - ORDER_TAIL;
		if (window_expecting_zero(tail)) {
			tail_put_be32(tail + 16, first);
			tail_put_be32(tail + 20, first - 1);
		} else {
			sg_trace_note("Kerberos: the acceptor's first numbers cannot be set in "
				      "Heimdal's context (its export token is not as expected)");
		}
	}
	if (GSS_ERROR(gss_import_sec_context(&minor, &token, &ctx->gss)) &&
	    (as_was.value == NULL ||
	     GSS_ERROR(gss_import_sec_context(&minor, &as_was, &ctx->gss))))
		ctx->gss = GSS_C_NO_CONTEXT; /* lost: later calls fail, nothing crashes */
	/* Both tokens hold the session key. */
	sg_wipe(token.value, token.length);
	gss_release_buffer(&minor, &token);
	sg_wipe(as_was.value, as_was.length);
	free(as_was.value);
}

static SECURITY_STATUS krb5_init(struct sg_ctx *ctx, struct sg_cred *cred, const char *target,
				 OM_uint32 req_flags, gss_buffer_t in, gss_channel_bindings_t cb,
				 gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	OM_uint32 major, minor;
	/* The target, imported on the first leg and kept for the later ones
	 * (context.c passes the first call's target on every leg). */
	struct krb5_state *st = state_of(ctx);
	struct krb5_out *own;
	struct sg_ccache_mirror *mirror;
	gss_cred_id_t gss = cred != NULL ? cred->gss : GSS_C_NO_CREDENTIAL;
	gss_name_t name;
	SECURITY_STATUS status;
	struct sg_kdc_proxy_scope proxy;

	if (st == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (st->target == GSS_C_NO_NAME) {
		status = sg_name_import(target, &st->target);
		if (status != SEC_E_OK)
			return status;
	}
	name = st->target;
	/* An input on the first call (a server's hints, for Negotiate) is
	 * nothing Kerberos reads. */
	if (sg_u2u_cred_is(cred))
		return SEC_E_NO_CREDENTIALS; /* an acceptor's TGT, not for initiating */
	own = out_of(cred);
	mirror = own != NULL ? own->mirror : NULL;
	/* A password credential logs on (or renews its TGT) at a context's
	 * first leg; later legs pass the same credential (Heimdal retries an
	 * AP-REQ with it after a skew error). */
	if (own != NULL && own->logon != NULL) {
		if (ctx->gss == GSS_C_NO_CONTEXT) {
			status = sg_krb5_logon_ready(own->logon, &cred->kdc_proxy, &gss);
			if (status != SEC_E_OK)
				return status;
		} else {
			gss = sg_krb5_logon_cred(own->logon);
		}
	}
	if (mirror != NULL) {
		status = sg_ccache_mirror_enter(mirror, ctx->gss == GSS_C_NO_CONTEXT);
		if (status != SEC_E_OK)
			return status;
	}
	/* A service ticket Heimdal asks for goes through the credential's
	 * KDC proxy (SetCredentialsAttributes), else the process's. */
	sg_kdc_proxy_enter(&proxy, cred != NULL ? &cred->kdc_proxy : NULL);
	major = gss_init_sec_context(&minor, gss, &ctx->gss,
				     name, GSS_KRB5_MECHANISM, req_flags, GSS_C_INDEFINITE, cb,
				     ctx->gss == GSS_C_NO_CONTEXT ? GSS_C_NO_BUFFER : in, NULL, out,
				     gss_flags, lifetime);
	if (mirror != NULL)
		sg_ccache_mirror_leave(mirror);
	if (major == GSS_S_COMPLETE && !(*gss_flags & GSS_C_MUTUAL_FLAG) &&
	    (*gss_flags & (GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG)))
		acceptor_numbers_from_ours(ctx);
	status = sg_status_from_gss(major, minor);
	sg_kdc_proxy_leave(&proxy, status);
	return status;
}

/* SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS: kept for the credential's contexts. */
static SECURITY_STATUS krb5_set_kdc_proxy(struct sg_cred *cred, struct sg_kdc_proxy *kp)
{
	sg_kdc_proxy_slot_set(&cred->kdc_proxy, kp);
	return SEC_E_OK;
}

static SECURITY_STATUS krb5_accept(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				   gss_channel_bindings_t cb, gss_buffer_t out,
				   OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	OM_uint32 major, minor;
	gss_cred_id_t delegated = GSS_C_NO_CREDENTIAL;
	struct sg_keytab_mirror *mirror;

	if (sg_u2u_cred_is(cred))
		return sg_u2u_accept(cred, in, cb, out, &ctx->gss, gss_flags, lifetime);
	mirror = keytab_mirror_of(cred);
	if (mirror != NULL)
		sg_keytab_mirror_enter(mirror, ctx->gss == GSS_C_NO_CONTEXT);
	major = gss_accept_sec_context(&minor, &ctx->gss, cred ? cred->gss : GSS_C_NO_CREDENTIAL,
				       in, cb, NULL, NULL, out, gss_flags, lifetime, &delegated);
	if (mirror != NULL)
		sg_keytab_mirror_leave(mirror);
	if (delegated != GSS_C_NO_CREDENTIAL) {
		OM_uint32 ignored;

		/* Kept for impersonation (AcquireCredentialsHandle as the client). */
		gss_release_cred(&ignored, &ctx->delegated);
		ctx->delegated = delegated;
	}
	if (major == GSS_S_COMPLETE) {
		/* A ticket from an Active Directory KDC carries the client's
		 * logon information; checked before the context counts as
		 * established, so a forged PAC refuses the client. */
		SECURITY_STATUS s = sg_pac_check(ctx->gss, &ctx->logon);

		if (s != SEC_E_OK)
			return s;
	}
	return sg_status_from_gss(major, minor);
}

/* The client's local account by Heimdal's krb5_aname_to_localname, so the
 * auth_to_local rules of krb5.conf apply; without them only a principal of
 * the default realm with one component is that user, and a principal of
 * any other realm maps to nobody (its same-named local account is not that
 * user). accounts.c keeps root and system accounts out of reach of it. */
static SECURITY_STATUS krb5_localname(struct sg_ctx *ctx, char **local)
{
	OM_uint32 major, minor, ignored;
	gss_name_t client = GSS_C_NO_NAME;
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	SECURITY_STATUS s = SEC_E_OK;

	major = gss_inquire_context(&minor, ctx->gss, &client, NULL, NULL, NULL, NULL, NULL, NULL);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	major = gss_localname(&minor, client, GSS_KRB5_MECHANISM, &buf);
	gss_release_name(&ignored, &client);
	if (GSS_ERROR(major)) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "Kerberos: the client's principal maps to no local account "
				  "(only the default realm's users do; krb5.conf auth_to_local, "
				  "or SSPI_GSS_ACCOUNT_MAP)");
		return SEC_E_NO_IMPERSONATION;
	}
	*local = strndup(buf.value, buf.length);
	if (*local == NULL)
		s = SEC_E_INSUFFICIENT_MEMORY;
	gss_release_buffer(&ignored, &buf);
	return s;
}

static void krb5_release_ctx(struct sg_ctx *ctx)
{
	OM_uint32 minor;
	struct krb5_state *st = ctx->mech;

	if (ctx->gss != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &ctx->gss, GSS_C_NO_BUFFER);
	if (st != NULL) {
		gss_release_name(&minor, &st->target);
		sg_kfast_free(st->fast);
		free(st);
	}
	ctx->mech = NULL;
}

/*
 * DCE style (ISC_REQ_USE_DCE_STYLE) tokens carry their padding as RFC 4121
 * "extra count" inside the header, and Heimdal refuses a PADDING iov buffer
 * for them. The caller's PADDING buffer then simply stays empty.
 * ISC_RET_USED_DCE_STYLE and ASC_RET_USED_DCE_STYLE are the same bit.
 */
static int dce_style(const struct sg_ctx *ctx)
{
	return (ctx->attrs & ISC_RET_USED_DCE_STYLE) != 0;
}

/* SSPI_GSS_KRB5_FASTPATH=0 keeps every message on Heimdal (comparison,
 * docs/performance.md); read once. */
static int fast_path_wanted(void)
{
	static int wanted = -1;
	int w = __atomic_load_n(&wanted, __ATOMIC_RELAXED);

	if (w < 0) {
		const char *v = secure_getenv("SSPI_GSS_KRB5_FASTPATH");

		w = !(v != NULL && strcmp(v, "0") == 0);
		__atomic_store_n(&wanted, w, __ATOMIC_RELAXED);
	}
	return w;
}

/* The context's fast path, set up at its first message (under the
 * context's lock, once); NULL: Heimdal does this context's messages. */
static struct sg_kfast *fast_of(struct sg_ctx *ctx)
{
	struct krb5_state *st = __atomic_load_n(&ctx->mech, __ATOMIC_ACQUIRE);

	if (st != NULL && __atomic_load_n(&st->fast_tried, __ATOMIC_ACQUIRE))
		return st->fast;
	pthread_mutex_lock(&ctx->lock);
	st = state_of(ctx);
	if (st != NULL && !st->fast_tried) {
		OM_uint32 minor, flags = 0;

		if (fast_path_wanted() && ctx->gss != GSS_C_NO_CONTEXT &&
		    gss_inquire_context(&minor, ctx->gss, NULL, NULL, NULL, NULL, &flags, NULL,
					NULL) == GSS_S_COMPLETE &&
		    sg_kfast_new(ctx->gss, flags, dce_style(ctx), &st->fast) != 0)
			st->fast = NULL;
		__atomic_store_n(&st->fast_tried, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&ctx->lock);
	return st != NULL ? st->fast : NULL;
}

/* DCE contexts' iov without PADDING entries, which are reported empty
 * (the fast path ignores PADDING itself). */
/* Runs gss_wrap_iov / gss_unwrap_iov over the iov without its PADDING
 * entries (DCE contexts only), and reports those as empty. */
static OM_uint32 iov_without_padding(OM_uint32 *minor, struct sg_ctx *ctx, int wrap, int conf_req,
				     int *conf, gss_iov_buffer_desc *iov, int count)
{
	gss_iov_buffer_desc stack[16], *sub = stack;
	int map[16], *idx = map, n = 0;
	OM_uint32 major;

	if (count > 16) {
		sub = malloc(sizeof(*sub) * (size_t)count);
		idx = malloc(sizeof(*idx) * (size_t)count);
		if (sub == NULL || idx == NULL) {
			free(sub == stack ? NULL : sub);
			free(idx == map ? NULL : idx);
			*minor = ENOMEM;
			return GSS_S_FAILURE;
		}
	}
	for (int i = 0; i < count; i++) {
		if (GSS_IOV_BUFFER_TYPE(iov[i].type) == GSS_IOV_BUFFER_TYPE_PADDING) {
			iov[i].buffer.length = 0;
			continue;
		}
		idx[n] = i;
		sub[n++] = iov[i];
	}
	if (wrap)
		major = gss_wrap_iov(minor, ctx->gss, conf_req, GSS_C_QOP_DEFAULT, conf, sub, n);
	else
		major = gss_unwrap_iov(minor, ctx->gss, conf, NULL, sub, n);
	for (int i = 0; i < n; i++)
		iov[idx[i]] = sub[i];
	if (sub != stack) {
		free(sub);
		free(idx);
	}
	return major;
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

	*header = *padding = 0;
	/* DCE tokens have no PADDING buffer (see dce_style). */
	major = gss_wrap_iov_length(&minor, ctx->gss, conf, GSS_C_QOP_DEFAULT, NULL, iov,
				    dce_style(ctx) ? 2 : 3);
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
	struct sg_kfast *fast = fast_of(ctx);

	if (fast != NULL) {
		major = sg_kfast_wrap_iov(fast, &minor, conf, iov, count);
		return sg_status_from_gss_message(major, minor);
	}
	pthread_mutex_lock(&ctx->lock);
	if (dce_style(ctx))
		major = iov_without_padding(&minor, ctx, 1, conf, NULL, iov, count);
	else
		major = gss_wrap_iov(&minor, ctx->gss, conf, GSS_C_QOP_DEFAULT, NULL, iov, count);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss_message(major, minor);
}

static SECURITY_STATUS krb5_unwrap_iov(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				       int *conf)
{
	OM_uint32 major, minor;
	struct sg_kfast *fast = fast_of(ctx);

	if (fast != NULL) {
		major = sg_kfast_unwrap_iov(fast, &minor, conf, iov, count);
		return sg_status_from_gss_message(major, minor);
	}
	pthread_mutex_lock(&ctx->lock);
	if (dce_style(ctx))
		major = iov_without_padding(&minor, ctx, 0, 0, conf, iov, count);
	else
		major = gss_unwrap_iov(&minor, ctx->gss, conf, NULL, iov, count);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss_message(major, minor);
}

static SECURITY_STATUS krb5_unwrap(struct sg_ctx *ctx, gss_buffer_t in, gss_buffer_t out,
				   int *conf)
{
	OM_uint32 major, minor;
	struct sg_kfast *fast = fast_of(ctx);

	if (fast != NULL) {
		major = sg_kfast_unwrap(fast, &minor, in, out, conf);
		return sg_status_from_gss_message(major, minor);
	}
	pthread_mutex_lock(&ctx->lock);
	major = gss_unwrap(&minor, ctx->gss, in, out, conf, NULL);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss_message(major, minor);
}

static SECURITY_STATUS krb5_get_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	OM_uint32 major, minor;
	struct sg_kfast *fast = fast_of(ctx);

	if (fast != NULL) {
		major = sg_kfast_get_mic(fast, &minor, msg, mic);
		return sg_status_from_gss_message(major, minor);
	}
	pthread_mutex_lock(&ctx->lock);
	major = gss_get_mic(&minor, ctx->gss, GSS_C_QOP_DEFAULT, msg, mic);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss_message(major, minor);
}

static SECURITY_STATUS krb5_verify_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	OM_uint32 major, minor;
	struct sg_kfast *fast = fast_of(ctx);

	if (fast != NULL) {
		major = sg_kfast_verify_mic(fast, &minor, msg, mic);
		return sg_status_from_gss_message(major, minor);
	}
	pthread_mutex_lock(&ctx->lock);
	major = gss_verify_mic(&minor, ctx->gss, msg, mic, NULL);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss_message(major, minor);
}

static SECURITY_STATUS krb5_names(struct sg_ctx *ctx, char **client, char **server)
{
	OM_uint32 major, minor;
	gss_name_t src = GSS_C_NO_NAME, targ = GSS_C_NO_NAME;

	*client = *server = NULL;
	major = gss_inquire_context(&minor, ctx->gss, &src, &targ, NULL, NULL, NULL, NULL, NULL);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	/* The client in the principal's escaped syntax: the name servers
	 * compare (SSPI_GSS_ACCOUNT_MAP) must tell principals apart. */
	if (src != GSS_C_NO_NAME)
		*client = sg_name_principal(src);
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
	struct krb5_out *out = out_of(cred);

	*name = NULL;
	if (sg_u2u_cred_is(cred))
		return sg_u2u_cred_name(cred, name);
	if (out != NULL && out->logon != NULL)
		return sg_krb5_logon_name(out->logon, name);
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

/*
 * Key and algorithm names need a krb5_context. One is made on first use and
 * shared; Heimdal's context is not safe for concurrent use, so calls that
 * take it hold krb5_lock. None of this is on the message path.
 */
static pthread_once_t krb5_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t krb5_lock = PTHREAD_MUTEX_INITIALIZER;
static krb5_context krb5_shared;

static void krb5_shared_init(void)
{
	if (krb5_init_context(&krb5_shared) != 0)
		krb5_shared = NULL;
}

/* Heimdal exports no checksum-type-to-name call; these are RFC 3961/4757/
 * 8009 names of the checksums that per-message tokens use. */
static char *cksum_name(krb5_cksumtype type)
{
	static const struct {
		krb5_cksumtype type;
		const char *name;
	} names[] = {
		{CKSUMTYPE_HMAC_SHA1_96_AES_128, "hmac-sha1-96-aes128"},
		{CKSUMTYPE_HMAC_SHA1_96_AES_256, "hmac-sha1-96-aes256"},
		{CKSUMTYPE_HMAC_SHA1_DES3, "hmac-sha1-des3-kd"},
		{CKSUMTYPE_HMAC_MD5, "hmac-md5"},
		{19, "hmac-sha256-128-aes128"},
		{20, "hmac-sha384-192-aes256"},
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return strdup(names[i].name);
	snprintf(buf, sizeof(buf), "checksum-%d", (int)type);
	return strdup(buf);
}

static SECURITY_STATUS describe_key(const krb5_keyblock *key, struct sg_key_info *info)
{
	krb5_crypto crypto = NULL;
	krb5_cksumtype cksum = 0;
	size_t bits = 0;
	char *enc = NULL, *sig = NULL;
	SECURITY_STATUS s = SEC_E_INTERNAL_ERROR;

	pthread_once(&krb5_once, krb5_shared_init);
	if (krb5_shared == NULL)
		return SEC_E_INTERNAL_ERROR;
	pthread_mutex_lock(&krb5_lock);
	if (krb5_crypto_init(krb5_shared, key, 0, &crypto) == 0 &&
	    krb5_crypto_get_checksum_type(krb5_shared, crypto, &cksum) == 0 &&
	    krb5_enctype_keybits(krb5_shared, key->keytype, &bits) == 0 &&
	    krb5_enctype_to_string(krb5_shared, key->keytype, &enc) == 0 &&
	    (sig = cksum_name(cksum)) != NULL)
		s = SEC_E_OK;
	if (crypto != NULL)
		krb5_crypto_destroy(krb5_shared, crypto);
	pthread_mutex_unlock(&krb5_lock);
	if (s != SEC_E_OK) {
		free(enc);
		free(sig);
		return s;
	}
	info->key_bits = (ULONG)bits;
	info->encrypt_alg = (ULONG)key->keytype;
	info->signature_alg = (ULONG)cksum;
	info->encrypt_name = enc;
	info->signature_name = sig;
	return SEC_E_OK;
}

/* The key SSPI callers get as the session key is the one protecting the
 * per-message tokens: the acceptor subkey when there is one, else the
 * initiator subkey, else the ticket's key (what Windows gives for SMB
 * signing and what gsskrb5_get_subkey returns). */
static SECURITY_STATUS krb5_key_info(struct sg_ctx *ctx, struct sg_key_info *info)
{
	OM_uint32 major, minor;
	krb5_keyblock *key = NULL;
	SECURITY_STATUS s;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&ctx->lock);
	major = gsskrb5_get_subkey(&minor, ctx->gss, &key);
	pthread_mutex_unlock(&ctx->lock);
	if (GSS_ERROR(major))
		return sg_status_from_gss(major, minor);
	s = describe_key(key, info);
	if (s == SEC_E_OK) {
		info->key_len = key->keyvalue.length;
		info->key = malloc(info->key_len ? info->key_len : 1);
		if (info->key == NULL)
			s = SEC_E_INSUFFICIENT_MEMORY;
		else
			memcpy(info->key, key->keyvalue.data, info->key_len);
	}
	sg_wipe(key->keyvalue.data, key->keyvalue.length);
	krb5_free_keyblock(krb5_shared, key);
	if (s != SEC_E_OK)
		sg_key_info_clear(info);
	return s;
}

/* The realm of the service principal: the realm whose KDC issued the ticket. */
static SECURITY_STATUS krb5_authority(struct sg_ctx *ctx, char **name)
{
	char *client = NULL, *server = NULL, *at;
	SECURITY_STATUS s;

	*name = NULL;
	s = krb5_names(ctx, &client, &server);
	free(client);
	if (s != SEC_E_OK)
		return s;
	at = server ? strrchr(server, '@') : NULL;
	if (at == NULL) {
		free(server);
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	*name = strdup(at + 1);
	free(server);
	return *name ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

static SECURITY_STATUS krb5_start_time(struct sg_ctx *ctx, long long *t)
{
	OM_uint32 major, minor;
	time_t authtime = 0;

	major = gsskrb5_extract_authtime_from_sec_context(&minor, ctx->gss, &authtime);
	if (GSS_ERROR(major) || authtime == 0)
		return SEC_E_UNSUPPORTED_FUNCTION;
	*t = (long long)authtime;
	return SEC_E_OK;
}

/* A context on the fast path exports Heimdal's state (whose sequence
 * numbers stopped when the fast path took over) behind this magic, then
 * the fast path's own (numbers and replay window). */
static const unsigned char fast_magic[8] = {'S', 'G', 'K', 'F', 'A', 'S', 'T', '1'};

static SECURITY_STATUS krb5_export_ctx(struct sg_ctx *ctx, gss_buffer_t token)
{
	OM_uint32 major, minor;
	struct sg_kfast *fast = fast_of(ctx);
	gss_buffer_desc heimdal = GSS_C_EMPTY_BUFFER;
	uint8_t state[SG_KFAST_STATE_MAX];
	size_t state_len = 0;
	unsigned char *p;

	pthread_mutex_lock(&ctx->lock);
	if (fast != NULL)
		state_len = sg_kfast_save(fast, state);
	major = gss_export_sec_context(&minor, &ctx->gss, fast != NULL ? &heimdal : token);
	pthread_mutex_unlock(&ctx->lock);
	if (GSS_ERROR(major) || fast == NULL)
		return sg_status_from_gss(major, minor);
	token->length = sizeof(fast_magic) + 4 + heimdal.length + state_len;
	token->value = p = malloc(token->length);
	if (p == NULL) {
		gss_release_buffer(&minor, &heimdal);
		token->length = 0;
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	memcpy(p, fast_magic, sizeof(fast_magic));
	p += sizeof(fast_magic);
	p[0] = (unsigned char)(heimdal.length >> 24);
	p[1] = (unsigned char)(heimdal.length >> 16);
	p[2] = (unsigned char)(heimdal.length >> 8);
	p[3] = (unsigned char)heimdal.length;
	memcpy(p + 4, heimdal.value, heimdal.length);
	memcpy(p + 4 + heimdal.length, state, state_len);
	sg_wipe(heimdal.value, heimdal.length);
	gss_release_buffer(&minor, &heimdal);
	return SEC_E_OK;
}

static SECURITY_STATUS krb5_import_ctx(struct sg_ctx *ctx, gss_buffer_t token)
{
	OM_uint32 major, minor, flags = 0;
	gss_buffer_desc heimdal = *token;
	const unsigned char *state = NULL;
	size_t state_len = 0;
	struct krb5_state *st = state_of(ctx);

	if (st == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (token->length >= sizeof(fast_magic) + 4 &&
	    memcmp(token->value, fast_magic, sizeof(fast_magic)) == 0) {
		const unsigned char *p = (const unsigned char *)token->value + sizeof(fast_magic);
		size_t n = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];

		if (n > token->length - sizeof(fast_magic) - 4)
			return SEC_E_INVALID_TOKEN;
		heimdal.value = (void *)(p + 4);
		heimdal.length = n;
		state = p + 4 + n;
		state_len = token->length - sizeof(fast_magic) - 4 - n;
	}
	pthread_mutex_lock(&ctx->lock);
	major = gss_import_sec_context(&minor, &heimdal, &ctx->gss);
	sg_kfast_free(st->fast);
	st->fast = NULL;
	if (!GSS_ERROR(major) && state != NULL) {
		/* The fast path again, from Heimdal's keys and our numbers. */
		if (gss_inquire_context(&minor, ctx->gss, NULL, NULL, NULL, NULL, &flags, NULL,
					NULL) != GSS_S_COMPLETE ||
		    sg_kfast_new(ctx->gss, flags, dce_style(ctx), &st->fast) != 0 ||
		    st->fast == NULL || sg_kfast_restore(st->fast, state, state_len) != 0) {
			sg_kfast_free(st->fast);
			st->fast = NULL;
			gss_delete_sec_context(&minor, &ctx->gss, GSS_C_NO_BUFFER);
			pthread_mutex_unlock(&ctx->lock);
			return SEC_E_INVALID_TOKEN;
		}
	}
	/* A context exported from Heimdal's path may take the fast path at
	 * its next message: Heimdal's numbers are current. */
	__atomic_store_n(&st->fast_tried, state != NULL || GSS_ERROR(major) ? 1 : 0,
			 __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctx->lock);
	return sg_status_from_gss(major, minor);
}

const struct sg_mech_ops sg_mech_krb5_ops = {
	.acquire = krb5_acquire,
	.release_cred = krb5_release_cred,
	.localname = krb5_localname,
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
	.key_info = krb5_key_info,
	.authority = krb5_authority,
	.start_time = krb5_start_time,
	.export_ctx = krb5_export_ctx,
	.import_ctx = krb5_import_ctx,
	.set_kdc_proxy = krb5_set_kdc_proxy,
};
