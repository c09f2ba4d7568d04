/*
 * pending.c - SSPI entry points that sspi-gss does not implement yet.
 *
 * Each returns SEC_E_UNSUPPORTED_FUNCTION, as the README's feature table says.
 * A function leaves this file when its real implementation lands.
 */
#include <sspi.h>

#include "trace.h"

/* Traced too: a trace then shows which missing function a program needs. */
static SECURITY_STATUS not_yet(const char *fn)
{
	if (SG_TRACING())
		sg_trace_call(fn, SEC_E_UNSUPPORTED_FUNCTION, "%s", "not implemented");
	return SEC_E_UNSUPPORTED_FUNCTION;
}

#define NOT_YET return not_yet(__func__)

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

