/*
 * mech_negotiate.c - the Negotiate package: SPNEGO (RFC 4178, MS-SPNG) over
 * our Kerberos and NTLM packages, reached through their sg_mech_ops like
 * any caller would, with the tokens of negotiate/spnego.c.
 *
 * Credentials: a Negotiate credential holds a Kerberos and an NTLM
 * credential, each acquired with the same principal and identity; either
 * may be missing, and SEC_WINNT_AUTH_IDENTITY_EX's PackageList ("Kerberos",
 * "NTLM", "!NTLM", comma-separated) restricts them.
 *
 * Initiator: Kerberos first, NTLM second, with an optimistic first token of
 * the first mechanism (only those a server's NegTokenInit2 hints list,
 * when the first call is given them). Kerberos is passed over, as Windows
 * does, when the target's host is an IP address or there is no target, or
 * when its credential or first step fails for want of credentials, an
 * unknown target or an unreachable KDC, each time with a trace note; a
 * wrong password or clock skew is reported, not hidden behind NTLM.
 *
 * Acceptor: the first mechanism of the client's list that this credential
 * can accept; its optimistic token is used when it is the client's first
 * mechanism. A raw Kerberos AP-REQ or NTLM NEGOTIATE (clients that skip
 * SPNEGO) is accepted as that package, and the answers are raw too.
 *
 * mechListMIC (RFC 4178 5, MS-SPNG 3.1.5.1): exchanged both ways when the
 * mechanism is NTLM (as Windows always does), when it is not the client's
 * first choice (the acceptor then answers request-mic), or when the peer
 * sends one, as long as the mechanism's context gives integrity (see
 * need_mic; the rule table is in docs/negotiate.md); a MIC that does not verify is
 * SEC_E_MESSAGE_ALTERED, a missing one SEC_E_INVALID_TOKEN, so a list
 * altered on the way (a downgrade) fails. With NTLM the RC4 state of each
 * direction starts again after the MIC, as MS-SPNG has Windows do, so the
 * first sealed message uses the key stream the MIC used.
 *
 * Once established, every message call and attribute goes to the chosen
 * package's context.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "kdc_proxy.h"
#include "krb5_u2u.h"
#include "mech.h"
#include "spnego.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

enum nego_mech { MECH_KRB5, MECH_NTLM, MECH_COUNT };

static const char *const mech_package[MECH_COUNT] = {"Kerberos", "NTLM"};

struct nego_cred {
	struct sg_cred *sub[MECH_COUNT]; /* NULL: not available */
};

enum nego_kind {
	KIND_SPNEGO,
	KIND_RAW, /* the peer skipped SPNEGO: the sub-context's tokens go as they are */
};

struct nego_state {
	enum nego_kind kind;
	enum nego_mech chosen;
	struct sg_ctx *sub;  /* the chosen (or optimistic) mechanism's context */
	int sub_started;     /* sub has taken or made a token */
	int sub_done;        /* sub is established */
	int peer_done;       /* initiator: the acceptor said accept-completed */
	int selected;        /* initiator: the acceptor named its mechanism */
	int mic_needed;      /* a mechListMIC exchange is called for (see need_mic) */
	int counter;         /* acceptor: chose other than the client's first */
	int peer_mic;        /* the peer sent a mechListMIC or asked for one */
	int mic_sent, mic_checked;
	int done;            /* SEC_E_OK was returned */
	/* Initiator: done before the acceptor's mechListMIC came (NTLM, as
	 * Windows); its last token may still be passed, once. */
	int mic_deferred, final_taken;
	/* The sub-context's flags and lifetime from its last step, reported
	 * on every leg (a leg may only carry a MIC). */
	OM_uint32 gss_flags, lifetime;
	/* The MechTypeList (our own, or the client's as received) that the
	 * mechListMIC covers. */
	uint8_t *mech_types;
	size_t mech_types_len;
	/* Initiator: the OIDs offered, in order. Acceptor: the client's
	 * OID for the chosen mechanism, echoed as supportedMech. */
	enum nego_mech offered[MECH_COUNT];
	size_t noffered;
	struct spnego_bytes chosen_oid;
};

static const struct sg_package *package_of(enum nego_mech m)
{
	return sg_package_find(mech_package[m]);
}

static struct spnego_bytes oid_of(enum nego_mech m)
{
	return m == MECH_KRB5 ? spnego_oid_krb5 : spnego_oid_ntlm;
}

/* The mechanism an OID names; -1 for one we do not carry. */
static int mech_of_oid(struct spnego_bytes oid)
{
	if (spnego_oid_equal(oid, spnego_oid_krb5) || spnego_oid_equal(oid, spnego_oid_krb5_ms))
		return MECH_KRB5;
	if (spnego_oid_equal(oid, spnego_oid_ntlm))
		return MECH_NTLM;
	return -1;
}

/* ----------------------------------------------------------- credentials */

/* Whether PackageList (comma-separated, "!name" excludes) allows the
 * package. No list allows all; a list naming packages allows only those. */
static int allowed(const char *list, const char *package)
{
	int named_any = 0, named = 0, excluded = 0;
	const char *p = list;

	if (list == NULL)
		return 1;
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char item[32];
		size_t b = 0, e = len;
		int neg;

		while (b < e && (p[b] == ' ' || p[b] == '\t'))
			b++;
		neg = b < e && p[b] == '!';
		b += (size_t)neg;
		while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (e > b && e - b < sizeof(item)) {
			memcpy(item, p + b, e - b);
			item[e - b] = '\0';
			if (neg)
				excluded |= sg_ascii_casecmp(item, package) == 0;
			else {
				named_any = 1;
				named |= sg_ascii_casecmp(item, package) == 0;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return !excluded && (!named_any || named);
}

static void nego_release_cred(struct sg_cred *cred)
{
	struct nego_cred *c = cred->mech;

	if (c == NULL)
		return;
	for (int m = 0; m < MECH_COUNT; m++)
		if (c->sub[m] != NULL) {
			c->sub[m]->pkg->ops->release_cred(c->sub[m]);
			free(c->sub[m]);
		}
	free(c);
	cred->mech = NULL;
}

/* Extended protection is NTLM's to enforce (Heimdal checks Kerberos'
 * bindings itself): the settings go to the NTLM credential inside. */
static SECURITY_STATUS nego_set_epa(struct sg_cred *cred, const struct sg_epa *epa)
{
	struct nego_cred *c = cred->mech;
	struct sg_cred *ntlm = c->sub[MECH_NTLM];

	if (ntlm == NULL) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "Negotiate: this credential has no NTLM to protect");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	return ntlm->pkg->ops->set_epa(ntlm, epa);
}

/* KDC proxy settings are Kerberos': they go to the Kerberos credential
 * inside; without one there is no KDC to reach, and nothing to keep. */
static SECURITY_STATUS nego_set_kdc_proxy(struct sg_cred *cred, struct sg_kdc_proxy *kp)
{
	struct nego_cred *c = cred->mech;
	struct sg_cred *krb5 = __atomic_load_n(&c->sub[MECH_KRB5], __ATOMIC_ACQUIRE);

	if (krb5 == NULL) {
		sg_kdc_proxy_put(kp);
		return SEC_E_OK;
	}
	return krb5->pkg->ops->set_kdc_proxy(krb5, kp);
}

/* Kerberos failures after which Windows tries NTLM instead: no
 * credentials, an unknown target, no KDC. A KDC that refused the password,
 * the account or the clock is an answer, reported, never a reason to try
 * NTLM behind the user's back. */
static int falls_back(SECURITY_STATUS s)
{
	return s == SEC_E_TARGET_UNKNOWN || s == SEC_E_NO_AUTHENTICATING_AUTHORITY ||
	       s == SEC_E_NO_CREDENTIALS || s == SEC_E_UNKNOWN_CREDENTIALS ||
	       s == SEC_E_WRONG_PRINCIPAL;
}

/* One trace line for each time Kerberos is left aside, saying why. */
static void note_fallback(const char *when, SECURITY_STATUS s)
{
	if (SG_TRACING())
		sg_trace_note("Negotiate: Kerberos passed over %s: %s%s%s", when,
			      SspiGssStatusName(s) ? SspiGssStatusName(s) : "?",
			      SspiGssGetLastErrorText()[0] ? ": " : "", SspiGssGetLastErrorText());
}

static SECURITY_STATUS nego_acquire(struct sg_cred *cred, const char *principal,
				    const struct sg_identity *id)
{
	struct nego_cred *c = calloc(1, sizeof(*c));
	SECURITY_STATUS first_error = SEC_E_NO_CREDENTIALS;
	int any = 0, tried = 0;

	if (c == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	cred->mech = c;
	for (int m = 0; m < MECH_COUNT; m++) {
		struct sg_cred *sub;
		SECURITY_STATUS s;

		if (!allowed(id ? id->package_list : NULL, mech_package[m]))
			continue;
		sub = calloc(1, sizeof(*sub));
		if (sub == NULL) {
			nego_release_cred(cred);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		sub->pkg = package_of((enum nego_mech)m);
		sub->use = cred->use;
		s = sub->pkg->ops->acquire(sub, principal, id);
		if (s == SEC_E_OK) {
			c->sub[m] = sub;
			if (!any)
				cred->expiry = sub->expiry;
			any = 1;
		} else {
			if (sub->gss != GSS_C_NO_CREDENTIAL || sub->mech != NULL)
				sub->pkg->ops->release_cred(sub);
			free(sub);
			if (m == MECH_KRB5 && (cred->use & SECPKG_CRED_OUTBOUND) &&
			    (s == SEC_E_LOGON_DENIED || s == SEC_E_TIME_SKEW)) {
				/* The KDC refused (wrong password, clock skew):
				 * that is the answer, as on Windows. */
				nego_release_cred(cred);
				return s;
			}
			if (m == MECH_KRB5)
				note_fallback("at AcquireCredentialsHandle", s);
			if (!tried)
				first_error = s;
		}
		tried = 1;
	}
	if (!any) {
		nego_release_cred(cred);
		return first_error;
	}
	return SEC_E_OK;
}

/* AddCredentials: Kerberos or NTLM the credential lacks. The slot is
 * filled with one release store; a handshake running on the credential
 * either sees the new package or not, never a half-made one. */
static SECURITY_STATUS nego_add(struct sg_cred *cred, struct sg_cred *sub)
{
	struct nego_cred *c = cred->mech;
	struct sg_cred *expected = NULL;
	int m;

	for (m = 0; m < MECH_COUNT; m++)
		if (sub->pkg == package_of((enum nego_mech)m))
			break;
	if (m == MECH_COUNT) {
		sg_last_error_set(SEC_E_SECPKG_NOT_FOUND,
				  "Negotiate takes Kerberos or NTLM credentials, not %s",
				  sub->pkg->name);
		return SEC_E_SECPKG_NOT_FOUND;
	}
	if ((sub->use & cred->use) != sub->use) {
		sg_last_error_set(SEC_E_INVALID_PARAMETER,
				  "the added credential is for a use this one does not have");
		return SEC_E_INVALID_PARAMETER;
	}
	if (!__atomic_compare_exchange_n(&c->sub[m], &expected, sub, 0, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED)) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "this Negotiate credential already holds %s credentials",
				  sub->pkg->name);
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	return SEC_E_OK;
}

static SECURITY_STATUS nego_cred_name(struct sg_cred *cred, char **name)
{
	struct nego_cred *c = cred->mech;

	for (int m = 0; m < MECH_COUNT; m++)
		if (c->sub[m] != NULL)
			return c->sub[m]->pkg->ops->cred_name(c->sub[m], name);
	return SEC_E_NO_CREDENTIALS;
}

/* -------------------------------------------------------------- contexts */

static void nego_release_ctx(struct sg_ctx *ctx)
{
	struct nego_state *n = ctx->mech;

	if (n == NULL)
		return;
	sg_ctx_free(n->sub);
	free(n->mech_types);
	free(n);
	ctx->mech = NULL;
}

/* A fresh context of the mechanism under ctx, replacing any other. */
static SECURITY_STATUS start_sub(struct sg_ctx *ctx, struct nego_state *n, enum nego_mech m)
{
	sg_ctx_free(n->sub);
	n->sub = sg_ctx_new(package_of(m));
	if (n->sub == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	n->sub->initiator = ctx->initiator;
	n->sub->req = ctx->req;
	n->sub->start = ctx->start;
	n->chosen = m;
	n->sub_started = 0;
	n->sub_done = 0;
	return SEC_E_OK;
}

/*
 * RFC 4178 section 5, MS-SPNG 3.1.5.1: the mechListMIC is exchanged only
 * when the chosen mechanism's context gives integrity, or the peer sent
 * or asked for one. An NTLM client that negotiated no signing (Samba's
 * ntlm_auth) sends none and expects none; Windows then completes without.
 */
static int need_mic(const struct nego_state *n)
{
	return n->mic_needed && (n->peer_mic || (n->gss_flags & GSS_C_INTEG_FLAG));
}

/* After the sub-context's step succeeded: what context.c does for a
 * context of its own when it is established. */
static SECURITY_STATUS sub_step_done(struct nego_state *n, SECURITY_STATUS s, OM_uint32 gss_flags,
				     OM_uint32 lifetime)
{
	struct sg_ctx *sub = n->sub;

	n->sub_started = 1;
	n->gss_flags = gss_flags;
	n->lifetime = lifetime;
	sub->attrs = sub->initiator ? sg_flags_gss_to_isc_ret(gss_flags)
				    : sg_flags_gss_to_asc_ret(gss_flags);
	sub->expiry = sg_timestamp_in(lifetime);
	if (s == SEC_E_OK && !n->sub_done) {
		SECURITY_STATUS sz = sub->pkg->ops->sizes(sub, &sub->sizes);

		if (sz != SEC_E_OK)
			return sz;
		sub->established = 1;
		n->sub_done = 1;
	}
	return SEC_E_OK;
}

/* A context without a session key (NTLM authenticated by the KDC's digest
 * service) cannot take part in the mechListMIC exchange; skipping it would
 * drop the downgrade protection, so the exchange fails instead. */
static SECURITY_STATUS no_mic_key(void)
{
	sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
			  "Negotiate: the chosen mechanism has no session key for the mechListMIC "
			  "(NTLM checked by the KDC); use the NTLM package directly");
	return SEC_E_UNSUPPORTED_FUNCTION;
}

/* Our mechListMIC over the MechTypeList, into *mic (gss_release_buffer). */
static SECURITY_STATUS make_mic(struct nego_state *n, gss_buffer_t mic)
{
	gss_buffer_desc types = {n->mech_types_len, n->mech_types};
	SECURITY_STATUS s = n->sub->pkg->ops->get_mic(n->sub, &types, mic);

	if (s == SEC_E_UNSUPPORTED_FUNCTION)
		return no_mic_key();
	if (s == SEC_E_OK && n->sub->pkg->ops->mech_list_mic_done != NULL)
		n->sub->pkg->ops->mech_list_mic_done(n->sub, 1);
	n->mic_sent = s == SEC_E_OK;
	return s;
}

static SECURITY_STATUS check_mic(struct nego_state *n, struct spnego_bytes mic)
{
	gss_buffer_desc types = {n->mech_types_len, n->mech_types};
	gss_buffer_desc m = {mic.len, (void *)mic.data};
	SECURITY_STATUS s;

	if (!n->sub_done) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: a mechListMIC before the "
						       "mechanism finished");
		return SEC_E_INVALID_TOKEN;
	}
	s = n->mic_deferred ? n->sub->pkg->ops->verify_deferred_mic(n->sub, &types, &m)
			    : n->sub->pkg->ops->verify_mic(n->sub, &types, &m);
	if (s == SEC_E_UNSUPPORTED_FUNCTION)
		return no_mic_key();
	if (s != SEC_E_OK) {
		sg_last_error_set(SEC_E_MESSAGE_ALTERED,
				  "Negotiate: the peer's mechListMIC does not match the mechanism "
				  "list (altered on the way?)");
		return SEC_E_MESSAGE_ALTERED;
	}
	/* A deferred MIC's direction moved on when the context completed. */
	if (!n->mic_deferred && n->sub->pkg->ops->mech_list_mic_done != NULL)
		n->sub->pkg->ops->mech_list_mic_done(n->sub, 0);
	n->mic_checked = 1;
	return SEC_E_OK;
}

static SECURITY_STATUS emit_resp(enum spnego_state state, struct spnego_bytes mech,
				 gss_buffer_t token, gss_buffer_t mic, gss_buffer_t out)
{
	/* Empty parts are left out, as peers expect. */
	struct spnego_bytes t = {token && token->length ? token->value : NULL,
				 token ? token->length : 0};
	struct spnego_bytes m = {mic && mic->length ? mic->value : NULL, mic ? mic->length : 0};
	uint8_t *data = NULL;
	size_t len = 0;

	if (spnego_encode_resp(state, mech, t, m, &data, &len) != 0)
		return SEC_E_INSUFFICIENT_MEMORY;
	out->value = data;
	out->length = len;
	return SEC_E_OK;
}

/* The peer's NegTokenResp; SEC_E_INVALID_TOKEN, with the reason, if it is
 * none. */
static SECURITY_STATUS read_resp(gss_buffer_t in, const char *peer, struct spnego_resp *r)
{
	if (spnego_decode_resp(in->value, in->length, r) == 0)
		return SEC_E_OK;
	sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the %s's token is no NegTokenResp", peer);
	return SEC_E_INVALID_TOKEN;
}

/* The flags a mechanism is asked for: NTLM under Negotiate always with
 * integrity, as Windows' Negotiate asks it, so that the mechListMIC can
 * protect the mechanism list. */
static OM_uint32 sub_req(enum nego_mech m, OM_uint32 req_flags)
{
	return m == MECH_NTLM ? req_flags | GSS_C_INTEG_FLAG : req_flags;
}

/* Windows does not use Kerberos for a target whose host is an IP address. */
static int target_is_address(const char *target)
{
	const char *host = strchr(target, '/');
	char buf[64];
	size_t len;
	struct in6_addr a;

	host = host ? host + 1 : target;
	len = strcspn(host, ":@");
	if (host[0] == '[') {
		host++;
		len = strcspn(host, "]");
	}
	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, host, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, &a) == 1 || inet_pton(AF_INET6, buf, &a) == 1;
}

/*
 * The server's hints: a NegTokenInit2 that a server sends before the
 * client's first call (the SMB way, MS-SPNG 3.2.5.2), given as the input
 * of that first call. The client then offers only the mechanisms the
 * server listed, in its own order. Anything else there is ignored, as
 * Windows ignores an input it does not need. Returns a mask of
 * mechanisms, all of them when there are no hints.
 */
static unsigned hinted_mechs(gss_buffer_t in)
{
	struct spnego_init hints;
	unsigned mask = 0;

	if (in == NULL || in->length == 0 ||
	    spnego_decode_init(in->value, in->length, &hints) != 0)
		return ~0u;
	for (size_t i = 0; i < hints.nmechs && i < SPNEGO_MAX_MECHS; i++) {
		int m = mech_of_oid(hints.mechs[i]);

		if (m >= 0)
			mask |= 1u << m;
	}
	if (SG_TRACING())
		sg_trace_note("Negotiate: the server's hints list %s%s%s",
			      mask & (1u << MECH_KRB5) ? "Kerberos " : "",
			      mask & (1u << MECH_NTLM) ? "NTLM" : "", mask ? "" : "nothing we have");
	return mask;
}

static SECURITY_STATUS init_first(struct sg_ctx *ctx, struct nego_state *n, struct sg_cred *cred,
				  const char *target, OM_uint32 req_flags, gss_buffer_t in,
				  gss_channel_bindings_t cb, gss_buffer_t out, OM_uint32 *gss_flags,
				  OM_uint32 *lifetime)
{
	unsigned hinted = hinted_mechs(in);
	struct nego_cred *c = cred->mech;
	gss_buffer_desc empty = GSS_C_EMPTY_BUFFER, token = GSS_C_EMPTY_BUFFER;
	struct spnego_bytes oids[MECH_COUNT];
	SECURITY_STATUS s = SEC_E_NO_CREDENTIALS;
	uint8_t *data = NULL;
	size_t len = 0, first = 0;
	OM_uint32 minor;

	for (int m = 0; m < MECH_COUNT; m++) {
		if (c->sub[m] == NULL || c->sub[m]->use == SECPKG_CRED_INBOUND ||
		    !(hinted & (1u << m)))
			continue;
		if (m == MECH_KRB5 && target == NULL) {
			if (SG_TRACING())
				sg_trace_note("Negotiate: Kerberos passed over: no target name");
			continue;
		}
		if (m == MECH_KRB5 && target_is_address(target)) {
			if (SG_TRACING())
				sg_trace_note("Negotiate: Kerberos passed over: the target %s is an "
					      "address, for which no service ticket exists",
					      target);
			continue;
		}
		n->offered[n->noffered++] = (enum nego_mech)m;
	}
	/* The optimistic token of the first mechanism that can make one. */
	for (; first < n->noffered; first++) {
		enum nego_mech m = n->offered[first];

		s = start_sub(ctx, n, m);
		if (s != SEC_E_OK)
			return s;
		s = n->sub->pkg->ops->init(n->sub, c->sub[m], target, sub_req(m, req_flags), &empty,
					   cb, &token,
					   gss_flags, lifetime);
		if (s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED)
			break;
		gss_release_buffer(&minor, &token);
		if (!(m == MECH_KRB5 && falls_back(s)) || first + 1 == n->noffered)
			return s;
		note_fallback("at its first step", s);
	}
	if (first == n->noffered)
		return s;
	/* The list starts with the mechanism that made the token. */
	memmove(n->offered, n->offered + first, (n->noffered - first) * sizeof(n->offered[0]));
	n->noffered -= first;
	for (size_t i = 0; i < n->noffered; i++)
		oids[i] = oid_of(n->offered[i]);
	if ((s = sub_step_done(n, s, *gss_flags, *lifetime)) != SEC_E_OK ||
	    spnego_encode_mech_types(oids, n->noffered, &n->mech_types, &n->mech_types_len) != 0 ||
	    spnego_encode_init((struct spnego_bytes){n->mech_types, n->mech_types_len},
			       (struct spnego_bytes){token.value, token.length}, &data, &len) != 0) {
		gss_release_buffer(&minor, &token);
		return s != SEC_E_OK ? s : SEC_E_INSUFFICIENT_MEMORY;
	}
	gss_release_buffer(&minor, &token);
	out->value = data;
	out->length = len;
	return SEC_I_CONTINUE_NEEDED;
}

/*
 * The initiator is done once its mechanism is and nothing the acceptor
 * may still send is needed: the acceptor said accept-completed, or every
 * mechListMIC called for was exchanged (the acceptor's answer would say
 * only accept-completed, and RFC 4178 lets it send nothing; MIT's
 * initiator completes there too).
 *
 * One more case, for an application that asked for no message protection
 * at all (no integrity, confidentiality, replay or sequence detection):
 * with NTLM, Windows' client then returns SEC_E_OK on the leg that sends
 * the AUTHENTICATE (Wine's negotiate.c test_authentication, run on
 * Windows, loops only while both sides continue, and its client is done
 * when the loop ends), so ours completes before the acceptor's
 * mechListMIC and checks it if the application passes that last token
 * after all (finish()). An application that asked for protection waits
 * for the acceptor's MIC, as Windows' CredSSP client does: FreeRDP's
 * CredSSP server sends its last SPNEGO token and only then reads the
 * client's public-key message.
 */
static int client_complete(const struct nego_state *n, ULONG isc_req)
{
	const ULONG protection = ISC_REQ_INTEGRITY | ISC_REQ_CONFIDENTIALITY |
				 ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT;

	if (!n->sub_done)
		return 0;
	if (n->peer_done)
		return 1;
	if (!need_mic(n))
		return n->selected;
	if (!n->mic_sent)
		return 0;
	return n->mic_checked || (!(isc_req & protection) &&
				  n->sub->pkg->ops->mech_list_mic_deferred != NULL);
}

/* The acceptor's last token, given to an initiator that completed
 * before it (client_complete): accept-completed, nothing for the
 * mechanism, and its mechListMIC when one is still to be checked. */
static SECURITY_STATUS finish(struct nego_state *n, gss_buffer_t in)
{
	struct spnego_resp r;
	SECURITY_STATUS s;

	if (n->final_taken || n->kind != KIND_SPNEGO)
		return SEC_E_OUT_OF_SEQUENCE;
	n->final_taken = 1;
	if ((s = read_resp(in, "server", &r)) != SEC_E_OK)
		return s;
	if (r.state == SPNEGO_REJECT) {
		sg_last_error_set(SEC_E_LOGON_DENIED, "Negotiate: the server rejected the "
						      "authentication (negState reject)");
		return SEC_E_LOGON_DENIED;
	}
	if (r.response_token.data != NULL && r.response_token.len != 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: a mechanism token after the "
						       "mechanism finished");
		return SEC_E_INVALID_TOKEN;
	}
	if (r.mech_list_mic.data != NULL && !n->mic_checked)
		return check_mic(n, r.mech_list_mic);
	if (need_mic(n) && !n->mic_checked) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the server finished without the "
						       "mechListMIC this mechanism needs");
		return SEC_E_INVALID_TOKEN;
	}
	return SEC_E_OK;
}

static SECURITY_STATUS init_next(struct sg_ctx *ctx, struct nego_state *n, struct sg_cred *cred,
				 const char *target, OM_uint32 req_flags, gss_buffer_t in,
				 gss_channel_bindings_t cb, gss_buffer_t out, OM_uint32 *gss_flags,
				 OM_uint32 *lifetime)
{
	struct nego_cred *c = cred->mech;
	gss_buffer_desc empty = GSS_C_EMPTY_BUFFER, token = GSS_C_EMPTY_BUFFER;
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER, tok;
	struct spnego_resp r;
	SECURITY_STATUS s = SEC_E_OK;
	gss_buffer_t step_in = NULL;
	OM_uint32 minor;

	if ((s = read_resp(in, "server", &r)) != SEC_E_OK)
		return s;
	if (r.state == SPNEGO_REJECT) {
		sg_last_error_set(SEC_E_LOGON_DENIED, "Negotiate: the server rejected the "
						      "authentication (negState reject)");
		return SEC_E_LOGON_DENIED;
	}
	if (r.supported_mech.data != NULL) {
		int m = mech_of_oid(r.supported_mech), offered = 0;

		for (size_t i = 0; i < n->noffered; i++)
			offered |= (int)n->offered[i] == m;
		if (!offered || (n->selected && n->chosen != (enum nego_mech)m)) {
			sg_last_error_set(SEC_E_INVALID_TOKEN,
					  "Negotiate: the server chose a mechanism that was not "
					  "offered");
			return SEC_E_INVALID_TOKEN;
		}
		n->selected = 1;
		if ((enum nego_mech)m != n->chosen) {
			/* Not our optimistic choice: that token is dropped,
			 * the chosen mechanism starts, and the lists must be
			 * proved unaltered. */
			if ((s = start_sub(ctx, n, (enum nego_mech)m)) != SEC_E_OK)
				return s;
			n->mic_needed = 1;
			step_in = &empty;
		}
	}
	if (step_in == NULL && r.response_token.data != NULL && r.response_token.len != 0) {
		if (n->sub_done) {
			sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: a mechanism token after "
							       "the mechanism finished");
			return SEC_E_INVALID_TOKEN;
		}
		tok.value = (void *)r.response_token.data;
		tok.length = r.response_token.len;
		step_in = &tok;
	}
	if (step_in != NULL) {
		s = n->sub->pkg->ops->init(n->sub, c->sub[n->chosen], target,
					   sub_req(n->chosen, req_flags), step_in, cb,
					   &token, gss_flags, lifetime);
		if (s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED)
			s = sub_step_done(n, s, *gss_flags, *lifetime);
		if (s != SEC_E_OK)
			goto out;
	}
	if (r.mech_list_mic.data != NULL || r.state == SPNEGO_REQUEST_MIC)
		n->peer_mic = 1;
	if (n->chosen == MECH_NTLM || n->peer_mic)
		n->mic_needed = 1;
	if (r.mech_list_mic.data != NULL && (s = check_mic(n, r.mech_list_mic)) != SEC_E_OK)
		goto out;
	if (r.state == SPNEGO_ACCEPT_COMPLETED)
		n->peer_done = 1;
	if (n->sub_done && need_mic(n) && !n->mic_sent && (s = make_mic(n, &mic)) != SEC_E_OK)
		goto out;
	if (n->peer_done && n->sub_done && need_mic(n) && !n->mic_checked) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the server finished without the "
						       "mechListMIC this mechanism needs");
		s = SEC_E_INVALID_TOKEN;
		goto out;
	}
	if (token.length != 0 || mic.length != 0)
		s = emit_resp(SPNEGO_ABSENT, (struct spnego_bytes){NULL, 0}, &token, &mic, out);
	if (s == SEC_E_OK && client_complete(n, ctx->req)) {
		if (!n->peer_done && need_mic(n) && !n->mic_checked) {
			n->mic_deferred = 1;
			n->sub->pkg->ops->mech_list_mic_deferred(n->sub);
		}
		n->done = 1;
		s = SEC_E_OK;
	} else if (s == SEC_E_OK) {
		s = SEC_I_CONTINUE_NEEDED;
	}
out:
	gss_release_buffer(&minor, &token);
	gss_release_buffer(&minor, &mic);
	return s;
}

static SECURITY_STATUS nego_init(struct sg_ctx *ctx, struct sg_cred *cred, const char *target,
				 OM_uint32 req_flags, gss_buffer_t in, gss_channel_bindings_t cb,
				 gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	struct nego_state *n = ctx->mech;
	SECURITY_STATUS s;

	*gss_flags = 0;
	*lifetime = GSS_C_INDEFINITE;
	if (cred == NULL || cred->mech == NULL)
		return SEC_E_NO_CREDENTIALS;
	if (n == NULL) {
		n = calloc(1, sizeof(*n));
		if (n == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		ctx->mech = n;
		return init_first(ctx, n, cred, target, req_flags, in, cb, out, gss_flags,
				  lifetime);
	}
	if (n->done) {
		s = n->peer_done || in->length == 0 ? SEC_E_OUT_OF_SEQUENCE : finish(n, in);
		*gss_flags = n->gss_flags;
		*lifetime = n->lifetime;
		return s;
	}
	s = init_next(ctx, n, cred, target, req_flags, in, cb, out, gss_flags, lifetime);
	*gss_flags = n->gss_flags;
	*lifetime = n->lifetime;
	return s;
}

/* The acceptor's mechanism for a client's list: the first it can accept. */
static const struct spnego_bytes oid_u2u = {sg_u2u_oid, SG_U2U_OID_LEN};

static int choose(const struct nego_cred *c, const struct spnego_init *init, size_t *index)
{
	size_t n = init->nmechs < SPNEGO_MAX_MECHS ? init->nmechs : SPNEGO_MAX_MECHS;

	for (size_t i = 0; i < n; i++) {
		int m = mech_of_oid(init->mechs[i]);

		/* A Kerberos credential with a TGT and no keys takes Kerberos
		 * user-to-user and nothing else (krb5_u2u.h). */
		if (sg_u2u_cred_is(c->sub[MECH_KRB5]))
			m = m == MECH_KRB5 ? -1 : spnego_oid_equal(init->mechs[i], oid_u2u) ? MECH_KRB5 : m;
		if (m >= 0 && c->sub[m] != NULL && c->sub[m]->use != SECPKG_CRED_OUTBOUND) {
			*index = i;
			return m;
		}
	}
	return -1;
}

static SECURITY_STATUS accept_raw(struct sg_ctx *ctx, struct nego_state *n, struct nego_cred *c,
				  enum nego_mech m, gss_buffer_t in, gss_channel_bindings_t cb,
				  gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	SECURITY_STATUS s;

	if (n->sub == NULL) {
		if (c->sub[m] == NULL || c->sub[m]->use == SECPKG_CRED_OUTBOUND)
			return SEC_E_NO_CREDENTIALS;
		n->kind = KIND_RAW;
		if ((s = start_sub(ctx, n, m)) != SEC_E_OK)
			return s;
	}
	s = n->sub->pkg->ops->accept(n->sub, c->sub[m], in, cb, out, gss_flags, lifetime);
	if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED)
		return s;
	if (sub_step_done(n, s, *gss_flags, *lifetime) != SEC_E_OK)
		return SEC_E_INTERNAL_ERROR;
	n->done = s == SEC_E_OK;
	return s;
}

/* The acceptor's answer once the mechanism has taken what came: the
 * mechanism's token, our MIC when due, and whether we are done. */
static SECURITY_STATUS accept_answer(struct nego_state *n, struct spnego_bytes mech,
				     gss_buffer_t token, gss_buffer_t out)
{
	gss_buffer_desc mic = GSS_C_EMPTY_BUFFER;
	SECURITY_STATUS s;
	OM_uint32 minor;
	int done, mic_sent_before = n->mic_sent;

	if (n->sub_done && need_mic(n) && !n->mic_sent && (s = make_mic(n, &mic)) != SEC_E_OK)
		return s;
	done = n->sub_done && (!need_mic(n) || n->mic_checked);
	/* The client's mechListMIC was the last word: ours went out before
	 * and nothing is left to say. Sending accept-completed here (9
	 * bytes) is a token the client does not wait for, which a CredSSP
	 * peer then reads as the next message (FreeRDP 3 on MIT krb5); MIT's
	 * acceptor sends nothing (RFC 4178 5: accept-completed means no
	 * further negotiation message is expected). */
	if (done && mic_sent_before && mech.data == NULL && (token == NULL || token->length == 0)) {
		out->value = NULL;
		out->length = 0;
		n->done = 1;
		return SEC_E_OK;
	}
	/* RFC 4178 4.2.2: a counter-proposal (the first reply, naming a
	 * mechanism that is not the client's first) says request-mic; MIT's
	 * initiator refuses it otherwise. */
	s = emit_resp(done		      ? SPNEGO_ACCEPT_COMPLETED
		      : mech.data != NULL && n->counter ? SPNEGO_REQUEST_MIC
							: SPNEGO_ACCEPT_INCOMPLETE,
		      mech, token, &mic, out);
	gss_release_buffer(&minor, &mic);
	if (s != SEC_E_OK)
		return s;
	n->done = done;
	return done ? SEC_E_OK : SEC_I_CONTINUE_NEEDED;
}

/* One step of the acceptor's mechanism on a token from the client. */
static SECURITY_STATUS accept_step(struct nego_state *n, struct nego_cred *c,
				   struct spnego_bytes in, gss_channel_bindings_t cb,
				   gss_buffer_t token, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	gss_buffer_desc tok = {in.len, (void *)in.data};
	SECURITY_STATUS s;

	if (n->sub_done) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: a mechanism token after the "
						       "mechanism finished");
		return SEC_E_INVALID_TOKEN;
	}
	s = n->sub->pkg->ops->accept(n->sub, c->sub[n->chosen], &tok, cb, token, gss_flags,
				     lifetime);
	if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED)
		return s;
	return sub_step_done(n, s, *gss_flags, *lifetime);
}

static SECURITY_STATUS accept_first(struct sg_ctx *ctx, struct nego_state *n, struct nego_cred *c,
				    gss_buffer_t in, gss_channel_bindings_t cb, gss_buffer_t out,
				    OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER;
	struct spnego_init init;
	struct spnego_bytes oid;
	SECURITY_STATUS s = SEC_E_OK;
	size_t index = 0;
	OM_uint32 minor;
	int m;

	if (in->length >= 8 && memcmp(in->value, "NTLMSSP", 8) == 0)
		return accept_raw(ctx, n, c, MECH_NTLM, in, cb, out, gss_flags, lifetime);
	if (spnego_token_mech(in->value, in->length, &oid) == 0 && mech_of_oid(oid) == MECH_KRB5)
		return accept_raw(ctx, n, c, MECH_KRB5, in, cb, out, gss_flags, lifetime);
	if (spnego_decode_init(in->value, in->length, &init) != 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the client's token is no "
						       "NegTokenInit");
		return SEC_E_INVALID_TOKEN;
	}
	m = choose(c, &init, &index);
	if (m < 0) {
		sg_last_error_set(SEC_E_LOGON_DENIED, "Negotiate: none of the client's mechanisms "
						      "can be accepted here");
		(void)emit_resp(SPNEGO_REJECT, (struct spnego_bytes){NULL, 0}, NULL, NULL, out);
		return SEC_E_LOGON_DENIED;
	}
	n->mech_types = malloc(init.mech_types.len);
	if (n->mech_types == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(n->mech_types, init.mech_types.data, init.mech_types.len);
	n->mech_types_len = init.mech_types.len;
	/* Echo the client's own spelling of the OID (it may be MS Kerberos). */
	n->chosen_oid = oid_of((enum nego_mech)m);
	if (spnego_oid_equal(init.mechs[index], spnego_oid_krb5_ms))
		n->chosen_oid = spnego_oid_krb5_ms;
	if (spnego_oid_equal(init.mechs[index], oid_u2u))
		n->chosen_oid = oid_u2u;
	if ((s = start_sub(ctx, n, (enum nego_mech)m)) != SEC_E_OK)
		return s;
	n->peer_mic = init.mech_list_mic.data != NULL;
	n->counter = index != 0;
	n->mic_needed = m == MECH_NTLM || n->counter || n->peer_mic;
	/* The optimistic token counts only when it is for our choice. */
	if (index == 0 && init.mech_token.data != NULL && init.mech_token.len != 0)
		s = accept_step(n, c, init.mech_token, cb, &token, gss_flags, lifetime);
	if (s == SEC_E_OK && init.mech_list_mic.data != NULL)
		s = check_mic(n, init.mech_list_mic);
	if (s == SEC_E_OK)
		s = accept_answer(n, n->chosen_oid, &token, out);
	gss_release_buffer(&minor, &token);
	return s;
}

static SECURITY_STATUS accept_next(struct nego_state *n, struct nego_cred *c, gss_buffer_t in,
				   gss_channel_bindings_t cb, gss_buffer_t out,
				   OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER;
	struct spnego_resp r;
	SECURITY_STATUS s = SEC_E_OK;
	OM_uint32 minor;

	if ((s = read_resp(in, "client", &r)) != SEC_E_OK)
		return s;
	if (r.response_token.data == NULL && r.mech_list_mic.data == NULL) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the client's token carries "
						       "nothing");
		return SEC_E_INVALID_TOKEN;
	}
	if (r.response_token.data != NULL && r.response_token.len != 0)
		s = accept_step(n, c, r.response_token, cb, &token, gss_flags, lifetime);
	/* An NTLM client whose AUTHENTICATE announced no MIC (impacket,
	 * older Windows) knows no mechListMIC either: it sends none and
	 * waits for none. Windows and Samba complete such a logon without
	 * one, unless the server had to counter-propose NTLM (then the lists
	 * must be proved) or the client sent or asked for one. A client
	 * whose AUTHENTICATE carries a MIC must send the mechListMIC: that
	 * announcement is inside the NTLMv2 response, which the NTLM layer
	 * has checked, so it cannot be stripped unseen. */
	if (s == SEC_E_OK && n->sub_done && !n->mic_sent && n->chosen == MECH_NTLM &&
	    !n->counter && !n->peer_mic && r.mech_list_mic.data == NULL &&
	    n->sub->pkg->ops->peer_announced_mic != NULL &&
	    !n->sub->pkg->ops->peer_announced_mic(n->sub))
		n->mic_needed = 0;
	if (s == SEC_E_OK && r.mech_list_mic.data != NULL) {
		n->mic_needed = n->peer_mic = 1;
		s = check_mic(n, r.mech_list_mic);
	}
	if (s == SEC_E_OK && n->sub_done && need_mic(n) && !n->mic_checked && n->mic_sent) {
		/* We sent our MIC before; the client's answer must carry its. */
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Negotiate: the client finished without the "
						       "mechListMIC this mechanism needs");
		s = SEC_E_INVALID_TOKEN;
	}
	if (s == SEC_E_OK)
		s = accept_answer(n, (struct spnego_bytes){NULL, 0}, &token, out);
	gss_release_buffer(&minor, &token);
	return s;
}

static SECURITY_STATUS nego_accept(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				   gss_channel_bindings_t cb, gss_buffer_t out,
				   OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	struct nego_state *n = ctx->mech;
	struct nego_cred *c = cred != NULL ? cred->mech : NULL;
	SECURITY_STATUS s;

	*gss_flags = 0;
	*lifetime = GSS_C_INDEFINITE;
	if (c == NULL)
		return SEC_E_NO_CREDENTIALS;
	if (n == NULL) {
		n = calloc(1, sizeof(*n));
		if (n == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		ctx->mech = n;
		return accept_first(ctx, n, c, in, cb, out, gss_flags, lifetime);
	}
	if (n->done)
		return SEC_E_OUT_OF_SEQUENCE;
	if (n->kind == KIND_RAW)
		return accept_raw(ctx, n, c, n->chosen, in, cb, out, gss_flags, lifetime);
	s = accept_next(n, c, in, cb, out, gss_flags, lifetime);
	*gss_flags = n->gss_flags;
	*lifetime = n->lifetime;
	return s;
}

/* ------------------------------------ everything else: the chosen package */

static struct sg_ctx *sub_of(struct sg_ctx *ctx)
{
	struct nego_state *n = ctx->mech;

	return n != NULL && n->sub_done ? n->sub : NULL;
}

static const struct sg_package *nego_chosen(struct sg_ctx *ctx)
{
	struct sg_ctx *sub = sub_of(ctx);

	return sub != NULL && ctx->established ? sub->pkg : NULL;
}

static SECURITY_STATUS nego_sizes(struct sg_ctx *ctx, SecPkgContext_Sizes *sizes)
{
	struct sg_ctx *sub = sub_of(ctx);

	if (sub == NULL)
		return SEC_E_INVALID_HANDLE;
	*sizes = sub->sizes;
	return SEC_E_OK;
}

#define FORWARD(call)                                                                    \
	struct sg_ctx *sub = sub_of(ctx);                                                \
	if (sub == NULL)                                                                 \
		return SEC_E_INVALID_HANDLE;                                             \
	return sub->pkg->ops->call

static SECURITY_STATUS nego_wrap_iov(struct sg_ctx *ctx, int conf, gss_iov_buffer_desc *iov,
				     int count)
{
	FORWARD(wrap_iov)(sub, conf, iov, count);
}

static SECURITY_STATUS nego_unwrap_iov(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				       int *conf)
{
	FORWARD(unwrap_iov)(sub, iov, count, conf);
}

static SECURITY_STATUS nego_unwrap(struct sg_ctx *ctx, gss_buffer_t in, gss_buffer_t out, int *conf)
{
	FORWARD(unwrap)(sub, in, out, conf);
}

static SECURITY_STATUS nego_get_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	FORWARD(get_mic)(sub, msg, mic);
}

static SECURITY_STATUS nego_verify_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	FORWARD(verify_mic)(sub, msg, mic);
}

static SECURITY_STATUS nego_names(struct sg_ctx *ctx, char **client, char **server)
{
	FORWARD(names)(sub, client, server);
}

static SECURITY_STATUS nego_localname(struct sg_ctx *ctx, char **local)
{
	FORWARD(localname)(sub, local);
}

/* The NTLM sub-context's workstation name; the mechanism may still be
 * undecided when a client sets it, so it goes to the context in use. */
static SECURITY_STATUS nego_workstation(struct sg_ctx *ctx, const char *set, char **get)
{
	struct nego_state *n = ctx->mech;
	struct sg_ctx *sub = n != NULL ? n->sub : NULL;

	if (sub == NULL || sub->pkg->ops->workstation == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	return sub->pkg->ops->workstation(sub, set, get);
}

/* The sub-context's logon information (a PAC, winbind's answer). */
static const struct sg_logon *nego_logon(struct sg_ctx *ctx)
{
	struct sg_ctx *sub = sub_of(ctx);

	return sub != NULL ? sg_ctx_logon(sub) : NULL;
}

/* The Kerberos sub-context's delegated credential, if it got one. */
static gss_cred_id_t nego_delegated(struct sg_ctx *ctx)
{
	struct sg_ctx *sub = sub_of(ctx);

	return sub != NULL ? sub->delegated : GSS_C_NO_CREDENTIAL;
}

static SECURITY_STATUS nego_key_info(struct sg_ctx *ctx, struct sg_key_info *info)
{
	struct sg_ctx *sub = sub_of(ctx);

	if (sub == NULL || sub->pkg->ops->key_info == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	return sub->pkg->ops->key_info(sub, info);
}

static SECURITY_STATUS nego_authority(struct sg_ctx *ctx, char **name)
{
	struct sg_ctx *sub = sub_of(ctx);

	if (sub == NULL || sub->pkg->ops->authority == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	return sub->pkg->ops->authority(sub, name);
}

static SECURITY_STATUS nego_start_time(struct sg_ctx *ctx, long long *t)
{
	struct sg_ctx *sub = sub_of(ctx);

	if (sub == NULL || sub->pkg->ops->start_time == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	return sub->pkg->ops->start_time(sub, t);
}

/* Export would have to carry the SPNEGO state and the chosen package's;
 * not done (docs/negotiate.md). */
static SECURITY_STATUS nego_export(struct sg_ctx *ctx, gss_buffer_t token)
{
	(void)ctx;
	(void)token;
	return SEC_E_UNSUPPORTED_FUNCTION;
}

const struct sg_mech_ops sg_mech_negotiate_ops = {
	.acquire = nego_acquire,
	.release_cred = nego_release_cred,
	.set_epa = nego_set_epa,
	.set_kdc_proxy = nego_set_kdc_proxy,
	.add = nego_add,
	.chosen = nego_chosen,
	.init = nego_init,
	.accept = nego_accept,
	.release_ctx = nego_release_ctx,
	.sizes = nego_sizes,
	.wrap_iov = nego_wrap_iov,
	.unwrap_iov = nego_unwrap_iov,
	.unwrap = nego_unwrap,
	.get_mic = nego_get_mic,
	.verify_mic = nego_verify_mic,
	.names = nego_names,
	.localname = nego_localname,
	.delegated = nego_delegated,
	.logon = nego_logon,
	.workstation = nego_workstation,
	.cred_name = nego_cred_name,
	.key_info = nego_key_info,
	.authority = nego_authority,
	.start_time = nego_start_time,
	.export_ctx = nego_export,
};
