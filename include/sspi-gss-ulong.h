/*
 * sspi-gss-ulong.h - SDK-literal "unsigned long *" out-parameters.
 *
 * The Windows SDK declares eleven SSPI functions with "unsigned long *"
 * out-parameters (pfContextAttr, pfQOP, pcPackages, AuthIdentityLength),
 * and code written against it often declares the variable it passes as
 * "unsigned long". On Windows that is ULONG. Here ULONG is 32 bits on every
 * platform (LLP64 sizes, the bytes FreeRDP's WinPR uses), while unsigned
 * long is 64 bits on LP64 Unix, so "&attrs" is an incompatible pointer: a
 * warning before GCC 14, an error from GCC 14 on.
 *
 * The exported functions keep their ULONG * parameters (the ABI does not
 * change). This header, included at the end of <sspi.h>, makes calls that
 * pass an unsigned long * compile and work as well:
 *
 *  - C (C11 and later): each of the eleven names is also a function-like
 *    macro that expands to the same name with the same arguments, except
 *    that an unsigned long * out-argument goes through
 *    sspi_gss_ulong_out(), which clears the variable and hands over its
 *    low-order 32 bits; the library writes the value there, so after the
 *    call the variable holds it with its upper bits zero. Any other
 *    argument (ULONG *, NULL, 0) passes through untouched: the direct call.
 *    Because the macro keeps the name, calls through a function table,
 *    table->DecryptMessage(...), take unsigned long * too. The name without
 *    "(" (&InitializeSecurityContextW, pfn = DecryptMessage) is not a
 *    macro call, so it is the exported function.
 *
 *  - C++: an inline function template per name, with C++ linkage, that
 *    takes unsigned long * only; it calls the exported function with a ULONG
 *    and writes that back, also on failure (0 when the function wrote
 *    nothing), when the pointer is not NULL. ULONG *, NULL, 0 and nullptr
 *    select the exported function. Function-table members are pointers and
 *    cannot be overloaded: table->DecryptMessage(...) still takes ULONG *
 *    only in C++. The name is now an overload set, so decltype(&Name),
 *    "auto p = &Name" and "&Name == p" need the function's type spelled
 *    (the *_FN typedefs) or SSPI_GSS_NO_ULONG_ADAPTERS.
 *
 * Define SSPI_GSS_NO_ULONG_ADAPTERS before including <sspi.h> to get the
 * plain prototypes only (the library itself is built that way, because the
 * C macros would expand in its function definitions). docs/porting.md,
 * "unsigned long out-parameters", has the rule and the caveats.
 */
#ifndef SSPI_GSS_ULONG_H
#define SSPI_GSS_ULONG_H

#include "sspi.h"

#if !defined(SSPI_GSS_NO_ULONG_ADAPTERS)

#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L

/* The address of the low-order ULONG inside *p, after clearing *p. A ULONG
 * is at most as wide as unsigned long; on a big-endian machine its
 * low-order bits are the last bytes. Where ULONG is unsigned long (some
 * Windows or WinPR headers define it so), p is already the right pointer. */
static inline ULONG *sspi_gss_ulong_out(unsigned long *p)
{
	const unsigned long one = 1;
	size_t low = *(const unsigned char *)&one ? 0 : sizeof(unsigned long) - sizeof(ULONG);

	if (p == NULL || _Generic((ULONG *)NULL, unsigned long *: 1, default: 0))
		return (ULONG *)(void *)p;
	*p = 0;
	return (ULONG *)(void *)((unsigned char *)p + low);
}

/* An unsigned long * becomes its low-order ULONG; anything else (ULONG *,
 * NULL, 0, or a wrong type that the prototype then reports) is passed as
 * it is. The cast only makes the branch that is not taken well-typed. */
#define SSPI_GSS_ULONG_OUT(p)                                                                  \
	_Generic((p), unsigned long *: sspi_gss_ulong_out((unsigned long *)(p)), default: (p))

#define EnumerateSecurityPackagesA(pcPackages, ppPackageInfo)                                   \
	EnumerateSecurityPackagesA(SSPI_GSS_ULONG_OUT(pcPackages), ppPackageInfo)
#define EnumerateSecurityPackagesW(pcPackages, ppPackageInfo)                                   \
	EnumerateSecurityPackagesW(SSPI_GSS_ULONG_OUT(pcPackages), ppPackageInfo)

#define InitializeSecurityContextA(phCredential, phContext, pszTargetName, fContextReq,          \
				   Reserved1, TargetDataRep, pInput, Reserved2, phNewContext,    \
				   pOutput, pfContextAttr, ptsExpiry)                            \
	InitializeSecurityContextA(phCredential, phContext, pszTargetName, fContextReq, Reserved1, \
				   TargetDataRep, pInput, Reserved2, phNewContext, pOutput,      \
				   SSPI_GSS_ULONG_OUT(pfContextAttr), ptsExpiry)
#define InitializeSecurityContextW(phCredential, phContext, pszTargetName, fContextReq,          \
				   Reserved1, TargetDataRep, pInput, Reserved2, phNewContext,    \
				   pOutput, pfContextAttr, ptsExpiry)                            \
	InitializeSecurityContextW(phCredential, phContext, pszTargetName, fContextReq, Reserved1, \
				   TargetDataRep, pInput, Reserved2, phNewContext, pOutput,      \
				   SSPI_GSS_ULONG_OUT(pfContextAttr), ptsExpiry)
#define AcceptSecurityContext(phCredential, phContext, pInput, fContextReq, TargetDataRep,       \
			      phNewContext, pOutput, pfContextAttr, ptsExpiry)                   \
	AcceptSecurityContext(phCredential, phContext, pInput, fContextReq, TargetDataRep,       \
			      phNewContext, pOutput, SSPI_GSS_ULONG_OUT(pfContextAttr),          \
			      ptsExpiry)

#define VerifySignature(phContext, pMessage, MessageSeqNo, pfQOP)                               \
	VerifySignature(phContext, pMessage, MessageSeqNo, SSPI_GSS_ULONG_OUT(pfQOP))
#define DecryptMessage(phContext, pMessage, MessageSeqNo, pfQOP)                                \
	DecryptMessage(phContext, pMessage, MessageSeqNo, SSPI_GSS_ULONG_OUT(pfQOP))

#define SaslInitializeSecurityContextA(phCredential, phContext, pszTargetName, fContextReq,      \
				       Reserved1, TargetDataRep, pInput, Reserved2,              \
				       phNewContext, pOutput, pfContextAttr, ptsExpiry)          \
	SaslInitializeSecurityContextA(phCredential, phContext, pszTargetName, fContextReq,      \
				       Reserved1, TargetDataRep, pInput, Reserved2,              \
				       phNewContext, pOutput, SSPI_GSS_ULONG_OUT(pfContextAttr), \
				       ptsExpiry)
#define SaslInitializeSecurityContextW(phCredential, phContext, pszTargetName, fContextReq,      \
				       Reserved1, TargetDataRep, pInput, Reserved2,              \
				       phNewContext, pOutput, pfContextAttr, ptsExpiry)          \
	SaslInitializeSecurityContextW(phCredential, phContext, pszTargetName, fContextReq,      \
				       Reserved1, TargetDataRep, pInput, Reserved2,              \
				       phNewContext, pOutput, SSPI_GSS_ULONG_OUT(pfContextAttr), \
				       ptsExpiry)
#define SaslAcceptSecurityContext(phCredential, phContext, pInput, fContextReq, TargetDataRep,   \
				  phNewContext, pOutput, pfContextAttr, ptsExpiry)               \
	SaslAcceptSecurityContext(phCredential, phContext, pInput, fContextReq, TargetDataRep,   \
				  phNewContext, pOutput, SSPI_GSS_ULONG_OUT(pfContextAttr),      \
				  ptsExpiry)

#define SspiMarshalAuthIdentity(AuthIdentity, AuthIdentityLength, AuthIdentityByteArray)        \
	SspiMarshalAuthIdentity(AuthIdentity, SSPI_GSS_ULONG_OUT(AuthIdentityLength),            \
				AuthIdentityByteArray)

#elif defined(__cplusplus)

/* Templates cannot have C linkage; this also holds when <sspi.h> was
 * included inside the program's own extern "C" block. */
extern "C++" {

namespace sspi_gss_detail {
/* SECURITY_STATUS for T = unsigned long, no type (so no candidate) for any
 * other T: ULONG * and null pointers select the exported function. */
template <typename T> struct ulong_only {
};
template <> struct ulong_only<unsigned long> {
	typedef SECURITY_STATUS status;
};
} // namespace sspi_gss_detail

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
EnumerateSecurityPackagesA(T *pcPackages, PSecPkgInfoA *ppPackageInfo)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::EnumerateSecurityPackagesA(pcPackages ? &value : NULL,
							      ppPackageInfo);
	if (pcPackages != NULL)
		*pcPackages = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
EnumerateSecurityPackagesW(T *pcPackages, PSecPkgInfoW *ppPackageInfo)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::EnumerateSecurityPackagesW(pcPackages ? &value : NULL,
							      ppPackageInfo);
	if (pcPackages != NULL)
		*pcPackages = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
InitializeSecurityContextA(PCredHandle phCredential, PCtxtHandle phContext,
			   SEC_CHAR *pszTargetName, ULONG fContextReq, ULONG Reserved1,
			   ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
			   PCtxtHandle phNewContext, PSecBufferDesc pOutput, T *pfContextAttr,
			   PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::InitializeSecurityContextA(
		phCredential, phContext, pszTargetName, fContextReq, Reserved1, TargetDataRep,
		pInput, Reserved2, phNewContext, pOutput, pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
InitializeSecurityContextW(PCredHandle phCredential, PCtxtHandle phContext,
			   SEC_WCHAR *pszTargetName, ULONG fContextReq, ULONG Reserved1,
			   ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
			   PCtxtHandle phNewContext, PSecBufferDesc pOutput, T *pfContextAttr,
			   PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::InitializeSecurityContextW(
		phCredential, phContext, pszTargetName, fContextReq, Reserved1, TargetDataRep,
		pInput, Reserved2, phNewContext, pOutput, pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
AcceptSecurityContext(PCredHandle phCredential, PCtxtHandle phContext, PSecBufferDesc pInput,
		      ULONG fContextReq, ULONG TargetDataRep, PCtxtHandle phNewContext,
		      PSecBufferDesc pOutput, T *pfContextAttr, PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::AcceptSecurityContext(
		phCredential, phContext, pInput, fContextReq, TargetDataRep, phNewContext, pOutput,
		pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
VerifySignature(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo, T *pfQOP)
{
	ULONG value = 0;
	SECURITY_STATUS status =
		::VerifySignature(phContext, pMessage, MessageSeqNo, pfQOP ? &value : NULL);
	if (pfQOP != NULL)
		*pfQOP = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
DecryptMessage(PCtxtHandle phContext, PSecBufferDesc pMessage, ULONG MessageSeqNo, T *pfQOP)
{
	ULONG value = 0;
	SECURITY_STATUS status =
		::DecryptMessage(phContext, pMessage, MessageSeqNo, pfQOP ? &value : NULL);
	if (pfQOP != NULL)
		*pfQOP = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
SaslInitializeSecurityContextA(PCredHandle phCredential, PCtxtHandle phContext,
			       LPSTR pszTargetName, ULONG fContextReq, ULONG Reserved1,
			       ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
			       PCtxtHandle phNewContext, PSecBufferDesc pOutput, T *pfContextAttr,
			       PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::SaslInitializeSecurityContextA(
		phCredential, phContext, pszTargetName, fContextReq, Reserved1, TargetDataRep,
		pInput, Reserved2, phNewContext, pOutput, pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
SaslInitializeSecurityContextW(PCredHandle phCredential, PCtxtHandle phContext,
			       LPWSTR pszTargetName, ULONG fContextReq, ULONG Reserved1,
			       ULONG TargetDataRep, PSecBufferDesc pInput, ULONG Reserved2,
			       PCtxtHandle phNewContext, PSecBufferDesc pOutput, T *pfContextAttr,
			       PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::SaslInitializeSecurityContextW(
		phCredential, phContext, pszTargetName, fContextReq, Reserved1, TargetDataRep,
		pInput, Reserved2, phNewContext, pOutput, pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
SaslAcceptSecurityContext(PCredHandle phCredential, PCtxtHandle phContext,
			  PSecBufferDesc pInput, ULONG fContextReq, ULONG TargetDataRep,
			  PCtxtHandle phNewContext, PSecBufferDesc pOutput, T *pfContextAttr,
			  PTimeStamp ptsExpiry)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::SaslAcceptSecurityContext(
		phCredential, phContext, pInput, fContextReq, TargetDataRep, phNewContext, pOutput,
		pfContextAttr ? &value : NULL, ptsExpiry);
	if (pfContextAttr != NULL)
		*pfContextAttr = value;
	return status;
}

template <typename T>
inline typename sspi_gss_detail::ulong_only<T>::status
SspiMarshalAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity, T *AuthIdentityLength,
			char **AuthIdentityByteArray)
{
	ULONG value = 0;
	SECURITY_STATUS status = ::SspiMarshalAuthIdentity(
		AuthIdentity, AuthIdentityLength ? &value : NULL, AuthIdentityByteArray);
	if (AuthIdentityLength != NULL)
		*AuthIdentityLength = value;
	return status;
}

} /* extern "C++" */

#endif /* C11 or C++ */

#endif /* !SSPI_GSS_NO_ULONG_ADAPTERS */

#endif /* SSPI_GSS_ULONG_H */
