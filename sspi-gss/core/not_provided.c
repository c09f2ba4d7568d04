/*
 * not_provided.c - the functions of Windows' sspi.h that sspi-gss declares
 * and exports but does not provide, each with the reason; they return
 * SEC_E_UNSUPPORTED_FUNCTION (README feature table, docs/porting.md).
 */
#include <sspi.h>

#include "status.h"
#include "trace.h"

static SECURITY_STATUS not_provided(const char *fn, const char *why)
{
	sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "%s: %s", fn, why);
	if (SG_TRACING())
		sg_trace_call(fn, SEC_E_UNSUPPORTED_FUNCTION, "%s", why);
	return SEC_E_UNSUPPORTED_FUNCTION;
}

#define SASL "no SASL layer: use the Kerberos or Negotiate package and RFC 4752 framing"
#define PACKAGES "the packages are built in; none can be added or removed"
#define CREDUI "Windows' credential UI has no Unix counterpart"

SECURITY_STATUS SEC_ENTRY DelegateSecurityContext(PCtxtHandle phContext, SEC_CHAR *pszTarget,
						  SecDelegationType DelegationType,
						  PTimeStamp pExpiry, PSecBuffer pPackageParameters,
						  PSecBufferDesc pOutput)
{
	(void)phContext, (void)pszTarget, (void)DelegationType, (void)pExpiry;
	(void)pPackageParameters, (void)pOutput;
	return not_provided(__func__, "Kerberos delegates with ISC_REQ_DELEGATE instead");
}

SECURITY_STATUS SEC_ENTRY AddSecurityPackageA(LPSTR pszPackageName,
					      PSECURITY_PACKAGE_OPTIONS pOptions)
{
	(void)pszPackageName, (void)pOptions;
	return not_provided(__func__, PACKAGES);
}

SECURITY_STATUS SEC_ENTRY AddSecurityPackageW(LPWSTR pszPackageName,
					      PSECURITY_PACKAGE_OPTIONS pOptions)
{
	(void)pszPackageName, (void)pOptions;
	return not_provided(__func__, PACKAGES);
}

SECURITY_STATUS SEC_ENTRY DeleteSecurityPackageA(SEC_CHAR *pszPackageName)
{
	(void)pszPackageName;
	return not_provided(__func__, PACKAGES);
}

SECURITY_STATUS SEC_ENTRY DeleteSecurityPackageW(SEC_WCHAR *pszPackageName)
{
	(void)pszPackageName;
	return not_provided(__func__, PACKAGES);
}

SECURITY_STATUS SEC_ENTRY SaslEnumerateProfilesA(LPSTR *ProfileList, ULONG *ProfileCount)
{
	(void)ProfileList, (void)ProfileCount;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslEnumerateProfilesW(LPWSTR *ProfileList, ULONG *ProfileCount)
{
	(void)ProfileList, (void)ProfileCount;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslGetProfilePackageA(LPSTR ProfileName, PSecPkgInfoA *PackageInfo)
{
	(void)ProfileName, (void)PackageInfo;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslGetProfilePackageW(LPWSTR ProfileName, PSecPkgInfoW *PackageInfo)
{
	(void)ProfileName, (void)PackageInfo;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslIdentifyPackageA(PSecBufferDesc pInput, PSecPkgInfoA *PackageInfo)
{
	(void)pInput, (void)PackageInfo;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslIdentifyPackageW(PSecBufferDesc pInput, PSecPkgInfoW *PackageInfo)
{
	(void)pInput, (void)PackageInfo;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslInitializeSecurityContextA(
	PCredHandle phCredential, PCtxtHandle phContext, LPSTR pszTargetName, ULONG fContextReq,
	ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
	PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry)
{
	(void)phCredential, (void)phContext, (void)pszTargetName, (void)fContextReq;
	(void)Reserved1, (void)TargetDataRep, (void)pInput, (void)Reserved2;
	(void)phNewContext, (void)pOutput, (void)pfContextAttr, (void)ptsExpiry;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslInitializeSecurityContextW(
	PCredHandle phCredential, PCtxtHandle phContext, LPWSTR pszTargetName, ULONG fContextReq,
	ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
	PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr, PTimeStamp ptsExpiry)
{
	(void)phCredential, (void)phContext, (void)pszTargetName, (void)fContextReq;
	(void)Reserved1, (void)TargetDataRep, (void)pInput, (void)Reserved2;
	(void)phNewContext, (void)pOutput, (void)pfContextAttr, (void)ptsExpiry;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslAcceptSecurityContext(PCredHandle phCredential,
						    PCtxtHandle phContext, PSecBufferDesc pInput,
						    ULONG fContextReq, ULONG TargetDataRep,
						    PCtxtHandle phNewContext,
						    PSecBufferDesc pOutput, ULONG *pfContextAttr,
						    PTimeStamp ptsExpiry)
{
	(void)phCredential, (void)phContext, (void)pInput, (void)fContextReq;
	(void)TargetDataRep, (void)phNewContext, (void)pOutput, (void)pfContextAttr;
	(void)ptsExpiry;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslSetContextOption(PCtxtHandle ContextHandle, ULONG Option,
					       PVOID Value, ULONG Size)
{
	(void)ContextHandle, (void)Option, (void)Value, (void)Size;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SaslGetContextOption(PCtxtHandle ContextHandle, ULONG Option,
					       PVOID Value, ULONG Size, PULONG Needed)
{
	(void)ContextHandle, (void)Option, (void)Value, (void)Size, (void)Needed;
	return not_provided(__func__, SASL);
}

SECURITY_STATUS SEC_ENTRY SspiGetCredUIContext(HANDLE ContextHandle, GUID *CredType,
					       LUID *LogonId,
					       PSEC_WINNT_CREDUI_CONTEXT_VECTOR *CredUIContexts,
					       HANDLE *TokenHandle)
{
	(void)ContextHandle, (void)CredType, (void)LogonId, (void)CredUIContexts;
	(void)TokenHandle;
	return not_provided(__func__, CREDUI);
}

SECURITY_STATUS SEC_ENTRY SspiUpdateCredentials(HANDLE ContextHandle, GUID *CredType,
						ULONG FlatCredUIContextLength,
						PUCHAR FlatCredUIContext)
{
	(void)ContextHandle, (void)CredType, (void)FlatCredUIContextLength;
	(void)FlatCredUIContext;
	return not_provided(__func__, CREDUI);
}

SECURITY_STATUS SEC_ENTRY SspiUnmarshalCredUIContext(PUCHAR MarshaledCredUIContext,
						     ULONG MarshaledCredUIContextLength,
						     PSEC_WINNT_CREDUI_CONTEXT *CredUIContext)
{
	(void)MarshaledCredUIContext, (void)MarshaledCredUIContextLength, (void)CredUIContext;
	return not_provided(__func__, CREDUI);
}
