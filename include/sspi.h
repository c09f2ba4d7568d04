/*
 * sspi.h - the Windows Security Support Provider Interface, for Unix.
 *
 * This header declares the same types, constants and functions as the
 * Windows SDK's <sspi.h>, with the same structure layouts (LLP64 sizes on
 * every platform), so SSPI code written for Windows compiles unchanged.
 * It is self-contained: no <windows.h> is needed.
 *
 * Ownership: every buffer the library allocates for the caller (package info
 * arrays, ISC_REQ_ALLOCATE_MEMORY output tokens, attribute strings) is freed
 * with FreeContextBuffer. Everything the caller passes in stays the caller's.
 *
 * Names follow Windows: the A functions take char strings (UTF-8 here), the W
 * functions take SEC_WCHAR (UTF-16) strings, and when UNICODE is defined the
 * undecorated names map to the W forms.
 */
#ifndef SSPI_GSS_SSPI_H
#define SSPI_GSS_SSPI_H

#include "sspi-gss-wintypes.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SSPI_GSS_API __attribute__((visibility("default")))
#else
#define SSPI_GSS_API
#endif

/* What SECURITY_WIN32 selects in Windows' header: the user-mode interface,
 * the only one there is here (defined whether or not the program defines
 * SECURITY_WIN32). */
#ifndef ISSP_LEVEL
#define ISSP_LEVEL 32
#endif
#ifndef ISSP_MODE
#define ISSP_MODE 1
#endif
/* The kernel's import attribute in Windows' prototypes; nothing here. */
#ifndef KSECDDDECLSPEC
#define KSECDDDECLSPEC
#endif
/* TCHAR literals: TEXT() of <security.h> (or of the program's own headers). */
#ifndef SEC_TEXT
#define SEC_TEXT TEXT
#endif

typedef CHAR SEC_CHAR;
typedef WCHAR SEC_WCHAR;

#ifndef __SECSTATUS_DEFINED__
typedef LONG SECURITY_STATUS;
#define __SECSTATUS_DEFINED__
#endif

/* 100-nanosecond ticks since 1601-01-01 UTC, as two 32-bit halves (the
 * layout of Windows' LARGE_INTEGER and of WinPR's SECURITY_INTEGER). */
typedef struct _SECURITY_INTEGER {
	ULONG LowPart;
	LONG HighPart;
} SECURITY_INTEGER, *PSECURITY_INTEGER;
typedef SECURITY_INTEGER TimeStamp, *PTimeStamp;

typedef struct _SECURITY_STRING {
	USHORT Length;
	USHORT MaximumLength;
	USHORT *Buffer;
} SECURITY_STRING, *PSECURITY_STRING;

/* ---- Status codes (winerror.h) ---- */

#define SSPI_GSS_STATUS(x) ((SECURITY_STATUS)(x))

#define SEC_E_OK SSPI_GSS_STATUS(0x00000000)
#define SEC_E_INSUFFICIENT_MEMORY SSPI_GSS_STATUS(0x80090300)
#define SEC_E_INVALID_HANDLE SSPI_GSS_STATUS(0x80090301)
#define SEC_E_UNSUPPORTED_FUNCTION SSPI_GSS_STATUS(0x80090302)
#define SEC_E_TARGET_UNKNOWN SSPI_GSS_STATUS(0x80090303)
#define SEC_E_INTERNAL_ERROR SSPI_GSS_STATUS(0x80090304)
#define SEC_E_SECPKG_NOT_FOUND SSPI_GSS_STATUS(0x80090305)
#define SEC_E_NOT_OWNER SSPI_GSS_STATUS(0x80090306)
#define SEC_E_CANNOT_INSTALL SSPI_GSS_STATUS(0x80090307)
#define SEC_E_INVALID_TOKEN SSPI_GSS_STATUS(0x80090308)
#define SEC_E_CANNOT_PACK SSPI_GSS_STATUS(0x80090309)
#define SEC_E_QOP_NOT_SUPPORTED SSPI_GSS_STATUS(0x8009030A)
#define SEC_E_NO_IMPERSONATION SSPI_GSS_STATUS(0x8009030B)
#define SEC_E_LOGON_DENIED SSPI_GSS_STATUS(0x8009030C)
#define SEC_E_UNKNOWN_CREDENTIALS SSPI_GSS_STATUS(0x8009030D)
#define SEC_E_NO_CREDENTIALS SSPI_GSS_STATUS(0x8009030E)
#define SEC_E_MESSAGE_ALTERED SSPI_GSS_STATUS(0x8009030F)
#define SEC_E_OUT_OF_SEQUENCE SSPI_GSS_STATUS(0x80090310)
#define SEC_E_NO_AUTHENTICATING_AUTHORITY SSPI_GSS_STATUS(0x80090311)
#define SEC_I_CONTINUE_NEEDED SSPI_GSS_STATUS(0x00090312)
#define SEC_I_COMPLETE_NEEDED SSPI_GSS_STATUS(0x00090313)
#define SEC_I_COMPLETE_AND_CONTINUE SSPI_GSS_STATUS(0x00090314)
#define SEC_I_LOCAL_LOGON SSPI_GSS_STATUS(0x00090315)
#define SEC_I_GENERIC_EXTENSION_RECEIVED SSPI_GSS_STATUS(0x00090316)
#define SEC_E_BAD_PKGID SSPI_GSS_STATUS(0x80090316)
#define SEC_E_CONTEXT_EXPIRED SSPI_GSS_STATUS(0x80090317)
#define SEC_I_CONTEXT_EXPIRED SSPI_GSS_STATUS(0x00090317)
#define SEC_E_INCOMPLETE_MESSAGE SSPI_GSS_STATUS(0x80090318)
#define SEC_E_INCOMPLETE_CREDENTIALS SSPI_GSS_STATUS(0x80090320)
#define SEC_E_BUFFER_TOO_SMALL SSPI_GSS_STATUS(0x80090321)
#define SEC_I_INCOMPLETE_CREDENTIALS SSPI_GSS_STATUS(0x00090320)
#define SEC_I_RENEGOTIATE SSPI_GSS_STATUS(0x00090321)
#define SEC_E_WRONG_PRINCIPAL SSPI_GSS_STATUS(0x80090322)
#define SEC_I_NO_LSA_CONTEXT SSPI_GSS_STATUS(0x00090323)
#define SEC_E_TIME_SKEW SSPI_GSS_STATUS(0x80090324)
#define SEC_E_UNTRUSTED_ROOT SSPI_GSS_STATUS(0x80090325)
#define SEC_E_ILLEGAL_MESSAGE SSPI_GSS_STATUS(0x80090326)
#define SEC_E_CERT_UNKNOWN SSPI_GSS_STATUS(0x80090327)
#define SEC_E_CERT_EXPIRED SSPI_GSS_STATUS(0x80090328)
#define SEC_E_ENCRYPT_FAILURE SSPI_GSS_STATUS(0x80090329)
#define SEC_E_DECRYPT_FAILURE SSPI_GSS_STATUS(0x80090330)
#define SEC_E_ALGORITHM_MISMATCH SSPI_GSS_STATUS(0x80090331)
#define SEC_E_SECURITY_QOS_FAILED SSPI_GSS_STATUS(0x80090332)
#define SEC_E_UNFINISHED_CONTEXT_DELETED SSPI_GSS_STATUS(0x80090333)
#define SEC_E_NO_TGT_REPLY SSPI_GSS_STATUS(0x80090334)
#define SEC_E_NO_IP_ADDRESSES SSPI_GSS_STATUS(0x80090335)
#define SEC_E_WRONG_CREDENTIAL_HANDLE SSPI_GSS_STATUS(0x80090336)
#define SEC_E_CRYPTO_SYSTEM_INVALID SSPI_GSS_STATUS(0x80090337)
#define SEC_E_MAX_REFERRALS_EXCEEDED SSPI_GSS_STATUS(0x80090338)
#define SEC_E_MUST_BE_KDC SSPI_GSS_STATUS(0x80090339)
#define SEC_E_STRONG_CRYPTO_NOT_SUPPORTED SSPI_GSS_STATUS(0x8009033A)
#define SEC_E_TOO_MANY_PRINCIPALS SSPI_GSS_STATUS(0x8009033B)
#define SEC_E_NO_PA_DATA SSPI_GSS_STATUS(0x8009033C)
#define SEC_E_PKINIT_NAME_MISMATCH SSPI_GSS_STATUS(0x8009033D)
#define SEC_E_SMARTCARD_LOGON_REQUIRED SSPI_GSS_STATUS(0x8009033E)
#define SEC_E_SHUTDOWN_IN_PROGRESS SSPI_GSS_STATUS(0x8009033F)
#define SEC_E_KDC_INVALID_REQUEST SSPI_GSS_STATUS(0x80090340)
#define SEC_E_KDC_UNABLE_TO_REFER SSPI_GSS_STATUS(0x80090341)
#define SEC_E_KDC_UNKNOWN_ETYPE SSPI_GSS_STATUS(0x80090342)
#define SEC_E_UNSUPPORTED_PREAUTH SSPI_GSS_STATUS(0x80090343)
#define SEC_E_DELEGATION_REQUIRED SSPI_GSS_STATUS(0x80090345)
#define SEC_E_BAD_BINDINGS SSPI_GSS_STATUS(0x80090346)
#define SEC_E_MULTIPLE_ACCOUNTS SSPI_GSS_STATUS(0x80090347)
#define SEC_E_NO_KERB_KEY SSPI_GSS_STATUS(0x80090348)
#define SEC_E_CERT_WRONG_USAGE SSPI_GSS_STATUS(0x80090349)
#define SEC_E_DOWNGRADE_DETECTED SSPI_GSS_STATUS(0x80090350)
#define SEC_E_SMARTCARD_CERT_REVOKED SSPI_GSS_STATUS(0x80090351)
#define SEC_E_ISSUING_CA_UNTRUSTED SSPI_GSS_STATUS(0x80090352)
#define SEC_E_REVOCATION_OFFLINE_C SSPI_GSS_STATUS(0x80090353)
#define SEC_E_PKINIT_CLIENT_FAILURE SSPI_GSS_STATUS(0x80090354)
#define SEC_E_SMARTCARD_CERT_EXPIRED SSPI_GSS_STATUS(0x80090355)
#define SEC_E_NO_S4U_PROT_SUPPORT SSPI_GSS_STATUS(0x80090356)
#define SEC_E_CROSSREALM_DELEGATION_FAILURE SSPI_GSS_STATUS(0x80090357)
#define SEC_E_REVOCATION_OFFLINE_KDC SSPI_GSS_STATUS(0x80090358)
#define SEC_E_ISSUING_CA_UNTRUSTED_KDC SSPI_GSS_STATUS(0x80090359)
#define SEC_E_KDC_CERT_EXPIRED SSPI_GSS_STATUS(0x8009035A)
#define SEC_E_KDC_CERT_REVOKED SSPI_GSS_STATUS(0x8009035B)
#define SEC_I_SIGNATURE_NEEDED SSPI_GSS_STATUS(0x0009035C)
#define SEC_E_INVALID_PARAMETER SSPI_GSS_STATUS(0x8009035D)
#define SEC_E_DELEGATION_POLICY SSPI_GSS_STATUS(0x8009035E)
#define SEC_E_POLICY_NLTM_ONLY SSPI_GSS_STATUS(0x8009035F)
#define SEC_I_NO_RENEGOTIATION SSPI_GSS_STATUS(0x00090360)
#define SEC_E_NO_CONTEXT SSPI_GSS_STATUS(0x80090361)
#define SEC_E_PKU2U_CERT_FAILURE SSPI_GSS_STATUS(0x80090362)
#define SEC_E_MUTUAL_AUTH_FAILED SSPI_GSS_STATUS(0x80090363)
#define SEC_I_MESSAGE_FRAGMENT SSPI_GSS_STATUS(0x00090364)
#define SEC_E_ONLY_HTTPS_ALLOWED SSPI_GSS_STATUS(0x80090365)
#define SEC_I_CONTINUE_NEEDED_MESSAGE_OK SSPI_GSS_STATUS(0x00090366)
#define SEC_E_APPLICATION_PROTOCOL_MISMATCH SSPI_GSS_STATUS(0x80090367)
#define SEC_I_ASYNC_CALL_PENDING SSPI_GSS_STATUS(0x00090368)
#define SEC_E_INVALID_UPN_NAME SSPI_GSS_STATUS(0x80090369)
#define SEC_E_EXT_BUFFER_TOO_SMALL SSPI_GSS_STATUS(0x8009036A)
#define SEC_E_INSUFFICIENT_BUFFERS SSPI_GSS_STATUS(0x8009036B)

#define SEC_E_NOT_SUPPORTED SEC_E_UNSUPPORTED_FUNCTION
#define SEC_E_NO_SPM SEC_E_INTERNAL_ERROR
#define SEC_E_UNKNOWN_CREDENTIAL SEC_E_UNKNOWN_CREDENTIALS

#define SEC_SUCCESS(Status) ((Status) >= 0)

/* ---- Handles ---- */

typedef struct _SecHandle {
	ULONG_PTR dwLower;
	ULONG_PTR dwUpper;
} SecHandle, *PSecHandle;

typedef SecHandle CredHandle, *PCredHandle;
typedef SecHandle CtxtHandle, *PCtxtHandle;

/* An invalid handle has both halves set to all ones. */
#define SecInvalidateHandle(x)                                                 \
	(((PSecHandle)(x))->dwLower = ((PSecHandle)(x))->dwUpper = (ULONG_PTR)-1)
#define SecIsValidHandle(x)                                                    \
	((((PSecHandle)(x))->dwLower != (ULONG_PTR)-1) &&                      \
	 (((PSecHandle)(x))->dwUpper != (ULONG_PTR)-1))
/* What some packages store in a handle they have deleted. */
#define SEC_DELETED_HANDLE ((ULONG_PTR)(-2))

/* ---- Buffers ---- */

typedef struct _SecBuffer {
	ULONG cbBuffer;
	ULONG BufferType;
	void SEC_FAR *pvBuffer;
} SecBuffer, *PSecBuffer;

typedef struct _SecBufferDesc {
	ULONG ulVersion;
	ULONG cBuffers;
	PSecBuffer pBuffers;
} SecBufferDesc, *PSecBufferDesc;

#define SECBUFFER_VERSION 0

#define SECBUFFER_EMPTY 0
#define SECBUFFER_DATA 1
#define SECBUFFER_TOKEN 2
#define SECBUFFER_PKG_PARAMS 3
#define SECBUFFER_MISSING 4
#define SECBUFFER_EXTRA 5
#define SECBUFFER_STREAM_TRAILER 6
#define SECBUFFER_STREAM_HEADER 7
#define SECBUFFER_NEGOTIATION_INFO 8
#define SECBUFFER_PADDING 9
#define SECBUFFER_STREAM 10
#define SECBUFFER_MECHLIST 11
#define SECBUFFER_MECHLIST_SIGNATURE 12
#define SECBUFFER_TARGET 13
#define SECBUFFER_CHANNEL_BINDINGS 14
#define SECBUFFER_CHANGE_PASS_RESPONSE 15
#define SECBUFFER_TARGET_HOST 16
#define SECBUFFER_ALERT 17
#define SECBUFFER_APPLICATION_PROTOCOLS 18
#define SECBUFFER_SRTP_PROTECTION_PROFILES 19
#define SECBUFFER_SRTP_MASTER_KEY_IDENTIFIER 20
#define SECBUFFER_TOKEN_BINDING 21
#define SECBUFFER_PRESHARED_KEY 22
#define SECBUFFER_PRESHARED_KEY_IDENTITY 23
#define SECBUFFER_DTLS_MTU 24
#define SECBUFFER_SEND_GENERIC_TLS_EXTENSION 25
#define SECBUFFER_SUBSCRIBE_GENERIC_TLS_EXTENSION 26
#define SECBUFFER_FLAGS 27
#define SECBUFFER_TRAFFIC_SECRETS 28
#define SECBUFFER_CERTIFICATE_REQUEST_CONTEXT 29

#define SECBUFFER_ATTRMASK 0xF0000000
#define SECBUFFER_READONLY 0x80000000
#define SECBUFFER_READONLY_WITH_CHECKSUM 0x10000000
#define SECBUFFER_RESERVED 0x60000000
#define SECBUFFER_UNMAPPED 0x40000000

typedef struct _SEC_CHANNEL_BINDINGS {
	ULONG dwInitiatorAddrType;
	ULONG cbInitiatorLength;
	ULONG dwInitiatorOffset;
	ULONG dwAcceptorAddrType;
	ULONG cbAcceptorLength;
	ULONG dwAcceptorOffset;
	ULONG cbApplicationDataLength;
	ULONG dwApplicationDataOffset;
} SEC_CHANNEL_BINDINGS, *PSEC_CHANNEL_BINDINGS;

/* What the other buffer types carry. Schannel (TLS, DTLS) reads and writes
 * them; they are declared so that sources naming them compile. */
#ifndef ANYSIZE_ARRAY
#define ANYSIZE_ARRAY 1
#endif

typedef struct _SEC_NEGOTIATION_INFO {
	ULONG Size;
	ULONG NameLength;
	SEC_WCHAR *Name;
	void *Reserved;
} SEC_NEGOTIATION_INFO, *PSEC_NEGOTIATION_INFO;

typedef enum _SEC_APPLICATION_PROTOCOL_NEGOTIATION_EXT {
	SecApplicationProtocolNegotiationExt_None,
	SecApplicationProtocolNegotiationExt_NPN,
	SecApplicationProtocolNegotiationExt_ALPN
} SEC_APPLICATION_PROTOCOL_NEGOTIATION_EXT, *PSEC_APPLICATION_PROTOCOL_NEGOTIATION_EXT;

typedef struct _SEC_APPLICATION_PROTOCOL_LIST {
	SEC_APPLICATION_PROTOCOL_NEGOTIATION_EXT ProtoNegoExt;
	USHORT ProtocolListSize;
	UCHAR ProtocolList[ANYSIZE_ARRAY];
} SEC_APPLICATION_PROTOCOL_LIST, *PSEC_APPLICATION_PROTOCOL_LIST;

typedef struct _SEC_APPLICATION_PROTOCOLS {
	ULONG ProtocolListsSize;
	SEC_APPLICATION_PROTOCOL_LIST ProtocolLists[ANYSIZE_ARRAY];
} SEC_APPLICATION_PROTOCOLS, *PSEC_APPLICATION_PROTOCOLS;

typedef struct _SEC_SRTP_PROTECTION_PROFILES {
	USHORT ProfilesSize;
	USHORT ProfilesList[ANYSIZE_ARRAY];
} SEC_SRTP_PROTECTION_PROFILES, *PSEC_SRTP_PROTECTION_PROFILES;

typedef struct _SEC_SRTP_MASTER_KEY_IDENTIFIER {
	UCHAR MasterKeyIdentifierSize;
	UCHAR MasterKeyIdentifier[ANYSIZE_ARRAY];
} SEC_SRTP_MASTER_KEY_IDENTIFIER, *PSEC_SRTP_MASTER_KEY_IDENTIFIER;

typedef struct _SEC_TOKEN_BINDING {
	UCHAR MajorVersion;
	UCHAR MinorVersion;
	USHORT KeyParametersSize;
	UCHAR KeyParameters[ANYSIZE_ARRAY];
} SEC_TOKEN_BINDING, *PSEC_TOKEN_BINDING;

typedef struct _SEC_PRESHAREDKEY {
	USHORT KeySize;
	UCHAR Key[ANYSIZE_ARRAY];
} SEC_PRESHAREDKEY, *PSEC_PRESHAREDKEY;

typedef struct _SEC_PRESHAREDKEY_IDENTITY {
	USHORT KeyIdentitySize;
	UCHAR KeyIdentity[ANYSIZE_ARRAY];
} SEC_PRESHAREDKEY_IDENTITY, *PSEC_PRESHAREDKEY_IDENTITY;

typedef struct _SEC_DTLS_MTU {
	USHORT PathMTU;
} SEC_DTLS_MTU, *PSEC_DTLS_MTU;

typedef struct _SEC_FLAGS {
	ULONGLONG Flags;
} SEC_FLAGS, *PSEC_FLAGS;

typedef enum _SEC_TRAFFIC_SECRET_TYPE {
	SecTrafficSecret_None,
	SecTrafficSecret_Client,
	SecTrafficSecret_Server
} SEC_TRAFFIC_SECRET_TYPE, *PSEC_TRAFFIC_SECRET_TYPE;

/* Algorithm names are UTF-16, as Windows' 16-bit wchar_t makes them. */
#define SZ_ALG_MAX_SIZE 64
typedef struct _SEC_TRAFFIC_SECRETS {
	WCHAR SymmetricAlgId[SZ_ALG_MAX_SIZE];
	WCHAR ChainingMode[SZ_ALG_MAX_SIZE];
	WCHAR HashAlgId[SZ_ALG_MAX_SIZE];
	USHORT KeySize;
	USHORT IvSize;
	USHORT MsgSequenceStart;
	USHORT MsgSequenceEnd;
	SEC_TRAFFIC_SECRET_TYPE TrafficSecretType;
	USHORT TrafficSecretSize;
	UCHAR TrafficSecret[ANYSIZE_ARRAY];
} SEC_TRAFFIC_SECRETS, *PSEC_TRAFFIC_SECRETS;

/* Data representation for the TargetDataRep arguments. */
#define SECURITY_NATIVE_DREP 0x00000010
#define SECURITY_NETWORK_DREP 0x00000000

/* ---- Package information ---- */

typedef struct _SecPkgInfoA {
	ULONG fCapabilities;
	USHORT wVersion;
	USHORT wRPCID;
	ULONG cbMaxToken;
	SEC_CHAR *Name;
	SEC_CHAR *Comment;
} SecPkgInfoA, *PSecPkgInfoA;

typedef struct _SecPkgInfoW {
	ULONG fCapabilities;
	USHORT wVersion;
	USHORT wRPCID;
	ULONG cbMaxToken;
	SEC_WCHAR *Name;
	SEC_WCHAR *Comment;
} SecPkgInfoW, *PSecPkgInfoW;

#define SECPKG_FLAG_INTEGRITY 0x00000001
#define SECPKG_FLAG_PRIVACY 0x00000002
#define SECPKG_FLAG_TOKEN_ONLY 0x00000004
#define SECPKG_FLAG_DATAGRAM 0x00000008
#define SECPKG_FLAG_CONNECTION 0x00000010
#define SECPKG_FLAG_MULTI_REQUIRED 0x00000020
#define SECPKG_FLAG_CLIENT_ONLY 0x00000040
#define SECPKG_FLAG_EXTENDED_ERROR 0x00000080
#define SECPKG_FLAG_IMPERSONATION 0x00000100
#define SECPKG_FLAG_ACCEPT_WIN32_NAME 0x00000200
#define SECPKG_FLAG_STREAM 0x00000400
#define SECPKG_FLAG_NEGOTIABLE 0x00000800
#define SECPKG_FLAG_GSS_COMPATIBLE 0x00001000
#define SECPKG_FLAG_LOGON 0x00002000
#define SECPKG_FLAG_ASCII_BUFFERS 0x00004000
#define SECPKG_FLAG_FRAGMENT 0x00008000
#define SECPKG_FLAG_MUTUAL_AUTH 0x00010000
#define SECPKG_FLAG_DELEGATION 0x00020000
#define SECPKG_FLAG_READONLY_WITH_CHECKSUM 0x00040000
#define SECPKG_FLAG_RESTRICTED_TOKENS 0x00080000
#define SECPKG_FLAG_NEGO_EXTENDER 0x00100000
#define SECPKG_FLAG_NEGOTIABLE2 0x00200000
#define SECPKG_FLAG_APPCONTAINER_PASSTHROUGH 0x00400000
#define SECPKG_FLAG_APPCONTAINER_CHECKS 0x00800000
#define SECPKG_FLAG_CREDENTIAL_ISOLATION_ENABLED 0x01000000
#define SECPKG_FLAG_APPLY_LOOPBACK 0x02000000

#define SECPKG_ID_NONE 0xFFFF

/* SecPkgCallPackage call flags (app containers; informational here). */
#define SECPKG_CALLFLAGS_APPCONTAINER 0x00000001
#define SECPKG_CALLFLAGS_APPCONTAINER_AUTHCAPABLE 0x00000002
#define SECPKG_CALLFLAGS_FORCE_SUPPLIED 0x00000004
#define SECPKG_CALLFLAGS_APPCONTAINER_UPNCAPABLE 0x00000008

/* RPC authentication service identifiers (wRPCID). */
#define RPC_C_AUTHN_NONE 0
#define RPC_C_AUTHN_GSS_NEGOTIATE 9
#define RPC_C_AUTHN_WINNT 10
#define RPC_C_AUTHN_GSS_SCHANNEL 14
#define RPC_C_AUTHN_GSS_KERBEROS 16
#define RPC_C_AUTHN_DEFAULT 0xFFFFFFFF

#define NEGOSSP_NAME_A "Negotiate"
#define MICROSOFT_KERBEROS_NAME_A "Kerberos"
#define NTLMSP_NAME_A "NTLM"
#define NEGOSSP_NAME_W u"Negotiate"
#define MICROSOFT_KERBEROS_NAME_W u"Kerberos"
#define NTLMSP_NAME_W u"NTLM"
/* Windows' cloud (Azure AD) package: named so that sources compile; not
 * provided (SEC_E_SECPKG_NOT_FOUND). */
#define CLOUDAP_NAME_A "CloudAP"
#define CLOUDAP_NAME_W u"CloudAP"

/* ---- Credentials ---- */

#define SECPKG_CRED_INBOUND 0x00000001
#define SECPKG_CRED_OUTBOUND 0x00000002
#define SECPKG_CRED_BOTH 0x00000003
#define SECPKG_CRED_DEFAULT 0x00000004
#define SECPKG_CRED_RESERVED 0xF0000000
#define SECPKG_CRED_AUTOLOGON_RESTRICTED 0x00000010
#define SECPKG_CRED_PROCESS_POLICY_ONLY 0x00000020

#define SECPKG_CRED_ATTR_NAMES 1
#define SECPKG_CRED_ATTR_SSI_PROVIDER 2
#define SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS 3
#define SECPKG_CRED_ATTR_CERT 4
#define SECPKG_CRED_ATTR_PAC_BYPASS 5

typedef struct _SecPkgCredentials_NamesA {
	SEC_CHAR *sUserName;
} SecPkgCredentials_NamesA, *PSecPkgCredentials_NamesA;

typedef struct _SecPkgCredentials_NamesW {
	SEC_WCHAR *sUserName;
} SecPkgCredentials_NamesW, *PSecPkgCredentials_NamesW;

typedef struct _SecPkgCredentials_SSIProviderW {
	SEC_WCHAR *sProviderName;
	ULONG ProviderInfoLength;
	char *ProviderInfo;
} SecPkgCredentials_SSIProviderW, *PSecPkgCredentials_SSIProviderW;

typedef struct _SecPkgCredentials_SSIProviderA {
	SEC_CHAR *sProviderName;
	ULONG ProviderInfoLength;
	char *ProviderInfo;
} SecPkgCredentials_SSIProviderA, *PSecPkgCredentials_SSIProviderA;

/* SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS (Kerberos over HTTPS; not provided). */
#define KDC_PROXY_SETTINGS_V1 1
#define KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY 0x1
typedef struct _SecPkgCredentials_KdcProxySettingsW {
	ULONG Version;
	ULONG Flags;
	USHORT ProxyServerOffset;
	USHORT ProxyServerLength;
	USHORT ClientTlsCredOffset;
	USHORT ClientTlsCredLength;
} SecPkgCredentials_KdcProxySettingsW, *PSecPkgCredentials_KdcProxySettingsW;

typedef struct _SecPkgCredentials_Cert {
	ULONG EncodedCertSize;
	UCHAR *EncodedCert;
} SecPkgCredentials_Cert, *PSecPkgCredentials_Cert;

typedef void(SEC_ENTRY *SEC_GET_KEY_FN)(void *Arg, void *Principal, ULONG KeyVer,
					 void **Key, SECURITY_STATUS *Status);

/* ---- Authentication identities (also in Windows' rpcdce.h) ---- */

#define SEC_WINNT_AUTH_IDENTITY_ANSI 0x1
#define SEC_WINNT_AUTH_IDENTITY_UNICODE 0x2
#define SEC_WINNT_AUTH_IDENTITY_MARSHALLED 0x4
#define SEC_WINNT_AUTH_IDENTITY_ONLY 0x8

#define SEC_WINNT_AUTH_IDENTITY_FLAGS_PROCESS_ENCRYPTED 0x10
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SYSTEM_PROTECTED 0x20
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_USER_PROTECTED 0x40
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SYSTEM_ENCRYPTED 0x80
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_RESERVED 0x10000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_NULL_USER 0x20000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_NULL_DOMAIN 0x40000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_ID_PROVIDER 0x80000
/* What SspiPromptForCredentials' caller asked for, kept in the top byte. */
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_USE_MASK 0xff000000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_CREDPROV_DO_NOT_SAVE 0x80000000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_SAVE_CRED_BY_CALLER                            \
	SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_CREDPROV_DO_NOT_SAVE
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_SAVE_CRED_CHECKED 0x40000000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_NO_CHECKBOX 0x20000000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_CREDPROV_DO_NOT_LOAD 0x10000000
#define SEC_WINNT_AUTH_IDENTITY_FLAGS_VALID_SSPIPFC_FLAGS                                    \
	(SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_CREDPROV_DO_NOT_SAVE |                        \
	 SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_SAVE_CRED_CHECKED |                           \
	 SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_NO_CHECKBOX |                                 \
	 SEC_WINNT_AUTH_IDENTITY_FLAGS_SSPIPFC_CREDPROV_DO_NOT_LOAD)

/* SspiPromptForCredentials dwFlags. */
#define SSPIPFC_CREDPROV_DO_NOT_SAVE 0x00000001
#define SSPIPFC_SAVE_CRED_BY_CALLER SSPIPFC_CREDPROV_DO_NOT_SAVE
#define SSPIPFC_NO_CHECKBOX 0x00000002
#define SSPIPFC_CREDPROV_DO_NOT_LOAD 0x00000004
#define SSPIPFC_USE_CREDUIBROKER 0x00000008
#define SSPIPFC_VALID_FLAGS                                                                  \
	(SSPIPFC_CREDPROV_DO_NOT_SAVE | SSPIPFC_NO_CHECKBOX | SSPIPFC_CREDPROV_DO_NOT_LOAD |   \
	 SSPIPFC_USE_CREDUIBROKER)

/* SspiEncryptAuthIdentityEx / SspiDecryptAuthIdentityEx options. */
#define SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_LOGON 1
#define SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS 2
#define SEC_WINNT_AUTH_IDENTITY_ENCRYPT_FOR_SYSTEM 4

#ifndef _AUTH_IDENTITY_DEFINED
#define _AUTH_IDENTITY_DEFINED
/* Lengths are in characters, without the terminating NUL. */
typedef struct _SEC_WINNT_AUTH_IDENTITY_W {
	USHORT *User;
	ULONG UserLength;
	USHORT *Domain;
	ULONG DomainLength;
	USHORT *Password;
	ULONG PasswordLength;
	ULONG Flags;
} SEC_WINNT_AUTH_IDENTITY_W, *PSEC_WINNT_AUTH_IDENTITY_W;

typedef struct _SEC_WINNT_AUTH_IDENTITY_A {
	UCHAR *User;
	ULONG UserLength;
	UCHAR *Domain;
	ULONG DomainLength;
	UCHAR *Password;
	ULONG PasswordLength;
	ULONG Flags;
} SEC_WINNT_AUTH_IDENTITY_A, *PSEC_WINNT_AUTH_IDENTITY_A;
#endif

#define SEC_WINNT_AUTH_IDENTITY_VERSION 0x200
#define SEC_WINNT_AUTH_IDENTITY_VERSION_2 0x201

typedef struct _SEC_WINNT_AUTH_IDENTITY_EXW {
	ULONG Version; /* SEC_WINNT_AUTH_IDENTITY_VERSION */
	ULONG Length;  /* sizeof(SEC_WINNT_AUTH_IDENTITY_EXW) */
	USHORT *User;
	ULONG UserLength;
	USHORT *Domain;
	ULONG DomainLength;
	USHORT *Password;
	ULONG PasswordLength;
	ULONG Flags;
	USHORT *PackageList; /* comma-separated, e.g. "Kerberos,!NTLM" */
	ULONG PackageListLength;
} SEC_WINNT_AUTH_IDENTITY_EXW, *PSEC_WINNT_AUTH_IDENTITY_EXW;

typedef struct _SEC_WINNT_AUTH_IDENTITY_EXA {
	ULONG Version;
	ULONG Length;
	UCHAR *User;
	ULONG UserLength;
	UCHAR *Domain;
	ULONG DomainLength;
	UCHAR *Password;
	ULONG PasswordLength;
	ULONG Flags;
	UCHAR *PackageList;
	ULONG PackageListLength;
} SEC_WINNT_AUTH_IDENTITY_EXA, *PSEC_WINNT_AUTH_IDENTITY_EXA;

/* The packed ("opaque") identity: one allocation, strings at byte offsets
 * from the start of the structure, lengths in bytes. */
typedef struct _SEC_WINNT_AUTH_IDENTITY_EX2 {
	ULONG Version; /* SEC_WINNT_AUTH_IDENTITY_VERSION_2 */
	USHORT cbHeaderLength;
	ULONG cbStructureLength;
	ULONG UserOffset;
	USHORT UserLength;
	ULONG DomainOffset;
	USHORT DomainLength;
	ULONG PackedCredentialsOffset;
	USHORT PackedCredentialsLength;
	ULONG Flags;
	ULONG PackageListOffset;
	USHORT PackageListLength;
} SEC_WINNT_AUTH_IDENTITY_EX2, *PSEC_WINNT_AUTH_IDENTITY_EX2;

typedef PVOID PSEC_WINNT_AUTH_IDENTITY_OPAQUE;

/* Any of the identity forms, as the opaque pointer may point to one. */
typedef union _SEC_WINNT_AUTH_IDENTITY_INFO {
	SEC_WINNT_AUTH_IDENTITY_EXW AuthIdExw;
	SEC_WINNT_AUTH_IDENTITY_EXA AuthIdExa;
	SEC_WINNT_AUTH_IDENTITY_A AuthId_a;
	SEC_WINNT_AUTH_IDENTITY_W AuthId_w;
	SEC_WINNT_AUTH_IDENTITY_EX2 AuthIdEx2;
} SEC_WINNT_AUTH_IDENTITY_INFO, *PSEC_WINNT_AUTH_IDENTITY_INFO;

/* The packed credentials an EX2 identity carries at
 * PackedCredentialsOffset: a header, then the credential of CredType at
 * CredData.ByteArrayOffset (from the start of the packed credentials). For
 * SEC_WINNT_AUTH_DATA_TYPE_PASSWORD that is the password in UTF-16LE. */
typedef struct _SEC_WINNT_AUTH_BYTE_VECTOR {
	ULONG ByteArrayOffset;
	USHORT ByteArrayLength;
} SEC_WINNT_AUTH_BYTE_VECTOR, *PSEC_WINNT_AUTH_BYTE_VECTOR;

typedef struct _SEC_WINNT_AUTH_DATA {
	GUID CredType;
	SEC_WINNT_AUTH_BYTE_VECTOR CredData;
} SEC_WINNT_AUTH_DATA, *PSEC_WINNT_AUTH_DATA;

typedef struct _SEC_WINNT_AUTH_PACKED_CREDENTIALS {
	USHORT cbHeaderLength;
	USHORT cbStructureLength;
	SEC_WINNT_AUTH_DATA AuthData;
} SEC_WINNT_AUTH_PACKED_CREDENTIALS, *PSEC_WINNT_AUTH_PACKED_CREDENTIALS;

typedef struct _SEC_WINNT_AUTH_DATA_PASSWORD {
	SEC_WINNT_AUTH_BYTE_VECTOR UnicodePassword;
} SEC_WINNT_AUTH_DATA_PASSWORD, *PSEC_WINNT_AUTH_DATA_PASSWORD;

typedef struct _SEC_WINNT_AUTH_CERTIFICATE_DATA {
	USHORT cbHeaderLength;
	USHORT cbStructureLength;
	SEC_WINNT_AUTH_BYTE_VECTOR Certificate;
} SEC_WINNT_AUTH_CERTIFICATE_DATA, *PSEC_WINNT_AUTH_CERTIFICATE_DATA;

typedef struct _SEC_WINNT_AUTH_NGC_DATA {
	LUID LogonId;
	ULONG Flags;
	SEC_WINNT_AUTH_BYTE_VECTOR CspInfo;
	SEC_WINNT_AUTH_BYTE_VECTOR UserIdKeyAuthTicket;
	SEC_WINNT_AUTH_BYTE_VECTOR DecryptionKeyName;
	SEC_WINNT_AUTH_BYTE_VECTOR DecryptionKeyAuthTicket;
} SEC_WINNT_AUTH_NGC_DATA, *PSEC_WINNT_AUTH_NGC_DATA;

#define NGC_DATA_FLAG_KERB_CERTIFICATE_LOGON_FLAG_CHECK_DUPLICATES 1
#define NGC_DATA_FLAG_KERB_CERTIFICATE_LOGON_FLAG_USE_CERTIFICATE_INFO 2
#define NGC_DATA_FLAG_IS_SMARTCARD_DATA 4

typedef struct _SEC_WINNT_AUTH_DATA_TYPE_SMARTCARD_CONTEXTS_DATA {
	PVOID pcc;
	PVOID hProv;
	LPWSTR pwszECDHKeyName;
} SEC_WINNT_AUTH_DATA_TYPE_SMARTCARD_CONTEXTS_DATA,
	*PSEC_WINNT_AUTH_DATA_TYPE_SMARTCARD_CONTEXTS_DATA;

typedef struct _SEC_WINNT_AUTH_FIDO_DATA {
	USHORT cbHeaderLength;
	USHORT cbStructureLength;
	SEC_WINNT_AUTH_BYTE_VECTOR Secret;
	SEC_WINNT_AUTH_BYTE_VECTOR NewSecret;
	SEC_WINNT_AUTH_BYTE_VECTOR EncryptedNewSecret;
	SEC_WINNT_AUTH_BYTE_VECTOR NetworkLogonBuffer;
	ULONGLONG ulSignatureCount;
} SEC_WINNT_AUTH_FIDO_DATA, *PSEC_WINNT_AUTH_FIDO_DATA;

typedef struct _SEC_WINNT_AUTH_SHORT_VECTOR {
	ULONG ShortArrayOffset;
	USHORT ShortArrayCount;
} SEC_WINNT_AUTH_SHORT_VECTOR, *PSEC_WINNT_AUTH_SHORT_VECTOR;

typedef struct _SEC_WINNT_AUTH_PACKED_CREDENTIALS_EX {
	USHORT cbHeaderLength;
	ULONG Flags;
	SEC_WINNT_AUTH_BYTE_VECTOR PackedCredentials;
	SEC_WINNT_AUTH_SHORT_VECTOR PackageList;
} SEC_WINNT_AUTH_PACKED_CREDENTIALS_EX, *PSEC_WINNT_AUTH_PACKED_CREDENTIALS_EX;

/* Windows' credential UI (credential providers) exchanges these. */
typedef struct _SEC_WINNT_CREDUI_CONTEXT_VECTOR {
	ULONG CredUIContextArrayOffset;
	USHORT CredUIContextCount;
} SEC_WINNT_CREDUI_CONTEXT_VECTOR, *PSEC_WINNT_CREDUI_CONTEXT_VECTOR;

typedef struct _CREDUIWIN_MARSHALED_CONTEXT {
	GUID StructureType;
	USHORT cbHeaderLength;
	LUID LogonId;
	GUID MarshaledDataType;
	ULONG MarshaledDataOffset;
	USHORT MarshaledDataLength;
} CREDUIWIN_MARSHALED_CONTEXT, *PCREDUIWIN_MARSHALED_CONTEXT;

typedef struct _SEC_WINNT_CREDUI_CONTEXT {
	USHORT cbHeaderLength;
	HANDLE CredUIContextHandle;
	PVOID UIInfo; /* PCREDUI_INFOW on Windows */
	ULONG dwAuthError;
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE pInputAuthIdentity;
	void *TargetName; /* PUNICODE_STRING on Windows */
} SEC_WINNT_CREDUI_CONTEXT, *PSEC_WINNT_CREDUI_CONTEXT;

/* The credential types of SEC_WINNT_AUTH_DATA.CredType. Windows defines
 * them as selectany variables when _SEC_WINNT_AUTH_TYPES is defined; here
 * they are static constants under the same condition. */
#ifdef _SEC_WINNT_AUTH_TYPES
#define SSPI_GSS_AUTH_TYPE(name, a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                      \
	static const GUID name __attribute__((unused)) = {a, b, c, {d0, d1, d2, d3, d4, d5, d6, d7}}
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_PASSWORD, 0x28bfc32f, 0x10f6, 0x4738, 0x98, 0xd1,
		   0x1a, 0xc0, 0x61, 0xdf, 0x71, 0x6a);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_CERT, 0x235f69ad, 0x73fb, 0x4dbc, 0x82, 0x03, 0x06,
		   0x29, 0xe7, 0x39, 0x33, 0x9b);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_CREDMAN_CERT, 0x7cb72412, 0x1016, 0x491a, 0x8c,
		   0x87, 0x4d, 0x2a, 0xa1, 0xb7, 0xdd, 0x3a);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_NGC, 0x10a47879, 0x5ebf, 0x4b85, 0xbd, 0x8d, 0xc2,
		   0x1b, 0xb4, 0xf4, 0x9c, 0x8a);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_FIDO, 0x32e8f8d7, 0x7871, 0x4bcc, 0x83, 0xc5, 0x46,
		   0x0f, 0x66, 0xc6, 0x13, 0x5c);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_KEYTAB, 0xd587aae8, 0xf78f, 0x4455, 0xa1, 0x12,
		   0xc9, 0x34, 0xbe, 0xee, 0x7c, 0xe1);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_CSP_DATA, 0x68fd9879, 0x079c, 0x4dfe, 0x82, 0x81,
		   0x57, 0x8a, 0xad, 0xc1, 0xc1, 0x00);
SSPI_GSS_AUTH_TYPE(SEC_WINNT_AUTH_DATA_TYPE_SMARTCARD_CONTEXTS, 0xb86c4ff3, 0x49d7, 0x4dc4,
		   0xb5, 0x60, 0xb1, 0x16, 0x36, 0x85, 0xb2, 0x36);
SSPI_GSS_AUTH_TYPE(CREDUIWIN_STRUCTURE_TYPE_SSPIPFC, 0x3c3e93d9, 0xd96b, 0x49b5, 0x94, 0xa7,
		   0x45, 0x85, 0x92, 0x08, 0x83, 0x37);
SSPI_GSS_AUTH_TYPE(SSPIPFC_STRUCTURE_TYPE_CREDUI_CONTEXT, 0xc2fffe6f, 0x503d, 0x4c3d, 0xa9,
		   0x5e, 0xbc, 0xe8, 0x21, 0x21, 0x3d, 0x44);
#undef SSPI_GSS_AUTH_TYPE
#endif

/* ---- Context requirement and return flags ---- */

#define ISC_REQ_DELEGATE 0x00000001
#define ISC_REQ_MUTUAL_AUTH 0x00000002
#define ISC_REQ_REPLAY_DETECT 0x00000004
#define ISC_REQ_SEQUENCE_DETECT 0x00000008
#define ISC_REQ_CONFIDENTIALITY 0x00000010
#define ISC_REQ_USE_SESSION_KEY 0x00000020
#define ISC_REQ_PROMPT_FOR_CREDS 0x00000040
#define ISC_REQ_USE_SUPPLIED_CREDS 0x00000080
#define ISC_REQ_ALLOCATE_MEMORY 0x00000100
#define ISC_REQ_USE_DCE_STYLE 0x00000200
#define ISC_REQ_DATAGRAM 0x00000400
#define ISC_REQ_CONNECTION 0x00000800
#define ISC_REQ_CALL_LEVEL 0x00001000
#define ISC_REQ_FRAGMENT_SUPPLIED 0x00002000
#define ISC_REQ_EXTENDED_ERROR 0x00004000
#define ISC_REQ_STREAM 0x00008000
#define ISC_REQ_INTEGRITY 0x00010000
#define ISC_REQ_IDENTIFY 0x00020000
#define ISC_REQ_NULL_SESSION 0x00040000
#define ISC_REQ_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_REQ_RESERVED1 0x00100000
#define ISC_REQ_FRAGMENT_TO_FIT 0x00200000
#define ISC_REQ_FORWARD_CREDENTIALS 0x00400000
#define ISC_REQ_NO_INTEGRITY 0x00800000
#define ISC_REQ_USE_HTTP_STYLE 0x01000000
#define ISC_REQ_UNVERIFIED_TARGET_NAME 0x20000000
#define ISC_REQ_CONFIDENTIALITY_ONLY 0x40000000
/* A 64-bit flag: it does not fit the ULONG of InitializeSecurityContext
 * and is meant for the packages' own calls; defined for completeness. */
#define ISC_REQ_MESSAGES 0x0000000100000000ULL

#define ISC_RET_DELEGATE 0x00000001
#define ISC_RET_MUTUAL_AUTH 0x00000002
#define ISC_RET_REPLAY_DETECT 0x00000004
#define ISC_RET_SEQUENCE_DETECT 0x00000008
#define ISC_RET_CONFIDENTIALITY 0x00000010
#define ISC_RET_USE_SESSION_KEY 0x00000020
#define ISC_RET_USED_COLLECTED_CREDS 0x00000040
#define ISC_RET_USED_SUPPLIED_CREDS 0x00000080
#define ISC_RET_ALLOCATED_MEMORY 0x00000100
#define ISC_RET_USED_DCE_STYLE 0x00000200
#define ISC_RET_DATAGRAM 0x00000400
#define ISC_RET_CONNECTION 0x00000800
#define ISC_RET_INTERMEDIATE_RETURN 0x00001000
#define ISC_RET_CALL_LEVEL 0x00002000
#define ISC_RET_EXTENDED_ERROR 0x00004000
#define ISC_RET_STREAM 0x00008000
#define ISC_RET_INTEGRITY 0x00010000
#define ISC_RET_IDENTIFY 0x00020000
#define ISC_RET_NULL_SESSION 0x00040000
#define ISC_RET_MANUAL_CRED_VALIDATION 0x00080000
#define ISC_RET_RESERVED1 0x00100000
#define ISC_RET_FRAGMENT_ONLY 0x00200000
#define ISC_RET_FORWARD_CREDENTIALS 0x00400000
#define ISC_RET_USED_HTTP_STYLE 0x01000000
#define ISC_RET_NO_ADDITIONAL_TOKEN 0x02000000
#define ISC_RET_REAUTHENTICATION 0x08000000
#define ISC_RET_CONFIDENTIALITY_ONLY 0x40000000
#define ISC_RET_MESSAGES 0x0000000100000000ULL

#define ASC_REQ_DELEGATE 0x00000001
#define ASC_REQ_MUTUAL_AUTH 0x00000002
#define ASC_REQ_REPLAY_DETECT 0x00000004
#define ASC_REQ_SEQUENCE_DETECT 0x00000008
#define ASC_REQ_CONFIDENTIALITY 0x00000010
#define ASC_REQ_USE_SESSION_KEY 0x00000020
#define ASC_REQ_SESSION_TICKET 0x00000040
#define ASC_REQ_ALLOCATE_MEMORY 0x00000100
#define ASC_REQ_USE_DCE_STYLE 0x00000200
#define ASC_REQ_DATAGRAM 0x00000400
#define ASC_REQ_CONNECTION 0x00000800
#define ASC_REQ_CALL_LEVEL 0x00001000
#define ASC_REQ_FRAGMENT_SUPPLIED 0x00002000
#define ASC_REQ_EXTENDED_ERROR 0x00008000
#define ASC_REQ_STREAM 0x00010000
#define ASC_REQ_INTEGRITY 0x00020000
#define ASC_REQ_LICENSING 0x00040000
#define ASC_REQ_IDENTIFY 0x00080000
#define ASC_REQ_ALLOW_NULL_SESSION 0x00100000
#define ASC_REQ_ALLOW_NON_USER_LOGONS 0x00200000
#define ASC_REQ_ALLOW_CONTEXT_REPLAY 0x00400000
#define ASC_REQ_FRAGMENT_TO_FIT 0x00800000
#define ASC_REQ_NO_TOKEN 0x01000000
#define ASC_REQ_PROXY_BINDINGS 0x04000000
#define ASC_REQ_ALLOW_MISSING_BINDINGS 0x10000000
#define ASC_REQ_MESSAGES 0x0000000100000000ULL

#define ASC_RET_DELEGATE 0x00000001
#define ASC_RET_MUTUAL_AUTH 0x00000002
#define ASC_RET_REPLAY_DETECT 0x00000004
#define ASC_RET_SEQUENCE_DETECT 0x00000008
#define ASC_RET_CONFIDENTIALITY 0x00000010
#define ASC_RET_USE_SESSION_KEY 0x00000020
#define ASC_RET_SESSION_TICKET 0x00000040
#define ASC_RET_ALLOCATED_MEMORY 0x00000100
#define ASC_RET_USED_DCE_STYLE 0x00000200
#define ASC_RET_DATAGRAM 0x00000400
#define ASC_RET_CONNECTION 0x00000800
#define ASC_RET_CALL_LEVEL 0x00002000
#define ASC_RET_THIRD_LEG_FAILED 0x00004000
#define ASC_RET_EXTENDED_ERROR 0x00008000
#define ASC_RET_STREAM 0x00010000
#define ASC_RET_INTEGRITY 0x00020000
#define ASC_RET_LICENSING 0x00040000
#define ASC_RET_IDENTIFY 0x00080000
#define ASC_RET_NULL_SESSION 0x00100000
#define ASC_RET_ALLOW_NON_USER_LOGONS 0x00200000
#define ASC_RET_ALLOW_CONTEXT_REPLAY 0x00400000
#define ASC_RET_FRAGMENT_ONLY 0x00800000
#define ASC_RET_NO_TOKEN 0x01000000
#define ASC_RET_NO_ADDITIONAL_TOKEN 0x02000000
#define ASC_RET_MESSAGES 0x0000000100000000ULL

/* ---- Quality of protection ---- */

#define SECQOP_WRAP_NO_ENCRYPT 0x80000001
#define SECQOP_WRAP_OOB_DATA 0x40000000
#define KERB_WRAP_NO_ENCRYPT 0x80000001

/* ---- Context attributes ---- */

#define SECPKG_ATTR_SIZES 0
#define SECPKG_ATTR_NAMES 1
#define SECPKG_ATTR_LIFESPAN 2
#define SECPKG_ATTR_DCE_INFO 3
#define SECPKG_ATTR_STREAM_SIZES 4
#define SECPKG_ATTR_KEY_INFO 5
#define SECPKG_ATTR_AUTHORITY 6
#define SECPKG_ATTR_PROTO_INFO 7
#define SECPKG_ATTR_PASSWORD_EXPIRY 8
#define SECPKG_ATTR_SESSION_KEY 9
#define SECPKG_ATTR_PACKAGE_INFO 10
#define SECPKG_ATTR_USER_FLAGS 11
#define SECPKG_ATTR_NEGOTIATION_INFO 12
#define SECPKG_ATTR_NATIVE_NAMES 13
#define SECPKG_ATTR_FLAGS 14
#define SECPKG_ATTR_USE_VALIDATED 15
#define SECPKG_ATTR_CREDENTIAL_NAME 16
#define SECPKG_ATTR_TARGET_INFORMATION 17
#define SECPKG_ATTR_ACCESS_TOKEN 18
#define SECPKG_ATTR_TARGET 19
#define SECPKG_ATTR_AUTHENTICATION_ID 20
#define SECPKG_ATTR_LOGOFF_TIME 21
#define SECPKG_ATTR_NEGO_KEYS 22
#define SECPKG_ATTR_PROMPTING_NEEDED 24
#define SECPKG_ATTR_UNIQUE_BINDINGS 25
#define SECPKG_ATTR_ENDPOINT_BINDINGS 26
#define SECPKG_ATTR_CLIENT_SPECIFIED_TARGET 27
#define SECPKG_ATTR_LAST_CLIENT_TOKEN_STATUS 30
#define SECPKG_ATTR_NEGO_PKG_INFO 31
#define SECPKG_ATTR_NEGO_STATUS 32
#define SECPKG_ATTR_CONTEXT_DELETED 33
#define SECPKG_ATTR_DTLS_MTU 34
#define SECPKG_ATTR_DATAGRAM_SIZES SECPKG_ATTR_STREAM_SIZES
#define SECPKG_ATTR_SUBJECT_SECURITY_ATTRIBUTES 128
#define SECPKG_ATTR_APPLICATION_PROTOCOL 35
#define SECPKG_ATTR_NEGOTIATED_TLS_EXTENSIONS 36
#define SECPKG_ATTR_IS_LOOPBACK 37

/* SecPkgContext_NegoPackageInfo.PackageMask */
#define SECPKG_ATTR_NEGO_INFO_FLAG_NO_KERBEROS 0x1
#define SECPKG_ATTR_NEGO_INFO_FLAG_NO_NTLM 0x2

#define SECPKG_NEGOTIATION_COMPLETE 0
#define SECPKG_NEGOTIATION_OPTIMISTIC 1
#define SECPKG_NEGOTIATION_IN_PROGRESS 2
#define SECPKG_NEGOTIATION_DIRECT 3
#define SECPKG_NEGOTIATION_TRY_MULTICRED 4

typedef struct _SecPkgContext_Sizes {
	ULONG cbMaxToken;
	ULONG cbMaxSignature;
	ULONG cbBlockSize;
	ULONG cbSecurityTrailer;
} SecPkgContext_Sizes, *PSecPkgContext_Sizes;

typedef struct _SecPkgContext_StreamSizes {
	ULONG cbHeader;
	ULONG cbTrailer;
	ULONG cbMaximumMessage;
	ULONG cBuffers;
	ULONG cbBlockSize;
} SecPkgContext_StreamSizes, *PSecPkgContext_StreamSizes;
typedef SecPkgContext_StreamSizes SecPkgContext_DatagramSizes;
typedef PSecPkgContext_StreamSizes PSecPkgContext_DatagramSizes;

typedef struct _SecPkgContext_NamesA {
	SEC_CHAR *sUserName;
} SecPkgContext_NamesA, *PSecPkgContext_NamesA;
typedef struct _SecPkgContext_NamesW {
	SEC_WCHAR *sUserName;
} SecPkgContext_NamesW, *PSecPkgContext_NamesW;

typedef struct _SecPkgContext_NativeNamesA {
	SEC_CHAR *sClientName;
	SEC_CHAR *sServerName;
} SecPkgContext_NativeNamesA, *PSecPkgContext_NativeNamesA;
typedef struct _SecPkgContext_NativeNamesW {
	SEC_WCHAR *sClientName;
	SEC_WCHAR *sServerName;
} SecPkgContext_NativeNamesW, *PSecPkgContext_NativeNamesW;

typedef struct _SecPkgContext_Lifespan {
	TimeStamp tsStart;
	TimeStamp tsExpiry;
} SecPkgContext_Lifespan, *PSecPkgContext_Lifespan;

typedef struct _SecPkgContext_DceInfo {
	ULONG AuthzSvc;
	void *pPac;
} SecPkgContext_DceInfo, *PSecPkgContext_DceInfo;

typedef struct _SecPkgContext_KeyInfoA {
	SEC_CHAR *sSignatureAlgorithmName;
	SEC_CHAR *sEncryptAlgorithmName;
	ULONG KeySize;
	ULONG SignatureAlgorithm;
	ULONG EncryptAlgorithm;
} SecPkgContext_KeyInfoA, *PSecPkgContext_KeyInfoA;
typedef struct _SecPkgContext_KeyInfoW {
	SEC_WCHAR *sSignatureAlgorithmName;
	SEC_WCHAR *sEncryptAlgorithmName;
	ULONG KeySize;
	ULONG SignatureAlgorithm;
	ULONG EncryptAlgorithm;
} SecPkgContext_KeyInfoW, *PSecPkgContext_KeyInfoW;

typedef struct _SecPkgContext_AuthorityA {
	SEC_CHAR *sAuthorityName;
} SecPkgContext_AuthorityA, *PSecPkgContext_AuthorityA;
typedef struct _SecPkgContext_AuthorityW {
	SEC_WCHAR *sAuthorityName;
} SecPkgContext_AuthorityW, *PSecPkgContext_AuthorityW;

typedef struct _SecPkgContext_ProtoInfoA {
	SEC_CHAR *sProtocolName;
	ULONG majorVersion;
	ULONG minorVersion;
} SecPkgContext_ProtoInfoA, *PSecPkgContext_ProtoInfoA;
typedef struct _SecPkgContext_ProtoInfoW {
	SEC_WCHAR *sProtocolName;
	ULONG majorVersion;
	ULONG minorVersion;
} SecPkgContext_ProtoInfoW, *PSecPkgContext_ProtoInfoW;

typedef struct _SecPkgContext_PasswordExpiry {
	TimeStamp tsPasswordExpires;
} SecPkgContext_PasswordExpiry, *PSecPkgContext_PasswordExpiry;

typedef struct _SecPkgContext_LogoffTime {
	TimeStamp tsLogoffTime;
} SecPkgContext_LogoffTime, *PSecPkgContext_LogoffTime;

typedef struct _SecPkgContext_SessionKey {
	ULONG SessionKeyLength;
	unsigned char *SessionKey;
} SecPkgContext_SessionKey, *PSecPkgContext_SessionKey;

typedef struct _SecPkgContext_PackageInfoA {
	PSecPkgInfoA PackageInfo;
} SecPkgContext_PackageInfoA, *PSecPkgContext_PackageInfoA;
typedef struct _SecPkgContext_PackageInfoW {
	PSecPkgInfoW PackageInfo;
} SecPkgContext_PackageInfoW, *PSecPkgContext_PackageInfoW;

typedef struct _SecPkgContext_UserFlags {
	ULONG UserFlags;
} SecPkgContext_UserFlags, *PSecPkgContext_UserFlags;

typedef struct _SecPkgContext_Flags {
	ULONG Flags;
} SecPkgContext_Flags, *PSecPkgContext_Flags;

typedef struct _SecPkgContext_NegotiationInfoA {
	PSecPkgInfoA PackageInfo;
	ULONG NegotiationState;
} SecPkgContext_NegotiationInfoA, *PSecPkgContext_NegotiationInfoA;
typedef struct _SecPkgContext_NegotiationInfoW {
	PSecPkgInfoW PackageInfo;
	ULONG NegotiationState;
} SecPkgContext_NegotiationInfoW, *PSecPkgContext_NegotiationInfoW;

typedef struct _SecPkgContext_CredentialNameA {
	ULONG CredentialType;
	SEC_CHAR *sCredentialName;
} SecPkgContext_CredentialNameA, *PSecPkgContext_CredentialNameA;
typedef struct _SecPkgContext_CredentialNameW {
	ULONG CredentialType;
	SEC_WCHAR *sCredentialName;
} SecPkgContext_CredentialNameW, *PSecPkgContext_CredentialNameW;

typedef struct _SecPkgContext_AccessToken {
	void *AccessToken;
} SecPkgContext_AccessToken, *PSecPkgContext_AccessToken;

typedef struct _SecPkgContext_TargetInformation {
	ULONG MarshalledTargetInfoLength;
	unsigned char *MarshalledTargetInfo;
} SecPkgContext_TargetInformation, *PSecPkgContext_TargetInformation;

typedef struct _SecPkgContext_Target {
	ULONG TargetLength;
	char *Target;
} SecPkgContext_Target, *PSecPkgContext_Target;

typedef struct _SecPkgContext_AuthenticationId {
	LUID AuthenticationId;
} SecPkgContext_AuthenticationId, *PSecPkgContext_AuthenticationId;

typedef struct _SecPkgContext_Bindings {
	ULONG BindingsLength;
	SEC_CHANNEL_BINDINGS *Bindings;
} SecPkgContext_Bindings, *PSecPkgContext_Bindings;

typedef struct _SecPkgContext_NegoStatus {
	ULONG LastStatus;
} SecPkgContext_NegoStatus, *PSecPkgContext_NegoStatus;

typedef struct _SecPkgContext_SubjectAttributes {
	void *AttributeInfo;
} SecPkgContext_SubjectAttributes, *PSecPkgContext_SubjectAttributes;

typedef enum _SECPKG_CRED_CLASS {
	SecPkgCredClass_None = 0,
	SecPkgCredClass_Ephemeral = 10,
	SecPkgCredClass_PersistedGeneric = 20,
	SecPkgCredClass_PersistedSpecific = 30,
	SecPkgCredClass_Explicit = 40
} SECPKG_CRED_CLASS, *PSECPKG_CRED_CLASS;

typedef struct _SecPkgContext_CredInfo {
	SECPKG_CRED_CLASS CredClass;
	ULONG IsPromptingNeeded;
} SecPkgContext_CredInfo, *PSecPkgContext_CredInfo;

typedef struct _SecPkgContext_NegoPackageInfo {
	ULONG PackageMask;
} SecPkgContext_NegoPackageInfo, *PSecPkgContext_NegoPackageInfo;

typedef enum _SECPKG_ATTR_LCT_STATUS {
	SecPkgAttrLastClientTokenYes,
	SecPkgAttrLastClientTokenNo,
	SecPkgAttrLastClientTokenMaybe
} SECPKG_ATTR_LCT_STATUS, *PSECPKG_ATTR_LCT_STATUS;

typedef struct _SecPkgContext_LastClientTokenStatus {
	SECPKG_ATTR_LCT_STATUS LastClientTokenStatus;
} SecPkgContext_LastClientTokenStatus, *PSecPkgContext_LastClientTokenStatus;

typedef struct _SecPkgContext_NegoKeys {
	ULONG KeyType;
	USHORT KeyLength;
	UCHAR *KeyValue;
	ULONG VerifyKeyType;
	USHORT VerifyKeyLength;
	UCHAR *VerifyKeyValue;
} SecPkgContext_NegoKeys, *PSecPkgContext_NegoKeys;

typedef struct _SecPkgContext_AuthzID {
	ULONG AuthzIDLength;
	char *AuthzID;
} SecPkgContext_AuthzID, *PSecPkgContext_AuthzID;

typedef struct _SecPkgContext_ClientSpecifiedTarget {
	SEC_WCHAR *sTargetName;
} SecPkgContext_ClientSpecifiedTarget, *PSecPkgContext_ClientSpecifiedTarget;

typedef enum _SEC_APPLICATION_PROTOCOL_NEGOTIATION_STATUS {
	SecApplicationProtocolNegotiationStatus_None,
	SecApplicationProtocolNegotiationStatus_Success,
	SecApplicationProtocolNegotiationStatus_SelectedClientOnly
} SEC_APPLICATION_PROTOCOL_NEGOTIATION_STATUS, *PSEC_APPLICATION_PROTOCOL_NEGOTIATION_STATUS;

#define MAX_PROTOCOL_ID_SIZE 0xff
typedef struct _SecPkgContext_ApplicationProtocol {
	SEC_APPLICATION_PROTOCOL_NEGOTIATION_STATUS ProtoNegoStatus;
	SEC_APPLICATION_PROTOCOL_NEGOTIATION_EXT ProtoNegoExt;
	UCHAR ProtocolIdSize;
	UCHAR ProtocolId[MAX_PROTOCOL_ID_SIZE];
} SecPkgContext_ApplicationProtocol, *PSecPkgContext_ApplicationProtocol;

typedef struct _SecPkgContext_NegotiatedTlsExtensions {
	ULONG ExtensionsCount;
	USHORT *Extensions;
} SecPkgContext_NegotiatedTlsExtensions, *PSecPkgContext_NegotiatedTlsExtensions;

/* What a package's user-mode part hands back to the LSA (Windows' package
 * architecture; no such split here). */
typedef struct _SECPKG_APP_MODE_INFO {
	ULONG UserFunction;
	ULONG_PTR Argument1;
	ULONG_PTR Argument2;
	SecBuffer UserData;
	BOOLEAN ReturnToLsa;
} SECPKG_APP_MODE_INFO, *PSECPKG_APP_MODE_INFO;

/* ---- Function types, in the order of the function table ---- */

typedef SECURITY_STATUS(SEC_ENTRY *ENUMERATE_SECURITY_PACKAGES_FN_A)(ULONG *, PSecPkgInfoA *);
typedef SECURITY_STATUS(SEC_ENTRY *ENUMERATE_SECURITY_PACKAGES_FN_W)(ULONG *, PSecPkgInfoW *);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_FN_A)(PCredHandle, ULONG, void *);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_FN_W)(PCredHandle, ULONG, void *);
typedef SECURITY_STATUS(SEC_ENTRY *ACQUIRE_CREDENTIALS_HANDLE_FN_A)(
	SEC_CHAR *, SEC_CHAR *, ULONG, void *, void *, SEC_GET_KEY_FN, void *, PCredHandle,
	PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *ACQUIRE_CREDENTIALS_HANDLE_FN_W)(
	SEC_WCHAR *, SEC_WCHAR *, ULONG, void *, void *, SEC_GET_KEY_FN, void *, PCredHandle,
	PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *FREE_CREDENTIALS_HANDLE_FN)(PCredHandle);
typedef SECURITY_STATUS(SEC_ENTRY *INITIALIZE_SECURITY_CONTEXT_FN_A)(
	PCredHandle, PCtxtHandle, SEC_CHAR *, ULONG, ULONG, ULONG, PSecBufferDesc, ULONG,
	PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *INITIALIZE_SECURITY_CONTEXT_FN_W)(
	PCredHandle, PCtxtHandle, SEC_WCHAR *, ULONG, ULONG, ULONG, PSecBufferDesc, ULONG,
	PCtxtHandle, PSecBufferDesc, ULONG *, PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *ACCEPT_SECURITY_CONTEXT_FN)(PCredHandle, PCtxtHandle,
							       PSecBufferDesc, ULONG, ULONG,
							       PCtxtHandle, PSecBufferDesc,
							       ULONG *, PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *COMPLETE_AUTH_TOKEN_FN)(PCtxtHandle, PSecBufferDesc);
typedef SECURITY_STATUS(SEC_ENTRY *DELETE_SECURITY_CONTEXT_FN)(PCtxtHandle);
typedef SECURITY_STATUS(SEC_ENTRY *APPLY_CONTROL_TOKEN_FN)(PCtxtHandle, PSecBufferDesc);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_FN_A)(PCtxtHandle, ULONG, void *);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_FN_W)(PCtxtHandle, ULONG, void *);
typedef SECURITY_STATUS(SEC_ENTRY *IMPERSONATE_SECURITY_CONTEXT_FN)(PCtxtHandle);
typedef SECURITY_STATUS(SEC_ENTRY *REVERT_SECURITY_CONTEXT_FN)(PCtxtHandle);
typedef SECURITY_STATUS(SEC_ENTRY *MAKE_SIGNATURE_FN)(PCtxtHandle, ULONG, PSecBufferDesc, ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *VERIFY_SIGNATURE_FN)(PCtxtHandle, PSecBufferDesc, ULONG,
							ULONG *);
typedef SECURITY_STATUS(SEC_ENTRY *FREE_CONTEXT_BUFFER_FN)(void *);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_SECURITY_PACKAGE_INFO_FN_A)(SEC_CHAR *, PSecPkgInfoA *);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_SECURITY_PACKAGE_INFO_FN_W)(SEC_WCHAR *, PSecPkgInfoW *);
typedef SECURITY_STATUS(SEC_ENTRY *EXPORT_SECURITY_CONTEXT_FN)(PCtxtHandle, ULONG, PSecBuffer,
							       void **);
typedef SECURITY_STATUS(SEC_ENTRY *IMPORT_SECURITY_CONTEXT_FN_A)(SEC_CHAR *, PSecBuffer, void *,
								 PCtxtHandle);
typedef SECURITY_STATUS(SEC_ENTRY *IMPORT_SECURITY_CONTEXT_FN_W)(SEC_WCHAR *, PSecBuffer, void *,
								 PCtxtHandle);
typedef SECURITY_STATUS(SEC_ENTRY *ADD_CREDENTIALS_FN_A)(PCredHandle, SEC_CHAR *, SEC_CHAR *,
							 ULONG, void *, SEC_GET_KEY_FN, void *,
							 PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *ADD_CREDENTIALS_FN_W)(PCredHandle, SEC_WCHAR *, SEC_WCHAR *,
							 ULONG, void *, SEC_GET_KEY_FN, void *,
							 PTimeStamp);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_SECURITY_CONTEXT_TOKEN_FN)(PCtxtHandle, void **);
typedef SECURITY_STATUS(SEC_ENTRY *ENCRYPT_MESSAGE_FN)(PCtxtHandle, ULONG, PSecBufferDesc, ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *DECRYPT_MESSAGE_FN)(PCtxtHandle, PSecBufferDesc, ULONG,
						       ULONG *);
typedef SECURITY_STATUS(SEC_ENTRY *SET_CONTEXT_ATTRIBUTES_FN_A)(PCtxtHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *SET_CONTEXT_ATTRIBUTES_FN_W)(PCtxtHandle, ULONG, void *, ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *SET_CREDENTIALS_ATTRIBUTES_FN_A)(PCredHandle, ULONG, void *,
								    ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *SET_CREDENTIALS_ATTRIBUTES_FN_W)(PCredHandle, ULONG, void *,
								    ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *CHANGE_PASSWORD_FN_A)(SEC_CHAR *, SEC_CHAR *, SEC_CHAR *,
							 SEC_CHAR *, SEC_CHAR *, BOOLEAN, ULONG,
							 PSecBufferDesc);
typedef SECURITY_STATUS(SEC_ENTRY *CHANGE_PASSWORD_FN_W)(SEC_WCHAR *, SEC_WCHAR *, SEC_WCHAR *,
							 SEC_WCHAR *, SEC_WCHAR *, BOOLEAN, ULONG,
							 PSecBufferDesc);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_EX_FN_A)(PCtxtHandle, ULONG, void *,
								     ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CONTEXT_ATTRIBUTES_EX_FN_W)(PCtxtHandle, ULONG, void *,
								     ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_A)(PCredHandle, ULONG,
									 void *, ULONG);
typedef SECURITY_STATUS(SEC_ENTRY *QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_W)(PCredHandle, ULONG,
									 void *, ULONG);

/* ---- The function tables ---- */

#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION 1
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_2 2
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_3 3
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_4 4
#define SECURITY_SUPPORT_PROVIDER_INTERFACE_VERSION_5 5

/* Slot order and the reserved slots are Windows': callers index into these
 * tables, so nothing may move. Version 5 adds the last two slots. */
typedef struct _SECURITY_FUNCTION_TABLE_A {
	ULONG dwVersion;
	ENUMERATE_SECURITY_PACKAGES_FN_A EnumerateSecurityPackagesA;
	QUERY_CREDENTIALS_ATTRIBUTES_FN_A QueryCredentialsAttributesA;
	ACQUIRE_CREDENTIALS_HANDLE_FN_A AcquireCredentialsHandleA;
	FREE_CREDENTIALS_HANDLE_FN FreeCredentialsHandle;
	void *Reserved2;
	INITIALIZE_SECURITY_CONTEXT_FN_A InitializeSecurityContextA;
	ACCEPT_SECURITY_CONTEXT_FN AcceptSecurityContext;
	COMPLETE_AUTH_TOKEN_FN CompleteAuthToken;
	DELETE_SECURITY_CONTEXT_FN DeleteSecurityContext;
	APPLY_CONTROL_TOKEN_FN ApplyControlToken;
	QUERY_CONTEXT_ATTRIBUTES_FN_A QueryContextAttributesA;
	IMPERSONATE_SECURITY_CONTEXT_FN ImpersonateSecurityContext;
	REVERT_SECURITY_CONTEXT_FN RevertSecurityContext;
	MAKE_SIGNATURE_FN MakeSignature;
	VERIFY_SIGNATURE_FN VerifySignature;
	FREE_CONTEXT_BUFFER_FN FreeContextBuffer;
	QUERY_SECURITY_PACKAGE_INFO_FN_A QuerySecurityPackageInfoA;
	void *Reserved3;
	void *Reserved4;
	EXPORT_SECURITY_CONTEXT_FN ExportSecurityContext;
	IMPORT_SECURITY_CONTEXT_FN_A ImportSecurityContextA;
	ADD_CREDENTIALS_FN_A AddCredentialsA;
	void *Reserved8;
	QUERY_SECURITY_CONTEXT_TOKEN_FN QuerySecurityContextToken;
	ENCRYPT_MESSAGE_FN EncryptMessage;
	DECRYPT_MESSAGE_FN DecryptMessage;
	SET_CONTEXT_ATTRIBUTES_FN_A SetContextAttributesA;
	SET_CREDENTIALS_ATTRIBUTES_FN_A SetCredentialsAttributesA;
	CHANGE_PASSWORD_FN_A ChangeAccountPasswordA;
	QUERY_CONTEXT_ATTRIBUTES_EX_FN_A QueryContextAttributesExA;
	QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_A QueryCredentialsAttributesExA;
} SecurityFunctionTableA, *PSecurityFunctionTableA;

typedef struct _SECURITY_FUNCTION_TABLE_W {
	ULONG dwVersion;
	ENUMERATE_SECURITY_PACKAGES_FN_W EnumerateSecurityPackagesW;
	QUERY_CREDENTIALS_ATTRIBUTES_FN_W QueryCredentialsAttributesW;
	ACQUIRE_CREDENTIALS_HANDLE_FN_W AcquireCredentialsHandleW;
	FREE_CREDENTIALS_HANDLE_FN FreeCredentialsHandle;
	void *Reserved2;
	INITIALIZE_SECURITY_CONTEXT_FN_W InitializeSecurityContextW;
	ACCEPT_SECURITY_CONTEXT_FN AcceptSecurityContext;
	COMPLETE_AUTH_TOKEN_FN CompleteAuthToken;
	DELETE_SECURITY_CONTEXT_FN DeleteSecurityContext;
	APPLY_CONTROL_TOKEN_FN ApplyControlToken;
	QUERY_CONTEXT_ATTRIBUTES_FN_W QueryContextAttributesW;
	IMPERSONATE_SECURITY_CONTEXT_FN ImpersonateSecurityContext;
	REVERT_SECURITY_CONTEXT_FN RevertSecurityContext;
	MAKE_SIGNATURE_FN MakeSignature;
	VERIFY_SIGNATURE_FN VerifySignature;
	FREE_CONTEXT_BUFFER_FN FreeContextBuffer;
	QUERY_SECURITY_PACKAGE_INFO_FN_W QuerySecurityPackageInfoW;
	void *Reserved3;
	void *Reserved4;
	EXPORT_SECURITY_CONTEXT_FN ExportSecurityContext;
	IMPORT_SECURITY_CONTEXT_FN_W ImportSecurityContextW;
	ADD_CREDENTIALS_FN_W AddCredentialsW;
	void *Reserved8;
	QUERY_SECURITY_CONTEXT_TOKEN_FN QuerySecurityContextToken;
	ENCRYPT_MESSAGE_FN EncryptMessage;
	DECRYPT_MESSAGE_FN DecryptMessage;
	SET_CONTEXT_ATTRIBUTES_FN_W SetContextAttributesW;
	SET_CREDENTIALS_ATTRIBUTES_FN_W SetCredentialsAttributesW;
	CHANGE_PASSWORD_FN_W ChangeAccountPasswordW;
	QUERY_CONTEXT_ATTRIBUTES_EX_FN_W QueryContextAttributesExW;
	QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_W QueryCredentialsAttributesExW;
} SecurityFunctionTableW, *PSecurityFunctionTableW;

typedef PSecurityFunctionTableA(SEC_ENTRY *INIT_SECURITY_INTERFACE_A)(void);
typedef PSecurityFunctionTableW(SEC_ENTRY *INIT_SECURITY_INTERFACE_W)(void);

#define SECURITY_ENTRYPOINT_ANSIA "InitSecurityInterfaceA"
#define SECURITY_ENTRYPOINT_ANSIW "InitSecurityInterfaceW"

/* ---- Prototypes ---- */

/* Returns the library's static table; it is never freed. */
SSPI_GSS_API PSecurityFunctionTableA SEC_ENTRY InitSecurityInterfaceA(void);
SSPI_GSS_API PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceW(void);

/* *ppPackageInfo is one allocation, freed with FreeContextBuffer. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesA(ULONG *pcPackages,
								  PSecPkgInfoA *ppPackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesW(ULONG *pcPackages,
								  PSecPkgInfoW *ppPackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoA(SEC_CHAR *pszPackageName,
								 PSecPkgInfoA *ppPackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoW(SEC_WCHAR *pszPackageName,
								 PSecPkgInfoW *ppPackageInfo);

SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleA(
	SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage, ULONG fCredentialUse, void *pvLogonId,
	void *pAuthData, SEC_GET_KEY_FN pGetKeyFn, void *pvGetKeyArgument, PCredHandle phCredential,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(
	SEC_WCHAR *pszPrincipal, SEC_WCHAR *pszPackage, ULONG fCredentialUse, void *pvLogonId,
	void *pAuthData, SEC_GET_KEY_FN pGetKeyFn, void *pvGetKeyArgument, PCredHandle phCredential,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle phCredential);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AddCredentialsA(PCredHandle hCredentials,
						       SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage,
						       ULONG fCredentialUse, void *pAuthData,
						       SEC_GET_KEY_FN pGetKeyFn,
						       void *pvGetKeyArgument, PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AddCredentialsW(PCredHandle hCredentials,
						       SEC_WCHAR *pszPrincipal,
						       SEC_WCHAR *pszPackage, ULONG fCredentialUse,
						       void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
						       void *pvGetKeyArgument, PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesA(PCredHandle phCredential,
								   ULONG ulAttribute, void *pBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle phCredential,
								   ULONG ulAttribute, void *pBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExA(PCredHandle phCredential,
								     ULONG ulAttribute,
								     void *pBuffer, ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExW(PCredHandle phCredential,
								     ULONG ulAttribute,
								     void *pBuffer, ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesA(PCredHandle phCredential,
								 ULONG ulAttribute, void *pBuffer,
								 ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesW(PCredHandle phCredential,
								 ULONG ulAttribute, void *pBuffer,
								 ULONG cbBuffer);

SSPI_GSS_API SECURITY_STATUS SEC_ENTRY InitializeSecurityContextA(
	PCredHandle phCredential, PCtxtHandle phContext, SEC_CHAR *pszTargetName,
	ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput,
	ULONG Reserved2, PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY InitializeSecurityContextW(
	PCredHandle phCredential, PCtxtHandle phContext, SEC_WCHAR *pszTargetName,
	ULONG fContextReq, ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput,
	ULONG Reserved2, PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AcceptSecurityContext(
	PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput, ULONG fContextReq,
	ULONG TargetDataRep, PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY CompleteAuthToken(PCtxtHandle phContext,
							 PSecBufferDesc pToken);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ApplyControlToken(PCtxtHandle phContext,
							 PSecBufferDesc pInput);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY DeleteSecurityContext(PCtxtHandle phContext);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext,
								 void **Token);

SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryContextAttributesA(PCtxtHandle phContext,
							       ULONG ulAttribute, void *pBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryContextAttributesW(PCtxtHandle phContext,
							       ULONG ulAttribute, void *pBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryContextAttributesExA(PCtxtHandle phContext,
								 ULONG ulAttribute, void *pBuffer,
								 ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY QueryContextAttributesExW(PCtxtHandle phContext,
								 ULONG ulAttribute, void *pBuffer,
								 ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SetContextAttributesA(PCtxtHandle phContext,
							     ULONG ulAttribute, void *pBuffer,
							     ULONG cbBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SetContextAttributesW(PCtxtHandle phContext,
							     ULONG ulAttribute, void *pBuffer,
							     ULONG cbBuffer);

SSPI_GSS_API SECURITY_STATUS SEC_ENTRY MakeSignature(PCtxtHandle phContext, ULONG fQOP,
						     PSecBufferDesc pMessage, ULONG MessageSeqNo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY VerifySignature(PCtxtHandle phContext,
						       PSecBufferDesc pMessage,
						       ULONG MessageSeqNo, ULONG *pfQOP);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY EncryptMessage(PCtxtHandle phContext, ULONG fQOP,
						      PSecBufferDesc pMessage, ULONG MessageSeqNo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY DecryptMessage(PCtxtHandle phContext,
						      PSecBufferDesc pMessage, ULONG MessageSeqNo,
						      ULONG *pfQOP);

/* The packed context is allocated by the library: free pPackedContext->pvBuffer
 * with FreeContextBuffer. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ExportSecurityContext(PCtxtHandle phContext, ULONG fFlags,
							     PSecBuffer pPackedContext,
							     void **pToken);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ImportSecurityContextA(SEC_CHAR *pszPackage,
							      PSecBuffer pPackedContext,
							      void *Token, PCtxtHandle phContext);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ImportSecurityContextW(SEC_WCHAR *pszPackage,
							      PSecBuffer pPackedContext,
							      void *Token, PCtxtHandle phContext);

SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordA(
	SEC_CHAR *pszPackageName, SEC_CHAR *pszDomainName, SEC_CHAR *pszAccountName,
	SEC_CHAR *pszOldPassword, SEC_CHAR *pszNewPassword, BOOLEAN bImpersonating,
	ULONG dwReserved, PSecBufferDesc pOutput);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY ChangeAccountPasswordW(
	SEC_WCHAR *pszPackageName, SEC_WCHAR *pszDomainName, SEC_WCHAR *pszAccountName,
	SEC_WCHAR *pszOldPassword, SEC_WCHAR *pszNewPassword, BOOLEAN bImpersonating,
	ULONG dwReserved, PSecBufferDesc pOutput);

/* Frees any buffer the library allocated for the caller. NULL is accepted. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY FreeContextBuffer(void *pvContextBuffer);

#define EXPORT_SECURITY_CONTEXT_FLAGS_NONE 0x0
#define SECPKG_CONTEXT_EXPORT_RESET_NEW 0x00000001
#define SECPKG_CONTEXT_EXPORT_DELETE_OLD 0x00000002
#define SECPKG_CONTEXT_EXPORT_TO_KERNEL 0x00000004

/* FreeCredentialsHandle under the name every SDK also gives it. */
#define FreeCredentialHandle FreeCredentialsHandle

/* The library names of InitSecurityInterface, for dlsym; the SEC_TEXT
 * forms are Windows' TCHAR spellings. */
#define SECURITY_ENTRYPOINTA SEC_TEXT("InitSecurityInterfaceA")
#define SECURITY_ENTRYPOINTW SEC_TEXT("InitSecurityInterfaceW")
#define SECURITY_ENTRYPOINT16 "INITSECURITYINTERFACEA"

/* ---- Delegation to a named target (DelegateSecurityContext) ---- */

typedef enum _SecDelegationType {
	SecFull,
	SecService,
	SecTree,
	SecDirectory,
	SecObject
} SecDelegationType, *PSecDelegationType;

/* Not provided (Kerberos delegates with ISC_REQ_DELEGATE):
 * SEC_E_UNSUPPORTED_FUNCTION. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY DelegateSecurityContext(PCtxtHandle phContext,
							       SEC_CHAR *pszTarget,
							       SecDelegationType DelegationType,
							       PTimeStamp pExpiry,
							       PSecBuffer pPackageParameters,
							       PSecBufferDesc pOutput);

/* ---- Installing packages (AddSecurityPackage) ---- */

typedef struct _SECURITY_PACKAGE_OPTIONS {
	ULONG Size;
	ULONG Type;
	ULONG Flags;
	ULONG SignatureSize;
	void *Signature;
} SECURITY_PACKAGE_OPTIONS, *PSECURITY_PACKAGE_OPTIONS;

#define SECPKG_OPTIONS_TYPE_UNKNOWN 0
#define SECPKG_OPTIONS_TYPE_LSA 1
#define SECPKG_OPTIONS_TYPE_SSPI 2
#define SECPKG_OPTIONS_PERMANENT 0x00000001

/* The packages are built in: SEC_E_UNSUPPORTED_FUNCTION. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AddSecurityPackageA(LPSTR pszPackageName,
							   PSECURITY_PACKAGE_OPTIONS pOptions);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY AddSecurityPackageW(LPWSTR pszPackageName,
							   PSECURITY_PACKAGE_OPTIONS pOptions);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY DeleteSecurityPackageA(SEC_CHAR *pszPackageName);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY DeleteSecurityPackageW(SEC_WCHAR *pszPackageName);

/* ---- SASL (Windows' SASL layer over the packages) ---- */

#define SASL_OPTION_SEND_SIZE 1
#define SASL_OPTION_RECV_SIZE 2
#define SASL_OPTION_AUTHZ_STRING 3
#define SASL_OPTION_AUTHZ_PROCESSING 4

typedef enum _SASL_AUTHZID_STATE {
	Sasl_AuthZIDForbidden,
	Sasl_AuthZIDProcessed
} SASL_AUTHZID_STATE;

/* Not provided: SEC_E_UNSUPPORTED_FUNCTION (docs/porting.md). */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslEnumerateProfilesA(LPSTR *ProfileList,
							      ULONG *ProfileCount);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslEnumerateProfilesW(LPWSTR *ProfileList,
							      ULONG *ProfileCount);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslGetProfilePackageA(LPSTR ProfileName,
							      PSecPkgInfoA *PackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslGetProfilePackageW(LPWSTR ProfileName,
							      PSecPkgInfoW *PackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslIdentifyPackageA(PSecBufferDesc pInput,
							    PSecPkgInfoA *PackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslIdentifyPackageW(PSecBufferDesc pInput,
							    PSecPkgInfoW *PackageInfo);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslInitializeSecurityContextA(
	PCredHandle phCredential, PCtxtHandle phContext, LPSTR pszTargetName, ULONG fContextReq,
	ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
	PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslInitializeSecurityContextW(
	PCredHandle phCredential, PCtxtHandle phContext, LPWSTR pszTargetName, ULONG fContextReq,
	ULONG Reserved1, ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
	PCtxtHandle phNewContext, PSecBufferDesc pOutput, ULONG *pfContextAttr,
	PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslAcceptSecurityContext(
	PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput, ULONG fContextReq,
	ULONG TargetDataRep, PCtxtHandle phNewContext, PSecBufferDesc pOutput,
	ULONG *pfContextAttr, PTimeStamp ptsExpiry);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslSetContextOption(PCtxtHandle ContextHandle,
							    ULONG Option, PVOID Value, ULONG Size);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SaslGetContextOption(PCtxtHandle ContextHandle,
							    ULONG Option, PVOID Value, ULONG Size,
							    PULONG Needed);

/* ---- The identity helpers (identity-helpers.c, docs/porting.md) ----
 *
 * An opaque identity is any SEC_WINNT_AUTH_IDENTITY_A/W/EXA/EXW/EX2. The
 * ones these functions make are one allocation each (strings inside),
 * freed with SspiFreeAuthIdentity; strings they hand out are freed with
 * SspiLocalFree. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiEncodeStringsAsAuthIdentity(
	PCWSTR pszUserName, PCWSTR pszDomainName, PCWSTR pszPackedCredentialsString,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiEncodeAuthIdentityAsStrings(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE pAuthIdentity, PCWSTR *ppszUserName,
	PCWSTR *ppszDomainName, PCWSTR *ppszPackedCredentialsString);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiValidateAuthIdentity(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiCopyAuthIdentity(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData, PSEC_WINNT_AUTH_IDENTITY_OPAQUE *AuthDataCopy);
SSPI_GSS_API VOID SEC_ENTRY SspiFreeAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData);
SSPI_GSS_API VOID SEC_ENTRY SspiZeroAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData);
SSPI_GSS_API VOID SEC_ENTRY SspiLocalFree(PVOID DataBuffer);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiCompareAuthIdentities(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity1, PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity2,
	PBOOLEAN SameSuppliedUser, PBOOLEAN SameSuppliedIdentity);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiMarshalAuthIdentity(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity, ULONG *AuthIdentityLength,
	char **AuthIdentityByteArray);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiUnmarshalAuthIdentity(
	ULONG AuthIdentityLength, char *AuthIdentityByteArray,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity);
SSPI_GSS_API BOOLEAN SEC_ENTRY SspiIsPromptingNeeded(ULONG ErrorOrNtStatus);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiGetTargetHostName(PCWSTR pszTargetName,
							     PWSTR *pszHostName);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiExcludePackage(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity, PCWSTR pszPackageName,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppNewAuthIdentity);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiEncryptAuthIdentity(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiEncryptAuthIdentityEx(
	ULONG Options, PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiDecryptAuthIdentity(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE EncryptedAuthData);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiDecryptAuthIdentityEx(
	ULONG Options, PSEC_WINNT_AUTH_IDENTITY_OPAQUE EncryptedAuthData);
SSPI_GSS_API BOOLEAN SEC_ENTRY SspiIsAuthIdentityEncrypted(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE EncryptedAuthData);
/* pUiInfo is PCREDUI_INFOA/W on Windows; no dialog here (docs/porting.md):
 * a prompt on the terminal when there is one. Returns a Win32 error. */
SSPI_GSS_API ULONG SEC_ENTRY SspiPromptForCredentialsA(
	PCSTR pszTargetName, PVOID pUiInfo, ULONG dwAuthError, PCSTR pszPackage,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE pInputAuthIdentity,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity, int *pfSave, ULONG dwFlags);
SSPI_GSS_API ULONG SEC_ENTRY SspiPromptForCredentialsW(
	PCWSTR pszTargetName, PVOID pUiInfo, ULONG dwAuthError, PCWSTR pszPackage,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE pInputAuthIdentity,
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity, int *pfSave, ULONG dwFlags);
/* Windows Credential Manager: the target, user name and blob a program
 * would store or look up there for this identity. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiPrepareForCredRead(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity, PCWSTR pszTargetName,
	PULONG pCredmanCredentialType, PCWSTR *ppszCredmanTargetName);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiPrepareForCredWrite(
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity, PCWSTR pszTargetName,
	PULONG pCredmanCredentialType, PCWSTR *ppszCredmanTargetName,
	PCWSTR *ppszCredmanUserName, PUCHAR *ppCredentialBlob, PULONG pCredentialBlobSize);
/* Windows' credential UI internals: SEC_E_UNSUPPORTED_FUNCTION. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiGetCredUIContext(
	HANDLE ContextHandle, GUID *CredType, LUID *LogonId,
	PSEC_WINNT_CREDUI_CONTEXT_VECTOR *CredUIContexts, HANDLE *TokenHandle);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiUpdateCredentials(HANDLE ContextHandle,
							     GUID *CredType,
							     ULONG FlatCredUIContextLength,
							     PUCHAR FlatCredUIContext);
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiUnmarshalCredUIContext(
	PUCHAR MarshaledCredUIContext, ULONG MarshaledCredUIContextLength,
	PSEC_WINNT_CREDUI_CONTEXT *CredUIContext);

/* ---- UNICODE mapping ---- */

#ifdef UNICODE
#define SecPkgInfo SecPkgInfoW
#define PSecPkgInfo PSecPkgInfoW
#define SecPkgCredentials_Names SecPkgCredentials_NamesW
#define PSecPkgCredentials_Names PSecPkgCredentials_NamesW
#define SecPkgContext_Names SecPkgContext_NamesW
#define PSecPkgContext_Names PSecPkgContext_NamesW
#define SecPkgContext_NativeNames SecPkgContext_NativeNamesW
#define PSecPkgContext_NativeNames PSecPkgContext_NativeNamesW
#define SecPkgContext_KeyInfo SecPkgContext_KeyInfoW
#define PSecPkgContext_KeyInfo PSecPkgContext_KeyInfoW
#define SecPkgContext_Authority SecPkgContext_AuthorityW
#define PSecPkgContext_Authority PSecPkgContext_AuthorityW
#define SecPkgContext_ProtoInfo SecPkgContext_ProtoInfoW
#define PSecPkgContext_ProtoInfo PSecPkgContext_ProtoInfoW
#define SecPkgContext_PackageInfo SecPkgContext_PackageInfoW
#define PSecPkgContext_PackageInfo PSecPkgContext_PackageInfoW
#define SecPkgContext_NegotiationInfo SecPkgContext_NegotiationInfoW
#define PSecPkgContext_NegotiationInfo PSecPkgContext_NegotiationInfoW
#define SecPkgContext_CredentialName SecPkgContext_CredentialNameW
#define PSecPkgContext_CredentialName PSecPkgContext_CredentialNameW
#define SEC_WINNT_AUTH_IDENTITY SEC_WINNT_AUTH_IDENTITY_W
#define PSEC_WINNT_AUTH_IDENTITY PSEC_WINNT_AUTH_IDENTITY_W
#define SEC_WINNT_AUTH_IDENTITY_EX SEC_WINNT_AUTH_IDENTITY_EXW
#define PSEC_WINNT_AUTH_IDENTITY_EX PSEC_WINNT_AUTH_IDENTITY_EXW
#define SecurityFunctionTable SecurityFunctionTableW
#define PSecurityFunctionTable PSecurityFunctionTableW
#define INIT_SECURITY_INTERFACE INIT_SECURITY_INTERFACE_W
#define SECURITY_ENTRYPOINT SECURITY_ENTRYPOINT_ANSIW
#define NEGOSSP_NAME NEGOSSP_NAME_W
#define MICROSOFT_KERBEROS_NAME MICROSOFT_KERBEROS_NAME_W
#define NTLMSP_NAME NTLMSP_NAME_W
#define InitSecurityInterface InitSecurityInterfaceW
#define EnumerateSecurityPackages EnumerateSecurityPackagesW
#define QuerySecurityPackageInfo QuerySecurityPackageInfoW
#define AcquireCredentialsHandle AcquireCredentialsHandleW
#define AddCredentials AddCredentialsW
#define QueryCredentialsAttributes QueryCredentialsAttributesW
#define QueryCredentialsAttributesEx QueryCredentialsAttributesExW
#define SetCredentialsAttributes SetCredentialsAttributesW
#define InitializeSecurityContext InitializeSecurityContextW
#define QueryContextAttributes QueryContextAttributesW
#define QueryContextAttributesEx QueryContextAttributesExW
#define SetContextAttributes SetContextAttributesW
#define ImportSecurityContext ImportSecurityContextW
#define ChangeAccountPassword ChangeAccountPasswordW
#define ENUMERATE_SECURITY_PACKAGES_FN ENUMERATE_SECURITY_PACKAGES_FN_W
#define QUERY_CREDENTIALS_ATTRIBUTES_FN QUERY_CREDENTIALS_ATTRIBUTES_FN_W
#define ACQUIRE_CREDENTIALS_HANDLE_FN ACQUIRE_CREDENTIALS_HANDLE_FN_W
#define INITIALIZE_SECURITY_CONTEXT_FN INITIALIZE_SECURITY_CONTEXT_FN_W
#define QUERY_CONTEXT_ATTRIBUTES_FN QUERY_CONTEXT_ATTRIBUTES_FN_W
#define QUERY_SECURITY_PACKAGE_INFO_FN QUERY_SECURITY_PACKAGE_INFO_FN_W
#define IMPORT_SECURITY_CONTEXT_FN IMPORT_SECURITY_CONTEXT_FN_W
#define ADD_CREDENTIALS_FN ADD_CREDENTIALS_FN_W
#define SET_CONTEXT_ATTRIBUTES_FN SET_CONTEXT_ATTRIBUTES_FN_W
#define SET_CREDENTIALS_ATTRIBUTES_FN SET_CREDENTIALS_ATTRIBUTES_FN_W
#define CHANGE_PASSWORD_FN CHANGE_PASSWORD_FN_W
#define QUERY_CONTEXT_ATTRIBUTES_EX_FN QUERY_CONTEXT_ATTRIBUTES_EX_FN_W
#define QUERY_CREDENTIALS_ATTRIBUTES_EX_FN QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_W
#define SecPkgCredentials_SSIProvider SecPkgCredentials_SSIProviderW
#define PSecPkgCredentials_SSIProvider PSecPkgCredentials_SSIProviderW
#define CLOUDAP_NAME CLOUDAP_NAME_W
#define SECURITY_ENTRYPOINT_ANSI SECURITY_ENTRYPOINT_ANSIW
#define AddSecurityPackage AddSecurityPackageW
#define DeleteSecurityPackage DeleteSecurityPackageW
#define SaslEnumerateProfiles SaslEnumerateProfilesW
#define SaslGetProfilePackage SaslGetProfilePackageW
#define SaslIdentifyPackage SaslIdentifyPackageW
#define SaslInitializeSecurityContext SaslInitializeSecurityContextW
#define SspiPromptForCredentials SspiPromptForCredentialsW
typedef SEC_WCHAR *SECURITY_PSTR;
typedef const SEC_WCHAR *SECURITY_PCSTR;
#else
#define SecPkgInfo SecPkgInfoA
#define PSecPkgInfo PSecPkgInfoA
#define SecPkgCredentials_Names SecPkgCredentials_NamesA
#define PSecPkgCredentials_Names PSecPkgCredentials_NamesA
#define SecPkgContext_Names SecPkgContext_NamesA
#define PSecPkgContext_Names PSecPkgContext_NamesA
#define SecPkgContext_NativeNames SecPkgContext_NativeNamesA
#define PSecPkgContext_NativeNames PSecPkgContext_NativeNamesA
#define SecPkgContext_KeyInfo SecPkgContext_KeyInfoA
#define PSecPkgContext_KeyInfo PSecPkgContext_KeyInfoA
#define SecPkgContext_Authority SecPkgContext_AuthorityA
#define PSecPkgContext_Authority PSecPkgContext_AuthorityA
#define SecPkgContext_ProtoInfo SecPkgContext_ProtoInfoA
#define PSecPkgContext_ProtoInfo PSecPkgContext_ProtoInfoA
#define SecPkgContext_PackageInfo SecPkgContext_PackageInfoA
#define PSecPkgContext_PackageInfo PSecPkgContext_PackageInfoA
#define SecPkgContext_NegotiationInfo SecPkgContext_NegotiationInfoA
#define PSecPkgContext_NegotiationInfo PSecPkgContext_NegotiationInfoA
#define SecPkgContext_CredentialName SecPkgContext_CredentialNameA
#define PSecPkgContext_CredentialName PSecPkgContext_CredentialNameA
#define SEC_WINNT_AUTH_IDENTITY SEC_WINNT_AUTH_IDENTITY_A
#define PSEC_WINNT_AUTH_IDENTITY PSEC_WINNT_AUTH_IDENTITY_A
#define SEC_WINNT_AUTH_IDENTITY_EX SEC_WINNT_AUTH_IDENTITY_EXA
#define PSEC_WINNT_AUTH_IDENTITY_EX PSEC_WINNT_AUTH_IDENTITY_EXA
#define SecurityFunctionTable SecurityFunctionTableA
#define PSecurityFunctionTable PSecurityFunctionTableA
#define INIT_SECURITY_INTERFACE INIT_SECURITY_INTERFACE_A
#define SECURITY_ENTRYPOINT SECURITY_ENTRYPOINT_ANSIA
#define NEGOSSP_NAME NEGOSSP_NAME_A
#define MICROSOFT_KERBEROS_NAME MICROSOFT_KERBEROS_NAME_A
#define NTLMSP_NAME NTLMSP_NAME_A
#define InitSecurityInterface InitSecurityInterfaceA
#define EnumerateSecurityPackages EnumerateSecurityPackagesA
#define QuerySecurityPackageInfo QuerySecurityPackageInfoA
#define AcquireCredentialsHandle AcquireCredentialsHandleA
#define AddCredentials AddCredentialsA
#define QueryCredentialsAttributes QueryCredentialsAttributesA
#define QueryCredentialsAttributesEx QueryCredentialsAttributesExA
#define SetCredentialsAttributes SetCredentialsAttributesA
#define InitializeSecurityContext InitializeSecurityContextA
#define QueryContextAttributes QueryContextAttributesA
#define QueryContextAttributesEx QueryContextAttributesExA
#define SetContextAttributes SetContextAttributesA
#define ImportSecurityContext ImportSecurityContextA
#define ChangeAccountPassword ChangeAccountPasswordA
#define ENUMERATE_SECURITY_PACKAGES_FN ENUMERATE_SECURITY_PACKAGES_FN_A
#define QUERY_CREDENTIALS_ATTRIBUTES_FN QUERY_CREDENTIALS_ATTRIBUTES_FN_A
#define ACQUIRE_CREDENTIALS_HANDLE_FN ACQUIRE_CREDENTIALS_HANDLE_FN_A
#define INITIALIZE_SECURITY_CONTEXT_FN INITIALIZE_SECURITY_CONTEXT_FN_A
#define QUERY_CONTEXT_ATTRIBUTES_FN QUERY_CONTEXT_ATTRIBUTES_FN_A
#define QUERY_SECURITY_PACKAGE_INFO_FN QUERY_SECURITY_PACKAGE_INFO_FN_A
#define IMPORT_SECURITY_CONTEXT_FN IMPORT_SECURITY_CONTEXT_FN_A
#define ADD_CREDENTIALS_FN ADD_CREDENTIALS_FN_A
#define SET_CONTEXT_ATTRIBUTES_FN SET_CONTEXT_ATTRIBUTES_FN_A
#define SET_CREDENTIALS_ATTRIBUTES_FN SET_CREDENTIALS_ATTRIBUTES_FN_A
#define CHANGE_PASSWORD_FN CHANGE_PASSWORD_FN_A
#define QUERY_CONTEXT_ATTRIBUTES_EX_FN QUERY_CONTEXT_ATTRIBUTES_EX_FN_A
#define QUERY_CREDENTIALS_ATTRIBUTES_EX_FN QUERY_CREDENTIALS_ATTRIBUTES_EX_FN_A
#define SecPkgCredentials_SSIProvider SecPkgCredentials_SSIProviderA
#define PSecPkgCredentials_SSIProvider PSecPkgCredentials_SSIProviderA
#define CLOUDAP_NAME CLOUDAP_NAME_A
#define SECURITY_ENTRYPOINT_ANSI SECURITY_ENTRYPOINT_ANSIA
#define AddSecurityPackage AddSecurityPackageA
#define DeleteSecurityPackage DeleteSecurityPackageA
#define SaslEnumerateProfiles SaslEnumerateProfilesA
#define SaslGetProfilePackage SaslGetProfilePackageA
#define SaslIdentifyPackage SaslIdentifyPackageA
#define SaslInitializeSecurityContext SaslInitializeSecurityContextA
#define SspiPromptForCredentials SspiPromptForCredentialsA
typedef SEC_CHAR *SECURITY_PSTR;
typedef const SEC_CHAR *SECURITY_PCSTR;
#endif

#ifdef __cplusplus
}
#endif

/* SDK-literal unsigned long * out-arguments (SSPI_GSS_NO_ULONG_ADAPTERS
 * turns this off). */
#include "sspi-gss-ulong.h"

#endif /* SSPI_GSS_SSPI_H */
