/*
 * sspi-gss-bench - what the SSPI layer costs over the mechanism beneath it.
 *
 *   sspi-gss-bench [--seconds S] [--reps N] [--json] [--winpr PATH] [--package NAME]
 *
 * Starts a throwaway realm on 127.0.0.1 (tests/fixtures/realm.sh), then
 * measures in one process, client and server contexts side by side, each
 * figure the best of N runs of S seconds with the two columns interleaved:
 *  - Kerberos and Negotiate: handshakes per second with tickets in memory
 *    and from a kinit FILE cache, EncryptMessage + DecryptMessage and
 *    MakeSignature + VerifySignature at 64 B to 1 MiB, heap per established
 *    context before and after a first message - against the same work done
 *    by calling Heimdal GSS-API directly (init/accept loops, gss_wrap_iov +
 *    gss_unwrap_iov, gss_get_mic + gss_verify_mic) in the same run;
 *    and the "limit" with our share of it ("x limit"): for messages the
 *    same sizes through OpenSSL's AES-256-CBC and HMAC-SHA1, the bare
 *    cryptography of those Kerberos tokens; for FILE-cache handshakes the
 *    rate from memory.
 *  - NTLM: the same rows against FreeRDP WinPR's NTLM, run by the
 *    companion sspi-gss-bench-winpr (Heimdal has no NTLMv2 to compare with).
 * Ratios are baseline time / our time: above 1 we are faster. Each row
 * names its target (docs/performance.md) and whether it was met.
 *
 * Exit status: 0 measured (targets met or not), 1 a measurement failed,
 * 2 usage.
 */
#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_spnego.h>
#include <krb5.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bench-limit.h"
#include "bench.h"
#include "realm.h"

#define TARGET "HTTP/localhost"
#define TOKEN_MAX 16384
/* Where signed data starts in a message buffer, after room for the token;
 * a message buffer has SIGN_DATA + size + 64 bytes. */
#define SIGN_DATA 64

static double seconds = 0.12;
static int reps = 5;

/* ------------------------------------------------------------------ rows */

enum row_kind { ROW_HANDSHAKE, ROW_MESSAGE, ROW_MEMORY };

struct row {
	const char *package;
	const char *operation;
	enum row_kind kind;
	size_t size;
	double ours;     /* ns per operation, or bytes per context; < 0: not measured */
	double base;     /* the same for the baseline; < 0: none */
	const char *base_name;
	/* What the row could be at best, ns per operation; < 0: none. Message
	 * rows: the bare OpenSSL cryptography of the same token; handshakes
	 * from a FILE cache: the same handshakes from memory. */
	double limit;
	const char *limit_name;
	double target;   /* ratio (time rows) or bytes of overhead (memory); 0: none */
	double limit_target; /* least "x limit" (limit time / our time); 0: none */
	/* Not SEC_E_OK: AcquireCredentialsHandle's answer for a package
	 * sspi-gss does not provide yet, shown in place of its figures. */
	SECURITY_STATUS unavailable;
};

static struct row rows[64];
static int nrows;

static struct row *add_row(const char *package, const char *operation, enum row_kind kind,
			   size_t size)
{
	struct row *r = &rows[nrows++];

	*r = (struct row){package, operation, kind, size, -1, -1, NULL, -1, NULL, 0, 0, SEC_E_OK};
	return r;
}

static double ratio(const struct row *r)
{
	return r->base / r->ours;
}

/* Our speed as a share of the limit's. */
static double x_limit(const struct row *r)
{
	return r->limit / r->ours;
}

/* 1: met, 0: missed, -1: nothing to judge. */
static int met(const struct row *r)
{
	if (r->target == 0 || r->ours < 0 || r->base < 0)
		return -1;
	if (r->kind == ROW_MEMORY)
		return r->ours - r->base <= r->target;
	return ratio(r) >= r->target;
}

static int limit_met(const struct row *r)
{
	if (r->limit_target == 0 || r->ours < 0 || r->limit < 0)
		return -1;
	return x_limit(r) >= r->limit_target;
}

static const char *verdict(int m)
{
	return m == 1 ? "met" : m == 0 ? "MISSED" : "n/a";
}

static const char *size_text(size_t size, char *buf, size_t len)
{
	if (size == 0)
		snprintf(buf, len, "-");
	else if (size >= 1048576)
		snprintf(buf, len, "%zu MiB", size / 1048576);
	else if (size >= 1024)
		snprintf(buf, len, "%zu KiB", size / 1024);
	else
		snprintf(buf, len, "%zu B", size);
	return buf;
}

/* "1402/s", "10.7 us 6.0 MB/s" or "3400 B" for one figure. */
static const char *figure(const struct row *r, double v, char *buf, size_t len)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else if (r->kind == ROW_HANDSHAKE)
		snprintf(buf, len, "%.0f/s", 1e9 / v);
	else if (r->kind == ROW_MEMORY)
		snprintf(buf, len, "%.0f B", v);
	else
		snprintf(buf, len, "%.1f us %7.1f MB/s", v / 1e3, (double)r->size * 1e3 / v);
	return buf;
}

static void print_table(void)
{
	char size[32], ours[40], base[40], target[40], lim[40], xl[16], ltarget[40];

	printf("%-9s %-18s %7s  %-23s  %-23s %-11s %6s  %-16s %-19s %7s  %s\n", "package",
	       "operation", "size", "sspi-gss", "baseline", "", "ratio", "target", "limit",
	       "x limit", "target");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		char rt[16] = "-";

		if (r->ours >= 0 && r->base >= 0) {
			if (r->kind == ROW_MEMORY)
				snprintf(rt, sizeof(rt), "%+.0f B", r->ours - r->base);
			else
				snprintf(rt, sizeof(rt), "%.3f", ratio(r));
		}
		if (r->target == 0)
			snprintf(target, sizeof(target), "-");
		else
			snprintf(target, sizeof(target),
				 r->kind == ROW_MEMORY ? "<= +%.0f B %s" : ">= %.2f %s", r->target,
				 verdict(met(r)));
		lim[0] = ltarget[0] = '\0';
		snprintf(xl, sizeof(xl), "-");
		if (r->limit > 0) {
			if (r->kind == ROW_HANDSHAKE)
				snprintf(lim, sizeof(lim), "%s %.0f/s", r->limit_name, 1e9 / r->limit);
			else
				snprintf(lim, sizeof(lim), "%s %.1f MB/s", r->limit_name,
					 (double)r->size * 1e3 / r->limit);
			if (r->ours > 0)
				snprintf(xl, sizeof(xl), "%.2f", x_limit(r));
		}
		if (r->limit_target > 0)
			snprintf(ltarget, sizeof(ltarget), ">= %.2f %s", r->limit_target,
				 verdict(limit_met(r)));
		printf("%-9s %-18s %7s  %-23s  %-23s %-11s %6s  %-16s %-19s %7s  %s\n", r->package,
		       r->operation, size_text(r->size, size, sizeof(size)),
		       r->unavailable != SEC_E_OK ? SspiGssStatusName(r->unavailable)
						   : figure(r, r->ours, ours, sizeof(ours)),
		       figure(r, r->base, base, sizeof(base)), r->base_name ? r->base_name : "",
		       rt, target, lim, xl, ltarget);
	}
}

static void json_number(const char *key, double v, int last)
{
	if (v < 0)
		printf("\"%s\": null%s", key, last ? "" : ", ");
	else
		printf("\"%s\": %.1f%s", key, v, last ? "" : ", ");
}

static void print_json(void)
{
	static const char *kinds[] = {"handshake", "message", "memory"};

	printf("{\"seconds\": %g, \"reps\": %d, \"rows\": [\n", seconds, reps);
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("  {\"package\": \"%s\", \"operation\": \"%s\", \"kind\": \"%s\", \"size\": %zu, ",
		       r->package, r->operation, kinds[r->kind], r->size);
		printf("\"unit\": \"%s\", ", r->kind == ROW_MEMORY ? "bytes" : "ns");
		json_number("sspi_gss", r->ours, 0);
		json_number("baseline", r->base, 0);
		printf("\"baseline_name\": %s%s%s, ", r->base_name ? "\"" : "",
		       r->base_name ? r->base_name : "null", r->base_name ? "\"" : "");
		json_number("limit", r->limit, 0);
		printf("\"limit_name\": %s%s%s, ", r->limit_name ? "\"" : "",
		       r->limit_name ? r->limit_name : "null", r->limit_name ? "\"" : "");
		if (r->target == 0 || met(r) < 0)
			printf("\"target\": null, \"met\": null, ");
		else
			printf("\"target\": %g, \"met\": %s, ", r->target, met(r) ? "true" : "false");
		if (r->limit_target == 0 || limit_met(r) < 0)
			printf("\"limit_target\": null, \"limit_met\": null, ");
		else
			printf("\"limit_target\": %g, \"limit_met\": %s, ", r->limit_target,
			       limit_met(r) ? "true" : "false");
		printf("\"unavailable\": %s%s%s}%s\n", r->unavailable ? "\"" : "",
		       r->unavailable ? SspiGssStatusName(r->unavailable) : "null",
		       r->unavailable ? "\"" : "", i + 1 < nrows ? "," : "");
	}
	printf("]}\n");
}

/* Best of reps for each of two operations, run alternately. */
static int compare(bench_op a, void *a_arg, double *a_ns, bench_op b, void *b_arg, double *b_ns)
{
	*a_ns = -1;
	if (b_ns != NULL)
		*b_ns = -1;
	for (int i = 0; i < reps; i++) {
		double x = bench_time(a, a_arg, seconds);
		double y = b ? bench_time(b, b_arg, seconds) : 0;

		if (x < 0 || y < 0)
			return -1;
		if (*a_ns < 0 || x < *a_ns)
			*a_ns = x;
		if (b != NULL && (*b_ns < 0 || y < *b_ns))
			*b_ns = y;
	}
	return 0;
}

/* ------------------------------------------------------- the SSPI side */

struct sspi_pkg {
	const char *name;
	ULONG req, asc_req;
	CredHandle client, server;
};

struct sspi_pair {
	struct sspi_pkg *pkg;
	CtxtHandle c, s;
	SecPkgContext_Sizes sizes;
};

static int sspi_establish(struct sspi_pair *p)
{
	static unsigned char tok[2][TOKEN_MAX];
	ULONG len = 0, attrs;
	TimeStamp exp;
	SECURITY_STATUS cs = SEC_I_CONTINUE_NEEDED, ss = SEC_I_CONTINUE_NEEDED;
	int client_turn = 1, first_c = 1, first_s = 1;

	while (cs != SEC_E_OK || ss != SEC_E_OK) {
		SecBuffer ib = {len, SECBUFFER_TOKEN, tok[client_turn]};
		SecBuffer ob = {TOKEN_MAX, SECBUFFER_TOKEN, tok[!client_turn]};
		SecBufferDesc in = {SECBUFFER_VERSION, 1, &ib}, out = {SECBUFFER_VERSION, 1, &ob};

		if (client_turn) {
			cs = InitializeSecurityContextA(&p->pkg->client, first_c ? NULL : &p->c,
							(SEC_CHAR *)TARGET, p->pkg->req, 0,
							SECURITY_NATIVE_DREP, first_c ? NULL : &in, 0,
							&p->c, &out, &attrs, &exp);
			first_c = 0;
			if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED)
				goto fail;
		} else {
			ss = AcceptSecurityContext(&p->pkg->server, first_s ? NULL : &p->s, &in,
						   p->pkg->asc_req, SECURITY_NATIVE_DREP, &p->s, &out,
						   &attrs, &exp);
			first_s = 0;
			if (ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED)
				goto fail;
		}
		len = ob.cbBuffer;
		if (len == 0 && (cs != SEC_E_OK || ss != SEC_E_OK))
			goto fail;
		client_turn = !client_turn;
	}
	return 0;
fail:
	fprintf(stderr, "sspi-gss-bench: %s handshake: client %s, server %s: %s\n", p->pkg->name,
		SspiGssStatusName(cs), SspiGssStatusName(ss), SspiGssGetLastErrorText());
	if (!first_c)
		DeleteSecurityContext(&p->c);
	if (!first_s)
		DeleteSecurityContext(&p->s);
	return -1;
}

static void sspi_release(struct sspi_pair *p)
{
	DeleteSecurityContext(&p->c);
	DeleteSecurityContext(&p->s);
}

static int sspi_handshake_op(void *arg)
{
	struct sspi_pair p = {.pkg = arg};

	if (sspi_establish(&p) != 0)
		return -1;
	sspi_release(&p);
	return 0;
}

struct sspi_message {
	struct sspi_pair *p;
	unsigned char *buf;
	size_t size;
};

static int sspi_seal_op(void *arg)
{
	struct sspi_message *m = arg;
	ULONG trailer = m->p->sizes.cbSecurityTrailer, pad = m->p->sizes.cbBlockSize;
	SecBuffer b[3] = {{trailer, SECBUFFER_TOKEN, m->buf},
			  {(ULONG)m->size, SECBUFFER_DATA, m->buf + trailer},
			  {pad, SECBUFFER_PADDING, m->buf + trailer + m->size}};
	SecBufferDesc d = {SECBUFFER_VERSION, 3, b};
	ULONG qop;

	if (EncryptMessage(&m->p->c, 0, &d, 0) != SEC_E_OK)
		return -1;
	return DecryptMessage(&m->p->s, &d, 0, &qop) == SEC_E_OK ? 0 : -1;
}

static int sspi_sign_op(void *arg)
{
	struct sspi_message *m = arg;
	/* The data at the same offset as on the GSS side, so that both hash
	 * equally aligned bytes. */
	SecBuffer b[2] = {{m->p->sizes.cbMaxSignature, SECBUFFER_TOKEN, m->buf},
			  {(ULONG)m->size, SECBUFFER_DATA, m->buf + SIGN_DATA}};
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	ULONG qop;

	if (MakeSignature(&m->p->c, 0, &d, 0) != SEC_E_OK)
		return -1;
	return VerifySignature(&m->p->s, &d, 0, &qop) == SEC_E_OK ? 0 : -1;
}

/* With user NULL: default credentials (the ticket cache), no identity. */
static SECURITY_STATUS sspi_acquire(struct sspi_pkg *pkg, const char *user, const char *domain)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {
		(UCHAR *)user,           user ? (ULONG)strlen(user) : 0,
		(UCHAR *)domain,         domain ? (ULONG)strlen(domain) : 0,
		(UCHAR *)BENCH_PASSWORD, (ULONG)strlen(BENCH_PASSWORD),
		SEC_WINNT_AUTH_IDENTITY_ANSI};
	TimeStamp exp;
	SECURITY_STATUS s;

	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg->name, SECPKG_CRED_OUTBOUND, NULL,
				      user ? &id : NULL, NULL, NULL, &pkg->client, &exp);
	if (s != SEC_E_OK)
		return s;
	s = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg->name, SECPKG_CRED_INBOUND, NULL, NULL,
				      NULL, NULL, &pkg->server, &exp);
	if (s != SEC_E_OK)
		FreeCredentialsHandle(&pkg->client);
	return s;
}

static void sspi_free(struct sspi_pkg *pkg)
{
	FreeCredentialsHandle(&pkg->client);
	FreeCredentialsHandle(&pkg->server);
}

/* --------------------------------------------- the Heimdal GSS-API side */

struct gss_side {
	gss_OID mech;
	gss_cred_id_t client, server;
};

struct gss_pair {
	struct gss_side *side;
	gss_ctx_id_t c, s;
	size_t header, padding, trailer_sealed; /* from gss_wrap_iov_length */
};

static int gss_establish(struct gss_pair *p)
{
	OM_uint32 cmaj = GSS_S_CONTINUE_NEEDED, smaj = GSS_S_CONTINUE_NEEDED, minor;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, next;
	gss_buffer_desc name_buf = {sizeof(TARGET) - 1, (void *)TARGET};
	gss_name_t target;
	int client_turn = 1;

	p->c = GSS_C_NO_CONTEXT;
	p->s = GSS_C_NO_CONTEXT;
	if (gss_import_name(&minor, &name_buf, GSS_KRB5_NT_PRINCIPAL_NAME, &target) != 0)
		return -1;
	while (cmaj != GSS_S_COMPLETE || smaj != GSS_S_COMPLETE) {
		next = (gss_buffer_desc)GSS_C_EMPTY_BUFFER;
		if (client_turn)
			cmaj = gss_init_sec_context(&minor, p->side->client, &p->c, target,
						    p->side->mech,
						    GSS_C_MUTUAL_FLAG | GSS_C_CONF_FLAG |
							    GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG |
							    GSS_C_SEQUENCE_FLAG,
						    0, GSS_C_NO_CHANNEL_BINDINGS, &tok, NULL, &next,
						    NULL, NULL);
		else
			smaj = gss_accept_sec_context(&minor, &p->s, p->side->server, &tok,
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
	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
	fprintf(stderr, "sspi-gss-bench: GSS handshake failed (0x%x, 0x%x)\n", cmaj, smaj);
	return -1;
}

static void gss_release(struct gss_pair *p)
{
	OM_uint32 minor;

	gss_delete_sec_context(&minor, &p->c, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &p->s, GSS_C_NO_BUFFER);
}

static int gss_handshake_op(void *arg)
{
	struct gss_pair p = {.side = arg};

	if (gss_establish(&p) != 0)
		return -1;
	gss_release(&p);
	return 0;
}

struct gss_message {
	struct gss_pair *p;
	unsigned char *buf;
	size_t size;
	size_t header, padding;
};

/* [HEADER, DATA, PADDING] with no TRAILER, in place: the calls EncryptMessage
 * makes for the Windows layout. */
static int gss_seal_op(void *arg)
{
	struct gss_message *m = arg;
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

static int gss_sign_op(void *arg)
{
	struct gss_message *m = arg;
	gss_buffer_desc msg = {m->size, m->buf + SIGN_DATA}, mic;
	OM_uint32 minor, major;

	if (gss_get_mic(&minor, m->p->c, 0, &msg, &mic) != GSS_S_COMPLETE)
		return -1;
	major = gss_verify_mic(&minor, m->p->s, &msg, &mic, NULL);
	gss_release_buffer(&minor, &mic);
	return major == GSS_S_COMPLETE ? 0 : -1;
}

/* Header and padding lengths for a message, asked once as a caller would. */
static int gss_message_sizes(struct gss_message *m)
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

static const char *realm_dir;

/* --------------------------------------------------------- credentials */

/*
 * Where the initiator's tickets come from. MEMORY: alice's password, so
 * that the tickets live in the process (Heimdal's SPNEGO, which takes no
 * password, reads a MEMORY cache copied from the kinit file); FILE: the
 * cache file kinit filled, as a logged-in user has it.
 */
enum source { FROM_MEMORY, FROM_FILE };

#define MEMORY_CACHE "MEMORY:sspi-gss-bench"
static char file_cache[600];

/* kinit into the FILE cache, and its copy into the MEMORY cache. */
static int kinit_caches(void)
{
	char cmd[1024];
	krb5_context kc;
	krb5_ccache from, to;
	krb5_error_code ret;

	snprintf(file_cache, sizeof(file_cache), "FILE:%s/ccache", realm_dir);
	snprintf(cmd, sizeof(cmd),
		 "KRB5CCNAME='%s' kinit --password-file='%s/alice.password' %s@SSPI.TEST",
		 file_cache, realm_dir, BENCH_USER);
	if (system(cmd) != 0)
		return -1;
	if (krb5_init_context(&kc) != 0)
		return -1;
	ret = krb5_cc_resolve(kc, file_cache, &from);
	if (ret == 0) {
		ret = krb5_cc_resolve(kc, MEMORY_CACHE, &to);
		if (ret == 0) {
			ret = krb5_cc_copy_cache(kc, from, to);
			/* Closed, a MEMORY cache lives on until destroyed. */
			krb5_cc_close(kc, to);
		}
		krb5_cc_close(kc, from);
	}
	krb5_free_context(kc);
	return ret == 0 ? 0 : -1;
}

/* The default cache for what follows: Heimdal's SPNEGO and default
 * credentials read it. */
static int use_cache(enum source src)
{
	return setenv("KRB5CCNAME", src == FROM_FILE ? file_cache : MEMORY_CACHE, 1);
}

/* alice's initiator credential and the acceptor's from the realm's
 * keytab; through SPNEGO, default ones (GSS_C_NO_CREDENTIAL). */
static int gss_credentials(struct gss_side *side, enum source src)
{
	gss_buffer_desc pw = {strlen(BENCH_PASSWORD), (void *)BENCH_PASSWORD};
	gss_buffer_desc user = {strlen(BENCH_USER "@SSPI.TEST"), (void *)BENCH_USER "@SSPI.TEST"};
	gss_OID_set_desc krb5 = {1, GSS_KRB5_MECHANISM};
	gss_name_t name;
	OM_uint32 major, minor;

	if (use_cache(src) != 0)
		return -1;
	if (gss_oid_equal(side->mech, GSS_SPNEGO_MECHANISM))
		return 0;
	if (src == FROM_FILE) {
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_INITIATE, &side->client, NULL, NULL);
	} else {
		if (gss_import_name(&minor, &user, GSS_C_NT_USER_NAME, &name) != GSS_S_COMPLETE)
			return -1;
		major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE, &krb5,
						       GSS_C_INITIATE, &side->client, NULL, NULL);
		gss_release_name(&minor, &name);
	}
	if (major == GSS_S_COMPLETE)
		major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5,
					 GSS_C_ACCEPT, &side->server, NULL, NULL);
	if (major != GSS_S_COMPLETE)
		fprintf(stderr, "sspi-gss-bench: Heimdal GSS credentials failed (0x%x)\n", major);
	return major == GSS_S_COMPLETE ? 0 : -1;
}

/* ------------------------------------------------------------ memory */

/* One 64-byte message each way engages what a context sets up at its
 * first message (the Kerberos fast path). */
static unsigned char memory_message[SIGN_DATA + 64 + 64];

/* Heap bytes per established context (half a client/server pair); with
 * message, after one Encrypt+Decrypt on each pair. */
static double sspi_memory(struct sspi_pkg *pkg, int message)
{
	static struct sspi_pair pairs[BENCH_MEMORY_PAIRS];
	size_t before, after;
	int failed = 0;

	/* What a process sets up once, at its first message (OpenSSL's
	 * random generator, say), is no context's. */
	if (message) {
		struct sspi_pair warm = {.pkg = pkg};
		struct sspi_message m = {&warm, memory_message, 64};

		if (sspi_establish(&warm) != 0)
			return -1;
		failed = QueryContextAttributesA(&warm.c, SECPKG_ATTR_SIZES, &warm.sizes) !=
				 SEC_E_OK ||
			 sspi_seal_op(&m) != 0;
		sspi_release(&warm);
	}
	before = bench_heap_bytes();

	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++) {
		pairs[i].pkg = pkg;
		if (sspi_establish(&pairs[i]) != 0)
			return -1;
		if (message) {
			struct sspi_message m = {&pairs[i], memory_message, 64};

			if (QueryContextAttributesA(&pairs[i].c, SECPKG_ATTR_SIZES,
						    &pairs[i].sizes) != SEC_E_OK ||
			    sspi_seal_op(&m) != 0)
				failed = 1;
		}
	}
	after = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		sspi_release(&pairs[i]);
	return failed ? -1 : (double)(after - before) / (2.0 * BENCH_MEMORY_PAIRS);
}

static double gss_memory(struct gss_side *side, int message)
{
	static struct gss_pair pairs[BENCH_MEMORY_PAIRS];
	size_t before, after;
	int failed = 0;

	if (message) {
		struct gss_pair warm = {.side = side};
		struct gss_message m = {&warm, memory_message, 64, 0, 0};

		if (gss_establish(&warm) != 0)
			return -1;
		failed = gss_message_sizes(&m) != 0 || gss_seal_op(&m) != 0;
		gss_release(&warm);
	}
	before = bench_heap_bytes();

	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++) {
		pairs[i].side = side;
		if (gss_establish(&pairs[i]) != 0)
			return -1;
		if (message) {
			struct gss_message m = {&pairs[i], memory_message, 64, 0, 0};

			if (gss_message_sizes(&m) != 0 || gss_seal_op(&m) != 0)
				failed = 1;
		}
	}
	after = bench_heap_bytes();
	for (int i = 0; i < BENCH_MEMORY_PAIRS; i++)
		gss_release(&pairs[i]);
	return failed ? -1 : (double)(after - before) / (2.0 * BENCH_MEMORY_PAIRS);
}

/* ------------------------------------------------------------ packages */

/* Targets (docs/performance.md). */
#define TARGET_HANDSHAKE 0.97     /* against Heimdal from the same cache */
#define TARGET_FILE_HANDSHAKE 0.8 /* from a FILE cache: x the rate from memory */
#define TARGET_KRB5_SMALL 2.0     /* Kerberos messages, 64 B: x raw Heimdal */
#define TARGET_KRB5 5.0           /* 1 KiB and above */
#define TARGET_KRB5_LIMIT 0.6     /* 1 KiB and above: x the OpenSSL limit */
#define TARGET_MESSAGE 0.97       /* Negotiate's messages are Kerberos' */
#define TARGET_MEMORY 1024.0      /* bytes of overhead per context */
#define TARGET_NTLM 1.0           /* at least as fast as WinPR */

/* The rate from memory of each package: the limit of its FILE row. */
static double memory_handshake_ns[2] = {-1, -1};

/* Kerberos, or Negotiate when it carries Kerberos, from one source of
 * tickets: against raw Heimdal from the same source. */
static int bench_gss_package(const char *package, gss_OID mech, enum source src, int messages)
{
	struct sspi_pkg pkg = {package,
			       ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY |
				       ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT,
			       ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
				       ASC_REQ_REPLAY_DETECT | ASC_REQ_SEQUENCE_DETECT,
			       {0, 0}, {0, 0}};
	struct gss_side side = {mech, GSS_C_NO_CREDENTIAL, GSS_C_NO_CREDENTIAL};
	struct sspi_pair sp = {.pkg = &pkg};
	struct gss_pair gp = {.side = &side};
	int spnego = gss_oid_equal(mech, GSS_SPNEGO_MECHANISM);
	OM_uint32 minor;
	SECURITY_STATUS s;
	struct row *r;
	int rc = -1;

	r = add_row(package, src == FROM_FILE ? "handshake, FILE" : "handshake, memory",
		    ROW_HANDSHAKE, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_HANDSHAKE;
	if (gss_credentials(&side, src) != 0) {
		s = SEC_E_INTERNAL_ERROR;
		goto out;
	}
	/* Default credentials read the FILE cache; with alice's password the
	 * tickets are the credential's own, in memory. */
	s = src == FROM_FILE ? sspi_acquire(&pkg, NULL, NULL)
			     : sspi_acquire(&pkg, BENCH_USER, "SSPI.TEST");
	if (s != SEC_E_OK) {
		/* The baseline alone, and why there is nothing beside it. */
		r->unavailable = s;
		messages = 0;
	}
	/* The first handshake of each fetches and caches the service ticket. */
	if (gss_handshake_op(&side) != 0)
		goto out;
	if (r->unavailable != SEC_E_OK) {
		rc = compare(gss_handshake_op, &side, &r->base, NULL, NULL, NULL);
		goto out;
	}
	if (sspi_handshake_op(&pkg) != 0 ||
	    compare(sspi_handshake_op, &pkg, &r->ours, gss_handshake_op, &side, &r->base) != 0)
		goto out;
	if (src == FROM_MEMORY) {
		memory_handshake_ns[spnego] = r->ours;
	} else {
		r->limit = memory_handshake_ns[spnego];
		r->limit_name = "memory";
		r->limit_target = TARGET_FILE_HANDSHAKE;
		rc = 0;
		goto out;
	}

	r = add_row(package, "memory/context", ROW_MEMORY, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_MEMORY;
	r->ours = sspi_memory(&pkg, 0);
	r->base = gss_memory(&side, 0);
	if (r->ours < 0 || r->base < 0)
		goto out;
	r = add_row(package, "memory/ctx+message", ROW_MEMORY, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_MEMORY;
	r->ours = sspi_memory(&pkg, 1);
	r->base = gss_memory(&side, 1);
	if (r->ours < 0 || r->base < 0)
		goto out;

	if (!messages) {
		rc = 0;
		goto out;
	}
	if (sspi_establish(&sp) != 0)
		goto out;
	if (gss_establish(&gp) != 0)
		goto out_sp;
	if (QueryContextAttributesA(&sp.c, SECPKG_ATTR_SIZES, &sp.sizes) != SEC_E_OK)
		goto out_gp;
	for (size_t i = 0; i < BENCH_NSIZES; i++) {
		size_t size = bench_sizes[i], room = SIGN_DATA + size + 64;
		struct sspi_message sm = {&sp, calloc(1, room), size};
		struct gss_message gm = {&gp, calloc(1, room), size, 0, 0};
		int failed = sm.buf == NULL || gm.buf == NULL || gss_message_sizes(&gm) != 0;
		double target = spnego ? TARGET_MESSAGE : size < 1024 ? TARGET_KRB5_SMALL : TARGET_KRB5;

		r = add_row(package, "Encrypt+Decrypt", ROW_MESSAGE, size);
		r->base_name = "Heimdal GSS";
		r->target = target;
		failed = failed || compare(sspi_seal_op, &sm, &r->ours, gss_seal_op, &gm, &r->base);
		r->limit = failed ? -1 : bench_limit_seal_ns(size, seconds, reps);
		r->limit_name = "OpenSSL";
		r->limit_target = size >= 1024 ? TARGET_KRB5_LIMIT : 0;

		r = add_row(package, "Make+VerifySig", ROW_MESSAGE, size);
		r->base_name = "Heimdal GSS";
		r->target = target;
		failed = failed || compare(sspi_sign_op, &sm, &r->ours, gss_sign_op, &gm, &r->base);
		r->limit = failed ? -1 : bench_limit_sign_ns(size, seconds, reps);
		r->limit_name = "OpenSSL";
		r->limit_target = size >= 1024 ? TARGET_KRB5_LIMIT : 0;
		free(sm.buf);
		free(gm.buf);
		if (failed)
			goto out_gp;
	}
	rc = 0;
out_gp:
	gss_release(&gp);
out_sp:
	sspi_release(&sp);
out:
	gss_release_cred(&minor, &side.client);
	gss_release_cred(&minor, &side.server);
	if (s == SEC_E_OK)
		sspi_free(&pkg);
	return rc;
}

/* WinPR's figures, from its companion program: "handshake 0 NS" lines. */
struct winpr_figures {
	double handshake, memory, seal[BENCH_NSIZES];
};

static int run_winpr(const char *program, const char *dir, struct winpr_figures *w)
{
	char cmd[8192], op[32];
	size_t size;
	double v;
	FILE *f;

	w->handshake = w->memory = -1;
	for (size_t i = 0; i < BENCH_NSIZES; i++)
		w->seal[i] = -1;
	if (program == NULL || access(program, X_OK) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' %g %d '%s'", program, seconds, reps, dir);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (fscanf(f, "%31s %zu %lf", op, &size, &v) == 3) {
		if (strcmp(op, "handshake") == 0)
			w->handshake = v;
		else if (strcmp(op, "memory") == 0)
			w->memory = v;
		else
			for (size_t i = 0; i < BENCH_NSIZES; i++)
				if (strcmp(op, "seal") == 0 && bench_sizes[i] == size)
					w->seal[i] = v;
	}
	return pclose(f) == 0 ? 0 : -1;
}

static int bench_ntlm(const char *winpr, const char *dir)
{
	struct sspi_pkg pkg = {"NTLM",
			       ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT |
				       ISC_REQ_SEQUENCE_DETECT,
			       ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY | ASC_REQ_REPLAY_DETECT |
				       ASC_REQ_SEQUENCE_DETECT,
			       {0, 0}, {0, 0}};
	struct sspi_pair sp = {.pkg = &pkg};
	struct winpr_figures w;
	const char *base_name;
	SECURITY_STATUS s;
	struct row *r;
	int rc = -1;

	s = sspi_acquire(&pkg, BENCH_USER, BENCH_DOMAIN);
	if (s != SEC_E_OK) {
		fprintf(stderr, "sspi-gss-bench: NTLM credentials: %s\n", SspiGssStatusName(s));
		return -1;
	}
	if (run_winpr(winpr, dir, &w) == 0) {
		base_name = "WinPR 2";
	} else {
		fprintf(stderr, "sspi-gss-bench: no WinPR figures (%s)\n",
			winpr ? winpr : "sspi-gss-bench-winpr not built");
		base_name = NULL;
	}

	r = add_row("NTLM", "handshake", ROW_HANDSHAKE, 0);
	r->base_name = base_name;
	r->base = w.handshake;
	r->target = TARGET_NTLM;
	if (compare(sspi_handshake_op, &pkg, &r->ours, NULL, NULL, NULL) != 0)
		goto out;

	r = add_row("NTLM", "memory/context", ROW_MEMORY, 0);
	r->base_name = base_name;
	r->base = w.memory;
	r->ours = sspi_memory(&pkg, 0);
	if (r->ours < 0)
		goto out;

	if (sspi_establish(&sp) != 0)
		goto out;
	if (QueryContextAttributesA(&sp.c, SECPKG_ATTR_SIZES, &sp.sizes) != SEC_E_OK)
		goto out_sp;
	for (size_t i = 0; i < BENCH_NSIZES; i++) {
		size_t size = bench_sizes[i];
		struct sspi_message sm = {&sp, calloc(1, SIGN_DATA + size + 64), size};
		int failed = sm.buf == NULL;

		r = add_row("NTLM", "Encrypt+Decrypt", ROW_MESSAGE, size);
		r->base_name = base_name;
		r->base = w.seal[i];
		r->target = TARGET_NTLM;
		failed = failed || compare(sspi_seal_op, &sm, &r->ours, NULL, NULL, NULL);

		/* WinPR's NTLM has no MakeSignature to compare with. */
		r = add_row("NTLM", "Make+VerifySig", ROW_MESSAGE, size);
		failed = failed || compare(sspi_sign_op, &sm, &r->ours, NULL, NULL, NULL);
		free(sm.buf);
		if (failed)
			goto out_sp;
	}
	rc = 0;
out_sp:
	sspi_release(&sp);
out:
	sspi_free(&pkg);
	return rc;
}

/* ------------------------------------------------------------ main */

/* The companion program: --winpr, else beside this executable. */
static char *winpr_program(const char *given)
{
	static char path[PATH_MAX];
	ssize_t n;
	char *slash;

	if (given != NULL)
		return (char *)given;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL)
		return NULL;
	strcpy(slash + 1, "sspi-gss-bench-winpr");
	return path;
}

static int write_user_file(const char *dir)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ntlm.users", dir);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%s:%s:%s\n", BENCH_DOMAIN, BENCH_USER, BENCH_PASSWORD);
	if (fclose(f) != 0)
		return -1;
	return setenv("NTLM_USER_FILE", path, 1);
}

static void usage(void)
{
	fprintf(stderr, "usage: sspi-gss-bench [--seconds S] [--reps N] [--json] [--winpr PATH] "
			"[--package NAME]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *winpr = NULL, *only = NULL;
	struct realm realm;
	double started = bench_now();
	int json = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--winpr") == 0 && i + 1 < argc)
			winpr = argv[++i];
		else if (strcmp(argv[i], "--package") == 0 && i + 1 < argc)
			only = argv[++i];
		else
			usage();
	}
	if (seconds <= 0 || seconds > 60 || reps < 1 || reps > 100)
		usage();

	/* The realm script of the source tree this program was built from. */
	setenv("SSPI_GSS_REALM_SH", SG_REALM_SH, 0);
	if (realm_start(&realm) != 0) {
		fprintf(stderr, "sspi-gss-bench: could not start the throwaway realm\n");
		realm_stop(&realm);
		return 1;
	}
	realm_dir = realm.dir;
	if (write_user_file(realm.dir) != 0) {
		fprintf(stderr, "sspi-gss-bench: cannot write the NTLM user file: %s\n",
			strerror(errno));
		rc = 1;
	}
#define WANTED(name) (rc == 0 && (only == NULL || strcasecmp(only, name) == 0))
	if ((WANTED("Kerberos") || WANTED("Negotiate")) && kinit_caches() != 0) {
		fprintf(stderr, "sspi-gss-bench: kinit into the ticket caches failed\n");
		rc = 1;
	}
	if (WANTED("Kerberos") &&
	    (bench_gss_package("Kerberos", GSS_KRB5_MECHANISM, FROM_MEMORY, 1) != 0 ||
	     bench_gss_package("Kerberos", GSS_KRB5_MECHANISM, FROM_FILE, 0) != 0))
		rc = 1;
	if (WANTED("Negotiate") &&
	    (bench_gss_package("Negotiate", GSS_SPNEGO_MECHANISM, FROM_MEMORY, 0) != 0 ||
	     bench_gss_package("Negotiate", GSS_SPNEGO_MECHANISM, FROM_FILE, 0) != 0))
		rc = 1;
	if (WANTED("NTLM") && bench_ntlm(winpr_program(winpr), realm.dir) != 0)
		rc = 1;
	realm_stop(&realm);

	if (json) {
		print_json();
	} else {
		printf("sspi-gss-bench: best of %d runs of %.2f s each; ratio = baseline time / "
		       "sspi-gss time (above 1: faster)\n\n",
		       reps, seconds);
		print_table();
		printf("\n%.1f s in all\n", bench_now() - started);
	}
	if (rc != 0)
		fprintf(stderr, "sspi-gss-bench: a measurement failed (see above)\n");
	return rc;
}
