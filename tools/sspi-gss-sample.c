/*
 * sspi-gss-sample - an SSPI client and server speaking the token framing of
 * MIT krb5's gss-sample programs (gss-client, gss-server), so that either
 * side can face MIT's, and both together make the Kerberos demo.
 *
 * Framing: each token is one flags byte, a 4-byte big-endian length, then
 * the bytes. The client sends NOOP|CONTEXT_NEXT, the context tokens, then
 * per message a DATA|WRAPPED|ENCRYPTED|SEND_MIC token (EncryptMessage's
 * TOKEN||DATA||PADDING, one RFC 4121 wrap token) and gets back a MIC of the
 * plaintext (MakeSignature), checked with VerifySignature; a NOOP ends.
 * With -nm the client asks for no MIC; a server started with -echo then
 * answers with the message sealed in its direction (EncryptMessage), which
 * the client opens and compares: both directions of sealing, for peers
 * (WinPR's NTLM) that have no MakeSignature.
 *
 * Written against the public SSPI API only, as a user's program would be.
 */
#define SECURITY_WIN32
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <security.h>
#include <sspi-gss.h>

#include "sample-framing.h"

static int fail(const char *what, SECURITY_STATUS s)
{
	const char *why = SspiGssGetLastErrorText();

	fprintf(stderr, "%s: %s (0x%08X): %s\n", what, SspiGssStatusName(s), (unsigned)s,
		SspiGssStatusText(s));
	if (*why != '\0')
		fprintf(stderr, "  mechanism: %s\n", why);
	return -1;
}

static void print_flags(const char *label, ULONG f, int initiator)
{
	static const struct {
		ULONG isc, asc;
		const char *name;
	} names[] = {
		{ISC_RET_DELEGATE, ASC_RET_DELEGATE, "DELEGATE"},
		{ISC_RET_MUTUAL_AUTH, ASC_RET_MUTUAL_AUTH, "MUTUAL_AUTH"},
		{ISC_RET_REPLAY_DETECT, ASC_RET_REPLAY_DETECT, "REPLAY_DETECT"},
		{ISC_RET_SEQUENCE_DETECT, ASC_RET_SEQUENCE_DETECT, "SEQUENCE_DETECT"},
		{ISC_RET_CONFIDENTIALITY, ASC_RET_CONFIDENTIALITY, "CONFIDENTIALITY"},
		{ISC_RET_ALLOCATED_MEMORY, ASC_RET_ALLOCATED_MEMORY, "ALLOCATED_MEMORY"},
		{ISC_RET_USED_DCE_STYLE, ASC_RET_USED_DCE_STYLE, "USED_DCE_STYLE"},
		{ISC_RET_CONNECTION, ASC_RET_CONNECTION, "CONNECTION"},
		{ISC_RET_EXTENDED_ERROR, ASC_RET_EXTENDED_ERROR, "EXTENDED_ERROR"},
		{ISC_RET_INTEGRITY, ASC_RET_INTEGRITY, "INTEGRITY"},
		{ISC_RET_IDENTIFY, ASC_RET_IDENTIFY, "IDENTIFY"},
	};
	const char *sep = "";

	printf("%s: 0x%08lX", label, (unsigned long)f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (f & (initiator ? names[i].isc : names[i].asc)) {
			printf("%s%s", *sep ? sep : " ", names[i].name);
			sep = "|";
		}
	}
	printf("\n");
}

static int print_context(CtxtHandle *ctx, ULONG attrs, int initiator)
{
	SecPkgContext_NativeNamesA names;
	SecPkgContext_Sizes sizes;
	SecPkgContext_KeyInfoA key;
	SECURITY_STATUS s;

	s = QueryContextAttributesA(ctx, SECPKG_ATTR_NATIVE_NAMES, &names);
	if (s != SEC_E_OK)
		return fail("QueryContextAttributes(NATIVE_NAMES)", s);
	printf("names: client %s, server %s\n", names.sClientName ? names.sClientName : "?",
	       names.sServerName ? names.sServerName : "?");
	FreeContextBuffer(names.sClientName);
	FreeContextBuffer(names.sServerName);
	print_flags("flags", attrs, initiator);
	s = QueryContextAttributesA(ctx, SECPKG_ATTR_SIZES, &sizes);
	if (s != SEC_E_OK)
		return fail("QueryContextAttributes(SIZES)", s);
	printf("sizes: max token %lu, max signature %lu, block %lu, security trailer %lu\n",
	       (unsigned long)sizes.cbMaxToken, (unsigned long)sizes.cbMaxSignature,
	       (unsigned long)sizes.cbBlockSize, (unsigned long)sizes.cbSecurityTrailer);
	if (QueryContextAttributesA(ctx, SECPKG_ATTR_KEY_INFO, &key) == SEC_E_OK) {
		printf("key: %s, %lu bits, signatures %s\n", key.sEncryptAlgorithmName,
		       (unsigned long)key.KeySize, key.sSignatureAlgorithmName);
		FreeContextBuffer(key.sEncryptAlgorithmName);
		FreeContextBuffer(key.sSignatureAlgorithmName);
	}
	fflush(stdout);
	return 0;
}

struct options {
	const char *package, *user, *domain, *password, *principal;
	const char *host, *target, *message;
	int port, once, inetd, mcount, wrap, encrypt, mic, dce, nomutual;
};

/* Server: answer a message sent without SEND_MIC with its sealed echo. */
static int echo_replies;

/* ---- client ---- */

static int client_context(int fd, const struct options *o, CredHandle *cred, CtxtHandle *ctx,
			  ULONG *attrs)
{
	/* Asked for only when the run needs it: a package must fail a context
	 * that does not grant what was asked for (-nw -nm: authentication only). */
	ULONG req = (o->nomutual ? 0 : ISC_REQ_MUTUAL_AUTH) | ISC_REQ_ALLOCATE_MEMORY |
		    (o->wrap || o->mic ? ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT |
					     ISC_REQ_INTEGRITY
				       : 0) |
		    (o->wrap && o->encrypt ? ISC_REQ_CONFIDENTIALITY : 0) |
		    (o->dce ? ISC_REQ_USE_DCE_STYLE : 0);
	SecBuffer out_buf, in_buf;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &out_buf}, in = {SECBUFFER_VERSION, 1, &in_buf};
	unsigned char *peer = NULL;
	size_t peer_len = 0;
	int first = 1, flags;
	SECURITY_STATUS s;
	TimeStamp expiry;

	if (send_token(fd, TOKEN_NOOP | TOKEN_CONTEXT_NEXT, NULL, 0) != 0)
		return -1;
	for (;;) {
		out_buf = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		in_buf = (SecBuffer){(ULONG)peer_len, SECBUFFER_TOKEN, peer};
		s = InitializeSecurityContextA(cred, first ? NULL : ctx, (SEC_CHAR *)o->target, req,
					       0, SECURITY_NATIVE_DREP, first ? NULL : &in, 0, ctx,
					       &out, attrs, &expiry);
		free(peer);
		peer = NULL;
		if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED) {
			if (!first)
				DeleteSecurityContext(ctx);
			return fail("InitializeSecurityContext", s);
		}
		first = 0;
		if (out_buf.cbBuffer != 0) {
			int r = send_token(fd, TOKEN_CONTEXT, out_buf.pvBuffer, out_buf.cbBuffer);

			FreeContextBuffer(out_buf.pvBuffer);
			if (r != 0)
				break;
		}
		if (s == SEC_E_OK)
			return 0;
		if (recv_token(fd, &flags, &peer, &peer_len) != 0)
			break;
	}
	DeleteSecurityContext(ctx);
	return -1;
}

static int client_message(int fd, const struct options *o, CtxtHandle *ctx,
			  const SecPkgContext_Sizes *sizes)
{
	size_t len = strlen(o->message);
	size_t cap = sizes->cbSecurityTrailer + len + sizes->cbBlockSize;
	unsigned char *msg = malloc(cap), *mic = NULL;
	SecBuffer b[3];
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	size_t mic_len = 0, total;
	int flags, rc = -1;
	SECURITY_STATUS s;

	if (msg == NULL)
		return -1;
	if (o->wrap) {
		/* TOKEN, DATA and PADDING laid out so that they end up adjacent. */
		b[0] = (SecBuffer){sizes->cbSecurityTrailer, SECBUFFER_TOKEN, msg};
		b[1] = (SecBuffer){(ULONG)len, SECBUFFER_DATA, msg + sizes->cbSecurityTrailer};
		b[2] = (SecBuffer){sizes->cbBlockSize, SECBUFFER_PADDING,
				   msg + sizes->cbSecurityTrailer + len};
		memcpy(b[1].pvBuffer, o->message, len);
		s = EncryptMessage(ctx, o->encrypt ? 0 : SECQOP_WRAP_NO_ENCRYPT, &d, 0);
		if (s != SEC_E_OK) {
			free(msg);
			return fail("EncryptMessage", s);
		}
		/* Close any gap the mechanism left after a short header. */
		memmove(msg + b[0].cbBuffer, b[1].pvBuffer, len);
		memmove(msg + b[0].cbBuffer + len, b[2].pvBuffer, b[2].cbBuffer);
		total = b[0].cbBuffer + len + b[2].cbBuffer;
		printf("EncryptMessage: %zu bytes (token %lu + data %zu + padding %lu), %s\n", total,
		       (unsigned long)b[0].cbBuffer, len, (unsigned long)b[2].cbBuffer,
		       o->encrypt ? "sealed" : "signed only");
	} else {
		memcpy(msg, o->message, len);
		total = len;
	}
	if (send_token(fd,
		       TOKEN_DATA | (o->wrap ? TOKEN_WRAPPED : 0) |
			       (o->wrap && o->encrypt ? TOKEN_ENCRYPTED : 0) |
			       (o->mic ? TOKEN_SEND_MIC : 0),
		       msg, total) != 0 ||
	    recv_token(fd, &flags, &mic, &mic_len) != 0)
		goto out;
	if (o->mic) {
		SecBuffer v[2] = {{(ULONG)len, SECBUFFER_DATA, (void *)o->message},
				  {(ULONG)mic_len, SECBUFFER_TOKEN, mic}};
		SecBufferDesc vd = {SECBUFFER_VERSION, 2, v};

		s = VerifySignature(ctx, &vd, 0, NULL);
		if (s != SEC_E_OK) {
			fail("VerifySignature", s);
			goto out;
		}
		printf("VerifySignature: %zu-byte MIC from the server\n", mic_len);
		printf("Signature verified.\n");
	} else if (flags & TOKEN_WRAPPED) {
		SecBuffer v[2] = {{(ULONG)mic_len, SECBUFFER_STREAM, mic}, {0, SECBUFFER_DATA, NULL}};
		SecBufferDesc vd = {SECBUFFER_VERSION, 2, v};

		s = DecryptMessage(ctx, &vd, 0, NULL);
		if (s != SEC_E_OK) {
			fail("DecryptMessage", s);
			goto out;
		}
		if (v[1].cbBuffer != len || memcmp(v[1].pvBuffer, o->message, len) != 0) {
			fprintf(stderr, "sspi-gss-sample: the echo differs from the message\n");
			goto out;
		}
		printf("Echo verified.\n");
	} else {
		printf("Response received.\n");
	}
	rc = 0;
out:
	free(msg);
	free(mic);
	return rc;
}

static int connect_to(const char *host, int port)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	char service[16];
	int fd = -1;

	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0) {
		fprintf(stderr, "sspi-gss-sample: cannot resolve %s\n", host);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "sspi-gss-sample: cannot connect to %s:%d\n", host, port);
	return fd;
}

static int acquire(const struct options *o, ULONG use, CredHandle *cred)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {0};
	TimeStamp expiry;
	SECURITY_STATUS s;

	if (o->user != NULL) {
		id.User = (unsigned char *)o->user;
		id.UserLength = (ULONG)strlen(o->user);
		id.Domain = (unsigned char *)o->domain;
		id.DomainLength = o->domain ? (ULONG)strlen(o->domain) : 0;
		id.Password = (unsigned char *)o->password;
		id.PasswordLength = o->password ? (ULONG)strlen(o->password) : 0;
		id.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
	}
	s = AcquireCredentialsHandleA((SEC_CHAR *)o->principal, (SEC_CHAR *)o->package, use, NULL,
				      o->user ? &id : NULL, NULL, NULL, cred, &expiry);
	if (s != SEC_E_OK)
		return fail("AcquireCredentialsHandle", s);
	return 0;
}

static int run_client(const struct options *o)
{
	CredHandle cred;
	CtxtHandle ctx;
	SecPkgContext_Sizes sizes;
	ULONG attrs = 0;
	int fd, rc = 1;

	if (acquire(o, SECPKG_CRED_OUTBOUND, &cred) != 0)
		return 1;
	fd = connect_to(o->host, o->port);
	if (fd < 0) {
		FreeCredentialsHandle(&cred);
		return 1;
	}
	if (client_context(fd, o, &cred, &ctx, &attrs) == 0) {
		if (print_context(&ctx, attrs, 1) == 0 &&
		    QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK) {
			rc = 0;
			for (int i = 0; i < o->mcount && rc == 0; i++)
				rc = client_message(fd, o, &ctx, &sizes) == 0 ? 0 : 1;
			if (rc == 0)
				send_token(fd, TOKEN_NOOP, NULL, 0);
		}
		DeleteSecurityContext(&ctx);
	}
	close(fd);
	FreeCredentialsHandle(&cred);
	return rc;
}

/* ---- server ---- */

static int server_context(int in, int out, CredHandle *cred, CtxtHandle *ctx, ULONG *attrs)
{
	SecBuffer in_buf, out_buf;
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in_buf}, outd = {SECBUFFER_VERSION, 1, &out_buf};
	unsigned char *tok;
	size_t len;
	int flags, first = 1;
	SECURITY_STATUS s;
	TimeStamp expiry;

	if (recv_token(in, &flags, &tok, &len) != 0)
		return -1;
	free(tok);
	if (!(flags & TOKEN_NOOP) || !(flags & TOKEN_CONTEXT_NEXT)) {
		fprintf(stderr, "sspi-gss-sample: the client does not want authentication\n");
		return -1;
	}
	do {
		if (recv_token(in, &flags, &tok, &len) != 0)
			break;
		in_buf = (SecBuffer){(ULONG)len, SECBUFFER_TOKEN, tok};
		out_buf = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		s = AcceptSecurityContext(cred, first ? NULL : ctx, &ind,
					  ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_MUTUAL_AUTH |
						  ASC_REQ_EXTENDED_ERROR,
					  SECURITY_NATIVE_DREP, ctx, &outd, attrs, &expiry);
		free(tok);
		if (out_buf.cbBuffer != 0) {
			/* On failure this is the error token for the client. */
			send_token(out, TOKEN_CONTEXT, out_buf.pvBuffer, out_buf.cbBuffer);
			FreeContextBuffer(out_buf.pvBuffer);
		}
		if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED) {
			if (!first)
				DeleteSecurityContext(ctx);
			return fail("AcceptSecurityContext", s);
		}
		first = 0;
	} while (s == SEC_I_CONTINUE_NEEDED);
	if (s == SEC_E_OK)
		return 0;
	if (!first)
		DeleteSecurityContext(ctx);
	return -1;
}

/* TOKEN || DATA of the plaintext, sealed by the server. */
static int seal_echo(int out, CtxtHandle *ctx, const SecPkgContext_Sizes *sizes,
		     const unsigned char *plain, size_t len)
{
	size_t trailer = sizes->cbSecurityTrailer;
	unsigned char *m = malloc(trailer + len + sizes->cbBlockSize + 1);
	SecBuffer b[3];
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	SECURITY_STATUS s;
	int r;

	if (m == NULL)
		return -1;
	b[0] = (SecBuffer){(ULONG)trailer, SECBUFFER_TOKEN, m};
	b[1] = (SecBuffer){(ULONG)len, SECBUFFER_DATA, m + trailer};
	b[2] = (SecBuffer){sizes->cbBlockSize, SECBUFFER_PADDING, m + trailer + len};
	memcpy(m + trailer, plain, len);
	s = EncryptMessage(ctx, 0, &d, 0);
	if (s != SEC_E_OK) {
		free(m);
		return fail("EncryptMessage", s);
	}
	memmove(m + b[0].cbBuffer, b[1].pvBuffer, len);
	memmove(m + b[0].cbBuffer + len, b[2].pvBuffer, b[2].cbBuffer);
	r = send_token(out, TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED, m,
		       b[0].cbBuffer + len + b[2].cbBuffer);
	if (r == 0)
		printf("EncryptMessage: sealed echo sent back\n");
	free(m);
	return r;
}

static int server_messages(int in, int out, CtxtHandle *ctx, const SecPkgContext_Sizes *sizes)
{
	for (;;) {
		unsigned char *tok, *plain, *sig;
		size_t len, plain_len;
		int flags, r;
		SECURITY_STATUS s;

		if (recv_token(in, &flags, &tok, &len) != 0)
			return -1;
		if (flags & TOKEN_NOOP) {
			free(tok);
			return 0;
		}
		plain = tok;
		plain_len = len;
		if (flags & TOKEN_WRAPPED) {
			SecBuffer b[2] = {{(ULONG)len, SECBUFFER_STREAM, tok},
					  {0, SECBUFFER_DATA, NULL}};
			SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
			ULONG qop = 0;

			s = DecryptMessage(ctx, &d, 0, &qop);
			if (s != SEC_E_OK) {
				free(tok);
				return fail("DecryptMessage", s);
			}
			plain = b[1].pvBuffer;
			plain_len = b[1].cbBuffer;
			printf("DecryptMessage: %zu bytes in\n", len);
			if ((flags & TOKEN_ENCRYPTED) && qop == SECQOP_WRAP_NO_ENCRYPT)
				fprintf(stderr, "Warning! Message not encrypted.\n");
		}
		printf("Received message: \"%.*s\"\n", (int)plain_len, (const char *)plain);
		fflush(stdout);
		if (!(flags & TOKEN_SEND_MIC) && echo_replies) {
			r = seal_echo(out, ctx, sizes, plain, plain_len);
			free(tok);
			if (r != 0)
				return -1;
			continue;
		}
		if (!(flags & TOKEN_SEND_MIC)) {
			free(tok);
			if (send_token(out, TOKEN_NOOP, NULL, 0) != 0)
				return -1;
			continue;
		}
		sig = malloc(sizes->cbMaxSignature);
		if (sig == NULL) {
			free(tok);
			return -1;
		}
		{
			SecBuffer b[2] = {{(ULONG)plain_len, SECBUFFER_DATA, plain},
					  {sizes->cbMaxSignature, SECBUFFER_TOKEN, sig}};
			SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

			s = MakeSignature(ctx, 0, &d, 0);
			r = s == SEC_E_OK ? send_token(out, TOKEN_MIC, sig, b[1].cbBuffer) : -1;
			if (s == SEC_E_OK)
				printf("MakeSignature: %lu-byte MIC sent back\n",
				       (unsigned long)b[1].cbBuffer);
		}
		free(sig);
		free(tok);
		if (s != SEC_E_OK)
			return fail("MakeSignature", s);
		if (r != 0)
			return -1;
	}
}

static int serve_one(int in, int out, CredHandle *cred)
{
	CtxtHandle ctx;
	SecPkgContext_Sizes sizes;
	SecPkgContext_NamesA names;
	ULONG attrs = 0;
	int rc = -1;

	if (server_context(in, out, cred, &ctx, &attrs) != 0)
		return -1;
	if (QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names) == SEC_E_OK) {
		printf("Accepted connection: \"%s\"\n", names.sUserName);
		FreeContextBuffer(names.sUserName);
	}
	if (print_context(&ctx, attrs, 0) == 0 &&
	    QueryContextAttributesA(&ctx, SECPKG_ATTR_SIZES, &sizes) == SEC_E_OK)
		rc = server_messages(in, out, &ctx, &sizes);
	DeleteSecurityContext(&ctx);
	return rc;
}

static int run_server(const struct options *o)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CredHandle cred;
	int lfd, on = 1, rc = 0;

	if (acquire(o, SECPKG_CRED_INBOUND, &cred) != 0)
		return 1;
	if (o->inetd) {
		rc = serve_one(0, 1, &cred) == 0 ? 0 : 1;
		FreeCredentialsHandle(&cred);
		return rc;
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 5) != 0) {
		perror("sspi-gss-sample: listening");
		FreeCredentialsHandle(&cred);
		return 1;
	}
	fprintf(stderr, "listening on 127.0.0.1:%d\n", o->port);
	do {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			rc = 1;
			break;
		}
		rc = serve_one(fd, fd, &cred) == 0 ? 0 : 1;
		close(fd);
	} while (!o->once);
	close(lfd);
	FreeCredentialsHandle(&cred);
	return rc;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: sspi-gss-sample client [-port N] [-package NAME] [-user U [-domain D] -pass P]\n"
		"                              [-mcount N] [-nw] [-nx] [-nm] [-dce] [-nomutual]\n"
		"                              host target message\n"
		"       sspi-gss-sample server [-port N] [-once | -inetd] [-package NAME]\n"
		"                              [-principal NAME] [-echo]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct options o = {.package = "Kerberos", .port = 4444, .mcount = 1, .wrap = 1,
			    .encrypt = 1, .mic = 1};
	int client, i;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "client") == 0)
		client = 1;
	else if (strcmp(argv[1], "server") == 0)
		client = 0;
	else
		return usage();
	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "-once") == 0)
			o.once = 1;
		else if (strcmp(opt, "-inetd") == 0)
			o.inetd = 1;
		else if (strcmp(opt, "-nw") == 0)
			o.wrap = 0;
		else if (strcmp(opt, "-nx") == 0)
			o.encrypt = 0;
		else if (strcmp(opt, "-nm") == 0)
			o.mic = 0;
		else if (strcmp(opt, "-dce") == 0)
			o.dce = 1;
		else if (strcmp(opt, "-nomutual") == 0)
			o.nomutual = 1;
		else if (strcmp(opt, "-echo") == 0)
			echo_replies = 1;
		else if (val == NULL)
			return usage();
		else if (strcmp(opt, "-port") == 0)
			o.port = atoi(val), i++;
		else if (strcmp(opt, "-package") == 0)
			o.package = val, i++;
		else if (strcmp(opt, "-user") == 0)
			o.user = val, i++;
		else if (strcmp(opt, "-domain") == 0)
			o.domain = val, i++;
		else if (strcmp(opt, "-pass") == 0)
			o.password = val, i++;
		else if (strcmp(opt, "-principal") == 0)
			o.principal = val, i++;
		else if (strcmp(opt, "-mcount") == 0)
			o.mcount = atoi(val), i++;
		else
			return usage();
	}
	if (client) {
		if (argc - i != 3)
			return usage();
		o.host = argv[i];
		o.target = argv[i + 1];
		o.message = argv[i + 2];
		return run_client(&o);
	}
	if (argc != i)
		return usage();
	return run_server(&o);
}
