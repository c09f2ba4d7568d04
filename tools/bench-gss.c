/*
 * bench-gss.c - the GSS-API baselines' work (bench-gss.h), built against
 * Heimdal or MIT krb5.
 */
#include "bench-gss.h"

#include <stdio.h>

#include "bench.h"

int bench_gss_establish(struct bench_gss_pair *p)
{
	const struct bench_gss_side *side = p->side;
	OM_uint32 cmaj = GSS_S_CONTINUE_NEEDED, smaj = GSS_S_CONTINUE_NEEDED, minor;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, next;
	gss_buffer_desc name_buf;
	gss_name_t target;
	int client_turn = 1;

	p->c = GSS_C_NO_CONTEXT;
	p->s = GSS_C_NO_CONTEXT;
	for (name_buf.length = 0; side->target[name_buf.length] != '\0'; name_buf.length++)
		;
	name_buf.value = (void *)side->target;
	if (gss_import_name(&minor, &name_buf, side->name_type, &target) != GSS_S_COMPLETE)
		return -1;
	while (cmaj != GSS_S_COMPLETE || smaj != GSS_S_COMPLETE) {
		next = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
		if (client_turn)
			cmaj = gss_init_sec_context(&minor, side->client, &p->c, target, side->mech,
						    GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
							    GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG |
							    GSS_C_SEQUENCE_FLAG,
						    0, GSS_C_NO_CHANNEL_BINDINGS, &tok, NULL, &next,
						    NULL, NULL);
		else
			smaj = gss_accept_sec_context(&minor, &p->s, side->server, &tok,
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
	fprintf(stderr, "GSS handshake failed (0x%x/%u, 0x%x)\n", cmaj, minor, smaj);
	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
	return -1;
}

void bench_gss_release(struct bench_gss_pair *p)
{
	OM_uint32 minor;

	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
}

int bench_gss_handshake_op(void *side)
{
	struct bench_gss_pair p = {.side = side};

	if (bench_gss_establish(&p) != 0)
		return -1;
	bench_gss_release(&p);
	return 0;
}

int bench_gss_message_sizes(struct bench_gss_message *m)
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

int bench_gss_seal_op(void *message)
{
	struct bench_gss_message *m = message;
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

int bench_gss_sign_op(void *message)
{
	struct bench_gss_message *m = message;
	gss_buffer_desc msg = {m->size, m->buf + SIGN_DATA}, mic;
	OM_uint32 minor, major;

	if (gss_get_mic(&minor, m->p->c, 0, &msg, &mic) != GSS_S_COMPLETE)
		return -1;
	major = gss_verify_mic(&minor, m->p->s, &msg, &mic, NULL);
	gss_release_buffer(&minor, &mic);
	return major == GSS_S_COMPLETE ? 0 : -1;
}

double bench_gss_memory(const struct bench_gss_side *side, int with_message)
{
	static struct bench_gss_pair pairs[BENCH_MEMORY_PAIRS];
	static unsigned char buf[SIGN_DATA + 64 + 64];
	size_t before, after;
	int failed = 0;

	if (with_message) {
		struct bench_gss_pair warm = {.side = side};
		struct bench_gss_message m = {&warm, buf, 64, 0, 0};

		if (bench_gss_establish(&warm) != 0)
			return -1;
		failed = bench_gss_message_sizes(&m) != 0 || bench_gss_seal_op(&m) != 0;
		bench_gss_release(&warm);
	}
	before = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++) {
		pairs[i].side = side;
		if (bench_gss_establish(&pairs[i]) != 0)
			return -1;
		if (with_message) {
			struct bench_gss_message m = {&pairs[i], buf, 64, 0, 0};

			if (bench_gss_message_sizes(&m) != 0 || bench_gss_seal_op(&m) != 0)
				failed = 1;
		}
	}
	after = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		bench_gss_release(&pairs[i]);
	return failed ? -1 : (double)(after - before) / (2.0 * BENCH_MEMORY_PAIRS);
}
