/*
 * credentials.c - AcquireCredentialsHandleA/W, FreeCredentialsHandle,
 * QueryCredentialsAttributesA/W.
 */
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "buffers.h"
#include "handles.h"
#include "identity.h"
#include "impersonate.h"
#include "mech.h"
#include "strings.h"
#include "status.h"
#include "trace.h"

static void cred_destroy(struct sg_object *obj)
{
	struct sg_cred *cred = (struct sg_cred *)obj;

	cred->pkg->ops->release_cred(cred);
	free(cred);
}

struct sg_cred *sg_cred_get(const CredHandle *h)
{
	return (struct sg_cred *)sg_handle_ref(h, SG_HANDLE_CREDENTIAL);
}

void sg_cred_put(struct sg_cred *cred)
{
	if (cred != NULL)
		sg_object_unref(&cred->obj);
}

static SECURITY_STATUS acquire(const char *principal, const char *package, ULONG use,
			       const void *auth_data, int wide, PCredHandle out,
			       PTimeStamp expiry)
{
	const struct sg_package *pkg;
	struct sg_identity id;
	struct sg_cred *cred;
	char *id_principal = NULL;
	SECURITY_STATUS s;
	int suspended;

	pkg = sg_package_find(package);
	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	if (pkg->ops == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	use &= ~(ULONG)(SECPKG_CRED_RESERVED | SECPKG_CRED_AUTOLOGON_RESTRICTED |
			SECPKG_CRED_PROCESS_POLICY_ONLY);
	if (use == SECPKG_CRED_DEFAULT)
		use = SECPKG_CRED_OUTBOUND;
	if (use != SECPKG_CRED_INBOUND && use != SECPKG_CRED_OUTBOUND && use != SECPKG_CRED_BOTH)
		return SEC_E_INVALID_PARAMETER;

	memset(&id, 0, sizeof(id));
	if (auth_data != NULL) {
		s = sg_identity_parse(auth_data, wide, &id);
		if (s != SEC_E_OK)
			return s;
		if (id.user != NULL && id.user[0] != '\0') {
			s = sg_identity_principal(&id, &id_principal);
			if (s != SEC_E_OK) {
				sg_identity_clear(&id);
				return s;
			}
			principal = id_principal;
		}
	}

	cred = calloc(1, sizeof(*cred));
	if (cred == NULL) {
		s = SEC_E_INSUFFICIENT_MEMORY;
		goto out;
	}
	sg_object_init(&cred->obj, cred_destroy);
	cred->pkg = pkg;
	cred->use = use;
	suspended = sg_impersonation_suspend();
	s = pkg->ops->acquire(cred, principal, auth_data != NULL ? &id : NULL);
	sg_impersonation_resume(suspended);
	if (s == SEC_E_OK)
		s = sg_handle_new(SG_HANDLE_CREDENTIAL, &cred->obj, out);
	if (s != SEC_E_OK) {
		if (cred->gss != GSS_C_NO_CREDENTIAL || cred->mech != NULL)
			pkg->ops->release_cred(cred);
		free(cred);
		goto out;
	}
	if (expiry != NULL)
		*expiry = cred->expiry;
out:
	free(id_principal);
	sg_identity_clear(&id);
	return s;
}

static SECURITY_STATUS acquire_a(SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage, ULONG fCredentialUse,
				 void *pvLogonId, void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
				 void *pvGetKeyArgument, PCredHandle phCredential,
				 PTimeStamp ptsExpiry)
{
	(void)pvLogonId, (void)pGetKeyFn, (void)pvGetKeyArgument;
	if (phCredential == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (pszPackage == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	return acquire(pszPrincipal, pszPackage, fCredentialUse, pAuthData, 0, phCredential,
		       ptsExpiry);
}

static SECURITY_STATUS acquire_w(SEC_WCHAR *pszPrincipal, SEC_WCHAR *pszPackage,
				 ULONG fCredentialUse, void *pvLogonId, void *pAuthData,
				 SEC_GET_KEY_FN pGetKeyFn, void *pvGetKeyArgument,
				 PCredHandle phCredential, PTimeStamp ptsExpiry)
{
	char *principal = NULL, *package = NULL;
	SECURITY_STATUS s;

	(void)pvLogonId, (void)pGetKeyFn, (void)pvGetKeyArgument;
	if (phCredential == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (pszPackage == NULL ||
	    sg_utf16_to_cstr(pszPackage, sg_utf16_len(pszPackage), &package) != SEC_E_OK)
		return SEC_E_SECPKG_NOT_FOUND;
	if (pszPrincipal != NULL) {
		s = sg_utf16_to_cstr(pszPrincipal, sg_utf16_len(pszPrincipal), &principal);
		if (s != SEC_E_OK) {
			free(package);
			return s;
		}
	}
	s = acquire(principal, package, fCredentialUse, pAuthData, 1, phCredential, ptsExpiry);
	free(principal);
	free(package);
	return s;
}

/* The handle is closed at once; the credential itself lives on while a
 * context made with it does, as on Windows. */
static SECURITY_STATUS free_credentials(PCredHandle phCredential)
{
	struct sg_cred *cred = (struct sg_cred *)sg_handle_close(phCredential, SG_HANDLE_CREDENTIAL);

	if (cred == NULL)
		return SEC_E_INVALID_HANDLE;
	sg_cred_put(cred);
	return SEC_E_OK;
}

static SECURITY_STATUS query_cred(struct sg_cred *cred, ULONG attribute, void *buffer, int wide)
{
	char *name = NULL;
	void *out = NULL;
	SECURITY_STATUS s;

	if (cred == NULL)
		return SEC_E_INVALID_HANDLE;
	if (attribute != SECPKG_CRED_ATTR_NAMES)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (buffer == NULL)
		return SEC_E_INVALID_PARAMETER;
	s = cred->pkg->ops->cred_name(cred, &name);
	if (s != SEC_E_OK)
		return s;
	if (name == NULL)
		return SEC_E_NO_CREDENTIALS;
	s = sg_buffer_string(name, wide, &out);
	free(name);
	if (s == SEC_E_OK)
		/* Both forms are one pointer, so one store serves A and W. */
		((SecPkgCredentials_NamesA *)buffer)->sUserName = out;
	return s;
}

static SECURITY_STATUS traced_query_cred(const char *fn, PCredHandle h, ULONG attribute,
					 void *buffer, int wide)
{
	struct sg_cred *cred = sg_cred_get(h);
	SECURITY_STATUS s = query_cred(cred, attribute, buffer, wide);

	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, %s", cred ? cred->pkg->name : "no credential",
			      attribute == SECPKG_CRED_ATTR_NAMES ? "NAMES" : "other");
	sg_cred_put(cred);
	return s;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesA(PCredHandle phCredential, ULONG ulAttribute,
						      void *pBuffer)
{
	return traced_query_cred("QueryCredentialsAttributesA", phCredential, ulAttribute, pBuffer,
				 0);
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesW(PCredHandle phCredential, ULONG ulAttribute,
						      void *pBuffer)
{
	return traced_query_cred("QueryCredentialsAttributesW", phCredential, ulAttribute, pBuffer,
				 1);
}

SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleA(SEC_CHAR *pszPrincipal, SEC_CHAR *pszPackage,
						    ULONG fCredentialUse, void *pvLogonId,
						    void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
						    void *pvGetKeyArgument, PCredHandle phCredential,
						    PTimeStamp ptsExpiry)
{
	SECURITY_STATUS s = acquire_a(pszPrincipal, pszPackage, fCredentialUse, pvLogonId, pAuthData,
				      pGetKeyFn, pvGetKeyArgument, phCredential, ptsExpiry);

	if (SG_TRACING())
		sg_trace_call("AcquireCredentialsHandleA", s, "%s, principal %s, use %lu, %s",
			      pszPackage ? pszPackage : "null", pszPrincipal ? pszPrincipal : "null",
			      (unsigned long)fCredentialUse, pAuthData ? "identity" : "no identity");
	return s;
}

SECURITY_STATUS SEC_ENTRY AcquireCredentialsHandleW(SEC_WCHAR *pszPrincipal, SEC_WCHAR *pszPackage,
						    ULONG fCredentialUse, void *pvLogonId,
						    void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
						    void *pvGetKeyArgument, PCredHandle phCredential,
						    PTimeStamp ptsExpiry)
{
	SECURITY_STATUS s = acquire_w(pszPrincipal, pszPackage, fCredentialUse, pvLogonId, pAuthData,
				      pGetKeyFn, pvGetKeyArgument, phCredential, ptsExpiry);

	if (SG_TRACING()) {
		char *pkg = NULL, *principal = NULL;

		if (pszPackage != NULL)
			(void)sg_utf16_to_cstr(pszPackage, sg_utf16_len(pszPackage), &pkg);
		if (pszPrincipal != NULL)
			(void)sg_utf16_to_cstr(pszPrincipal, sg_utf16_len(pszPrincipal), &principal);
		sg_trace_call("AcquireCredentialsHandleW", s, "%s, principal %s, use %lu, %s",
			      pkg ? pkg : "null", principal ? principal : "null",
			      (unsigned long)fCredentialUse, pAuthData ? "identity" : "no identity");
		free(pkg);
		free(principal);
	}
	return s;
}

SECURITY_STATUS SEC_ENTRY FreeCredentialsHandle(PCredHandle phCredential)
{
	SECURITY_STATUS s = free_credentials(phCredential);

	if (SG_TRACING())
		sg_trace_call("FreeCredentialsHandle", s, "%s", "");
	return s;
}

/* SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION, checked and handed to the package. */
static SECURITY_STATUS set_epa(struct sg_cred *cred, const void *buffer, ULONG size)
{
	const SSPI_GSS_EXTENDED_PROTECTION *ep = buffer;
	struct sg_epa epa;

	if (size != sizeof(*ep) || ep->Version != SSPI_GSS_EXTENDED_PROTECTION_VERSION ||
	    ep->Length != sizeof(*ep) || ep->Level > SSPI_GSS_EPA_REQUIRED ||
	    (ep->Flags & ~(SSPI_GSS_EPA_CHECK_TARGET_NAME | SSPI_GSS_EPA_REQUIRE_MIC)) != 0)
		return SEC_E_INVALID_PARAMETER;
	if (cred->pkg->ops->set_epa == NULL) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "%s takes no extended protection settings", cred->pkg->name);
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	if (!(cred->use & SECPKG_CRED_INBOUND)) {
		sg_last_error_set(SEC_E_INVALID_PARAMETER,
				  "extended protection is for inbound credentials");
		return SEC_E_INVALID_PARAMETER;
	}
	epa.level = ep->Level == SSPI_GSS_EPA_OFF	       ? SG_EPA_OFF
		    : ep->Level == SSPI_GSS_EPA_WHEN_SUPPORTED ? SG_EPA_WHEN_SUPPORTED
							       : SG_EPA_REQUIRED;
	epa.check_target = (ep->Flags & SSPI_GSS_EPA_CHECK_TARGET_NAME) != 0;
	epa.names = ep->TargetNames;
	epa.require_mic = (ep->Flags & SSPI_GSS_EPA_REQUIRE_MIC) != 0;
	return cred->pkg->ops->set_epa(cred, &epa);
}

static SECURITY_STATUS set_cred_attr(const char *fn, PCredHandle h, ULONG attribute, void *buffer,
				     ULONG size)
{
	struct sg_cred *cred = sg_cred_get(h);
	SECURITY_STATUS s;

	if (cred == NULL)
		s = SEC_E_INVALID_HANDLE;
	else if (attribute != SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION)
		s = SEC_E_UNSUPPORTED_FUNCTION;
	else if (buffer == NULL)
		s = SEC_E_INVALID_PARAMETER;
	else
		s = set_epa(cred, buffer, size);
	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, attribute 0x%lX%s", cred ? cred->pkg->name : "no credential",
			      (unsigned long)attribute,
			      attribute == SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION
				      ? " EXTENDED_PROTECTION"
				      : "");
	sg_cred_put(cred);
	return s;
}

SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesA(PCredHandle phCredential, ULONG ulAttribute,
						    void *pBuffer, ULONG cbBuffer)
{
	return set_cred_attr("SetCredentialsAttributesA", phCredential, ulAttribute, pBuffer,
			     cbBuffer);
}

SECURITY_STATUS SEC_ENTRY SetCredentialsAttributesW(PCredHandle phCredential, ULONG ulAttribute,
						    void *pBuffer, ULONG cbBuffer)
{
	return set_cred_attr("SetCredentialsAttributesW", phCredential, ulAttribute, pBuffer,
			     cbBuffer);
}
