/*
 * winpr_preload.c - a program built the way FreeRDP is: against WinPR's
 * headers (winpr/sspi.h), linked with libwinpr2, reaching SSPI through
 * InitSecurityInterfaceExA and direct calls. tests/abi/preload-check.sh runs it
 * as it is (WinPR answers) and with LD_PRELOAD=libsspi-gss.so (we answer).
 *
 *   winpr_preload SAMFILE
 *
 * It lists the packages, then runs an NTLM client and server in-process
 * with tokens in its own buffers (WinPR's NTLM allocates none), completes
 * the server with CompleteAuthToken when asked, and sends one sealed
 * message. WinPR's server reads SAMFILE (set with its own
 * SetContextAttributes extension, which sspi-gss does not have: it reads
 * NTLM_USER_FILE instead). Prints "ok" at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/sspi.h>

static SecurityFunctionTableA *t;

static int fail(const char *what, SECURITY_STATUS s)
{
	printf("winpr_preload: %s: 0x%08X\n", what, (unsigned)s);
	return 1;
}

int main(int argc, char **argv)
{
	SEC_WINNT_AUTH_IDENTITY id;
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	TimeStamp exp;
	ULONG count = 0, attrs;
	PSecPkgInfoA pkgs = NULL;
	static unsigned char tok[2][4096];
	ULONG len = 0;
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED, s;
	int client_turn = 1, first_c = 1, first_s = 1;
	unsigned char msg[16 + 11];

	if (argc != 2)
		return 2;
	t = InitSecurityInterfaceExA(0);
	if (t == NULL)
		return fail("InitSecurityInterfaceExA", 0);
	s = EnumerateSecurityPackagesA(&count, &pkgs);
	if (s != SEC_E_OK)
		return fail("EnumerateSecurityPackagesA", s);
	printf("packages: %u\n", (unsigned)count);
	FreeContextBuffer(pkgs);

	memset(&id, 0, sizeof(id));
	if (sspi_SetAuthIdentity(&id, "alice", "SSPI", "Alice-Pass-1") < 0)
		return 1;
	s = t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
					 NULL, &ccred, &exp);
	if (s != SEC_E_OK)
		return fail("AcquireCredentialsHandle (client)", s);
	s = t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					 NULL, &scred, &exp);
	if (s != SEC_E_OK)
		return fail("AcquireCredentialsHandle (server)", s);

	while (cs != SEC_E_OK || ss != SEC_E_OK) {
		SecBuffer ib = {len, SECBUFFER_TOKEN, tok[client_turn]};
		SecBuffer ob = {sizeof(tok[0]), SECBUFFER_TOKEN, tok[!client_turn]};
		SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};

		if (client_turn) {
			cs = t->InitializeSecurityContextA(
				&ccred, first_c ? NULL : &cctx, "HTTP/localhost",
				ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY, 0, SECURITY_NATIVE_DREP,
				first_c ? NULL : &in, 0, &cctx, &out, &attrs, &exp);
			first_c = 0;
			if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
				return fail("InitializeSecurityContextA", cs);
		} else {
			ss = t->AcceptSecurityContext(&scred, first_s ? NULL : &sctx, &in,
						      ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY,
						      SECURITY_NATIVE_DREP, &sctx, &out, &attrs, &exp);
			if (first_s)
				(void)t->SetContextAttributesA(&sctx, SECPKG_ATTR_AUTH_NTLM_SAM_FILE,
							       argv[1], (ULONG)strlen(argv[1]) + 1);
			first_s = 0;
			if (ss == SEC_I_COMPLETE_NEEDED) {
				SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};

				ss = t->CompleteAuthToken(&sctx, &none);
			}
			if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
				return fail("AcceptSecurityContext", ss);
		}
		len = ob.cbBuffer;
		if (len == 0 && (cs != SEC_E_OK || ss != SEC_E_OK))
			return fail("handshake stalled", 0);
		client_turn = !client_turn;
	}
	printf("handshake: done\n");

	memcpy(msg + 16, "hello winpr", 11);
	{
		SecBuffer b[2] = {{16, SECBUFFER_TOKEN, msg}, {11, SECBUFFER_DATA, msg + 16}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
		ULONG qop;

		s = EncryptMessage(&cctx, 0, &d, 0);
		if (s != SEC_E_OK)
			return fail("EncryptMessage", s);
		s = DecryptMessage(&sctx, &d, 0, &qop);
		if (s != SEC_E_OK || memcmp(msg + 16, "hello winpr", 11) != 0)
			return fail("DecryptMessage", s);
	}
	printf("sealed message: opened\n");
	DeleteSecurityContext(&cctx);
	DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
	free(id.User);
	free(id.Domain);
	free(id.Password);
	printf("ok\n");
	return 0;
}
