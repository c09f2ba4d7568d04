/*
 * winpr_ntlm_peer.c - an NTLM client or server on FreeRDP's WinPR SSPI
 * (libwinpr2), speaking sspi-gss-sample's framing (MIT gss-sample's: a
 * flags byte, a 4-byte big-endian length, the token), so that WinPR's NTLM
 * engine, which we did not write, faces ours on the wire.
 *
 *   winpr_ntlm_peer client PORT TARGET USER DOMAIN PASSWORD MESSAGE
 *   winpr_ntlm_peer server PORT SAMFILE
 *
 * The client sends MESSAGE sealed ([TOKEN, DATA]) asking for no MIC, and
 * opens the sealed echo the server sends back (sspi-gss-sample server
 * -echo); the server opens each sealed message, prints it and answers with
 * its sealed echo. WinPR 2.11's NTLM has no MakeSignature/VerifySignature,
 * hence echoes rather than MICs. WinPR's server reads its users from
 * SAMFILE (lines user:DOMAIN::NTHASH:::).
 *
 * WinPR's NTLM does not implement *_REQ_ALLOCATE_MEMORY: output tokens go
 * into buffers of ours, as FreeRDP itself does it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <winpr/sspi.h>

#define FRAMING_PROGRAM "winpr peer"
#include "sample-framing.h"

static SecurityFunctionTableA *t;

static int fail(const char *what, SECURITY_STATUS s)
{
	fprintf(stderr, "winpr peer: %s failed: 0x%08X\n", what, (unsigned)s);
	return 1;
}

static int client(int port, const char *target, const char *user, const char *domain,
		  const char *pass, const char *message)
{
	SEC_WINNT_AUTH_IDENTITY id;
	CredHandle cred;
	CtxtHandle ctx;
	TimeStamp exp;
	ULONG attrs, req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT |
			   ISC_REQ_SEQUENCE_DETECT;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	unsigned char *peer = NULL, *tok = NULL;
	size_t peer_len = 0, n = strlen(message);
	SECURITY_STATUS s;
	int fd, flags, first = 1;
	static unsigned char outbuf[4096];

	memset(&id, 0, sizeof(id));
	if (sspi_SetAuthIdentity(&id, user, domain, pass) < 0)
		return 1;
	s = t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_OUTBOUND, NULL, &id,
					 NULL, NULL, &cred, &exp);
	if (s != SEC_E_OK)
		return fail("AcquireCredentialsHandle", s);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return fail("connect", 0);
	if (send_token(fd, TOKEN_NOOP | TOKEN_CONTEXT_NEXT, NULL, 0) != 0)
		return 1;
	for (;;) {
		SecBuffer ob = {sizeof(outbuf), SECBUFFER_TOKEN, outbuf},
			  ib = {(ULONG)peer_len, SECBUFFER_TOKEN, peer};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};

		s = t->InitializeSecurityContextA(&cred, first ? NULL : &ctx, (SEC_CHAR *)target, req,
						  0, SECURITY_NATIVE_DREP, first ? NULL : &in, 0,
						  &ctx, &out, &attrs, &exp);
		free(peer);
		peer = NULL;
		if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED)
			return fail("InitializeSecurityContext", s);
		first = 0;
		if (ob.cbBuffer != 0 && send_token(fd, TOKEN_CONTEXT, ob.pvBuffer, ob.cbBuffer) != 0)
			return 1;
		if (s == SEC_E_OK)
			break;
		if (recv_token(fd, &flags, &peer, &peer_len) != 0)
			return fail("reading the server's token", 0);
	}
	printf("winpr client: context established\n");

	tok = malloc(16 + n);
	{
		SecBuffer b[2] = {{16, SECBUFFER_TOKEN, tok}, {(ULONG)n, SECBUFFER_DATA, tok + 16}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

		memcpy(tok + 16, message, n);
		s = t->EncryptMessage(&ctx, 0, &d, 0);
		if (s != SEC_E_OK || b[0].cbBuffer != 16)
			return fail("EncryptMessage", s);
	}
	if (send_token(fd, TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED, tok, 16 + n) != 0 ||
	    recv_token(fd, &flags, &peer, &peer_len) != 0)
		return 1;
	if (!(flags & TOKEN_WRAPPED) || peer_len < 16)
		return fail("reading the sealed echo", 0);
	{
		SecBuffer b[2] = {{16, SECBUFFER_TOKEN, peer},
				  {(ULONG)(peer_len - 16), SECBUFFER_DATA, peer + 16}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
		ULONG qop = 0;

		s = t->DecryptMessage(&ctx, &d, 0, &qop);
		if (s != SEC_E_OK)
			return fail("DecryptMessage", s);
		if (peer_len - 16 != n || memcmp(peer + 16, message, n) != 0)
			return fail("comparing the echo", 0);
	}
	printf("winpr client: sealed message sent, sealed echo opened\n");
	send_token(fd, TOKEN_NOOP, NULL, 0);
	free(peer);
	free(tok);
	close(fd);
	t->DeleteSecurityContext(&ctx);
	t->FreeCredentialsHandle(&cred);
	free(id.User);
	free(id.Domain);
	free(id.Password);
	return 0;
}

static int server(int port, const char *sam)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	CredHandle cred;
	CtxtHandle ctx;
	TimeStamp exp;
	ULONG attrs;
	unsigned char *tok;
	size_t len;
	SECURITY_STATUS s;
	int lfd, fd, flags, first = 1, one = 1;

	s = t->AcquireCredentialsHandleA(NULL, NTLM_SSP_NAME, SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					 NULL, &cred, &exp);
	if (s != SEC_E_OK)
		return fail("AcquireCredentialsHandle", s);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0)
		return fail("listen", 0);
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0 || recv_token(fd, &flags, &tok, &len) != 0 || !(flags & TOKEN_CONTEXT_NEXT))
		return fail("reading the client's first token", 0);
	free(tok);
	do {
		static unsigned char outbuf[4096];
		SecBuffer ob = {sizeof(outbuf), SECBUFFER_TOKEN, outbuf}, ib;
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};

		if (recv_token(fd, &flags, &tok, &len) != 0)
			return fail("reading a context token", 0);
		ib = (SecBuffer){(ULONG)len, SECBUFFER_TOKEN, tok};
		s = t->AcceptSecurityContext(&cred, first ? NULL : &ctx, &in,
					     ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY,
					     SECURITY_NATIVE_DREP, &ctx, &out, &attrs, &exp);
		free(tok);
		if (first) {
			/* Users come from our SAM file, not /etc/winpr/SAM. */
			SECURITY_STATUS a = t->SetContextAttributesA(
				&ctx, SECPKG_ATTR_AUTH_NTLM_SAM_FILE, (void *)sam, (ULONG)strlen(sam) + 1);

			if (a != SEC_E_OK)
				return fail("SetContextAttributes(SAM_FILE)", a);
		}
		first = 0;
		if (s == SEC_I_COMPLETE_NEEDED) {
			SecBufferDesc none = {SECBUFFER_VERSION, 0, NULL};

			s = t->CompleteAuthToken(&ctx, &none);
		}
		if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED)
			return fail("AcceptSecurityContext", s);
		if (ob.cbBuffer != 0 && send_token(fd, TOKEN_CONTEXT, ob.pvBuffer, ob.cbBuffer) != 0)
			return 1;
	} while (s == SEC_I_CONTINUE_NEEDED);
	printf("winpr server: context established\n");

	for (;;) {
		if (recv_token(fd, &flags, &tok, &len) != 0)
			return fail("reading a message", 0);
		if (flags & TOKEN_NOOP) {
			free(tok);
			break;
		}
		if (len < 16)
			return fail("message too short", 0);
		{
			SecBuffer b[2] = {{16, SECBUFFER_TOKEN, tok},
					  {(ULONG)(len - 16), SECBUFFER_DATA, tok + 16}};
			SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
			ULONG qop = 0;

			s = t->DecryptMessage(&ctx, &d, 0, &qop);
			if (s != SEC_E_OK)
				return fail("DecryptMessage", s);
		}
		printf("winpr server: received \"%.*s\"\n", (int)(len - 16), tok + 16);
		fflush(stdout);
		{
			/* The echo: the same bytes, sealed in our direction. */
			SecBuffer b[2] = {{16, SECBUFFER_TOKEN, tok},
					  {(ULONG)(len - 16), SECBUFFER_DATA, tok + 16}};
			SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

			s = t->EncryptMessage(&ctx, 0, &d, 0);
			if (s != SEC_E_OK)
				return fail("EncryptMessage", s);
			if (send_token(fd, TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED, tok, len) != 0)
				return 1;
		}
		free(tok);
	}
	close(fd);
	close(lfd);
	t->DeleteSecurityContext(&ctx);
	t->FreeCredentialsHandle(&cred);
	return 0;
}

int main(int argc, char **argv)
{
	t = InitSecurityInterfaceExA(0);
	if (t == NULL)
		return 1;
	if (argc == 8 && strcmp(argv[1], "client") == 0)
		return client(atoi(argv[2]), argv[3], argv[4], argv[5], argv[6], argv[7]);
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return server(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: winpr_ntlm_peer client PORT TARGET USER DOMAIN PASSWORD MESSAGE\n"
			"       winpr_ntlm_peer server PORT SAMFILE\n");
	return 2;
}
