/*
 * test_kerberos.c - the Kerberos package end to end, client and server in one
 * process, against a real Heimdal KDC started for this run (realm.c).
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kerberos_util.h"
#include "realm.h"

static struct realm realm;

START_TEST(handshake_flags_sizes_names)
{
	struct pair p;
	SecPkgContext_Sizes sizes;
	SecPkgContext_NamesA names;
	SecPkgContext_NativeNamesA native;
	SecPkgContext_PackageInfoA pinfo;
	SecPkgContext_Flags flags;
	SecPkgCredentials_NamesA cnames;

	pair_up(&p);
	ck_assert(p.cattrs & ISC_RET_MUTUAL_AUTH);
	ck_assert(p.cattrs & ISC_RET_CONFIDENTIALITY);
	ck_assert(p.cattrs & ISC_RET_INTEGRITY);
	ck_assert(p.cattrs & ISC_RET_SEQUENCE_DETECT);
	ck_assert(p.sattrs & ASC_RET_MUTUAL_AUTH);
	ck_assert(p.sattrs & ASC_RET_ALLOCATED_MEMORY);

	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	ck_assert_uint_eq(sizes.cbMaxToken, 65535);
	ck_assert_uint_eq(sizes.cbMaxSignature, 28); /* aes256-cts-hmac-sha1-96 */
	ck_assert_uint_eq(sizes.cbBlockSize, 1);
	ck_assert_uint_eq(sizes.cbSecurityTrailer, 60);

	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_str_eq(names.sUserName, "alice@SSPI.TEST");
	{
		/* A Heimdal realm issues no PAC: no logon information, and
		 * NAMES stays the principal. */
		PSSPI_GSS_LOGON_INFO info = NULL;

		ck_status(QueryContextAttributesA(&p.sctx, SSPI_GSS_ATTR_LOGON_INFO, &info),
			  SEC_E_UNSUPPORTED_FUNCTION);
		ck_assert_ptr_null(info);
	}
	FreeContextBuffer(names.sUserName);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_NATIVE_NAMES, &native), SEC_E_OK);
	ck_assert_str_eq(native.sClientName, "alice@SSPI.TEST");
	ck_assert_str_eq(native.sServerName, "HTTP/localhost@SSPI.TEST");
	FreeContextBuffer(native.sClientName);
	FreeContextBuffer(native.sServerName);

	ck_status(QueryContextAttributesA(&p.sctx, SECPKG_ATTR_PACKAGE_INFO, &pinfo), SEC_E_OK);
	ck_assert_str_eq(pinfo.PackageInfo->Name, "Kerberos");
	ck_assert_uint_eq(pinfo.PackageInfo->wRPCID, 16);
	FreeContextBuffer(pinfo.PackageInfo);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_FLAGS, &flags), SEC_E_OK);
	ck_assert_uint_eq(flags.Flags, p.cattrs);
	ck_status(QueryContextAttributesA(&p.cctx, SECPKG_ATTR_DCE_INFO, &flags),
		  SEC_E_UNSUPPORTED_FUNCTION);

	ck_status(QueryCredentialsAttributesA(&p.ccred, SECPKG_CRED_ATTR_NAMES, &cnames), SEC_E_OK);
	ck_assert_str_eq(cnames.sUserName, "alice@SSPI.TEST");
	FreeContextBuffer(cnames.sUserName);
	pair_down(&p);
}
END_TEST

/* MS-KILE 3.2.5.2: the authenticator's checksum flags carry integrity
 * and confidentiality only when the application asked for them (Heimdal
 * sets both unless told otherwise); the server sees what the client asked,
 * so an LDAP server can tell a signed bind from a sealed one and refuse
 * one that asked for neither. Each row: what the client asks, what both
 * sides must report. */
START_TEST(flags_as_asked)
{
	static const struct {
		ULONG req;
		int integ, conf;
	} rows[] = {
		{ISC_REQ_MUTUAL_AUTH, 0, 0},
		{ISC_REQ_MUTUAL_AUTH | ISC_REQ_INTEGRITY, 1, 0},
		{ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY, 0, 1},
		{ISC_REQ_MUTUAL_AUTH | ISC_REQ_INTEGRITY | ISC_REQ_CONFIDENTIALITY, 1, 1},
		{0, 0, 0}, /* no AP-REP either */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct loop o = {.target = "HTTP/localhost", .isc_req = rows[i].req,
				 .asc_req = ASC_REQ_MUTUAL_AUTH};
		CredHandle c, s;
		CtxtHandle cc, sc;
		ULONG ca = 0, sa = 0;

		ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &c), SEC_E_OK);
		acquire_server(&s);
		ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
		ck_assert_msg(((ca & ISC_RET_INTEGRITY) != 0) == rows[i].integ &&
				      ((ca & ISC_RET_CONFIDENTIALITY) != 0) == rows[i].conf,
			      "request 0x%lx: client flags 0x%lx", (unsigned long)rows[i].req,
			      (unsigned long)ca);
		ck_assert_msg(((sa & ASC_RET_INTEGRITY) != 0) == rows[i].integ &&
				      ((sa & ASC_RET_CONFIDENTIALITY) != 0) == rows[i].conf,
			      "request 0x%lx: server flags 0x%lx", (unsigned long)rows[i].req,
			      (unsigned long)sa);
		ck_status(DeleteSecurityContext(&cc), SEC_E_OK);
		ck_status(DeleteSecurityContext(&sc), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	}
}
END_TEST

START_TEST(seal_both_directions)
{
	struct pair p;

	pair_up(&p);
	seal_and_open(&p.cctx, &p.sctx, 0);
	seal_and_open(&p.sctx, &p.cctx, 0);
	seal_and_open(&p.cctx, &p.sctx, SECQOP_WRAP_NO_ENCRYPT);
	seal_and_open(&p.sctx, &p.cctx, SECQOP_WRAP_NO_ENCRYPT);
	pair_down(&p);
}
END_TEST

START_TEST(stream_decrypt_and_errors)
{
	struct pair p;
	unsigned char msg[256], data[64], copy[256], token[256];
	SecBuffer b[3] = {{60, SECBUFFER_TOKEN, msg}, {sizeof(data), SECBUFFER_DATA, data},
			  {0, SECBUFFER_PADDING, NULL}};
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	SecBuffer sb[2];
	SecBufferDesc sd = {SECBUFFER_VERSION, 2, sb};
	ULONG total, qop;

	pair_up(&p);
	memset(data, 'x', sizeof(data));
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_OK);
	/* TOKEN || DATA || PADDING is one token: hand it over as a stream. */
	memmove(msg + b[0].cbBuffer, data, sizeof(data));
	total = b[0].cbBuffer + sizeof(data);
	memcpy(token, msg, total);

	sb[0] = (SecBuffer){20, SECBUFFER_STREAM, msg};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_INCOMPLETE_MESSAGE);

	sb[0] = (SecBuffer){total, SECBUFFER_STREAM, msg};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_OK);
	ck_assert_uint_eq(sb[1].cbBuffer, sizeof(data));
	/* DATA now points at the plaintext inside the stream buffer. */
	ck_assert((unsigned char *)sb[1].pvBuffer >= msg);
	ck_assert((unsigned char *)sb[1].pvBuffer + sb[1].cbBuffer <= msg + total);
	memset(copy, 'x', sizeof(data));
	ck_assert_mem_eq(sb[1].pvBuffer, copy, sizeof(data));
	memcpy(msg, token, total); /* the token again, as sent, for the replay */

	/* The same token again: a replay. */
	sb[0] = (SecBuffer){total, SECBUFFER_STREAM, msg};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_OUT_OF_SEQUENCE);

	/* A fresh message, tampered in transit. (Heimdal uses up the sequence
	 * number of a message that fails its check: see docs/kerberos.md.) */
	b[0].cbBuffer = 60;
	b[1] = (SecBuffer){sizeof(data), SECBUFFER_DATA, data};
	memset(data, 'y', sizeof(data));
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_OK);
	memmove(msg + b[0].cbBuffer, data, sizeof(data));
	msg[total - 1] ^= 1;
	sb[0] = (SecBuffer){total, SECBUFFER_STREAM, msg};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_MESSAGE_ALTERED);

	/* No token at all. */
	sb[0] = (SecBuffer){sizeof(data), SECBUFFER_DATA, data};
	sb[1] = (SecBuffer){0, SECBUFFER_EMPTY, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_INVALID_TOKEN);
	/* A token buffer too small to encrypt into. */
	b[0].cbBuffer = 59;
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_BUFFER_TOO_SMALL);
	ck_status(EncryptMessage(&p.cctx, 7, &d, 0), SEC_E_QOP_NOT_SUPPORTED);
	pair_down(&p);
}
END_TEST

/* A forged copy of a message, delivered before the genuine one, is
 * refused and leaves the receiver's window as it was: the genuine message
 * then opens (the checksum is checked before the sequence number is
 * recorded, as MIT does). Sealed as a stream, and a MIC. With
 * SSPI_GSS_KRB5_FASTPATH=0 Heimdal judges the number first, and the
 * genuine message is then out of sequence (docs/kerberos.md). */
START_TEST(forged_token_does_not_use_up_the_number)
{
	const char *fast = getenv("SSPI_GSS_KRB5_FASTPATH");
	SECURITY_STATUS genuine = fast != NULL && strcmp(fast, "0") == 0 ? SEC_E_OUT_OF_SEQUENCE
									 : SEC_E_OK;
	struct pair p;
	unsigned char msg[256], forged[256], data[32], sig[64], text[] = "signed";
	SecBuffer b[3] = {{60, SECBUFFER_TOKEN, msg}, {sizeof(data), SECBUFFER_DATA, data},
			  {0, SECBUFFER_PADDING, NULL}};
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	SecBuffer sb[2], mb[2];
	SecBufferDesc sd = {SECBUFFER_VERSION, 2, sb}, md = {SECBUFFER_VERSION, 2, mb};
	ULONG total, qop;

	pair_up(&p);
	ck_assert(p.sattrs & ASC_RET_SEQUENCE_DETECT);
	memset(data, 'z', sizeof(data));
	ck_status(EncryptMessage(&p.cctx, 0, &d, 0), SEC_E_OK);
	memmove(msg + b[0].cbBuffer, data, sizeof(data));
	total = b[0].cbBuffer + sizeof(data);
	memcpy(forged, msg, total);
	forged[total - 3] ^= 0x10;
	sb[0] = (SecBuffer){total, SECBUFFER_STREAM, forged};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), SEC_E_MESSAGE_ALTERED);
	/* The reason in Heimdal's words, whichever path refused it (the fast
	 * path's krb5 code used to be "unknown mech-code 2529638943"). */
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "integrity") != NULL &&
			      strstr(SspiGssGetLastErrorText(), "unknown mech-code") == NULL,
		      "last error: %s", SspiGssGetLastErrorText());
	sb[0] = (SecBuffer){total, SECBUFFER_STREAM, msg};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&p.sctx, &sd, 0, &qop), genuine);
	if (genuine != SEC_E_OK) {
		pair_down(&p);
		return;
	}
	ck_assert_uint_eq(sb[1].cbBuffer, sizeof(data));

	mb[0] = (SecBuffer){sizeof(text), SECBUFFER_DATA, text};
	mb[1] = (SecBuffer){sizeof(sig), SECBUFFER_TOKEN, sig};
	ck_status(MakeSignature(&p.cctx, 0, &md, 0), SEC_E_OK);
	text[0] ^= 1;
	ck_status(VerifySignature(&p.sctx, &md, 0, &qop), SEC_E_MESSAGE_ALTERED);
	text[0] ^= 1;
	ck_status(VerifySignature(&p.sctx, &md, 0, &qop), SEC_E_OK);
	pair_down(&p);
}
END_TEST

START_TEST(signatures)
{
	struct pair p;
	unsigned char sig[64], part1[] = "header:", part2[] = "body", ro[] = "readonly";
	SecBuffer b[4] = {{sizeof(part1), SECBUFFER_DATA, part1},
			  {sizeof(ro), SECBUFFER_DATA | SECBUFFER_READONLY, ro},
			  {sizeof(part2), SECBUFFER_DATA, part2},
			  {sizeof(sig), SECBUFFER_TOKEN, sig}};
	SecBufferDesc d = {SECBUFFER_VERSION, 4, b};
	ULONG qop = 99;

	pair_up(&p);
	ck_status(MakeSignature(&p.cctx, 0, &d, 0), SEC_E_OK);
	ck_assert_uint_eq(b[3].cbBuffer, 28);
	ck_status(VerifySignature(&p.sctx, &d, 0, &qop), SEC_E_OK);
	ck_assert_uint_eq(qop, 0);
	/* Replay of the same signature. */
	ck_status(VerifySignature(&p.sctx, &d, 0, &qop), SEC_E_OUT_OF_SEQUENCE);
	/* Altered data, also in a read-only buffer. */
	b[3].cbBuffer = sizeof(sig);
	ck_status(MakeSignature(&p.sctx, 0, &d, 0), SEC_E_OK);
	ro[0] ^= 1;
	ck_status(VerifySignature(&p.cctx, &d, 0, &qop), SEC_E_MESSAGE_ALTERED);
	b[3].cbBuffer = 27;
	ck_status(MakeSignature(&p.cctx, 0, &d, 0), SEC_E_BUFFER_TOO_SMALL);
	b[3].BufferType = SECBUFFER_EMPTY;
	ck_status(MakeSignature(&p.cctx, 0, &d, 0), SEC_E_INVALID_TOKEN);
	pair_down(&p);
}
END_TEST

/* A wrap token from EncryptMessage is a standard RFC 4121 token: plain
 * Heimdal gss_unwrap on a context made with raw GSS-API accepts it, and
 * DecryptMessage accepts gss_wrap's output. */
/*
 * Without mutual authentication there is no AP-REP, and the acceptor
 * numbers its messages from the initiator's own first number (Windows'
 * acceptor, MIT's and Heimdal's alike). Our initiator, asking for sequence
 * detection but not mutual authentication, takes the acceptor's first
 * messages: from our acceptor and from Heimdal's own (raw GSS-API), each
 * side sending first in turn. _i: 0 our acceptor, 1 Heimdal's.
 */
START_TEST(sequence_without_mutual_auth)
{
	const ULONG req = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_INTEGRITY |
			  ISC_REQ_CONFIDENTIALITY;
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, ib, sob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	SecBufferDesc sout = {SECBUFFER_VERSION, 1, &sob};
	gss_ctx_id_t gctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc tin, tout = GSS_C_EMPTY_BUFFER, plain, wrapped;
	OM_uint32 major, minor, gflags = 0;
	ULONG attrs;
	TimeStamp exp;
	unsigned char msg[200], data[24];
	SecBuffer mb[3] = {{60, SECBUFFER_TOKEN, msg}, {sizeof(data), SECBUFFER_DATA, data},
			   {0, SECBUFFER_PADDING, NULL}};
	SecBufferDesc md = {SECBUFFER_VERSION, 3, mb};
	SecBuffer sb[2];
	SecBufferDesc sd = {SECBUFFER_VERSION, 2, sb};
	int conf;

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost",
					     req | ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0, &cctx,
					     &out, &attrs, &exp),
		  SEC_E_OK);
	ck_assert_uint_eq(attrs & ISC_RET_MUTUAL_AUTH, 0);
	ck_assert(attrs & ISC_RET_SEQUENCE_DETECT);
	ib = (SecBuffer){ob.cbBuffer, SECBUFFER_TOKEN, ob.pvBuffer};
	if (_i == 0) {
		acquire_server(&scred);
		ck_status(AcceptSecurityContext(&scred, NULL, &in, ASC_REQ_ALLOCATE_MEMORY, 0, &sctx,
						&sout, &attrs, &exp),
			  SEC_E_OK);
		ck_assert(attrs & ASC_RET_SEQUENCE_DETECT);
	} else {
		tin.value = ob.pvBuffer;
		tin.length = ob.cbBuffer;
		major = gss_accept_sec_context(&minor, &gctx, GSS_C_NO_CREDENTIAL, &tin, NULL, NULL,
					       NULL, &tout, &gflags, NULL, NULL);
		ck_assert_uint_eq(major, GSS_S_COMPLETE);
		ck_assert(gflags & GSS_C_SEQUENCE_FLAG);
		gss_release_buffer(&minor, &tout);
	}
	FreeContextBuffer(ob.pvBuffer);

	/* The acceptor speaks first, twice; then the initiator; then the
	 * acceptor again. */
	for (int round = 0; round < 4; round++) {
		int from_acceptor = round != 2;

		memset(data, 'a' + round, sizeof(data));
		mb[0].cbBuffer = 60;
		mb[1] = (SecBuffer){sizeof(data), SECBUFFER_DATA, data};
		if (from_acceptor && _i == 0) {
			ck_status(EncryptMessage(&sctx, 0, &md, 0), SEC_E_OK);
			memmove(msg + mb[0].cbBuffer, data, sizeof(data));
			sb[0] = (SecBuffer){mb[0].cbBuffer + (ULONG)sizeof(data), SECBUFFER_STREAM, msg};
		} else if (from_acceptor) {
			plain.value = data;
			plain.length = sizeof(data);
			major = gss_wrap(&minor, gctx, 1, GSS_C_QOP_DEFAULT, &plain, &conf, &wrapped);
			ck_assert_uint_eq(major, GSS_S_COMPLETE);
			memcpy(msg, wrapped.value, wrapped.length);
			sb[0] = (SecBuffer){(ULONG)wrapped.length, SECBUFFER_STREAM, msg};
			gss_release_buffer(&minor, &wrapped);
		}
		if (from_acceptor) {
			sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
			ck_status(DecryptMessage(&cctx, &sd, 0, NULL), SEC_E_OK);
			ck_assert_uint_eq(sb[1].cbBuffer, sizeof(data));
			ck_assert_int_eq(((unsigned char *)sb[1].pvBuffer)[0], 'a' + round);
			continue;
		}
		ck_status(EncryptMessage(&cctx, 0, &md, 0), SEC_E_OK);
		memmove(msg + mb[0].cbBuffer, data, sizeof(data));
		if (_i == 0) {
			sb[0] = (SecBuffer){mb[0].cbBuffer + (ULONG)sizeof(data), SECBUFFER_STREAM, msg};
			sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
			ck_status(DecryptMessage(&sctx, &sd, 0, NULL), SEC_E_OK);
		} else {
			wrapped.value = msg;
			wrapped.length = mb[0].cbBuffer + sizeof(data);
			ck_assert_uint_eq(gss_unwrap(&minor, gctx, &wrapped, &plain, &conf, NULL),
					  GSS_S_COMPLETE);
			gss_release_buffer(&minor, &plain);
		}
	}
	if (_i == 0) {
		ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
		ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	} else {
		gss_delete_sec_context(&minor, &gctx, GSS_C_NO_BUFFER);
	}
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
}
END_TEST

START_TEST(interop_with_raw_gss)
{
	CredHandle ccred;
	CtxtHandle cctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	gss_ctx_id_t gctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc tin, tout = GSS_C_EMPTY_BUFFER, plain, wrapped;
	OM_uint32 major, minor;
	ULONG attrs;
	TimeStamp exp;
	unsigned char msg[200], data[50];
	SecBuffer mb[3] = {{60, SECBUFFER_TOKEN, msg}, {sizeof(data), SECBUFFER_DATA, data},
			   {0, SECBUFFER_PADDING, NULL}};
	SecBufferDesc md = {SECBUFFER_VERSION, 3, mb};
	SecBuffer sb[2];
	SecBufferDesc sd = {SECBUFFER_VERSION, 2, sb};
	int conf;

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0,
					     &cctx, &out, &attrs, &exp),
		  SEC_I_CONTINUE_NEEDED);
	tin.value = ob.pvBuffer;
	tin.length = ob.cbBuffer;
	major = gss_accept_sec_context(&minor, &gctx, GSS_C_NO_CREDENTIAL, &tin, NULL, NULL, NULL,
				       &tout, NULL, NULL, NULL);
	ck_assert_uint_eq(major, GSS_S_COMPLETE);
	FreeContextBuffer(ob.pvBuffer);
	ib = (SecBuffer){(ULONG)tout.length, SECBUFFER_TOKEN, tout.value};
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&ccred, &cctx, "HTTP/localhost", REQ, 0, 0, &in, 0,
					     &cctx, &out, &attrs, &exp),
		  SEC_E_OK);
	gss_release_buffer(&minor, &tout);

	memset(data, 'q', sizeof(data));
	ck_status(EncryptMessage(&cctx, 0, &md, 0), SEC_E_OK);
	memmove(msg + mb[0].cbBuffer, data, sizeof(data));
	wrapped.value = msg;
	wrapped.length = mb[0].cbBuffer + sizeof(data);
	major = gss_unwrap(&minor, gctx, &wrapped, &plain, &conf, NULL);
	ck_assert_uint_eq(major, GSS_S_COMPLETE);
	ck_assert_int_eq(conf, 1);
	ck_assert_uint_eq(plain.length, sizeof(data));
	ck_assert_int_eq(((unsigned char *)plain.value)[0], 'q');
	gss_release_buffer(&minor, &plain);

	plain.value = "reply from gss";
	plain.length = 14;
	major = gss_wrap(&minor, gctx, 1, GSS_C_QOP_DEFAULT, &plain, &conf, &wrapped);
	ck_assert_uint_eq(major, GSS_S_COMPLETE);
	memcpy(msg, wrapped.value, wrapped.length);
	sb[0] = (SecBuffer){(ULONG)wrapped.length, SECBUFFER_STREAM, msg};
	sb[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
	ck_status(DecryptMessage(&cctx, &sd, 0, NULL), SEC_E_OK);
	ck_assert_uint_eq(sb[1].cbBuffer, 14);
	ck_assert_mem_eq(sb[1].pvBuffer, "reply from gss", 14);
	gss_release_buffer(&minor, &wrapped);
	gss_delete_sec_context(&minor, &gctx, GSS_C_NO_BUFFER);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
}
END_TEST

START_TEST(identity_forms)
{
	CredHandle cred;
	SecPkgCredentials_NamesW wn;
	/* W identity with DOMAIN\user and a lower-case domain. */
	SEC_WCHAR user[] = u"sspi.test\\bob", pw[] = u"Bob-Pass-2";
	SEC_WINNT_AUTH_IDENTITY_W idw = {user, 13, NULL, 0, pw, 10, SEC_WINNT_AUTH_IDENTITY_UNICODE};
	SEC_WCHAR pkg[] = u"Kerberos";
	SEC_WCHAR expect[] = u"bob@SSPI.TEST";
	/* EX form, A strings, UPN user. */
	SEC_WINNT_AUTH_IDENTITY_EXA ex = {SEC_WINNT_AUTH_IDENTITY_VERSION,
					  sizeof(SEC_WINNT_AUTH_IDENTITY_EXW),
					  (UCHAR *)"alice@SSPI.TEST", 15, NULL, 0,
					  (UCHAR *)"Alice-Pass-1", 12,
					  SEC_WINNT_AUTH_IDENTITY_ANSI, NULL, 0};

	ck_status(AcquireCredentialsHandleW(NULL, pkg, SECPKG_CRED_OUTBOUND, NULL, &idw, NULL, NULL,
					    &cred, NULL),
		  SEC_E_OK);
	ck_status(QueryCredentialsAttributesW(&cred, SECPKG_CRED_ATTR_NAMES, &wn), SEC_E_OK);
	ck_assert_mem_eq(wn.sUserName, expect, sizeof(expect));
	FreeContextBuffer(wn.sUserName);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
	/* The A function honours an identity whose Flags say UNICODE. */
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, &idw,
					    NULL, NULL, &cred, NULL),
		  SEC_E_OK);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, &ex, NULL,
					    NULL, &cred, NULL),
		  SEC_E_OK);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
}
END_TEST

START_TEST(errors_users_hit)
{
	CredHandle ccred, scred, nocred;
	CtxtHandle cctx = {0, 0}, sctx;
	ULONG a, b;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};

	/* As on Windows, AcquireCredentialsHandle asks no KDC: the first
	 * InitializeSecurityContext does, and reports the KDC's answer, with
	 * the mechanism's own words kept for the caller; each try asks
	 * again, and a failed first call leaves no context behind. */
	ck_status(acquire_password("alice", NULL, "wrong password", &ccred), SEC_E_OK);
	for (int i = 0; i < 2; i++) {
		ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0,
						     NULL, 0, &cctx, &out, &a, NULL),
			  SEC_E_LOGON_DENIED);
		ck_assert_msg(strstr(SspiGssGetLastErrorText(), "reauthentication failed") != NULL,
			      "last error: %s", SspiGssGetLastErrorText());
	}
	ck_status(DeleteSecurityContext(&cctx), SEC_E_INVALID_HANDLE);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(acquire_password("nobody", NULL, "x", &ccred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0,
					     &cctx, &out, &a, NULL),
		  SEC_E_LOGON_DENIED);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "nobody@SSPI.TEST") != NULL,
		      "last error: %s", SspiGssGetLastErrorText());
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	acquire_server(&scred);
	ck_status(handshake(&ccred, &scred, "HTTP/no-such-host", &cctx, &sctx, &a, &b),
		  SEC_E_TARGET_UNKNOWN);
	ck_status(handshake(&ccred, &scred, "/", &cctx, &sctx, &a, &b), SEC_E_TARGET_UNKNOWN);
	/* No tickets in the (empty, private) default cache. */
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &nocred, NULL),
		  SEC_E_NO_CREDENTIALS);
	/* Unknown package, bad use. */
	ck_status(AcquireCredentialsHandleA(NULL, "Kerbero", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &nocred, NULL),
		  SEC_E_SECPKG_NOT_FOUND);
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", 0x100, NULL, NULL, NULL, NULL, &nocred,
					    NULL),
		  SEC_E_INVALID_PARAMETER);
	/* A failed first call leaves no context behind. */
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/no-such-host", REQ, 0, 0, NULL, 0,
					     &cctx, &out, &a, NULL),
		  SEC_E_TARGET_UNKNOWN);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

START_TEST(kdc_down)
{
	CredHandle cred, scred;
	CtxtHandle cctx, sctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	ULONG a, b;
	SECURITY_STATUS st;

	/* A password credential is made without the KDC (Windows asks none
	 * at AcquireCredentialsHandle); the first context finds it down,
	 * and a later one, the KDC back, logs on with the same credential. */
	realm_kdc_stop(&realm);
	st = acquire_password("alice", NULL, "Alice-Pass-1", &cred);
	if (st != SEC_E_OK)
		realm_kdc_start(&realm);
	ck_status(st, SEC_E_OK);
	st = InitializeSecurityContextA(&cred, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0, &cctx,
					&out, &a, NULL);
	if (st != SEC_E_NO_AUTHENTICATING_AUTHORITY)
		realm_kdc_start(&realm);
	ck_status(st, SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "SSPI.TEST") != NULL, "last error: %s",
		      SspiGssGetLastErrorText());
	ck_assert_int_eq(realm_kdc_start(&realm), 0);
	acquire_server(&scred);
	ck_status(handshake(&cred, &scred, "HTTP/localhost", &cctx, &sctx, &a, &b), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

/* AS requests for USER@SSPI.TEST the KDC has logged so far. */
static int as_requests_of(const char *user)
{
	char path[300], line[1024], want[128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kdc.log", realm.dir);
	snprintf(want, sizeof(want), "AS-REQ %s@SSPI.TEST", user);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, want) != NULL)
			n++;
	fclose(f);
	return n;
}

static int as_requests(void)
{
	return as_requests_of("alice");
}

static void add_principal(const char *name, const char *options)
{
	realm_add_principal(&realm, name, options);
}

struct first_context {
	CredHandle *cred, *server;
	SECURITY_STATUS status;
};

static void *first_context_thread(void *arg)
{
	struct first_context *t = arg;
	CtxtHandle c, s;
	ULONG a, b;

	t->status = handshake(t->cred, t->server, "HTTP/localhost", &c, &s, &a, &b);
	if (t->status == SEC_E_OK) {
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
	}
	return NULL;
}

/* Threads starting the first contexts of one password credential at once:
 * one AS exchange (the KDC logs as many AS requests as for one logon
 * alone), every context made with its TGT. */
START_TEST(password_logon_once_for_many_threads)
{
	CredHandle one, many, scred;
	CtxtHandle c, s;
	ULONG a, b;
	struct first_context t[6];
	pthread_t th[6];
	int before, single, shared;

	acquire_server(&scred);
	before = as_requests();
	ck_assert_int_ge(before, 0);
	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &one), SEC_E_OK);
	ck_assert_int_eq(as_requests(), before); /* none at AcquireCredentialsHandle */
	ck_status(handshake(&one, &scred, "HTTP/localhost", &c, &s, &a, &b), SEC_E_OK);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	single = as_requests() - before;
	ck_assert_int_ge(single, 1);
	ck_status(handshake(&one, &scred, "HTTP/localhost", &c, &s, &a, &b), SEC_E_OK);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	ck_assert_int_eq(as_requests() - before, single); /* the TGT is kept */
	ck_status(FreeCredentialsHandle(&one), SEC_E_OK);

	before = as_requests();
	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &many), SEC_E_OK);
	for (int i = 0; i < 6; i++) {
		t[i] = (struct first_context){&many, &scred, SEC_E_INTERNAL_ERROR};
		ck_assert_int_eq(pthread_create(&th[i], NULL, first_context_thread, &t[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		ck_status(t[i].status, SEC_E_OK);
	}
	shared = as_requests() - before;
	ck_assert_int_eq(shared, single);
	ck_status(FreeCredentialsHandle(&many), SEC_E_OK);

	/* A wrong password: the threads that waited take the refusal, no
	 * more attempts than one (an account must not be locked out by a
	 * program's threads). */
	before = as_requests();
	ck_status(acquire_password("alice", NULL, "wrong password", &one), SEC_E_OK);
	ck_status(handshake(&one, &scred, "HTTP/localhost", &c, &s, &a, &b), SEC_E_LOGON_DENIED);
	single = as_requests() - before;
	ck_assert_int_ge(single, 1);
	ck_status(FreeCredentialsHandle(&one), SEC_E_OK);
	before = as_requests();
	ck_status(acquire_password("alice", NULL, "wrong password", &many), SEC_E_OK);
	for (int i = 0; i < 6; i++) {
		t[i] = (struct first_context){&many, &scred, SEC_E_INTERNAL_ERROR};
		ck_assert_int_eq(pthread_create(&th[i], NULL, first_context_thread, &t[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(th[i], NULL);
		ck_status(t[i].status, SEC_E_LOGON_DENIED);
	}
	ck_assert_int_le(as_requests() - before, 6 * single);
	ck_assert_int_lt(as_requests() - before, 6 * single); /* some waited */
	ck_status(FreeCredentialsHandle(&many), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

/* A TGT that expired while the credential sat unused: the next context
 * logs on again with the password (an expired TGT cannot be renewed). */
START_TEST(expired_tgt_logs_on_again)
{
	CredHandle cred, scred;
	CtxtHandle c, s;
	ULONG a, b;
	int before;

	add_principal("dave", "--max-ticket-life=4s --max-renewable-life=1h");
	acquire_server(&scred);
	ck_status(acquire_password("dave", NULL, "dave-Pass-1", &cred), SEC_E_OK);
	ck_status(handshake(&cred, &scred, "HTTP/localhost", &c, &s, &a, &b), SEC_E_OK);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	before = as_requests_of("dave");
	sleep(6);
	ck_status(handshake(&cred, &scred, "HTTP/localhost", &c, &s, &a, &b), SEC_E_OK);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	ck_assert_int_gt(as_requests_of("dave"), before);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

/* The KDC's refusals are denied logons, those the status table names (an
 * expired account) and those it does not (a disabled one: KDC_ERR_POLICY,
 * which elsewhere is delegation's), and Negotiate does not hide them
 * behind NTLM. */
START_TEST(kdc_refusals_are_denials)
{
	static const char *const packages[] = {"Kerberos", "Negotiate"};
	static const struct {
		const char *user, *options;
	} accounts[] = {
		{"erin", "--attributes=+disallow-all-tix"},
		{"frank", "--expiration-time=2001-01-01"},
	};
	CredHandle cred;
	CtxtHandle c;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	ULONG a;
	char pw[64];

	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		add_principal(accounts[i].user, accounts[i].options);
		snprintf(pw, sizeof(pw), "%s-Pass-1", accounts[i].user);
		for (size_t p = 0; p < 2; p++) {
			ck_status(acquire_identity(packages[p], accounts[i].user, "SSPI.TEST", pw,
						   &cred),
				  SEC_E_OK);
			ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
			ck_assert_msg(InitializeSecurityContextA(&cred, NULL, "HTTP/localhost",
								 REQ | ISC_REQ_ALLOCATE_MEMORY, 0, 0,
								 NULL, 0, &c, &out, &a,
								 NULL) == SEC_E_LOGON_DENIED,
				      "%s, %s: %s", packages[p], accounts[i].user,
				      SspiGssGetLastErrorText());
			ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
		}
	}
}
END_TEST

START_TEST(short_output_buffer_loses_nothing)
{
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	unsigned char small[8], big[4096];
	SecBuffer ob = {sizeof(big), SECBUFFER_TOKEN, big}, ib, sb;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	SecBufferDesc sout = {SECBUFFER_VERSION, 1, &sb};
	ULONG a;
	ULONG req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY;

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	acquire_server(&scred);
	/* First call, buffer too small: an error, and no context is created. */
	ob = (SecBuffer){sizeof(small), SECBUFFER_TOKEN, small};
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", req, 0, 0, NULL, 0,
					     &cctx, &out, &a, NULL),
		  SEC_E_BUFFER_TOO_SMALL);
	ob = (SecBuffer){sizeof(big), SECBUFFER_TOKEN, big};
	ck_status(InitializeSecurityContextA(&ccred, NULL, "HTTP/localhost", req, 0, 0, NULL, 0,
					     &cctx, &out, &a, NULL),
		  SEC_I_CONTINUE_NEEDED);
	/* Server leg with a too-small buffer: error; the retry gets the token. */
	ib = ob;
	sb = (SecBuffer){sizeof(small), SECBUFFER_TOKEN, small};
	ck_status(AcceptSecurityContext(&scred, NULL, &in, 0, 0, &sctx, &sout, &a, NULL),
		  SEC_E_BUFFER_TOO_SMALL);
	sb = (SecBuffer){sizeof(big) / 2, SECBUFFER_TOKEN, big + sizeof(big) / 2};
	ck_status(AcceptSecurityContext(&scred, NULL, &in, 0, 0, &sctx, &sout, &a, NULL), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

START_TEST(bogus_handles_and_tokens)
{
	CtxtHandle bogus = {12345, 0x101};
	CredHandle bogus_cred = {1, 0x201}, scred;
	CtxtHandle sctx;
	unsigned char garbage[64];
	SecBuffer b = {sizeof(garbage), SECBUFFER_TOKEN, garbage}, ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc d = {SECBUFFER_VERSION, 1, &b}, out = {SECBUFFER_VERSION, 1, &ob};
	SecPkgContext_Sizes sizes;
	ULONG a;

	ck_status(DeleteSecurityContext(&bogus), SEC_E_INVALID_HANDLE);
	ck_status(DeleteSecurityContext(NULL), SEC_E_INVALID_HANDLE);
	ck_status(FreeCredentialsHandle(&bogus_cred), SEC_E_INVALID_HANDLE);
	ck_status(EncryptMessage(&bogus, 0, &d, 0), SEC_E_INVALID_HANDLE);
	ck_status(DecryptMessage(&bogus, &d, 0, NULL), SEC_E_INVALID_HANDLE);
	ck_status(MakeSignature(&bogus, 0, &d, 0), SEC_E_INVALID_HANDLE);
	ck_status(VerifySignature(&bogus, &d, 0, NULL), SEC_E_INVALID_HANDLE);
	ck_status(QueryContextAttributesA(&bogus, SECPKG_ATTR_SIZES, &sizes), SEC_E_INVALID_HANDLE);
	ck_status(InitializeSecurityContextA(&bogus_cred, NULL, "HTTP/localhost", 0, 0, 0, NULL, 0,
					     &bogus, &out, &a, NULL),
		  SEC_E_INVALID_HANDLE);
	acquire_server(&scred);
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 37 + 11);
	ck_status(AcceptSecurityContext(&scred, NULL, &d, 0, 0, &sctx, &out, &a, NULL),
		  SEC_E_INVALID_TOKEN);
	ck_status(AcceptSecurityContext(&scred, NULL, NULL, 0, 0, &sctx, &out, &a, NULL),
		  SEC_E_INVALID_TOKEN);
	d.ulVersion = 7;
	ck_status(AcceptSecurityContext(&scred, NULL, &d, 0, 0, &sctx, &out, &a, NULL),
		  SEC_E_INVALID_PARAMETER);
	/* A credential handle is not a context handle, and vice versa. */
	ck_status(DeleteSecurityContext(&scred), SEC_E_INVALID_HANDLE);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_INVALID_HANDLE);
}
END_TEST

static Suite *kerberos_suite(void)
{
	Suite *s = suite_create("kerberos");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, handshake_flags_sizes_names);
	tcase_add_test(tc, flags_as_asked);
	tcase_add_test(tc, seal_both_directions);
	tcase_add_test(tc, stream_decrypt_and_errors);
	tcase_add_test(tc, forged_token_does_not_use_up_the_number);
	tcase_add_test(tc, signatures);
	tcase_add_test(tc, interop_with_raw_gss);
	tcase_add_loop_test(tc, sequence_without_mutual_auth, 0, 2);
	tcase_add_test(tc, identity_forms);
	tcase_add_test(tc, errors_users_hit);
	tcase_add_test(tc, kdc_down);
	tcase_add_test(tc, password_logon_once_for_many_threads);
	tcase_add_test(tc, expired_tgt_logs_on_again);
	tcase_add_test(tc, kdc_refusals_are_denials);
	tcase_add_test(tc, short_output_buffer_loses_nothing);
	tcase_add_test(tc, bogus_handles_and_tokens);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, kerberos_suite());
}
