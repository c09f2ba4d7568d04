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

#include "bench.h"

#define TARGET "HTTP@localhost"
#define SIGN_DATA 64

static double seconds;
static gss_cred_id_t server, memory_client, file_client;

struct pair {
	gss_cred_id_t client;
	gss_ctx_id_t c, s;
};

static gss_OID_desc krb5_oid = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};

static int establish(struct pair *p)
{
	OM_uint32 cmaj = GSS_S_CONTINUE_NEEDED, smaj = GSS_S_CONTINUE_NEEDED, minor;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, next;
	gss_buffer_desc name_buf = {sizeof(TARGET) - 1, (void *)TARGET};
	gss_name_t target;
	int client_turn = 1;

	p->c = GSS_C_NO_CONTEXT;
	p->s = GSS_C_NO_CONTEXT;
	if (gss_import_name(&minor, &name_buf, GSS_C_NT_HOSTBASED_SERVICE, &target) != 0)
		return -1;
	while (cmaj != GSS_S_COMPLETE || smaj != GSS_S_COMPLETE) {
		next = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
		if (client_turn)
			cmaj = gss_init_sec_context(&minor, p->client, &p->c, target, &krb5_oid,
						    GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
							    GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG |
							    GSS_C_SEQUENCE_FLAG,
						    0, GSS_C_NO_CHANNEL_BINDINGS, &tok, NULL, &next,
						    NULL, NULL);
		else
			smaj = gss_accept_sec_context(&minor, &p->s, server, &tok,
						      GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &next,
						      NULL, NULL, NULL);
		gss_release_buffer(&minor, &tok);
		tok = next;
		if (GSS_ERROR(cmaj) || GSS_ERROR(smaj) ||
		    (tok.length == 0 && (cmaj != GSS_S_COMPLETE || smaj != GSS_S_COMPLETE)))
			break;
		client_turn = !client_turn;
	}
	gss_release_buffer(&minor, &tok);
	gss_release_name(&minor, &target);
	if (cmaj == GSS_S_COMPLETE && smaj == GSS_S_COMPLETE)
		return 0;
	fprintf(stderr, "sspi-gss-bench-mit: handshake failed (0x%x/%u, 0x%x)\n", cmaj, minor,
		smaj);
	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
	return -1;
}

static void release(struct pair *p)
{
	OM_uint32 minor;

	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
}

static int handshake_op(void *arg)
{
	struct pair p = {.client = arg};

	if (establish(&p) != 0)
		return -1;
	release(&p);
	return 0;
}

struct message {
	struct pair *p;
	unsigned char *buf;
	size_t size, header, padding;
};

static int seal_op(void *arg)
{
	struct message *m = arg;
	gss_iov_buffer_desc iov[3] = {
		{GSS_IOV_BUFFER_TYPE_HEADER, {m->header, m->buf}},
		{GSS_IOV_BUFFER_TYPE_DATA, {m->size, m->buf + m->header}},
		{GSS_IOV_BUFFER_TYPE_PADDING, {m->padding, m->buf + m->header + m->size}}};
	OM_uint32 minor;
	int conf;

	if (gss_wrap_iov(&minor, m->p->c, 1, 0, &conf, iov, 3) != GSS_S_COMPLETE)
		return -1;
	return gss_unwrap_iov(&minor, m->p->s, &conf, NULL, iov, 3) == GSS_S_COMPLETE ? 0 : -1;
}

static int sign_op(void *arg)
{
	struct message *m = arg;
	gss_buffer_desc msg = {m->size, m->buf + SIGN_DATA}, mic;
	OM_uint32 minor, major;

	if (gss_get_mic(&minor, m->p->c, 0, &msg, &mic) != GSS_S_COMPLETE)
		return -1;
	major = gss_verify_mic(&minor, m->p->s, &msg, &mic, NULL);
	gss_release_buffer(&minor, &mic);
	return major == GSS_S_COMPLETE ? 0 : -1;
}

static int message_sizes(struct message *m)
{
	gss_iov_buffer_desc iov[3] = {{GSS_IOV_BUFFER_TYPE_HEADER, {0, NULL}},
				      {GSS_IOV_BUFFER_TYPE_DATA, {m->size, NULL}},
				      {GSS_IOV_BUFFER_TYPE_PADDING, {0, NULL}}};
	OM_uint32 minor;

	if (gss_wrap_iov_length(&minor, m->p->c, 1, 0, NULL, iov, 3) != GSS_S_COMPLETE)
		return -1;
	m->header = iov[0].buffer.length;
	m->padding = iov[2].buffer.length;
	return 0;
}

static struct pair message_pair;
static int have_pair;

static double message(int (*op)(void *), size_t size)
{
	struct message m = {&message_pair, NULL, size, 0, 0};
	double ns = -1;

	if (!have_pair) {
		message_pair.client = memory_client;
		if (establish(&message_pair) != 0)
			return -1;
		have_pair = 1;
	}
	m.buf = calloc(1, SIGN_DATA + size + 64);
	if (m.buf != NULL && message_sizes(&m) == 0 && m.header + m.padding <= SIGN_DATA + 64)
		ns = bench_time(op, &m, seconds);
	free(m.buf);
	return ns;
}

/* Heap bytes per established context (half a pair), as sspi-gss-bench
 * counts its own; with_message: after one 64-byte seal on each pair, a
 * first one on a pair of its own left out. */
static double memory(int with_message)
{
	static struct pair pairs[BENCH_MEMORY_PAIRS];
	static unsigned char buf[SIGN_DATA + 64 + 64];
	size_t before, after;
	int failed = 0;

	if (with_message) {
		struct pair warm = {.client = memory_client};
		struct message m = {&warm, buf, 64, 0, 0};

		if (establish(&warm) != 0)
			return -1;
		failed = message_sizes(&m) != 0 || seal_op(&m) != 0;
		release(&warm);
	}
	before = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++) {
		pairs[i].client = memory_client;
		if (establish(&pairs[i]) != 0)
			return -1;
		if (with_message) {
			struct message m = {&pairs[i], buf, 64, 0, 0};

			if (message_sizes(&m) != 0 || seal_op(&m) != 0)
				failed = 1;
		}
	}
	after = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		release(&pairs[i]);
	return failed ? -1 : (double)(after - before) / (2.0 * BENCH_MEMORY_PAIRS);
}

static double answer(const char *op, size_t size)
{
	if (strcmp(op, "handshake-memory") == 0)
		return bench_time(handshake_op, memory_client, seconds);
	if (strcmp(op, "handshake-file") == 0)
		return bench_time(handshake_op, file_client, seconds);
	if (strcmp(op, "seal") == 0)
		return message(seal_op, size);
	if (strcmp(op, "sign") == 0)
		return message(sign_op, size);
	if (strcmp(op, "memory") == 0)
		return memory(0);
	if (strcmp(op, "memory-message") == 0)
		return memory(1);
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
					       GSS_C_INITIATE, &memory_client, NULL, NULL);
	gss_release_name(&minor, &name);
	/* The default cache is read when the credential is acquired. */
	if (major == GSS_S_COMPLETE && setenv("KRB5CCNAME", file_cache, 1) == 0)
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_INITIATE, &file_client, NULL, NULL);
	if (major == GSS_S_COMPLETE)
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_ACCEPT, &server, NULL, NULL);
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
	if (setenv("KRB5RCACHEDIR", argv[2], 1) != 0 || credentials(argv[3]) != 0)
		return 1;
	/* The first handshake of each credential fetches its service ticket. */
	if (handshake_op(memory_client) != 0 || handshake_op(file_client) != 0)
		return 1;
	bench_serve(answer);
	if (have_pair)
		release(&message_pair);
	gss_release_cred(&minor, &memory_client);
	gss_release_cred(&minor, &file_client);
	gss_release_cred(&minor, &server);
	return 0;
}
