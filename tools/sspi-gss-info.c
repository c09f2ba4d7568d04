/*
 * sspi-gss-info - list the SSPI packages sspi-gss provides and check that
 * Heimdal can carry them.
 *
 *   sspi-gss-info [--json] [--verbose]
 *   sspi-gss-info --check [PACKAGE] [--target SPN]     (info-check.c)
 *
 * Exit status: 0 all is well; 1 usage error; 2 Heimdal is not usable;
 * 3 --check found a problem.
 */
#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include <stdio.h>
#include <string.h>

#include "info-check.h"

struct flag_name {
	ULONG flag;
	const char *name;
};

static const struct flag_name capability_names[] = {
	{SECPKG_FLAG_INTEGRITY, "INTEGRITY"},
	{SECPKG_FLAG_PRIVACY, "PRIVACY"},
	{SECPKG_FLAG_TOKEN_ONLY, "TOKEN_ONLY"},
	{SECPKG_FLAG_DATAGRAM, "DATAGRAM"},
	{SECPKG_FLAG_CONNECTION, "CONNECTION"},
	{SECPKG_FLAG_MULTI_REQUIRED, "MULTI_REQUIRED"},
	{SECPKG_FLAG_CLIENT_ONLY, "CLIENT_ONLY"},
	{SECPKG_FLAG_EXTENDED_ERROR, "EXTENDED_ERROR"},
	{SECPKG_FLAG_IMPERSONATION, "IMPERSONATION"},
	{SECPKG_FLAG_ACCEPT_WIN32_NAME, "ACCEPT_WIN32_NAME"},
	{SECPKG_FLAG_STREAM, "STREAM"},
	{SECPKG_FLAG_NEGOTIABLE, "NEGOTIABLE"},
	{SECPKG_FLAG_GSS_COMPATIBLE, "GSS_COMPATIBLE"},
	{SECPKG_FLAG_LOGON, "LOGON"},
	{SECPKG_FLAG_ASCII_BUFFERS, "ASCII_BUFFERS"},
	{SECPKG_FLAG_FRAGMENT, "FRAGMENT"},
	{SECPKG_FLAG_MUTUAL_AUTH, "MUTUAL_AUTH"},
	{SECPKG_FLAG_DELEGATION, "DELEGATION"},
	{SECPKG_FLAG_READONLY_WITH_CHECKSUM, "READONLY_WITH_CHECKSUM"},
	{SECPKG_FLAG_RESTRICTED_TOKENS, "RESTRICTED_TOKENS"},
	{SECPKG_FLAG_NEGO_EXTENDER, "NEGO_EXTENDER"},
	{SECPKG_FLAG_NEGOTIABLE2, "NEGOTIABLE2"},
	{SECPKG_FLAG_APPCONTAINER_PASSTHROUGH, "APPCONTAINER_PASSTHROUGH"},
	{SECPKG_FLAG_APPCONTAINER_CHECKS, "APPCONTAINER_CHECKS"},
	{SECPKG_FLAG_CREDENTIAL_ISOLATION_ENABLED, "CREDENTIAL_ISOLATION_ENABLED"},
	{SECPKG_FLAG_APPLY_LOOPBACK, "APPLY_LOOPBACK"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sspi-gss-info [--json] [--verbose] [--version] [--help]\n"
		   "       sspi-gss-info --check [PACKAGE] [--target SPN]\n"
		   "List the SSPI security packages of sspi-gss and check Heimdal GSS-API;\n"
		   "with --check, diagnose what PACKAGE (default: all) needs on this machine\n"
		   "and, with --target, try a handshake with SPN in this process.\n");
}

/* Writes s as a JSON string; our strings are ASCII, but escape what JSON needs. */
static void json_string(const char *s)
{
	putchar('"');
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_flags_text(ULONG caps)
{
	const char *sep = "";

	for (size_t i = 0; i < sizeof(capability_names) / sizeof(capability_names[0]); i++) {
		if (caps & capability_names[i].flag) {
			printf("%s%s", sep, capability_names[i].name);
			sep = " ";
		}
	}
}

static void print_table(const SecPkgInfoA *info, ULONG count, int verbose)
{
	printf("%-10s %5s %7s %8s %-12s %-22s %s\n", "Package", "RPCID", "Version", "MaxToken",
	       "Capabilities", "GSS mechanism OID", "Status");
	for (ULONG i = 0; i < count; i++) {
		SSPI_GSS_PACKAGE_MECH mech;

		SspiGssQueryPackageMech(info[i].Name, &mech);
		printf("%-10s %5u %7u %8u 0x%08X   %-22s %s\n", info[i].Name,
		       (unsigned)info[i].wRPCID, (unsigned)info[i].wVersion,
		       (unsigned)info[i].cbMaxToken, (unsigned)info[i].fCapabilities,
		       mech.MechOid, mech.Available ? "available" : mech.Reason);
		if (verbose) {
			printf("    Comment:      %s\n", info[i].Comment);
			printf("    Backend:      %s\n", mech.Backend);
			printf("    Capabilities: ");
			print_flags_text(info[i].fCapabilities);
			printf("\n");
		}
	}
}

/* Windows packages programs ask for that this library does not provide:
 * each is looked up, so the line says what QuerySecurityPackageInfo
 * answers, not what this file believes. */
static const struct {
	const char *name, *what;
} windows_only[] = {
	{"Schannel", "TLS"},
	{"Microsoft Unified Security Protocol Provider", "TLS, Schannel's other name"},
	{"Default TLS SSP", "TLS"},
	{"CredSSP", "CredSSP"},
	{"WDigest", "Digest"},
	{"CloudAP", "Azure AD"},
	{"pku2u", "peer-to-peer certificates"},
};

static int not_provided(size_t i)
{
	PSecPkgInfoA p = NULL;
	SECURITY_STATUS s = QuerySecurityPackageInfoA((SEC_CHAR *)windows_only[i].name, &p);

	if (s == SEC_E_OK)
		FreeContextBuffer(p);
	return s == SEC_E_SECPKG_NOT_FOUND;
}

static void print_not_provided(void)
{
	const char *sep = "";

	printf("\nNot provided (SEC_E_SECPKG_NOT_FOUND): ");
	for (size_t i = 0; i < sizeof(windows_only) / sizeof(windows_only[0]); i++) {
		if (!not_provided(i))
			continue;
		printf("%s%s (%s)", sep, windows_only[i].name, windows_only[i].what);
		sep = ", ";
	}
	printf("\n");
}

static void print_json(const SecPkgInfoA *info, ULONG count, SECURITY_STATUS check,
		       const char *reason)
{
	printf("{\n  \"version\": ");
	json_string(SspiGssVersion());
	printf(",\n  \"heimdal\": {\"usable\": %s, \"problem\": ", check == SEC_E_OK ? "true" : "false");
	if (check == SEC_E_OK)
		printf("null");
	else
		json_string(reason);
	printf("},\n  \"packages\": [");
	for (ULONG i = 0; i < count; i++) {
		SSPI_GSS_PACKAGE_MECH mech;
		const char *sep = "";

		SspiGssQueryPackageMech(info[i].Name, &mech);
		printf("%s\n    {\"name\": ", i ? "," : "");
		json_string(info[i].Name);
		printf(", \"comment\": ");
		json_string(info[i].Comment);
		printf(", \"rpcid\": %u, \"version\": %u, \"max_token\": %u, \"capabilities\": %u,",
		       (unsigned)info[i].wRPCID, (unsigned)info[i].wVersion,
		       (unsigned)info[i].cbMaxToken, (unsigned)info[i].fCapabilities);
		printf(" \"capability_names\": [");
		for (size_t f = 0; f < sizeof(capability_names) / sizeof(capability_names[0]); f++) {
			if (info[i].fCapabilities & capability_names[f].flag) {
				printf("%s", sep);
				json_string(capability_names[f].name);
				sep = ", ";
			}
		}
		printf("], \"mech_oid\": ");
		json_string(mech.MechOid);
		printf(", \"backend\": ");
		json_string(mech.Backend);
		printf(", \"available\": %s, \"reason\": ", mech.Available ? "true" : "false");
		if (mech.Available)
			printf("null");
		else
			json_string(mech.Reason);
		printf("}");
	}
	printf("\n  ],\n  \"not_provided\": [");
	for (size_t i = 0, n = 0; i < sizeof(windows_only) / sizeof(windows_only[0]); i++) {
		if (!not_provided(i))
			continue;
		printf("%s", n++ ? ", " : "");
		json_string(windows_only[i].name);
	}
	printf("]\n}\n");
}

int main(int argc, char **argv)
{
	int json = 0, verbose = 0, check_mode = 0;
	const char *check_package = NULL, *target = NULL;
	ULONG count = 0;
	PSecPkgInfoA info = NULL;
	SECURITY_STATUS status, check;
	const char *reason = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
			verbose = 1;
		} else if (strcmp(argv[i], "--check") == 0) {
			check_mode = 1;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				check_package = argv[++i];
		} else if (strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
			target = argv[++i];
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("sspi-gss-info %s\n", SspiGssVersion());
			return 0;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "sspi-gss-info: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 1;
		}
	}

	if (target != NULL && !check_mode) {
		fprintf(stderr, "sspi-gss-info: --target goes with --check\n");
		usage(stderr);
		return 1;
	}
	if (check_mode)
		return info_check(check_package, target);

	status = EnumerateSecurityPackagesA(&count, &info);
	if (status != SEC_E_OK) {
		fprintf(stderr, "sspi-gss-info: EnumerateSecurityPackagesA failed: %s (0x%08X)\n",
			SspiGssStatusText(status), (unsigned)status);
		return 2;
	}
	check = SspiGssCheckMechanisms(&reason);
	if (json)
		print_json(info, count, check, reason);
	else
		print_table(info, count, verbose);
	FreeContextBuffer(info);

	if (check != SEC_E_OK) {
		fprintf(stderr,
			"sspi-gss-info: Heimdal GSS-API is not usable: %s\n"
			"Fix the Kerberos configuration (KRB5_CONFIG, /etc/krb5.conf) or reinstall "
			"Heimdal (heimdal-dev).\n",
			reason);
		return 2;
	}
	if (!json) {
		print_not_provided();
		printf("\nHeimdal GSS-API: usable (Kerberos 5 and SPNEGO mechanisms present)\n");
	}
	return 0;
}
