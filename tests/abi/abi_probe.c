/*
 * abi_probe.c - prints the size and offsets of the SSPI structures and the
 * values of SSPI constants, one "name value" line each. It is built twice:
 * against our <sspi.h> and against FreeRDP WinPR's <winpr/sspi.h>; a test
 * compares the two outputs line by line, for the names both headers define.
 */
#include <stddef.h>
#include <stdio.h>

#ifdef PROBE_WINPR
#include <winpr/sspi.h>
#else
#include <sspi.h>
#endif

#define SIZE(t) printf("sizeof(" #t ") %zu\n", sizeof(t))
#define OFF(t, f) printf("offsetof(" #t "," #f ") %zu\n", offsetof(t, f))
#define VAL(c) printf(#c " 0x%08lX\n", (unsigned long)(unsigned int)(c))

int main(void)
{
	SIZE(ULONG);
	SIZE(SEC_WCHAR);
	SIZE(SECURITY_STATUS);
	SIZE(TimeStamp);
	SIZE(SecHandle);
	SIZE(SecBuffer);
	OFF(SecBuffer, BufferType);
	OFF(SecBuffer, pvBuffer);
	SIZE(SecBufferDesc);
	OFF(SecBufferDesc, cBuffers);
	OFF(SecBufferDesc, pBuffers);
	SIZE(SecPkgInfoA);
	OFF(SecPkgInfoA, wVersion);
	OFF(SecPkgInfoA, wRPCID);
	OFF(SecPkgInfoA, cbMaxToken);
	OFF(SecPkgInfoA, Name);
	OFF(SecPkgInfoA, Comment);
	SIZE(SecPkgInfoW);
	OFF(SecPkgInfoW, Comment);
	SIZE(SEC_WINNT_AUTH_IDENTITY_W);
	OFF(SEC_WINNT_AUTH_IDENTITY_W, UserLength);
	OFF(SEC_WINNT_AUTH_IDENTITY_W, Domain);
	OFF(SEC_WINNT_AUTH_IDENTITY_W, Password);
	OFF(SEC_WINNT_AUTH_IDENTITY_W, Flags);
	SIZE(SEC_WINNT_AUTH_IDENTITY_A);
	OFF(SEC_WINNT_AUTH_IDENTITY_A, Flags);
	SIZE(SEC_CHANNEL_BINDINGS);
	OFF(SEC_CHANNEL_BINDINGS, dwApplicationDataOffset);
	SIZE(SecPkgContext_Sizes);
	SIZE(SecPkgContext_StreamSizes);
	SIZE(SecPkgContext_Names);
	SIZE(SecPkgContext_Lifespan);
	SIZE(SecPkgContext_SessionKey);
	OFF(SecPkgContext_SessionKey, SessionKey);
	SIZE(SecPkgContext_PackageInfo);
	SIZE(SecPkgContext_NegotiationInfo);
	OFF(SecPkgContext_NegotiationInfo, NegotiationState);
	SIZE(SecPkgContext_Flags);
	SIZE(SecPkgContext_KeyInfo);
	OFF(SecPkgContext_KeyInfo, KeySize);
	SIZE(SecPkgContext_NativeNames);
	SIZE(SecPkgCredentials_Names);
	OFF(SecurityFunctionTableA, EnumerateSecurityPackagesA);
	OFF(SecurityFunctionTableA, AcquireCredentialsHandleA);
	OFF(SecurityFunctionTableA, InitializeSecurityContextA);
	OFF(SecurityFunctionTableA, QueryContextAttributesA);
	OFF(SecurityFunctionTableA, FreeContextBuffer);
	OFF(SecurityFunctionTableA, QuerySecurityPackageInfoA);
	OFF(SecurityFunctionTableA, ExportSecurityContext);
	OFF(SecurityFunctionTableA, QuerySecurityContextToken);
	OFF(SecurityFunctionTableA, EncryptMessage);
	OFF(SecurityFunctionTableA, DecryptMessage);
	OFF(SecurityFunctionTableA, SetContextAttributesA);
	OFF(SecurityFunctionTableW, InitializeSecurityContextW);
	OFF(SecurityFunctionTableW, ImportSecurityContextW);
	OFF(SecurityFunctionTableW, SetContextAttributesW);

#ifdef SEC_E_OK
	VAL(SEC_E_OK);
#endif
#ifdef SEC_E_INSUFFICIENT_MEMORY
	VAL(SEC_E_INSUFFICIENT_MEMORY);
#endif
#ifdef SEC_E_INVALID_HANDLE
	VAL(SEC_E_INVALID_HANDLE);
#endif
#ifdef SEC_E_UNSUPPORTED_FUNCTION
	VAL(SEC_E_UNSUPPORTED_FUNCTION);
#endif
#ifdef SEC_E_TARGET_UNKNOWN
	VAL(SEC_E_TARGET_UNKNOWN);
#endif
#ifdef SEC_E_INTERNAL_ERROR
	VAL(SEC_E_INTERNAL_ERROR);
#endif
#ifdef SEC_E_SECPKG_NOT_FOUND
	VAL(SEC_E_SECPKG_NOT_FOUND);
#endif
#ifdef SEC_E_INVALID_TOKEN
	VAL(SEC_E_INVALID_TOKEN);
#endif
#ifdef SEC_E_QOP_NOT_SUPPORTED
	VAL(SEC_E_QOP_NOT_SUPPORTED);
#endif
#ifdef SEC_E_LOGON_DENIED
	VAL(SEC_E_LOGON_DENIED);
#endif
#ifdef SEC_E_UNKNOWN_CREDENTIALS
	VAL(SEC_E_UNKNOWN_CREDENTIALS);
#endif
#ifdef SEC_E_NO_CREDENTIALS
	VAL(SEC_E_NO_CREDENTIALS);
#endif
#ifdef SEC_E_MESSAGE_ALTERED
	VAL(SEC_E_MESSAGE_ALTERED);
#endif
#ifdef SEC_E_OUT_OF_SEQUENCE
	VAL(SEC_E_OUT_OF_SEQUENCE);
#endif
#ifdef SEC_E_NO_AUTHENTICATING_AUTHORITY
	VAL(SEC_E_NO_AUTHENTICATING_AUTHORITY);
#endif
#ifdef SEC_I_CONTINUE_NEEDED
	VAL(SEC_I_CONTINUE_NEEDED);
#endif
#ifdef SEC_I_COMPLETE_NEEDED
	VAL(SEC_I_COMPLETE_NEEDED);
#endif
#ifdef SEC_I_COMPLETE_AND_CONTINUE
	VAL(SEC_I_COMPLETE_AND_CONTINUE);
#endif
#ifdef SEC_E_CONTEXT_EXPIRED
	VAL(SEC_E_CONTEXT_EXPIRED);
#endif
#ifdef SEC_E_INCOMPLETE_MESSAGE
	VAL(SEC_E_INCOMPLETE_MESSAGE);
#endif
#ifdef SEC_E_BUFFER_TOO_SMALL
	VAL(SEC_E_BUFFER_TOO_SMALL);
#endif
#ifdef SEC_E_WRONG_PRINCIPAL
	VAL(SEC_E_WRONG_PRINCIPAL);
#endif
#ifdef SEC_E_TIME_SKEW
	VAL(SEC_E_TIME_SKEW);
#endif
#ifdef SEC_E_BAD_BINDINGS
	VAL(SEC_E_BAD_BINDINGS);
#endif
#ifdef SEC_E_INVALID_PARAMETER
	VAL(SEC_E_INVALID_PARAMETER);
#endif
#ifdef SEC_E_DOWNGRADE_DETECTED
	VAL(SEC_E_DOWNGRADE_DETECTED);
#endif
#ifdef SEC_E_DELEGATION_POLICY
	VAL(SEC_E_DELEGATION_POLICY);
#endif
#ifdef SEC_E_KDC_UNKNOWN_ETYPE
	VAL(SEC_E_KDC_UNKNOWN_ETYPE);
#endif
#ifdef SEC_E_NO_CONTEXT
	VAL(SEC_E_NO_CONTEXT);
#endif
#ifdef SEC_E_INSUFFICIENT_BUFFERS
	VAL(SEC_E_INSUFFICIENT_BUFFERS);
#endif
#ifdef SECBUFFER_VERSION
	VAL(SECBUFFER_VERSION);
#endif
#ifdef SECBUFFER_DATA
	VAL(SECBUFFER_DATA);
#endif
#ifdef SECBUFFER_TOKEN
	VAL(SECBUFFER_TOKEN);
#endif
#ifdef SECBUFFER_EXTRA
	VAL(SECBUFFER_EXTRA);
#endif
#ifdef SECBUFFER_PADDING
	VAL(SECBUFFER_PADDING);
#endif
#ifdef SECBUFFER_STREAM
	VAL(SECBUFFER_STREAM);
#endif
#ifdef SECBUFFER_CHANNEL_BINDINGS
	VAL(SECBUFFER_CHANNEL_BINDINGS);
#endif
#ifdef SECBUFFER_TARGET_HOST
	VAL(SECBUFFER_TARGET_HOST);
#endif
#ifdef SECBUFFER_READONLY
	VAL(SECBUFFER_READONLY);
#endif
#ifdef SECBUFFER_READONLY_WITH_CHECKSUM
	VAL(SECBUFFER_READONLY_WITH_CHECKSUM);
#endif
#ifdef SECPKG_FLAG_INTEGRITY
	VAL(SECPKG_FLAG_INTEGRITY);
#endif
#ifdef SECPKG_FLAG_NEGOTIABLE
	VAL(SECPKG_FLAG_NEGOTIABLE);
#endif
#ifdef SECPKG_FLAG_MUTUAL_AUTH
	VAL(SECPKG_FLAG_MUTUAL_AUTH);
#endif
#ifdef SECPKG_FLAG_READONLY_WITH_CHECKSUM
	VAL(SECPKG_FLAG_READONLY_WITH_CHECKSUM);
#endif
#ifdef SECPKG_FLAG_RESTRICTED_TOKENS
	VAL(SECPKG_FLAG_RESTRICTED_TOKENS);
#endif
#ifdef SECPKG_FLAG_APPCONTAINER_CHECKS
	VAL(SECPKG_FLAG_APPCONTAINER_CHECKS);
#endif
#ifdef SECPKG_CRED_INBOUND
	VAL(SECPKG_CRED_INBOUND);
#endif
#ifdef SECPKG_CRED_OUTBOUND
	VAL(SECPKG_CRED_OUTBOUND);
#endif
#ifdef SECPKG_CRED_BOTH
	VAL(SECPKG_CRED_BOTH);
#endif
#ifdef SECURITY_NATIVE_DREP
	VAL(SECURITY_NATIVE_DREP);
#endif
#ifdef ISC_REQ_DELEGATE
	VAL(ISC_REQ_DELEGATE);
#endif
#ifdef ISC_REQ_MUTUAL_AUTH
	VAL(ISC_REQ_MUTUAL_AUTH);
#endif
#ifdef ISC_REQ_CONFIDENTIALITY
	VAL(ISC_REQ_CONFIDENTIALITY);
#endif
#ifdef ISC_REQ_ALLOCATE_MEMORY
	VAL(ISC_REQ_ALLOCATE_MEMORY);
#endif
#ifdef ISC_REQ_USE_DCE_STYLE
	VAL(ISC_REQ_USE_DCE_STYLE);
#endif
#ifdef ISC_REQ_CONNECTION
	VAL(ISC_REQ_CONNECTION);
#endif
#ifdef ISC_REQ_EXTENDED_ERROR
	VAL(ISC_REQ_EXTENDED_ERROR);
#endif
#ifdef ISC_REQ_INTEGRITY
	VAL(ISC_REQ_INTEGRITY);
#endif
#ifdef ISC_REQ_NULL_SESSION
	VAL(ISC_REQ_NULL_SESSION);
#endif
#ifdef ISC_REQ_FORWARD_CREDENTIALS
	VAL(ISC_REQ_FORWARD_CREDENTIALS);
#endif
#ifdef ISC_REQ_NO_INTEGRITY
	VAL(ISC_REQ_NO_INTEGRITY);
#endif
#ifdef ISC_RET_ALLOCATED_MEMORY
	VAL(ISC_RET_ALLOCATED_MEMORY);
#endif
#ifdef ISC_RET_INTEGRITY
	VAL(ISC_RET_INTEGRITY);
#endif
#ifdef ISC_RET_NO_ADDITIONAL_TOKEN
	VAL(ISC_RET_NO_ADDITIONAL_TOKEN);
#endif
#ifdef ASC_REQ_ALLOCATE_MEMORY
	VAL(ASC_REQ_ALLOCATE_MEMORY);
#endif
#ifdef ASC_REQ_EXTENDED_ERROR
	VAL(ASC_REQ_EXTENDED_ERROR);
#endif
#ifdef ASC_REQ_STREAM
	VAL(ASC_REQ_STREAM);
#endif
#ifdef ASC_REQ_INTEGRITY
	VAL(ASC_REQ_INTEGRITY);
#endif
#ifdef ASC_REQ_ALLOW_NULL_SESSION
	VAL(ASC_REQ_ALLOW_NULL_SESSION);
#endif
#ifdef ASC_RET_ALLOCATED_MEMORY
	VAL(ASC_RET_ALLOCATED_MEMORY);
#endif
#ifdef ASC_RET_INTEGRITY
	VAL(ASC_RET_INTEGRITY);
#endif
#ifdef ASC_RET_NULL_SESSION
	VAL(ASC_RET_NULL_SESSION);
#endif
#ifdef SECPKG_ATTR_SIZES
	VAL(SECPKG_ATTR_SIZES);
#endif
#ifdef SECPKG_ATTR_NAMES
	VAL(SECPKG_ATTR_NAMES);
#endif
#ifdef SECPKG_ATTR_STREAM_SIZES
	VAL(SECPKG_ATTR_STREAM_SIZES);
#endif
#ifdef SECPKG_ATTR_SESSION_KEY
	VAL(SECPKG_ATTR_SESSION_KEY);
#endif
#ifdef SECPKG_ATTR_PACKAGE_INFO
	VAL(SECPKG_ATTR_PACKAGE_INFO);
#endif
#ifdef SECPKG_ATTR_NEGOTIATION_INFO
	VAL(SECPKG_ATTR_NEGOTIATION_INFO);
#endif
#ifdef SECPKG_ATTR_NATIVE_NAMES
	VAL(SECPKG_ATTR_NATIVE_NAMES);
#endif
#ifdef SECPKG_ATTR_FLAGS
	VAL(SECPKG_ATTR_FLAGS);
#endif
#ifdef SECPKG_CRED_ATTR_NAMES
	VAL(SECPKG_CRED_ATTR_NAMES);
#endif
#ifdef SECQOP_WRAP_NO_ENCRYPT
	VAL(SECQOP_WRAP_NO_ENCRYPT);
#endif
#ifdef SEC_WINNT_AUTH_IDENTITY_ANSI
	VAL(SEC_WINNT_AUTH_IDENTITY_ANSI);
#endif
#ifdef SEC_WINNT_AUTH_IDENTITY_UNICODE
	VAL(SEC_WINNT_AUTH_IDENTITY_UNICODE);
#endif
#ifdef SEC_WINNT_AUTH_IDENTITY_VERSION
	VAL(SEC_WINNT_AUTH_IDENTITY_VERSION);
#endif
	return 0;
}
