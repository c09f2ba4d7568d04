/*
 * server.c - an SSPI server in the shape of Microsoft's Windows Sockets
 * server sample: accept one client, authenticate it with the package
 * named, report the negotiated package, impersonate the client and ask
 * who the thread is, then send a signed and a sealed message and read
 * the client's sealed answer. Built unchanged as C and as C++, with and
 * without UNICODE, and with the attribute and QOP variables unsigned long
 * (SDK_LITERAL_ULONG).
 *
 *   server PORT PACKAGE
 */
#include "SspiExample.h"

static CredHandle hcred;
static struct _SecHandle hctxt;
static DWORD cbMaxToken;

static BOOL GenServerContext(BYTE *pIn, DWORD cbIn, BYTE *pOut, DWORD *pcbOut, BOOL *pfDone,
			     BOOL fNewConversation)
{
	SECURITY_STATUS ss;
	TimeStamp Lifetime;
	SecBufferDesc OutBuffDesc, InBuffDesc;
	SecBuffer OutSecBuff, InSecBuff;
	OUT_ULONG Attribs = 0;

	OutBuffDesc.ulVersion = SECBUFFER_VERSION;
	OutBuffDesc.cBuffers = 1;
	OutBuffDesc.pBuffers = &OutSecBuff;
	OutSecBuff.cbBuffer = *pcbOut;
	OutSecBuff.BufferType = SECBUFFER_TOKEN;
	OutSecBuff.pvBuffer = pOut;

	InBuffDesc.ulVersion = SECBUFFER_VERSION;
	InBuffDesc.cBuffers = 1;
	InBuffDesc.pBuffers = &InSecBuff;
	InSecBuff.cbBuffer = cbIn;
	InSecBuff.BufferType = SECBUFFER_TOKEN;
	InSecBuff.pvBuffer = pIn;

	ss = AcceptSecurityContext(&hcred, fNewConversation ? NULL : &hctxt, &InBuffDesc,
				   Attribs, SECURITY_NATIVE_DREP, &hctxt, &OutBuffDesc, &Attribs,
				   &Lifetime);
	if (!SEC_SUCCESS(ss)) {
		printf("AcceptSecurityContext failed: 0x%08x\n", (unsigned)ss);
		return FALSE;
	}
	if (ss == SEC_I_COMPLETE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE) {
		ss = CompleteAuthToken(&hctxt, &OutBuffDesc);
		if (!SEC_SUCCESS(ss)) {
			printf("CompleteAuthToken failed: 0x%08x\n", (unsigned)ss);
			return FALSE;
		}
	}
	*pcbOut = OutSecBuff.cbBuffer;
	*pfDone = !(ss == SEC_I_CONTINUE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE);
	return TRUE;
}

static BOOL DoAuthentication(SOCKET AuthSocket)
{
	DWORD cbIn, cbOut;
	BOOL done = FALSE, fNewConversation = TRUE, ok = FALSE;
	PBYTE g_pInBuf = (PBYTE)malloc(cbMaxToken), g_pOutBuf = (PBYTE)malloc(cbMaxToken);

	if (g_pInBuf == NULL || g_pOutBuf == NULL)
		goto out;
	while (!done) {
		if (!ReceiveMsg(AuthSocket, g_pInBuf, cbMaxToken, &cbIn))
			goto out;
		cbOut = cbMaxToken;
		if (!GenServerContext(g_pInBuf, cbIn, g_pOutBuf, &cbOut, &done, fNewConversation))
			goto out;
		fNewConversation = FALSE;
		if (cbOut != 0 && !SendMsg(AuthSocket, g_pOutBuf, cbOut))
			goto out;
	}
	ok = TRUE;
out:
	free(g_pInBuf);
	free(g_pOutBuf);
	return ok;
}

static SOCKET AcceptAuthSocket(int port)
{
	SOCKET sockListen, sockClient;
	SOCKADDR_IN sockIn;
	int one = 1;

	sockListen = socket(AF_INET, SOCK_STREAM, 0);
	if (sockListen == INVALID_SOCKET)
		return INVALID_SOCKET;
	setsockopt(sockListen, SOL_SOCKET, SO_REUSEADDR, (const char *)&one, sizeof(one));
	memset(&sockIn, 0, sizeof(sockIn));
	sockIn.sin_family = AF_INET;
	sockIn.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sockIn.sin_port = htons((unsigned short)port);
	if (bind(sockListen, (SOCKADDR *)&sockIn, sizeof(sockIn)) == SOCKET_ERROR ||
	    listen(sockListen, 1) == SOCKET_ERROR) {
		closesocket(sockListen);
		return INVALID_SOCKET;
	}
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	sockClient = accept(sockListen, NULL, NULL);
	closesocket(sockListen);
	if (sockClient == INVALID_SOCKET || !DoAuthentication(sockClient)) {
		if (sockClient != INVALID_SOCKET)
			closesocket(sockClient);
		return INVALID_SOCKET;
	}
	return sockClient;
}

int main(int argc, char *argv[])
{
	WSADATA wsaData;
	SECURITY_STATUS ss;
	TCHAR szPackage[64], pUserName[UNLEN + 1];
	DWORD cbUserName = UNLEN + 1;
	PSecPkgInfo pkgInfo;
	SecPkgContext_NegotiationInfo SecPkgNegInfo;
	SecPkgContext_Names SecPkgNames;
	SecPkgContext_Sizes SecPkgContextSizes;
	TimeStamp Lifetime;
	SOCKET Server_Socket;
	SecBuffer rgsb[2];
	SecBufferDesc BuffDesc;
	BYTE Data[BIG_BUFF], Token[BIG_BUFF];
	DWORD cbData, cbToken;
	OUT_ULONG fQOP = 0;
	const char *pMessage = "This is your server speaking";

	if (argc != 3) {
		printf("usage: server PORT PACKAGE\n");
		return 2;
	}
	if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0)
		return 1;
	ToTString(argv[2], szPackage, 64);
	ss = QuerySecurityPackageInfo(szPackage, &pkgInfo);
	if (!SEC_SUCCESS(ss)) {
		printf("could not query package info for %s: 0x%08x\n", argv[2], (unsigned)ss);
		return 1;
	}
	cbMaxToken = pkgInfo->cbMaxToken;
	FreeContextBuffer(pkgInfo);
	ss = AcquireCredentialsHandle(NULL, szPackage, SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
				      &hcred, &Lifetime);
	if (!SEC_SUCCESS(ss)) {
		printf("AcquireCredentialsHandle failed: 0x%08x\n", (unsigned)ss);
		return 1;
	}

	Server_Socket = AcceptAuthSocket(atoi(argv[1]));
	if (Server_Socket == INVALID_SOCKET) {
		printf("authentication failed\n");
		return 1;
	}
	printf("authenticated\n");

	ss = QueryContextAttributes(&hctxt, SECPKG_ATTR_NEGOTIATION_INFO, &SecPkgNegInfo);
	if (ss == SEC_E_OK) {
		PrintTString("negotiated package: ", SecPkgNegInfo.PackageInfo->Name);
		FreeContextBuffer(SecPkgNegInfo.PackageInfo);
	}
	ss = QueryContextAttributes(&hctxt, SECPKG_ATTR_NAMES, &SecPkgNames);
	if (ss == SEC_E_OK) {
		PrintTString("client: ", SecPkgNames.sUserName);
		FreeContextBuffer(SecPkgNames.sUserName);
	}

	/* Act as the client for a moment. */
	ss = ImpersonateSecurityContext(&hctxt);
	if (!SEC_SUCCESS(ss)) {
		printf("Impersonate failed: 0x%08x\n", (unsigned)ss);
	} else {
		printf("Impersonation worked.\n");
		if (GetUserName(pUserName, &cbUserName))
			PrintTString("Client connected as: ", pUserName);
		ss = RevertSecurityContext(&hctxt);
		if (!SEC_SUCCESS(ss)) {
			printf("Revert failed: 0x%08x\n", (unsigned)ss);
			return 1;
		}
	}

	ss = QueryContextAttributes(&hctxt, SECPKG_ATTR_SIZES, &SecPkgContextSizes);
	if (ss != SEC_E_OK || SecPkgContextSizes.cbMaxSignature > BIG_BUFF ||
	    SecPkgContextSizes.cbSecurityTrailer > BIG_BUFF)
		return 1;

	/* Signed: the data, then its signature. */
	cbData = (DWORD)strlen(pMessage);
	memcpy(Data, pMessage, cbData);
	rgsb[0].BufferType = SECBUFFER_DATA;
	rgsb[0].cbBuffer = cbData;
	rgsb[0].pvBuffer = Data;
	rgsb[1].BufferType = SECBUFFER_TOKEN;
	rgsb[1].cbBuffer = SecPkgContextSizes.cbMaxSignature;
	rgsb[1].pvBuffer = Token;
	BuffDesc.ulVersion = SECBUFFER_VERSION;
	BuffDesc.cBuffers = 2;
	BuffDesc.pBuffers = rgsb;
	ss = MakeSignature(&hctxt, 0, &BuffDesc, 0);
	if (ss != SEC_E_OK || !SendMsg(Server_Socket, Data, cbData) ||
	    !SendMsg(Server_Socket, Token, rgsb[1].cbBuffer))
		return 1;

	/* Sealed: the trailer, then the data. */
	rgsb[0].BufferType = SECBUFFER_TOKEN;
	rgsb[0].cbBuffer = SecPkgContextSizes.cbSecurityTrailer;
	rgsb[0].pvBuffer = Token;
	rgsb[1].BufferType = SECBUFFER_DATA;
	rgsb[1].cbBuffer = cbData;
	rgsb[1].pvBuffer = Data;
	ss = EncryptMessage(&hctxt, 0, &BuffDesc, 0);
	if (ss != SEC_E_OK || !SendMsg(Server_Socket, Token, rgsb[0].cbBuffer) ||
	    !SendMsg(Server_Socket, Data, rgsb[1].cbBuffer))
		return 1;

	/* The client's sealed answer. */
	if (!ReceiveMsg(Server_Socket, Token, BIG_BUFF, &cbToken) ||
	    !ReceiveMsg(Server_Socket, Data, BIG_BUFF, &cbData))
		return 1;
	rgsb[0].cbBuffer = cbToken;
	rgsb[1].cbBuffer = cbData;
	ss = DecryptMessage(&hctxt, &BuffDesc, 0, &fQOP);
	if (ss != SEC_E_OK) {
		printf("DecryptMessage failed: 0x%08x\n", (unsigned)ss);
		return 1;
	}
	printf("client says: %.*s\n", (int)rgsb[1].cbBuffer, (char *)rgsb[1].pvBuffer);

	DeleteSecurityContext(&hctxt);
	FreeCredentialHandle(&hcred);
	closesocket(Server_Socket);
	WSACleanup();
	printf("done\n");
	return 0;
}
