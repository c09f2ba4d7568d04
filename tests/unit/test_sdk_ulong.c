/*
 * test_sdk_ulong.c - SDK-literal unsigned long * out-arguments
 * (include/sspi-gss-ulong.h), built with GCC 14's default
 * -Werror=incompatible-pointer-types.
 *
 * An NTLM handshake in one process (the acceptor reads a temporary
 * NTLM_USER_FILE; no KDC), then a signed and a sealed message, made once
 * with ULONG variables and direct calls, the reference, and again with
 * unsigned long variables holding 0xFFFFFFFFFFFFFFFF before each call,
 * directly and through the function tables: every value must be the
 * reference's, with the upper bits cleared. The names without "(" must be
 * the exported functions and the tables' entries.
 *
 * The same source is built as C++ too (tests/meson.build copies it), where
 * the adapters are function templates: there function-table members take
 * ULONG * only, so those calls, and the C macro's own checks, are C only.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sspi-gss.h>
#include <sspi.h>

#include "check_main.h"

#define TARGET "HTTP/server.example"
#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | \
	     ISC_REQ_REPLAY_DETECT | ISC_REQ_CONNECTION | ISC_REQ_ALLOCATE_MEMORY)
#define AREQ (ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY | ASC_REQ_ALLOCATE_MEMORY)
/* What an unsigned long held before each call. */
#define GARBAGE ULONG_MAX

static char user_file[64];

/* How a call is made: which function (A or W initiator), with which type
 * of variable, directly or through InitSecurityInterfaceA/W's table. */
enum how {
	DIRECT_ULONG_W, /* the reference */
	DIRECT_UL_W,
	DIRECT_UL_A,
	TABLE_ULONG_W,
	TABLE_UL_W,
	TABLE_UL_A,
	HOW_COUNT
};

static const char *const how_name[HOW_COUNT] = {
	"direct, ULONG, W",  "direct, unsigned long, W", "direct, unsigned long, A",
	"table, ULONG, W",   "table, unsigned long, W",  "table, unsigned long, A",
};

/* What one handshake and its messages wrote to the out-variables. */
struct record {
	SECURITY_STATUS isc_status[2], asc_status[2];
	unsigned long isc_attrs[2], asc_attrs[2];
	unsigned long verify_qop, decrypt_qop;
};

static int is_ulong(enum how how)
{
	return how == DIRECT_ULONG_W || how == TABLE_ULONG_W;
}

/* In C++ a table member cannot take an unsigned long *. */
static int compiles(enum how how)
{
#ifdef __cplusplus
	return how != TABLE_UL_W && how != TABLE_UL_A;
#else
	(void)how;
	return 1;
#endif
}

static void make_user_file(void)
{
	int fd;

	strcpy(user_file, "/tmp/sspi-gss-ulong-users-XXXXXX");
	fd = mkstemp(user_file);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(write(fd, "SSPI:alice:Alice-Pass-1\n", 24), 0);
	close(fd);
	setenv("NTLM_USER_FILE", user_file, 1);
}

static void remove_user_file(void)
{
	unlink(user_file);
	unsetenv("NTLM_USER_FILE");
}

static void acquire(CredHandle *client, CredHandle *server)
{
	SEC_CHAR ntlm[] = "NTLM";
	SEC_WINNT_AUTH_IDENTITY_A id;
	TimeStamp expiry;

	memset(&id, 0, sizeof(id));
	id.User = (UCHAR *)"alice";
	id.UserLength = 5;
	id.Domain = (UCHAR *)"SSPI";
	id.DomainLength = 4;
	id.Password = (UCHAR *)"Alice-Pass-1";
	id.PasswordLength = 12;
	id.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, ntlm, SECPKG_CRED_OUTBOUND, NULL, &id,
						   NULL, NULL, client, &expiry),
			 SEC_E_OK);
	ck_assert_int_eq(AcquireCredentialsHandleA(NULL, ntlm, SECPKG_CRED_INBOUND, NULL, NULL,
						   NULL, NULL, server, &expiry),
			 SEC_E_OK);
}

/* InitializeSecurityContext made the way HOW says; *attrs gets what the
 * variable held afterwards. */
static SECURITY_STATUS isc(enum how how, CredHandle *cred, CtxtHandle *ctx, int first,
			   SecBufferDesc *in, SecBufferDesc *out, unsigned long *attrs)
{
	SEC_WCHAR target_w[] = u"" TARGET;
	SEC_CHAR target_a[] = TARGET;
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	PCtxtHandle old = first ? NULL : ctx;
	ULONG a32 = 0;
	unsigned long a64 = GARBAGE;
	SECURITY_STATUS s = SEC_E_INTERNAL_ERROR;

	switch (how) {
	case DIRECT_ULONG_W:
		s = InitializeSecurityContextW(cred, old, target_w, REQ, 0, SECURITY_NATIVE_DREP, in,
					       0, ctx, out, &a32, NULL);
		break;
	case DIRECT_UL_W:
		s = InitializeSecurityContextW(cred, old, target_w, REQ, 0, SECURITY_NATIVE_DREP, in,
					       0, ctx, out, &a64, NULL);
		break;
	case DIRECT_UL_A:
		s = InitializeSecurityContextA(cred, old, target_a, REQ, 0, SECURITY_NATIVE_DREP, in,
					       0, ctx, out, &a64, NULL);
		break;
	case TABLE_ULONG_W:
		s = tw->InitializeSecurityContextW(cred, old, target_w, REQ, 0, SECURITY_NATIVE_DREP,
						   in, 0, ctx, out, &a32, NULL);
		break;
#ifndef __cplusplus
	case TABLE_UL_W:
		s = tw->InitializeSecurityContextW(cred, old, target_w, REQ, 0, SECURITY_NATIVE_DREP,
						   in, 0, ctx, out, &a64, NULL);
		break;
	case TABLE_UL_A:
		s = ta->InitializeSecurityContextA(cred, old, target_a, REQ, 0, SECURITY_NATIVE_DREP,
						   in, 0, ctx, out, &a64, NULL);
		break;
#endif
	default:
		(void)ta;
		break;
	}
	*attrs = is_ulong(how) ? a32 : a64;
	return s;
}

static SECURITY_STATUS asc(enum how how, CredHandle *cred, CtxtHandle *ctx, int first,
			   SecBufferDesc *in, SecBufferDesc *out, unsigned long *attrs)
{
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	PCtxtHandle old = first ? NULL : ctx;
	ULONG a32 = 0;
	unsigned long a64 = GARBAGE;
	SECURITY_STATUS s;

	(void)ta; /* used in C only */
	if (how == DIRECT_ULONG_W)
		s = AcceptSecurityContext(cred, old, in, AREQ, SECURITY_NATIVE_DREP, ctx, out, &a32,
					  NULL);
	else if (how == TABLE_ULONG_W)
		s = tw->AcceptSecurityContext(cred, old, in, AREQ, SECURITY_NATIVE_DREP, ctx, out,
					      &a32, NULL);
#ifndef __cplusplus
	else if (how == TABLE_UL_W)
		s = tw->AcceptSecurityContext(cred, old, in, AREQ, SECURITY_NATIVE_DREP, ctx, out,
					      &a64, NULL);
	else if (how == TABLE_UL_A)
		s = ta->AcceptSecurityContext(cred, old, in, AREQ, SECURITY_NATIVE_DREP, ctx, out,
					      &a64, NULL);
#endif
	else
		s = AcceptSecurityContext(cred, old, in, AREQ, SECURITY_NATIVE_DREP, ctx, out, &a64,
					  NULL);
	*attrs = is_ulong(how) ? a32 : a64;
	return s;
}

static SECURITY_STATUS verify(enum how how, CtxtHandle *ctx, SecBufferDesc *msg,
			      unsigned long *qop)
{
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	ULONG q32 = 0;
	unsigned long q64 = GARBAGE;
	SECURITY_STATUS s;

	(void)ta; /* used in C only */
	if (how == DIRECT_ULONG_W)
		s = VerifySignature(ctx, msg, 0, &q32);
	else if (how == TABLE_ULONG_W)
		s = tw->VerifySignature(ctx, msg, 0, &q32);
#ifndef __cplusplus
	else if (how == TABLE_UL_W)
		s = tw->VerifySignature(ctx, msg, 0, &q64);
	else if (how == TABLE_UL_A)
		s = ta->VerifySignature(ctx, msg, 0, &q64);
#endif
	else
		s = VerifySignature(ctx, msg, 0, &q64);
	*qop = is_ulong(how) ? q32 : q64;
	return s;
}

static SECURITY_STATUS decrypt(enum how how, CtxtHandle *ctx, SecBufferDesc *msg,
			       unsigned long *qop)
{
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	ULONG q32 = 0;
	unsigned long q64 = GARBAGE;
	SECURITY_STATUS s;

	(void)ta; /* used in C only */
	if (how == DIRECT_ULONG_W)
		s = DecryptMessage(ctx, msg, 0, &q32);
	else if (how == TABLE_ULONG_W)
		s = tw->DecryptMessage(ctx, msg, 0, &q32);
#ifndef __cplusplus
	else if (how == TABLE_UL_W)
		s = tw->DecryptMessage(ctx, msg, 0, &q64);
	else if (how == TABLE_UL_A)
		s = ta->DecryptMessage(ctx, msg, 0, &q64);
#endif
	else
		s = DecryptMessage(ctx, msg, 0, &q64);
	*qop = is_ulong(how) ? q32 : q64;
	return s;
}

/* NEGOTIATE, CHALLENGE, AUTHENTICATE, then a signed message and a sealed
 * one. */
static void run(enum how how, struct record *r)
{
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	SecBuffer ctok, stok, b[2];
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc msg = {SECBUFFER_VERSION, 2, b};
	unsigned char sig[64];
	char text[] = "signed, then sealed";
	SecPkgContext_Sizes sizes;

	memset(r, 0, sizeof(*r));
	acquire(&ccred, &scred);
	for (int leg = 0; leg < 2; leg++) {
		ctok.cbBuffer = 0;
		ctok.BufferType = SECBUFFER_TOKEN;
		ctok.pvBuffer = NULL;
		r->isc_status[leg] = isc(how, &ccred, &cctx, leg == 0, leg == 0 ? NULL : &sout,
					 &cout, &r->isc_attrs[leg]);
		if (leg == 1)
			FreeContextBuffer(stok.pvBuffer);
		ck_assert_msg(r->isc_status[leg] == (leg == 0 ? SEC_I_CONTINUE_NEEDED : SEC_E_OK),
			      "%s: InitializeSecurityContext leg %d: 0x%08x", how_name[how], leg,
			      (unsigned)r->isc_status[leg]);
		stok.cbBuffer = 0;
		stok.BufferType = SECBUFFER_TOKEN;
		stok.pvBuffer = NULL;
		r->asc_status[leg] =
			asc(how, &scred, &sctx, leg == 0, &cout, &sout, &r->asc_attrs[leg]);
		FreeContextBuffer(ctok.pvBuffer);
		ck_assert_msg(r->asc_status[leg] == (leg == 0 ? SEC_I_CONTINUE_NEEDED : SEC_E_OK),
			      "%s: AcceptSecurityContext leg %d: 0x%08x", how_name[how], leg,
			      (unsigned)r->asc_status[leg]);
		if (leg == 1)
			FreeContextBuffer(stok.pvBuffer);
	}

	ck_assert_int_eq(QueryContextAttributesA(&cctx, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	ck_assert_uint_le(sizes.cbMaxSignature, sizeof(sig));
	b[0].BufferType = SECBUFFER_DATA;
	b[0].cbBuffer = (ULONG)strlen(text);
	b[0].pvBuffer = text;
	b[1].BufferType = SECBUFFER_TOKEN;
	b[1].cbBuffer = sizes.cbMaxSignature;
	b[1].pvBuffer = sig;
	ck_assert_int_eq(MakeSignature(&cctx, 0, &msg, 0), SEC_E_OK);
	ck_assert_int_eq(verify(how, &sctx, &msg, &r->verify_qop), SEC_E_OK);

	ck_assert_uint_le(sizes.cbSecurityTrailer, sizeof(sig));
	b[1].cbBuffer = sizes.cbSecurityTrailer;
	ck_assert_int_eq(EncryptMessage(&cctx, 0, &msg, 0), SEC_E_OK);
	ck_assert_int_ne(memcmp(text, "signed, then sealed", sizeof(text)), 0);
	ck_assert_int_eq(decrypt(how, &sctx, &msg, &r->decrypt_qop), SEC_E_OK);
	ck_assert_str_eq(text, "signed, then sealed");

	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}

START_TEST(handshake_and_messages)
{
	struct record want, got;

	make_user_file();
	run(DIRECT_ULONG_W, &want);
	/* The reference says something: equality below is not 0 == 0. */
	ck_assert_uint_ne(want.isc_attrs[1] & ISC_RET_CONFIDENTIALITY, 0);
	ck_assert_uint_ne(want.asc_attrs[1] & ASC_RET_CONFIDENTIALITY, 0);
	ck_assert_uint_eq(want.decrypt_qop, 0);
	for (int how = DIRECT_ULONG_W + 1; how < HOW_COUNT; how++) {
		if (!compiles((enum how)how))
			continue;
		run((enum how)how, &got);
		for (int leg = 0; leg < 2; leg++) {
			ck_assert_msg(got.isc_attrs[leg] == want.isc_attrs[leg],
				      "%s: ISC leg %d attributes 0x%lx, ULONG call 0x%lx",
				      how_name[how], leg, got.isc_attrs[leg], want.isc_attrs[leg]);
			ck_assert_msg(got.asc_attrs[leg] == want.asc_attrs[leg],
				      "%s: ASC leg %d attributes 0x%lx, ULONG call 0x%lx",
				      how_name[how], leg, got.asc_attrs[leg], want.asc_attrs[leg]);
		}
		ck_assert_msg(got.verify_qop == want.verify_qop,
			      "%s: VerifySignature QOP 0x%lx, ULONG call 0x%lx", how_name[how],
			      got.verify_qop, want.verify_qop);
		ck_assert_msg(got.decrypt_qop == want.decrypt_qop,
			      "%s: DecryptMessage QOP 0x%lx, ULONG call 0x%lx", how_name[how],
			      got.decrypt_qop, want.decrypt_qop);
	}
	remove_user_file();
}
END_TEST

/* EnumerateSecurityPackagesA/W's count, the same in every form. */
START_TEST(package_count)
{
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	PSecPkgInfoA a = NULL;
	PSecPkgInfoW w = NULL;
	ULONG want = 0;
	unsigned long got;

	ck_assert_int_eq(EnumerateSecurityPackagesA(&want, &a), SEC_E_OK);
	FreeContextBuffer(a);
	ck_assert_uint_gt(want, 0);

	got = GARBAGE;
	ck_assert_int_eq(EnumerateSecurityPackagesA(&got, &a), SEC_E_OK);
	FreeContextBuffer(a);
	ck_assert_uint_eq(got, want);
	got = GARBAGE;
	ck_assert_int_eq(EnumerateSecurityPackagesW(&got, &w), SEC_E_OK);
	FreeContextBuffer(w);
	ck_assert_uint_eq(got, want);
#ifndef __cplusplus
	got = GARBAGE;
	ck_assert_int_eq(ta->EnumerateSecurityPackagesA(&got, &a), SEC_E_OK);
	FreeContextBuffer(a);
	ck_assert_uint_eq(got, want);
	got = GARBAGE;
	ck_assert_int_eq(tw->EnumerateSecurityPackagesW(&got, &w), SEC_E_OK);
	FreeContextBuffer(w);
	ck_assert_uint_eq(got, want);
#else
	(void)ta;
	(void)tw;
#endif
}
END_TEST

/* SspiMarshalAuthIdentity's length, and the same bytes. */
START_TEST(marshal_length)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id = NULL;
	char *bytes32 = NULL, *bytes64 = NULL;
	ULONG len32 = 0;
	unsigned long len64 = GARBAGE;

	ck_assert_int_eq(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI", u"Alice-Pass-1", &id),
			 SEC_E_OK);
	ck_assert_int_eq(SspiMarshalAuthIdentity(id, &len32, &bytes32), SEC_E_OK);
	ck_assert_int_eq(SspiMarshalAuthIdentity(id, &len64, &bytes64), SEC_E_OK);
	ck_assert_uint_gt(len32, 0);
	ck_assert_uint_eq(len64, len32);
	ck_assert_mem_eq(bytes64, bytes32, len32);
	SspiLocalFree(bytes32);
	SspiLocalFree(bytes64);
	SspiFreeAuthIdentity(id);
}
END_TEST

/* The Sasl functions are not provided; the variable is still cleared, as
 * the adapter promises for every status. */
START_TEST(unprovided_functions_clear_the_variable)
{
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok};
	CredHandle cred = {0, 0};
	CtxtHandle ctx;
	SEC_WCHAR target_w[] = u"" TARGET;
	ULONG a32 = 0;
	unsigned long a64 = GARBAGE;

	ck_assert_int_eq(SaslInitializeSecurityContextA(&cred, NULL, (LPSTR)TARGET, 0, 0, 0, NULL,
							0, &ctx, &out, &a64, NULL),
			 SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_uint_eq(a64, 0);
	a64 = GARBAGE;
	ck_assert_int_eq(SaslInitializeSecurityContextW(&cred, NULL, target_w, 0, 0, 0, NULL, 0,
							&ctx, &out, &a64, NULL),
			 SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_uint_eq(a64, 0);
	a64 = GARBAGE;
	ck_assert_int_eq(SaslAcceptSecurityContext(&cred, NULL, NULL, 0, 0, &ctx, &out, &a64, NULL),
			 SEC_E_UNSUPPORTED_FUNCTION);
	ck_assert_uint_eq(a64, 0);
	ck_assert_int_eq(SaslAcceptSecurityContext(&cred, NULL, NULL, 0, 0, &ctx, &out, &a32, NULL),
			 SEC_E_UNSUPPORTED_FUNCTION);
}
END_TEST

/* NULL, 0 and a null unsigned long * reach the function as null pointers:
 * the same status as the ULONG form, directly and through a table. */
START_TEST(null_pointers)
{
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	CtxtHandle bad = {0, 0};
	SecBuffer b = {0, SECBUFFER_DATA, NULL};
	SecBufferDesc msg = {SECBUFFER_VERSION, 1, &b};
	PSecPkgInfoA a = NULL;
	unsigned long *no_ul = NULL;
	ULONG *no_ulong = NULL;
	SECURITY_STATUS want = EnumerateSecurityPackagesA(no_ulong, &a);

	ck_assert_int_ne(want, SEC_E_OK);
	ck_assert_int_eq(EnumerateSecurityPackagesA(NULL, &a), want);
	ck_assert_int_eq(EnumerateSecurityPackagesA(0, &a), want);
	ck_assert_int_eq(EnumerateSecurityPackagesA(no_ul, &a), want);
#ifdef __cplusplus
	ck_assert_int_eq(EnumerateSecurityPackagesA(nullptr, &a), want);
#else
	ck_assert_ptr_eq(SSPI_GSS_ULONG_OUT(no_ul), NULL);
#endif

	want = DecryptMessage(&bad, &msg, 0, no_ulong);
	ck_assert_int_eq(want, SEC_E_INVALID_HANDLE);
	ck_assert_int_eq(DecryptMessage(&bad, &msg, 0, NULL), want);
	ck_assert_int_eq(DecryptMessage(&bad, &msg, 0, 0), want);
	ck_assert_int_eq(DecryptMessage(&bad, &msg, 0, no_ul), want);
	ck_assert_int_eq(tw->DecryptMessage(&bad, &msg, 0, NULL), want);
	ck_assert_int_eq(tw->DecryptMessage(&bad, &msg, 0, 0), want);
#ifdef __cplusplus
	ck_assert_int_eq(DecryptMessage(&bad, &msg, 0, nullptr), want);
	ck_assert_int_eq(tw->DecryptMessage(&bad, &msg, 0, nullptr), want);
#else
	ck_assert_int_eq(tw->DecryptMessage(&bad, &msg, 0, no_ul), want);
#endif
	ck_assert_int_eq(VerifySignature(&bad, &msg, 0, 0), SEC_E_INVALID_HANDLE);
}
END_TEST

#ifndef __cplusplus
/* A ULONG * is the argument itself (the direct call); an unsigned long *
 * becomes a pointer into the variable, which is cleared. */
START_TEST(argument_forms)
{
	ULONG a32 = 7;
	unsigned long a64 = GARBAGE;
	unsigned char *lo = (unsigned char *)&a64, *hi = lo + sizeof(a64);
	unsigned char *p;

	ck_assert_ptr_eq(SSPI_GSS_ULONG_OUT(&a32), &a32);
	ck_assert_uint_eq(a32, 7);
	p = (unsigned char *)SSPI_GSS_ULONG_OUT(&a64);
	ck_assert_uint_eq(a64, 0);
	ck_assert(p >= lo && p + sizeof(ULONG) <= hi);
	_Static_assert(_Generic(SSPI_GSS_ULONG_OUT(&a32), ULONG *: 1, default: 0),
		       "a ULONG * passes through");
	_Static_assert(_Generic(SSPI_GSS_ULONG_OUT(&a64), ULONG *: 1, default: 0),
		       "an unsigned long * becomes a ULONG *");
}
END_TEST
#endif

/* Without "(", each name is the exported function: its address, in a
 * pointer of the function's type (which the prototype must still have), is
 * the table's entry and the dynamic symbol's. */
#define SAME_AS_SYMBOL(type, fn)                                                               \
	do {                                                                                   \
		type p_ = &fn;                                                                 \
		void *sym_ = dlsym(RTLD_DEFAULT, #fn);                                         \
		ck_assert_msg(sym_ != NULL, "no symbol %s", #fn);                             \
		ck_assert_msg((void *)p_ == sym_, "&%s is not the exported function", #fn);   \
	} while (0)

typedef SECURITY_STATUS(SEC_ENTRY *SASL_ISC_A_FN)(PCredHandle, PCtxtHandle, LPSTR, ULONG, ULONG,
						  ULONG, PSecBufferDesc, ULONG, PCtxtHandle,
						  PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *SASL_ISC_W_FN)(PCredHandle, PCtxtHandle, LPWSTR, ULONG, ULONG,
						  ULONG, PSecBufferDesc, ULONG, PCtxtHandle,
						  PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *SASL_ASC_FN)(PCredHandle, PCtxtHandle, PSecBufferDesc, ULONG,
						ULONG, PCtxtHandle, PSecBufferDesc, ULONG *,
						PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *MARSHAL_FN)(PSEC_WINNT_AUTH_IDENTITY_OPAQUE, ULONG *, char **);

START_TEST(names_are_the_exported_functions)
{
	PSecurityFunctionTableA ta = InitSecurityInterfaceA();
	PSecurityFunctionTableW tw = InitSecurityInterfaceW();
	INITIALIZE_SECURITY_CONTEXT_FN_A isc_a = InitializeSecurityContextA;
	INITIALIZE_SECURITY_CONTEXT_FN_W isc_w = &InitializeSecurityContextW;
	ACCEPT_SECURITY_CONTEXT_FN asc_fn = AcceptSecurityContext;
	DECRYPT_MESSAGE_FN decrypt_fn = DecryptMessage;
	VERIFY_SIGNATURE_FN verify_fn = &VerifySignature;
	ENUMERATE_SECURITY_PACKAGES_FN_A enum_a = EnumerateSecurityPackagesA;
	ENUMERATE_SECURITY_PACKAGES_FN_W enum_w = EnumerateSecurityPackagesW;

	ck_assert(isc_a == ta->InitializeSecurityContextA);
	ck_assert(isc_w == tw->InitializeSecurityContextW);
#ifndef __cplusplus
	/* In C++ the name is an overload set: no type without a target. */
	ck_assert(&InitializeSecurityContextW == tw->InitializeSecurityContextW);
	ck_assert((void *)&DecryptMessage == dlsym(RTLD_DEFAULT, "DecryptMessage"));
#endif
	ck_assert(asc_fn == ta->AcceptSecurityContext && asc_fn == tw->AcceptSecurityContext);
	ck_assert(decrypt_fn == ta->DecryptMessage && decrypt_fn == tw->DecryptMessage);
	ck_assert(verify_fn == ta->VerifySignature && verify_fn == tw->VerifySignature);
	ck_assert(enum_a == ta->EnumerateSecurityPackagesA);
	ck_assert(enum_w == tw->EnumerateSecurityPackagesW);
	SAME_AS_SYMBOL(ENUMERATE_SECURITY_PACKAGES_FN_A, EnumerateSecurityPackagesA);
	SAME_AS_SYMBOL(ENUMERATE_SECURITY_PACKAGES_FN_W, EnumerateSecurityPackagesW);
	SAME_AS_SYMBOL(INITIALIZE_SECURITY_CONTEXT_FN_A, InitializeSecurityContextA);
	SAME_AS_SYMBOL(INITIALIZE_SECURITY_CONTEXT_FN_W, InitializeSecurityContextW);
	SAME_AS_SYMBOL(ACCEPT_SECURITY_CONTEXT_FN, AcceptSecurityContext);
	SAME_AS_SYMBOL(VERIFY_SIGNATURE_FN, VerifySignature);
	SAME_AS_SYMBOL(DECRYPT_MESSAGE_FN, DecryptMessage);
	SAME_AS_SYMBOL(SASL_ISC_A_FN, SaslInitializeSecurityContextA);
	SAME_AS_SYMBOL(SASL_ISC_W_FN, SaslInitializeSecurityContextW);
	SAME_AS_SYMBOL(SASL_ASC_FN, SaslAcceptSecurityContext);
	SAME_AS_SYMBOL(MARSHAL_FN, SspiMarshalAuthIdentity);
}
END_TEST

static Suite *sdk_ulong_suite(void)
{
	Suite *s = suite_create("sdk_ulong");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, handshake_and_messages);
	tcase_add_test(tc, package_count);
	tcase_add_test(tc, marshal_length);
	tcase_add_test(tc, unprovided_functions_clear_the_variable);
	tcase_add_test(tc, null_pointers);
#ifndef __cplusplus
	tcase_add_test(tc, argument_forms);
#endif
	tcase_add_test(tc, names_are_the_exported_functions);
	suite_add_tcase(s, tc);
	return s;
}

SG_CHECK_MAIN(sdk_ulong_suite)
