/*
 * client.c - an SSPI client written the way Microsoft's SSPI documentation
 * teaches it (Initializing SSPI; Establishing a Secure Connection with
 * Authentication; Ensuring Communication Integrity; Ending a Session),
 * built unchanged on Unix against sspi-gss, with and without UNICODE.
 * Only the sockets are Unix ones (comm.h).
 *
 *   client PORT PACKAGE TARGET [USER DOMAIN PASSWORD]
 *
 * It authenticates to the server example, verifies the server's signed
 * message, decrypts its sealed one, and answers with a sealed reply.
 */
#define SECURITY_WIN32
#include <security.h>

#include "comm.h"

static PSecurityFunctionTable g_pSSPI;
static ULONG g_cbMaxMessage;

static int Connect(int port)
{
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	return s;
}

/* One step of the client's side: the previous answer in, the next token out. */
static BOOL GenClientContext(BYTE *pIn, DWORD cbIn, BYTE *pOut, DWORD *pcbOut, BOOL *pfDone,
			     TCHAR *pszTarget, CredHandle *hCred, CtxtHandle *hCtxt, BOOL fNewConversation)
{
	SECURITY_STATUS ss;
	TimeStamp Lifetime;
	SecBufferDesc OutBuffDesc, InBuffDesc;
	SecBuffer OutSecBuff, InSecBuff;
	ULONG ContextAttributes;

	OutBuffDesc.ulVersion = SECBUFFER_VERSION;
	OutBuffDesc.cBuffers = 1;
	OutBuffDesc.pBuffers = &OutSecBuff;
	OutSecBuff.cbBuffer = *pcbOut;
	OutSecBuff.BufferType = SECBUFFER_TOKEN;
	OutSecBuff.pvBuffer = pOut;

	if (pIn) {
		InBuffDesc.ulVersion = SECBUFFER_VERSION;
		InBuffDesc.cBuffers = 1;
		InBuffDesc.pBuffers = &InSecBuff;
		InSecBuff.cbBuffer = cbIn;
		InSecBuff.BufferType = SECBUFFER_TOKEN;
		InSecBuff.pvBuffer = pIn;
	}

	ss = g_pSSPI->InitializeSecurityContext(
		hCred, fNewConversation ? NULL : hCtxt, pszTarget,
		ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_MUTUAL_AUTH |
			ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT,
		0, SECURITY_NATIVE_DREP, pIn ? &InBuffDesc : NULL, 0, hCtxt, &OutBuffDesc,
		&ContextAttributes, &Lifetime);
	if (ss < 0) {
		printf("InitializeSecurityContext failed: 0x%08X\n", (unsigned)ss);
		return FALSE;
	}
	/* Some packages want CompleteAuthToken before the token goes out. */
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

static BOOL DoAuthentication(int s, TCHAR *pszTarget, CredHandle *hCred, CtxtHandle *hCtxt)
{
	BOOL fDone = FALSE;
	DWORD cbOut, cbIn;
	BYTE *pInBuf = malloc(g_cbMaxMessage), *pOutBuf = malloc(g_cbMaxMessage);
	BOOL ok = FALSE;

	if (pInBuf == NULL || pOutBuf == NULL)
		goto done;
	cbOut = g_cbMaxMessage;
	if (!GenClientContext(NULL, 0, pOutBuf, &cbOut, &fDone, pszTarget, hCred, hCtxt, TRUE))
		goto done;
	if (!SendMsg(s, pOutBuf, cbOut))
		goto done;
	while (!fDone) {
		if (!ReceiveMsg(s, pInBuf, g_cbMaxMessage, &cbIn))
			goto done;
		cbOut = g_cbMaxMessage;
		if (!GenClientContext(pInBuf, cbIn, pOutBuf, &cbOut, &fDone, pszTarget, hCred, hCtxt,
				      FALSE))
			goto done;
		/* The last step may have nothing more to say. */
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
	TCHAR szPackage[64], szTarget[256], szUser[64], szDomain[64], szPassword[64];
	SEC_WINNT_AUTH_IDENTITY Identity;
	PSecPkgInfo pkgInfo;
	CredHandle hCred;
	CtxtHandle hCtxt;
	TimeStamp Lifetime;
	SECURITY_STATUS ss;
	SecPkgContext_Names Names;
	SecPkgContext_Sizes Sizes;
	SecBufferDesc BuffDesc;
	SecBuffer SecBuff[2];
	ULONG fQOP, cbMsg, cbTok;
	BYTE Msg[4096];
	int s;

	if (argc != 4 && argc != 7) {
		printf("usage: client PORT PACKAGE TARGET [USER DOMAIN PASSWORD]\n");
		return 2;
	}
	ToTchar(argv[2], szPackage, 64);
	ToTchar(argv[3], szTarget, 256);

	/* Initializing SSPI. */
	g_pSSPI = InitSecurityInterface();
	if (g_pSSPI == NULL)
		return 1;
	ss = g_pSSPI->QuerySecurityPackageInfo(szPackage, &pkgInfo);
	if (ss != SEC_E_OK) {
		printf("QuerySecurityPackageInfo failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	g_cbMaxMessage = pkgInfo->cbMaxToken;
	g_pSSPI->FreeContextBuffer(pkgInfo);

	/* Credentials: the logged-on user's, or the ones given. */
	memset(&Identity, 0, sizeof(Identity));
	if (argc == 7) {
		ToTchar(argv[4], szUser, 64);
		ToTchar(argv[5], szDomain, 64);
		ToTchar(argv[6], szPassword, 64);
		Identity.User = (void *)szUser;
		Identity.UserLength = (ULONG)TcharLen(szUser);
		Identity.Domain = (void *)szDomain;
		Identity.DomainLength = (ULONG)TcharLen(szDomain);
		Identity.Password = (void *)szPassword;
		Identity.PasswordLength = (ULONG)TcharLen(szPassword);
#ifdef UNICODE
		Identity.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
#else
		Identity.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
#endif
	}
	ss = g_pSSPI->AcquireCredentialsHandle(NULL, szPackage, SECPKG_CRED_OUTBOUND, NULL,
					       argc == 7 ? &Identity : NULL, NULL, NULL, &hCred,
					       &Lifetime);
	if (ss != SEC_E_OK) {
		printf("AcquireCredentialsHandle failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}

	/* Establishing a secure connection with authentication. */
	s = Connect(atoi(argv[1]));
	if (s < 0 || !DoAuthentication(s, szTarget, &hCred, &hCtxt)) {
		printf("authentication failed\n");
		return 1;
	}
	printf("authenticated\n");
	ss = g_pSSPI->QueryContextAttributes(&hCtxt, SECPKG_ATTR_NAMES, &Names);
	if (ss == SEC_E_OK) {
		PrintTchar("client name: ", (const TCHAR *)Names.sUserName);
		g_pSSPI->FreeContextBuffer(Names.sUserName);
	}
	ss = g_pSSPI->QueryContextAttributes(&hCtxt, SECPKG_ATTR_SIZES, &Sizes);
	if (ss != SEC_E_OK)
		return 1;

	/* Ensuring communication integrity: a message and its signature. */
	if (!ReceiveMsg(s, Msg, 2048, &cbMsg) || !ReceiveMsg(s, Msg + 2048, 2048, &cbTok))
		return 1;
	BuffDesc.ulVersion = SECBUFFER_VERSION;
	BuffDesc.cBuffers = 2;
	BuffDesc.pBuffers = SecBuff;
	SecBuff[0].BufferType = SECBUFFER_DATA;
	SecBuff[0].cbBuffer = cbMsg;
	SecBuff[0].pvBuffer = Msg;
	SecBuff[1].BufferType = SECBUFFER_TOKEN;
	SecBuff[1].cbBuffer = cbTok;
	SecBuff[1].pvBuffer = Msg + 2048;
	ss = g_pSSPI->VerifySignature(&hCtxt, &BuffDesc, 0, &fQOP);
	if (ss != SEC_E_OK) {
		printf("VerifySignature failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	printf("verified: %.*s\n", (int)cbMsg, (char *)Msg);

	/* Privacy: the sealed message's token, then its data. */
	if (!ReceiveMsg(s, Msg + 2048, 2048, &cbTok) || !ReceiveMsg(s, Msg, 2048, &cbMsg))
		return 1;
	SecBuff[0].BufferType = SECBUFFER_TOKEN;
	SecBuff[0].cbBuffer = cbTok;
	SecBuff[0].pvBuffer = Msg + 2048;
	SecBuff[1].BufferType = SECBUFFER_DATA;
	SecBuff[1].cbBuffer = cbMsg;
	SecBuff[1].pvBuffer = Msg;
	ss = g_pSSPI->DecryptMessage(&hCtxt, &BuffDesc, 0, &fQOP);
	if (ss != SEC_E_OK) {
		printf("DecryptMessage failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	printf("decrypted: %.*s\n", (int)SecBuff[1].cbBuffer, (char *)SecBuff[1].pvBuffer);

	/* The sealed reply, token room as SIZES says. */
	if (Sizes.cbSecurityTrailer > 2048)
		return 1;
	SecBuff[0].cbBuffer = Sizes.cbSecurityTrailer;
	SecBuff[1].cbBuffer = 12;
	memcpy(Msg, "thanks, bye!", 12);
	ss = g_pSSPI->EncryptMessage(&hCtxt, 0, &BuffDesc, 0);
	if (ss != SEC_E_OK) {
		printf("EncryptMessage failed: 0x%08X\n", (unsigned)ss);
		return 1;
	}
	if (!SendMsg(s, SecBuff[0].pvBuffer, SecBuff[0].cbBuffer) ||
	    !SendMsg(s, SecBuff[1].pvBuffer, SecBuff[1].cbBuffer))
		return 1;

	/* Ending the session. */
	g_pSSPI->DeleteSecurityContext(&hCtxt);
	g_pSSPI->FreeCredentialsHandle(&hCred);
	close(s);
	printf("done\n");
	return 0;
}
