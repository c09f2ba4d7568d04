/*
 * windows_style.c - an SSPI program written the way Windows code is written,
 * compiled unchanged twice: with UNICODE defined and without. It enumerates
 * the packages through the function table from InitSecurityInterface and
 * exits 0 only when it finds Negotiate, Kerberos and NTLM.
 */
#define SECURITY_WIN32
#include <security.h>
#include <stdio.h>

/* Windows' PHANDLE points at a HANDLE (Wine's tests pass &handle). */
_Static_assert(_Generic((PHANDLE)0, HANDLE *: 1, default: 0), "PHANDLE is HANDLE *");

static int same_text(const TCHAR *a, const TCHAR *b)
{
	while (*a != 0 && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int main(void)
{
	PSecurityFunctionTable table = InitSecurityInterface();
	PSecPkgInfo packages = NULL;
	ULONG count = 0, found = 0;
	SECURITY_STATUS status;
	const TCHAR *wanted[] = {TEXT("Negotiate"), TEXT("Kerberos"), TEXT("NTLM")};

	if (table == NULL)
		return 1;
	status = table->EnumerateSecurityPackages(&count, &packages);
	if (status != SEC_E_OK) {
		printf("EnumerateSecurityPackages failed: 0x%08X\n", (unsigned)status);
		return 1;
	}
	for (ULONG i = 0; i < count; i++) {
		for (int w = 0; w < 3; w++)
			if (same_text(packages[i].Name, wanted[w]))
				found++;
		printf("package %u: rpcid %u, max token %u\n", (unsigned)i,
		       (unsigned)packages[i].wRPCID, (unsigned)packages[i].cbMaxToken);
	}
	table->FreeContextBuffer(packages);

	{
		PSecPkgInfo info = NULL;
		TCHAR name[] = TEXT("Kerberos");

		status = QuerySecurityPackageInfo(name, &info);
		if (status != SEC_E_OK || info->wRPCID != RPC_C_AUTHN_GSS_KERBEROS)
			return 1;
		FreeContextBuffer(info);
	}
	printf("%u of 3 packages found\n", (unsigned)found);
	return found == 3 ? 0 : 1;
}
