/*
 * packages.c - the package registry and the package enumeration entry points.
 *
 * The SecPkgInfo values are those Windows 10 and later report (Get-SecurityPackage
 * / EnumerateSecurityPackages), so programs that branch on cbMaxToken, wRPCID
 * or capability bits behave as they do on Windows. docs/packages.md lists which
 * capability bits describe Windows-only features.
 */
#include "packages.h"

#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "mech.h"
#include "strings.h"
#include "trace.h"

/* Windows' capability sets, spelled out so they can be read against the docs. */
#define NEGOTIATE_CAPS                                                                    \
	(SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_CONNECTION |            \
	 SECPKG_FLAG_MULTI_REQUIRED | SECPKG_FLAG_EXTENDED_ERROR | SECPKG_FLAG_IMPERSONATION | \
	 SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_NEGOTIABLE | SECPKG_FLAG_GSS_COMPATIBLE |  \
	 SECPKG_FLAG_LOGON | SECPKG_FLAG_RESTRICTED_TOKENS | SECPKG_FLAG_APPCONTAINER_CHECKS)
#define KERBEROS_CAPS                                                                      \
	(SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_TOKEN_ONLY |              \
	 SECPKG_FLAG_DATAGRAM | SECPKG_FLAG_CONNECTION | SECPKG_FLAG_MULTI_REQUIRED |         \
	 SECPKG_FLAG_EXTENDED_ERROR | SECPKG_FLAG_IMPERSONATION | SECPKG_FLAG_ACCEPT_WIN32_NAME | \
	 SECPKG_FLAG_NEGOTIABLE | SECPKG_FLAG_GSS_COMPATIBLE | SECPKG_FLAG_LOGON |             \
	 SECPKG_FLAG_MUTUAL_AUTH | SECPKG_FLAG_DELEGATION | SECPKG_FLAG_READONLY_WITH_CHECKSUM | \
	 SECPKG_FLAG_RESTRICTED_TOKENS | SECPKG_FLAG_APPCONTAINER_CHECKS)
#define NTLM_CAPS                                                                         \
	(SECPKG_FLAG_INTEGRITY | SECPKG_FLAG_PRIVACY | SECPKG_FLAG_TOKEN_ONLY |             \
	 SECPKG_FLAG_CONNECTION | SECPKG_FLAG_MULTI_REQUIRED | SECPKG_FLAG_IMPERSONATION |    \
	 SECPKG_FLAG_ACCEPT_WIN32_NAME | SECPKG_FLAG_NEGOTIABLE | SECPKG_FLAG_LOGON |         \
	 SECPKG_FLAG_RESTRICTED_TOKENS | SECPKG_FLAG_APPCONTAINER_CHECKS)

static const struct sg_package packages[] = {
	{
		.name = "Negotiate",
		.comment = "Microsoft Package Negotiator",
		.capabilities = NEGOTIATE_CAPS,
		.version = 1,
		.rpcid = RPC_C_AUTHN_GSS_NEGOTIATE,
		.max_token = 65791,
		.mech_oid = "1.3.6.1.5.5.2",
		.backend = "sspi-gss SPNEGO over Kerberos and NTLM",
		.ops = &sg_mech_negotiate_ops,
	},
	{
		.name = "Kerberos",
		.comment = "Microsoft Kerberos V1.0",
		.capabilities = KERBEROS_CAPS,
		.version = 1,
		.rpcid = RPC_C_AUTHN_GSS_KERBEROS,
		.max_token = 65535,
		.mech_oid = "1.2.840.113554.1.2.2",
		.backend = "Heimdal GSS-API krb5 mechanism",
		.ops = &sg_mech_krb5_ops,
	},
	{
		.name = "NTLM",
		.comment = "NTLM Security Package",
		.capabilities = NTLM_CAPS,
		.version = 1,
		.rpcid = RPC_C_AUTHN_WINNT,
		.max_token = 2888,
		.mech_oid = "1.3.6.1.4.1.311.2.2.10",
		.backend = "sspi-gss NTLMv2 engine on OpenSSL libcrypto",
		.ops = &sg_mech_ntlm_ops,
	},
};

size_t sg_package_count(void)
{
	return sizeof(packages) / sizeof(packages[0]);
}

const struct sg_package *sg_package_at(size_t i)
{
	return i < sg_package_count() ? &packages[i] : NULL;
}

const struct sg_package *sg_package_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < sg_package_count(); i++)
		if (sg_ascii_casecmp(packages[i].name, name) == 0)
			return &packages[i];
	return NULL;
}

SECURITY_STATUS sg_package_info_a(const struct sg_package *const *pkgs, size_t n,
				  PSecPkgInfoA *out)
{
	size_t size = n * sizeof(SecPkgInfoA);
	PSecPkgInfoA info;
	char *strings;

	for (size_t i = 0; i < n; i++)
		size += strlen(pkgs[i]->name) + 1 + strlen(pkgs[i]->comment) + 1;
	info = sg_buffer_alloc(size);
	if (info == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	strings = (char *)(info + n);
	for (size_t i = 0; i < n; i++) {
		size_t len;

		info[i].fCapabilities = pkgs[i]->capabilities;
		info[i].wVersion = pkgs[i]->version;
		info[i].wRPCID = pkgs[i]->rpcid;
		info[i].cbMaxToken = pkgs[i]->max_token;
		len = strlen(pkgs[i]->name) + 1;
		info[i].Name = memcpy(strings, pkgs[i]->name, len);
		strings += len;
		len = strlen(pkgs[i]->comment) + 1;
		info[i].Comment = memcpy(strings, pkgs[i]->comment, len);
		strings += len;
	}
	*out = info;
	return SEC_E_OK;
}

/* Copies ASCII text into UTF-16 code units; registry strings are ASCII. */
static SEC_WCHAR *put_ascii_w(SEC_WCHAR *dst, const char *src)
{
	do
		*dst++ = (SEC_WCHAR)(unsigned char)*src;
	while (*src++ != '\0');
	return dst;
}

SECURITY_STATUS sg_package_info_w(const struct sg_package *const *pkgs, size_t n,
				  PSecPkgInfoW *out)
{
	size_t size = n * sizeof(SecPkgInfoW);
	PSecPkgInfoW info;
	SEC_WCHAR *strings;

	for (size_t i = 0; i < n; i++)
		size += (strlen(pkgs[i]->name) + 1 + strlen(pkgs[i]->comment) + 1) *
			sizeof(SEC_WCHAR);
	info = sg_buffer_alloc(size);
	if (info == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	strings = (SEC_WCHAR *)(info + n);
	for (size_t i = 0; i < n; i++) {
		info[i].fCapabilities = pkgs[i]->capabilities;
		info[i].wVersion = pkgs[i]->version;
		info[i].wRPCID = pkgs[i]->rpcid;
		info[i].cbMaxToken = pkgs[i]->max_token;
		info[i].Name = strings;
		strings = put_ascii_w(strings, pkgs[i]->name);
		info[i].Comment = strings;
		strings = put_ascii_w(strings, pkgs[i]->comment);
	}
	*out = info;
	return SEC_E_OK;
}

static const struct sg_package *all_packages[] = {&packages[0], &packages[1], &packages[2]};
_Static_assert(sizeof(all_packages) / sizeof(all_packages[0]) ==
		       sizeof(packages) / sizeof(packages[0]),
	       "all_packages lists every package");

static SECURITY_STATUS enumerate_a(ULONG *pcPackages, PSecPkgInfoA *ppPackageInfo)
{
	SECURITY_STATUS status;

	if (pcPackages == NULL || ppPackageInfo == NULL)
		return SEC_E_INVALID_PARAMETER;
	*pcPackages = 0;
	*ppPackageInfo = NULL;
	status = sg_package_info_a(all_packages, sg_package_count(), ppPackageInfo);
	if (status == SEC_E_OK)
		*pcPackages = (ULONG)sg_package_count();
	return status;
}

static SECURITY_STATUS enumerate_w(ULONG *pcPackages, PSecPkgInfoW *ppPackageInfo)
{
	SECURITY_STATUS status;

	if (pcPackages == NULL || ppPackageInfo == NULL)
		return SEC_E_INVALID_PARAMETER;
	*pcPackages = 0;
	*ppPackageInfo = NULL;
	status = sg_package_info_w(all_packages, sg_package_count(), ppPackageInfo);
	if (status == SEC_E_OK)
		*pcPackages = (ULONG)sg_package_count();
	return status;
}

static SECURITY_STATUS query_a(SEC_CHAR *pszPackageName, PSecPkgInfoA *ppPackageInfo)
{
	const struct sg_package *pkg;

	/* An unknown name leaves *ppPackageInfo as it was, as on Windows. */
	if (ppPackageInfo == NULL)
		return SEC_E_INVALID_PARAMETER;
	pkg = sg_package_find(pszPackageName);
	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	return sg_package_info_a(&pkg, 1, ppPackageInfo);
}

static SECURITY_STATUS query_w(SEC_WCHAR *pszPackageName, PSecPkgInfoW *ppPackageInfo)
{
	const struct sg_package *pkg;
	char *name = NULL;

	if (ppPackageInfo == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (pszPackageName == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	/* A name that is not even valid UTF-16 names no package. */
	if (sg_utf16_to_cstr(pszPackageName, sg_utf16_len(pszPackageName), &name) != SEC_E_OK)
		return SEC_E_SECPKG_NOT_FOUND;
	pkg = sg_package_find(name);
	free(name);
	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	return sg_package_info_w(&pkg, 1, ppPackageInfo);
}

/* The traced entry points (trace.c). */
SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesA(ULONG *pcPackages,
						     PSecPkgInfoA *ppPackageInfo)
{
	SECURITY_STATUS s = enumerate_a(pcPackages, ppPackageInfo);

	if (SG_TRACING())
		sg_trace_call("EnumerateSecurityPackagesA", s, "%lu packages",
			      s == SEC_E_OK ? (unsigned long)*pcPackages : 0ul);
	return s;
}

SECURITY_STATUS SEC_ENTRY EnumerateSecurityPackagesW(ULONG *pcPackages,
						     PSecPkgInfoW *ppPackageInfo)
{
	SECURITY_STATUS s = enumerate_w(pcPackages, ppPackageInfo);

	if (SG_TRACING())
		sg_trace_call("EnumerateSecurityPackagesW", s, "%lu packages",
			      s == SEC_E_OK ? (unsigned long)*pcPackages : 0ul);
	return s;
}

SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoA(SEC_CHAR *pszPackageName,
						    PSecPkgInfoA *ppPackageInfo)
{
	SECURITY_STATUS s = query_a(pszPackageName, ppPackageInfo);

	if (SG_TRACING())
		sg_trace_call("QuerySecurityPackageInfoA", s, "%.64s",
			      pszPackageName ? (const char *)pszPackageName : "null");
	return s;
}

SECURITY_STATUS SEC_ENTRY QuerySecurityPackageInfoW(SEC_WCHAR *pszPackageName,
						    PSecPkgInfoW *ppPackageInfo)
{
	SECURITY_STATUS s = query_w(pszPackageName, ppPackageInfo);

	if (SG_TRACING()) {
		char *name = NULL;

		if (pszPackageName != NULL)
			(void)sg_utf16_to_cstr(pszPackageName, sg_utf16_len(pszPackageName), &name);
		sg_trace_call("QuerySecurityPackageInfoW", s, "%.64s", name ? name : "null");
		free(name);
	}
	return s;
}
