/*
 * test_negotiate.c - the Negotiate package against the throwaway realm:
 * Kerberos chosen when it can be used, NTLM when the target is unknown to
 * the KDC, an IP address, or the KDC is down; PackageList; sign and seal
 * after either choice; the mechListMIC altered either way; raw Kerberos
 * and NTLM tokens sent to a Negotiate acceptor; damaged tokens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerberos_util.h"
#include "spnego.h"

static struct realm realm;

#define NEGO_REQ (ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | \
		  ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT)
#define NEGO_ASC (ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY | \
		  ASC_REQ_SEQUENCE_DETECT | ASC_REQ_REPLAY_DETECT)

static SECURITY_STATUS client(const char *package, const char *pw, const char *package_list,
			      CredHandle *cred)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION,
		.Length = sizeof(id),
		.User = (UCHAR *)"alice",
		.UserLength = 5,
		.Domain = (UCHAR *)"SSPI.TEST",
		.DomainLength = 9,
		.Password = (UCHAR *)pw,
		.PasswordLength = (ULONG)strlen(pw),
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
		.PackageList = (UCHAR *)package_list,
		.PackageListLength = package_list ? (ULONG)strlen(package_list) : 0,
	};
	TimeStamp exp;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL, &id,
					 NULL, NULL, cred, &exp);
}

static void server(CredHandle *cred)
{
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, cred, &exp),
		  SEC_E_OK);
}

static void ck_package(CtxtHandle *ctx, const char *want)
{
	SecPkgContext_PackageInfoA pi;
	SecPkgContext_NegotiationInfoA ni;

	ck_status(QueryContextAttributesA(ctx, SECPKG_ATTR_PACKAGE_INFO, &pi), SEC_E_OK);
	ck_assert_str_eq(pi.PackageInfo->Name, want);
	FreeContextBuffer(pi.PackageInfo);
	ck_status(QueryContextAttributesA(ctx, SECPKG_ATTR_NEGOTIATION_INFO, &ni), SEC_E_OK);
	ck_assert_str_eq(ni.PackageInfo->Name, want);
	ck_assert_uint_eq(ni.NegotiationState, SECPKG_NEGOTIATION_COMPLETE);
	FreeContextBuffer(ni.PackageInfo);
}

static void sign_and_verify(CtxtHandle *from, CtxtHandle *to)
{
	unsigned char sig[64], data[] = "signed, not sealed";
	SecBuffer b[2] = {{sizeof(data), SECBUFFER_DATA, data}, {sizeof(sig), SECBUFFER_TOKEN, sig}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	ULONG qop;

	ck_status(MakeSignature(from, 0, &d, 0), SEC_E_OK);
	ck_status(VerifySignature(to, &d, 0, &qop), SEC_E_OK);
	data[0] ^= 1;
	b[1].cbBuffer = sizeof(sig);
	ck_status(MakeSignature(from, 0, &d, 0), SEC_E_OK);
	data[0] ^= 2;
	ck_status(VerifySignature(to, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
}

/* A whole Negotiate exchange; the package it chose, both sides, and
 * messages both ways. */
static void negotiate_to(const char *target, const char *package_list, const char *want,
			 int legs)
{
	struct loop o = {.target = target, .isc_req = NEGO_REQ, .asc_req = NEGO_ASC};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG ca, sa;
	SecPkgContext_NamesA names;

	ck_status(client("Negotiate", "Alice-Pass-1", package_list, &c), SEC_E_OK);
	server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	ck_assert_int_eq(o.legs, legs);
	ck_package(&cc, want);
	ck_package(&sc, want);
	ck_assert(ca & ISC_RET_CONFIDENTIALITY);
	ck_assert(sa & ASC_RET_CONFIDENTIALITY);
	ck_status(QueryContextAttributesA(&sc, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, strcmp(want, "Kerberos") == 0 ? "alice@SSPI.TEST"
									 : "SSPI.TEST\\alice");
	FreeContextBuffer(names.sUserName);
	for (int i = 0; i < 3; i++) {
		seal_and_open(&cc, &sc, 0);
		seal_and_open(&sc, &cc, 0);
	}
	sign_and_verify(&cc, &sc);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}

START_TEST(kerberos_when_it_works)
{
	/* NegTokenInit with the AP-REQ; the answer with the AP-REP. */
	negotiate_to("HTTP/localhost", NULL, "Kerberos", 2);
}
END_TEST

START_TEST(ntlm_when_the_kdc_does_not_know_the_target)
{
	/* NEGOTIATE, CHALLENGE, AUTHENTICATE + MIC, accept + MIC. */
	negotiate_to("HTTP/nowhere", NULL, "NTLM", 4);
}
END_TEST

START_TEST(ntlm_for_an_address)
{
	negotiate_to("HTTP/127.0.0.1", NULL, "NTLM", 4);
	negotiate_to("HTTP/[::1]:8080", NULL, "NTLM", 4);
}
END_TEST

START_TEST(ntlm_when_the_kdc_is_down)
{
	realm_kdc_stop(&realm);
	negotiate_to("HTTP/localhost", NULL, "NTLM", 4);
	ck_assert_int_eq(realm_kdc_start(&realm), 0);
	negotiate_to("HTTP/localhost", NULL, "Kerberos", 2);
}
END_TEST

START_TEST(package_list)
{
	CredHandle c;
	CtxtHandle cc;
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
	ULONG attrs;
	TimeStamp exp;

	negotiate_to("HTTP/localhost", "NTLM", "NTLM", 4);
	negotiate_to("HTTP/localhost", "!NTLM", "Kerberos", 2);
	negotiate_to("HTTP/localhost", " Kerberos , NTLM ", "Kerberos", 2);
	/* Without NTLM, an unknown target is just that. */
	ck_status(client("Negotiate", "Alice-Pass-1", "Kerberos", &c), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/nowhere",
					     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0,
					     SECURITY_NATIVE_DREP, NULL, 0, &cc, &out, &attrs, &exp),
		  SEC_E_TARGET_UNKNOWN);
	FreeCredentialsHandle(&c);
	/* A list that leaves nothing. */
	ck_assert_int_ne(client("Negotiate", "Alice-Pass-1", "!NTLM,!Kerberos", &c), SEC_E_OK);
}
END_TEST

START_TEST(wrong_password_is_denied)
{
	struct loop o = {.target = "HTTP/localhost", .isc_req = NEGO_REQ, .asc_req = NEGO_ASC};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG ca, sa;
	SECURITY_STATUS st;

	/* The KDC refuses the password at the first InitializeSecurityContext
	 * (AcquireCredentialsHandle asks no KDC, as on Windows), with its
	 * reason: that is the answer, and NTLM is not tried behind it. */
	ck_status(client("Negotiate", "wrong", NULL, &c), SEC_E_OK);
	server(&s);
	st = handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa);
	ck_status(st, SEC_E_LOGON_DENIED);
	ck_assert_int_eq(o.failed_side, 'c');
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "reauth") != NULL, "last error: %s",
		      SspiGssGetLastErrorText());
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
	/* With NTLM alone allowed, the server is the one to refuse. */
	ck_status(client("Negotiate", "wrong", "NTLM", &c), SEC_E_OK);
	server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_LOGON_DENIED);
	ck_assert_int_eq(o.failed_side, 's');
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* Drives an NTLM Negotiate exchange by hand, flipping one byte of the
 * mechListMIC in the client's (which = 'c') or the server's ('s') token. */
static void altered_mic(char which)
{
	CredHandle c, s;
	CtxtHandle cc, sc;
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL}, in;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
	ULONG attrs, req = NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, areq = NEGO_ASC | ASC_REQ_ALLOCATE_MEMORY;
	TimeStamp exp;

	ck_status(client("Negotiate", "Alice-Pass-1", "NTLM", &c), SEC_E_OK);
	server(&s);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost", req, 0, 0, NULL, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	in = ct;
	ck_status(AcceptSecurityContext(&s, NULL, &ind, areq, 0, &sc, &sout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ct.pvBuffer);
	in = st;
	ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&c, &cc, "HTTP/localhost", req, 0, 0, &ind, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(st.pvBuffer);
	/* The MIC is the token's last 16 bytes (NTLM signature). */
	if (which == 'c')
		((unsigned char *)ct.pvBuffer)[ct.cbBuffer - 5] ^= 0x40;
	in = ct;
	st = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	if (which == 'c') {
		ck_status(AcceptSecurityContext(&s, &sc, &ind, areq, 0, &sc, &sout, &attrs, &exp),
			  SEC_E_MESSAGE_ALTERED);
		ck_assert(strstr(SspiGssGetLastErrorText(), "mechListMIC") != NULL);
	} else {
		ck_status(AcceptSecurityContext(&s, &sc, &ind, areq, 0, &sc, &sout, &attrs, &exp),
			  SEC_E_OK);
		((unsigned char *)st.pvBuffer)[st.cbBuffer - 5] ^= 0x40;
		in = st;
		ck_status(InitializeSecurityContextA(&c, &cc, "HTTP/localhost", req, 0, 0, &ind, 0,
						     &cc, &cout, &attrs, &exp),
			  SEC_E_MESSAGE_ALTERED);
		FreeContextBuffer(st.pvBuffer);
	}
	FreeContextBuffer(ct.pvBuffer);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}

START_TEST(altered_mech_list_mic)
{
	altered_mic('c');
	altered_mic('s');
}
END_TEST

/* Clients that skip SPNEGO: their raw tokens, and raw answers. */
static void raw_client(const char *package, const char *want, int legs)
{
	struct loop o = {.target = "HTTP/localhost", .isc_req = NEGO_REQ, .asc_req = NEGO_ASC};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG ca, sa;

	ck_status(client(package, "Alice-Pass-1", NULL, &c), SEC_E_OK);
	server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	ck_assert_int_eq(o.legs, legs);
	ck_package(&sc, want);
	seal_and_open(&cc, &sc, 0);
	seal_and_open(&sc, &cc, 0);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}

START_TEST(raw_tokens_to_a_negotiate_server)
{
	raw_client("Kerberos", "Kerberos", 2);
	raw_client("NTLM", "NTLM", 3);
}
END_TEST

START_TEST(damaged_tokens)
{
	static unsigned char junk[] = {0x60, 0x03, 0x06, 0x01, 0x00};
	static unsigned char resp_junk[] = {0xa1, 0x03, 0x30, 0x01, 0x00};
	CredHandle c, s;
	CtxtHandle cc, sc;
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL}, in;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
	ULONG attrs, req = NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, areq = NEGO_ASC | ASC_REQ_ALLOCATE_MEMORY;
	TimeStamp exp;

	server(&s);
	in = (SecBuffer){sizeof(junk), SECBUFFER_TOKEN, junk};
	ck_status(AcceptSecurityContext(&s, NULL, &ind, areq, 0, &sc, &sout, &attrs, &exp),
		  SEC_E_INVALID_TOKEN);
	ck_status(client("Negotiate", "Alice-Pass-1", "NTLM", &c), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost", req, 0, 0, NULL, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	in = ct;
	ck_status(AcceptSecurityContext(&s, NULL, &ind, areq, 0, &sc, &sout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ct.pvBuffer);
	FreeContextBuffer(st.pvBuffer);
	/* Junk at the second leg of both sides; the contexts stay and are
	 * deleted normally. */
	in = (SecBuffer){sizeof(resp_junk), SECBUFFER_TOKEN, resp_junk};
	ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&c, &cc, "HTTP/localhost", req, 0, 0, &ind, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_E_INVALID_TOKEN);
	st = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(AcceptSecurityContext(&s, &sc, &ind, areq, 0, &sc, &sout, &attrs, &exp),
		  SEC_E_INVALID_TOKEN);
	ck_status(DeleteSecurityContext(&cc), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sc), SEC_E_OK);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* A client that lists Microsoft's legacy Kerberos OID first (as Windows
 * does) with a Kerberos AP-REQ: accepted, and answered in its own OID. */
/* Every pair of packages: a context of one continued with a credential of
 * another is refused before either package runs, on both sides, and the
 * context stays as it was (deleted normally afterwards). */
START_TEST(credentials_of_another_package)
{
	static const char *const pkgs[] = {"Kerberos", "NTLM", "Negotiate"};
	CredHandle cc[3], sc[3];
	TimeStamp exp;

	for (int i = 0; i < 3; i++) {
		ck_status(client(pkgs[i], "Alice-Pass-1", NULL, &cc[i]), SEC_E_OK);
		ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkgs[i], SECPKG_CRED_INBOUND,
						    NULL, NULL, NULL, NULL, &sc[i], &exp),
			  SEC_E_OK);
	}
	for (int x = 0; x < 3; x++)
		for (int y = 0; y < 3; y++) {
			SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL};
			SecBuffer again = {0, SECBUFFER_TOKEN, NULL};
			SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct};
			SecBufferDesc sout = {SECBUFFER_VERSION, 1, &st};
			SecBufferDesc cin = {SECBUFFER_VERSION, 1, &ct};
			SecBufferDesc aout = {SECBUFFER_VERSION, 1, &again};
			CtxtHandle cctx, sctx;
			ULONG attrs;
			SECURITY_STATUS ss;

			if (x == y)
				continue;
			ck_status(InitializeSecurityContextA(&cc[x], NULL, "HTTP/localhost",
							     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0,
							     0, NULL, 0, &cctx, &cout, &attrs, &exp),
				  SEC_I_CONTINUE_NEEDED);
			ss = AcceptSecurityContext(&sc[x], NULL, &cin, ASC_REQ_ALLOCATE_MEMORY, 0,
						   &sctx, &sout, &attrs, &exp);
			ck_assert_msg(ss == SEC_E_OK || ss == SEC_I_CONTINUE_NEEDED, "%s: 0x%08X",
				      pkgs[x], (unsigned)ss);
			ck_status(InitializeSecurityContextA(&cc[y], &cctx, "HTTP/localhost",
							     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0,
							     0, &cin, 0, &cctx, &aout, &attrs, &exp),
				  SEC_E_WRONG_CREDENTIAL_HANDLE);
			ck_status(AcceptSecurityContext(&sc[y], &sctx, &cin, ASC_REQ_ALLOCATE_MEMORY,
							0, &sctx, &aout, &attrs, &exp),
				  SEC_E_WRONG_CREDENTIAL_HANDLE);
			FreeContextBuffer(ct.pvBuffer);
			if (st.pvBuffer != NULL)
				FreeContextBuffer(st.pvBuffer);
			ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
			ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
		}
	for (int i = 0; i < 3; i++) {
		ck_status(FreeCredentialsHandle(&cc[i]), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&sc[i]), SEC_E_OK);
	}
}
END_TEST

/*
 * The SPNEGO rule table (docs/negotiate.md), leg by leg: for each case,
 * which side sends which negState, a mechanism token, a mechListMIC, and
 * what each call returns. Tokens are read with our codec.
 */
struct leg {
	char side;            /* 'c' or 's' */
	SECURITY_STATUS status;
	int init;             /* a NegTokenInit (the client's first) */
	enum spnego_state state;
	int token, mic, mech; /* responseToken / mechListMIC / supportedMech present */
};

static void describe(const SecBuffer *b, char side, SECURITY_STATUS st, struct leg *l)
{
	struct spnego_init init;
	struct spnego_resp r;

	memset(l, 0, sizeof(*l));
	l->side = side;
	l->status = st;
	l->state = SPNEGO_ABSENT;
	if (b->cbBuffer == 0)
		return;
	if (spnego_decode_init(b->pvBuffer, b->cbBuffer, &init) == 0) {
		l->init = 1;
		l->token = init.mech_token.data != NULL;
		l->mic = init.mech_list_mic.data != NULL;
	} else {
		ck_assert_int_eq(spnego_decode_resp(b->pvBuffer, b->cbBuffer, &r), 0);
		l->state = r.state;
		l->token = r.response_token.data != NULL;
		l->mic = r.mech_list_mic.data != NULL;
		l->mech = r.supported_mech.data != NULL;
	}
}

/* Runs the exchange; legs[] gets each call's output, n their number. */
static void drive(CredHandle *c, CredHandle *s, const char *target, struct leg *legs, int *n)
{
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL}, in;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
	ULONG attrs, req = NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, areq = NEGO_ASC | ASC_REQ_ALLOCATE_MEMORY;
	SECURITY_STATUS cs, ss = SEC_I_CONTINUE_NEEDED;
	CtxtHandle cc, sc;
	TimeStamp exp;

	*n = 0;
	cs = InitializeSecurityContextA(c, NULL, (SEC_CHAR *)target, req, 0, 0, NULL, 0, &cc, &cout,
					&attrs, &exp);
	describe(&ct, 'c', cs, &legs[(*n)++]);
	for (int i = 0; i < 6 && ct.cbBuffer != 0; i++) {
		in = ct;
		st = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		ss = AcceptSecurityContext(s, i ? &sc : NULL, &ind, areq, 0, &sc, &sout, &attrs, &exp);
		describe(&st, 's', ss, &legs[(*n)++]);
		FreeContextBuffer(ct.pvBuffer);
		ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		/* A client that completed before the server's last token
		 * still takes it (and checks its MIC) when the application
		 * passes it, as an HTTP client may: that leg is recorded. */
		if (st.cbBuffer == 0)
			break;
		in = st;
		cs = InitializeSecurityContextA(c, &cc, (SEC_CHAR *)target, req, 0, 0, &ind, 0, &cc,
						&cout, &attrs, &exp);
		describe(&ct, 'c', cs, &legs[(*n)++]);
		FreeContextBuffer(st.pvBuffer);
		st.pvBuffer = NULL;
	}
	if (ct.pvBuffer != NULL)
		FreeContextBuffer(ct.pvBuffer);
	if (st.pvBuffer != NULL)
		FreeContextBuffer(st.pvBuffer);
	ck_status(cs, SEC_E_OK);
	ck_status(ss, SEC_E_OK);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
}

static void expect_legs(const char *row, const struct leg *got, int n, const struct leg *want,
			int nwant)
{
	ck_assert_msg(n == nwant, "%s: %d legs, expected %d", row, n, nwant);
	for (int i = 0; i < n; i++) {
		const struct leg *g = &got[i], *w = &want[i];

		ck_assert_msg(g->side == w->side && g->status == w->status && g->init == w->init &&
				      g->state == w->state && g->token == w->token &&
				      g->mic == w->mic && g->mech == w->mech,
			      "%s, leg %d (%c): got %s init %d state %d token %d mic %d mech %d; "
			      "expected %s init %d state %d token %d mic %d mech %d",
			      row, i + 1, g->side, SspiGssStatusName(g->status), g->init, g->state,
			      g->token, g->mic, g->mech, SspiGssStatusName(w->status), w->init,
			      w->state, w->token, w->mic, w->mech);
	}
}

#define CONT SEC_I_CONTINUE_NEEDED
#define DONE SEC_E_OK
#define ABS SPNEGO_ABSENT
#define INC SPNEGO_ACCEPT_INCOMPLETE
#define CMP SPNEGO_ACCEPT_COMPLETED
#define RQM SPNEGO_REQUEST_MIC

START_TEST(rule_kerberos_first_choice)
{
	/* The optimistic AP-REQ is taken; no mechListMIC either way. */
	static const struct leg want[] = {
		{'c', CONT, 1, ABS, 1, 0, 0},
		{'s', DONE, 0, CMP, 1, 0, 1},
		{'c', DONE, 0, ABS, 0, 0, 0},
	};
	struct leg legs[8];
	CredHandle c, s;
	int n;

	ck_status(client("Negotiate", "Alice-Pass-1", NULL, &c), SEC_E_OK);
	server(&s);
	drive(&c, &s, "HTTP/localhost", legs, &n);
	expect_legs("Kerberos, first choice", legs, n, want, 3);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

START_TEST(rule_ntlm_with_integrity)
{
	/* NTLM: the MIC both ways, the client's with its AUTHENTICATE, the
	 * server's with accept-completed; then the client completes (it
	 * asked for protection: test_windows_facts.c has the case without). */
	static const struct leg want[] = {
		{'c', CONT, 1, ABS, 1, 0, 0},
		{'s', CONT, 0, INC, 1, 0, 1},
		{'c', CONT, 0, ABS, 1, 1, 0},
		{'s', DONE, 0, CMP, 0, 1, 0},
		{'c', DONE, 0, ABS, 0, 0, 0},
	};
	struct leg legs[8];
	CredHandle c, s;
	int n;

	ck_status(client("Negotiate", "Alice-Pass-1", "NTLM", &c), SEC_E_OK);
	server(&s);
	drive(&c, &s, "HTTP/localhost", legs, &n);
	expect_legs("NTLM with integrity", legs, n, want, 5);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

START_TEST(rule_counter_proposal)
{
	/* The client offers Kerberos first (with its AP-REQ); a server without
	 * Kerberos counter-proposes NTLM with request-mic and no token; the
	 * client starts NTLM; the MIC goes both ways. */
	static const struct leg want[] = {
		{'c', CONT, 1, ABS, 1, 0, 0},
		{'s', CONT, 0, RQM, 0, 0, 1},
		{'c', CONT, 0, ABS, 1, 0, 0},
		{'s', CONT, 0, INC, 1, 0, 0},
		{'c', CONT, 0, ABS, 1, 1, 0},
		{'s', DONE, 0, CMP, 0, 1, 0},
		{'c', DONE, 0, ABS, 0, 0, 0},
	};
	SEC_WINNT_AUTH_IDENTITY_EXA ntlm_only = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION, .Length = sizeof(ntlm_only),
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI, .PackageList = (UCHAR *)"NTLM",
		.PackageListLength = 4,
	};
	struct leg legs[8];
	CredHandle c, s;
	TimeStamp exp;
	int n;

	ck_status(client("Negotiate", "Alice-Pass-1", NULL, &c), SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL, &ntlm_only,
					    NULL, NULL, &s, &exp),
		  SEC_E_OK);
	drive(&c, &s, "HTTP/localhost", legs, &n);
	expect_legs("counter-proposal", legs, n, want, 7);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* One AcceptSecurityContext on a token; *out gets the answer (malloc'ed
 * copy, NULL when none) and *out_len its length. */
static SECURITY_STATUS accept_one(CredHandle *s, CtxtHandle *sc, int first, const uint8_t *tok,
				  size_t len, uint8_t **out, size_t *out_len)
{
	SecBuffer ib = {(ULONG)len, SECBUFFER_TOKEN, (void *)tok}, ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, od = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS st = AcceptSecurityContext(s, first ? NULL : sc, &in,
						   NEGO_ASC | ASC_REQ_ALLOCATE_MEMORY, 0, sc, &od,
						   &attrs, &exp);

	*out = NULL;
	*out_len = ob.cbBuffer;
	if (ob.pvBuffer != NULL && ob.cbBuffer != 0) {
		*out = malloc(ob.cbBuffer);
		ck_assert_ptr_nonnull(*out);
		memcpy(*out, ob.pvBuffer, ob.cbBuffer);
	}
	if (ob.pvBuffer != NULL)
		FreeContextBuffer(ob.pvBuffer);
	return st;
}

/*
 * A counter-proposal to Kerberos with the MIC exchange, as FreeRDP 3 on
 * MIT krb5 drives it: the client offers Kerberos user-to-user first (with
 * an optimistic token we cannot use), then Kerberos. The server answers
 * request-mic naming Kerberos; the AP-REQ comes; the server answers the
 * AP-REP with its mechListMIC (accept-incomplete); the client's
 * mechListMIC is its last word, and the server completes on it WITHOUT a
 * token (MIT's acceptor sends none: an accept-completed there was read
 * by FreeRDP's client as the next CredSSP message). The client side is
 * our Kerberos package, framed by hand.
 */
START_TEST(rule_kerberos_counter_proposal)
{
	static const uint8_t u2u_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03};
	static const uint8_t junk[] = {0x04, 0x04, 0x00, 0x00};
	struct spnego_bytes mechs[2] = {{u2u_oid, sizeof(u2u_oid)}, spnego_oid_krb5};
	uint8_t *types, *tok, *answer;
	size_t types_len, tok_len, answer_len;
	struct spnego_resp r;
	CredHandle kc, s;
	CtxtHandle kctx, sc;
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, cin = {SECBUFFER_VERSION, 1, &ib};
	unsigned char mic[128];
	SecBuffer mb[2];
	SecBufferDesc md = {SECBUFFER_VERSION, 2, mb};
	ULONG attrs, qop;
	TimeStamp exp;

	ck_status(client("Kerberos", "Alice-Pass-1", NULL, &kc), SEC_E_OK);
	server(&s);
	ck_assert_int_eq(spnego_encode_mech_types(mechs, 2, &types, &types_len), 0);
	ck_assert_int_eq(spnego_encode_init((struct spnego_bytes){types, types_len},
					    (struct spnego_bytes){junk, sizeof(junk)}, &tok,
					    &tok_len),
			 0);
	/* 1: request-mic, Kerberos, no token. */
	ck_status(accept_one(&s, &sc, 1, tok, tok_len, &answer, &answer_len), SEC_I_CONTINUE_NEEDED);
	free(tok);
	ck_assert_int_eq(spnego_decode_resp(answer, answer_len, &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_REQUEST_MIC);
	ck_assert(spnego_oid_equal(r.supported_mech, spnego_oid_krb5));
	ck_assert_ptr_null(r.response_token.data);
	free(answer);
	/* 2: the AP-REQ; the server answers with its AP-REP and MIC. */
	ck_status(InitializeSecurityContextA(&kc, NULL, "HTTP/localhost",
					     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0,
					     &kctx, &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_int_eq(spnego_encode_resp(SPNEGO_ABSENT, (struct spnego_bytes){NULL, 0},
					    (struct spnego_bytes){ct.pvBuffer, ct.cbBuffer},
					    (struct spnego_bytes){NULL, 0}, &tok, &tok_len),
			 0);
	FreeContextBuffer(ct.pvBuffer);
	ck_status(accept_one(&s, &sc, 0, tok, tok_len, &answer, &answer_len), SEC_I_CONTINUE_NEEDED);
	free(tok);
	ck_assert_int_eq(spnego_decode_resp(answer, answer_len, &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_ACCEPT_INCOMPLETE);
	ck_assert_ptr_nonnull(r.response_token.data);
	ck_assert_ptr_nonnull(r.mech_list_mic.data);
	ib = (SecBuffer){(ULONG)r.response_token.len, SECBUFFER_TOKEN,
			 (void *)r.response_token.data};
	ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&kc, &kctx, "HTTP/localhost",
					     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, &cin, 0,
					     &kctx, &cout, &attrs, &exp),
		  SEC_E_OK);
	if (ct.pvBuffer != NULL)
		FreeContextBuffer(ct.pvBuffer);
	/* The server's MIC over the list as the client sent it. */
	mb[0] = (SecBuffer){(ULONG)types_len, SECBUFFER_DATA, types};
	mb[1] = (SecBuffer){(ULONG)r.mech_list_mic.len, SECBUFFER_TOKEN,
			    (void *)r.mech_list_mic.data};
	ck_status(VerifySignature(&kctx, &md, 0, &qop), SEC_E_OK);
	free(answer);
	/* 3: the client's MIC; the server completes and sends nothing. */
	mb[1] = (SecBuffer){sizeof(mic), SECBUFFER_TOKEN, mic};
	ck_status(MakeSignature(&kctx, 0, &md, 0), SEC_E_OK);
	ck_assert_int_eq(spnego_encode_resp(SPNEGO_ACCEPT_COMPLETED, (struct spnego_bytes){NULL, 0},
					    (struct spnego_bytes){NULL, 0},
					    (struct spnego_bytes){mic, mb[1].cbBuffer}, &tok,
					    &tok_len),
			 0);
	ck_status(accept_one(&s, &sc, 0, tok, tok_len, &answer, &answer_len), SEC_E_OK);
	ck_assert_msg(answer_len == 0, "the server's last answer is %zu bytes, expected none",
		      answer_len);
	free(answer);
	free(tok);
	free(types);
	ck_package(&sc, "Kerberos");
	seal_and_open(&kctx, &sc, 0);
	seal_and_open(&sc, &kctx, 0);
	DeleteSecurityContext(&kctx);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&kc);
	FreeCredentialsHandle(&s);
}
END_TEST

/* A server's NegTokenInit2 hints (sent first, the SMB way), given to the
 * client's first call: the client offers only what the server listed. */
static int first_offer(CredHandle *c, const struct spnego_bytes *hints, size_t nhints,
		       struct spnego_init *offer, uint8_t *copy, size_t cap)
{
	uint8_t *types = NULL, *init = NULL;
	size_t types_len = 0, init_len = 0;
	SecBuffer hb, ct = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc hin = {SECBUFFER_VERSION, 1, &hb}, cout = {SECBUFFER_VERSION, 1, &ct};
	CtxtHandle cc;
	ULONG attrs;
	TimeStamp exp;
	int ok;

	ck_assert_int_eq(spnego_encode_mech_types(hints, nhints, &types, &types_len), 0);
	ck_assert_int_eq(spnego_encode_init((struct spnego_bytes){types, types_len},
					    (struct spnego_bytes){NULL, 0}, &init, &init_len),
			 0);
	hb = (SecBuffer){(ULONG)init_len, SECBUFFER_TOKEN, init};
	ck_status(InitializeSecurityContextA(c, NULL, "HTTP/localhost",
					     NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0, &hin, 0,
					     &cc, &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_uint_le(ct.cbBuffer, cap);
	memcpy(copy, ct.pvBuffer, ct.cbBuffer);
	ok = spnego_decode_init(copy, ct.cbBuffer, offer) == 0;
	FreeContextBuffer(ct.pvBuffer);
	DeleteSecurityContext(&cc);
	free(types);
	free(init);
	return ok;
}

START_TEST(server_hints_before_the_first_call)
{
	uint8_t copy[8192];
	struct spnego_init offer;
	struct spnego_bytes ntlm = spnego_oid_ntlm, krb5 = spnego_oid_krb5;
	CredHandle c;

	ck_status(client("Negotiate", "Alice-Pass-1", NULL, &c), SEC_E_OK);
	/* Kerberos is available and would lead; the server lists NTLM only. */
	ck_assert(first_offer(&c, &ntlm, 1, &offer, copy, sizeof(copy)));
	ck_assert_uint_eq(offer.nmechs, 1);
	ck_assert(spnego_oid_equal(offer.mechs[0], spnego_oid_ntlm));
	ck_assert(memcmp(offer.mech_token.data, "NTLMSSP", 8) == 0);
	/* Kerberos only. */
	ck_assert(first_offer(&c, &krb5, 1, &offer, copy, sizeof(copy)));
	ck_assert_uint_eq(offer.nmechs, 1);
	ck_assert(spnego_oid_equal(offer.mechs[0], spnego_oid_krb5));
	FreeCredentialsHandle(&c);
}
END_TEST

START_TEST(legacy_kerberos_oid)
{
	struct spnego_bytes mechs[2] = {spnego_oid_krb5_ms, spnego_oid_krb5};
	CredHandle c, s;
	CtxtHandle cc, sc;
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL}, in;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
	ULONG attrs, req = NEGO_REQ | ISC_REQ_ALLOCATE_MEMORY, areq = NEGO_ASC | ASC_REQ_ALLOCATE_MEMORY;
	uint8_t *types, *init;
	size_t types_len, init_len;
	struct spnego_resp r;
	TimeStamp exp;

	ck_status(client("Kerberos", "Alice-Pass-1", NULL, &c), SEC_E_OK);
	server(&s);
	ck_status(InitializeSecurityContextA(&c, NULL, "HTTP/localhost", req, 0, 0, NULL, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_int_eq(spnego_encode_mech_types(mechs, 2, &types, &types_len), 0);
	ck_assert_int_eq(spnego_encode_init((struct spnego_bytes){types, types_len},
					    (struct spnego_bytes){ct.pvBuffer, ct.cbBuffer}, &init,
					    &init_len),
			 0);
	FreeContextBuffer(ct.pvBuffer);
	in = (SecBuffer){(ULONG)init_len, SECBUFFER_TOKEN, init};
	ck_status(AcceptSecurityContext(&s, NULL, &ind, areq, 0, &sc, &sout, &attrs, &exp),
		  SEC_E_OK);
	ck_assert_int_eq(spnego_decode_resp(st.pvBuffer, st.cbBuffer, &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_ACCEPT_COMPLETED);
	ck_assert(spnego_oid_equal(r.supported_mech, spnego_oid_krb5_ms));
	ck_assert_ptr_null(r.mech_list_mic.data);
	/* The AP-REP inside finishes the Kerberos client. */
	in = (SecBuffer){(ULONG)r.response_token.len, SECBUFFER_TOKEN, (void *)r.response_token.data};
	ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&c, &cc, "HTTP/localhost", req, 0, 0, &ind, 0, &cc,
					     &cout, &attrs, &exp),
		  SEC_E_OK);
	ck_package(&sc, "Kerberos");
	seal_and_open(&cc, &sc, 0);
	free(types);
	free(init);
	FreeContextBuffer(st.pvBuffer);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* AddCredentials: NTLM joins a Kerberos-only Negotiate credential, and
 * then carries a target Kerberos is passed over for. */
START_TEST(add_credentials)
{
	SEC_WINNT_AUTH_IDENTITY_A ntlm = {(UCHAR *)"alice", 5, (UCHAR *)"SSPI.TEST", 9,
					  (UCHAR *)"Alice-Pass-1", 12,
					  SEC_WINNT_AUTH_IDENTITY_ANSI};
	struct loop o = {.target = "HTTP/127.0.0.1", .isc_req = NEGO_REQ, .asc_req = NEGO_ASC};
	CredHandle c, s, k;
	CtxtHandle cc, sc;
	ULONG ca, sa;
	TimeStamp exp = {0, 0};

	ck_status(client("Negotiate", "Alice-Pass-1", "Kerberos", &c), SEC_E_OK);
	server(&s);
	/* Kerberos only: an address is no Kerberos target, and NTLM is absent. */
	ck_assert_int_ne(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	ck_status(AddCredentialsA(&c, NULL, "NTLM", SECPKG_CRED_INBOUND, &ntlm, NULL, NULL, &exp),
		  SEC_E_INVALID_PARAMETER);
	ck_status(AddCredentialsA(&c, NULL, "NTLM", SECPKG_CRED_OUTBOUND, &ntlm, NULL, NULL, &exp),
		  SEC_E_OK);
	ck_assert(exp.LowPart != 0 || exp.HighPart != 0);
	/* Once only; and never a package Negotiate does not carry. */
	ck_status(AddCredentialsA(&c, NULL, "NTLM", SECPKG_CRED_OUTBOUND, &ntlm, NULL, NULL, &exp),
		  SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(AddCredentialsA(&c, NULL, "Negotiate", SECPKG_CRED_OUTBOUND, &ntlm, NULL, NULL,
				  &exp),
		  SEC_E_SECPKG_NOT_FOUND);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	ck_package(&cc, "NTLM");
	seal_and_open(&cc, &sc, 0);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	/* A Kerberos credential holds one identity. */
	ck_status(client("Kerberos", "Alice-Pass-1", NULL, &k), SEC_E_OK);
	ck_status(AddCredentialsA(&k, NULL, "Kerberos", SECPKG_CRED_OUTBOUND, &ntlm, NULL, NULL,
				  &exp),
		  SEC_E_UNSUPPORTED_FUNCTION);
	/* A wrong password is added without asking the KDC (as
	 * AcquireCredentialsHandle does); the KDC's refusal at the first
	 * context is the answer, and NTLM is not tried behind it. */
	ntlm.Password = (UCHAR *)"wrong-password";
	ntlm.PasswordLength = 14;
	{
		struct loop o2 = {.target = "HTTP/localhost", .isc_req = NEGO_REQ,
				  .asc_req = NEGO_ASC};
		CredHandle c2;

		ck_status(client("Negotiate", "Alice-Pass-1", "NTLM", &c2), SEC_E_OK);
		ck_status(AddCredentialsA(&c2, NULL, "Kerberos", SECPKG_CRED_OUTBOUND, &ntlm, NULL,
					  NULL, &exp),
			  SEC_E_OK);
		ck_status(handshake_loop(&o2, &c2, &s, &cc, &sc, &ca, &sa), SEC_E_LOGON_DENIED);
		ck_assert_int_eq(o2.failed_side, 'c');
		FreeCredentialsHandle(&c2);
	}
	FreeCredentialsHandle(&k);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

/* The Ex forms answer what the plain forms answer, into a structure whose
 * size the caller states. */
START_TEST(attributes_ex)
{
	static const ULONG attrs[] = {SECPKG_ATTR_SIZES,	SECPKG_ATTR_STREAM_SIZES,
				      SECPKG_ATTR_FLAGS,	SECPKG_ATTR_LIFESPAN,
				      SECPKG_ATTR_NAMES,	SECPKG_ATTR_NATIVE_NAMES,
				      SECPKG_ATTR_AUTHORITY,	SECPKG_ATTR_PACKAGE_INFO,
				      SECPKG_ATTR_NEGOTIATION_INFO, SECPKG_ATTR_KEY_INFO,
				      SECPKG_ATTR_SESSION_KEY};
	struct loop o = {.target = "HTTP/localhost", .isc_req = NEGO_REQ, .asc_req = NEGO_ASC};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG ca, sa;

	ck_status(client("Negotiate", "Alice-Pass-1", NULL, &c), SEC_E_OK);
	server(&s);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		union {
			SecPkgContext_KeyInfoW k;
			SecPkgContext_NegotiationInfoW n;
			SecPkgContext_Lifespan l;
			SecPkgContext_StreamSizes ss;
			SecPkgContext_SessionKey sk;
			SecPkgContext_NativeNamesW nn;
			unsigned char bytes[64];
		} plain, ex;

		memset(&plain, 0, sizeof(plain));
		memset(&ex, 0xA5, sizeof(ex));
		ck_status(QueryContextAttributesW(&sc, attrs[i], &plain), SEC_E_OK);
		ck_status(QueryContextAttributesExW(&sc, attrs[i], &ex, 1), SEC_E_BUFFER_TOO_SMALL);
		ck_status(QueryContextAttributesExW(&sc, attrs[i], &ex, sizeof(ex)), SEC_E_OK);
		/* Same numbers; strings compared where there are strings. */
		switch (attrs[i]) {
		case SECPKG_ATTR_NAMES:
		case SECPKG_ATTR_AUTHORITY: {
			SEC_WCHAR *a = *(SEC_WCHAR **)&plain, *b = *(SEC_WCHAR **)&ex;
			size_t n = 0;

			while (a[n] != 0 && a[n] == b[n])
				n++;
			ck_assert_uint_eq(a[n], b[n]);
			FreeContextBuffer(a);
			FreeContextBuffer(b);
			break;
		}
		case SECPKG_ATTR_SIZES:
		case SECPKG_ATTR_STREAM_SIZES:
		case SECPKG_ATTR_FLAGS:
			ck_assert(memcmp(&plain, &ex, attrs[i] == SECPKG_ATTR_FLAGS ? sizeof(ULONG)
						     : attrs[i] == SECPKG_ATTR_SIZES
							     ? sizeof(SecPkgContext_Sizes)
							     : sizeof(SecPkgContext_StreamSizes)) == 0);
			break;
		case SECPKG_ATTR_NATIVE_NAMES:
			FreeContextBuffer(plain.nn.sClientName);
			FreeContextBuffer(plain.nn.sServerName);
			FreeContextBuffer(ex.nn.sClientName);
			FreeContextBuffer(ex.nn.sServerName);
			break;
		case SECPKG_ATTR_PACKAGE_INFO:
		case SECPKG_ATTR_NEGOTIATION_INFO:
			ck_assert_int_eq(memcmp((*(PSecPkgInfoW *)&plain)->Name,
						(*(PSecPkgInfoW *)&ex)->Name, 8 * sizeof(SEC_WCHAR)),
					 0);
			FreeContextBuffer(*(void **)&plain);
			FreeContextBuffer(*(void **)&ex);
			break;
		case SECPKG_ATTR_KEY_INFO:
			ck_assert_uint_eq(plain.k.KeySize, ex.k.KeySize);
			ck_assert_uint_eq(plain.k.EncryptAlgorithm, ex.k.EncryptAlgorithm);
			FreeContextBuffer(plain.k.sSignatureAlgorithmName);
			FreeContextBuffer(plain.k.sEncryptAlgorithmName);
			FreeContextBuffer(ex.k.sSignatureAlgorithmName);
			FreeContextBuffer(ex.k.sEncryptAlgorithmName);
			break;
		case SECPKG_ATTR_SESSION_KEY:
			ck_assert_uint_eq(plain.sk.SessionKeyLength, ex.sk.SessionKeyLength);
			ck_assert(memcmp(plain.sk.SessionKey, ex.sk.SessionKey,
					 plain.sk.SessionKeyLength) == 0);
			FreeContextBuffer(plain.sk.SessionKey);
			FreeContextBuffer(ex.sk.SessionKey);
			break;
		default:
			ck_assert(memcmp(&plain, &ex, sizeof(SecPkgContext_Lifespan)) == 0);
			break;
		}
	}
	ck_status(QueryContextAttributesExW(&sc, SECPKG_ATTR_DCE_INFO, &ca, sizeof(ca)),
		  SEC_E_UNSUPPORTED_FUNCTION);
	{
		SecPkgCredentials_NamesA n;

		ck_status(QueryCredentialsAttributesExA(&c, SECPKG_CRED_ATTR_NAMES, &n, 2),
			  SEC_E_BUFFER_TOO_SMALL);
		ck_status(QueryCredentialsAttributesExA(&c, SECPKG_CRED_ATTR_NAMES, &n, sizeof(n)),
			  SEC_E_OK);
		ck_assert_str_eq(n.sUserName, "alice@SSPI.TEST");
		FreeContextBuffer(n.sUserName);
	}
	/* Windows: Schannel's alone. */
	ck_status(SetContextAttributesW(&sc, SECPKG_ATTR_FLAGS, &ca, sizeof(ca)),
		  SEC_E_UNSUPPORTED_FUNCTION);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}
END_TEST

static Suite *negotiate_suite(void)
{
	Suite *s = suite_create("negotiate");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kerberos_when_it_works);
	tcase_add_test(tc, ntlm_when_the_kdc_does_not_know_the_target);
	tcase_add_test(tc, ntlm_for_an_address);
	tcase_add_test(tc, ntlm_when_the_kdc_is_down);
	tcase_add_test(tc, package_list);
	tcase_add_test(tc, wrong_password_is_denied);
	tcase_add_test(tc, altered_mech_list_mic);
	tcase_add_test(tc, raw_tokens_to_a_negotiate_server);
	tcase_add_test(tc, legacy_kerberos_oid);
	tcase_add_test(tc, damaged_tokens);
	tcase_add_test(tc, credentials_of_another_package);
	tcase_add_test(tc, rule_kerberos_first_choice);
	tcase_add_test(tc, rule_ntlm_with_integrity);
	tcase_add_test(tc, rule_counter_proposal);
	tcase_add_test(tc, rule_kerberos_counter_proposal);
	tcase_add_test(tc, server_hints_before_the_first_call);
	tcase_add_test(tc, add_credentials);
	tcase_add_test(tc, attributes_ex);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm_and_alice(&realm, negotiate_suite());
}
