/*
 * sspi-gss-bench-mit - the MIT krb5 baseline of sspi-gss-bench: the same
 * Kerberos work through MIT's GSS-API (Debian's default, libgssapi-krb5-2),
 * built against krb5-multidev. MIT and Heimdal export the same names, so
 * this runs in a process of its own.
 *
 *   sspi-gss-bench-mit SECONDS DIR FILE_CACHE
 *
 * Started by sspi-gss-bench inside its throwaway realm (KRB5_CONFIG and
 * KRB5_KTNAME point there; MIT reads Heimdal's configuration, keytab and
 * FILE cache formats). MIT's replay cache, which its acceptor keeps by
 * default, goes into DIR (KRB5RCACHEDIR) rather than /var/tmp. Answers
 * sspi-gss-bench's requests (bench.h, bench_serve), each one batch of
 * SECONDS, client and server contexts side by side as there:
 *   handshake-memory 0   init/accept loop, alice's credential from her
 *                        password (tickets in memory), mutual auth (ns)
 *   handshake-file 0     the same from the FILE cache kinit filled (ns)
 *   seal SIZE            gss_wrap_iov + gss_unwrap_iov, [HEADER, DATA,
 *                        PADDING] in place, as EncryptMessage lays it (ns)
 *   sign SIZE            gss_get_mic + gss_verify_mic (ns)
 *   memory 0             heap bytes per established context
 *   memory-message 0     the same after one 64-byte wrap + unwrap each
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-gss.h"
#include "bench.h"

static double seconds;
static gss_OID_desc krb5_oid = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
/* alice's credentials from her password (tickets in memory) and from the
 * FILE cache, each against the one acceptor credential. */
static struct bench_gss_side memory_side = {&krb5_oid, GSS_C_NO_CREDENTIAL, GSS_C_NO_CREDENTIAL,
					    "HTTP@localhost", NULL /* hostbased, in main */};
static struct bench_gss_side file_side = {&krb5_oid, GSS_C_NO_CREDENTIAL, GSS_C_NO_CREDENTIAL,
					  "HTTP@localhost", NULL};

static struct bench_gss_pair message_pair = {&memory_side, GSS_C_NO_CONTEXT, GSS_C_NO_CONTEXT};
static int have_pair;

static double message(bench_op op, size_t size)
{
	struct bench_gss_message m = {&message_pair, NULL, size, 0, 0};
	double ns = -1;

	if (!have_pair) {
		if (bench_gss_establish(&message_pair) != 0)
			return -1;
		have_pair = 1;
	}
	m.buf = calloc(1, SIGN_DATA + size + 64);
	if (m.buf != NULL && bench_gss_message_sizes(&m) == 0 &&
	    m.header + m.padding <= SIGN_DATA + 64)
		ns = bench_time(op, &m, seconds);
	free(m.buf);
	return ns;
}

static double answer(const char *op, size_t size)
{
	if (strcmp(op, "handshake-memory") == 0)
		return bench_time(bench_gss_handshake_op, &memory_side, seconds);
	if (strcmp(op, "handshake-file") == 0)
		return bench_time(bench_gss_handshake_op, &file_side, seconds);
	if (strcmp(op, "seal") == 0)
		return message(bench_gss_seal_op, size);
	if (strcmp(op, "sign") == 0)
		return message(bench_gss_sign_op, size);
	if (strcmp(op, "memory") == 0)
		return bench_gss_memory(&memory_side, 0);
	if (strcmp(op, "memory-message") == 0)
		return bench_gss_memory(&memory_side, 1);
	return -1;
}

static int credentials(const char *file_cache)
{
	gss_buffer_desc pw = {strlen(BENCH_PASSWORD), (void *)BENCH_PASSWORD};
	gss_buffer_desc user = {strlen(BENCH_USER "@SSPI.TEST"), (void *)BENCH_USER "@SSPI.TEST"};
	gss_OID_set_desc krb5 = {1, &krb5_oid};
	gss_name_t name;
	OM_uint32 major, minor;

	if (gss_import_name(&minor, &user, GSS_C_NT_USER_NAME, &name) != GSS_S_COMPLETE)
		return -1;
	major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE, &krb5,
					       GSS_C_INITIATE, &memory_side.client, NULL, NULL);
	gss_release_name(&minor, &name);
	/* The default cache is read when the credential is acquired. */
	if (major == GSS_S_COMPLETE && setenv("KRB5CCNAME", file_cache, 1) == 0)
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_INITIATE, &file_side.client, NULL, NULL);
	if (major == GSS_S_COMPLETE)
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_ACCEPT, &memory_side.server, NULL, NULL);
	file_side.server = memory_side.server;
	if (major != GSS_S_COMPLETE) {
		fprintf(stderr, "sspi-gss-bench-mit: MIT credentials failed (0x%x/%u)\n", major,
			minor);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	OM_uint32 minor;

	if (argc != 4) {
		fprintf(stderr, "usage: sspi-gss-bench-mit SECONDS DIR FILE_CACHE\n");
		return 2;
	}
	seconds = atof(argv[1]);
	memory_side.name_type = file_side.name_type = GSS_C_NT_HOSTBASED_SERVICE;
	if (setenv("KRB5RCACHEDIR", argv[2], 1) != 0 || credentials(argv[3]) != 0)
		return 1;
	/* The first handshake of each credential fetches its service ticket. */
	if (bench_gss_handshake_op(&memory_side) != 0 || bench_gss_handshake_op(&file_side) != 0)
		return 1;
	bench_serve(answer);
	if (have_pair)
		bench_gss_release(&message_pair);
	gss_release_cred(&minor, &memory_side.client);
	gss_release_cred(&minor, &file_side.client);
	gss_release_cred(&minor, &memory_side.server);
	return 0;
}
