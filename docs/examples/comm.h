/*
 * comm.h - what the two examples share that is not SSPI: a loopback TCP
 * connection and messages framed with a 4-byte length, and the TCHAR
 * helpers a Unix build needs. On Windows this part would be Winsock.
 */
#ifndef EXAMPLE_COMM_H
#define EXAMPLE_COMM_H

#include <arpa/inet.h>
#include <pwd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline BOOL SendBytes(int s, const void *buf, ULONG len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = send(s, p, len, 0);

		if (n <= 0)
			return FALSE;
		p += n;
		len -= (ULONG)n;
	}
	return TRUE;
}

static inline BOOL ReceiveBytes(int s, void *buf, ULONG len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = recv(s, p, len, 0);

		if (n <= 0)
			return FALSE;
		p += n;
		len -= (ULONG)n;
	}
	return TRUE;
}

/* A message: its length in network order, then its bytes. */
static inline BOOL SendMsg(int s, const void *buf, ULONG len)
{
	uint32_t n = htonl(len);

	return SendBytes(s, &n, 4) && SendBytes(s, buf, len);
}

static inline BOOL ReceiveMsg(int s, void *buf, ULONG size, ULONG *len)
{
	uint32_t n;

	if (!ReceiveBytes(s, &n, 4) || ntohl(n) > size)
		return FALSE;
	*len = ntohl(n);
	return ReceiveBytes(s, buf, *len);
}

/* Command-line arguments are char; with UNICODE defined, TCHAR is WCHAR. */
static inline void ToTchar(const char *in, TCHAR *out, size_t size)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (TCHAR)(unsigned char)in[i];
	out[i] = 0;
}

static inline size_t TcharLen(const TCHAR *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

/* Prints a TCHAR string (ASCII characters; others as '?'). */
static inline void PrintTchar(const char *label, const TCHAR *s)
{
	printf("%s", label);
	for (; s != NULL && *s != 0; s++)
		putchar((unsigned)*s < 128 ? (char)*s : '?');
	putchar('\n');
}

/* Windows' GetUserName: the name of the account the thread runs as, in
 * TCHARs, with *size the buffer's size in and the name's (with its NUL)
 * out. On Unix that is the effective user id's entry. */
static inline BOOL GetUserName(TCHAR *buf, DWORD *size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw == NULL || strlen(pw->pw_name) + 1 > *size)
		return FALSE;
	ToTchar(pw->pw_name, buf, *size);
	*size = (DWORD)strlen(pw->pw_name) + 1;
	return TRUE;
}

#endif
