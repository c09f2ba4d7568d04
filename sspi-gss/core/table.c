/*
 * table.c - InitSecurityInterfaceA/W (and WinPR's ...ExA/W) and the two
 * function tables.
 *
 * Every slot that Windows fills is filled; a function this library does not
 * implement yet is still present and returns SEC_E_UNSUPPORTED_FUNCTION, so a
 * caller that jumps through the table never calls NULL. Reserved2 stays NULL,
 * as on Windows; Reserved3 and Reserved4 are Windows' EncryptMessage and
 * DecryptMessage (the slots of the old SealMessage and UnsealMessage), as
 * Wine's conformance tests find them on Windows, for callers that still
 * seal through them.
 */
#include <stdint.h>

#include <sspi.h>
#include <sspi-gss.h>

/* A function in a void * slot: through uintptr_t, which ISO C allows. */
#define SLOT(fn) ((void *)(uintptr_t)(fn))

static SecurityFunctionTableA table_a = {
	.dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5,
	.EnumerateSecurityPackagesA = EnumerateSecurityPackagesA,
	.QueryCredentialsAttributesA = QueryCredentialsAttributesA,
	.AcquireCredentialsHandleA = AcquireCredentialsHandleA,
	.FreeCredentialsHandle = FreeCredentialsHandle,
	.InitializeSecurityContextA = InitializeSecurityContextA,
	.AcceptSecurityContext = AcceptSecurityContext,
	.CompleteAuthToken = CompleteAuthToken,
	.DeleteSecurityContext = DeleteSecurityContext,
	.ApplyControlToken = ApplyControlToken,
	.QueryContextAttributesA = QueryContextAttributesA,
	.ImpersonateSecurityContext = ImpersonateSecurityContext,
	.RevertSecurityContext = RevertSecurityContext,
	.MakeSignature = MakeSignature,
	.VerifySignature = VerifySignature,
	.FreeContextBuffer = FreeContextBuffer,
	.QuerySecurityPackageInfoA = QuerySecurityPackageInfoA,
	.Reserved3 = SLOT(EncryptMessage),
	.Reserved4 = SLOT(DecryptMessage),
	.ExportSecurityContext = ExportSecurityContext,
	.ImportSecurityContextA = ImportSecurityContextA,
	.AddCredentialsA = AddCredentialsA,
	.QuerySecurityContextToken = QuerySecurityContextToken,
	.EncryptMessage = EncryptMessage,
	.DecryptMessage = DecryptMessage,
	.SetContextAttributesA = SetContextAttributesA,
	.SetCredentialsAttributesA = SetCredentialsAttributesA,
	.ChangeAccountPasswordA = ChangeAccountPasswordA,
	.QueryContextAttributesExA = QueryContextAttributesExA,
	.QueryCredentialsAttributesExA = QueryCredentialsAttributesExA,
};

static SecurityFunctionTableW table_w = {
	.dwVersion = SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5,
	.EnumerateSecurityPackagesW = EnumerateSecurityPackagesW,
	.QueryCredentialsAttributesW = QueryCredentialsAttributesW,
	.AcquireCredentialsHandleW = AcquireCredentialsHandleW,
	.FreeCredentialsHandle = FreeCredentialsHandle,
	.InitializeSecurityContextW = InitializeSecurityContextW,
	.AcceptSecurityContext = AcceptSecurityContext,
	.CompleteAuthToken = CompleteAuthToken,
	.DeleteSecurityContext = DeleteSecurityContext,
	.ApplyControlToken = ApplyControlToken,
	.QueryContextAttributesW = QueryContextAttributesW,
	.ImpersonateSecurityContext = ImpersonateSecurityContext,
	.RevertSecurityContext = RevertSecurityContext,
	.MakeSignature = MakeSignature,
	.VerifySignature = VerifySignature,
	.FreeContextBuffer = FreeContextBuffer,
	.QuerySecurityPackageInfoW = QuerySecurityPackageInfoW,
	.Reserved3 = SLOT(EncryptMessage),
	.Reserved4 = SLOT(DecryptMessage),
	.ExportSecurityContext = ExportSecurityContext,
	.ImportSecurityContextW = ImportSecurityContextW,
	.AddCredentialsW = AddCredentialsW,
	.QuerySecurityContextToken = QuerySecurityContextToken,
	.EncryptMessage = EncryptMessage,
	.DecryptMessage = DecryptMessage,
	.SetContextAttributesW = SetContextAttributesW,
	.SetCredentialsAttributesW = SetCredentialsAttributesW,
	.ChangeAccountPasswordW = ChangeAccountPasswordW,
	.QueryContextAttributesExW = QueryContextAttributesExW,
	.QueryCredentialsAttributesExW = QueryCredentialsAttributesExW,
};

PSecurityFunctionTableA SEC_ENTRY InitSecurityInterfaceA(void)
{
	return &table_a;
}

PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceW(void)
{
	return &table_w;
}

/* FreeRDP WinPR's entry points (winpr/sspi.h), which FreeRDP's NLA calls
 * instead of InitSecurityInterfaceA/W: with LD_PRELOAD they must land here
 * too. The tables are WinPR's layout (tests/abi/abi_probe.c); WinPR's flags
 * choose among its own modules and mean nothing here. */
PSecurityFunctionTableA SEC_ENTRY InitSecurityInterfaceExA(DWORD flags)
{
	(void)flags;
	return &table_a;
}

PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceExW(DWORD flags)
{
	(void)flags;
	return &table_w;
}
