/*
 * bench-gss.h - the GSS-API baselines' work, written once: a context pair
 * set up by an init/accept loop, and the message operations as
 * EncryptMessage and MakeSignature would make them. The same source is
 * built into sspi-gss-bench against Heimdal and into sspi-gss-bench-mit
 * against MIT krb5, each with its own library's <gssapi/gssapi.h> (the two
 * export the same names, so they never share a program).
 */
#ifndef SG_BENCH_GSS_H
#define SG_BENCH_GSS_H

#include <gssapi/gssapi.h>
/* MIT declares the IOV calls apart; Heimdal has no such header. */
#if __has_include(<gssapi/gssapi_ext.h>)
#include <gssapi/gssapi_ext.h>
#endif
#include <stddef.h>

/* A message buffer is SIGN_DATA + size + 64 bytes: the header, then the
 * data at the header's end, padding after it. */
#define SIGN_DATA 64

/* One side of the comparison: a mechanism (NULL: the library's default),
 * the credentials, and the target as each handshake imports it. */
struct bench_gss_side {
	gss_OID mech;
	gss_cred_id_t client, server;
	const char *target;
	gss_OID name_type;
};

struct bench_gss_pair {
	const struct bench_gss_side *side;
	gss_ctx_id_t c, s;
};

/* Client and server contexts of side, mutual authentication, confidentiality,
 * integrity, replay and sequence detection: 0, or -1 (said on stderr). */
int bench_gss_establish(struct bench_gss_pair *p);
void bench_gss_release(struct bench_gss_pair *p);
/* One handshake and its contexts deleted (arg: the side): a bench_op. */
int bench_gss_handshake_op(void *side);

struct bench_gss_message {
	struct bench_gss_pair *p;
	unsigned char *buf;
	size_t size, header, padding;
};

/* Header and padding lengths for m->size bytes, asked once as a caller
 * would. */
int bench_gss_message_sizes(struct bench_gss_message *m);
/* [HEADER, DATA, PADDING], no TRAILER, in place: gss_wrap_iov then
 * gss_unwrap_iov (the calls EncryptMessage makes for the Windows layout). */
int bench_gss_seal_op(void *message);
/* gss_get_mic then gss_verify_mic. */
int bench_gss_sign_op(void *message);

/* Heap bytes per established context (half a pair; mean of
 * BENCH_MEMORY_PAIRS pairs of side); with_message: after one 64-byte seal
 * on each pair, a first one on a pair of its own left out (it sets up what
 * a process does once). -1 when a pair or a seal failed. */
double bench_gss_memory(const struct bench_gss_side *side, int with_message);

#endif
