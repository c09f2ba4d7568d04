/*
 * test_krb5_fast.c - the OpenSSL fast path for Kerberos messages
 * (sspi-gss/kerberos/krb5_fast.c) against known answers and against Heimdal.
 *
 * Known answers: RFC 3961 n-fold, RFC 3962 AES-CTS, and OpenSSL's own
 * AES-CBC-CTS (CS3) on every length from 17 to 600 (both of the fast path's
 * ways: in a buffer of its own up to 512 bytes, over the caller's buffers
 * beyond). The confounders: unrepeated, and not shared with a child of fork.
 * Differential, on real contexts of the throwaway realm: tokens the fast path
 * makes are opened by Heimdal's gss_unwrap_iov / gss_unwrap / gss_verify_mic on
 * the peer, and Heimdal's by the fast path, both directions, sealed and
 * signed-only, every size of the issue (0 .. 1 MiB), several layouts, with and
 * without an acceptor subkey, DCE style; the deterministic tokens (signed-only
 * wraps, MICs) are byte for byte Heimdal's from the same state; the replay
 * window gives Heimdal's verdict on every delivery order.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "confounder.h"
#include "krb5_fast.h"
#include "realm.h"
#include "status.h"

static struct realm realm;
static gss_cred_id_t client_cred = GSS_C_NO_CREDENTIAL, server_cred = GSS_C_NO_CREDENTIAL;

/* -------------------------------------------------------- known answers */

static void hex(const char *h, uint8_t *out, size_t *len)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	*len = n;
}

START_TEST(nfold_rfc3961)
{
	static const struct {
		const char *in;
		size_t bits;
		const char *out;
	} v[] = {
		{"012345", 64, "be072631276b1955"},
		{"password", 56, "78a07b6caf85fa"},
		{"Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0"},
		{"password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e"},
		{"MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192,
		 "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b"},
		{"Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215"},
		{"ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e"},
		{"kerberos", 64, "6b65726265726f73"},
		{"kerberos", 128, "6b65726265726f737b9b5b2b93132b93"},
		{"kerberos", 168, "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4"},
		{"kerberos", 256, "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4"},
	};
	uint8_t want[64], got[64];
	size_t n;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hex(v[i].out, want, &n);
		ck_assert_uint_eq(n, v[i].bits / 8);
		sg_kfast_nfold((const uint8_t *)v[i].in, strlen(v[i].in), got, n);
		ck_assert_msg(memcmp(got, want, n) == 0, "n-fold of \"%s\" to %zu bits", v[i].in,
			      v[i].bits);
	}
}
END_TEST

START_TEST(cts_rfc3962_and_openssl)
{
	static const char plain[] = "I would like the General Gau's Chicken, please, and wonton soup.";
	static const struct {
		size_t len;
		const char *out;
	} v[] = {
		{17, "c6353568f2bf8cb4d8a580362da7ff7f97"},
		{31, "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5"},
		{32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584"},
		{47, "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e"
		     "39312523a78662d5be7fcbcc98ebf5"},
		{48, "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd8"
		     "39312523a78662d5be7fcbcc98ebf5a8"},
		{64, "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a8"
		     "4807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8"},
	};
	const uint8_t *key = (const uint8_t *)"chicken teriyaki";
	uint8_t buf[640], want[640], back[640], key256[32];
	size_t n;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hex(v[i].out, want, &n);
		ck_assert_uint_eq(n, v[i].len);
		memcpy(buf, plain, n);
		ck_assert_int_eq(sg_kfast_cts(key, 16, 1, buf, n), 0);
		ck_assert_msg(memcmp(buf, want, n) == 0, "RFC 3962 vector of %zu bytes", n);
		ck_assert_int_eq(sg_kfast_cts(key, 16, 0, buf, n), 0);
		ck_assert_msg(memcmp(buf, plain, n) == 0, "decrypting %zu bytes", n);
	}
	/* OpenSSL's own CTS (CS3, as Kerberos) on every length, AES-256. */
	for (int i = 0; i < 32; i++)
		key256[i] = (uint8_t)(i * 7 + 1);
	for (size_t len = 17; len <= 600; len++) {
		EVP_CIPHER *cts = EVP_CIPHER_fetch(NULL, "AES-256-CBC-CTS", NULL);
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string("cts_mode", (char *)"CS3", 0),
				  OSSL_PARAM_construct_end()};
		uint8_t iv[16] = {0};
		int out_len = 0;

		ck_assert_ptr_nonnull(cts);
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)(j * 31 + len);
		memcpy(back, buf, len);
		ck_assert_int_eq(EVP_EncryptInit_ex2(c, cts, key256, iv, p), 1);
		ck_assert_int_eq(EVP_EncryptUpdate(c, want, &out_len, buf, (int)len), 1);
		ck_assert_int_eq(out_len, (int)len);
		EVP_CIPHER_CTX_free(c);
		EVP_CIPHER_free(cts);
		ck_assert_int_eq(sg_kfast_cts(key256, 32, 1, buf, len), 0);
		ck_assert_msg(memcmp(buf, want, len) == 0, "OpenSSL CTS differs at %zu bytes", len);
		ck_assert_int_eq(sg_kfast_cts(key256, 32, 0, buf, len), 0);
		ck_assert_msg(memcmp(buf, back, len) == 0, "round trip at %zu bytes", len);
	}
}
END_TEST

/* Confounders come from a per-thread pool of DRBG output: none repeats,
 * and a child of fork does not get the parent's next ones (the pool is
 * wiped in the child, or its generation is stale). */
START_TEST(confounders_unrepeated_across_fork)
{
	enum { N = 4096, AFTER = 8 };
	static uint8_t seen[N][16];
	uint8_t parent[AFTER][16], child[AFTER][16];
	int fds[2];
	pid_t pid;
	int status;

	int got = 0, repeat = -1;

	for (int i = 0; i < N; i++) {
		got |= sg_confounder(seen[i], 16);
		for (int j = 0; j < i && repeat < 0; j++)
			if (memcmp(seen[i], seen[j], 16) == 0)
				repeat = i;
	}
	ck_assert_int_eq(got, 0);
	ck_assert_msg(repeat < 0, "confounder %d repeats an earlier one", repeat);
	ck_assert_int_eq(sg_confounder(seen[0], SG_CONFOUNDER_MAX + 1), -1);
	/* One draw into a fresh pool: what is left of it would be the
	 * child's without the fork handling. */
	for (int i = N; i % (SG_CONFOUNDER_POOL / 16) != 1; i++)
		ck_assert_int_eq(sg_confounder(parent[0], 16), 0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < AFTER; i++)
			if (sg_confounder(child[i], 16) != 0)
				_exit(2);
		_exit(write(fds[1], child, sizeof(child)) == (ssize_t)sizeof(child) ? 0 : 3);
	}
	close(fds[1]);
	for (int i = 0; i < AFTER; i++)
		ck_assert_int_eq(sg_confounder(parent[i], 16), 0);
	ck_assert_int_eq(read(fds[0], child, sizeof(child)), (ssize_t)sizeof(child));
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (int i = 0; i < AFTER; i++)
		for (int j = 0; j < AFTER; j++)
			ck_assert_msg(memcmp(parent[i], child[j], 16) != 0,
				      "the child's confounder %d is the parent's %d", j, i);
}
END_TEST

/* ------------------------------------------------------- real contexts */

struct pair {
	gss_ctx_id_t c, s;
	OM_uint32 cflags, sflags;
};

static void establish(struct pair *p, OM_uint32 req)
{
	static const char target[] = "HTTP/localhost@SSPI.TEST";
	gss_buffer_desc name_buf = {sizeof(target) - 1, (void *)target};
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, next;
	OM_uint32 cmaj = GSS_S_CONTINUE_NEEDED, smaj = GSS_S_CONTINUE_NEEDED, minor;
	gss_name_t name;
	int client_turn = 1;

	p->c = p->s = GSS_C_NO_CONTEXT;
	ck_assert_uint_eq(gss_import_name(&minor, &name_buf, GSS_KRB5_NT_PRINCIPAL_NAME, &name), 0);
	while (cmaj != GSS_S_COMPLETE || smaj != GSS_S_COMPLETE) {
		next = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
		if (client_turn)
			cmaj = gss_init_sec_context(&minor, client_cred, &p->c, name, GSS_KRB5_MECHANISM,
						    req, 0, GSS_C_NO_CHANNEL_BINDINGS, &tok, NULL,
						    &next, &p->cflags, NULL);
		else
			smaj = gss_accept_sec_context(&minor, &p->s, server_cred, &tok,
						      GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL, &next,
						      &p->sflags, NULL, NULL);
		gss_release_buffer(&minor, &tok);
		tok = next;
		ck_assert_msg(!GSS_ERROR(cmaj) && !GSS_ERROR(smaj), "handshake 0x%x 0x%x", cmaj, smaj);
		if (tok.length == 0)
			break;
		client_turn = !client_turn;
	}
	gss_release_buffer(&minor, &tok);
	gss_release_name(&minor, &name);
	ck_assert_uint_eq(cmaj, GSS_S_COMPLETE);
	ck_assert_uint_eq(smaj, GSS_S_COMPLETE);
}

/* Two contexts with the same state: Heimdal's export, imported twice. */
static void twin(gss_ctx_id_t *ctx, gss_ctx_id_t *copy)
{
	gss_buffer_desc tok, dup;
	OM_uint32 minor;

	ck_assert_uint_eq(gss_export_sec_context(&minor, ctx, &tok), GSS_S_COMPLETE);
	dup.length = tok.length;
	dup.value = malloc(tok.length);
	memcpy(dup.value, tok.value, tok.length);
	ck_assert_uint_eq(gss_import_sec_context(&minor, &tok, ctx), GSS_S_COMPLETE);
	ck_assert_uint_eq(gss_import_sec_context(&minor, &dup, copy), GSS_S_COMPLETE);
	gss_release_buffer(&minor, &tok);
	free(dup.value);
}

static struct sg_kfast *fast_for(gss_ctx_id_t ctx, OM_uint32 flags, int dce)
{
	struct sg_kfast *f = NULL;

	ck_assert_int_eq(sg_kfast_new(ctx, flags, dce, &f), 0);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Layouts: 0 [H, D, P]; 1 [H, SO, D, SO, P]; 2 [H, D, D, P]; DCE: 3 [H, SO, D, SO]. */
static int layout(int which, uint8_t *hdr, size_t hlen, uint8_t *data, size_t len,
		  uint8_t *so, size_t so_len, gss_iov_buffer_desc *iov)
{
	int n = 0;

	iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_HEADER, {hlen, hdr}};
	if (which == 1 || which == 3)
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_SIGN_ONLY, {so_len, so}};
	if (which == 2) {
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_DATA, {len / 3, data}};
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_DATA,
						 {len - len / 3, data + len / 3}};
	} else {
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_DATA, {len, data}};
	}
	if (which == 1 || which == 3)
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_SIGN_ONLY,
						 {so_len / 2, so + so_len / 2}};
	if (which != 3)
		iov[n++] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_PADDING, {0, NULL}};
	return n;
}

/* 463-481: either side of the largest message encrypted in a buffer of
 * the fast path's own (512 bytes with confounder, filler and header). */
static const size_t sizes[] = {0,   1,   15,   16,    17,     64,  463, 464,
			       465, 479, 480, 481, 1024, 65536, 1 << 20};

/* sender -> receiver, one of them the fast path (fast_sends says which),
 * the other Heimdal; every size, sealed and signed-only, layout which. */
static void one_way(gss_ctx_id_t heimdal, struct sg_kfast *fast, int fast_sends, int which,
		    int dce)
{
	static uint8_t data[1 << 20], orig[1 << 20], so[64], hdr[128];
	gss_iov_buffer_desc iov[8];
	OM_uint32 major, minor;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		for (int conf = 1; conf >= (dce ? 1 : 0); conf--) {
			size_t len = sizes[k];
			int n, got_conf = -1;
			char what[128];

			snprintf(what, sizeof(what), "%s sends, layout %d, %zu bytes, %s%s",
				 fast_sends ? "fast path" : "Heimdal", which, len,
				 conf ? "sealed" : "signed", dce ? ", DCE" : "");
			for (size_t i = 0; i < len; i++)
				orig[i] = data[i] = (uint8_t)(i * 13 + k + conf);
			for (size_t i = 0; i < sizeof(so); i++)
				so[i] = (uint8_t)(0xA0 + i);
			n = layout(which, hdr, sizeof(hdr), data, len, so, sizeof(so), iov);
			if (fast_sends)
				major = sg_kfast_wrap_iov(fast, &minor, conf, iov, n);
			else
				major = gss_wrap_iov(&minor, heimdal, conf, GSS_C_QOP_DEFAULT, NULL, iov,
						     n);
			ck_assert_msg(major == GSS_S_COMPLETE, "%s: wrap 0x%x/%d", what, major,
				      (int)minor);
			if (conf && len > 32)
				ck_assert_msg(memcmp(data, orig, len) != 0, "%s: not encrypted", what);
			if (fast_sends)
				major = gss_unwrap_iov(&minor, heimdal, &got_conf, NULL, iov, n);
			else
				major = sg_kfast_unwrap_iov(fast, &minor, &got_conf, iov, n);
			ck_assert_msg(major == GSS_S_COMPLETE, "%s: unwrap 0x%x/%d", what, major,
				      (int)minor);
			ck_assert_int_eq(got_conf, conf);
			ck_assert_msg(memcmp(data, orig, len) == 0, "%s: plaintext differs", what);

			/* The same as one stream token (Windows' [STREAM, DATA]). */
			if (which == 0 && !dce) {
				gss_buffer_desc in, out;
				size_t hl;
				uint8_t *whole;

				n = layout(0, hdr, sizeof(hdr), data, len, so, sizeof(so), iov);
				major = fast_sends ? sg_kfast_wrap_iov(fast, &minor, conf, iov, n)
						   : gss_wrap_iov(&minor, heimdal, conf, 0, NULL, iov, n);
				ck_assert_uint_eq(major, GSS_S_COMPLETE);
				hl = iov[0].buffer.length;
				whole = malloc(hl + len + 1);
				memcpy(whole, hdr, hl);
				memcpy(whole + hl, data, len);
				in = (gss_buffer_desc){hl + len, whole};
				major = fast_sends ? gss_unwrap(&minor, heimdal, &in, &out, &got_conf, NULL)
						   : sg_kfast_unwrap(fast, &minor, &in, &out, &got_conf);
				ck_assert_msg(major == GSS_S_COMPLETE, "%s: stream unwrap 0x%x", what,
					      major);
				ck_assert_uint_eq(out.length, len);
				ck_assert_msg(len == 0 || memcmp(out.value, orig, len) == 0,
					      "%s: stream plaintext", what);
				gss_release_buffer(&minor, &out);
				free(whole);
				memcpy(data, orig, len);
			}
		}
	}
}

/* MICs both ways between the fast path and Heimdal, every size. */
static void mics(gss_ctx_id_t heimdal, struct sg_kfast *fast)
{
	static uint8_t data[1 << 20];
	OM_uint32 major, minor;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		gss_buffer_desc msg = {sizes[k], data}, mic;

		for (size_t i = 0; i < sizes[k]; i++)
			data[i] = (uint8_t)(i ^ k);
		ck_assert_uint_eq(sg_kfast_get_mic(fast, &minor, &msg, &mic), GSS_S_COMPLETE);
		ck_assert_uint_eq(mic.length, 28);
		major = gss_verify_mic(&minor, heimdal, &msg, &mic, NULL);
		ck_assert_msg(major == GSS_S_COMPLETE, "Heimdal refuses our MIC (%zu bytes)",
			      sizes[k]);
		gss_release_buffer(&minor, &mic);
		ck_assert_uint_eq(gss_get_mic(&minor, heimdal, 0, &msg, &mic), GSS_S_COMPLETE);
		major = sg_kfast_verify_mic(fast, &minor, &msg, &mic);
		ck_assert_msg(major == GSS_S_COMPLETE, "we refuse Heimdal's MIC (%zu bytes)",
			      sizes[k]);
		gss_release_buffer(&minor, &mic);
	}
}

/* _i: bit 0 the fast path on the initiator (else the acceptor), bit 1
 * mutual authentication (Heimdal's acceptor then sends a subkey). */
START_TEST(differential)
{
	/* Without mutual authentication the initiator never learns the
	 * acceptor's first number: sequence detection would call its first
	 * message a gap, in Heimdal as here; replay detection only then. */
	OM_uint32 req = GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG |
			((_i & 2) ? GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG : 0);
	struct pair p;
	struct sg_kfast *fast;
	gss_ctx_id_t heimdal;
	OM_uint32 minor;

	establish(&p, req);
	if (_i & 1) {
		fast = fast_for(p.c, p.cflags, 0);
		heimdal = p.s;
	} else {
		fast = fast_for(p.s, p.sflags, 0);
		heimdal = p.c;
	}
	for (int which = 0; which < 3; which++) {
		one_way(heimdal, fast, 1, which, 0);
		one_way(heimdal, fast, 0, which, 0);
	}
	mics(heimdal, fast);
	sg_kfast_free(fast);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

/* DCE style (three legs, EC 16, Windows' RPC layout). */
START_TEST(differential_dce)
{
	struct pair p;
	struct sg_kfast *fast;
	OM_uint32 minor;

	establish(&p, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG | GSS_C_DCE_STYLE |
			      GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG);
	ck_assert(p.cflags & GSS_C_DCE_STYLE);
	fast = fast_for(_i ? p.c : p.s, _i ? p.cflags : p.sflags, 1);
	one_way(_i ? p.s : p.c, fast, 1, 3, 1);
	one_way(_i ? p.s : p.c, fast, 0, 3, 1);
	sg_kfast_free(fast);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

/* From the same state, the tokens without randomness are Heimdal's own
 * bytes: signed-only wraps and MICs, every size. */
START_TEST(same_bytes_as_heimdal)
{
	static uint8_t data[1 << 20], d2[1 << 20];
	struct pair p;
	gss_ctx_id_t copy = GSS_C_NO_CONTEXT;
	struct sg_kfast *fast;
	OM_uint32 minor;

	establish(&p, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG);
	twin(_i ? &p.c : &p.s, &copy);
	fast = fast_for(_i ? p.c : p.s, _i ? p.cflags : p.sflags, 0);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint8_t h1[64], h2[64];
		gss_iov_buffer_desc a[3], b[3];
		gss_buffer_desc msg = {sizes[k], data}, m1, m2;

		for (size_t i = 0; i < sizes[k]; i++)
			data[i] = d2[i] = (uint8_t)(i * 3 + k);
		layout(0, h1, sizeof(h1), data, sizes[k], NULL, 0, a);
		layout(0, h2, sizeof(h2), d2, sizes[k], NULL, 0, b);
		ck_assert_uint_eq(sg_kfast_wrap_iov(fast, &minor, 0, a, 3), GSS_S_COMPLETE);
		ck_assert_uint_eq(gss_wrap_iov(&minor, copy, 0, 0, NULL, b, 3), GSS_S_COMPLETE);
		ck_assert_uint_eq(a[0].buffer.length, b[0].buffer.length);
		ck_assert_msg(memcmp(h1, h2, a[0].buffer.length) == 0, "signed wrap of %zu bytes",
			      sizes[k]);
		ck_assert_uint_eq(sg_kfast_get_mic(fast, &minor, &msg, &m1), GSS_S_COMPLETE);
		ck_assert_uint_eq(gss_get_mic(&minor, copy, 0, &msg, &m2), GSS_S_COMPLETE);
		ck_assert_uint_eq(m1.length, m2.length);
		ck_assert_msg(memcmp(m1.value, m2.value, m1.length) == 0, "MIC of %zu bytes",
			      sizes[k]);
		gss_release_buffer(&minor, &m1);
		gss_release_buffer(&minor, &m2);
	}
	sg_kfast_free(fast);
	gss_delete_sec_context(&minor, &copy, NULL);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

/* Replay and sequence detection: tokens delivered in order, twice, late,
 * after a gap, to the fast path and to a Heimdal twin of the same
 * receiver: the same verdict every time, with either flag or both. */
START_TEST(replay_window_as_heimdal)
{
	static const OM_uint32 flag_sets[] = {GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG,
					      GSS_C_REPLAY_FLAG, GSS_C_SEQUENCE_FLAG, 0};
	/* Indexes of the tokens made, in delivery order. */
	static const int order[] = {0, 1, 1, 3, 2, 2, 0, 7, 4, 30, 5, 29, 31, 6, 8, 31, 9};
	OM_uint32 req = GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG | flag_sets[_i];
	gss_buffer_desc toks[32];
	uint8_t msg[8] = "message";
	gss_ctx_id_t copy = GSS_C_NO_CONTEXT;
	struct sg_kfast *fast;
	struct pair p;
	OM_uint32 minor;

	establish(&p, req);
	twin(&p.s, &copy);
	fast = fast_for(p.s, p.sflags, 0);
	for (int i = 0; i < 32; i++) {
		gss_buffer_desc in = {sizeof(msg), msg};

		ck_assert_uint_eq(gss_wrap(&minor, p.c, 1, 0, &in, NULL, &toks[i]), GSS_S_COMPLETE);
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		gss_buffer_desc out1, out2;
		OM_uint32 m1, m2;

		/* Heimdal's gss_unwrap rotates its input in place: it gets
		 * a copy, so the token stays as sent for later deliveries. */
		gss_buffer_desc t2 = {toks[order[i]].length, malloc(toks[order[i]].length)};

		ck_assert_ptr_nonnull(t2.value);
		memcpy(t2.value, toks[order[i]].value, t2.length);
		m1 = sg_kfast_unwrap(fast, &minor, &toks[order[i]], &out1, NULL);
		m2 = gss_unwrap(&minor, copy, &t2, &out2, NULL, NULL);
		free(t2.value);
		ck_assert_msg(m1 == m2, "flags 0x%x, delivery %zu (token %d): ours 0x%x, Heimdal's 0x%x",
			      flag_sets[_i], i, order[i], m1, m2);
		ck_assert_int_eq(sg_status_from_gss_message(m1, 0), sg_status_from_gss_message(m2, 0));
		gss_release_buffer(&minor, &out1);
		gss_release_buffer(&minor, &out2);
	}
	for (int i = 0; i < 32; i++)
		gss_release_buffer(&minor, &toks[i]);
	sg_kfast_free(fast);
	gss_delete_sec_context(&minor, &copy, NULL);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

/* The fast path's numbers and window survive a save and restore (what
 * Export/ImportSecurityContext carry). */
/* RFC 3961 DK for AES: Ki or Ke of a usage, from the context key. */
static void derive_key(const uint8_t *key, size_t key_len, uint32_t usage, uint8_t which,
		       uint8_t *out)
{
	uint8_t constant[5] = {(uint8_t)(usage >> 24), (uint8_t)(usage >> 16), (uint8_t)(usage >> 8),
			       (uint8_t)usage, which};
	uint8_t block[16];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n;

	sg_kfast_nfold(constant, sizeof(constant), block, sizeof(block));
	ck_assert_int_eq(EVP_EncryptInit_ex(c, key_len == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(),
					    NULL, key, NULL),
			 1);
	EVP_CIPHER_CTX_set_padding(c, 0);
	for (size_t done = 0; done < key_len; done += 16) {
		ck_assert_int_eq(EVP_EncryptUpdate(c, block, &n, block, 16), 1);
		memcpy(out + done, block, 16);
	}
	EVP_CIPHER_CTX_free(c);
}

/*
 * A sealed token with filler (EC > 0) from a sender that is not DCE
 * style: made here by hand from RFC 4121 (confounder | data | EC filler |
 * header, AES-CTS and HMAC-SHA1-96, rotated by RRC 28 only), so the
 * filler ends what follows a TOKEN of the usual 60 bytes. Heimdal's
 * gss_unwrap takes it whole (which proves the token); the fast path
 * takes it as [STREAM] and as [TOKEN, DATA], where the DATA then gives
 * its filler up (SSPI: cbBuffer shrinks to the plaintext).
 */
START_TEST(sealed_with_filler_not_dce)
{
	static const char text[] = "data, then sixteen bytes of filler";
	const size_t n = sizeof(text) - 1, ec = 16;
	struct pair p;
	gss_ctx_id_t copy = GSS_C_NO_CONTEXT, handle;
	gss_krb5_lucid_context_v1_t *lucid = NULL;
	const gss_krb5_lucid_key_t *key;
	struct sg_kfast *fast;
	uint8_t ke[32], ki[32], plain[256], body[256], token[300], mac[20], h[16];
	size_t plen = 16 + n + ec + 16, blen = plen + 12;
	unsigned mac_len = 0;
	OM_uint32 minor;
	gss_buffer_desc in, out;
	gss_iov_buffer_desc iov[3];
	uint8_t hdr_copy[64], data_copy[128];

	establish(&p, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG);
	twin(&p.s, &copy);
	handle = p.s;
	ck_assert_uint_eq(gss_krb5_export_lucid_sec_context(&minor, &handle, 1, (void **)&lucid),
			  GSS_S_COMPLETE);
	ck_assert_int_eq(lucid->protocol, 1);
	key = lucid->cfx_kd.have_acceptor_subkey ? &lucid->cfx_kd.acceptor_subkey
						 : &lucid->cfx_kd.ctx_key;
	/* Sent by the initiator: key usage 24 (initiator seal). */
	derive_key(key->data, key->length, 24, 0xAA, ke);
	derive_key(key->data, key->length, 24, 0x55, ki);
	h[0] = 0x05, h[1] = 0x04;
	h[2] = 0x02 | (lucid->cfx_kd.have_acceptor_subkey ? 0x04 : 0);
	h[3] = 0xFF;
	h[4] = 0, h[5] = (uint8_t)ec, h[6] = 0, h[7] = 0;
	memset(h + 8, 0, 4);
	h[12] = 0, h[13] = 0, h[14] = 0x10, h[15] = 0x01;
	for (size_t i = 0; i < 16; i++)
		plain[i] = (uint8_t)(0xC0 + i); /* confounder */
	memcpy(plain + 16, text, n);
	memset(plain + 16 + n, 0xEE, ec);
	memcpy(plain + 16 + n + ec, h, 16);
	ck_assert_ptr_nonnull(HMAC(EVP_sha1(), ki, (int)key->length, plain, plen, mac, &mac_len));
	memcpy(body, plain, plen);
	ck_assert_int_eq(sg_kfast_cts(ke, key->length, 1, body, plen), 0);
	memcpy(body + plen, mac, 12);
	/* Rotate right by 28: the last 28 bytes first. */
	h[7] = 28;
	memcpy(token, h, 16);
	memcpy(token + 16, body + blen - 28, 28);
	memcpy(token + 16 + 28, body, blen - 28);
	gss_krb5_free_lucid_sec_context(&minor, lucid);

	/* Heimdal takes it. */
	in = (gss_buffer_desc){16 + blen, malloc(16 + blen)};
	memcpy(in.value, token, in.length);
	ck_assert_uint_eq(gss_unwrap(&minor, copy, &in, &out, NULL, NULL), GSS_S_COMPLETE);
	ck_assert_uint_eq(out.length, n);
	ck_assert_mem_eq(out.value, text, n);
	gss_release_buffer(&minor, &out);
	free(in.value);

	fast = fast_for(p.s, p.sflags, 0);
	/* [STREAM]. */
	in = (gss_buffer_desc){16 + blen, token};
	ck_assert_uint_eq(sg_kfast_unwrap(fast, &minor, &in, &out, NULL), GSS_S_COMPLETE);
	ck_assert_uint_eq(out.length, n);
	ck_assert_mem_eq(out.value, text, n);
	gss_release_buffer(&minor, &out);
	/* [TOKEN (60), DATA (the rest), PADDING]. */
	memcpy(hdr_copy, token, 60);
	memcpy(data_copy, token + 60, 16 + blen - 60);
	iov[0] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_HEADER, {60, hdr_copy}};
	iov[1] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_DATA, {16 + blen - 60, data_copy}};
	iov[2] = (gss_iov_buffer_desc){GSS_IOV_BUFFER_TYPE_PADDING, {0, NULL}};
	ck_assert_uint_eq(16 + blen - 60, n + ec);
	ck_assert_uint_eq(sg_kfast_unwrap_iov(fast, &minor, NULL, iov, 3), GSS_S_COMPLETE);
	ck_assert_uint_eq(iov[1].buffer.length, n);
	ck_assert_mem_eq(data_copy, text, n);
	/* The same with the filler's last byte changed: refused. */
	memcpy(hdr_copy, token, 60);
	memcpy(data_copy, token + 60, 16 + blen - 60);
	data_copy[n + ec - 1] ^= 1;
	iov[1].buffer.length = n + ec;
	ck_assert_uint_eq(GSS_ROUTINE_ERROR(sg_kfast_unwrap_iov(fast, &minor, NULL, iov, 3)),
			  GSS_S_FAILURE);
	/* A DATA too short to hold the filler: a defective token. */
	iov[1].buffer.length = ec - 1;
	ck_assert_uint_eq(sg_kfast_unwrap_iov(fast, &minor, NULL, iov, 3), GSS_S_DEFECTIVE_TOKEN);
	sg_kfast_free(fast);
	gss_delete_sec_context(&minor, &copy, NULL);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

START_TEST(state_survives_save_and_restore)
{
	struct pair p;
	struct sg_kfast *a, *b;
	uint8_t state[SG_KFAST_STATE_MAX];
	gss_buffer_desc in = {5, (void *)"hello"}, tok, out;
	size_t n;
	OM_uint32 minor;

	establish(&p, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG | GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
			      GSS_C_SEQUENCE_FLAG);
	a = fast_for(p.s, p.sflags, 0);
	ck_assert_uint_eq(gss_wrap(&minor, p.c, 1, 0, &in, NULL, &tok), GSS_S_COMPLETE);
	ck_assert_uint_eq(sg_kfast_unwrap(a, &minor, &tok, &out, NULL), GSS_S_COMPLETE);
	gss_release_buffer(&minor, &out);
	n = sg_kfast_save(a, state);
	b = fast_for(p.s, p.sflags, 0);
	ck_assert_int_eq(sg_kfast_restore(b, state, n), 0);
	/* The same token again is a replay for the restored state too. */
	ck_assert_uint_eq(sg_kfast_unwrap(b, &minor, &tok, &out, NULL), GSS_S_DUPLICATE_TOKEN);
	ck_assert_int_eq(sg_kfast_restore(b, state, n - 1), -1);
	state[0] = 9;
	ck_assert_int_eq(sg_kfast_restore(b, state, n), -1);
	gss_release_buffer(&minor, &tok);
	sg_kfast_free(a);
	sg_kfast_free(b);
	gss_delete_sec_context(&minor, &p.c, NULL);
	gss_delete_sec_context(&minor, &p.s, NULL);
}
END_TEST

static Suite *fast_suite(void)
{
	Suite *s = suite_create("krb5_fast");
	TCase *t = tcase_create("known answers");

	tcase_add_test(t, nfold_rfc3961);
	tcase_add_test(t, cts_rfc3962_and_openssl);
	tcase_add_test(t, confounders_unrepeated_across_fork);
	suite_add_tcase(s, t);
	t = tcase_create("against Heimdal");
	tcase_set_timeout(t, 300);
	tcase_add_loop_test(t, differential, 0, 4);
	tcase_add_loop_test(t, differential_dce, 0, 2);
	tcase_add_loop_test(t, same_bytes_as_heimdal, 0, 2);
	tcase_add_loop_test(t, replay_window_as_heimdal, 0, 4);
	tcase_add_test(t, state_survives_save_and_restore);
	tcase_add_test(t, sealed_with_filler_not_dce);
	suite_add_tcase(s, t);
	return s;
}

static int credentials(void)
{
	static const char user[] = "alice@SSPI.TEST", pw[] = "Alice-Pass-1";
	gss_buffer_desc ub = {sizeof(user) - 1, (void *)user}, pb = {sizeof(pw) - 1, (void *)pw};
	gss_OID_set_desc krb5 = {1, GSS_KRB5_MECHANISM};
	gss_name_t name;
	OM_uint32 minor;

	if (gss_import_name(&minor, &ub, GSS_C_NT_USER_NAME, &name) != GSS_S_COMPLETE)
		return -1;
	if (gss_acquire_cred_with_password(&minor, name, &pb, GSS_C_INDEFINITE, &krb5,
					   GSS_C_INITIATE, &client_cred, NULL, NULL) != 0 ||
	    gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5, GSS_C_ACCEPT,
			     &server_cred, NULL, NULL) != 0) {
		gss_release_name(&minor, &name);
		return -1;
	}
	gss_release_name(&minor, &name);
	return 0;
}

int main(void)
{
	SRunner *runner;
	OM_uint32 minor;
	int failed;

	if (realm_start(&realm) != 0)
		return 1;
	if (credentials() != 0) {
		realm_stop(&realm);
		return 1;
	}
	runner = srunner_create(fast_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	gss_release_cred(&minor, &client_cred);
	gss_release_cred(&minor, &server_cred);
	realm_stop(&realm);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
