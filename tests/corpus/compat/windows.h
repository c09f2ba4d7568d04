/*
 * compat/windows.h - the non-SSPI part of <windows.h> that the corpus
 * programs use, on Unix. It is the test's, not the library's: the SSPI
 * names all come from the library's own headers. The base types are the
 * library's (sspi-gss-wintypes.h), so both agree.
 */
#ifndef CORPUS_COMPAT_WINDOWS_H
#define CORPUS_COMPAT_WINDOWS_H

#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <sspi-gss-wintypes.h>

#define MAX_PATH 260
#define UNLEN 256
typedef const void *LPCVOID;

/* The account the thread runs as: the effective user's name. */
static inline BOOL GetUserNameA(LPSTR buffer, LPDWORD size)
{
	struct passwd *pw = getpwuid(geteuid());
	size_t n;

	if (pw == NULL || buffer == NULL || size == NULL)
		return FALSE;
	n = strlen(pw->pw_name);
	if (n + 1 > *size) {
		*size = (DWORD)(n + 1);
		return FALSE;
	}
	memcpy(buffer, pw->pw_name, n + 1);
	*size = (DWORD)(n + 1);
	return TRUE;
}

static inline BOOL GetUserNameW(LPWSTR buffer, LPDWORD size)
{
	char narrow[UNLEN + 1];
	DWORD n = sizeof(narrow);

	if (buffer == NULL || size == NULL || !GetUserNameA(narrow, &n) || n > *size)
		return FALSE;
	for (DWORD i = 0; i < n; i++)
		buffer[i] = (WCHAR)(unsigned char)narrow[i];
	*size = n;
	return TRUE;
}

#ifdef UNICODE
#define GetUserName GetUserNameW
#else
#define GetUserName GetUserNameA
#endif

#endif
