/*
 * compat/winsock.h - the Winsock names of the corpus programs, on BSD
 * sockets. The test's, not the library's.
 */
#ifndef CORPUS_COMPAT_WINSOCK_H
#define CORPUS_COMPAT_WINSOCK_H

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int SOCKET;
typedef struct sockaddr_in SOCKADDR_IN;
typedef struct sockaddr SOCKADDR;
typedef struct hostent HOSTENT;
#define INVALID_SOCKET (-1)
#define SOCKET_ERROR (-1)
#define MAKEWORD(a, b) ((WORD)(((BYTE)(a)) | ((WORD)((BYTE)(b))) << 8))

typedef struct WSAData {
	WORD wVersion;
	WORD wHighVersion;
	char szDescription[257];
} WSADATA, *LPWSADATA;

/* Unix sockets need no start-up. */
static inline int WSAStartup(WORD version, LPWSADATA data)
{
	memset(data, 0, sizeof(*data));
	data->wVersion = version;
	return 0;
}

static inline int WSACleanup(void)
{
	return 0;
}

static inline int closesocket(SOCKET s)
{
	return close(s);
}

#endif
