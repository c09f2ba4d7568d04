/*
 * test_kerberos_peers.c - Kerberos contexts across processes and threads:
 * client and server in two processes exchanging tokens over pipes, one
 * context encrypting in one thread while another thread decrypts on it
 * (Windows allows this), and handshakes from several threads at once.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"
#include "realm.h"

static struct realm realm;

/* Length-prefixed frames over a pipe. */
static int put_frame(int fd, const void *p, uint32_t len)
{
	if (write(fd, &len, sizeof(len)) != (ssize_t)sizeof(len))
		return -1;
	return len == 0 || write(fd, p, len) == (ssize_t)len ? 0 : -1;
}

static int get_frame(int fd, unsigned char *buf, uint32_t cap, uint32_t *len)
{
	size_t got = 0;

	if (read(fd, len, sizeof(*len)) != (ssize_t)sizeof(*len) || *len > cap)
		return -1;
	while (got < *len) {
		ssize_t r = read(fd, buf + got, *len - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* The server process: accept, decrypt one message, sign it back. Exit
 * codes say which step failed. No Check assertions here: they belong to
 * the parent. */
static int server_process(int in, int out)
{
	static unsigned char buf[65536];
	CredHandle cred;
	CtxtHandle ctx;
	SecBuffer ib, ob;
	SecBufferDesc ind = {SECBUFFER_VERSION, 1, &ib}, outd = {SECBUFFER_VERSION, 1, &ob};
	uint32_t len;
	ULONG attrs;
	unsigned char sig[64];
	SECURITY_STATUS s;

	if (AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
				      &cred, NULL) != SEC_E_OK)
		return 10;
	if (get_frame(in, buf, sizeof(buf), &len) != 0)
		return 11;
	ib = (SecBuffer){len, SECBUFFER_TOKEN, buf};
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	s = AcceptSecurityContext(&cred, NULL, &ind, ASC_REQ_ALLOCATE_MEMORY | ASC_REQ_MUTUAL_AUTH,
				  0, &ctx, &outd, &attrs, NULL);
	if (s != SEC_E_OK)
		return 12;
	if (put_frame(out, ob.pvBuffer, ob.cbBuffer) != 0)
		return 13;
	FreeContextBuffer(ob.pvBuffer);
	if (get_frame(in, buf, sizeof(buf), &len) != 0)
		return 14;
	{
		SecBuffer b[2] = {{len, SECBUFFER_STREAM, buf}, {0, SECBUFFER_DATA, NULL}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

		if (DecryptMessage(&ctx, &d, 0, NULL) != SEC_E_OK)
			return 15;
		{
			SecBuffer m[2] = {b[1], {sizeof(sig), SECBUFFER_TOKEN, sig}};
			SecBufferDesc md = {SECBUFFER_VERSION, 2, m};

			if (MakeSignature(&ctx, 0, &md, 0) != SEC_E_OK)
				return 16;
			if (put_frame(out, sig, m[1].cbBuffer) != 0)
				return 17;
		}
	}
	DeleteSecurityContext(&ctx);
	FreeCredentialsHandle(&cred);
	return 0;
}

START_TEST(two_processes_over_pipes)
{
	int to_server[2], to_client[2], status;
	pid_t pid;
	CredHandle cred;
	CtxtHandle ctx;
	SecBuffer ob = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob}, in = {SECBUFFER_VERSION, 1, &ib};
	static unsigned char buf[65536];
	unsigned char msg[256];
	const char text[] = "across a process boundary";
	uint32_t len;
	ULONG attrs;

	ck_assert_int_eq(pipe(to_server), 0);
	ck_assert_int_eq(pipe(to_client), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		close(to_server[1]);
		close(to_client[0]);
		_exit(server_process(to_server[0], to_client[1]));
	}
	close(to_server[0]);
	close(to_client[1]);

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &cred), SEC_E_OK);
	ck_status(InitializeSecurityContextA(&cred, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0, &ctx,
					     &out, &attrs, NULL),
		  SEC_I_CONTINUE_NEEDED);
	ck_assert_int_eq(put_frame(to_server[1], ob.pvBuffer, ob.cbBuffer), 0);
	FreeContextBuffer(ob.pvBuffer);
	ck_assert_int_eq(get_frame(to_client[0], buf, sizeof(buf), &len), 0);
	ib = (SecBuffer){len, SECBUFFER_TOKEN, buf};
	ob = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
	ck_status(InitializeSecurityContextA(&cred, &ctx, "HTTP/localhost", REQ, 0, 0, &in, 0, &ctx,
					     &out, &attrs, NULL),
		  SEC_E_OK);
	{
		SecBuffer b[3] = {{60, SECBUFFER_TOKEN, msg},
				  {sizeof(text), SECBUFFER_DATA, msg + 60},
				  {0, SECBUFFER_PADDING, NULL}};
		SecBufferDesc d = {SECBUFFER_VERSION, 3, b};

		memcpy(msg + 60, text, sizeof(text));
		ck_status(EncryptMessage(&ctx, 0, &d, 0), SEC_E_OK);
		ck_assert_int_eq(put_frame(to_server[1], msg, 60 + sizeof(text)), 0);
	}
	ck_assert_int_eq(get_frame(to_client[0], buf, sizeof(buf), &len), 0);
	{
		SecBuffer v[2] = {{sizeof(text), SECBUFFER_DATA, (void *)text},
				  {len, SECBUFFER_TOKEN, buf}};
		SecBufferDesc vd = {SECBUFFER_VERSION, 2, v};

		ck_status(VerifySignature(&ctx, &vd, 0, NULL), SEC_E_OK);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(to_server[1]);
	close(to_client[0]);
	ck_status(DeleteSecurityContext(&ctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&cred), SEC_E_OK);
}
END_TEST

#define ROUNDS 2000

struct direction {
	CtxtHandle *from, *to;
	int failures;
	unsigned char tag;
};

/* Seals messages with one context and opens them with the other, in order;
 * counts what went wrong (Check assertions must stay in the main thread). */
static void *stream(void *arg)
{
	struct direction *d = arg;
	unsigned char token[64], data[200];

	for (int i = 0; i < ROUNDS; i++) {
		SecBuffer b[3] = {{sizeof(token), SECBUFFER_TOKEN, token},
				  {sizeof(data), SECBUFFER_DATA, data},
				  {0, SECBUFFER_PADDING, NULL}};
		SecBufferDesc desc = {SECBUFFER_VERSION, 3, b};

		memset(data, d->tag ^ (unsigned char)i, sizeof(data));
		if (EncryptMessage(d->from, 0, &desc, 0) != SEC_E_OK ||
		    DecryptMessage(d->to, &desc, 0, NULL) != SEC_E_OK ||
		    data[0] != (unsigned char)(d->tag ^ (unsigned char)i) ||
		    data[sizeof(data) - 1] != data[0])
			d->failures++;
	}
	return NULL;
}

START_TEST(encrypt_and_decrypt_in_two_threads)
{
	struct pair p;
	pthread_t t1, t2;
	struct direction up, down;

	pair_up(&p);
	/* Each context encrypts in one thread and decrypts in the other. */
	up = (struct direction){&p.cctx, &p.sctx, 0, 0x11};
	down = (struct direction){&p.sctx, &p.cctx, 0, 0x22};
	ck_assert_int_eq(pthread_create(&t1, NULL, stream, &up), 0);
	ck_assert_int_eq(pthread_create(&t2, NULL, stream, &down), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	ck_assert_int_eq(up.failures, 0);
	ck_assert_int_eq(down.failures, 0);
	pair_down(&p);
}
END_TEST

#define THREADS 4
#define HANDSHAKES 10

struct worker {
	CredHandle *ccred, *scred;
	int failures;
};

static void *handshakes(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < HANDSHAKES; i++) {
		CtxtHandle c, s;
		ULONG ca, sa;
		unsigned char token[64], data[32];
		SecBuffer b[3] = {{sizeof(token), SECBUFFER_TOKEN, token},
				  {sizeof(data), SECBUFFER_DATA, data},
				  {0, SECBUFFER_PADDING, NULL}};
		SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
		struct loop o = {.target = "HTTP/localhost", .isc_req = REQ};

		if (handshake_loop(&o, w->ccred, w->scred, &c, &s, &ca, &sa) != SEC_E_OK) {
			w->failures++;
			continue;
		}
		memset(data, i, sizeof(data));
		if (EncryptMessage(&c, 0, &d, 0) != SEC_E_OK ||
		    DecryptMessage(&s, &d, 0, NULL) != SEC_E_OK || data[5] != (unsigned char)i)
			w->failures++;
		if (DeleteSecurityContext(&c) != SEC_E_OK || DeleteSecurityContext(&s) != SEC_E_OK)
			w->failures++;
	}
	return NULL;
}

/* Credentials are shared by all threads, as a server's are. */
START_TEST(handshakes_from_many_threads)
{
	CredHandle ccred, scred;
	pthread_t t[THREADS];
	struct worker w[THREADS];

	ck_status(acquire_password("alice", NULL, "Alice-Pass-1", &ccred), SEC_E_OK);
	acquire_server(&scred);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){&ccred, &scred, 0};
		ck_assert_int_eq(pthread_create(&t[i], NULL, handshakes, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].failures, 0);
	}
	ck_status(FreeCredentialsHandle(&ccred), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&scred), SEC_E_OK);
}
END_TEST

static Suite *peers_suite(void)
{
	Suite *s = suite_create("kerberos-peers");
	TCase *tc = tcase_create("realm");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, two_processes_over_pipes);
	tcase_add_test(tc, encrypt_and_decrypt_in_two_threads);
	tcase_add_test(tc, handshakes_from_many_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm(&realm, peers_suite());
}
