/*
 * sspi-gss-wintypes.h - the Windows base types that <sspi.h> needs.
 *
 * Windows is LLP64: long is 32 bits even on 64-bit systems, and WCHAR is a
 * 16-bit UTF-16 code unit. Unix is LP64, so every type here is spelled with a
 * fixed-width C type instead of "long" or "wchar_t". The sizes are the ones
 * FreeRDP's WinPR uses, so structures built with either header set are the
 * same bytes.
 *
 * When a Windows header (or WinPR's <winpr/wtypes.h>) has already defined
 * these types, this file defines nothing, so including <sspi.h> after them is
 * harmless.
 */
#ifndef SSPI_GSS_WINTYPES_H
#define SSPI_GSS_WINTYPES_H

#include <stddef.h>
#include <stdint.h>

#if !defined(_WINDEF_) && !defined(_WINNT_) && !defined(WINPR_WTYPES_H)
#define SSPI_GSS_DEFINES_WINTYPES 1

typedef void VOID, *PVOID, *LPVOID;
typedef char CHAR, *PCHAR, *PSTR, *LPSTR;
typedef const char *PCSTR, *LPCSTR;
typedef unsigned char UCHAR, *PUCHAR;
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef int32_t BOOL, *PBOOL;
typedef int16_t SHORT, *PSHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef uint16_t WORD, *PWORD;
typedef int32_t INT, *PINT;
typedef uint32_t UINT, *PUINT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uint64_t ULONGLONG, *PULONGLONG;
typedef intptr_t LONG_PTR, *PLONG_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;

/* A UTF-16 code unit. In C, uint16_t is the same type as char16_t (and as
 * wchar_t under -fshort-wchar), so u"..." (and with that flag L"...")
 * literals can be passed where Windows code passes WCHAR strings. C++ has
 * char16_t as a type of its own, the type of u"..." there: WCHAR is that
 * type in C++, the same 16 bits, so TEXT("...") works in both languages. */
#ifdef __cplusplus
typedef char16_t WCHAR, *PWCHAR, *PWSTR, *LPWSTR;
typedef const char16_t *PCWSTR, *LPCWSTR;
#else
typedef uint16_t WCHAR, *PWCHAR, *PWSTR, *LPWSTR;
typedef const uint16_t *PCWSTR, *LPCWSTR;
#endif

typedef struct _LUID {
	DWORD LowPart;
	LONG HighPart;
} LUID, *PLUID;

typedef struct _GUID {
	uint32_t Data1;
	uint16_t Data2;
	uint16_t Data3;
	uint8_t Data4[8];
} GUID;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#endif /* no Windows base types yet */

#ifndef SEC_FAR
#define SEC_FAR
#endif
#ifndef WINAPI
/* __stdcall on 32-bit Windows; nothing on any Unix ABI. */
#define WINAPI
#endif
#ifndef SEC_ENTRY
/* Windows uses __stdcall, which does not exist on x86_64 or any Unix ABI;
 * WinPR defines SEC_ENTRY empty too, so function pointers are compatible. */
#define SEC_ENTRY
#endif

#endif /* SSPI_GSS_WINTYPES_H */
