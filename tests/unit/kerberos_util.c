/*
 * kerberos_util.c - helpers shared by the Kerberos suites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "kerberos_util.h"

SECURITY_STATUS acquire_identity(const char *package, const char *user, const char *domain,
				 const char *pw, CredHandle *cred)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {
		.User = (UCHAR *)user,
		.UserLength = (ULONG)strlen(user),
		.Domain = (UCHAR *)domain,
		.DomainLength = domain ? (ULONG)strlen(domain) : 0,
		.Password = (UCHAR *)pw,
		.PasswordLength = (ULONG)strlen(pw),
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
	};
	TimeStamp expiry;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL, &id,
					 NULL, NULL, cred, &expiry);
}

SECURITY_STATUS acquire_password(const char *user, const char *domain, const char *pw,
				 CredHandle *cred)
{
	return acquire_identity("Kerberos", user, domain, pw, cred);
}

SECURITY_STATUS logon_first_leg(const char *package, const char *user, const char *domain,
			  const char *pw, const char *target)
{
	CredHandle cred;
	CtxtHandle ctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
	ULONG attrs;
	SECURITY_STATUS st = acquire_identity(package, user, domain, pw, &cred);

	if (st != SEC_E_OK)
		return st;
	st = InitializeSecurityContextA(&cred, NULL, (SEC_CHAR *)target, REQ, 0, 0, NULL, 0, &ctx,
					&out, &attrs, NULL);
	if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED) {
		DeleteSecurityContext(&ctx);
		FreeContextBuffer(ob.pvBuffer);
		st = SEC_E_OK;
	}
	FreeCredentialsHandle(&cred);
	return st;
}

void acquire_server(CredHandle *cred)
{
	TimeStamp expiry;

	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, cred, &expiry),
		  SEC_E_OK);
	ck_assert_int_eq(expiry.HighPart, 0x7FFFFFFF); /* acceptor keys: never */
}

/* Builds the input descriptor: the peer's token, then channel bindings. */
static void input(SecBufferDesc *d, SecBuffer *b, const SecBuffer *tok, SecBuffer *cb)
{
	d->ulVersion = SECBUFFER_VERSION;
	d->pBuffers = b;
	d->cBuffers = 0;
	if (tok != NULL)
		b[d->cBuffers++] = *tok;
	if (cb != NULL)
		b[d->cBuffers++] = *cb;
}

SECURITY_STATUS handshake_loop(struct loop *o, CredHandle *ccred, CredHandle *scred,
			       CtxtHandle *cctx, CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs)
{
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, stok = {0, SECBUFFER_TOKEN, NULL}, ib[2];
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc in;
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
	int first_c = 1, first_s = 1;
	TimeStamp exp;

	o->legs = 0;
	o->failed_side = 0;
	for (;;) {
		/* Client leg: first call, or answer to the server's token. */
		input(&in, ib, first_c ? NULL : &stok, o->client_cb);
		ctok = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		cs = InitializeSecurityContextA(ccred, first_c ? NULL : cctx, (SEC_CHAR *)o->target,
						o->isc_req | ISC_REQ_ALLOCATE_MEMORY, 0,
						SECURITY_NATIVE_DREP,
						in.cBuffers ? &in : NULL, 0, cctx, &cout, cattrs,
						&exp);
		if (!first_s)
			FreeContextBuffer(stok.pvBuffer);
		stok.pvBuffer = NULL;
		first_c = 0;
		if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED) {
			o->failed_side = 'c';
			return cs;
		}
		if (ctok.cbBuffer == 0) {
			/* Nothing to send: both sides must be done. */
			return ss == SEC_E_OK && cs == SEC_E_OK ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
		}
		o->legs++;
		input(&in, ib, &ctok, o->server_cb);
		stok = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		ss = AcceptSecurityContext(scred, first_s ? NULL : sctx, &in,
					   o->asc_req | ASC_REQ_ALLOCATE_MEMORY,
					   SECURITY_NATIVE_DREP, sctx, &sout, sattrs, &exp);
		FreeContextBuffer(ctok.pvBuffer);
		first_s = 0;
		if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED) {
			o->failed_side = 's';
			if (stok.pvBuffer != NULL)
				FreeContextBuffer(stok.pvBuffer);
			return ss;
		}
		if (stok.cbBuffer == 0) {
			if (stok.pvBuffer != NULL)
				FreeContextBuffer(stok.pvBuffer);
			return ss == SEC_E_OK && cs == SEC_E_OK ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
		}
		o->legs++;
	}
}

SECURITY_STATUS handshake(CredHandle *ccred, CredHandle *scred, const char *target,
			  CtxtHandle *cctx, CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs)
{
	struct loop o = {.target = target, .isc_req = REQ, .asc_req = ASC_REQ_MUTUAL_AUTH};
	SECURITY_STATUS s = handshake_loop(&o, ccred, scred, cctx, sctx, cattrs, sattrs);

	if (s == SEC_E_OK)
		ck_assert_int_eq(o.legs, 2); /* AP-REQ, AP-REP */
	return s;
}

void pair_up(struct pair *p)
{
	ck_status(acquire_password("alice", "SSPI.TEST", "Alice-Pass-1", &p->ccred), SEC_E_OK);
	acquire_server(&p->scred);
	ck_status(handshake(&p->ccred, &p->scred, "HTTP/localhost", &p->cctx, &p->sctx, &p->cattrs,
			    &p->sattrs),
		  SEC_E_OK);
}

void pair_down(struct pair *p)
{
	ck_status(DeleteSecurityContext(&p->cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&p->sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p->ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&p->scred), SEC_E_OK);
}

void seal_and_open(CtxtHandle *from, CtxtHandle *to, ULONG qop)
{
	unsigned char token[128], data[100], pad[16];
	const char *text = "the quick brown fox jumps over the lazy dog";
	SecBuffer b[3] = {{sizeof(token), SECBUFFER_TOKEN, token},
			  {(ULONG)strlen(text), SECBUFFER_DATA, data},
			  {sizeof(pad), SECBUFFER_PADDING, pad}};
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	ULONG got_qop = 99;
	SecPkgContext_Sizes sizes;

	ck_status(QueryContextAttributesA(from, SECPKG_ATTR_SIZES, &sizes), SEC_E_OK);
	memcpy(data, text, strlen(text));
	ck_status(EncryptMessage(from, qop, &d, 0), SEC_E_OK);
	/* AES tokens are all header: as long as SIZES says (sealed), or a
	 * MIC's length (signed only). */
	ck_assert_uint_eq(b[0].cbBuffer, qop ? sizes.cbMaxSignature : sizes.cbSecurityTrailer);
	ck_assert_uint_eq(b[2].cbBuffer, 0);
	if (qop == 0)
		ck_assert(memcmp(data, text, strlen(text)) != 0); /* really encrypted */
	else
		ck_assert_mem_eq(data, text, strlen(text));
	ck_status(DecryptMessage(to, &d, 0, &got_qop), SEC_E_OK);
	ck_assert_mem_eq(data, text, strlen(text));
	ck_assert_uint_eq(got_qop, qop);
}

int run_with_realm(struct realm *r, Suite *s)
{
	SRunner *runner;
	int failed;

	if (realm_start(r) != 0) {
		realm_stop(r);
		return EXIT_FAILURE;
	}
	runner = srunner_create(s);
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	realm_stop(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

SecBuffer make_cb(struct cb_storage *st, const char *app)
{
	memset(st, 0, sizeof(*st));
	st->h.cbApplicationDataLength = (ULONG)strlen(app);
	st->h.dwApplicationDataOffset = (ULONG)offsetof(struct cb_storage, data);
	memcpy(st->data, app, strlen(app));
	return (SecBuffer){(ULONG)sizeof(*st), SECBUFFER_CHANNEL_BINDINGS, st};
}

int run_with_realm_and_alice(struct realm *r, Suite *s)
{
	char path[] = "/tmp/sspi-gss-users-XXXXXX";
	/* NTLM clients log on as alice of SSPI or SSPI.TEST. */
	const char line[] = "SSPI:alice:Alice-Pass-1\nSSPI.TEST:alice:Alice-Pass-1\n";
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, line, sizeof(line) - 1) != (ssize_t)(sizeof(line) - 1)) {
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return EXIT_FAILURE;
	}
	close(fd);
	setenv("NTLM_USER_FILE", path, 1);
	rc = run_with_realm(r, s);
	unlink(path);
	return rc;
}

void realm_add_principal(const struct realm *r, const char *name, const char *options)
{
	char conf[300], cmd[900];

	snprintf(conf, sizeof(conf), "%s/krb5.conf", r->dir);
	ck_assert_int_eq(access(conf, R_OK), 0);
	snprintf(cmd, sizeof(cmd),
		 "kadmin.heimdal -l -c '%s' add --password=%s-Pass-1 --use-defaults %s %s "
		 ">/dev/null 2>&1",
		 conf, name, options, name);
	ck_assert_int_eq(system(cmd), 0);
}

int opens_watch_start(const char *dir)
{
	int fd = inotify_init1(IN_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(inotify_add_watch(fd, dir, IN_OPEN), 0);
	return fd;
}

int opens_watch_count(int fd, const char *name)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;
	int n = 0;

	while ((len = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + len;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (e->len > 0 && strcmp(e->name, name) == 0)
				n++;
			p += sizeof(*e) + e->len;
		}
	return n;
}
