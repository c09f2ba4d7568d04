/*
 * abi.c - compile-time proof that the public structures have Windows' layout.
 *
 * Windows is LLP64 on 64-bit and ILP32 on 32-bit; the expected sizes are
 * written for both with the pointer size P. If any of these fails, a program
 * built for another SSPI implementation would read garbage from us.
 */
#include <stddef.h>

#include <sspi.h>

#define P sizeof(void *)

_Static_assert(sizeof(ULONG) == 4 && sizeof(LONG) == 4 && sizeof(DWORD) == 4, "32-bit longs");
_Static_assert(sizeof(USHORT) == 2 && sizeof(SEC_WCHAR) == 2, "16-bit WCHAR");
_Static_assert(sizeof(ULONG_PTR) == P, "ULONG_PTR is pointer-sized");
_Static_assert(sizeof(SECURITY_STATUS) == 4 && (SECURITY_STATUS)-1 < 0, "signed 32-bit status");
_Static_assert(sizeof(TimeStamp) == 8 && offsetof(TimeStamp, HighPart) == 4, "64-bit time");

_Static_assert(sizeof(SecHandle) == 2 * P && offsetof(SecHandle, dwUpper) == P, "SecHandle");
_Static_assert(sizeof(SecBuffer) == (P == 8 ? 16 : 12), "SecBuffer size");
_Static_assert(offsetof(SecBuffer, BufferType) == 4 && offsetof(SecBuffer, pvBuffer) == 8,
	       "SecBuffer fields");
_Static_assert(sizeof(SecBufferDesc) == (P == 8 ? 16 : 12) &&
		       offsetof(SecBufferDesc, pBuffers) == 8,
	       "SecBufferDesc");
_Static_assert(sizeof(SecPkgInfoA) == (P == 8 ? 32 : 20) && offsetof(SecPkgInfoA, wRPCID) == 6 &&
		       offsetof(SecPkgInfoA, cbMaxToken) == 8 &&
		       offsetof(SecPkgInfoA, Name) == (P == 8 ? 16 : 12),
	       "SecPkgInfoA");
_Static_assert(sizeof(SecPkgInfoW) == sizeof(SecPkgInfoA) &&
		       offsetof(SecPkgInfoW, Comment) == offsetof(SecPkgInfoA, Comment),
	       "SecPkgInfoW");
_Static_assert(sizeof(SEC_WINNT_AUTH_IDENTITY_W) == (P == 8 ? 48 : 28) &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_W, Domain) == (P == 8 ? 16 : 8) &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_W, Flags) == (P == 8 ? 44 : 24),
	       "SEC_WINNT_AUTH_IDENTITY_W");
_Static_assert(sizeof(SEC_WINNT_AUTH_IDENTITY_A) == sizeof(SEC_WINNT_AUTH_IDENTITY_W),
	       "SEC_WINNT_AUTH_IDENTITY_A");
_Static_assert(sizeof(SEC_WINNT_AUTH_IDENTITY_EXW) == (P == 8 ? 72 : 44) &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_EXW, User) == 8 &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_EXW, PackageList) == (P == 8 ? 56 : 36),
	       "SEC_WINNT_AUTH_IDENTITY_EXW");
_Static_assert(sizeof(SEC_WINNT_AUTH_IDENTITY_EX2) == 48 &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_EX2, cbStructureLength) == 8 &&
		       offsetof(SEC_WINNT_AUTH_IDENTITY_EX2, PackageListLength) == 44,
	       "SEC_WINNT_AUTH_IDENTITY_EX2");
_Static_assert(sizeof(SEC_CHANNEL_BINDINGS) == 32, "SEC_CHANNEL_BINDINGS");
_Static_assert(sizeof(SecPkgContext_Sizes) == 16 && sizeof(SecPkgContext_StreamSizes) == 20,
	       "Sizes");
_Static_assert(sizeof(SecPkgContext_Lifespan) == 16, "Lifespan");
_Static_assert(sizeof(SecPkgContext_SessionKey) == 2 * P, "SessionKey");
_Static_assert(sizeof(SecPkgContext_NegotiationInfoW) == 2 * P, "NegotiationInfo");
_Static_assert(sizeof(SecPkgContext_KeyInfoW) == 2 * P + 12 + (P == 8 ? 4 : 0), "KeyInfo");

/* The function table: one ULONG then 31 pointer slots, in Windows' order. */
_Static_assert(offsetof(SecurityFunctionTableW, EnumerateSecurityPackagesW) == P, "slot 1");
_Static_assert(offsetof(SecurityFunctionTableW, Reserved2) == 5 * P, "slot 5");
_Static_assert(offsetof(SecurityFunctionTableW, FreeContextBuffer) == 16 * P, "slot 16");
_Static_assert(offsetof(SecurityFunctionTableW, Reserved8) == 23 * P, "slot 23");
_Static_assert(offsetof(SecurityFunctionTableW, EncryptMessage) == 25 * P, "slot 25");
_Static_assert(offsetof(SecurityFunctionTableW, SetContextAttributesW) == 27 * P, "slot 27");
_Static_assert(offsetof(SecurityFunctionTableW, QueryCredentialsAttributesExW) == 31 * P,
	       "slot 31");
_Static_assert(sizeof(SecurityFunctionTableA) == sizeof(SecurityFunctionTableW), "A and W");
_Static_assert(offsetof(SecurityFunctionTableA, DecryptMessage) ==
		       offsetof(SecurityFunctionTableW, DecryptMessage),
	       "A and W slots");
