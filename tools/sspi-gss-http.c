/*
 * sspi-gss-http.c - HTTP Negotiate (RFC 4559) on SSPI, client and server:
 * what a program needs to log on to a web server the way Windows programs
 * do, or to be such a server. One file, plain sockets, HTTP/1.1 with the
 * handshake kept on one connection (NTLM needs that; Kerberos does not).
 *
 *   sspi-gss-http get [-package P] [-user U -domain D -pass W] [-target SPN] URL
 *       GET http://host:port/path; on "401 WWW-Authenticate: Negotiate"
 *       answers with "Authorization: Negotiate <base64 token>" until the
 *       server is done, checks the server's last token (mutual
 *       authentication) and prints the body. Exit 0 on 200 with the
 *       context complete, 1 otherwise. SPN: HTTP/host by default.
 *   sspi-gss-http serve [-package P] [-once] PORT
 *       on 127.0.0.1: "401 WWW-Authenticate: Negotiate" without
 *       credentials, the next token while the handshake goes on, and
 *       "200 Hello, <client>" with the last token when it is done; a
 *       failed logon is 401 again. -once: one authenticated request, then
 *       exit (0, or 1 when no logon succeeded).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include "base64.h"

#define MAX_HEAD 65536
#define MAX_LEGS 8

/* ---- HTTP on a socket ---- */

struct message {
	char head[MAX_HEAD];
	size_t head_len;
	char *body;
	size_t body_len;
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The value of header name in the head (case-insensitive), or NULL. */
static const char *header(const struct message *m, const char *name)
{
	size_t n = strlen(name);

	for (const char *line = strstr(m->head, "\r\n"); line != NULL;
	     line = strstr(line + 2, "\r\n")) {
		const char *h = line + 2;

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ')
				h++;
			return h;
		}
	}
	return NULL;
}

/* Reads a head and a Content-Length body. 0, or -1 at EOF or on error. */
static int read_message(int fd, struct message *m)
{
	char *end = NULL;
	size_t have = 0, want;
	const char *cl;

	m->body = NULL;
	m->body_len = 0;
	while (end == NULL) {
		ssize_t r;

		if (have + 1 >= sizeof(m->head))
			return -1;
		r = read(fd, m->head + have, 1); /* byte by byte: no read past the head */
		if (r <= 0)
			return -1;
		have++;
		m->head[have] = '\0';
		if (have >= 4 && memcmp(m->head + have - 4, "\r\n\r\n", 4) == 0)
			end = m->head + have - 2;
	}
	*end = '\0';
	m->head_len = have;
	cl = header(m, "Content-Length");
	want = cl != NULL ? (size_t)strtoul(cl, NULL, 10) : 0;
	if (want > (16u << 20))
		return -1;
	m->body = malloc(want + 1);
	if (m->body == NULL)
		return -1;
	while (m->body_len < want) {
		ssize_t r = read(fd, m->body + m->body_len, want - m->body_len);

		if (r <= 0)
			return -1;
		m->body_len += (size_t)r;
	}
	m->body[m->body_len] = '\0';
	return 0;
}

/* The token of a "Negotiate <base64>" header value; NULL without one. */
static unsigned char *negotiate_token(const char *value, size_t *len)
{
	if (value == NULL || strncasecmp(value, "Negotiate", 9) != 0 || value[9] != ' ')
		return NULL;
	return sg_b64_decode(value + 10, len);
}

static void set_timeouts(int fd)
{
	struct timeval tv = {20, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- client ---- */

struct options {
	const char *package, *user, *domain, *pass, *target;
	int once;
};

static int client(const struct options *o, const char *url)
{
	char host[256], path[1024] = "/", spn[300], request[MAX_HEAD];
	unsigned port = 80;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai;
	SEC_WINNT_AUTH_IDENTITY_A id = {0};
	CredHandle cred;
	CtxtHandle ctx;
	int fd, have_ctx = 0, have_cred = 0, rc = 1;
	char *auth = NULL, portstr[16];
	SECURITY_STATUS s;
	TimeStamp t;

	if (sscanf(url, "http://%255[^:/]:%u%1023s", host, &port, path) < 2 &&
	    sscanf(url, "http://%255[^:/]%1023s", host, path) < 1) {
		fprintf(stderr, "sspi-gss-http: not an http:// URL: %s\n", url);
		return 2;
	}
	snprintf(spn, sizeof(spn), "HTTP/%s", host);
	if (o->user != NULL) {
		id = (SEC_WINNT_AUTH_IDENTITY_A){
			(UCHAR *)o->user, (ULONG)strlen(o->user), (UCHAR *)o->domain,
			o->domain ? (ULONG)strlen(o->domain) : 0, (UCHAR *)o->pass,
			o->pass ? (ULONG)strlen(o->pass) : 0, SEC_WINNT_AUTH_IDENTITY_ANSI};
	}
	snprintf(portstr, sizeof(portstr), "%u", port);
	if (getaddrinfo(host, portstr, &hints, &ai) != 0) {
		fprintf(stderr, "sspi-gss-http: cannot resolve %s\n", host);
		return 1;
	}
	/* Each address in turn: "localhost" may be ::1 first. */
	fd = -1;
	for (struct addrinfo *a = ai; a != NULL && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		fprintf(stderr, "sspi-gss-http: cannot connect to %s:%u\n", host, port);
		return 1;
	}
	set_timeouts(fd);
	for (int leg = 0; leg < MAX_LEGS; leg++) {
		struct message m;
		unsigned char *tok;
		size_t tok_len = 0;
		int status;

		snprintf(request, sizeof(request),
			 "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: sspi-gss-http\r\n%s%s%s\r\n",
			 path, host, port, auth ? "Authorization: Negotiate " : "", auth ? auth : "",
			 auth ? "\r\n" : "");
		free(auth);
		auth = NULL;
		if (write_all(fd, request, strlen(request)) != 0 || read_message(fd, &m) != 0) {
			fprintf(stderr, "sspi-gss-http: the connection broke\n");
			break;
		}
		status = atoi(m.head + 9);
		printf("status: %d\n", status);
		tok = negotiate_token(header(&m, "WWW-Authenticate"), &tok_len);
		if (status == 401 && header(&m, "WWW-Authenticate") == NULL) {
			free(m.body);
			break;
		}
		if (status == 401 && tok == NULL && have_ctx) {
			/* Refused after our token: the logon failed. */
			free(m.body);
			break;
		}
		if (status == 200 || tok != NULL || !have_ctx) {
			SecBuffer ib = {(ULONG)tok_len, SECBUFFER_TOKEN, tok};
			SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
			SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
			ULONG attrs;

			if (status == 401 && !have_cred) {
				/* Challenged: the credential is acquired now, as a
				 * browser does. */
				s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)o->package,
							      SECPKG_CRED_OUTBOUND, NULL,
							      o->user ? &id : NULL, NULL, NULL, &cred,
							      &t);
				if (s != SEC_E_OK) {
					fprintf(stderr, "sspi-gss-http: no credentials: %s (%s)\n",
						SspiGssStatusName(s), SspiGssGetLastErrorText());
					free(tok);
					free(m.body);
					break;
				}
				have_cred = 1;
			}
			if (status == 200 && tok == NULL) {
				/* Done with no last token: nothing to verify. */
				printf("mutual: %s\n", have_ctx ? "no token from the server" : "none");
				fwrite(m.body, 1, m.body_len, stdout);
				rc = have_ctx ? 0 : 1;
				free(m.body);
				break;
			}
			s = InitializeSecurityContextA(&cred, have_ctx ? &ctx : NULL, (SEC_CHAR *)
						       (o->target ? o->target : spn),
						       ISC_REQ_MUTUAL_AUTH | ISC_REQ_ALLOCATE_MEMORY, 0,
						       SECURITY_NATIVE_DREP, have_ctx ? &in : NULL, 0,
						       &ctx, &out, &attrs, &t);
			free(tok);
			if (s != SEC_E_OK && s != SEC_I_CONTINUE_NEEDED) {
				fprintf(stderr, "sspi-gss-http: InitializeSecurityContext: %s (%s)\n",
					SspiGssStatusName(s), SspiGssGetLastErrorText());
				free(m.body);
				break;
			}
			have_ctx = 1;
			if (status == 200) {
				/* The server's last token: mutual authentication. */
				printf("mutual: %s\n", s == SEC_E_OK ? "verified" : "incomplete");
				fwrite(m.body, 1, m.body_len, stdout);
				rc = s == SEC_E_OK ? 0 : 1;
				if (ob.pvBuffer != NULL)
					FreeContextBuffer(ob.pvBuffer);
				free(m.body);
				break;
			}
			auth = sg_b64_encode(ob.pvBuffer, ob.cbBuffer);
			if (ob.pvBuffer != NULL)
				FreeContextBuffer(ob.pvBuffer);
		}
		free(m.body);
		if (auth == NULL)
			break;
	}
	free(auth);
	close(fd);
	if (have_ctx)
		DeleteSecurityContext(&ctx);
	if (have_cred)
		FreeCredentialsHandle(&cred);
	return rc;
}

/* ---- server ---- */

static int respond(int fd, int status, const char *token_b64, const char *body)
{
	char head[MAX_HEAD];

	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d %s\r\n%s%s%s%sContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
		 status, status == 200 ? "OK" : "Unauthorized",
		 token_b64 || status == 401 ? "WWW-Authenticate: Negotiate" : "",
		 token_b64 ? " " : "", token_b64 ? token_b64 : "",
		 token_b64 || status == 401 ? "\r\n" : "", strlen(body));
	return write_all(fd, head, strlen(head)) == 0 && write_all(fd, body, strlen(body)) == 0
		       ? 0
		       : -1;
}

/* Serves one connection; returns 1 when a client was authenticated. */
static int serve_connection(int fd, CredHandle *cred, const char *package)
{
	CtxtHandle ctx;
	int have_ctx = 0, authenticated = 0;

	set_timeouts(fd);
	for (int req = 0; req < MAX_LEGS && !authenticated; req++) {
		struct message m;
		unsigned char *tok;
		size_t tok_len = 0;

		if (read_message(fd, &m) != 0)
			break;
		free(m.body);
		tok = negotiate_token(header(&m, "Authorization"), &tok_len);
		if (tok == NULL) {
			if (respond(fd, 401, NULL, "Negotiate, please\n") != 0)
				break;
			continue;
		}
		{
			SecBuffer ib = {(ULONG)tok_len, SECBUFFER_TOKEN, tok};
			SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
			SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};
			ULONG attrs;
			TimeStamp t;
			SECURITY_STATUS s;
			char *reply = NULL;

			s = AcceptSecurityContext(cred, have_ctx ? &ctx : NULL, &in,
						  ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_MUTUAL_AUTH, 0,
						  &ctx, &out, &attrs, &t);
			free(tok);
			if (ob.cbBuffer != 0)
				reply = sg_b64_encode(ob.pvBuffer, ob.cbBuffer);
			if (ob.pvBuffer != NULL)
				FreeContextBuffer(ob.pvBuffer);
			if (s == SEC_I_CONTINUE_NEEDED) {
				have_ctx = 1;
				if (respond(fd, 401, reply ? reply : "", "continue\n") != 0) {
					free(reply);
					break;
				}
			} else if (s == SEC_E_OK) {
				SecPkgContext_NamesA names;
				char body[512];

				have_ctx = 1;
				if (QueryContextAttributesA(&ctx, SECPKG_ATTR_NAMES, &names) != SEC_E_OK)
					names.sUserName = NULL;
				printf("authenticated: %s (%s)\n",
				       names.sUserName ? names.sUserName : "?", package);
				fflush(stdout);
				snprintf(body, sizeof(body), "Hello, %s\n",
					 names.sUserName ? names.sUserName : "?");
				if (names.sUserName != NULL)
					FreeContextBuffer(names.sUserName);
				authenticated = respond(fd, 200, reply, body) == 0;
			} else {
				printf("refused: %s (%s)\n", SspiGssStatusName(s),
				       SspiGssGetLastErrorText());
				fflush(stdout);
				if (have_ctx)
					DeleteSecurityContext(&ctx);
				have_ctx = 0;
				/* A plain 401: the client may start again. */
				if (respond(fd, 401, NULL, "logon failed\n") != 0) {
					free(reply);
					break;
				}
			}
			free(reply);
		}
	}
	if (have_ctx)
		DeleteSecurityContext(&ctx);
	close(fd);
	return authenticated;
}

static int server(const struct options *o, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	CredHandle cred;
	TimeStamp t;
	int ls, one = 1;
	SECURITY_STATUS s;

	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)o->package, SECPKG_CRED_INBOUND, NULL, NULL,
				      NULL, NULL, &cred, &t);
	if (s != SEC_E_OK) {
		fprintf(stderr, "sspi-gss-http: no server credentials: %s (%s)\n",
			SspiGssStatusName(s), SspiGssGetLastErrorText());
		return 1;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(ls, 8) != 0) {
		fprintf(stderr, "sspi-gss-http: cannot listen on 127.0.0.1:%d\n", port);
		FreeCredentialsHandle(&cred);
		return 1;
	}
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	for (;;) {
		int fd = accept(ls, NULL, NULL);

		if (fd < 0)
			continue;
		if (serve_connection(fd, &cred, o->package) && o->once)
			break;
	}
	close(ls);
	FreeCredentialsHandle(&cred);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: sspi-gss-http get [-package P] [-user U -domain D -pass W] [-target SPN] "
		"URL\n"
		"       sspi-gss-http serve [-package P] [-once] PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct options o = {.package = "Negotiate"};
	int i = 2;

	if (argc < 3)
		return usage();
	for (; i < argc - 1; i++) {
		if (strcmp(argv[i], "-once") == 0)
			o.once = 1;
		else if (i + 1 < argc - 1 && strcmp(argv[i], "-package") == 0)
			o.package = argv[++i];
		else if (i + 1 < argc - 1 && strcmp(argv[i], "-user") == 0)
			o.user = argv[++i];
		else if (i + 1 < argc - 1 && strcmp(argv[i], "-domain") == 0)
			o.domain = argv[++i];
		else if (i + 1 < argc - 1 && strcmp(argv[i], "-pass") == 0)
			o.pass = argv[++i];
		else if (i + 1 < argc - 1 && strcmp(argv[i], "-target") == 0)
			o.target = argv[++i];
		else
			return usage();
	}
	if (strcmp(argv[1], "get") == 0)
		return client(&o, argv[argc - 1]);
	if (strcmp(argv[1], "serve") == 0)
		return server(&o, atoi(argv[argc - 1]));
	return usage();
}
