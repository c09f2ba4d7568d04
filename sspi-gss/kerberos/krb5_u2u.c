/*
 * krb5_u2u.c - Kerberos user-to-user as an acceptor (krb5_u2u.h).
 *
 * Why not Heimdal's GSS-API: Heimdal 7.8's krb5 mechanism knows neither
 * the user-to-user OID nor the TGT-REQUEST token, and its acceptor reads
 * the AP-REQ with krb5_rd_req_ctx on an auth context of its own, which
 * refuses an AP-REQ with use-session-key unless that auth context already
 * holds the key ("user to user auth without session key given") — and
 * the mechanism never sets one. So the two legs are done here on the krb5
 * API (krb5_auth_con_setuserkey, krb5_rd_req, krb5_mk_rep), and the
 * result is given to Heimdal as an exported krb5 context
 * (gss_import_sec_context), after which it is an ordinary context.
 *
 * Tokens (draft-swift-win2k-krb-user2user-03 section 2, RFC 2743 3.1
 * framing with the OID 1.2.840.113554.1.2.2.3 and a TOK_ID):
 *   KERB-TGT-REQUEST ::= SEQUENCE { pvno [0] INTEGER (5),
 *       msg-type [1] INTEGER (16), server-name [2] PrincipalName OPTIONAL,
 *       realm [3] Realm OPTIONAL }                           TOK_ID 04 00
 *   KERB-TGT-REPLY ::= SEQUENCE { pvno [0] INTEGER (5),
 *       msg-type [1] INTEGER (17), ticket [2] Ticket }       TOK_ID 04 01
 *   then the AP-REQ (01 00) and the AP-REP (02 00), framed with the same
 *   OID.
 */
#include <gssapi/gssapi_krb5.h>
#include <errno.h>
#include <krb5.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <asn1_err.h>

#include "krb5_u2u.h"
#include "mech.h"
/* ntlm_channel_bindings_hash: RFC 4121's Bnd is the same MD5 of the
 * bindings' flat form as NTLM's MsvAvChannelBindings. */
#include "ntlm.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

const uint8_t sg_u2u_oid[SG_U2U_OID_LEN] = {0x2a, 0x86, 0x48, 0x86, 0xf7,
					     0x12, 0x01, 0x02, 0x02, 0x03};
static const uint8_t krb5_oid[9] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};

#define TOK_AP_REQ 0x0100
#define TOK_AP_REP 0x0200
#define TOK_TGT_REQ 0x0400
#define TOK_TGT_REP 0x0401
#define CKSUMTYPE_GSS 0x8003 /* RFC 4121 4.1.1 */

/* Heimdal 7's exported krb5 context (lib/gssapi/krb5/export_sec_context.c,
 * checked against 7.8): which optional fields follow, and the context's
 * own flags. */
#define SC_KEYBLOCK 0x04
#define SC_LOCAL_SUBKEY 0x08
#define SC_REMOTE_SUBKEY 0x10
#define MORE_OPEN 2
#define MORE_ACCEPTOR_SUBKEY 16
#define ORDER_JITTER_WINDOW 20

struct sg_u2u_cred {
	char *client; /* the TGT's client: the name tickets for us carry */
	uint8_t *ticket;
	size_t ticket_len;
	krb5_enctype keytype;
	uint8_t *key;
	size_t key_len;
};

static void u2u_cred_free(struct sg_u2u_cred *c)
{
	if (c == NULL)
		return;
	if (c->key != NULL)
		sg_wipe(c->key, c->key_len);
	free(c->key);
	free(c->ticket);
	free(c->client);
	free(c);
}

static SECURITY_STATUS u2u_cred_new(const char *principal, struct sg_u2u_cred **out,
				     long long *endtime)
{
	krb5_context k = NULL;
	krb5_ccache cc = NULL;
	krb5_principal me = NULL, want = NULL, tgs = NULL;
	krb5_creds match, creds;
	struct sg_u2u_cred *c = NULL;
	SECURITY_STATUS s = SEC_E_NO_CREDENTIALS;
	const char *realm;
	int have_creds = 0;

	*out = NULL;
	memset(&match, 0, sizeof(match));
	memset(&creds, 0, sizeof(creds));
	if (krb5_init_context(&k) != 0)
		return SEC_E_NO_CREDENTIALS;
	if (krb5_cc_default(k, &cc) != 0 || krb5_cc_get_principal(k, cc, &me) != 0)
		goto out;
	if (principal != NULL &&
	    (krb5_parse_name(k, principal, &want) != 0 || !krb5_principal_compare(k, me, want)))
		goto out;
	realm = krb5_principal_get_realm(k, me);
	if (krb5_make_principal(k, &tgs, realm, KRB5_TGS_NAME, realm, NULL) != 0)
		goto out;
	match.client = me;
	match.server = tgs;
	if (krb5_cc_retrieve_cred(k, cc, 0, &match, &creds) != 0)
		goto out;
	have_creds = 1;
	if ((long long)creds.times.endtime <= (long long)time(NULL)) {
		sg_last_error_set(SEC_E_NO_CREDENTIALS, "Kerberos user-to-user: the ticket-granting "
							"ticket has expired");
		goto out;
	}
	s = SEC_E_INSUFFICIENT_MEMORY;
	c = calloc(1, sizeof(*c));
	if (c == NULL || krb5_unparse_name(k, me, &c->client) != 0)
		goto out;
	c->ticket_len = creds.ticket.length;
	c->key_len = creds.session.keyvalue.length;
	c->keytype = creds.session.keytype;
	c->ticket = malloc(c->ticket_len ? c->ticket_len : 1);
	c->key = malloc(c->key_len ? c->key_len : 1);
	if (c->ticket == NULL || c->key == NULL)
		goto out;
	memcpy(c->ticket, creds.ticket.data, c->ticket_len);
	memcpy(c->key, creds.session.keyvalue.data, c->key_len);
	*endtime = (long long)creds.times.endtime;
	*out = c;
	c = NULL;
	s = SEC_E_OK;
out:
	u2u_cred_free(c);
	if (have_creds)
		krb5_free_cred_contents(k, &creds);
	krb5_free_principal(k, tgs);
	krb5_free_principal(k, want);
	krb5_free_principal(k, me);
	if (cc != NULL)
		krb5_cc_close(k, cc);
	krb5_free_context(k);
	return s;
}

SECURITY_STATUS sg_u2u_acquire(struct sg_cred *cred, const char *principal,
			       SECURITY_STATUS keyless)
{
	struct sg_u2u_cred *c;
	long long endtime = 0, now = (long long)time(NULL);

	if (cred->use != SECPKG_CRED_INBOUND || cred->gss != GSS_C_NO_CREDENTIAL ||
	    cred->mech != NULL || u2u_cred_new(principal, &c, &endtime) != SEC_E_OK)
		return keyless;
	cred->mech = c;
	cred->expiry = sg_timestamp_in(endtime > now ? (OM_uint32)(endtime - now) : 0);
	/* A server that meant to use a keytab should see that it did not. */
	if (SG_TRACING())
		sg_trace_note("Kerberos: no service keys; the credential takes user-to-user logons "
			      "with the ticket-granting ticket of %s",
			      c->client);
	return SEC_E_OK;
}

int sg_u2u_cred_is(const struct sg_cred *cred)
{
	return cred != NULL && cred->use == SECPKG_CRED_INBOUND &&
	       cred->gss == GSS_C_NO_CREDENTIAL && cred->mech != NULL && cred->owner == NULL;
}

SECURITY_STATUS sg_u2u_cred_name(const struct sg_cred *cred, char **name)
{
	const struct sg_u2u_cred *c = cred->mech;

	*name = strdup(c->client);
	return *name != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

void sg_u2u_release(struct sg_cred *cred)
{
	if (!sg_u2u_cred_is(cred))
		return;
	u2u_cred_free(cred->mech);
	cred->mech = NULL;
}

/* ---- framing ---- */

/* A DER length at p: its value and the bytes it took; -1 if malformed. */
static int der_len(const uint8_t *p, size_t n, size_t *len, size_t *used)
{
	size_t k, v = 0;

	if (n < 1)
		return -1;
	if (p[0] < 0x80) {
		*len = p[0];
		*used = 1;
		return 0;
	}
	k = p[0] & 0x7f;
	if (k == 0 || k > 4 || n < 1 + k)
		return -1;
	for (size_t i = 0; i < k; i++)
		v = v << 8 | p[1 + i];
	*len = v;
	*used = 1 + k;
	return 0;
}

static size_t der_len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : len < 0x1000000 ? 4 : 5;
}

static uint8_t *put_len(uint8_t *p, size_t len)
{
	size_t k = der_len_size(len) - 1;

	if (k == 0) {
		*p++ = (uint8_t)len;
		return p;
	}
	*p++ = (uint8_t)(0x80 | k);
	while (k-- > 0)
		*p++ = (uint8_t)(len >> (8 * k));
	return p;
}

/* The TOK_ID and the body of a token framed with the user-to-user OID. */
static int unframe(const uint8_t *p, size_t n, unsigned *tok_id, const uint8_t **body,
		   size_t *body_len)
{
	size_t len, used;

	if (n < 2 || p[0] != 0x60 || der_len(p + 1, n - 1, &len, &used) != 0 ||
	    len != n - 1 - used)
		return -1;
	p += 1 + used;
	n = len;
	if (n < 2 + SG_U2U_OID_LEN + 2 || p[0] != 0x06 || p[1] != SG_U2U_OID_LEN ||
	    memcmp(p + 2, sg_u2u_oid, SG_U2U_OID_LEN) != 0)
		return -1;
	p += 2 + SG_U2U_OID_LEN;
	n -= 2 + SG_U2U_OID_LEN;
	*tok_id = (unsigned)p[0] << 8 | p[1];
	*body = p + 2;
	*body_len = n - 2;
	return 0;
}

static SECURITY_STATUS frame(unsigned tok_id, const uint8_t *body, size_t body_len,
			     gss_buffer_t out)
{
	size_t inner = 2 + SG_U2U_OID_LEN + 2 + body_len;
	uint8_t *p = malloc(1 + der_len_size(inner) + inner), *q = p;

	if (p == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	*q++ = 0x60;
	q = put_len(q, inner);
	*q++ = 0x06;
	*q++ = SG_U2U_OID_LEN;
	memcpy(q, sg_u2u_oid, SG_U2U_OID_LEN);
	q += SG_U2U_OID_LEN;
	*q++ = (uint8_t)(tok_id >> 8);
	*q++ = (uint8_t)tok_id;
	memcpy(q, body, body_len);
	out->value = p;
	out->length = (size_t)(q - p) + body_len;
	return SEC_E_OK;
}

/* ---- TGT-REQUEST, TGT-REPLY ---- */

static const uint8_t tgt_req_head[10] = {0xa0, 0x03, 0x02, 0x01, 0x05,  /* pvno 5 */
					 0xa1, 0x03, 0x02, 0x01, 0x10}; /* msg-type 16 */
static const uint8_t tgt_rep_head[10] = {0xa0, 0x03, 0x02, 0x01, 0x05,  /* pvno 5 */
					 0xa1, 0x03, 0x02, 0x01, 0x11}; /* msg-type 17 */

/* A KERB-TGT-REQUEST: a SEQUENCE filling the body that starts with pvno 5
 * and msg-type 16 (the server name that may follow is the client's idea
 * of us; the ticket will name the TGT's client whatever it says). */
static int tgt_request(const uint8_t *p, size_t n)
{
	size_t len, used;

	if (n < 2 || p[0] != 0x30 || der_len(p + 1, n - 1, &len, &used) != 0 ||
	    len != n - 1 - used || len < sizeof(tgt_req_head))
		return -1;
	return memcmp(p + 1 + used, tgt_req_head, sizeof(tgt_req_head)) == 0 ? 0 : -1;
}

static SECURITY_STATUS tgt_reply(const struct sg_u2u_cred *c, gss_buffer_t out)
{
	size_t field = 1 + der_len_size(c->ticket_len) + c->ticket_len;
	size_t seq = sizeof(tgt_rep_head) + field;
	size_t total = 1 + der_len_size(seq) + seq;
	uint8_t *body = malloc(total), *q = body;
	SECURITY_STATUS s;

	if (body == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	*q++ = 0x30;
	q = put_len(q, seq);
	memcpy(q, tgt_rep_head, sizeof(tgt_rep_head));
	q += sizeof(tgt_rep_head);
	*q++ = 0xa2; /* ticket [2] */
	q = put_len(q, c->ticket_len);
	memcpy(q, c->ticket, c->ticket_len);
	s = frame(TOK_TGT_REP, body, total, out);
	free(body);
	return s;
}

/* ---- the AP-REQ, and the context it makes ---- */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* RFC 4121 4.1.1.2: the checksum's channel-binding hash (Bnd) against the
 * acceptor's bindings, as Heimdal's acceptor checks it: no bindings on
 * either side, or all zeros from the client, pass; otherwise the MD5 of
 * the bindings (RFC 1964's flat form, the same MD5 NTLM's
 * MsvAvChannelBindings carries) must match. 0, or -1 on a mismatch. */
static int bindings_match(const krb5_authenticator a, gss_channel_bindings_t cb)
{
	static const uint8_t zero[16];
	uint8_t want[16];
	const uint8_t *bnd = (const uint8_t *)a->cksum->checksum.data + 4;

	if (cb == GSS_C_NO_CHANNEL_BINDINGS || memcmp(bnd, zero, 16) == 0)
		return 0;
	ntlm_channel_bindings_hash(cb, want);
	return memcmp(bnd, want, 16) == 0 ? 0 : -1;
}

/* The GSS flags of an RFC 4121 4.1.1 checksum, or -1. Delegation and DCE
 * style are not taken here. */
static long gss_checksum_flags(const krb5_authenticator a)
{
	const uint8_t *d;

	if (a->cksum == NULL || a->cksum->cksumtype != CKSUMTYPE_GSS ||
	    a->cksum->checksum.length < 24)
		return -1;
	d = a->cksum->checksum.data;
	if (le32(d) != 16)
		return -1;
	return (long)(le32(d + 20) & (GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
				      GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG));
}

/* RFC 2743 3.2 exported name of a krb5 principal. */
static krb5_error_code store_name(krb5_context k, krb5_storage *sp, krb5_const_principal p)
{
	char *name = NULL;
	krb5_error_code e = krb5_unparse_name(k, p, &name);
	size_t n, len;
	uint8_t *buf, *q;
	krb5_data d;

	if (e != 0)
		return e;
	n = strlen(name);
	len = 2 + 2 + 2 + sizeof(krb5_oid) + 4 + n;
	buf = q = malloc(len);
	if (buf == NULL) {
		krb5_xfree(name);
		return ENOMEM;
	}
	*q++ = 0x04;
	*q++ = 0x01;
	*q++ = 0x00;
	*q++ = 2 + sizeof(krb5_oid);
	*q++ = 0x06;
	*q++ = sizeof(krb5_oid);
	memcpy(q, krb5_oid, sizeof(krb5_oid));
	q += sizeof(krb5_oid);
	*q++ = (uint8_t)(n >> 24);
	*q++ = (uint8_t)(n >> 16);
	*q++ = (uint8_t)(n >> 8);
	*q++ = (uint8_t)n;
	memcpy(q, name, n);
	krb5_xfree(name);
	d.length = len;
	d.data = buf;
	e = krb5_store_data(sp, d);
	free(buf);
	return e;
}

/* The acceptor's context in Heimdal 7's export layout, behind the
 * mechglue's OID prefix, imported as a GSS context. */
static krb5_error_code make_context(krb5_context k, krb5_auth_context ac, krb5_ticket *t,
				    OM_uint32 flags, int subkey, gss_ctx_id_t *gss)
{
	krb5_storage *sp = krb5_storage_emem();
	krb5_keyblock *key = NULL, *local = NULL, *remote = NULL;
	int32_t ac_flags = 0, local_seq = 0, remote_seq = 0;
	krb5_keytype keytype = 0;
	krb5_cksumtype cksumtype = 0;
	krb5_data blob = {0, NULL};
	gss_buffer_desc token = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	krb5_error_code e;
	int32_t sc = 0;
	uint8_t *p;

	if (sp == NULL)
		return ENOMEM;
	e = krb5_auth_con_getkey(k, ac, &key);
	if (e == 0 && subkey)
		e = krb5_auth_con_getlocalsubkey(k, ac, &local);
	if (e == 0)
		(void)krb5_auth_con_getremotesubkey(k, ac, &remote);
	if (e == 0)
		e = krb5_auth_con_getflags(k, ac, &ac_flags);
	if (e == 0)
		e = krb5_auth_con_getlocalseqnumber(k, ac, &local_seq);
	if (e == 0)
		e = krb5_auth_con_getremoteseqnumber(k, ac, &remote_seq);
	if (e == 0)
		e = krb5_auth_con_getkeytype(k, ac, &keytype);
	if (e == 0)
		e = krb5_auth_con_getcksumtype(k, ac, &cksumtype);
	if (e != 0 || key == NULL)
		goto out;
	/* Without mutual authentication there is no AP-REP to carry our
	 * sequence number: both directions start at the client's (as
	 * Heimdal's acceptor does). */
	if (!(flags & GSS_C_MUTUAL_FLAG))
		local_seq = remote_seq;
	sc = SC_KEYBLOCK | (local != NULL ? SC_LOCAL_SUBKEY : 0) |
	     (remote != NULL ? SC_REMOTE_SUBKEY : 0);
	if ((e = krb5_store_int32(sp, sc)) != 0 || (e = krb5_store_int32(sp, ac_flags)) != 0 ||
	    (e = krb5_store_int16(sp, 0)) != 0 || (e = krb5_store_int16(sp, 0)) != 0 ||
	    (e = krb5_store_keyblock(sp, *key)) != 0 ||
	    (local != NULL && (e = krb5_store_keyblock(sp, *local)) != 0) ||
	    (remote != NULL && (e = krb5_store_keyblock(sp, *remote)) != 0) ||
	    (e = krb5_store_int32(sp, local_seq)) != 0 ||
	    (e = krb5_store_int32(sp, remote_seq)) != 0 ||
	    (e = krb5_store_int32(sp, keytype)) != 0 ||
	    (e = krb5_store_int32(sp, cksumtype)) != 0 ||
	    (e = store_name(k, sp, t->client)) != 0 || (e = store_name(k, sp, t->server)) != 0 ||
	    (e = krb5_store_int32(sp, (int32_t)(flags | GSS_C_TRANS_FLAG))) != 0 ||
	    (e = krb5_store_int32(sp, MORE_OPEN | (local != NULL ? MORE_ACCEPTOR_SUBKEY : 0))) != 0 ||
	    (e = krb5_store_int32(sp, (int32_t)t->ticket.endtime)) != 0)
		goto out;
	/* The replay and sequence window (lib/gssapi/krb5/sequence.c): flags,
	 * start, length, jitter window, first number, then the window. */
	if ((e = krb5_store_int32(sp, (int32_t)(flags & (GSS_C_SEQUENCE_FLAG |
							  GSS_C_REPLAY_FLAG)))) != 0 ||
	    (e = krb5_store_int32(sp, 0)) != 0 || (e = krb5_store_int32(sp, 0)) != 0 ||
	    (e = krb5_store_int32(sp, ORDER_JITTER_WINDOW)) != 0 ||
	    (e = krb5_store_int32(sp, remote_seq)) != 0)
		goto out;
	for (int i = 0; i < ORDER_JITTER_WINDOW; i++)
		if ((e = krb5_store_int32(sp, i == 0 ? remote_seq - 1 : 0)) != 0)
			goto out;
	if ((e = krb5_storage_to_data(sp, &blob)) != 0)
		goto out;
	token.length = 2 + sizeof(krb5_oid) + blob.length;
	token.value = p = malloc(token.length);
	if (p == NULL) {
		e = ENOMEM;
		goto out;
	}
	p[0] = 0;
	p[1] = sizeof(krb5_oid);
	memcpy(p + 2, krb5_oid, sizeof(krb5_oid));
	memcpy(p + 2 + sizeof(krb5_oid), blob.data, blob.length);
	major = gss_import_sec_context(&minor, &token, gss);
	if (GSS_ERROR(major))
		e = minor != 0 ? (krb5_error_code)minor : KRB5KRB_ERR_GENERIC;
out:
	if (token.value != NULL) {
		sg_wipe(token.value, token.length);
		free(token.value);
	}
	if (blob.data != NULL) {
		sg_wipe(blob.data, blob.length);
		krb5_data_free(&blob);
	}
	krb5_free_keyblock(k, key);
	krb5_free_keyblock(k, local);
	krb5_free_keyblock(k, remote);
	krb5_storage_free(sp);
	return e;
}

static SECURITY_STATUS refused(krb5_context k, krb5_error_code e, const char *what)
{
	SECURITY_STATUS s = sg_status_from_krb5(e);
	const char *text = krb5_get_error_message(k, e);

	sg_last_error_set(s, "Kerberos user-to-user: %s: %s", what, text);
	krb5_free_error_message(k, text);
	return s;
}

static SECURITY_STATUS ap_request(const struct sg_u2u_cred *c, const uint8_t *body,
				  size_t body_len, gss_channel_bindings_t cb, gss_buffer_t out,
				  gss_ctx_id_t *gss, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	krb5_context k = NULL;
	krb5_auth_context ac = NULL;
	krb5_keyblock key;
	krb5_data req = {body_len, (void *)body}, rep = {0, NULL};
	krb5_flags ap_options = 0;
	krb5_ticket *t = NULL;
	krb5_authenticator a = NULL;
	krb5_principal me = NULL;
	SECURITY_STATUS s;
	krb5_error_code e;
	long flags;
	time_t now;

	if (krb5_init_context(&k) != 0)
		return SEC_E_INTERNAL_ERROR;
	key.keytype = c->keytype;
	key.keyvalue.length = c->key_len;
	key.keyvalue.data = c->key;
	if ((e = krb5_auth_con_init(k, &ac)) != 0 ||
	    (e = krb5_auth_con_setuserkey(k, ac, &key)) != 0) {
		s = refused(k, e, "auth context");
		goto out;
	}
	/* No keytab: the ticket is in the TGT's session key, which the auth
	 * context holds (use-session-key or not). */
	if ((e = krb5_rd_req(k, &ac, &req, NULL, NULL, &ap_options, &t)) != 0) {
		s = refused(k, e, "the AP-REQ");
		/* Not an AP-REQ at all: a damaged token, as on the Heimdal
		 * path, not an error of ours. */
		if ((e >= ERROR_TABLE_BASE_asn1 && e < ERROR_TABLE_BASE_asn1 + 256) ||
		    e == KRB5KRB_AP_ERR_MSG_TYPE || e == KRB5KRB_AP_ERR_BADVERSION)
			s = SEC_E_INVALID_TOKEN;
		goto out;
	}
	if ((e = krb5_parse_name(k, c->client, &me)) != 0 ||
	    !krb5_principal_compare(k, me, t->server)) {
		s = refused(k, e != 0 ? e : KRB5KRB_AP_ERR_NOT_US, "the ticket's server");
		goto out;
	}
	if ((e = krb5_auth_con_getauthenticator(k, ac, &a)) != 0) {
		s = refused(k, e, "the authenticator");
		goto out;
	}
	flags = gss_checksum_flags(a);
	if (flags < 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "Kerberos user-to-user: the authenticator "
						       "has no GSS-API checksum (RFC 4121 4.1.1)");
		s = SEC_E_INVALID_TOKEN;
		goto out;
	}
	if (bindings_match(a, cb) != 0) {
		sg_last_error_set(SEC_E_BAD_BINDINGS, "Kerberos user-to-user: the client's channel "
						      "bindings are not the server's");
		s = SEC_E_BAD_BINDINGS;
		goto out;
	}
	if (flags & GSS_C_MUTUAL_FLAG) {
		/* Our sequence number in the AP-REP, and for the RFC 4121
		 * enctypes an acceptor subkey of our own, as Heimdal's acceptor
		 * makes; for the older ones (rc4-hmac, des3) the initiator's
		 * subkey is kept as ours, as Heimdal's acceptor does "to match
		 * Windows" and MIT's initiator expects. */
		krb5_keyblock *remote = NULL;
		krb5_enctype etype = t->ticket.key.keytype;
		int cfx = etype != ETYPE_ARCFOUR_HMAC_MD5 && etype != ETYPE_ARCFOUR_HMAC_MD5_56 &&
			  etype != ETYPE_DES3_CBC_SHA1 && etype != ETYPE_DES3_CBC_MD5;

		if (!cfx && krb5_auth_con_getremotesubkey(k, ac, &remote) == 0 && remote != NULL) {
			e = krb5_auth_con_setlocalsubkey(k, ac, remote);
			krb5_free_keyblock(k, remote);
			if (e != 0) {
				s = refused(k, e, "the AP-REP");
				goto out;
			}
		}
		krb5_auth_con_addflags(k, ac,
				       (cfx ? KRB5_AUTH_CONTEXT_USE_SUBKEY : 0) |
					       KRB5_AUTH_CONTEXT_DO_SEQUENCE,
				       NULL);
		if ((e = krb5_mk_rep(k, ac, &rep)) != 0) {
			s = refused(k, e, "the AP-REP");
			goto out;
		}
		s = frame(TOK_AP_REP, rep.data, rep.length, out);
		if (s != SEC_E_OK)
			goto out;
	}
	e = make_context(k, ac, t, (OM_uint32)flags, (flags & GSS_C_MUTUAL_FLAG) != 0, gss);
	if (e != 0) {
		OM_uint32 minor;

		gss_release_buffer(&minor, out);
		s = refused(k, e, "the GSS-API context");
		goto out;
	}
	*gss_flags = (OM_uint32)flags | GSS_C_TRANS_FLAG;
	now = time(NULL);
	*lifetime = (long long)t->ticket.endtime > (long long)now
			    ? (OM_uint32)((long long)t->ticket.endtime - (long long)now)
			    : 0;
	s = SEC_E_OK;
out:
	krb5_data_free(&rep);
	if (a != NULL)
		krb5_free_authenticator(k, &a);
	krb5_free_principal(k, me);
	if (t != NULL)
		krb5_free_ticket(k, t);
	if (ac != NULL)
		krb5_auth_con_free(k, ac);
	krb5_free_context(k);
	return s;
}

SECURITY_STATUS sg_u2u_accept(struct sg_cred *cred, const gss_buffer_t in,
			      gss_channel_bindings_t cb, gss_buffer_t out, gss_ctx_id_t *gss,
			      OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	const struct sg_u2u_cred *c = cred->mech;
	const uint8_t *body;
	size_t body_len;
	unsigned tok_id;

	out->length = 0;
	out->value = NULL;
	if (*gss != GSS_C_NO_CONTEXT)
		return SEC_E_OUT_OF_SEQUENCE;
	if (in == NULL || in->value == NULL ||
	    unframe(in->value, in->length, &tok_id, &body, &body_len) != 0) {
		sg_last_error_set(SEC_E_NO_CREDENTIALS,
				  "Kerberos: this acceptor has no keys (no keytab), only a "
				  "ticket-granting ticket: it takes Kerberos user-to-user "
				  "(1.2.840.113554.1.2.2.3) only");
		return SEC_E_NO_CREDENTIALS;
	}
	switch (tok_id) {
	case TOK_TGT_REQ:
		if (tgt_request(body, body_len) != 0)
			break;
		{
			SECURITY_STATUS s = tgt_reply(c, out);

			return s == SEC_E_OK ? SEC_I_CONTINUE_NEEDED : s;
		}
	case TOK_AP_REQ:
		return ap_request(c, body, body_len, cb, out, gss, gss_flags, lifetime);
	default:
		break;
	}
	sg_last_error_set(SEC_E_INVALID_TOKEN, "Kerberos user-to-user: token 0x%04x is neither a "
					       "well-formed TGT-REQUEST nor an AP-REQ",
			  tok_id);
	return SEC_E_INVALID_TOKEN;
}
