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
#include "hooks.h"
#include "kdc_proxy.h"
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

static void cred_discard(struct sg_cred *cred)
{
	if (cred->gss != GSS_C_NO_CREDENTIAL || cred->mech != NULL || cred->owner != NULL)
		cred->pkg->ops->release_cred(cred);
	free(cred);
}

/* A credential of the package for principal / the identity, not yet behind
 * a handle: AcquireCredentialsHandle's and AddCredentials' common part. */
static SECURITY_STATUS make_cred(const char *principal, const struct sg_package *pkg, ULONG use,
				 const void *auth_data, int wide, struct sg_cred **out)
{
	struct sg_identity id;
	struct sg_cred *cred;
	char *id_principal = NULL;
	SECURITY_STATUS s;
	int suspended;

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
	suspended = sg_thread_suspend();
	s = pkg->ops->acquire(cred, principal, auth_data != NULL ? &id : NULL);
	sg_thread_resume(suspended);
	if (s != SEC_E_OK)
		cred_discard(cred);
	else
		*out = cred;
out:
	free(id_principal);
	sg_identity_clear(&id);
	return s;
}

static SECURITY_STATUS acquire(const char *principal, const char *package, ULONG use,
			       const void *auth_data, int wide, PCredHandle out,
			       PTimeStamp expiry)
{
	const struct sg_package *pkg = sg_package_find(package);
	struct sg_cred *cred;
	SECURITY_STATUS s;

	if (pkg == NULL)
		return SEC_E_SECPKG_NOT_FOUND;
	s = make_cred(principal, pkg, use, auth_data, wide, &cred);
	if (s != SEC_E_OK)
		return s;
	s = sg_handle_new(SG_HANDLE_CREDENTIAL, &cred->obj, out);
	if (s != SEC_E_OK) {
		cred_discard(cred);
		return s;
	}
	if (expiry != NULL)
		*expiry = cred->expiry;
	return SEC_E_OK;
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

/*
 * AddCredentials: a package's credential joins an existing credential.
 * Negotiate takes Kerberos or NTLM credentials it does not hold yet (the
 * way to give it, say, an NTLM password beside the Kerberos tickets it
 * found); Kerberos and NTLM credentials hold one identity each, and
 * replacing a package a Negotiate credential already holds is not done
 * (a handshake may be using it): SEC_E_UNSUPPORTED_FUNCTION, acquire a new
 * credential instead (docs/feature table).
 */
static SECURITY_STATUS add_credentials(PCredHandle h, const char *principal, const char *package,
				       ULONG use, const void *auth_data, int wide,
				       PTimeStamp expiry)
{
	struct sg_cred *cred = sg_cred_get(h), *sub = NULL;
	const struct sg_package *pkg;
	SECURITY_STATUS s;

	if (cred == NULL)
		return SEC_E_INVALID_HANDLE;
	pkg = package != NULL ? sg_package_find(package) : NULL;
	if (pkg == NULL) {
		s = SEC_E_SECPKG_NOT_FOUND;
	} else if (cred->pkg->ops->add == NULL) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "a %s credential holds one identity; acquire another credential",
				  cred->pkg->name);
		s = SEC_E_UNSUPPORTED_FUNCTION;
	} else {
		s = make_cred(principal, pkg, use, auth_data, wide, &sub);
		if (s == SEC_E_OK) {
			s = cred->pkg->ops->add(cred, sub);
			if (s == SEC_E_OK && expiry != NULL)
				*expiry = sub->expiry;
			if (s != SEC_E_OK)
				cred_discard(sub);
		}
	}
	sg_cred_put(cred);
	return s;
}

SECURITY_STATUS SEC_ENTRY AddCredentialsA(PCredHandle hCredentials, SEC_CHAR *pszPrincipal,
					  SEC_CHAR *pszPackage, ULONG fCredentialUse,
					  void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
					  void *pvGetKeyArgument, PTimeStamp ptsExpiry)
{
	SECURITY_STATUS s;

	(void)pGetKeyFn, (void)pvGetKeyArgument;
	s = add_credentials(hCredentials, pszPrincipal, pszPackage, fCredentialUse, pAuthData, 0,
			    ptsExpiry);
	if (SG_TRACING())
		sg_trace_call("AddCredentialsA", s, "%s, principal %s, use %lu, %s",
			      pszPackage ? pszPackage : "null", pszPrincipal ? pszPrincipal : "null",
			      (unsigned long)fCredentialUse, pAuthData ? "identity" : "no identity");
	return s;
}

SECURITY_STATUS SEC_ENTRY AddCredentialsW(PCredHandle hCredentials, SEC_WCHAR *pszPrincipal,
					  SEC_WCHAR *pszPackage, ULONG fCredentialUse,
					  void *pAuthData, SEC_GET_KEY_FN pGetKeyFn,
					  void *pvGetKeyArgument, PTimeStamp ptsExpiry)
{
	char *principal = NULL, *package = NULL;
	SECURITY_STATUS s = SEC_E_OK;

	(void)pGetKeyFn, (void)pvGetKeyArgument;
	if (pszPackage != NULL &&
	    sg_utf16_to_cstr(pszPackage, sg_utf16_len(pszPackage), &package) != SEC_E_OK)
		s = SEC_E_SECPKG_NOT_FOUND;
	if (s == SEC_E_OK && pszPrincipal != NULL)
		s = sg_utf16_to_cstr(pszPrincipal, sg_utf16_len(pszPrincipal), &principal);
	if (s == SEC_E_OK)
		s = add_credentials(hCredentials, principal, package, fCredentialUse, pAuthData, 1,
				    ptsExpiry);
	if (SG_TRACING())
		sg_trace_call("AddCredentialsW", s, "%s, principal %s, use %lu, %s",
			      package ? package : "null", principal ? principal : "null",
			      (unsigned long)fCredentialUse, pAuthData ? "identity" : "no identity");
	free(principal);
	free(package);
	return s;
}

/* The Ex convention (see attributes.c): NAMES is the one attribute. */
static SECURITY_STATUS traced_query_cred_ex(const char *fn, PCredHandle h, ULONG attribute,
					    void *buffer, ULONG size, int wide)
{
	struct sg_cred *cred = sg_cred_get(h);
	SecPkgCredentials_NamesA names = {NULL};
	SECURITY_STATUS s;

	if (cred == NULL)
		s = SEC_E_INVALID_HANDLE;
	else if (buffer == NULL)
		s = SEC_E_INVALID_PARAMETER;
	else if (attribute != SECPKG_CRED_ATTR_NAMES)
		s = SEC_E_UNSUPPORTED_FUNCTION;
	else if (size < sizeof(names))
		s = SEC_E_BUFFER_TOO_SMALL;
	else if ((s = query_cred(cred, attribute, &names, wide)) == SEC_E_OK)
		memcpy(buffer, &names, sizeof(names));
	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, %s, %lu bytes", cred ? cred->pkg->name : "no credential",
			      attribute == SECPKG_CRED_ATTR_NAMES ? "NAMES" : "other",
			      (unsigned long)size);
	sg_cred_put(cred);
	return s;
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExA(PCredHandle phCredential,
							ULONG ulAttribute, void *pBuffer,
							ULONG cbBuffer)
{
	return traced_query_cred_ex("QueryCredentialsAttributesExA", phCredential, ulAttribute,
				    pBuffer, cbBuffer, 0);
}

SECURITY_STATUS SEC_ENTRY QueryCredentialsAttributesExW(PCredHandle phCredential,
							ULONG ulAttribute, void *pBuffer,
							ULONG cbBuffer)
{
	return traced_query_cred_ex("QueryCredentialsAttributesExW", phCredential, ulAttribute,
				    pBuffer, cbBuffer, 1);
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

/* A WCHAR string of a SecPkgCredentials_KdcProxySettingsW: empty, or an
 * even number of bytes after the structure and within the buffer. */
static int kdc_proxy_span_ok(USHORT offset, USHORT length, ULONG size)
{
	if (length == 0)
		return 1;
	return length % 2 == 0 && offset >= sizeof(SecPkgCredentials_KdcProxySettingsW) &&
	       (ULONG)offset + length <= size;
}

/* SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS (the same structure for the A and W
 * calls): checked to the byte, then the Kerberos package's for the KDC
 * exchanges of this credential's contexts (kdc_proxy.h). */
static SECURITY_STATUS set_kdc_proxy(struct sg_cred *cred, const void *buffer, ULONG size)
{
	SecPkgCredentials_KdcProxySettingsW ks;
	struct sg_kdc_proxy *kp = NULL;
	SEC_WCHAR *wide;
	size_t n;
	char *server = NULL;
	SECURITY_STATUS s;

	if (size < sizeof(ks))
		return SEC_E_INVALID_PARAMETER;
	memcpy(&ks, buffer, sizeof(ks)); /* the caller's buffer may be unaligned */
	if (ks.Version != KDC_PROXY_SETTINGS_V1 ||
	    (ks.Flags & ~(ULONG)KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY) != 0 ||
	    !kdc_proxy_span_ok(ks.ProxyServerOffset, ks.ProxyServerLength, size) ||
	    !kdc_proxy_span_ok(ks.ClientTlsCredOffset, ks.ClientTlsCredLength, size))
		return SEC_E_INVALID_PARAMETER;
	if (cred->pkg->ops->set_kdc_proxy == NULL || !sg_kdc_proxy_available()) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "%s",
				  cred->pkg->ops->set_kdc_proxy == NULL
					  ? "the package sends nothing to a KDC"
					  : "sspi-gss was built without libcurl: no KDC proxy");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	if (ks.ClientTlsCredLength != 0) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "a client certificate for the KDC proxy is not supported");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	if (ks.ProxyServerLength != 0) {
		n = ks.ProxyServerLength / 2;
		wide = malloc(ks.ProxyServerLength);
		if (wide == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(wide, (const char *)buffer + ks.ProxyServerOffset, ks.ProxyServerLength);
		if (n > 0 && wide[n - 1] == 0)
			n--; /* a terminating NUL counted in the length */
		s = n == 0 ? SEC_E_INVALID_PARAMETER : sg_utf16_to_cstr(wide, n, &server);
		free(wide);
		if (s == SEC_E_OK)
			s = sg_kdc_proxy_new(server,
					     (ks.Flags & KDC_PROXY_SETTINGS_FLAGS_FORCEPROXY) != 0,
					     &kp);
		free(server);
		if (s != SEC_E_OK)
			return s;
	}
	/* No server: the credential's own setting is removed. */
	s = cred->pkg->ops->set_kdc_proxy(cred, kp);
	if (s != SEC_E_OK)
		sg_kdc_proxy_put(kp);
	return s;
}

static SECURITY_STATUS set_cred_attr(const char *fn, PCredHandle h, ULONG attribute, void *buffer,
				     ULONG size)
{
	struct sg_cred *cred = sg_cred_get(h);
	SECURITY_STATUS s;

	if (cred == NULL)
		s = SEC_E_INVALID_HANDLE;
	else if (attribute != SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION &&
		 attribute != SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS)
		s = SEC_E_UNSUPPORTED_FUNCTION;
	else if (buffer == NULL)
		s = SEC_E_INVALID_PARAMETER;
	else if (attribute == SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS)
		s = set_kdc_proxy(cred, buffer, size);
	else
		s = set_epa(cred, buffer, size);
	if (SG_TRACING())
		sg_trace_call(fn, s, "%s, attribute 0x%lX%s", cred ? cred->pkg->name : "no credential",
			      (unsigned long)attribute,
			      attribute == SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION ? " EXTENDED_PROTECTION"
			      : attribute == SECPKG_CRED_ATTR_KDC_PROXY_SETTINGS  ? " KDC_PROXY_SETTINGS"
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
