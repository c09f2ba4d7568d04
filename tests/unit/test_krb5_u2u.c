/*
 * test_krb5_u2u.c - Kerberos user-to-user as an acceptor
 * (sspi-gss/kerberos/krb5_u2u.c): a server with no keytab but a TGT (bob's, in a
 * kinit FILE cache) answers a TGT-REQUEST with its TGT and accepts the
 * AP-REQ of the ticket the KDC made in that TGT's session key.
 *
 * The client is written here on Heimdal's krb5 API the way WinPR 3's is
 * (draft-swift-win2k-krb-user2user framing, KRB5_GC_USER_USER, an RFC 4121
 * checksum, use-session-key and mutual-required): we have no user-to-user
 * initiator. FreeRDP's own client against FreeRDP's server with the
 * library preloaded is tests/interop/freerdp3-check.sh (rows s-u2u).
 */
#include <gssapi/gssapi.h>
#include <krb5.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerberos_util.h"

/* Heimdal's own GSS-API initiator builds its authenticator with this
 * (exported from libkrb5, declared in its private header only). */
krb5_error_code _krb5_build_authenticator(krb5_context, krb5_auth_context, krb5_enctype,
					  krb5_creds *, Checksum *, krb5_data *, krb5_key_usage);

static struct realm realm;

static const uint8_t u2u_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03};

static void setup(void)
{
	char cmd[1200], env[600];

	snprintf(env, sizeof(env), "FILE:%s/bob.tgt", realm.dir);
	snprintf(cmd, sizeof(cmd), "KRB5CCNAME='%s' kinit --password-file='%s/bob.password' bob@SSPI.TEST",
		 env, realm.dir);
	ck_assert_int_eq(system(cmd), 0);
	/* The server: bob's TGT as its default cache, and no keytab. */
	setenv("KRB5CCNAME", env, 1);
	snprintf(env, sizeof(env), "FILE:%s/none.keytab", realm.dir);
	setenv("KRB5_KTNAME", env, 1);
}

/* RFC 2743 3.1 framing with the user-to-user OID (short lengths only:
 * every token here is under 64 KiB). */
static size_t frame(uint16_t tok_id, const void *body, size_t len, uint8_t *out)
{
	size_t inner = 2 + sizeof(u2u_oid) + 2 + len, n = 0;

	out[n++] = 0x60;
	if (inner < 0x80) {
		out[n++] = (uint8_t)inner;
	} else {
		out[n++] = 0x82;
		out[n++] = (uint8_t)(inner >> 8);
		out[n++] = (uint8_t)inner;
	}
	out[n++] = 0x06;
	out[n++] = sizeof(u2u_oid);
	memcpy(out + n, u2u_oid, sizeof(u2u_oid));
	n += sizeof(u2u_oid);
	out[n++] = (uint8_t)(tok_id >> 8);
	out[n++] = (uint8_t)tok_id;
	memcpy(out + n, body, len);
	return n + len;
}

/* The body of a framed token, after the OID and the TOK_ID. */
static const uint8_t *unframe(const uint8_t *t, size_t len, uint16_t tok_id, size_t *body_len)
{
	size_t hdr = t[1] < 0x80 ? 2 : 2 + (t[1] & 0x7f);

	ck_assert_uint_gt(len, hdr + 2 + sizeof(u2u_oid) + 2);
	ck_assert_uint_eq(t[0], 0x60);
	ck_assert_uint_eq(t[hdr], 0x06);
	ck_assert_mem_eq(t + hdr + 2, u2u_oid, sizeof(u2u_oid));
	ck_assert_uint_eq((unsigned)(t[hdr + 12] << 8 | t[hdr + 13]), tok_id);
	*body_len = len - hdr - 14;
	return t + hdr + 14;
}

/* KERB-TGT-REQUEST { pvno 5, msg-type MSG, server-name bob }. */
static size_t tgt_request(int msg, uint8_t *out)
{
	const uint8_t body[] = {
		0x30, 0x1c,			    /* SEQUENCE */
		0xa0, 0x03, 0x02, 0x01, 0x05,	    /* pvno */
		0xa1, 0x03, 0x02, 0x01, (uint8_t)msg, /* msg-type */
		0xa2, 0x10, 0x30, 0x0e,		    /* server-name */
		0xa0, 0x03, 0x02, 0x01, 0x01,	    /* name-type */
		0xa1, 0x07, 0x30, 0x05, 0x1b, 0x03, 'b', 'o', 'b'};

	return frame(0x0400, body, sizeof(body), out);
}

struct client {
	krb5_context k;
	krb5_ccache cc;
	krb5_auth_context ac;
	krb5_creds *creds;
};

static void client_new(struct client *c, const char *user, const char *password)
{
	krb5_principal me;
	krb5_creds tgt;
	krb5_get_init_creds_opt *opt;

	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(krb5_init_context(&c->k), 0);
	ck_assert_int_eq(krb5_cc_new_unique(c->k, "MEMORY", NULL, &c->cc), 0);
	ck_assert_int_eq(krb5_parse_name(c->k, user, &me), 0);
	ck_assert_int_eq(krb5_get_init_creds_opt_alloc(c->k, &opt), 0);
	ck_assert_int_eq(krb5_get_init_creds_password(c->k, &tgt, me, password, NULL, NULL, 0,
						      NULL, opt),
			 0);
	ck_assert_int_eq(krb5_cc_initialize(c->k, c->cc, me), 0);
	ck_assert_int_eq(krb5_cc_store_cred(c->k, c->cc, &tgt), 0);
	krb5_free_cred_contents(c->k, &tgt);
	krb5_get_init_creds_opt_free(c->k, opt);
	krb5_free_principal(c->k, me);
}

static void client_free(struct client *c)
{
	if (c->creds != NULL)
		krb5_free_creds(c->k, c->creds);
	if (c->ac != NULL)
		krb5_auth_con_free(c->k, c->ac);
	krb5_cc_destroy(c->k, c->cc);
	krb5_free_context(c->k);
}

/* The channel-binding hash (Bnd) the next AP-REQ carries; zeros: none. */
static uint8_t client_bnd[16];

/* From a TGT-REPLY: the user-to-user ticket for SERVER and the framed
 * AP-REQ (use-session-key, mutual-required, an RFC 4121 checksum). */
static size_t client_ap_req(struct client *c, const uint8_t *rep, size_t rep_len,
			    const char *server, uint8_t *out)
{
	size_t body_len, n, tlen, used;
	const uint8_t *body = unframe(rep, rep_len, 0x0401, &body_len), *t;
	uint8_t sum[24] = {16, 0, 0, 0};
	krb5_creds in;
	krb5_data auth = {0, NULL}, req = {0, NULL};
	Checksum ck;

	/* SEQUENCE { [0] 5, [1] 17, [2] Ticket }: the [2] after 2 x 5 bytes. */
	n = body[1] < 0x80 ? 2 : 2 + (body[1] & 0x7f);
	ck_assert_uint_eq(body[n + 9], 0x11);
	t = body + n + 10;
	ck_assert_uint_eq(t[0], 0xa2);
	used = t[1] < 0x80 ? 2 : 2 + (t[1] & 0x7f);
	tlen = t[1] < 0x80 ? t[1] : t[1] == 0x81 ? t[2] : (size_t)t[2] << 8 | t[3];
	ck_assert_uint_eq((size_t)(t + used + tlen - body), body_len);

	memset(&in, 0, sizeof(in));
	ck_assert_int_eq(krb5_cc_get_principal(c->k, c->cc, &in.client), 0);
	ck_assert_int_eq(krb5_parse_name(c->k, server, &in.server), 0);
	in.second_ticket.data = (void *)(t + used);
	in.second_ticket.length = tlen;
	ck_assert_int_eq(krb5_get_credentials(c->k, KRB5_GC_USER_USER, c->cc, &in, &c->creds), 0);
	in.second_ticket.data = NULL;
	in.second_ticket.length = 0;
	krb5_free_cred_contents(c->k, &in);

	memcpy(sum + 4, client_bnd, 16);
	sum[20] = GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG | GSS_C_CONF_FLAG |
		  GSS_C_INTEG_FLAG;
	ck.cksumtype = CKSUMTYPE_GSSAPI;
	ck.checksum.length = sizeof(sum);
	ck.checksum.data = sum;
	ck_assert_int_eq(krb5_auth_con_init(c->k, &c->ac), 0);
	krb5_auth_con_addflags(c->k, c->ac, KRB5_AUTH_CONTEXT_DO_SEQUENCE, NULL);
	ck_assert_int_eq(krb5_auth_con_setkey(c->k, c->ac, &c->creds->session), 0);
	ck_assert_int_eq(krb5_auth_con_generatelocalsubkey(c->k, c->ac, &c->creds->session), 0);
	ck_assert_int_eq(_krb5_build_authenticator(c->k, c->ac, c->creds->session.keytype,
						   c->creds, &ck, &auth, KRB5_KU_AP_REQ_AUTH),
			 0);
	ck_assert_int_eq(krb5_build_ap_req(c->k, c->creds->session.keytype, c->creds,
					   AP_OPTS_USE_SESSION_KEY | AP_OPTS_MUTUAL_REQUIRED, auth,
					   &req),
			 0);
	n = frame(0x0100, req.data, req.length, out);
	krb5_data_free(&req);
	return n;
}

static SECURITY_STATUS asc(CredHandle *s, CtxtHandle *ctx, int first, const void *tok,
			      size_t len, SecBuffer *out)
{
	SecBuffer ib = {(ULONG)len, SECBUFFER_TOKEN, (void *)tok};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, od = {SECBUFFER_VERSION, 1, out};
	ULONG attrs;
	TimeStamp exp;

	out->BufferType = SECBUFFER_TOKEN;
	out->cbBuffer = 0;
	out->pvBuffer = NULL;
	return AcceptSecurityContext(s, first ? NULL : ctx, &in,
				     ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_MUTUAL_AUTH, 0, ctx, &od,
				     &attrs, &exp);
}

/* RFC 4121 4.1.1.2's Bnd for bindings of application data only: MD5 over
 * the RFC 1964 flat form, four zero address fields then the data's length
 * (little-endian) and the data. */
static void bnd_of(const char *app, uint8_t out[16])
{
	uint8_t flat[256] = {0};
	size_t n = strlen(app);
	unsigned len = 0;

	flat[16] = (uint8_t)n;
	memcpy(flat + 20, app, n);
	ck_assert_int_eq(EVP_Digest(flat, 20 + n, out, &len, EVP_md5(), NULL), 1);
}

/* AcceptSecurityContext with the server's channel bindings (application
 * data only, as TLS's tls-server-end-point is carried). */
static SECURITY_STATUS asc_bound(CredHandle *s, CtxtHandle *ctx, int first, const void *tok,
				 size_t len, const char *app, SecBuffer *out)
{
	uint8_t cb[sizeof(SEC_CHANNEL_BINDINGS) + 64];
	SEC_CHANNEL_BINDINGS *b = (SEC_CHANNEL_BINDINGS *)cb;
	SecBuffer ib[2] = {{(ULONG)len, SECBUFFER_TOKEN, (void *)tok},
			   {(ULONG)(sizeof(*b) + strlen(app)), SECBUFFER_CHANNEL_BINDINGS, cb}};
	SecBufferDesc in = {SECBUFFER_VERSION, 2, ib}, od = {SECBUFFER_VERSION, 1, out};
	ULONG attrs;
	TimeStamp exp;

	memset(cb, 0, sizeof(cb));
	b->cbApplicationDataLength = (ULONG)strlen(app);
	b->dwApplicationDataOffset = sizeof(*b);
	memcpy(cb + sizeof(*b), app, strlen(app));
	out->BufferType = SECBUFFER_TOKEN;
	out->cbBuffer = 0;
	out->pvBuffer = NULL;
	return AcceptSecurityContext(s, first ? NULL : ctx, &in,
				     ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_MUTUAL_AUTH, 0, ctx, &od,
				     &attrs, &exp);
}

static void acquire_keyless(CredHandle *s)
{
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL,
					    NULL, NULL, s, &exp),
		  SEC_E_OK);
}

START_TEST(keyless_server_takes_user_to_user)
{
	struct client c;
	CredHandle s;
	CtxtHandle ctx;
	SecBuffer out;
	uint8_t tok[4096];
	size_t n;
	SecPkgContext_NamesA names;
	SecPkgCredentials_NamesA cnames;
	SecPkgContext_SessionKey key;
	krb5_ap_rep_enc_part *rep;
	krb5_keyblock *subkey;
	krb5_data in;

	client_new(&c, "alice@SSPI.TEST", "Alice-Pass-1");
	acquire_keyless(&s);
	/* The credential is the TGT's client. */
	ck_status(QueryCredentialsAttributesA(&s, SECPKG_CRED_ATTR_NAMES, &cnames), SEC_E_OK);
	ck_assert_str_eq(cnames.sUserName, "bob@SSPI.TEST");
	ck_status(FreeContextBuffer(cnames.sUserName), SEC_E_OK);
	n = tgt_request(16, tok);
	ck_status(asc(&s, &ctx, 1, tok, n, &out), SEC_I_CONTINUE_NEEDED);
	n = client_ap_req(&c, out.pvBuffer, out.cbBuffer, "bob@SSPI.TEST", tok);
	ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
	ck_status(asc(&s, &ctx, 0, tok, n, &out), SEC_E_OK);

	/* The AP-REP is the client's: its session key, its time. */
	in.data = (void *)unframe(out.pvBuffer, out.cbBuffer, 0x0200, &in.length);
	ck_assert_int_eq(krb5_rd_rep(c.k, c.ac, &in, &rep), 0);
	krb5_free_ap_rep_enc_part(c.k, rep);
	ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);

	ck_status(QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "alice@SSPI.TEST");
	ck_status(FreeContextBuffer(names.sUserName), SEC_E_OK);
	/* Both ends hold the acceptor's subkey. */
	ck_status(QueryContextAttributesA(&ctx, SECPKG_ATTR_SESSION_KEY, &key), SEC_E_OK);
	ck_assert_int_eq(krb5_auth_con_getremotesubkey(c.k, c.ac, &subkey), 0);
	ck_assert_uint_eq(key.SessionKeyLength, subkey->keyvalue.length);
	ck_assert_mem_eq(key.SessionKey, subkey->keyvalue.data, subkey->keyvalue.length);
	krb5_free_keyblock(c.k, subkey);
	ck_status(FreeContextBuffer(key.SessionKey), SEC_E_OK);

	ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	client_free(&c);
}
END_TEST

/* Channel bindings as plain Kerberos checks them (RFC 4121 4.1.1.2): the
 * client's hash of another channel is SEC_E_BAD_BINDINGS, the same
 * channel's passes, and a client that sends none (zeros) passes. */
START_TEST(channel_bindings_are_checked)
{
	static const char *const client_side[] = {"tls-server-end-point:other", "tls-server-end-point:ours",
						  NULL};
	static const SECURITY_STATUS want[] = {SEC_E_BAD_BINDINGS, SEC_E_OK, SEC_E_OK};

	for (int i = 0; i < 3; i++) {
		struct client c;
		CredHandle s;
		CtxtHandle ctx;
		SecBuffer out;
		uint8_t tok[4096];
		size_t n;

		memset(client_bnd, 0, sizeof(client_bnd));
		if (client_side[i] != NULL)
			bnd_of(client_side[i], client_bnd);
		client_new(&c, "alice@SSPI.TEST", "Alice-Pass-1");
		acquire_keyless(&s);
		n = tgt_request(16, tok);
		ck_status(asc_bound(&s, &ctx, 1, tok, n, "tls-server-end-point:ours", &out),
			  SEC_I_CONTINUE_NEEDED);
		n = client_ap_req(&c, out.pvBuffer, out.cbBuffer, "bob@SSPI.TEST", tok);
		ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
		ck_status(asc_bound(&s, &ctx, 0, tok, n, "tls-server-end-point:ours", &out), want[i]);
		if (out.pvBuffer != NULL)
			FreeContextBuffer(out.pvBuffer);
		ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
		client_free(&c);
	}
	memset(client_bnd, 0, sizeof(client_bnd));
}
END_TEST

/* Its TGT is the ticket the server sends. */
START_TEST(the_reply_carries_the_servers_tgt)
{
	CredHandle s;
	CtxtHandle ctx;
	SecBuffer out;
	uint8_t tok[256];
	size_t n, body_len;
	const uint8_t *body;
	krb5_context k;
	krb5_ccache cc;
	krb5_creds match, tgt;

	acquire_keyless(&s);
	n = tgt_request(16, tok);
	ck_status(asc(&s, &ctx, 1, tok, n, &out), SEC_I_CONTINUE_NEEDED);
	body = unframe(out.pvBuffer, out.cbBuffer, 0x0401, &body_len);

	ck_assert_int_eq(krb5_init_context(&k), 0);
	ck_assert_int_eq(krb5_cc_default(k, &cc), 0);
	memset(&match, 0, sizeof(match));
	ck_assert_int_eq(krb5_cc_get_principal(k, cc, &match.client), 0);
	ck_assert_int_eq(krb5_parse_name(k, "krbtgt/SSPI.TEST@SSPI.TEST", &match.server), 0);
	ck_assert_int_eq(krb5_cc_retrieve_cred(k, cc, 0, &match, &tgt), 0);
	ck_assert_uint_ge(body_len, tgt.ticket.length);
	ck_assert_mem_eq(body + body_len - tgt.ticket.length, tgt.ticket.data, tgt.ticket.length);
	krb5_free_cred_contents(k, &tgt);
	krb5_free_cred_contents(k, &match);
	krb5_cc_close(k, cc);
	krb5_free_context(k);

	ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
	ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

/* Without keys a plain AP-REQ cannot be read: SEC_E_NO_CREDENTIALS, as
 * before user-to-user (tests/unit/test_faults.c missing_keytab). */
START_TEST(keyless_server_refuses_plain_kerberos)
{
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, out;
	SecBufferDesc od = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	TimeStamp exp;

	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &c), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0, &cctx,
					     &od, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	acquire_keyless(&s);
	ck_status(asc(&s, &sctx, 1, ob.pvBuffer, ob.cbBuffer, &out), SEC_E_NO_CREDENTIALS);
	ck_status(FreeContextBuffer(ob.pvBuffer), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
}
END_TEST

START_TEST(no_tgt_no_credential)
{
	CredHandle s;
	TimeStamp exp;
	char env[600];

	snprintf(env, sizeof(env), "FILE:%s/nothing.ccache", realm.dir);
	setenv("KRB5CCNAME", env, 1);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL,
					    NULL, NULL, &s, &exp),
		  SEC_E_NO_CREDENTIALS);
}
END_TEST

static SECURITY_STATUS accept_once(const uint8_t *tok, size_t n)
{
	CredHandle s;
	CtxtHandle ctx;
	SecBuffer out;
	SECURITY_STATUS st;

	acquire_keyless(&s);
	st = asc(&s, &ctx, 1, tok, n, &out);
	if (out.pvBuffer != NULL)
		ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
	if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED)
		ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	return st;
}

/* Bad tokens get a status, never a crash: every prefix of a TGT-REQUEST,
 * a wrong TOK_ID or msg-type, junk as the AP-REQ, a changed AP-REQ, and
 * the ticket of another TGT. */
START_TEST(bad_tokens)
{
	struct client c;
	CredHandle s;
	CtxtHandle ctx;
	SecBuffer out;
	uint8_t tok[4096], junk[64];
	size_t n;

	n = tgt_request(16, tok);
	for (size_t i = 0; i < n; i++) {
		SECURITY_STATUS st = accept_once(tok, i);

		ck_assert_msg(st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED,
			      "a TGT-REQUEST cut to %zu bytes was taken", i);
	}
	ck_status(accept_once(tok, n), SEC_I_CONTINUE_NEEDED);
	n = tgt_request(17, tok);
	ck_status(accept_once(tok, n), SEC_E_INVALID_TOKEN);
	n = tgt_request(16, tok);
	tok[15] = 0x02; /* TOK_ID 04 02 */
	ck_status(accept_once(tok, n), SEC_E_INVALID_TOKEN);
	memset(junk, 0x5a, sizeof(junk));
	n = frame(0x0100, junk, sizeof(junk), tok);
	ck_assert_int_ne(accept_once(tok, n), SEC_E_OK);

	/* A real AP-REQ with one byte of its authenticator changed. */
	client_new(&c, "alice@SSPI.TEST", "Alice-Pass-1");
	acquire_keyless(&s);
	n = tgt_request(16, tok);
	ck_status(asc(&s, &ctx, 1, tok, n, &out), SEC_I_CONTINUE_NEEDED);
	n = client_ap_req(&c, out.pvBuffer, out.cbBuffer, "bob@SSPI.TEST", tok);
	ck_status(FreeContextBuffer(out.pvBuffer), SEC_E_OK);
	tok[n - 3] ^= 0x01;
	ck_assert_int_ne(asc(&s, &ctx, 0, tok, n, &out), SEC_E_OK);
	(void)DeleteSecurityContext(&ctx);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	client_free(&c);
}
END_TEST

/* A ticket made with someone else's TGT (alice's own: a ticket for alice,
 * in her TGT's key) is not ours. */
START_TEST(another_tgt_is_refused)
{
	struct client c, other;
	CredHandle s;
	CtxtHandle ctx;
	SecBuffer out;
	uint8_t tok[4096], rep[4096];
	size_t n, rep_len, body_len;
	krb5_creds match, tgt;
	uint8_t body[3000];
	size_t b = 0;

	client_new(&c, "alice@SSPI.TEST", "Alice-Pass-1");
	client_new(&other, "alice@SSPI.TEST", "Alice-Pass-1");
	/* A TGT-REPLY as a server would send, with alice's TGT in it. */
	memset(&match, 0, sizeof(match));
	ck_assert_int_eq(krb5_cc_get_principal(other.k, other.cc, &match.client), 0);
	ck_assert_int_eq(krb5_parse_name(other.k, "krbtgt/SSPI.TEST@SSPI.TEST", &match.server),
			 0);
	ck_assert_int_eq(krb5_cc_retrieve_cred(other.k, other.cc, 0, &match, &tgt), 0);
	ck_assert_uint_lt(tgt.ticket.length, 2000);
	body_len = 10 + 4 + tgt.ticket.length;
	body[b++] = 0x30;
	body[b++] = 0x82;
	body[b++] = (uint8_t)(body_len >> 8);
	body[b++] = (uint8_t)body_len;
	memcpy(body + b, "\xa0\x03\x02\x01\x05\xa1\x03\x02\x01\x11", 10);
	b += 10;
	body[b++] = 0xa2;
	body[b++] = 0x82;
	body[b++] = (uint8_t)(tgt.ticket.length >> 8);
	body[b++] = (uint8_t)tgt.ticket.length;
	memcpy(body + b, tgt.ticket.data, tgt.ticket.length);
	b += tgt.ticket.length;
	rep_len = frame(0x0401, body, b, rep);
	krb5_free_cred_contents(other.k, &tgt);
	krb5_free_cred_contents(other.k, &match);

	n = client_ap_req(&c, rep, rep_len, "alice@SSPI.TEST", tok);
	acquire_keyless(&s);
	ck_assert_int_ne(asc(&s, &ctx, 1, tok, n, &out), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	client_free(&other);
	client_free(&c);
}
END_TEST

static Suite *u2u_suite(void)
{
	Suite *s = suite_create("krb5-u2u");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, keyless_server_takes_user_to_user);
	tcase_add_test(tc, the_reply_carries_the_servers_tgt);
	tcase_add_test(tc, keyless_server_refuses_plain_kerberos);
	tcase_add_test(tc, no_tgt_no_credential);
	tcase_add_test(tc, bad_tokens);
	tcase_add_test(tc, another_tgt_is_refused);
	tcase_add_test(tc, channel_bindings_are_checked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, u2u_suite());
}
