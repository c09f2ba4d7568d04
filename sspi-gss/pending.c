/*
 * pending.c - SSPI entry points that sspi-gss does not implement yet.
 *
 * Each returns SEC_E_UNSUPPORTED_FUNCTION, as the README's feature table says.
 * A function leaves this file when its real implementation lands.
 */
#include <sspi.h>

#define NOT_YET return SEC_E_UNSUPPORTED_FUNCTION

SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleA(SEC_CHAR *p, SEC_CHAR *pkg, ULONG use,
						    void *id, void *auth, SEC_GET_KEY_FN fn,
						    void *arg, PCredHandle cred, PTimeStamp exp)
{
	(void)p, (void)pkg, (void)use, (void)id, (void)auth, (void)fn, (void)arg, (void)cred,
		(void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(SEC_WCHAR *p, SEC_WCHAR *pkg, ULONG use,
						    void *id, void *auth, SEC_GET_KEY_FN fn,
						    void *arg, PCredHandle cred, PTimeStamp exp)
{
	(void)p, (void)pkg, (void)use, (void)id, (void)auth, (void)fn, (void)arg, (void)cred,
		(void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle h)
{
	(void)h;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY AddCredentialsA(PCredHandle h, SEC_CHAR *p, SEC_CHAR *pkg, ULONG use,
					  void *auth, SEC_GET_KEY_FN fn, void *arg, PTimeStamp exp)
{
	(void)h, (void)p, (void)pkg, (void)use, (void)auth, (void)fn, (void)arg, (void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY AddCredentialsW(PCredHandle h, SEC_WCHAR *p, SEC_WCHAR *pkg, ULONG use,
					  void *auth, SEC_GET_KEY_FN fn, void *arg, PTimeStamp exp)
{
	(void)h, (void)p, (void)pkg, (void)use, (void)auth, (void)fn, (void)arg, (void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesA(PCredHandle h, ULONG a, void *b)
{
	(void)h, (void)a, (void)b;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle h, ULONG a, void *b)
{
	(void)h, (void)a, (void)b;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExA(PCredHandle h, ULONG a, void *b, ULONG n)
{
	(void)h, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExW(PCredHandle h, ULONG a, void *b, ULONG n)
{
	(void)h, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesA(PCredHandle h, ULONG a, void *b, ULONG n)
{
	(void)h, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesW(PCredHandle h, ULONG a, void *b, ULONG n)
{
	(void)h, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY InitializeSecurityContextA(PCredHandle c, PCtxtHandle x, SEC_CHAR *t,
						     ULONG req, ULONG r1, ULONG rep,
						     PSecBufferDesc in, ULONG r2, PCtxtHandle nx,
						     PSecBufferDesc out, ULONG *attr,
						     PTimeStamp exp)
{
	(void)c, (void)x, (void)t, (void)req, (void)r1, (void)rep, (void)in, (void)r2, (void)nx,
		(void)out, (void)attr, (void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(PCredHandle c, PCtxtHandle x, SEC_WCHAR *t,
						     ULONG req, ULONG r1, ULONG rep,
						     PSecBufferDesc in, ULONG r2, PCtxtHandle nx,
						     PSecBufferDesc out, ULONG *attr,
						     PTimeStamp exp)
{
	(void)c, (void)x, (void)t, (void)req, (void)r1, (void)rep, (void)in, (void)r2, (void)nx,
		(void)out, (void)attr, (void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(PCredHandle c, PCtxtHandle x, PSecBufferDesc in,
						ULONG req, ULONG rep, PCtxtHandle nx,
						PSecBufferDesc out, ULONG *attr, PTimeStamp exp)
{
	(void)c, (void)x, (void)in, (void)req, (void)rep, (void)nx, (void)out, (void)attr,
		(void)exp;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle x, PSecBufferDesc t)
{
	(void)x, (void)t;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ApplyControlToken(PCtxtHandle x, PSecBufferDesc in)
{
	(void)x, (void)in;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle x)
{
	(void)x;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle x)
{
	(void)x;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle x)
{
	(void)x;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle x, void **t)
{
	(void)x, (void)t;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesA(PCtxtHandle x, ULONG a, void *b)
{
	(void)x, (void)a, (void)b;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle x, ULONG a, void *b)
{
	(void)x, (void)a, (void)b;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesExA(PCtxtHandle x, ULONG a, void *b, ULONG n)
{
	(void)x, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY QueryContextAttributesExW(PCtxtHandle x, ULONG a, void *b, ULONG n)
{
	(void)x, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY SetContextAttributesA(PCtxtHandle x, ULONG a, void *b, ULONG n)
{
	(void)x, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY SetContextAttributesW(PCtxtHandle x, ULONG a, void *b, ULONG n)
{
	(void)x, (void)a, (void)b, (void)n;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle x, ULONG q, PSecBufferDesc m, ULONG s)
{
	(void)x, (void)q, (void)m, (void)s;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle x, PSecBufferDesc m, ULONG s, ULONG *q)
{
	(void)x, (void)m, (void)s, (void)q;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle x, ULONG q, PSecBufferDesc m, ULONG s)
{
	(void)x, (void)q, (void)m, (void)s;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle x, PSecBufferDesc m, ULONG s, ULONG *q)
{
	(void)x, (void)m, (void)s, (void)q;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ExportSecurityContext(PCtxtHandle x, ULONG f, PSecBuffer p, void **t)
{
	(void)x, (void)f, (void)p, (void)t;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ImportSecurityContextA(SEC_CHAR *pkg, PSecBuffer p, void *t,
						 PCtxtHandle x)
{
	(void)pkg, (void)p, (void)t, (void)x;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ImportSecurityContextW(SEC_WCHAR *pkg, PSecBuffer p, void *t,
						 PCtxtHandle x)
{
	(void)pkg, (void)p, (void)t, (void)x;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordA(SEC_CHAR *pkg, SEC_CHAR *dom, SEC_CHAR *acct,
						 SEC_CHAR *old, SEC_CHAR *new_pw, BOOLEAN imp,
						 ULONG r, PSecBufferDesc out)
{
	(void)pkg, (void)dom, (void)acct, (void)old, (void)new_pw, (void)imp, (void)r, (void)out;
	NOT_YET;
}

SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordW(SEC_WCHAR *pkg, SEC_WCHAR *dom, SEC_WCHAR *acct,
						 SEC_WCHAR *old, SEC_WCHAR *new_pw, BOOLEAN imp,
						 ULONG r, PSecBufferDesc out)
{
	(void)pkg, (void)dom, (void)acct, (void)old, (void)new_pw, (void)imp, (void)r, (void)out;
	NOT_YET;
}
