/*
 * client.c - an SSPI client in the shape of Microsoft's Windows Sockets
 * client sample: connect, authenticate with the package named, check the
 * negotiated package, verify a signed message and decrypt a sealed one
 * from the server, answer sealed, clean up with FreeCredentialHandle.
 * Built unchanged as C and as C++, with and without UNICODE, and with
 * the attribute and QOP variables unsigned long (SDK_LITERAL_ULONG).
 *
 *   client HOST PORT PACKAGE TARGET [USER DOMAIN PASSWORD]
 */
#include "SspiExample.h"

static CredHandle hCred;
static struct _SecHandle hcText;

static BOOL GenClientContext(BYTE *pIn, DWORD cbIn, BYTE *pOut, DWORD *pcbOut, BOOL *pfDone,
			     LPTSTR pszTarget, CredHandle *phCred, struct _SecHandle *phcText,
			     BOOL fNew)
{
	SECURITY_STATUS ss;
	TimeStamp Lifetime;
	SecBufferDesc OutBuffDesc, InBuffDesc;
	SecBuffer OutSecBuff, InSecBuff;
	OUT_ULONG ContextAttributes;

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

	ss = InitializeSecurityContext(phCred, fNew ? NULL : phcText, pszTarget,
				       MessageAttribute | ISC_REQ_INTEGRITY | ISC_REQ_MUTUAL_AUTH |
					       ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT,
				       0, SECURITY_NATIVE_DREP, fNew ? NULL : &InBuffDesc, 0,
				       phcText, &OutBuffDesc, &ContextAttributes, &Lifetime);
	if (!SEC_SUCCESS(ss)) {
		printf("InitializeSecurityContext failed: 0x%08x\n", (unsigned)ss);
		return FALSE;
	}
	if (ss == SEC_I_COMPLETE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE) {
		ss = CompleteAuthToken(phcText, &OutBuffDesc);
		if (!SEC_SUCCESS(ss)) {
			printf("CompleteAuthToken failed: 0x%08x\n", (unsigned)ss);
			return FALSE;
		}
	}
	*pcbOut = OutSecBuff.cbBuffer;
	*pfDone = !(ss == SEC_I_CONTINUE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE);
	return TRUE;
}

static BOOL DoAuthentication(SOCKET s, LPTSTR pszTarget)
{
	BOOL fDone = FALSE, fNew = TRUE;
	DWORD cbOut, cbIn = 0;
	PBYTE pInBuf = (PBYTE)malloc(cbMaxMessage), pOutBuf = (PBYTE)malloc(cbMaxMessage);
	BOOL ok = FALSE;

	if (pInBuf == NULL || pOutBuf == NULL)
		goto done;
	while (!fDone) {
		cbOut = cbMaxMessage;
		if (!GenClientContext(pInBuf, cbIn, pOutBuf, &cbOut, &fDone, pszTarget, &hCred,
				      &hcText, fNew))
			goto done;
		fNew = FALSE;
		if (cbOut != 0 && !SendMsg(s, pOutBuf, cbOut))
			goto done;
		if (!fDone && !ReceiveMsg(s, pInBuf, cbMaxMessage, &cbIn))
			goto done;
	}
	ok = TRUE;
done:
	free(pInBuf);
	free(pOutBuf);
	return ok;
}

static BOOL ConnectAuthSocket(SOCKET *s, const char *host, int port, LPTSTR pszPackage,
			      LPTSTR pszTarget, SEC_WINNT_AUTH_IDENTITY *pAuthData)
{
	SOCKADDR_IN sin;
	HOSTENT *pHost;
	SECURITY_STATUS ss;
	TimeStamp Lifetime;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	pHost = gethostbyname(host);
	if (pHost == NULL) {
		printf("unknown host %s\n", host);
		return FALSE;
	}
	memcpy(&sin.sin_addr, pHost->h_addr_list[0], sizeof(sin.sin_addr));
	*s = socket(AF_INET, SOCK_STREAM, 0);
	if (*s == INVALID_SOCKET || connect(*s, (SOCKADDR *)&sin, sizeof(sin)) == SOCKET_ERROR) {
		printf("cannot connect to %s:%d\n", host, port);
		return FALSE;
	}
	ss = AcquireCredentialsHandle(NULL, pszPackage, SECPKG_CRED_OUTBOUND, NULL, pAuthData,
				      NULL, NULL, &hCred, &Lifetime);
	if (!SEC_SUCCESS(ss)) {
		printf("AcquireCredentialsHandle failed: 0x%08x\n", (unsigned)ss);
		return FALSE;
	}
	return DoAuthentication(*s, pszTarget);
}

static BOOL VerifyThis(PBYTE pData, DWORD cbData, PBYTE pSig, DWORD cbSig)
{
	SecBuffer rgsb[2];
	SecBufferDesc BuffDesc;
	OUT_ULONG fQOP = 0;
	SECURITY_STATUS ss;

	rgsb[0].BufferType = SECBUFFER_DATA;
	rgsb[0].cbBuffer = cbData;
	rgsb[0].pvBuffer = pData;
	rgsb[1].BufferType = SECBUFFER_TOKEN;
	rgsb[1].cbBuffer = cbSig;
	rgsb[1].pvBuffer = pSig;
	BuffDesc.ulVersion = SECBUFFER_VERSION;
	BuffDesc.cBuffers = 2;
	BuffDesc.pBuffers = rgsb;
	ss = VerifySignature(&hcText, &BuffDesc, 0, &fQOP);
	if (ss != SEC_E_OK) {
		printf("VerifySignature failed: 0x%08x\n", (unsigned)ss);
		return FALSE;
	}
	return TRUE;
}

static PBYTE DecryptThis(PBYTE pTrailer, DWORD cbTrailer, PBYTE pData, LPDWORD pcbData)
{
	SecBuffer rgsb[2];
	SecBufferDesc BuffDesc;
	OUT_ULONG fQOP = 0;
	SECURITY_STATUS ss;

	rgsb[0].BufferType = SECBUFFER_TOKEN;
	rgsb[0].cbBuffer = cbTrailer;
	rgsb[0].pvBuffer = pTrailer;
	rgsb[1].BufferType = SECBUFFER_DATA;
	rgsb[1].cbBuffer = *pcbData;
	rgsb[1].pvBuffer = pData;
	BuffDesc.ulVersion = SECBUFFER_VERSION;
	BuffDesc.cBuffers = 2;
	BuffDesc.pBuffers = rgsb;
	ss = DecryptMessage(&hcText, &BuffDesc, 0, &fQOP);
	if (!SEC_SUCCESS(ss)) {
		printf("DecryptMessage failed: 0x%08x\n", (unsigned)ss);
		return NULL;
	}
	*pcbData = rgsb[1].cbBuffer;
	return (PBYTE)rgsb[1].pvBuffer;
}

int main(int argc, char *argv[])
{
	SOCKET Client_Socket = INVALID_SOCKET;
	WSADATA wsaData;
	TCHAR szPackage[64], szTarget[256], szUser[64], szDomain[64], szPassword[64];
	SEC_WINNT_AUTH_IDENTITY AuthData, *pAuthData = NULL;
	SecPkgContext_Sizes SecPkgContextSizes;
	SecPkgContext_NegotiationInfo SecPkgNegInfo;
	SecPkgContext_PackageInfo SecPkgInfo;
	BYTE Data[BIG_BUFF], Token[BIG_BUFF];
	DWORD cbData, cbToken;
	PBYTE pMessage;
	SECURITY_STATUS ss;
	const char *reply = "thanks, bye!";

	if (argc != 5 && argc != 8) {
		printf("usage: client HOST PORT PACKAGE TARGET [USER DOMAIN PASSWORD]\n");
		return 2;
	}
	if (WSAStartup(MAKEWORD(2, 2), &wsaData) != 0)
		return 1;
	ToTString(argv[3], szPackage, 64);
	ToTString(argv[4], szTarget, 256);
	if (argc == 8) {
		ToTString(argv[5], szUser, 64);
		ToTString(argv[6], szDomain, 64);
		ToTString(argv[7], szPassword, 64);
		memset(&AuthData, 0, sizeof(AuthData));
#ifdef UNICODE
		AuthData.User = (unsigned short *)szUser;
		AuthData.Domain = (unsigned short *)szDomain;
		AuthData.Password = (unsigned short *)szPassword;
		AuthData.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
#else
		AuthData.User = (unsigned char *)szUser;
		AuthData.Domain = (unsigned char *)szDomain;
		AuthData.Password = (unsigned char *)szPassword;
		AuthData.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
#endif
		AuthData.UserLength = (ULONG)strlen(argv[5]);
		AuthData.DomainLength = (ULONG)strlen(argv[6]);
		AuthData.PasswordLength = (ULONG)strlen(argv[7]);
		pAuthData = &AuthData;
	}
	if (!ConnectAuthSocket(&Client_Socket, argv[1], atoi(argv[2]), szPackage, szTarget,
			       pAuthData)) {
		printf("authentication failed\n");
		return 1;
	}
	printf("authenticated\n");

	ss = QueryContextAttributes(&hcText, SECPKG_ATTR_NEGOTIATION_INFO, &SecPkgNegInfo);
	if (ss == SEC_E_OK) {
		PrintTString("negotiated package: ", SecPkgNegInfo.PackageInfo->Name);
		FreeContextBuffer(SecPkgNegInfo.PackageInfo);
	} else if (QueryContextAttributes(&hcText, SECPKG_ATTR_PACKAGE_INFO, &SecPkgInfo) ==
		   SEC_E_OK) {
		PrintTString("package: ", SecPkgInfo.PackageInfo->Name);
		FreeContextBuffer(SecPkgInfo.PackageInfo);
	}
	ss = QueryContextAttributes(&hcText, SECPKG_ATTR_SIZES, &SecPkgContextSizes);
	if (ss != SEC_E_OK)
		return 1;

	/* The signed message: data, then its signature. */
	if (!ReceiveMsg(Client_Socket, Data, BIG_BUFF, &cbData) ||
	    !ReceiveMsg(Client_Socket, Token, BIG_BUFF, &cbToken) ||
	    !VerifyThis(Data, cbData, Token, cbToken))
		return 1;
	printf("verified: %.*s\n", (int)cbData, (char *)Data);

	/* The sealed message: its trailer, then the data. */
	if (!ReceiveMsg(Client_Socket, Token, BIG_BUFF, &cbToken) ||
	    !ReceiveMsg(Client_Socket, Data, BIG_BUFF, &cbData))
		return 1;
	pMessage = DecryptThis(Token, cbToken, Data, &cbData);
	if (pMessage == NULL)
		return 1;
	printf("decrypted: %.*s\n", (int)cbData, (char *)pMessage);

	/* The answer, sealed. */
	{
		SecBuffer rgsb[2];
		SecBufferDesc BuffDesc;

		cbData = (DWORD)strlen(reply);
		memcpy(Data, reply, cbData);
		rgsb[0].BufferType = SECBUFFER_TOKEN;
		rgsb[0].cbBuffer = SecPkgContextSizes.cbSecurityTrailer;
		rgsb[0].pvBuffer = Token;
		rgsb[1].BufferType = SECBUFFER_DATA;
		rgsb[1].cbBuffer = cbData;
		rgsb[1].pvBuffer = Data;
		BuffDesc.ulVersion = SECBUFFER_VERSION;
		BuffDesc.cBuffers = 2;
		BuffDesc.pBuffers = rgsb;
		ss = EncryptMessage(&hcText, 0, &BuffDesc, 0);
		if (ss != SEC_E_OK ||
		    !SendMsg(Client_Socket, Token, rgsb[0].cbBuffer) ||
		    !SendMsg(Client_Socket, Data, rgsb[1].cbBuffer))
			return 1;
	}

	DeleteSecurityContext(&hcText);
	FreeCredentialHandle(&hCred);
	closesocket(Client_Socket);
	WSACleanup();
	printf("done\n");
	return 0;
}
