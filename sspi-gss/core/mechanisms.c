/*
 * mechanisms.c - SspiGss* extensions that describe the packages and check
 * that Heimdal can carry them.
 */
#include <errno.h>
#include <gssapi/gssapi.h>
#include <krb5.h>
#include <stdio.h>
#include <string.h>

#include "mech.h"
#include "packages.h"
#include "sspi-gss.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *SspiGssVersion(void)
{
	return STR(SSPI_GSS_VERSION_MAJOR) "." STR(SSPI_GSS_VERSION_MINOR) "." STR(
		SSPI_GSS_VERSION_PATCH);
}

SECURITY_STATUS SspiGssQueryPackageMech(const char *pszPackageName, PSSPI_GSS_PACKAGE_MECH pMech)
{
	const struct sg_package *pkg;

	if (pszPackageName == NULL || pMech == NULL)
		return SEC_E_INVALID_PARAMETER;
	memset(pMech, 0, sizeof(*pMech));
	pkg = sg_package_find(pszPackageName);
	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	pMech->PackageName = pkg->name;
	pMech->MechOid = pkg->mech_oid;
	pMech->Backend = pkg->ops != NULL && pkg->ops->backend != NULL ? pkg->ops->backend()
								       : pkg->backend;
	pMech->Available = pkg->not_yet == NULL;
	pMech->Reason = pkg->not_yet;
	return SEC_E_OK;
}

static _Thread_local char check_reason[512];

/* Heimdal's krb5_init_context skips a configuration file it cannot parse
 * without a word, which leaves users with a silently wrong realm setup; parse
 * each file ourselves so that the error is reported with file and line. */
static SECURITY_STATUS check_config_files(krb5_context ctx)
{
	char **files = NULL;
	krb5_error_code ret;
	SECURITY_STATUS status = SEC_E_OK;

	ret = krb5_get_default_config_files(&files);
	if (ret != 0) {
		const char *msg = krb5_get_error_message(ctx, ret);

		snprintf(check_reason, sizeof(check_reason),
			 "the list of Kerberos configuration files cannot be read: %s", msg);
		krb5_free_error_message(ctx, msg);
		return SEC_E_INTERNAL_ERROR;
	}
	for (char **f = files; f != NULL && *f != NULL; f++) {
		krb5_config_section *section = NULL;

		ret = krb5_config_parse_file(ctx, *f, &section);
		/* On a syntax error the parser still leaves what it had read in
		 * section, so it is freed in both cases. */
		if (section != NULL)
			krb5_config_file_free(ctx, section);
		if (ret == 0 || ret == ENOENT)
			continue;
		{
			const char *msg = krb5_get_error_message(ctx, ret);

			snprintf(check_reason, sizeof(check_reason),
				 "Kerberos configuration %s cannot be used: %s", *f, msg);
			krb5_free_error_message(ctx, msg);
		}
		status = SEC_E_INTERNAL_ERROR;
		break;
	}
	krb5_free_config_files(files);
	return status;
}

static gss_OID_desc krb5_oid = {9, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
static gss_OID_desc spnego_oid = {6, "\x2b\x06\x01\x05\x05\x02"};

static SECURITY_STATUS check_gss_mechs(void)
{
	OM_uint32 major, minor;
	gss_OID_set mechs = GSS_C_NO_OID_SET;
	int has_krb5 = 0, has_spnego = 0;

	major = gss_indicate_mechs(&minor, &mechs);
	if (GSS_ERROR(major)) {
		snprintf(check_reason, sizeof(check_reason),
			 "Heimdal GSS-API lists no mechanisms (major status 0x%x)", major);
		return SEC_E_INTERNAL_ERROR;
	}
	gss_test_oid_set_member(&minor, &krb5_oid, mechs, &has_krb5);
	gss_test_oid_set_member(&minor, &spnego_oid, mechs, &has_spnego);
	gss_release_oid_set(&minor, &mechs);
	if (!has_krb5) {
		snprintf(check_reason, sizeof(check_reason),
			 "Heimdal GSS-API has no Kerberos 5 mechanism (1.2.840.113554.1.2.2)");
		return SEC_E_SECPKG_NOT_FOUND;
	}
	if (!has_spnego) {
		snprintf(check_reason, sizeof(check_reason),
			 "Heimdal GSS-API has no SPNEGO mechanism (1.3.6.1.5.5.2)");
		return SEC_E_SECPKG_NOT_FOUND;
	}
	return SEC_E_OK;
}

SECURITY_STATUS SspiGssCheckMechanisms(const char **pszReason)
{
	krb5_context ctx = NULL;
	krb5_error_code ret;
	SECURITY_STATUS status;

	check_reason[0] = '\0';
	if (pszReason != NULL)
		*pszReason = check_reason;
	ret = krb5_init_context(&ctx);
	if (ret != 0) {
		const char *msg = krb5_get_error_message(NULL, ret);

		snprintf(check_reason, sizeof(check_reason), "Heimdal Kerberos cannot start: %s",
			 msg);
		krb5_free_error_message(NULL, msg);
		return SEC_E_INTERNAL_ERROR;
	}
	status = check_config_files(ctx);
	krb5_free_context(ctx);
	if (status != SEC_E_OK)
		return status;
	return check_gss_mechs();
}
