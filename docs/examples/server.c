/*
 * server.c - the SSPI server of Microsoft's SSPI documentation (accepting
 * a client, impersonating it, signing and sealing messages, ending the
 * session), built unchanged on Unix against sspi-gss, with and without
 * UNICODE. Only the sockets are Unix ones (comm.h).
 *
 *   server PORT PACKAGE [FILE]
 *
 * Serves one client: authenticates it, impersonates it (and, as the
 * client, reads the first line of FILE when given), sends a signed and a
 * sealed message, decrypts the client's sealed reply, and exits.
 */
#define SECURITY_WIN32
#include <security.h>

#include "comm.h"

static PSecurityFunctionTable g_pSSPI;
static ULONG g_cbMaxMessage;

static int AcceptOne(int port)
{
	struct sockaddr_in sa;
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0), s;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(l, 1) != 0)
		return -1;
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	s = accept(l, NULL, NULL);
	close(l);
	return s;
}

/* One step of the server's side: the client's token in, the answer out. */
static BOOL GenServerContext(BYTE *pIn, DWORD cbIn, BYTE *pOut, DWORD *pcbOut, BOOL *pfDone,
			     BOOL fNewConversation, CredHandle *hCred, CtxtHandle *hCtxt)
{
	SECURITY_STATUS ss;
	TimeStamp Lifetime;
	SecBufferDesc OutBuffDesc, InBuffDesc;
	SecBuffer OutSecBuff, InSecBuff;
	ULONG Attribs = 0;

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

	ss = g_pSSPI->AcceptSecurityContext(hCred, fNewConversation ? NULL : hCtxt, &InBuffDesc,
					    Attribs, SECURITY_NATIVE_DREP, hCtxt, &OutBuffDesc,
					    &Attribs, &Lifetime);
	if (ss < 0) {
		printf("AcceptSecurityContext failed: 0x%08X\n", (unsigned)ss);
		return FALSE;
	}
	if (ss == SEC_I_COMPLETE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE) {
		ss = g_pSSPI->CompleteAuthToken(hCtxt, &OutBuffDesc);
		if (ss < 0) {
			printf("CompleteAuthToken failed: 0x%08X\n", (unsigned)ss);
			return FALSE;
		}
	}
	*pcbOut = OutSecBuff.cbBuffer;
	*pfDone = !(ss == SEC_I_CONTINUE_NEEDED || ss == SEC_I_COMPLETE_AND_CONTINUE);
	return TRUE;
}

static BOOL DoAuthentication(int s, CredHandle *hCred, CtxtHandle *hCtxt)
{
	BYTE *pInBuf = malloc(g_cbMaxMessage), *pOutBuf = malloc(g_cbMaxMessage);
	DWORD cbIn, cbOut;
	BOOL fDone = FALSE, fNew = TRUE, ok = FALSE;

	if (pInBuf == NULL || pOutBuf == NULL)
		goto done;
	while (!fDone) {
		if (!ReceiveMsg(s, pInBuf, g_cbMaxMessage, &cbIn))
			goto done;
		cbOut = g_cbMaxMessage;
		if (!GenServerContext(pInBuf, cbIn, pOutBuf, &cbOut, &fDone, fNew, hCred, hCtxt))
			goto done;
		fNew = FALSE;
		if (cbOut != 0 && !SendMsg(s, pOutBuf, cbOut))
			goto done;
	}
	ok = TRUE;
done:
	free(pInBuf);
	free(pOutBuf);
	return ok;
}

int main(int argc, char **argv)
{
	TCHAR szPackage[64];
	PSecPkgInfo pkgInfo;
	CredHandle hCred;
	CtxtHandle hCtxt;
	TimeStamp Lifetime;
	SECURITY_STATUS ss;
	SecPkgContext_Names Names;
	SecPkgContext_Sizes Sizes;
	SecBufferDesc BuffDesc;
	SecBuffer SecBuff[2];
	BYTE Data[2048], Token[2048];
	ULONG fQOP, cbData, cbToken;
	const char *text = "This is your server speaking";
	int s;

	if (argc != 3 && argc != 4) {
		printf("usage: server PORT PACKAGE [FILE]\n");
		return 2;
	}
	ToTchar(argv[2], szPackage, 64);
	g_pSSPI = InitSecurityInterface();
	if (g_pSSPI == NULL)
		return 1;
	ss = g_pSSPI->QuerySecurityPackageInfo(szPackage, &pkgInfo);
	if (ss != SEC_E_OK)
		return 1;
	g_cbMaxMessage = pkgInfo->cbMaxToken;
	g_pSSPI->FreeContextBuffer(pkgInfo);
	ss = g_pSSPI->AcquireCredentialsHandle(NULL, szPackage, SECPKG_CRED_INBOUND, NULL, NULL,
					       NULL, NULL, &hCred, &Lifetime);
	if (ss != SEC_E_OK) {
		printf("AcquireCredentialsHandle failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}

	s = AcceptOne(atoi(argv[1]));
	if (s < 0 || !DoAuthentication(s, &hCred, &hCtxt)) {
		printf("authentication failed\n");
		return 1;
	}
	printf("authenticated\n");
	ss = g_pSSPI->QueryContextAttributes(&hCtxt, SECPKG_ATTR_NAMES, &Names);
	if (ss == SEC_E_OK) {
		PrintTchar("client: ", (const TCHAR *)Names.sUserName);
		g_pSSPI->FreeContextBuffer(Names.sUserName);
	}

	/* The thread runs as the client until RevertSecurityContext. */
	ss = g_pSSPI->ImpersonateSecurityContext(&hCtxt);
	if (ss != SEC_E_OK) {
		printf("Impersonate failed: 0x%08X\n", (unsigned)ss);
	} else {
		TCHAR szUser[256];
		DWORD cbUser = 256;

		printf("Impersonation worked.\n");
		if (GetUserName(szUser, &cbUser))
			PrintTchar("Client connected as: ", szUser);
		if (argc > 3) {
			FILE *f = fopen(argv[3], "r");
			char line[128];

			if (f != NULL && fgets(line, sizeof(line), f) != NULL)
				printf("client's file: %s", line);
			else
				printf("client's file: cannot read %s\n", argv[3]);
			if (f != NULL)
				fclose(f);
		}
		ss = g_pSSPI->RevertSecurityContext(&hCtxt);
		if (ss != SEC_E_OK) {
			printf("Revert failed: 0x%08X\n", (unsigned)ss);
			return 1;
		}
	}

	ss = g_pSSPI->QueryContextAttributes(&hCtxt, SECPKG_ATTR_SIZES, &Sizes);
	if (ss != SEC_E_OK || Sizes.cbMaxSignature > sizeof(Token) ||
	    Sizes.cbSecurityTrailer > sizeof(Token))
		return 1;

	/* A signed message: the data, then its signature. */
	cbData = (ULONG)strlen(text);
	memcpy(Data, text, cbData);
	BuffDesc.ulVersion = SECBUFFER_VERSION;
	BuffDesc.cBuffers = 2;
	BuffDesc.pBuffers = SecBuff;
	SecBuff[0].BufferType = SECBUFFER_DATA;
	SecBuff[0].cbBuffer = cbData;
	SecBuff[0].pvBuffer = Data;
	SecBuff[1].BufferType = SECBUFFER_TOKEN;
	SecBuff[1].cbBuffer = Sizes.cbMaxSignature;
	SecBuff[1].pvBuffer = Token;
	ss = g_pSSPI->MakeSignature(&hCtxt, 0, &BuffDesc, 0);
	if (ss != SEC_E_OK) {
		printf("MakeSignature failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	if (!SendMsg(s, Data, cbData) || !SendMsg(s, Token, SecBuff[1].cbBuffer))
		return 1;

	/* A sealed message: its token, then the encrypted data. */
	SecBuff[0].BufferType = SECBUFFER_TOKEN;
	SecBuff[0].cbBuffer = Sizes.cbSecurityTrailer;
	SecBuff[0].pvBuffer = Token;
	SecBuff[1].BufferType = SECBUFFER_DATA;
	SecBuff[1].cbBuffer = cbData;
	SecBuff[1].pvBuffer = Data;
	ss = g_pSSPI->EncryptMessage(&hCtxt, 0, &BuffDesc, 0);
	if (ss != SEC_E_OK) {
		printf("EncryptMessage failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	if (!SendMsg(s, Token, SecBuff[0].cbBuffer) || !SendMsg(s, Data, SecBuff[1].cbBuffer))
		return 1;

	/* The client's sealed reply. */
	if (!ReceiveMsg(s, Token, sizeof(Token), &cbToken) ||
	    !ReceiveMsg(s, Data, sizeof(Data), &cbData))
		return 1;
	SecBuff[0].cbBuffer = cbToken;
	SecBuff[1].cbBuffer = cbData;
	ss = g_pSSPI->DecryptMessage(&hCtxt, &BuffDesc, 0, &fQOP);
	if (ss != SEC_E_OK) {
		printf("DecryptMessage failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	printf("client says: %.*s\n", (int)SecBuff[1].cbBuffer, (char *)SecBuff[1].pvBuffer);

	g_pSSPI->DeleteSecurityContext(&hCtxt);
	g_pSSPI->FreeCredentialsHandle(&hCred);
	close(s);
	printf("done\n");
	return 0;
}
