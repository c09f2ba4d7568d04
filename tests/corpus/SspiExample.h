/*
 * SspiExample.h - what the corpus client and server share, in the shape
 * of the header of Microsoft's "Using SSPI with a Windows Sockets Client"
 * samples: Windows headers, the message helpers, the sizes.
 */
#ifndef SSPI_EXAMPLE_H
#define SSPI_EXAMPLE_H

#define SECURITY_WIN32
#include <windows.h>
#include <winsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tchar.h>
#include <Security.h>
#include <Sspi.h>

#define BIG_BUFF 2048
#define cbMaxMessage 12000
#define MessageAttribute ISC_REQ_CONFIDENTIALITY

/* The type of the variables the programs pass for the context attributes
 * and the QOP. Windows code declares them ULONG or, following the SDK's
 * prototypes literally, unsigned long; the SDK_LITERAL_ULONG builds do
 * the latter (a 64-bit type on Unix, so <sspi.h> must adapt the call). */
#ifdef SDK_LITERAL_ULONG
typedef unsigned long OUT_ULONG;
#else
typedef ULONG OUT_ULONG;
#endif

#ifdef __cplusplus
extern "C" {
#endif

BOOL SendMsg(SOCKET s, PBYTE pBuf, DWORD cbBuf);
BOOL ReceiveMsg(SOCKET s, PBYTE pBuf, DWORD cbBuf, DWORD *pcbRead);
BOOL SendBytes(SOCKET s, PBYTE pBuf, DWORD cbBuf);
BOOL ReceiveBytes(SOCKET s, PBYTE pBuf, DWORD cbBuf, DWORD *pcbRead);
void PrintHexDump(DWORD length, PBYTE buffer);
/* Prints a TCHAR string; its characters are ASCII in these programs. */
void PrintTString(const char *label, LPCTSTR s);
/* The program's arguments as TCHAR strings. */
void ToTString(const char *in, LPTSTR out, size_t size);

#ifdef __cplusplus
}
#endif

#endif
