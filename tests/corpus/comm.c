/*
 * comm.c - the corpus programs' message helpers: a message is its length
 * (a DWORD in network order) and its bytes.
 */
#include "SspiExample.h"

BOOL SendBytes(SOCKET s, PBYTE pBuf, DWORD cbBuf)
{
	PBYTE pTemp = pBuf;
	int cbSent;
	DWORD cbRemaining = cbBuf;

	if (cbBuf == 0)
		return TRUE;
	while (cbRemaining) {
		cbSent = (int)send(s, (const char *)pTemp, cbRemaining, 0);
		if (cbSent == SOCKET_ERROR || cbSent == 0)
			return FALSE;
		pTemp += cbSent;
		cbRemaining -= (DWORD)cbSent;
	}
	return TRUE;
}

BOOL ReceiveBytes(SOCKET s, PBYTE pBuf, DWORD cbBuf, DWORD *pcbRead)
{
	PBYTE pTemp = pBuf;
	int cbRead;
	DWORD cbRemaining = cbBuf;

	while (cbRemaining) {
		cbRead = (int)recv(s, (char *)pTemp, cbRemaining, 0);
		if (cbRead == 0 || cbRead == SOCKET_ERROR)
			return FALSE;
		cbRemaining -= (DWORD)cbRead;
		pTemp += cbRead;
	}
	*pcbRead = cbBuf - cbRemaining;
	return TRUE;
}

BOOL SendMsg(SOCKET s, PBYTE pBuf, DWORD cbBuf)
{
	DWORD cbNet = htonl(cbBuf);

	if (!SendBytes(s, (PBYTE)&cbNet, sizeof(cbNet)))
		return FALSE;
	return SendBytes(s, pBuf, cbBuf);
}

BOOL ReceiveMsg(SOCKET s, PBYTE pBuf, DWORD cbBuf, DWORD *pcbRead)
{
	DWORD cbRead, cbData, cbNet;

	if (!ReceiveBytes(s, (PBYTE)&cbNet, sizeof(cbNet), &cbRead) || cbRead != sizeof(cbNet))
		return FALSE;
	cbData = ntohl(cbNet);
	if (cbData > cbBuf)
		return FALSE;
	if (!ReceiveBytes(s, pBuf, cbData, &cbRead) || cbRead != cbData)
		return FALSE;
	*pcbRead = cbData;
	return TRUE;
}

void PrintHexDump(DWORD length, PBYTE buffer)
{
	DWORD i;

	for (i = 0; i < length; i++)
		printf("%02x%s", buffer[i], (i % 16 == 15 || i + 1 == length) ? "\n" : " ");
}

void PrintTString(const char *label, LPCTSTR s)
{
	printf("%s", label);
	for (; s != NULL && *s; s++)
		putchar((unsigned)*s < 128 ? (char)*s : '?');
	putchar('\n');
}

void ToTString(const char *in, LPTSTR out, size_t size)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (TCHAR)(unsigned char)in[i];
	out[i] = 0;
}
