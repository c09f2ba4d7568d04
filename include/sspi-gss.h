/*
 * sspi-gss.h - sspi-gss's own additions to the SSPI surface.
 *
 * Everything here is named SspiGss*; none of it exists on Windows. Include it
 * after <sspi.h> (it includes it itself).
 */
#ifndef SSPI_GSS_EXTENSIONS_H
#define SSPI_GSS_EXTENSIONS_H

#include "sspi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SSPI_GSS_VERSION_MAJOR 0
#define SSPI_GSS_VERSION_MINOR 1
#define SSPI_GSS_VERSION_PATCH 0

/* FreeRDP WinPR's names for InitSecurityInterfaceA/W (exported so that
 * programs built against WinPR can take this library with LD_PRELOAD);
 * flags are ignored. */
SSPI_GSS_API PSecurityFunctionTableA SEC_ENTRY InitSecurityInterfaceExA(DWORD flags);
SSPI_GSS_API PSecurityFunctionTableW SEC_ENTRY InitSecurityInterfaceExW(DWORD flags);

/* The library's version as "MAJOR.MINOR.PATCH"; a static string. */
SSPI_GSS_API const char *SspiGssVersion(void);

/* How one SSPI package is carried out on this machine. */
typedef struct _SSPI_GSS_PACKAGE_MECH {
	const char *PackageName; /* "Negotiate", "Kerberos", "NTLM" */
	const char *MechOid;     /* dotted GSS-API mechanism OID */
	const char *Backend;     /* what implements it, in words */
	ULONG Available;         /* nonzero when it can be used now */
	const char *Reason;      /* when not available: why, in words */
} SSPI_GSS_PACKAGE_MECH, *PSSPI_GSS_PACKAGE_MECH;

/*
 * Describes the package named pszPackageName (case-insensitive, as SSPI package
 * names are). The strings in *pMech are static and must not be freed.
 * Returns SEC_E_SECPKG_NOT_FOUND for an unknown name and SEC_E_INVALID_PARAMETER
 * for NULL arguments.
 */
SSPI_GSS_API SECURITY_STATUS SspiGssQueryPackageMech(const char *pszPackageName,
						     PSSPI_GSS_PACKAGE_MECH pMech);

/*
 * Checks that Heimdal's GSS-API and Kerberos libraries can be used: the
 * Kerberos configuration parses and the GSS-API mechanisms are present. On
 * failure returns an error status and, when pszReason is not NULL, points it
 * at a static description of the problem.
 */
SSPI_GSS_API SECURITY_STATUS SspiGssCheckMechanisms(const char **pszReason);

/* The Windows domain this machine is in, as Samba's winbind sees it
 * (docs/active-directory.md): whether winbind answers, the domain's NetBIOS
 * and DNS names, whether a domain controller answers. A one-line report in
 * English goes into Report (ReportSize bytes, NUL-terminated, may be
 * cut). SEC_E_OK: winbind and a DC answer; SEC_E_NO_AUTHENTICATING_AUTHORITY:
 * one of them does not (not in a domain, winbindd stopped, DC down);
 * SEC_E_UNSUPPORTED_FUNCTION: built without libwbclient;
 * SEC_E_INVALID_PARAMETER: no Report. */
SSPI_GSS_API SECURITY_STATUS SspiGssCheckDomain(char *Report, unsigned long ReportSize);

/* The KDC proxy this process would use (SSPI_GSS_KDC_PROXY, else krb5.conf's
 * [sspi-gss] kdc_proxy; docs/kerberos.md "Through a KDC proxy"), asked
 * about the default realm: an AS-REQ POSTed to it, and whether a KDC
 * answered behind it. A one-line report in English goes into Report
 * (ReportSize bytes, NUL-terminated, may be cut): the URL, FORCEPROXY, what
 * the KDC said, the server's certificate (subject, issuer, end). SEC_E_OK:
 * the proxy and a KDC behind it answer, or no proxy is set (the report
 * says "none set"); SEC_E_NO_AUTHENTICATING_AUTHORITY: it does not answer
 * (the reason: connection, TLS, certificate, HTTP status, reply);
 * SEC_E_UNSUPPORTED_FUNCTION: built without libcurl;
 * SEC_E_INVALID_PARAMETER: no Report. */
SSPI_GSS_API SECURITY_STATUS SspiGssCheckKdcProxy(char *Report, unsigned long ReportSize);

/* The symbolic name of a status code ("SEC_E_LOGON_DENIED"), or NULL when the
 * code is unknown. A static string. */
SSPI_GSS_API const char *SspiGssStatusName(SECURITY_STATUS Status);

/* A one-line English description of a status code; a static string, never
 * NULL. */
SSPI_GSS_API const char *SspiGssStatusText(SECURITY_STATUS Status);

/* The underlying mechanism's own message for the last SEC_E_* status that a
 * mechanism (Heimdal's GSS-API) produced in the calling thread, e.g.
 * "Client (nobody@SSPI.TEST) unknown; No credentials were supplied, ...".
 * Thread-local; kept until the next such failure in the thread; "" when
 * there was none. Failures decided by sspi-gss itself (bad parameters,
 * bad handles) do not change it. Never NULL; valid until the thread's next
 * SSPI call. */
SSPI_GSS_API const char *SspiGssGetLastErrorText(void);

/* Per-credential NTLM user database, passed as pAuthData to
 * AcquireCredentialsHandleA/W for the NTLM or Negotiate package (either
 * direction) in place of the environment: UserFile replaces
 * NTLM_USER_FILE, KdcCcache NTLM_ACCEPTOR_CCACHE, the WINBIND flag
 * SSPI_GSS_NTLM_BACKEND=winbind (docs/ntlm.md). Either may be NULL. Paths are bytes (UTF-8) in both the A and the W call; Version
 * and Length must be as below, so that it cannot be mistaken for a
 * SEC_WINNT_AUTH_IDENTITY. */
#define SSPI_GSS_NTLM_DATABASE_VERSION 0x53470001u
typedef struct _SSPI_GSS_NTLM_DATABASE {
	unsigned int Version; /* SSPI_GSS_NTLM_DATABASE_VERSION */
	unsigned int Length;  /* sizeof(SSPI_GSS_NTLM_DATABASE) */
	const char *UserFile;
	const char *KdcCcache;
	/* SSPI_GSS_NTLM_DATABASE_WINBIND: the domain controller checks logons
	 * through Samba's winbind (docs/active-directory.md); UserFile and
	 * KdcCcache are then NULL. Callers built before this field existed
	 * pass the shorter Length, which is still taken. */
	unsigned int Flags;
} SSPI_GSS_NTLM_DATABASE;
#define SSPI_GSS_NTLM_DATABASE_WINBIND 0x1u

/* Extended protection (relay protection) of an inbound NTLM or Negotiate
 * credential, set with SetCredentialsAttributesA/W(cred,
 * SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION, &ep, sizeof(ep)) before the
 * credential's contexts start (docs/security.md). Level:
 *   SSPI_GSS_EPA_OFF             the client's channel bindings and target
 *                                name are not looked at;
 *   SSPI_GSS_EPA_WHEN_SUPPORTED  (the default) bindings the client sent
 *                                must equal the server's SECBUFFER_CHANNEL_BINDINGS,
 *                                and, with SSPI_GSS_EPA_CHECK_TARGET_NAME, a
 *                                target name it sent must be one of ours;
 *   SSPI_GSS_EPA_REQUIRED        the client must send both (the server
 *                                must pass its bindings to AcceptSecurityContext).
 * TargetNames: NULL-terminated SPNs (UTF-8 in the A and the W call,
 * compared case-insensitively), or NULL for "any service class on this
 * host's names". Copied; the caller's list may go after the call.
 * Mismatches are SEC_E_BAD_BINDINGS. The Kerberos package checks bindings
 * in Heimdal when both sides give them and takes no settings:
 * SEC_E_UNSUPPORTED_FUNCTION. */
#define SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION 0x53470100u
#define SSPI_GSS_EXTENDED_PROTECTION_VERSION 0x53470002u
#define SSPI_GSS_EPA_OFF 0u
#define SSPI_GSS_EPA_WHEN_SUPPORTED 1u
#define SSPI_GSS_EPA_REQUIRED 2u
#define SSPI_GSS_EPA_CHECK_TARGET_NAME 0x1u
/* NTLM: refuse a client that sends no MIC (by default it is let in, as
 * Windows lets it in: Samba's and curl's raw NTLMSSP send none). */
#define SSPI_GSS_EPA_REQUIRE_MIC 0x2u
typedef struct _SSPI_GSS_EXTENDED_PROTECTION {
	unsigned int Version; /* SSPI_GSS_EXTENDED_PROTECTION_VERSION */
	unsigned int Length;  /* sizeof(SSPI_GSS_EXTENDED_PROTECTION) */
	unsigned int Level;   /* SSPI_GSS_EPA_* */
	unsigned int Flags;   /* SSPI_GSS_EPA_CHECK_TARGET_NAME, SSPI_GSS_EPA_REQUIRE_MIC */
	const char *const *TargetNames;
} SSPI_GSS_EXTENDED_PROTECTION;

/* FreeRDP WinPR's own context attributes that FreeRDP 3 uses, answered as
 * WinPR answers them (NTLM, and Negotiate when it chose NTLM; others
 * SEC_E_UNSUPPORTED_FUNCTION, as WinPR's Kerberos):
 *   ..._HOSTNAME_LEN  QueryContextAttributes: a ULONG, the length in bytes
 *                     of the client's workstation name in UTF-16;
 *   ..._HOSTNAME      QueryContextAttributes: that name, UTF-16 (W) or
 *                     UTF-8 (A), into a buffer of at least that length;
 *                     SetContextAttributes (client, before its AUTHENTICATE):
 *                     the name to send, cbBuffer bytes of UTF-16 (W) or
 *                     UTF-8 (A). */
#define SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME 1108u
#define SSPI_GSS_ATTR_WINPR_AUTH_NTLM_HOSTNAME_LEN 1109u

/* The client as its Active Directory domain knows it (docs/active-directory.md):
 * from the PAC of its Kerberos ticket (checked with the service's key, and
 * with the domain's krbtgt key when SSPI_GSS_PAC_KDC_KEYTAB names a keytab
 * holding it) or from the domain's answer to an NTLM logon through winbind.
 * QueryContextAttributesA/W(server context, SSPI_GSS_ATTR_LOGON_INFO, &p)
 * with p a PSSPI_GSS_LOGON_INFO: p gets one block (strings UTF-8 in the A
 * and the W call) that FreeContextBuffer frees. SEC_E_UNSUPPORTED_FUNCTION
 * when the context has none (a plain Kerberos realm, the NTLM user file),
 * SEC_E_INVALID_HANDLE before the context is established. With logon
 * information SECPKG_ATTR_NAMES is Domain\Account, as on a Windows server. */
#define SSPI_GSS_ATTR_LOGON_INFO 0x53470200u
typedef struct _SSPI_GSS_LOGON_INFO {
	char *Domain;          /* the NetBIOS domain: ADSSPI */
	char *Account;         /* the account name: alice */
	char *DnsDomain;       /* ad.sspi.test, or NULL */
	char *Upn;             /* alice@ad.sspi.test, or NULL */
	char *UserSid;         /* S-1-5-21-...-1103 */
	char *PrimaryGroupSid; /* S-1-5-21-...-513 */
	unsigned int GroupCount;
	char **GroupSids;               /* every group, the primary one included */
	unsigned int *GroupAttributes;  /* SE_GROUP_* of each */
	char *Source;                   /* "PAC" or "winbind" */
	unsigned int KdcSignatureChecked; /* PAC: the KDC's signature was checked too */
} SSPI_GSS_LOGON_INFO, *PSSPI_GSS_LOGON_INFO;

/* Access tokens (QuerySecurityContextToken). On Windows the token is a
 * kernel handle read with GetTokenInformation and closed with CloseHandle;
 * here it describes the client as a local Unix account and is read and
 * closed with these two calls (docs/impersonation.md). */
typedef struct _SSPI_GSS_TOKEN_INFORMATION {
	char *UserName;      /* the local account (UTF-8) */
	char *ClientName;    /* the client as SECPKG_ATTR_NAMES reports it (UTF-8) */
	char *Package;       /* the package that authenticated it: Kerberos, NTLM */
	unsigned int Uid;
	unsigned int Gid;
	unsigned int GroupCount; /* supplementary groups, the primary one included */
	unsigned int *Groups;
	unsigned int Delegated;  /* nonzero: the client delegated its credentials */
	/* The client's SIDs when its domain gave them (SSPI_GSS_ATTR_LOGON_INFO),
	 * else NULL and 0. */
	char *UserSid;
	unsigned int GroupSidCount;
	char **GroupSids;
} SSPI_GSS_TOKEN_INFORMATION, *PSSPI_GSS_TOKEN_INFORMATION;

/* *Info gets one block (FreeContextBuffer frees it, strings and groups
 * with it). SEC_E_INVALID_HANDLE for anything that is not an open token. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiGssGetTokenInformation(HANDLE Token,
								 PSSPI_GSS_TOKEN_INFORMATION *Info);
/* Closes a token from QuerySecurityContextToken; a token closed twice or
 * never opened is SEC_E_INVALID_HANDLE. */
SSPI_GSS_API SECURITY_STATUS SEC_ENTRY SspiGssCloseToken(HANDLE Token);

#ifdef __cplusplus
}
#endif

#endif /* SSPI_GSS_EXTENSIONS_H */
