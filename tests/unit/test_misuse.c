/*
 * test_misuse.c - the misuse matrix: every exported SSPI function, called
 * the ways careless programs call it (NULL, zeroed, freed and wrong-kind
 * handles; NULL output pointers; SecBufferDescs of the wrong version, with
 * no buffers or a NULL array; a DATA buffer with a NULL pointer; a missing
 * or too short TOKEN buffer; unknown names), gets the documented SEC_E_*
 * code, never a crash (the suite also runs under valgrind and ASan).
 *
 * The table below is the one place the expected codes are kept.
 * `test_misuse --markdown` prints it as docs/misuse.md, and the test
 * checks that the file says the same (MISUSE_DOC names it).
 *
 * The contexts are NTLM ones, made in-process with a user file: no KDC is
 * needed, and handle and buffer checks come before any package code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include "check_main.h"

enum fault {
	F_NULL_HANDLE,
	F_ZERO_HANDLE,
	F_FREED_HANDLE,
	F_WRONG_KIND,
	F_NULL_OUT,
	F_DESC_VERSION,
	F_DESC_EMPTY,
	F_DESC_NULL_ARRAY,
	F_NULL_DATA,
	F_NO_TOKEN,
	F_SHORT_TOKEN,
	F_UNKNOWN_NAME,
	F_NEGOTIATE_CRED, /* a Negotiate credential on an NTLM context */
	F_NTLM_CRED,      /* an NTLM credential on a Negotiate context */
	F_CLIENT_CTX,     /* an established client's context where a server's is meant */
};

static const char *const fault_text[] = {
	[F_NULL_HANDLE] = "NULL handle (or name, count) pointer",
	[F_ZERO_HANDLE] = "zeroed handle",
	[F_FREED_HANDLE] = "freed handle",
	[F_WRONG_KIND] = "handle of the other kind",
	[F_NULL_OUT] = "NULL output pointer",
	[F_DESC_VERSION] = "SecBufferDesc version 1",
	[F_DESC_EMPTY] = "SecBufferDesc with no buffers",
	[F_DESC_NULL_ARRAY] = "SecBufferDesc, 2 buffers, NULL array",
	[F_NULL_DATA] = "DATA buffer: length 10, NULL pointer",
	[F_NO_TOKEN] = "no TOKEN buffer",
	[F_SHORT_TOKEN] = "TOKEN buffer (or the size stated) too short",
	[F_UNKNOWN_NAME] = "unknown package name",
	[F_NEGOTIATE_CRED] = "NTLM context, Negotiate credential",
	[F_NTLM_CRED] = "Negotiate context, NTLM credential",
	[F_CLIENT_CTX] = "a client's context (nobody to impersonate)",
};

/* The handles a call may be given. */
static struct {
	CredHandle ccred, scred, freed_cred;
	CtxtHandle cctx, sctx, freed_ctx;
	/* Negotiate (NTLM only, so no KDC is needed), one leg in. */
	CredHandle neg_ccred, neg_scred;
	CtxtHandle neg_cctx, neg_sctx;
	unsigned char ntlm_token[64]; /* a genuine first token, for continuations */
	ULONG ntlm_token_len;
} env;
static char user_file[] = "/tmp/sspi-gss-misuse-XXXXXX";

static PCtxtHandle ctx_handle(enum fault f)
{
	static CtxtHandle zero;

	switch (f) {
	case F_NULL_HANDLE:
		return NULL;
	case F_ZERO_HANDLE:
		memset(&zero, 0, sizeof(zero));
		return &zero;
	case F_FREED_HANDLE:
		return &env.freed_ctx;
	case F_WRONG_KIND:
		return (PCtxtHandle)&env.ccred;
	default:
		return &env.cctx;
	}
}

static PCredHandle cred_handle(enum fault f)
{
	static CredHandle zero;

	switch (f) {
	case F_NULL_HANDLE:
		return NULL;
	case F_ZERO_HANDLE:
		memset(&zero, 0, sizeof(zero));
		return &zero;
	case F_FREED_HANDLE:
		return &env.freed_cred;
	case F_WRONG_KIND:
		return (PCredHandle)&env.cctx;
	default:
		return &env.ccred;
	}
}

/* A message [TOKEN(size), DATA(10)] shaped by the fault. */
struct message {
	unsigned char token[64], data[10];
	SecBuffer b[2];
	SecBufferDesc d;
};

static PSecBufferDesc message(struct message *m, enum fault f)
{
	m->b[0] = (SecBuffer){sizeof(m->token), SECBUFFER_TOKEN, m->token};
	m->b[1] = (SecBuffer){sizeof(m->data), SECBUFFER_DATA, m->data};
	m->d = (SecBufferDesc){SECBUFFER_VERSION, 2, m->b};
	memset(m->data, 'x', sizeof(m->data));
	switch (f) {
	case F_NULL_OUT:
		return NULL;
	case F_DESC_VERSION:
		m->d.ulVersion = 1;
		break;
	case F_DESC_EMPTY:
		m->d.cBuffers = 0;
		break;
	case F_DESC_NULL_ARRAY:
		m->d.pBuffers = NULL;
		break;
	case F_NULL_DATA:
		m->b[1].pvBuffer = NULL;
		break;
	case F_NO_TOKEN:
		m->b[0].BufferType = SECBUFFER_EMPTY;
		break;
	case F_SHORT_TOKEN:
		m->b[0].cbBuffer = 3;
		break;
	default:
		break;
	}
	return &m->d;
}

static int is_handle_fault(enum fault f)
{
	return f <= F_WRONG_KIND;
}

/* ------------------------------------------------------------- calls */

static SECURITY_STATUS call_delete(enum fault f)
{
	return DeleteSecurityContext(ctx_handle(f));
}

static SECURITY_STATUS call_query_ctx(enum fault f, int wide)
{
	SecPkgContext_Sizes sizes;
	void *buf = f == F_NULL_OUT ? NULL : &sizes;

	return wide ? QueryContextAttributesW(ctx_handle(f), SECPKG_ATTR_SIZES, buf)
		    : QueryContextAttributesA(ctx_handle(f), SECPKG_ATTR_SIZES, buf);
}
static SECURITY_STATUS call_query_ctx_a(enum fault f) { return call_query_ctx(f, 0); }
static SECURITY_STATUS call_query_ctx_w(enum fault f) { return call_query_ctx(f, 1); }

static SECURITY_STATUS call_complete(enum fault f)
{
	SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};

	return CompleteAuthToken(ctx_handle(f), &none);
}

static SECURITY_STATUS call_apply(enum fault f)
{
	SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};

	return ApplyControlToken(ctx_handle(f), &none);
}

static SECURITY_STATUS call_export(enum fault f)
{
	SecBuffer out = {0, SECBUFFER_EMPTY, NULL};

	return ExportSecurityContext(ctx_handle(f), 0, f == F_NULL_OUT ? NULL : &out, NULL);
}

static SECURITY_STATUS call_make(enum fault f)
{
	struct message m;

	return MakeSignature(is_handle_fault(f) ? ctx_handle(f) : &env.cctx, 0, message(&m, f), 0);
}

static SECURITY_STATUS call_verify(enum fault f)
{
	struct message m;
	ULONG qop;

	return VerifySignature(is_handle_fault(f) ? ctx_handle(f) : &env.sctx, message(&m, f), 0,
			       &qop);
}

static SECURITY_STATUS call_encrypt(enum fault f)
{
	struct message m;

	return EncryptMessage(is_handle_fault(f) ? ctx_handle(f) : &env.cctx, 0, message(&m, f), 0);
}

static SECURITY_STATUS call_decrypt(enum fault f)
{
	struct message m;
	ULONG qop;

	return DecryptMessage(is_handle_fault(f) ? ctx_handle(f) : &env.sctx, message(&m, f), 0,
			      &qop);
}

static SECURITY_STATUS call_impersonate(enum fault f)
{
	return ImpersonateSecurityContext(ctx_handle(f));
}

static SECURITY_STATUS call_revert(enum fault f)
{
	return RevertSecurityContext(ctx_handle(f));
}

static SECURITY_STATUS call_token(enum fault f)
{
	HANDLE token;
	SECURITY_STATUS s = QuerySecurityContextToken(ctx_handle(f), f == F_NULL_OUT ? NULL : &token);

	if (s == SEC_E_OK)
		SspiGssCloseToken(token);
	return s;
}

/* A token that is not one: NULL, or a handle of another kind. */
static SECURITY_STATUS call_token_info(enum fault f)
{
	PSSPI_GSS_TOKEN_INFORMATION info;

	return SspiGssGetTokenInformation(f == F_NULL_HANDLE ? NULL : (HANDLE)&env.sctx, &info);
}

static SECURITY_STATUS call_close_token(enum fault f)
{
	return SspiGssCloseToken(f == F_NULL_HANDLE ? NULL : (HANDLE)&env.sctx);
}

static SECURITY_STATUS call_query_ctx_ex(enum fault f)
{
	SecPkgContext_Sizes sizes;

	return QueryContextAttributesExA(ctx_handle(f), SECPKG_ATTR_SIZES,
					 f == F_NULL_OUT ? NULL : &sizes,
					 f == F_SHORT_TOKEN ? 3 : sizeof(sizes));
}

static SECURITY_STATUS call_set_ctx(enum fault f)
{
	SecPkgContext_Flags flags = {0};

	return SetContextAttributesA(ctx_handle(f), SECPKG_ATTR_FLAGS,
				     f == F_NULL_OUT ? NULL : &flags, sizeof(flags));
}

static SECURITY_STATUS call_query_cred_ex(enum fault f)
{
	SecPkgCredentials_NamesA names;
	SECURITY_STATUS s = QueryCredentialsAttributesExA(
		cred_handle(f), SECPKG_CRED_ATTR_NAMES, f == F_NULL_OUT ? NULL : &names,
		f == F_SHORT_TOKEN ? 3 : sizeof(names));

	if (s == SEC_E_OK)
		FreeContextBuffer(names.sUserName);
	return s;
}

/* AddCredentials on an NTLM credential (one identity each), or naming an
 * unknown package. */
static SECURITY_STATUS call_add_cred(enum fault f)
{
	TimeStamp exp;

	return AddCredentialsA(cred_handle(f), NULL,
			       (SEC_CHAR *)(f == F_UNKNOWN_NAME ? "Bogus" : "NTLM"),
			       SECPKG_CRED_OUTBOUND, NULL, NULL, NULL, &exp);
}

/* The identity helpers: NULL pointers, a block that lies about its
 * strings (F_SHORT_TOKEN), a pointer of another kind (F_WRONG_KIND). */
static SEC_WINNT_AUTH_IDENTITY_EX2 *lying_ex2(void)
{
	static SEC_WINNT_AUTH_IDENTITY_EX2 ex2;

	memset(&ex2, 0, sizeof(ex2));
	ex2.Version = SEC_WINNT_AUTH_IDENTITY_VERSION_2;
	ex2.cbHeaderLength = sizeof(ex2);
	ex2.cbStructureLength = sizeof(ex2);
	ex2.UserOffset = 4096; /* far outside */
	ex2.UserLength = 8;
	return &ex2;
}

static SECURITY_STATUS call_encode(enum fault f)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	SECURITY_STATUS s = SspiEncodeStringsAsAuthIdentity(
		f == F_NULL_HANDLE ? NULL : (PCWSTR)u"alice", NULL,
		f == F_NULL_HANDLE ? NULL : (PCWSTR)u"pw", f == F_NULL_OUT ? NULL : &id);

	if (s == SEC_E_OK)
		SspiFreeAuthIdentity(id);
	return s;
}

static SECURITY_STATUS call_as_strings(enum fault f)
{
	PCWSTR u, d, p;

	return SspiEncodeAuthIdentityAsStrings(f == F_NULL_HANDLE ? NULL : lying_ex2(), &u, &d,
					       f == F_NULL_OUT ? NULL : &p);
}

static SECURITY_STATUS call_copy_identity(enum fault f)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE copy;

	return SspiCopyAuthIdentity(f == F_NULL_HANDLE ? NULL : lying_ex2(),
				    f == F_NULL_OUT ? NULL : &copy);
}

static SECURITY_STATUS call_marshal(enum fault f)
{
	ULONG len;
	char *bytes;

	return SspiMarshalAuthIdentity(f == F_NULL_HANDLE ? NULL : lying_ex2(), &len,
				       f == F_NULL_OUT ? NULL : &bytes);
}

static SECURITY_STATUS call_unmarshal(enum fault f)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	ULONG head[11] = {SEC_WINNT_AUTH_IDENTITY_VERSION, sizeof(head), 4096, 8};

	return SspiUnmarshalAuthIdentity(f == F_SHORT_TOKEN ? 3 : sizeof(head),
					 f == F_NULL_HANDLE ? NULL : (char *)head,
					 f == F_NULL_OUT ? NULL : &id);
}

static SECURITY_STATUS call_validate(enum fault f)
{
	return SspiValidateAuthIdentity(f == F_NULL_HANDLE ? NULL : lying_ex2());
}

static SECURITY_STATUS call_compare(enum fault f)
{
	BOOLEAN u, i;
	SEC_WINNT_AUTH_IDENTITY_A a = {(UCHAR *)"alice", 5, NULL, 0, NULL, 0,
				       SEC_WINNT_AUTH_IDENTITY_ANSI};

	return SspiCompareAuthIdentities(&a, f == F_NULL_HANDLE ? NULL : lying_ex2(), &u, &i);
}

static SECURITY_STATUS call_exclude(enum fault f)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	SEC_WINNT_AUTH_IDENTITY_A a = {(UCHAR *)"alice", 5, NULL, 0, NULL, 0,
				       SEC_WINNT_AUTH_IDENTITY_ANSI};

	return SspiExcludePackage(f == F_SHORT_TOKEN ? (void *)lying_ex2() : (void *)&a,
				  f == F_NULL_HANDLE ? NULL : (PCWSTR)u"NTLM",
				  f == F_NULL_OUT ? NULL : &id);
}

static SECURITY_STATUS call_encrypt_identity(enum fault f)
{
	return SspiEncryptAuthIdentity(f == F_NULL_HANDLE ? NULL : lying_ex2());
}

static SECURITY_STATUS call_target_host(enum fault f)
{
	PWSTR host;

	return SspiGetTargetHostName(f == F_NULL_HANDLE ? NULL
				     : f == F_SHORT_TOKEN ? (PCWSTR)u"HTTP/"
							  : (PCWSTR)u"HTTP/web",
				     f == F_NULL_OUT ? NULL : &host);
}

static SECURITY_STATUS call_change_password(enum fault f)
{
	SecBufferDesc bad = {1, 0, NULL};
	const char *pkg = f == F_NULL_HANDLE ? NULL : f == F_UNKNOWN_NAME ? "Bogus" : "Kerberos";

	return ChangeAccountPasswordA((SEC_CHAR *)pkg, "SSPI.TEST",
				      (SEC_CHAR *)(f == F_NULL_OUT ? NULL : "alice"), "old", "new",
				      FALSE, 0, f == F_DESC_VERSION ? &bad : NULL);
}

static SECURITY_STATUS call_free_cred(enum fault f)
{
	return FreeCredentialsHandle(cred_handle(f));
}

static SECURITY_STATUS call_query_cred(enum fault f)
{
	SecPkgCredentials_NamesA names;
	SECURITY_STATUS s = QueryCredentialsAttributesA(cred_handle(f), SECPKG_CRED_ATTR_NAMES,
							f == F_NULL_OUT ? NULL : &names);

	if (s == SEC_E_OK)
		FreeContextBuffer(names.sUserName);
	return s;
}

/* Extended protection on the inbound credential, or a bad one. */
static SECURITY_STATUS call_set_cred(enum fault f)
{
	SSPI_GSS_EXTENDED_PROTECTION ep = {SSPI_GSS_EXTENDED_PROTECTION_VERSION, sizeof(ep),
					   SSPI_GSS_EPA_WHEN_SUPPORTED, 0, NULL};
	PCredHandle cred = f == F_WRONG_KIND ? (PCredHandle)&env.sctx
			   : is_handle_fault(f) ? cred_handle(f)
			   : f == F_NEGOTIATE_CRED ? &env.ccred /* outbound */
						   : &env.scred;

	return SetCredentialsAttributesA(cred, SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION,
					 f == F_NULL_OUT ? NULL : &ep,
					 f == F_SHORT_TOKEN ? sizeof(ep) - 1 : sizeof(ep));
}

/* The first InitializeSecurityContext call: bad credentials, or a bad
 * output description. */
static SECURITY_STATUS call_isc_first(enum fault f)
{
	unsigned char small[3];
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
	ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_ALLOCATE_MEMORY, attrs;
	PSecBufferDesc pout = &out;
	CtxtHandle ctx;
	TimeStamp exp;
	SECURITY_STATUS s;

	switch (f) {
	case F_NULL_OUT:
		pout = NULL;
		break;
	case F_DESC_VERSION:
		out.ulVersion = 1;
		break;
	case F_NO_TOKEN:
		tok.BufferType = SECBUFFER_DATA;
		break;
	case F_SHORT_TOKEN:
		/* The caller's own buffer, too short for the NEGOTIATE. */
		req &= ~(ULONG)ISC_REQ_ALLOCATE_MEMORY;
		tok = (SecBuffer){sizeof(small), SECBUFFER_TOKEN, small};
		break;
	default:
		break;
	}
	s = InitializeSecurityContextA(is_handle_fault(f) ? cred_handle(f) : &env.ccred, NULL,
				       "HTTP/localhost", req, 0, 0, NULL, 0, &ctx, pout, &attrs,
				       &exp);
	if (s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED) {
		FreeContextBuffer(tok.pvBuffer);
		DeleteSecurityContext(&ctx);
	}
	return s;
}

/* A later InitializeSecurityContext call on a bad context handle. */
static SECURITY_STATUS call_isc_next(enum fault f)
{
	SecBuffer in = {env.ntlm_token_len, SECBUFFER_TOKEN, env.ntlm_token};
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in}, out = {SECBUFFER_VERSION, 1, &tok};
	ULONG attrs;
	TimeStamp exp;

	PCredHandle cred = f == F_NEGOTIATE_CRED ? &env.neg_ccred : &env.ccred;
	PCtxtHandle ctx = f == F_NTLM_CRED ? &env.neg_cctx : ctx_handle(f);

	/* A credential of another package is refused before the package
	 * reads it as its own (and before the token is looked at). */
	return InitializeSecurityContextA(cred, ctx, "HTTP/localhost", ISC_REQ_ALLOCATE_MEMORY, 0,
					  0, &ind, 0, ctx, &out, &attrs, &exp);
}

/* The first AcceptSecurityContext call: bad credentials or input. */
static SECURITY_STATUS call_asc_first(enum fault f)
{
	SecBuffer in = {env.ntlm_token_len, SECBUFFER_TOKEN, env.ntlm_token};
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in}, out = {SECBUFFER_VERSION, 1, &tok};
	PSecBufferDesc pin = &ind;
	CtxtHandle ctx;
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS s;

	switch (f) {
	case F_NULL_OUT:
		pin = NULL;
		break;
	case F_DESC_VERSION:
		ind.ulVersion = 1;
		break;
	case F_NO_TOKEN:
		in.BufferType = SECBUFFER_DATA;
		break;
	case F_SHORT_TOKEN:
		in.cbBuffer = 3;
		break;
	default:
		break;
	}
	s = AcceptSecurityContext(is_handle_fault(f) ? (f == F_WRONG_KIND
								? (PCredHandle)&env.sctx
								: cred_handle(f))
						     : &env.scred,
				  NULL, pin, ASC_REQ_ALLOCATE_MEMORY, 0, &ctx, &out, &attrs, &exp);
	if (s == SEC_E_OK || s == SEC_I_CONTINUE_NEEDED) {
		FreeContextBuffer(tok.pvBuffer);
		DeleteSecurityContext(&ctx);
	}
	return s;
}

static SECURITY_STATUS call_asc_next(enum fault f)
{
	SecBuffer in = {env.ntlm_token_len, SECBUFFER_TOKEN, env.ntlm_token};
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in}, out = {SECBUFFER_VERSION, 1, &tok};
	ULONG attrs;
	TimeStamp exp;

	PCredHandle cred = f == F_NEGOTIATE_CRED ? &env.neg_scred : &env.scred;
	PCtxtHandle ctx = f == F_NTLM_CRED ? &env.neg_sctx : f == F_NEGOTIATE_CRED ? &env.sctx
											: ctx_handle(f);

	return AcceptSecurityContext(cred, ctx, &ind, ASC_REQ_ALLOCATE_MEMORY, 0, ctx, &out, &attrs,
				     &exp);
}

static SECURITY_STATUS call_acquire(enum fault f)
{
	CredHandle cred;
	TimeStamp exp;
	SECURITY_STATUS s;
	const char *pkg = f == F_NULL_HANDLE ? NULL : f == F_UNKNOWN_NAME ? "Bogus" : "NTLM";

	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg, SECPKG_CRED_INBOUND, NULL, NULL, NULL,
				      NULL, f == F_NULL_OUT ? NULL : &cred, &exp);
	if (s == SEC_E_OK)
		FreeCredentialsHandle(&cred);
	return s;
}

static SECURITY_STATUS call_enumerate(enum fault f)
{
	ULONG n;
	PSecPkgInfoA info;
	SECURITY_STATUS s = EnumerateSecurityPackagesA(f == F_NULL_HANDLE ? NULL : &n,
						       f == F_NULL_OUT ? NULL : &info);

	if (s == SEC_E_OK)
		FreeContextBuffer(info);
	return s;
}

static SECURITY_STATUS call_package_info(enum fault f)
{
	PSecPkgInfoA info;
	const char *name = f == F_NULL_HANDLE ? NULL : f == F_UNKNOWN_NAME ? "Bogus" : "NTLM";
	SECURITY_STATUS s =
		QuerySecurityPackageInfoA((SEC_CHAR *)name, f == F_NULL_OUT ? NULL : &info);

	if (s == SEC_E_OK)
		FreeContextBuffer(info);
	return s;
}

static SECURITY_STATUS call_free_buffer(enum fault f)
{
	char local[16];
	PSecPkgInfoA info = NULL;
	ULONG n;

	switch (f) {
	case F_NULL_HANDLE:
		return FreeContextBuffer(NULL);
	case F_WRONG_KIND:
		return FreeContextBuffer(local); /* never handed out */
	default:
		/* F_FREED_HANDLE: a block freed already. */
		if (EnumerateSecurityPackagesA(&n, &info) != SEC_E_OK ||
		    FreeContextBuffer(info) != SEC_E_OK)
			return SEC_E_INTERNAL_ERROR;
		return FreeContextBuffer(info);
	}
}

static SECURITY_STATUS call_import(enum fault f)
{
	unsigned char junk[3] = {1, 2, 3};
	SecBuffer packed = {sizeof(junk), SECBUFFER_EMPTY, junk};
	CtxtHandle ctx;
	const char *pkg = f == F_NULL_HANDLE ? NULL : f == F_UNKNOWN_NAME ? "Bogus" : "Kerberos";

	return ImportSecurityContextA((SEC_CHAR *)pkg, f == F_NULL_OUT ? NULL : &packed, NULL,
				      &ctx);
}

/* -------------------------------------------------------------- table */

struct cell {
	const char *function;
	enum fault fault;
	SECURITY_STATUS want;
	SECURITY_STATUS (*call)(enum fault f);
};

#define HANDLE_CELLS(fn, call, null, zero, freed, kind)                                   \
	{fn, F_NULL_HANDLE, null, call}, {fn, F_ZERO_HANDLE, zero, call},                 \
		{fn, F_FREED_HANDLE, freed, call}, {fn, F_WRONG_KIND, kind, call}
#define BAD_CTX(fn, call)                                                                 \
	HANDLE_CELLS(fn, call, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE,                \
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE)
#define BAD_MESSAGE(fn, call, no_token, short_token)                                      \
	BAD_CTX(fn, call), {fn, F_NULL_OUT, SEC_E_INVALID_PARAMETER, call},               \
		{fn, F_DESC_VERSION, SEC_E_INVALID_PARAMETER, call},                      \
		{fn, F_DESC_EMPTY, SEC_E_INVALID_TOKEN, call},                            \
		{fn, F_DESC_NULL_ARRAY, SEC_E_INVALID_PARAMETER, call},                   \
		{fn, F_NULL_DATA, SEC_E_INVALID_PARAMETER, call},                         \
		{fn, F_NO_TOKEN, no_token, call}, {fn, F_SHORT_TOKEN, short_token, call}

static const struct cell cells[] = {
	BAD_CTX("DeleteSecurityContext", call_delete),
	BAD_CTX("QueryContextAttributesA", call_query_ctx_a),
	{"QueryContextAttributesA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_query_ctx_a},
	BAD_CTX("QueryContextAttributesW", call_query_ctx_w),
	{"QueryContextAttributesW", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_query_ctx_w},
	BAD_CTX("CompleteAuthToken", call_complete),
	BAD_CTX("ApplyControlToken", call_apply),
	BAD_CTX("ExportSecurityContext", call_export),
	{"ExportSecurityContext", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_export},
	BAD_MESSAGE("MakeSignature", call_make, SEC_E_INVALID_TOKEN, SEC_E_BUFFER_TOO_SMALL),
	BAD_MESSAGE("VerifySignature", call_verify, SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN),
	BAD_MESSAGE("EncryptMessage", call_encrypt, SEC_E_INVALID_TOKEN, SEC_E_BUFFER_TOO_SMALL),
	BAD_MESSAGE("DecryptMessage", call_decrypt, SEC_E_INVALID_TOKEN, SEC_E_INVALID_TOKEN),
	/* Impersonation needs a server's established context (and, for
	 * another account, a process that may change its ids: see
	 * tests/unit/test_impersonation.c for the unprivileged case). */
	BAD_CTX("ImpersonateSecurityContext", call_impersonate),
	{"ImpersonateSecurityContext", F_CLIENT_CTX, SEC_E_NO_IMPERSONATION, call_impersonate},
	BAD_CTX("RevertSecurityContext", call_revert),
	BAD_CTX("QuerySecurityContextToken", call_token),
	{"QuerySecurityContextToken", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_token},
	{"QuerySecurityContextToken", F_CLIENT_CTX, SEC_E_NO_IMPERSONATION, call_token},
	{"SspiGssGetTokenInformation", F_NULL_HANDLE, SEC_E_INVALID_HANDLE, call_token_info},
	{"SspiGssGetTokenInformation", F_WRONG_KIND, SEC_E_INVALID_HANDLE, call_token_info},
	{"SspiGssCloseToken", F_NULL_HANDLE, SEC_E_INVALID_HANDLE, call_close_token},
	{"SspiGssCloseToken", F_WRONG_KIND, SEC_E_INVALID_HANDLE, call_close_token},
	BAD_CTX("QueryContextAttributesExA", call_query_ctx_ex),
	{"QueryContextAttributesExA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_query_ctx_ex},
	{"QueryContextAttributesExA", F_SHORT_TOKEN, SEC_E_BUFFER_TOO_SMALL, call_query_ctx_ex},
	/* Schannel's only, on Windows too. */
	BAD_CTX("SetContextAttributesA", call_set_ctx),
	{"SetContextAttributesA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_set_ctx},
	{"SetContextAttributesA", F_CLIENT_CTX, SEC_E_UNSUPPORTED_FUNCTION, call_set_ctx},
	HANDLE_CELLS("FreeCredentialsHandle", call_free_cred, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	HANDLE_CELLS("QueryCredentialsAttributesA", call_query_cred, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	{"QueryCredentialsAttributesA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_query_cred},
	HANDLE_CELLS("QueryCredentialsAttributesExA", call_query_cred_ex, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	{"QueryCredentialsAttributesExA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_query_cred_ex},
	{"QueryCredentialsAttributesExA", F_SHORT_TOKEN, SEC_E_BUFFER_TOO_SMALL,
	 call_query_cred_ex},
	HANDLE_CELLS("AddCredentialsA", call_add_cred, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	{"AddCredentialsA", F_UNKNOWN_NAME, SEC_E_SECPKG_NOT_FOUND, call_add_cred},
	{"AddCredentialsA", F_NTLM_CRED, SEC_E_UNSUPPORTED_FUNCTION, call_add_cred},
	/* The identity helpers. */
	{"SspiEncodeStringsAsAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_TOKEN, call_encode},
	{"SspiEncodeStringsAsAuthIdentity", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_encode},
	{"SspiEncodeAuthIdentityAsStrings", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER,
	 call_as_strings},
	{"SspiEncodeAuthIdentityAsStrings", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_as_strings},
	{"SspiEncodeAuthIdentityAsStrings", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER,
	 call_as_strings},
	{"SspiCopyAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_copy_identity},
	{"SspiCopyAuthIdentity", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_copy_identity},
	{"SspiCopyAuthIdentity", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_copy_identity},
	{"SspiMarshalAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_marshal},
	{"SspiMarshalAuthIdentity", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_marshal},
	{"SspiMarshalAuthIdentity", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_marshal},
	{"SspiUnmarshalAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_unmarshal},
	{"SspiUnmarshalAuthIdentity", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_unmarshal},
	{"SspiUnmarshalAuthIdentity", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_unmarshal},
	{"SspiValidateAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_validate},
	{"SspiValidateAuthIdentity", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_validate},
	{"SspiCompareAuthIdentities", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_compare},
	{"SspiCompareAuthIdentities", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_compare},
	{"SspiExcludePackage", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_exclude},
	{"SspiExcludePackage", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_exclude},
	{"SspiExcludePackage", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_exclude},
	{"SspiEncryptAuthIdentity", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_encrypt_identity},
	{"SspiEncryptAuthIdentity", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_encrypt_identity},
	{"SspiGetTargetHostName", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_target_host},
	{"SspiGetTargetHostName", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_target_host},
	{"SspiGetTargetHostName", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER, call_target_host},
	{"ChangeAccountPasswordA", F_NULL_HANDLE, SEC_E_SECPKG_NOT_FOUND, call_change_password},
	{"ChangeAccountPasswordA", F_UNKNOWN_NAME, SEC_E_SECPKG_NOT_FOUND, call_change_password},
	{"ChangeAccountPasswordA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_change_password},
	{"ChangeAccountPasswordA", F_DESC_VERSION, SEC_E_INVALID_PARAMETER, call_change_password},
	HANDLE_CELLS("SetCredentialsAttributesA (extended protection)", call_set_cred,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE),
	{"SetCredentialsAttributesA (extended protection)", F_NULL_OUT, SEC_E_INVALID_PARAMETER,
	 call_set_cred},
	{"SetCredentialsAttributesA (extended protection)", F_SHORT_TOKEN, SEC_E_INVALID_PARAMETER,
	 call_set_cred},
	HANDLE_CELLS("InitializeSecurityContextA (first call)", call_isc_first, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	/* No room for the token: SEC_E_BUFFER_TOO_SMALL, as Windows answers. */
	{"InitializeSecurityContextA (first call)", F_NULL_OUT, SEC_E_BUFFER_TOO_SMALL,
	 call_isc_first},
	{"InitializeSecurityContextA (first call)", F_DESC_VERSION, SEC_E_INVALID_PARAMETER,
	 call_isc_first},
	{"InitializeSecurityContextA (first call)", F_NO_TOKEN, SEC_E_BUFFER_TOO_SMALL,
	 call_isc_first},
	{"InitializeSecurityContextA (first call)", F_SHORT_TOKEN, SEC_E_BUFFER_TOO_SMALL,
	 call_isc_first},
	/* phContext NULL makes it a first call, here with no place for the
	 * new handle either. */
	HANDLE_CELLS("InitializeSecurityContextA (later call)", call_isc_next,
		     SEC_E_INVALID_PARAMETER, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE),
	{"InitializeSecurityContextA (later call)", F_NEGOTIATE_CRED,
	 SEC_E_WRONG_CREDENTIAL_HANDLE, call_isc_next},
	{"InitializeSecurityContextA (later call)", F_NTLM_CRED, SEC_E_WRONG_CREDENTIAL_HANDLE,
	 call_isc_next},
	HANDLE_CELLS("AcceptSecurityContext (first call)", call_asc_first, SEC_E_INVALID_HANDLE,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	{"AcceptSecurityContext (first call)", F_NULL_OUT, SEC_E_INVALID_TOKEN, call_asc_first},
	{"AcceptSecurityContext (first call)", F_DESC_VERSION, SEC_E_INVALID_PARAMETER,
	 call_asc_first},
	{"AcceptSecurityContext (first call)", F_NO_TOKEN, SEC_E_INVALID_TOKEN, call_asc_first},
	{"AcceptSecurityContext (first call)", F_SHORT_TOKEN, SEC_E_INVALID_TOKEN, call_asc_first},
	HANDLE_CELLS("AcceptSecurityContext (later call)", call_asc_next, SEC_E_INVALID_PARAMETER,
		     SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE, SEC_E_INVALID_HANDLE),
	{"AcceptSecurityContext (later call)", F_NEGOTIATE_CRED, SEC_E_WRONG_CREDENTIAL_HANDLE,
	 call_asc_next},
	{"AcceptSecurityContext (later call)", F_NTLM_CRED, SEC_E_WRONG_CREDENTIAL_HANDLE,
	 call_asc_next},
	{"AcquireCredentialsHandleA", F_NULL_HANDLE, SEC_E_SECPKG_NOT_FOUND, call_acquire},
	{"AcquireCredentialsHandleA", F_UNKNOWN_NAME, SEC_E_SECPKG_NOT_FOUND, call_acquire},
	{"AcquireCredentialsHandleA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_acquire},
	{"EnumerateSecurityPackagesA", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_enumerate},
	{"EnumerateSecurityPackagesA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_enumerate},
	{"QuerySecurityPackageInfoA", F_NULL_HANDLE, SEC_E_SECPKG_NOT_FOUND, call_package_info},
	{"QuerySecurityPackageInfoA", F_UNKNOWN_NAME, SEC_E_SECPKG_NOT_FOUND, call_package_info},
	{"QuerySecurityPackageInfoA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_package_info},
	{"FreeContextBuffer", F_NULL_HANDLE, SEC_E_OK, call_free_buffer},
	{"FreeContextBuffer", F_FREED_HANDLE, SEC_E_INVALID_HANDLE, call_free_buffer},
	{"FreeContextBuffer", F_WRONG_KIND, SEC_E_INVALID_HANDLE, call_free_buffer},
	{"ImportSecurityContextA", F_NULL_HANDLE, SEC_E_INVALID_PARAMETER, call_import},
	{"ImportSecurityContextA", F_UNKNOWN_NAME, SEC_E_SECPKG_NOT_FOUND, call_import},
	{"ImportSecurityContextA", F_NULL_OUT, SEC_E_INVALID_PARAMETER, call_import},
	{"ImportSecurityContextA", F_SHORT_TOKEN, SEC_E_INVALID_TOKEN, call_import},
};

#define NCELLS (sizeof(cells) / sizeof(cells[0]))

/* ------------------------------------------------------------ fixture */

/* A Negotiate client and server context, one leg each (NTLM only). */
static void negotiate_first_legs(const SEC_WINNT_AUTH_IDENTITY_A *plain)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION, .Length = sizeof(id),
		.User = plain->User, .UserLength = plain->UserLength,
		.Domain = plain->Domain, .DomainLength = plain->DomainLength,
		.Password = plain->Password, .PasswordLength = plain->PasswordLength,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
		.PackageList = (UCHAR *)"NTLM", .PackageListLength = 4,
	};
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &ct};
	ULONG attrs;
	TimeStamp exp;

	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_OUTBOUND, NULL,
						   &id, NULL, NULL, &env.neg_ccred, &exp),
			 SEC_E_OK);
	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL,
						   NULL, NULL, NULL, &env.neg_scred, &exp),
			 SEC_E_OK);
	ck_assert_int_eq(InitializeSecurityContextA(&env.neg_ccred, NULL, "HTTP/localhost",
						    ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0,
						    &env.neg_cctx, &cout, &attrs, &exp),
			 SEC_I_CONTINUE_NEEDED);
	ck_assert_int_eq(AcceptSecurityContext(&env.neg_scred, NULL, &ind, ASC_REQ_ALLOCATE_MEMORY,
					       0, &env.neg_sctx, &sout, &attrs, &exp),
			 SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ct.pvBuffer);
	FreeContextBuffer(st.pvBuffer);
}

static void establish(void)
{
	SecBuffer ct = {0, SECBUFFER_TOKEN, NULL}, st = {0, SECBUFFER_TOKEN, NULL}, in;
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ct}, sout = {SECBUFFER_VERSION, 1, &st};
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in};
	SEC_WINNT_AUTH_IDENTITY_A id = {(UCHAR *)"alice", 5, (UCHAR *)"SSPI", 4,
					(UCHAR *)"Alice-Pass-1", 12, SEC_WINNT_AUTH_IDENTITY_ANSI};
	ULONG req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_ALLOCATE_MEMORY, attrs;
	CredHandle c2;
	TimeStamp exp;

	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL, &id,
						   NULL, NULL, &env.ccred, &exp),
			 SEC_E_OK);
	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL,
						   NULL, NULL, &env.scred, &exp),
			 SEC_E_OK);
	ck_assert_int_eq(InitializeSecurityContextA(&env.ccred, NULL, "HTTP/localhost", req, 0, 0,
						    NULL, 0, &env.cctx, &cout, &attrs, &exp),
			 SEC_I_CONTINUE_NEEDED);
	ck_assert_uint_le(ct.cbBuffer, sizeof(env.ntlm_token));
	memcpy(env.ntlm_token, ct.pvBuffer, ct.cbBuffer);
	env.ntlm_token_len = ct.cbBuffer;
	in = ct;
	ck_assert_int_eq(AcceptSecurityContext(&env.scred, NULL, &ind, ASC_REQ_ALLOCATE_MEMORY, 0,
					       &env.sctx, &sout, &attrs, &exp),
			 SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ct.pvBuffer);
	in = st;
	ct = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_assert_int_eq(InitializeSecurityContextA(&env.ccred, &env.cctx, "HTTP/localhost", req,
						    0, 0, &ind, 0, &env.cctx, &cout, &attrs, &exp),
			 SEC_E_OK);
	FreeContextBuffer(st.pvBuffer);
	in = ct;
	st = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_assert_int_eq(AcceptSecurityContext(&env.scred, &env.sctx, &ind, ASC_REQ_ALLOCATE_MEMORY,
					       0, &env.sctx, &sout, &attrs, &exp),
			 SEC_E_OK);
	FreeContextBuffer(ct.pvBuffer);
	if (st.pvBuffer != NULL)
		FreeContextBuffer(st.pvBuffer);
	/* A freed credential and a freed context. */
	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_OUTBOUND, NULL, &id,
						   NULL, NULL, &c2, &exp),
			 SEC_E_OK);
	env.freed_cred = c2;
	ck_assert_int_eq(FreeCredentialsHandle(&c2), SEC_E_OK);
	ck_assert_int_eq(InitializeSecurityContextA(&env.ccred, NULL, "HTTP/localhost", req, 0, 0,
						    NULL, 0, &env.freed_ctx, &cout, &attrs, &exp),
			 SEC_I_CONTINUE_NEEDED);
	FreeContextBuffer(ct.pvBuffer);
	ck_assert_int_eq(DeleteSecurityContext(&env.freed_ctx), SEC_E_OK);
	negotiate_first_legs(&id);
}

static void release(void)
{
	ck_assert_int_eq(DeleteSecurityContext(&env.cctx), SEC_E_OK);
	ck_assert_int_eq(DeleteSecurityContext(&env.sctx), SEC_E_OK);
	ck_assert_int_eq(FreeCredentialsHandle(&env.ccred), SEC_E_OK);
	ck_assert_int_eq(FreeCredentialsHandle(&env.scred), SEC_E_OK);
	ck_assert_int_eq(DeleteSecurityContext(&env.neg_cctx), SEC_E_OK);
	ck_assert_int_eq(DeleteSecurityContext(&env.neg_sctx), SEC_E_OK);
	ck_assert_int_eq(FreeCredentialsHandle(&env.neg_ccred), SEC_E_OK);
	ck_assert_int_eq(FreeCredentialsHandle(&env.neg_scred), SEC_E_OK);
}

static const char *name(SECURITY_STATUS s)
{
	return SspiGssStatusName(s) ? SspiGssStatusName(s) : "(unknown)";
}

START_TEST(every_cell)
{
	int failed = 0;

	establish();
	for (size_t i = 0; i < NCELLS; i++) {
		const struct cell *c = &cells[i];
		SECURITY_STATUS got = c->call(c->fault);

		if (got != c->want) {
			fprintf(stderr, "%s, %s: expected %s, got %s\n", c->function,
				fault_text[c->fault], name(c->want), name(got));
			failed++;
		}
	}
	/* The contexts are still fine after all that. */
	{
		unsigned char buf[16 + 5] = "................hello";
		SecBuffer b[2] = {{16, SECBUFFER_TOKEN, buf}, {5, SECBUFFER_DATA, buf + 16}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
		ULONG qop;

		ck_assert_int_eq(EncryptMessage(&env.cctx, 0, &d, 0), SEC_E_OK);
		ck_assert_int_eq(DecryptMessage(&env.sctx, &d, 0, &qop), SEC_E_OK);
		ck_assert(memcmp(buf + 16, "hello", 5) == 0);
	}
	release();
	ck_assert_msg(failed == 0, "%d of %zu cells differ", failed, NCELLS);
}
END_TEST

/* The markdown of docs/misuse.md, from the table. */
static void markdown(FILE *f)
{
	fprintf(f, "# The misuse matrix\n\n"
		   "What each exported function returns when a program calls it wrongly.\n"
		   "Generated from the table in tests/unit/test_misuse.c\n"
		   "(`build/tests/unit/test_misuse --markdown`), which checks every cell, and\n"
		   "this file, on every run.\n"
		   "Handles are checked before anything else; a call that fails leaves every\n"
		   "handle it was given as it was. The library cannot tell the real size of\n"
		   "a caller's buffer from the length the caller claims, so lengths larger\n"
		   "than the memory behind them are the caller's error, as on Windows;\n"
		   "lengths inside tokens are the peer's, and the fuzz targets cover them\n"
		   "(docs/fuzzing.md).\n\n"
		   "| Function | Called with | Returns |\n|---|---|---|\n");
	for (size_t i = 0; i < NCELLS; i++)
		fprintf(f, "| %s | %s | %s |\n", cells[i].function, fault_text[cells[i].fault],
			name(cells[i].want));
	fprintf(f, "\n%zu cells.\n", NCELLS);
}

START_TEST(documented)
{
	const char *doc = getenv("MISUSE_DOC");
	char *want = NULL, *got = NULL;
	size_t want_len = 0, got_len = 0;
	FILE *m = open_memstream(&want, &want_len), *f;

	ck_assert_ptr_nonnull(doc);
	markdown(m);
	fclose(m);
	f = fopen(doc, "r");
	ck_assert_msg(f != NULL, "cannot read %s", doc);
	got = calloc(1, want_len + 2);
	got_len = fread(got, 1, want_len + 1, f);
	fclose(f);
	ck_assert_msg(got_len == want_len && memcmp(got, want, want_len) == 0,
		      "%s is not what the table says: regenerate it with test_misuse --markdown",
		      doc);
	free(want);
	free(got);
}
END_TEST

static Suite *misuse_suite(void)
{
	Suite *s = suite_create("misuse");
	TCase *t = tcase_create("matrix");

	tcase_add_test(t, every_cell);
	tcase_add_test(t, documented);
	suite_add_tcase(s, t);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int fd, failed;
	const char line[] = "SSPI:alice:Alice-Pass-1\n";

	if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
		markdown(stdout);
		return 0;
	}
	fd = mkstemp(user_file);
	if (fd < 0 || write(fd, line, sizeof(line) - 1) != (ssize_t)(sizeof(line) - 1))
		return EXIT_FAILURE;
	close(fd);
	setenv("NTLM_USER_FILE", user_file, 1);
	runner = srunner_create(misuse_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	unlink(user_file);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
