/*
 * sspi-gss-bench - what the SSPI layer costs over the mechanism beneath it.
 *
 *   sspi-gss-bench [--seconds S] [--reps N] [--json] [--winpr PATH] [--mit PATH]
 *                  [--package NAME] [--contexts N] [--no-servers]
 *
 * Starts a throwaway realm on 127.0.0.1 (tests/fixtures/realm.sh), then
 * measures in one process, client and server contexts side by side, each
 * figure the best of N batches of S seconds, all the figures of a row taken
 * in turn:
 *  - Kerberos and Negotiate: handshakes per second with tickets in memory
 *    and from a kinit FILE cache, EncryptMessage + DecryptMessage and
 *    MakeSignature + VerifySignature at 64 B to 1 MiB, heap per established
 *    context before and after a first message - against the same work done
 *    by calling Heimdal GSS-API directly (init/accept loops, gss_wrap_iov +
 *    gss_unwrap_iov, gss_get_mic + gss_verify_mic), and for Kerberos also
 *    MIT krb5's GSS-API through the companion sspi-gss-bench-mit;
 *    and the "limit" with our share of it ("x limit"): for messages the
 *    same sizes through OpenSSL's AES-256-CBC and HMAC-SHA1, the bare
 *    cryptography of those Kerberos tokens; for FILE-cache handshakes the
 *    rate from memory.
 *  - NTLM: the same rows against FreeRDP WinPR's NTLM, run by the
 *    companion sspi-gss-bench-winpr (Heimdal has no NTLMv2 to compare with),
 *    and libcrypto's MD5 and RC4 over the same messages as the limit.
 *  - Servers: acceptor handshakes with 1, 2, 4 and 8 client threads on one
 *    shared acceptor credential, against Heimdal doing the same, and the
 *    heap per live acceptor context with --contexts of them.
 * Ratios are baseline time / our time: above 1 we are faster. Each row
 * names its targets (docs/performance.md) and whether they were met.
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
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-gss.h"
#include "bench-limit.h"
#include "bench.h"
#include "realm.h"

#define TARGET "HTTP/localhost"
#define TOKEN_MAX 16384
/* SIGN_DATA (bench-gss.h): where signed data starts in a message buffer,
 * after room for the token. */

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
	/* Kerberos: MIT krb5's figure (same unit; < 0: none), and the least
	 * ratio against the faster of the two baselines (0: none). */
	double mit;
	double best_target;
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

	*r = (struct row){.package = package, .operation = operation, .kind = kind, .size = size,
			  .ours = -1, .base = -1, .limit = -1, .mit = -1,
			  .unavailable = SEC_E_OK};
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

/* The faster baseline's time (Heimdal's or MIT's); < 0: neither. */
static double best_base(const struct row *r)
{
	if (r->base < 0)
		return r->mit;
	if (r->mit < 0)
		return r->base;
	return r->base < r->mit ? r->base : r->mit;
}

static int best_met(const struct row *r)
{
	if (r->best_target == 0 || r->ours < 0 || best_base(r) < 0)
		return -1;
	return best_base(r) / r->ours >= r->best_target;
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

/* The MIT figure and the ratio against the faster baseline, in words. */
static void mit_text(const struct row *r, char *mit, size_t mlen, char *best, size_t blen,
		     char *btarget, size_t tlen)
{
	snprintf(mit, mlen, "-");
	snprintf(best, blen, "-");
	snprintf(btarget, tlen, "-");
	if (r->mit >= 0) {
		if (r->kind == ROW_HANDSHAKE)
			snprintf(mit, mlen, "%.0f/s", 1e9 / r->mit);
		else if (r->kind == ROW_MEMORY)
			snprintf(mit, mlen, "%.0f B", r->mit);
		else
			snprintf(mit, mlen, "%.1f us", r->mit / 1e3);
	}
	if (r->kind != ROW_MEMORY && r->ours > 0 && best_base(r) > 0 && r->mit >= 0)
		snprintf(best, blen, "%.3f", best_base(r) / r->ours);
	if (r->best_target > 0)
		snprintf(btarget, tlen, ">= %.2f %s", r->best_target, verdict(best_met(r)));
}

static void print_table(void)
{
	char size[32], ours[40], base[40], target[40], lim[40], xl[16], ltarget[40];
	char mit[32], best[16], btarget[32];

	printf("%-9s %-19s %7s  %-23s  %-23s %-11s %6s  %-14s %-10s %6s  %-14s %-19s %7s  %s\n",
	       "package", "operation", "size", "sspi-gss", "baseline", "", "ratio", "target",
	       "MIT", "x best", "target", "limit", "x limit", "target");
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
		mit_text(r, mit, sizeof(mit), best, sizeof(best), btarget, sizeof(btarget));
		printf("%-9s %-19s %7s  %-23s  %-23s %-11s %6s  %-14s %-10s %6s  %-14s %-19s %7s  %s\n",
		       r->package, r->operation, size_text(r->size, size, sizeof(size)),
		       r->unavailable != SEC_E_OK ? SspiGssStatusName(r->unavailable)
						   : figure(r, r->ours, ours, sizeof(ours)),
		       figure(r, r->base, base, sizeof(base)), r->base_name ? r->base_name : "",
		       rt, target, mit, best, btarget, lim, xl, ltarget);
	}
}

static void json_number(const char *key, double v, int last)
{
	if (v < 0)
		printf("\"%s\": null%s", key, last ? "" : ", ");
	else
		printf("\"%s\": %.1f%s", key, v, last ? "" : ", ");
}

static void json_verdict(const char *key, double target, int m)
{
	if (target == 0 || m < 0)
		printf("\"%s\": null, \"%s_met\": null, ", key, key);
	else
		printf("\"%s\": %g, \"%s_met\": %s, ", key, target, key, m ? "true" : "false");
}

/* What the run says besides its rows (which companions ran, which NTLM
 * sealing way the library chose). */
static char notes[8][256];
static int nnotes;

static void note(const char *fmt, const char *arg)
{
	if (nnotes < (int)(sizeof(notes) / sizeof(notes[0])))
		snprintf(notes[nnotes++], sizeof(notes[0]), fmt, arg);
}

static void print_json(void)
{
	static const char *kinds[] = {"handshake", "message", "memory"};

	printf("{\"seconds\": %g, \"reps\": %d, \"notes\": [", seconds, reps);
	for (int i = 0; i < nnotes; i++)
		printf("\"%s\"%s", notes[i], i + 1 < nnotes ? ", " : "");
	printf("], \"rows\": [\n");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("  {\"package\": \"%s\", \"operation\": \"%s\", \"kind\": \"%s\", \"size\": %zu, ",
		       r->package, r->operation, kinds[r->kind], r->size);
		printf("\"unit\": \"%s\", ", r->kind == ROW_MEMORY ? "bytes" : "ns");
		json_number("sspi_gss", r->ours, 0);
		json_number("baseline", r->base, 0);
		printf("\"baseline_name\": %s%s%s, ", r->base_name ? "\"" : "",
		       r->base_name ? r->base_name : "null", r->base_name ? "\"" : "");
		json_number("mit", r->mit, 0);
		json_number("limit", r->limit, 0);
		printf("\"limit_name\": %s%s%s, ", r->limit_name ? "\"" : "",
		       r->limit_name ? r->limit_name : "null", r->limit_name ? "\"" : "");
		if (r->target == 0 || met(r) < 0)
			printf("\"target\": null, \"met\": null, ");
		else
			printf("\"target\": %g, \"met\": %s, ", r->target, met(r) ? "true" : "false");
		json_verdict("best_target", r->best_target, best_met(r));
		json_verdict("limit_target", r->limit_target, limit_met(r));
		printf("\"unavailable\": %s%s%s}%s\n", r->unavailable ? "\"" : "",
		       r->unavailable ? SspiGssStatusName(r->unavailable) : "null",
		       r->unavailable ? "\"" : "", i + 1 < nrows ? "," : "");
	}
	printf("]}\n");
}

/* ------------------------------------------------------ companions */

/* A companion program measuring a baseline on request (bench.h,
 * bench_serve). */
struct peer {
	pid_t pid;
	FILE *to, *from;
};

/* Starts argv[0] with its standard input and output on pipes; it dies
 * with this process. The pipes are close-on-exec, so a later companion
 * does not hold this one's input open. 0, or -1 (nothing started). */
static int peer_start(struct peer *p, char *const argv[])
{
	int in[2], out[2];

	p->pid = -1;
	p->to = p->from = NULL;
	if (access(argv[0], X_OK) != 0 || pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (p->pid < 0) {
		close(in[1]);
		close(out[0]);
		return -1;
	}
	p->to = fdopen(in[1], "w");
	p->from = fdopen(out[0], "r");
	if (p->to == NULL || p->from == NULL)
		return -1;
	return 0;
}

static int peer_running(const struct peer *p)
{
	return p->pid > 0 && p->to != NULL && p->from != NULL;
}

/* The companion's figure for "op size"; -1 when it has none. */
static double peer_ask(struct peer *p, const char *op, size_t size)
{
	char line[64];

	if (!peer_running(p))
		return -1;
	fprintf(p->to, "%s %zu\n", op, size);
	fflush(p->to);
	if (fgets(line, sizeof(line), p->from) == NULL)
		return -1;
	return atof(line);
}

static int peer_stop(struct peer *p)
{
	int status = 0;

	if (p->to != NULL)
		fclose(p->to);
	if (p->from != NULL)
		fclose(p->from);
	if (p->pid > 0 && waitpid(p->pid, &status, 0) != p->pid)
		status = -1;
	p->pid = -1;
	p->to = p->from = NULL;
	return status;
}

static struct peer winpr_peer = {-1, NULL, NULL}, mit_peer = {-1, NULL, NULL};

/* ----------------------------------------------------- measuring */

/*
 * One figure of a row: an operation in this process, or a companion's
 * answer to a request. All the sides of a row are measured in turn, reps
 * times, each keeping its best, so that a slow moment of the machine hits
 * them all.
 */
struct side {
	bench_op op;
	void *arg;
	struct peer *peer;
	const char *request;
	size_t size;
	double *out;
};

/* -1 when an operation of this process failed; a companion's failure
 * leaves its figure at -1 only. */
static int measure(struct side *sides, int n)
{
	for (int i = 0; i < n; i++)
		*sides[i].out = -1;
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < n; i++) {
			struct side *sd = &sides[i];
			double x;

			if (sd->peer != NULL) {
				if (r > 0 && *sd->out < 0)
					continue; /* it had no answer */
				x = peer_ask(sd->peer, sd->request, sd->size);
				if (x < 0)
					continue;
			} else {
				x = bench_time(sd->op, sd->arg, seconds);
				if (x < 0)
					return -1;
			}
			if (*sd->out < 0 || x < *sd->out)
				*sd->out = x;
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
	unsigned char tok[2][TOKEN_MAX]; /* not static: server rows run it on several threads */
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

static const char *realm_dir;

/* Waits until the realm's keytab was last written more than a second and a
 * half ago. */
static void keytab_settled(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/service.keytab", dir);
	for (int i = 0; i < 50 && stat(path, &st) == 0; i++) {
		struct timespec now;
		long long age;

		clock_gettime(CLOCK_REALTIME, &now);
		age = ((long long)now.tv_sec - st.st_ctim.tv_sec) * 1000000000LL +
		      (now.tv_nsec - st.st_ctim.tv_nsec);
		if (age > 1500000000LL)
			return;
		usleep(100000);
	}
}

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
static int gss_credentials(struct bench_gss_side *side, enum source src)
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

/* ------------------------------------------------------------ packages */

/* Targets (docs/performance.md). */
#define TARGET_HANDSHAKE 0.97     /* against Heimdal from the same cache */
#define TARGET_FILE_HANDSHAKE 0.8 /* from a FILE cache: x the rate from memory */
#define TARGET_KRB5_SMALL 2.0     /* Kerberos messages, 64 B: x raw Heimdal */
#define TARGET_KRB5 5.0           /* 1 KiB and above */
#define TARGET_KRB5_LIMIT_SMALL 0.8 /* 64 B: x the OpenSSL limit */
#define TARGET_KRB5_LIMIT 0.9     /* 1 KiB and above: x the OpenSSL limit */
#define TARGET_BEST 1.0           /* Kerberos: x the faster of Heimdal and MIT */
#define TARGET_MESSAGE 0.97       /* Negotiate's messages are Kerberos' */
#define TARGET_MEMORY 1024.0      /* bytes of overhead per context */
#define TARGET_NTLM 1.0           /* at least as fast as WinPR */
#define TARGET_NTLM_LIMIT 0.95    /* NTLM sealing, 1 KiB and above: x libcrypto's */

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
	struct bench_gss_side side = {mech, GSS_C_NO_CREDENTIAL, GSS_C_NO_CREDENTIAL, TARGET,
				      GSS_KRB5_NT_PRINCIPAL_NAME};
	struct sspi_pair sp = {.pkg = &pkg};
	struct bench_gss_pair gp = {.side = &side};
	int spnego = gss_oid_equal(mech, GSS_SPNEGO_MECHANISM);
	OM_uint32 minor;
	SECURITY_STATUS s;
	struct row *r;
	int rc = -1;

	/* MIT krb5 beside Heimdal for the Kerberos package (its companion). */
	struct peer *mit = !spnego && peer_running(&mit_peer) ? &mit_peer : NULL;

	r = add_row(package, src == FROM_FILE ? "handshake, FILE" : "handshake, memory",
		    ROW_HANDSHAKE, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_HANDSHAKE;
	r->best_target = spnego ? 0 : TARGET_BEST;
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
	if (bench_gss_handshake_op(&side) != 0)
		goto out;
	if (r->unavailable != SEC_E_OK) {
		struct side only = {bench_gss_handshake_op, &side, NULL, NULL, 0, &r->base};

		rc = measure(&only, 1);
		goto out;
	}
	if (src == FROM_FILE) {
		/* The limit, handshakes from memory, measured again in turn
		 * with these, so that the share compares like moments. */
		struct sspi_pkg mem = pkg;
		struct side sides[4] = {
			{sspi_handshake_op, &pkg, NULL, NULL, 0, &r->ours},
			{bench_gss_handshake_op, &side, NULL, NULL, 0, &r->base},
			{sspi_handshake_op, &mem, NULL, NULL, 0, &r->limit},
			{NULL, NULL, mit, "handshake-file", 0, &r->mit}};

		r->limit_name = "memory";
		r->limit_target = TARGET_FILE_HANDSHAKE;
		if (sspi_acquire(&mem, BENCH_USER, "SSPI.TEST") != SEC_E_OK)
			goto out;
		rc = sspi_handshake_op(&pkg) != 0 || sspi_handshake_op(&mem) != 0 ||
				     measure(sides, mit ? 4 : 3) != 0
			     ? -1
			     : 0;
		sspi_free(&mem);
		goto out;
	}
	{
		struct side sides[3] = {{sspi_handshake_op, &pkg, NULL, NULL, 0, &r->ours},
					{bench_gss_handshake_op, &side, NULL, NULL, 0, &r->base},
					{NULL, NULL, mit, "handshake-memory", 0, &r->mit}};

		if (sspi_handshake_op(&pkg) != 0 || measure(sides, mit ? 3 : 2) != 0)
			goto out;
	}

	r = add_row(package, "memory/context", ROW_MEMORY, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_MEMORY;
	r->ours = sspi_memory(&pkg, 0);
	r->base = bench_gss_memory(&side, 0);
	r->mit = mit ? peer_ask(mit, "memory", 0) : -1;
	if (r->ours < 0 || r->base < 0)
		goto out;
	r = add_row(package, "memory/ctx+message", ROW_MEMORY, 0);
	r->base_name = "Heimdal GSS";
	r->target = TARGET_MEMORY;
	r->ours = sspi_memory(&pkg, 1);
	r->base = bench_gss_memory(&side, 1);
	r->mit = mit ? peer_ask(mit, "memory-message", 0) : -1;
	if (r->ours < 0 || r->base < 0)
		goto out;

	if (!messages) {
		rc = 0;
		goto out;
	}
	if (sspi_establish(&sp) != 0)
		goto out;
	if (bench_gss_establish(&gp) != 0)
		goto out_sp;
	if (QueryContextAttributesA(&sp.c, SECPKG_ATTR_SIZES, &sp.sizes) != SEC_E_OK)
		goto out_gp;
	for (size_t i = 0; i < BENCH_NSIZES; i++) {
		size_t size = bench_sizes[i], room = SIGN_DATA + size + 64;
		struct sspi_message sm = {&sp, calloc(1, room), size};
		struct bench_gss_message gm = {&gp, calloc(1, room), size, 0, 0};
		int failed = sm.buf == NULL || gm.buf == NULL || bench_gss_message_sizes(&gm) != 0;
		double target = spnego ? TARGET_MESSAGE : size < 1024 ? TARGET_KRB5_SMALL : TARGET_KRB5;

		double limit_target = size >= 1024 ? TARGET_KRB5_LIMIT : TARGET_KRB5_LIMIT_SMALL;
		struct bench_limit *seal = bench_limit_new(LIMIT_KRB5_SEAL, size);
		struct bench_limit *sign = bench_limit_new(LIMIT_KRB5_SIGN, size);

		failed = failed || seal == NULL || sign == NULL;
		r = add_row(package, "Encrypt+Decrypt", ROW_MESSAGE, size);
		r->base_name = "Heimdal GSS";
		r->target = target;
		r->best_target = spnego ? 0 : TARGET_BEST;
		r->limit_name = "OpenSSL";
		r->limit_target = spnego ? 0 : limit_target;
		if (!failed) {
			struct side sides[4] = {{sspi_seal_op, &sm, NULL, NULL, 0, &r->ours},
						{bench_gss_seal_op, &gm, NULL, NULL, 0, &r->base},
						{bench_limit_op, seal, NULL, NULL, 0, &r->limit},
						{NULL, NULL, mit, "seal", size, &r->mit}};

			failed = measure(sides, mit ? 4 : 3) != 0;
		}

		r = add_row(package, "Make+VerifySig", ROW_MESSAGE, size);
		r->base_name = "Heimdal GSS";
		r->target = target;
		r->best_target = spnego ? 0 : TARGET_BEST;
		r->limit_name = "OpenSSL";
		r->limit_target = spnego ? 0 : limit_target;
		if (!failed) {
			struct side sides[4] = {{sspi_sign_op, &sm, NULL, NULL, 0, &r->ours},
						{bench_gss_sign_op, &gm, NULL, NULL, 0, &r->base},
						{bench_limit_op, sign, NULL, NULL, 0, &r->limit},
						{NULL, NULL, mit, "sign", size, &r->mit}};

			failed = measure(sides, mit ? 4 : 3) != 0;
		}
		bench_limit_free(seal);
		bench_limit_free(sign);
		free(sm.buf);
		free(gm.buf);
		if (failed)
			goto out_gp;
	}
	rc = 0;
out_gp:
	bench_gss_release(&gp);
out_sp:
	sspi_release(&sp);
out:
	gss_release_cred(&minor, &side.client);
	gss_release_cred(&minor, &side.server);
	if (s == SEC_E_OK)
		sspi_free(&pkg);
	return rc;
}

static int bench_ntlm(void)
{
	struct sspi_pkg pkg = {"NTLM",
			       ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT |
				       ISC_REQ_SEQUENCE_DETECT,
			       ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY | ASC_REQ_REPLAY_DETECT |
				       ASC_REQ_SEQUENCE_DETECT,
			       {0, 0}, {0, 0}};
	struct sspi_pair sp = {.pkg = &pkg};
	struct peer *winpr = peer_running(&winpr_peer) ? &winpr_peer : NULL;
	const char *base_name = winpr ? "WinPR 2" : NULL;
	SSPI_GSS_PACKAGE_MECH mech;
	SECURITY_STATUS s;
	struct row *r;
	int rc = -1;

	s = sspi_acquire(&pkg, BENCH_USER, BENCH_DOMAIN);
	if (s != SEC_E_OK) {
		fprintf(stderr, "sspi-gss-bench: NTLM credentials: %s\n", SspiGssStatusName(s));
		return -1;
	}

	r = add_row("NTLM", "handshake", ROW_HANDSHAKE, 0);
	r->base_name = base_name;
	r->target = TARGET_NTLM;
	{
		struct side sides[2] = {{sspi_handshake_op, &pkg, NULL, NULL, 0, &r->ours},
					{NULL, NULL, winpr, "handshake", 0, &r->base}};

		if (measure(sides, winpr ? 2 : 1) != 0)
			goto out;
	}

	r = add_row("NTLM", "memory/context", ROW_MEMORY, 0);
	r->base_name = base_name;
	r->base = winpr ? peer_ask(winpr, "memory", 0) : -1;
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
		struct bench_limit *limit = bench_limit_new(LIMIT_NTLM_SEAL, size);
		int failed = sm.buf == NULL || limit == NULL;

		r = add_row("NTLM", "Encrypt+Decrypt", ROW_MESSAGE, size);
		r->base_name = base_name;
		r->target = TARGET_NTLM;
		r->limit_name = "libcrypto";
		r->limit_target = size >= 1024 ? TARGET_NTLM_LIMIT : 0;
		if (!failed) {
			struct side sides[3] = {{sspi_seal_op, &sm, NULL, NULL, 0, &r->ours},
						{bench_limit_op, limit, NULL, NULL, 0, &r->limit},
						{NULL, NULL, winpr, "seal", size, &r->base}};

			failed = measure(sides, winpr ? 3 : 2) != 0;
		}

		/* WinPR's NTLM has no MakeSignature to compare with. */
		r = add_row("NTLM", "Make+VerifySig", ROW_MESSAGE, size);
		if (!failed) {
			struct side only = {sspi_sign_op, &sm, NULL, NULL, 0, &r->ours};

			failed = measure(&only, 1) != 0;
		}
		bench_limit_free(limit);
		free(sm.buf);
		if (failed)
			goto out_sp;
	}
	/* Which way the library seals on this machine (chosen at its first
	 * session by timing both, or by SSPI_GSS_NTLM_SEAL). */
	if (SspiGssQueryPackageMech("NTLM", &mech) == SEC_E_OK && mech.Backend != NULL &&
	    strstr(mech.Backend, "sealing: ") != NULL)
		note("NTLM sealing: %s", strstr(mech.Backend, "sealing: ") + 9);
	rc = 0;
out_sp:
	sspi_release(&sp);
out:
	sspi_free(&pkg);
	return rc;
}

/* ------------------------------------------------------------ servers */

/*
 * A server under many clients: N threads, each a client with a credential
 * of its own handshaking with the one acceptor credential they share
 * (InitializeSecurityContext + AcceptSecurityContext + both deletes, as
 * the handshake rows), for `seconds`; the figure is the time per handshake
 * of all threads together. Against Heimdal's GSS-API doing the same (for
 * Negotiate, Heimdal's SPNEGO takes default credentials only: its clients
 * share the MEMORY cache). The limit column is two cores' ideal: the
 * one-thread time halved from two threads on, as the machine has two.
 */
static const int server_threads[] = {1, 2, 4, 8};
static const char *const server_rows[] = {"server, 1 thread", "server, 2 threads",
					  "server, 4 threads", "server, 8 threads"};
#define SERVER_MAX_THREADS 8
static long server_contexts = 100000;

struct server_worker {
	pthread_t thread;
	bench_op op;
	void *arg;
	double deadline, end;
	long count;
	int failed;
};

static void *server_worker_run(void *p)
{
	struct server_worker *w = p;

	/* At least one, even when the thread starts after the deadline (a
	 * busy machine, a short --seconds). */
	do {
		if (w->op(w->arg) != 0) {
			w->failed = 1;
			break;
		}
		w->count++;
	} while (bench_now() < w->deadline);
	w->end = bench_now();
	return NULL;
}

/* n threads run op(args[i]) for `seconds`: ns per operation overall. */
static double server_time(int n, bench_op op, void **args)
{
	struct server_worker w[SERVER_MAX_THREADS];
	double start = bench_now(), end = start;
	long total = 0;
	int failed = 0;

	for (int i = 0; i < n; i++) {
		w[i] = (struct server_worker){.op = op, .arg = args[i], .deadline = start + seconds};
		if (pthread_create(&w[i].thread, NULL, server_worker_run, &w[i]) != 0)
			return -1;
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].count;
		failed |= w[i].failed;
		if (w[i].end > end)
			end = w[i].end;
	}
	return failed || total == 0 ? -1 : (end - start) * 1e9 / (double)total;
}

/* Heap bytes per live acceptor context with `server_contexts` of them:
 * each handshake's client context is deleted at once, its server context
 * kept until all are made. */
static double sspi_live_memory(struct sspi_pkg *pkg)
{
	struct sspi_pair *pairs = calloc((size_t)server_contexts, sizeof(*pairs));
	size_t before;
	double bytes = -1;
	long made = 0;

	if (pairs == NULL)
		return -1;
	before = bench_heap_bytes();
	for (; made < server_contexts; made++) {
		pairs[made].pkg = pkg;
		if (sspi_establish(&pairs[made]) != 0)
			break;
		DeleteSecurityContext(&pairs[made].c);
	}
	if (made == server_contexts)
		bytes = (double)(bench_heap_bytes() - before) / (double)server_contexts;
	for (long i = 0; i < made; i++)
		DeleteSecurityContext(&pairs[i].s);
	free(pairs);
	return bytes;
}

static double gss_live_memory(struct bench_gss_side *side)
{
	struct bench_gss_pair *pairs = calloc((size_t)server_contexts, sizeof(*pairs));
	size_t before;
	double bytes = -1;
	long made = 0;
	OM_uint32 minor;

	if (pairs == NULL)
		return -1;
	before = bench_heap_bytes();
	for (; made < server_contexts; made++) {
		pairs[made].side = side;
		if (bench_gss_establish(&pairs[made]) != 0)
			break;
		gss_delete_sec_context(&minor, &pairs[made].c, GSS_C_NO_BUFFER);
	}
	if (made == server_contexts)
		bytes = (double)(bench_heap_bytes() - before) / (double)server_contexts;
	for (long i = 0; i < made; i++)
		gss_delete_sec_context(&minor, &pairs[i].s, GSS_C_NO_BUFFER);
	free(pairs);
	return bytes;
}

/* A Heimdal client credential of alice's own, from her password. */
static int gss_password_client(gss_cred_id_t *out)
{
	gss_buffer_desc pw = {strlen(BENCH_PASSWORD), (void *)BENCH_PASSWORD};
	gss_buffer_desc user = {strlen(BENCH_USER "@SSPI.TEST"), (void *)BENCH_USER "@SSPI.TEST"};
	gss_OID_set_desc krb5 = {1, GSS_KRB5_MECHANISM};
	gss_name_t name;
	OM_uint32 major, minor;

	if (gss_import_name(&minor, &user, GSS_C_NT_USER_NAME, &name) != GSS_S_COMPLETE)
		return -1;
	major = gss_acquire_cred_with_password(&minor, name, &pw, GSS_C_INDEFINITE, &krb5,
					       GSS_C_INITIATE, out, NULL, NULL);
	gss_release_name(&minor, &name);
	return major == GSS_S_COMPLETE ? 0 : -1;
}

/* NTLM, which has no threaded baseline: from 2 threads at least this
 * share of its own one-thread rate (no collapse under contention). */
#define TARGET_SERVER_SELF 0.9

static int bench_server(const char *package, gss_OID mech)
{
	ULONG req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY |
		    ISC_REQ_REPLAY_DETECT | ISC_REQ_SEQUENCE_DETECT;
	ULONG asc = ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
		    ASC_REQ_REPLAY_DETECT | ASC_REQ_SEQUENCE_DETECT;
	int ntlm = mech == GSS_C_NO_OID;
	struct sspi_pkg shared = {package, ntlm ? req & ~(ULONG)ISC_REQ_MUTUAL_AUTH : req,
				  ntlm ? asc & ~(ULONG)ASC_REQ_MUTUAL_AUTH : asc, {0, 0}, {0, 0}};
	struct sspi_pkg clients[SERVER_MAX_THREADS];
	struct bench_gss_side gsides[SERVER_MAX_THREADS],
		gshared = {mech, GSS_C_NO_CREDENTIAL, GSS_C_NO_CREDENTIAL, TARGET,
			   GSS_KRB5_NT_PRINCIPAL_NAME};
	void *sargs[SERVER_MAX_THREADS], *gargs[SERVER_MAX_THREADS];
	int spnego = mech != GSS_C_NO_OID && gss_oid_equal(mech, GSS_SPNEGO_MECHANISM);
	int nclients = 0, heimdal = !ntlm;
	double one_thread = -1;
	TimeStamp exp;
	OM_uint32 minor;
	int rc = -1;

	if (heimdal && use_cache(FROM_MEMORY) != 0)
		return -1;
	if (AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL, NULL,
				      NULL, NULL, &shared.server, &exp) != SEC_E_OK)
		return -1;
	if (heimdal && !spnego) {
		gss_OID_set_desc krb5 = {1, GSS_KRB5_MECHANISM};

		if (gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &krb5, GSS_C_ACCEPT,
				     &gshared.server, NULL, NULL) != GSS_S_COMPLETE)
			goto out;
	}
	for (; nclients < SERVER_MAX_THREADS; nclients++) {
		SEC_WINNT_AUTH_IDENTITY_A id = {
			(UCHAR *)BENCH_USER,     (ULONG)strlen(BENCH_USER),
			(UCHAR *)(ntlm ? BENCH_DOMAIN : "SSPI.TEST"),
			(ULONG)strlen(ntlm ? BENCH_DOMAIN : "SSPI.TEST"),
			(UCHAR *)BENCH_PASSWORD, (ULONG)strlen(BENCH_PASSWORD),
			SEC_WINNT_AUTH_IDENTITY_ANSI};

		clients[nclients] = shared;
		if (AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
					      &id, NULL, NULL, &clients[nclients].client,
					      &exp) != SEC_E_OK)
			goto out;
		gsides[nclients] = gshared;
		if (heimdal && !spnego && gss_password_client(&gsides[nclients].client) != 0) {
			FreeCredentialsHandle(&clients[nclients].client);
			goto out;
		}
		sargs[nclients] = &clients[nclients];
		gargs[nclients] = &gsides[nclients];
		/* Each client's first handshake fetches its service ticket. */
		if (sspi_handshake_op(&clients[nclients]) != 0 ||
		    (heimdal && bench_gss_handshake_op(&gsides[nclients]) != 0)) {
			nclients++;
			goto out;
		}
	}

	for (size_t k = 0; k < sizeof(server_threads) / sizeof(server_threads[0]); k++) {
		int n = server_threads[k];
		struct row *r = add_row(package, server_rows[k], ROW_HANDSHAKE, 0);
		double ours_ns = -1, base_ns = -1;

		r->base_name = heimdal ? "Heimdal GSS" : n > 1 ? "1 thread" : NULL;
		r->target = heimdal ? TARGET_HANDSHAKE : n > 1 ? TARGET_SERVER_SELF : 0;
		for (int rep = 0; rep < reps; rep++) {
			double x = server_time(n, sspi_handshake_op, sargs), y = -1;

			if (x < 0)
				goto out;
			if (heimdal && (y = server_time(n, bench_gss_handshake_op, gargs)) < 0)
				goto out;
			if (ours_ns < 0 || x < ours_ns)
				ours_ns = x;
			if (heimdal && (base_ns < 0 || y < base_ns))
				base_ns = y;
		}
		r->ours = ours_ns;
		if (n == 1)
			one_thread = ours_ns;
		r->base = heimdal ? base_ns : n > 1 ? one_thread : -1;
		/* Two cores' ideal: the one-thread time, halved from two
		 * threads on. */
		r->limit = one_thread / (n < 2 ? 1 : 2);
		r->limit_name = "ideal";
	}
	{
		struct row *r = add_row(package, "memory/live ctx", ROW_MEMORY, 0);

		r->base_name = heimdal ? "Heimdal GSS" : NULL;
		r->target = heimdal ? TARGET_MEMORY : 0;
		r->ours = sspi_live_memory(&clients[0]);
		if (heimdal)
			r->base = gss_live_memory(&gsides[0]);
		if (r->ours < 0 || (heimdal && r->base < 0))
			goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < nclients; i++) {
		FreeCredentialsHandle(&clients[i].client);
		gss_release_cred(&minor, &gsides[i].client);
	}
	gss_release_cred(&minor, &gshared.server);
	FreeCredentialsHandle(&shared.server);
	return rc;
}

/* ------------------------------------------------------------ main */

/* A companion program: given, else name beside this executable. */
static char *companion(const char *given, const char *name, char *path, size_t len)
{
	ssize_t n;
	char *slash;

	if (given != NULL)
		return (char *)given;
	n = readlink("/proc/self/exe", path, len - 32);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL)
		return NULL;
	snprintf(slash + 1, len - (size_t)(slash + 1 - path), "%s", name);
	return path;
}

/* Starts the companions the run needs; says in notes what ran. */
static void start_companions(const char *winpr, const char *mit, int want_winpr, int want_mit)
{
	static char winpr_path[PATH_MAX], mit_path[PATH_MAX];
	char secs[32];

	snprintf(secs, sizeof(secs), "%g", seconds);
	if (want_winpr) {
		char *prog = companion(winpr, "sspi-gss-bench-winpr", winpr_path, sizeof(winpr_path));
		char *argv[] = {prog, secs, (char *)realm_dir, NULL};

		if (prog != NULL && peer_start(&winpr_peer, argv) == 0)
			note("WinPR: %s", "FreeRDP WinPR 2's NTLM (sspi-gss-bench-winpr)");
		else
			note("WinPR: skipped (%s)", "sspi-gss-bench-winpr not built: libwinpr2-dev");
	}
	if (want_mit) {
#ifdef SG_BENCH_MIT
		char *prog = companion(mit, "sspi-gss-bench-mit", mit_path, sizeof(mit_path));
		char *argv[] = {prog, secs, (char *)realm_dir, file_cache, NULL};

		if (prog != NULL && peer_start(&mit_peer, argv) == 0)
			note("MIT: %s", "MIT krb5's GSS-API (sspi-gss-bench-mit)");
		else
			note("MIT: skipped (%s could not be started)", prog ? prog : "sspi-gss-bench-mit");
#else
		(void)mit;
		(void)mit_path;
		note("MIT: skipped (%s)", "krb5-multidev not installed");
#endif
	}
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
			"[--mit PATH] [--contexts N] [--no-servers] "
			"[--package NAME]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *winpr = NULL, *mit = NULL, *only = NULL;
	struct realm realm;
	double started = bench_now();
	int json = 0, rc = 0, servers = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--winpr") == 0 && i + 1 < argc)
			winpr = argv[++i];
		else if (strcmp(argv[i], "--mit") == 0 && i + 1 < argc)
			mit = argv[++i];
		else if (strcmp(argv[i], "--package") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--contexts") == 0 && i + 1 < argc)
			server_contexts = atol(argv[++i]);
		else if (strcmp(argv[i], "--no-servers") == 0)
			servers = 0;
		else
			usage();
	}
	if (seconds <= 0 || seconds > 60 || reps < 1 || reps > 100 || server_contexts < 1 ||
	    server_contexts > 500000)
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
	if (rc == 0)
		start_companions(winpr, mit, WANTED("NTLM"), WANTED("Kerberos"));
	/* What a server sees once its keytab has been there a while: the
	 * mirror takes a copy of a file written within the last second again
	 * at every context (docs/kerberos.md, "Keytabs"). */
	if (rc == 0)
		keytab_settled(realm.dir);
	if (WANTED("Kerberos") &&
	    (bench_gss_package("Kerberos", GSS_KRB5_MECHANISM, FROM_MEMORY, 1) != 0 ||
	     bench_gss_package("Kerberos", GSS_KRB5_MECHANISM, FROM_FILE, 0) != 0))
		rc = 1;
	if (WANTED("Negotiate") &&
	    (bench_gss_package("Negotiate", GSS_SPNEGO_MECHANISM, FROM_MEMORY, 0) != 0 ||
	     bench_gss_package("Negotiate", GSS_SPNEGO_MECHANISM, FROM_FILE, 0) != 0))
		rc = 1;
	if (WANTED("NTLM") && bench_ntlm() != 0)
		rc = 1;
	/* The servers last: their threads and 100 000 contexts leave the
	 * heap (arenas, free lists) other than the rows before them found. */
	if (servers && WANTED("Kerberos") && bench_server("Kerberos", GSS_KRB5_MECHANISM) != 0)
		rc = 1;
	if (servers && WANTED("Negotiate") && bench_server("Negotiate", GSS_SPNEGO_MECHANISM) != 0)
		rc = 1;
	if (servers && WANTED("NTLM") && bench_server("NTLM", GSS_C_NO_OID) != 0)
		rc = 1;
	if (peer_running(&winpr_peer) && peer_stop(&winpr_peer) != 0)
		fprintf(stderr, "sspi-gss-bench: sspi-gss-bench-winpr failed\n");
	if (peer_running(&mit_peer) && peer_stop(&mit_peer) != 0)
		fprintf(stderr, "sspi-gss-bench: sspi-gss-bench-mit failed\n");
	realm_stop(&realm);

	if (json) {
		print_json();
	} else {
		printf("sspi-gss-bench: best of %d runs of %.2f s each; ratio = baseline time / "
		       "sspi-gss time (above 1: faster)\n\n",
		       reps, seconds);
		print_table();
		printf("\n");
		for (int i = 0; i < nnotes; i++)
			printf("%s\n", notes[i]);
		printf("%.1f s in all\n", bench_now() - started);
	}
	if (rc != 0)
		fprintf(stderr, "sspi-gss-bench: a measurement failed (see above)\n");
	return rc;
}
