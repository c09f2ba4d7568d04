/*
 * test_stress.c - many threads at once, every package: each thread makes
 * full handshakes on credentials all threads share and seals messages both
 * ways on each new context; and one context pair per package with one
 * thread encrypting while another decrypts on the same contexts, as
 * Windows allows. Bounded: THREADS x HANDSHAKES per package, MESSAGES per
 * context. Failures are counted in the threads and asserted in the main
 * one (Check's assertions are not for other threads).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerberos_util.h"

#define THREADS 6
#define HANDSHAKES 12
#define MESSAGES 8
#define STREAM 400 /* messages each way in the encrypt-while-decrypt case */

static struct realm realm;
static atomic_int failures;

struct package_creds {
	const char *package;
	const char *target;
	CredHandle client, server;
};

static void record_failure(const char *what, SECURITY_STATUS s)
{
	fprintf(stderr, "stress: %s: %s\n", what, SspiGssStatusName(s) ? SspiGssStatusName(s) : "?");
	atomic_fetch_add(&failures, 1);
}

static SECURITY_STATUS acquire(const char *package, ULONG use, CredHandle *cred)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {(UCHAR *)"alice", 5, (UCHAR *)"SSPI.TEST", 9,
					(UCHAR *)"Alice-Pass-1", 12, SEC_WINNT_AUTH_IDENTITY_ANSI};
	TimeStamp exp;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, use, NULL,
					 use == SECPKG_CRED_OUTBOUND ? &id : NULL, NULL, NULL, cred,
					 &exp);
}

/* Sealed from one context to the other; 0 when it arrived intact. */
static int seal(CtxtHandle *from, CtxtHandle *to, int n)
{
	unsigned char token[128], data[64];
	char text[64];
	SecPkgContext_Sizes sizes;
	ULONG qop;
	SECURITY_STATUS s;

	if (QueryContextAttributesA(from, SECPKG_ATTR_SIZES, &sizes) != SEC_E_OK ||
	    sizes.cbSecurityTrailer > sizeof(token))
		return -1;
	snprintf(text, sizeof(text), "message %d", n);
	{
		SecBuffer b[2] = {{sizes.cbSecurityTrailer, SECBUFFER_TOKEN, token},
				  {(ULONG)strlen(text), SECBUFFER_DATA, data}};
		SecBufferDesc d = {SECBUFFER_VERSION, 2, b};

		memcpy(data, text, strlen(text));
		s = EncryptMessage(from, 0, &d, 0);
		if (s != SEC_E_OK) {
			record_failure("EncryptMessage", s);
			return -1;
		}
		s = DecryptMessage(to, &d, 0, &qop);
		if (s != SEC_E_OK) {
			record_failure("DecryptMessage", s);
			return -1;
		}
		return memcmp(data, text, strlen(text)) == 0 ? 0 : -1;
	}
}

static void *handshakes(void *arg)
{
	struct package_creds *p = arg;

	for (int i = 0; i < HANDSHAKES; i++) {
		struct loop o = {.target = p->target,
				 .isc_req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY |
					    ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT,
				 .asc_req = ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY};
		CtxtHandle c, s;
		ULONG ca, sa;
		SECURITY_STATUS st = handshake_loop(&o, &p->client, &p->server, &c, &s, &ca, &sa);

		if (st != SEC_E_OK) {
			record_failure(p->package, st);
			continue;
		}
		for (int m = 0; m < MESSAGES; m++)
			if (seal(&c, &s, m) != 0 || seal(&s, &c, m) != 0)
				atomic_fetch_add(&failures, 1);
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
	}
	return NULL;
}

/* One direction of the encrypt-while-decrypt case. */
struct direction {
	CtxtHandle *from, *to;
};

static void *stream(void *arg)
{
	struct direction *d = arg;

	for (int m = 0; m < STREAM; m++)
		if (seal(d->from, d->to, m) != 0)
			atomic_fetch_add(&failures, 1);
	return NULL;
}

static void run_package(const char *package, const char *target)
{
	struct package_creds p = {package, target, {0, 0}, {0, 0}};
	pthread_t threads[THREADS];

	ck_status(acquire(package, SECPKG_CRED_OUTBOUND, &p.client), SEC_E_OK);
	ck_status(acquire(package, SECPKG_CRED_INBOUND, &p.server), SEC_E_OK);
	atomic_store(&failures, 0);
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, handshakes, &p), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	ck_assert_msg(atomic_load(&failures) == 0, "%s: %d failures in %d threads x %d handshakes",
		      package, atomic_load(&failures), THREADS, HANDSHAKES);

	/* One context pair; the client->server direction in one thread, the
	 * server->client one in another: each context encrypts in one thread
	 * while it decrypts in the other. */
	{
		struct loop o = {.target = target,
				 .isc_req = ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY,
				 .asc_req = ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY};
		CtxtHandle c, s;
		ULONG ca, sa;
		struct direction up = {&c, &s}, down = {&s, &c};
		pthread_t a, b;

		ck_status(handshake_loop(&o, &p.client, &p.server, &c, &s, &ca, &sa), SEC_E_OK);
		ck_assert_int_eq(pthread_create(&a, NULL, stream, &up), 0);
		ck_assert_int_eq(pthread_create(&b, NULL, stream, &down), 0);
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		ck_assert_msg(atomic_load(&failures) == 0, "%s: encrypt while decrypt: %d failures",
			      package, atomic_load(&failures));
		DeleteSecurityContext(&c);
		DeleteSecurityContext(&s);
	}
	FreeCredentialsHandle(&p.client);
	FreeCredentialsHandle(&p.server);
}

START_TEST(kerberos)
{
	run_package("Kerberos", "HTTP/localhost");
}
END_TEST

START_TEST(ntlm)
{
	run_package("NTLM", "HTTP/localhost");
}
END_TEST

START_TEST(negotiate_kerberos)
{
	run_package("Negotiate", "HTTP/localhost");
}
END_TEST

START_TEST(negotiate_ntlm)
{
	run_package("Negotiate", "HTTP/127.0.0.1");
}
END_TEST

static Suite *stress_suite(void)
{
	Suite *s = suite_create("stress");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 170);
	tcase_add_test(tc, kerberos);
	tcase_add_test(tc, ntlm);
	tcase_add_test(tc, negotiate_kerberos);
	tcase_add_test(tc, negotiate_ntlm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm_and_alice(&realm, stress_suite());
}
