/*
 * info-check.c - see info-check.h.
 *
 * Kerberos: the configuration files, the default realm, whether a KDC of
 * that realm accepts a connection, the ticket cache and the keytab.
 * NTLM: the user file. With a target: a client and a server context of
 * the package in this process, as far as they get. Each line is "ok",
 * "warn" (something only some programs need) or "FAIL", and a FAIL or warn
 * says what to do about it.
 */
#define SECURITY_WIN32
#include <security.h>
#include <sspi-gss.h>

#include <krb5.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "info-check.h"

#define KDC_TIMEOUT_MS 2000
#define LISTED_PRINCIPALS 6

struct report {
	int problems, warnings;
};

enum level { OK, WARN, FAIL };

static void say(struct report *r, enum level level, const char *fmt, ...)
{
	static const char *tags[] = {"ok  ", "warn", "FAIL"};
	va_list ap;

	if (level == WARN)
		r->warnings++;
	else if (level == FAIL)
		r->problems++;
	printf("  %s  ", tags[level]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void fix(const char *fmt, ...)
{
	va_list ap;

	printf("        fix: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *when(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

/* ------------------------------------------------------------ Kerberos */

static void krb5_problem(struct report *r, krb5_context k, krb5_error_code ret, enum level level,
			 const char *what)
{
	const char *msg = krb5_get_error_message(k, ret);

	say(r, level, "%s: %s", what, msg);
	krb5_free_error_message(k, msg);
}

static void check_config(struct report *r)
{
	const char *reason = NULL;
	char **files = NULL;
	int found = 0;

	if (krb5_get_default_config_files(&files) == 0) {
		for (char **f = files; *f != NULL; f++)
			if (access(*f, R_OK) == 0) {
				say(r, OK, "Kerberos configuration file %s", *f);
				found++;
			}
		if (found == 0)
			say(r, WARN, "no Kerberos configuration file could be read (looked at %s%s)",
			    files[0] ? files[0] : "nothing", files[0] && files[1] ? ", ..." : "");
		krb5_free_config_files(files);
	}
	if (found == 0)
		fix("create /etc/krb5.conf, or point KRB5_CONFIG at a file with [libdefaults] "
		    "default_realm and a [realms] entry for it");
	if (SspiGssCheckMechanisms(&reason) != SEC_E_OK) {
		say(r, FAIL, "Heimdal GSS-API is not usable: %s", reason);
		fix("correct the file named above (KRB5_CONFIG or /etc/krb5.conf)");
	}
}

/* 0 when a TCP connection to host:port opens within the timeout. */
static int tcp_answers(const char *host, unsigned short port, char *why, size_t len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	char service[8];
	int rc = -1, err;

	snprintf(service, sizeof(service), "%u", (unsigned)port);
	err = getaddrinfo(host, service, &hints, &ai);
	if (err != 0) {
		snprintf(why, len, "%s", gai_strerror(err));
		return -1;
	}
	snprintf(why, len, "no address");
	for (struct addrinfo *a = ai; a != NULL && rc != 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK, a->ai_protocol);
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		socklen_t sl = sizeof(err);

		if (fd < 0)
			continue;
		err = 0;
		if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
			if (errno != EINPROGRESS)
				err = errno;
			else if (poll(&p, 1, KDC_TIMEOUT_MS) != 1)
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
				err = errno;
		}
		close(fd);
		if (err == 0)
			rc = 0;
		else
			snprintf(why, len, "%s", strerror(err));
	}
	freeaddrinfo(ai);
	return rc;
}

/* The KDC proxy (SspiGssCheckKdcProxy): 1 when one is set and answers, so
 * KDCs out of reach directly are no problem. */
static int check_kdc_proxy(struct report *r)
{
	char report[1024];
	SECURITY_STATUS s = SspiGssCheckKdcProxy(report, sizeof(report));

	if (s == SEC_E_OK) {
		say(r, OK, "KDC proxy: %s", report);
		return strncmp(report, "none set", 8) != 0;
	}
	say(r, FAIL, "KDC proxy: %s", report);
	if (s == SEC_E_UNSUPPORTED_FUNCTION)
		fix("build sspi-gss with libcurl's headers (libcurl4-openssl-dev), or unset the "
		    "proxy");
	else
		fix("check the proxy's URL, that it runs, and that its certificate is trusted "
		    "for that name (SSPI_GSS_KDC_PROXY_CAFILE for a private CA); "
		    "docs/kerberos.md, \"Through a KDC proxy\"");
	return 0;
}

static void check_kdcs(struct report *r, krb5_context k, const char *realm, int proxied)
{
	krb5_krbhst_handle h;
	krb5_krbhst_info *hi;
	int known = 0, answering = 0;
	char why[128] = "";

	if (krb5_krbhst_init(k, realm, KRB5_KRBHST_KDC, &h) != 0) {
		say(r, FAIL, "cannot look up the KDCs of %s", realm);
		return;
	}
	while (krb5_krbhst_next(k, h, &hi) == 0) {
		known++;
		if (hi->proto == KRB5_KRBHST_HTTP) {
			say(r, WARN, "KDC %s:%u is reached over HTTP, which is not probed", hi->hostname,
			    hi->port);
			continue;
		}
		/* A KDC serves TCP and UDP on the same port; a TCP connection
		 * is what can be probed without speaking Kerberos. */
		if (tcp_answers(hi->hostname, hi->port, why, sizeof(why)) == 0) {
			say(r, OK, "KDC %s:%u of %s accepts connections", hi->hostname, hi->port,
			    realm);
			answering++;
		} else {
			say(r, WARN, "KDC %s:%u of %s: %s", hi->hostname, hi->port, realm, why);
		}
	}
	krb5_krbhst_free(k, h);
	if (known == 0) {
		say(r, FAIL, "no KDC is known for %s", realm);
		fix("add \"kdc = HOST\" to the [realms] %s = { ... } section, or turn on "
		    "dns_lookup_kdc where DNS has SRV records for it", realm);
	} else if (answering == 0 && proxied) {
		say(r, OK, "no KDC of %s answers directly; the KDC proxy does", realm);
	} else if (answering == 0) {
		say(r, FAIL, "no KDC of %s answers: logons, tickets and password checks fail "
			     "(SEC_E_NO_AUTHENTICATING_AUTHORITY)", realm);
		fix("start the KDC, or correct its address in the configuration; check "
		    "firewalls on the way (port 88 unless configured otherwise)");
	}
}

static void check_ccache(struct report *r, krb5_context k)
{
	krb5_ccache cc;
	krb5_principal me = NULL;
	krb5_cc_cursor cursor;
	krb5_creds creds;
	char *name = NULL, *who = NULL, buf[32];
	time_t end = 0, now = time(NULL);
	krb5_error_code ret;

	ret = krb5_cc_default(k, &cc);
	if (ret != 0) {
		krb5_problem(r, k, ret, WARN, "no default ticket cache");
		return;
	}
	krb5_cc_get_full_name(k, cc, &name);
	ret = krb5_cc_get_principal(k, cc, &me);
	if (ret != 0) {
		say(r, WARN, "no tickets in %s", name ? name : "the default cache");
		fix("kinit USER@REALM, for programs that call AcquireCredentialsHandle without a "
		    "password (servers need no tickets)");
		goto out;
	}
	krb5_unparse_name(k, me, &who);
	if (krb5_cc_start_seq_get(k, cc, &cursor) == 0) {
		while (krb5_cc_next_cred(k, cc, &cursor, &creds) == 0) {
			if (krb5_principal_is_krbtgt(k, creds.server) && creds.times.endtime > end)
				end = creds.times.endtime;
			krb5_free_cred_contents(k, &creds);
		}
		krb5_cc_end_seq_get(k, cc, &cursor);
	}
	if (end == 0) {
		say(r, WARN, "%s holds no ticket-granting ticket for %s", name, who);
		fix("kinit %s", who);
	} else if (end <= now) {
		say(r, WARN, "the tickets of %s in %s expired at %s", who, name,
		    when(end, buf, sizeof(buf)));
		fix("kinit %s", who);
	} else {
		say(r, OK, "tickets for %s in %s, valid until %s", who, name,
		    when(end, buf, sizeof(buf)));
	}
out:
	krb5_xfree(who);
	krb5_xfree(name);
	krb5_free_principal(k, me);
	krb5_cc_close(k, cc);
}

static void check_keytab(struct report *r, krb5_context k)
{
	char name[1024], *listed[LISTED_PRINCIPALS], list[512] = "";
	krb5_keytab kt;
	krb5_kt_cursor cursor;
	krb5_keytab_entry e;
	krb5_error_code ret;
	int keys = 0, nlisted = 0, more = 0;

	if (krb5_kt_default_name(k, name, sizeof(name)) != 0 || krb5_kt_default(k, &kt) != 0) {
		say(r, WARN, "no default keytab");
		return;
	}
	ret = krb5_kt_start_seq_get(k, kt, &cursor);
	if (ret != 0) {
		krb5_problem(r, k, ret, WARN, "the keytab cannot be read");
		fix("servers (AcceptSecurityContext with Kerberos) need their service keys there, "
		    "readable by their user; KRB5_KTNAME=FILE:/path names another keytab");
		krb5_kt_close(k, kt);
		return;
	}
	while (krb5_kt_next_entry(k, kt, &e, &cursor) == 0) {
		char *p = NULL;
		int seen = 0;

		keys++;
		if (krb5_unparse_name(k, e.principal, &p) == 0) {
			for (int i = 0; i < nlisted; i++)
				seen |= strcmp(listed[i], p) == 0;
			if (!seen && nlisted < LISTED_PRINCIPALS)
				listed[nlisted++] = p;
			else {
				more += !seen;
				krb5_xfree(p);
			}
		}
		krb5_kt_free_entry(k, &e);
	}
	krb5_kt_end_seq_get(k, kt, &cursor);
	krb5_kt_close(k, kt);
	for (int i = 0; i < nlisted; i++) {
		size_t used = strlen(list);

		snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", listed[i]);
		krb5_xfree(listed[i]);
	}
	if (keys == 0) {
		say(r, WARN, "keytab %s holds no keys", name);
		fix("servers need their service principal's keys: kadmin ext_keytab (Heimdal, "
		    "MIT), ktpass (Active Directory)");
	} else {
		say(r, OK, "keytab %s: %d key%s for %s%s", name, keys, keys == 1 ? "" : "s", list,
		    more ? ", ..." : "");
	}
}

static void check_kerberos(struct report *r)
{
	krb5_context k;
	krb5_error_code ret;
	char *realm = NULL;

	printf("Kerberos\n");
	check_config(r);
	ret = krb5_init_context(&k);
	if (ret != 0) {
		say(r, FAIL, "the Kerberos library cannot start (error %d)", ret);
		return;
	}
	ret = krb5_get_default_realm(k, &realm);
	if (ret != 0) {
		krb5_problem(r, k, ret, FAIL, "no default realm");
		fix("set default_realm in the [libdefaults] section of the configuration");
	} else {
		say(r, OK, "default realm %s", realm);
		check_kdcs(r, k, realm, check_kdc_proxy(r));
		krb5_free_default_realm(k, realm);
	}
	check_ccache(r, k);
	check_keytab(r, k);
	krb5_free_context(k);
}

/* ---------------------------------------------------------------- NTLM */

/* The KDC backend: the service's tickets the digest service is asked with. */
static void check_ntlm_kdc(struct report *r, const char *ccache)
{
	krb5_context k;
	krb5_ccache cc;
	krb5_principal me;
	char *name = NULL;

	if (krb5_init_context(&k) != 0) {
		say(r, FAIL, "NTLM_ACCEPTOR_CCACHE: no Kerberos context");
		return;
	}
	if (krb5_cc_resolve(k, ccache, &cc) == 0) {
		if (krb5_cc_get_principal(k, cc, &me) == 0) {
			if (krb5_unparse_name(k, me, &name) != 0)
				name = NULL;
			krb5_free_principal(k, me);
		}
		krb5_cc_close(k, cc);
	}
	if (name != NULL) {
		say(r, OK, "NTLM servers ask the KDC's digest service as %s (NTLM_ACCEPTOR_CCACHE "
			   "%s); authentication only, no signing or sealing",
		    name, ccache);
		krb5_xfree(name);
	} else {
		say(r, FAIL, "NTLM_ACCEPTOR_CCACHE %s holds no tickets", ccache);
		fix("kinit -k -t KEYTAB --cache=%s SERVICE/host; the service principal needs "
		    "the allow-digest attribute",
		    ccache);
	}
	krb5_free_context(k);
}

/* ------------------------------------------------------------- domain */

/* 1 when winbind and a domain controller answer. Not being in a domain is
 * no problem unless the NTLM acceptor was told to use it. */
static int check_domain(struct report *r)
{
	char report[512];
	const char *backend = getenv("SSPI_GSS_NTLM_BACKEND");
	int wanted = backend != NULL && strcmp(backend, "winbind") == 0;
	SECURITY_STATUS s = SspiGssCheckDomain(report, sizeof(report));

	printf("Domain\n");
	if (s == SEC_E_OK) {
		say(r, OK, "%s", report);
		return 1;
	}
	say(r, wanted ? FAIL : OK, "%s%s", report,
	    wanted ? "" : " (not in a domain: fine unless NTLM should check with one)");
	if (wanted)
		fix("SSPI_GSS_NTLM_BACKEND=winbind needs winbindd running and joined to the "
		    "domain (wbinfo -P); docs/active-directory.md");
	return 0;
}

static void check_ntlm(struct report *r, int in_domain)
{
	const char *path = getenv("NTLM_USER_FILE");
	const char *kdc = getenv("NTLM_ACCEPTOR_CCACHE");
	const char *backend = getenv("SSPI_GSS_NTLM_BACKEND");
	char line[1024];
	int users = 0, bad = 0, lineno = 0, first_bad = 0;
	struct stat st;
	FILE *f;

	printf("NTLM\n");
	/* The acceptor's order (mech_ntlm.c): SSPI_GSS_NTLM_BACKEND=winbind,
	 * the user file, the KDC, the domain when nothing is configured. */
	if (backend != NULL && strcmp(backend, "winbind") == 0) {
		say(r, in_domain ? OK : FAIL, "NTLM servers ask the domain through winbind "
		    "(SSPI_GSS_NTLM_BACKEND=winbind)%s", in_domain ? "" : ", which does not answer");
		return;
	}
	if ((path == NULL || path[0] == '\0') && kdc != NULL && kdc[0] != '\0') {
		check_ntlm_kdc(r, kdc);
		return;
	}
	if ((path == NULL || path[0] == '\0') && in_domain) {
		say(r, OK, "NTLM servers ask the domain through winbind (nothing else configured)");
		return;
	}
	if (path == NULL || path[0] == '\0') {
		say(r, WARN, "NTLM_USER_FILE is not set");
		fix("NTLM servers need a user file (lines DOMAIN:user:password or "
		    "DOMAIN:user:NTHASH), NTLM_ACCEPTOR_CCACHE for the KDC, or a domain "
		    "(winbind); clients can pass their identity to AcquireCredentialsHandle "
		    "instead");
		return;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		say(r, FAIL, "NTLM_USER_FILE %s cannot be read: %s", path, strerror(errno));
		fix("create it (lines DOMAIN:user:password) readable by the programs' user");
		return;
	}
	/* The library refuses a user file others could have written
	 * (docs/security.md): say so here rather than at the first logon. */
	if (fstat(fileno(f), &st) == 0 &&
	    (!S_ISREG(st.st_mode) || (st.st_uid != geteuid() && st.st_uid != 0) ||
	     (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		say(r, FAIL, "NTLM_USER_FILE %s is refused: %s", path,
		    !S_ISREG(st.st_mode)			       ? "not a regular file"
		    : (st.st_uid != geteuid() && st.st_uid != 0) ? "owned by another user"
								 : "others may write it");
		fix("chown it to the service's user (or root) and chmod 600 (or 640/644)");
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *c1, *s = line + strspn(line, " \t");

		lineno++;
		if (*s == '#' || *s == '\n' || *s == '\0')
			continue;
		c1 = strchr(s, ':');
		if (c1 != NULL && strchr(c1 + 1, ':') != NULL) {
			users++;
		} else if (bad++ == 0) {
			first_bad = lineno;
		}
	}
	fclose(f);
	if (bad != 0)
		say(r, WARN, "%s: %d line%s not DOMAIN:user:password (first: line %d)", path, bad,
		    bad == 1 ? " is" : "s are", first_bad);
	if (users == 0) {
		say(r, FAIL, "NTLM user file %s names no user", path);
		fix("add lines DOMAIN:user:password or DOMAIN:user:NTHASH");
	} else {
		say(r, OK, "NTLM user file %s: %d user%s", path, users, users == 1 ? "" : "s");
	}
}

/* ------------------------------------------------------------ accounts */

/* May someone other than the owner replace entries of path's directory? */
static int directory_shared(const char *path)
{
	char *copy = strdup(path), *slash;
	struct stat st;
	int shared = 1;

	if (copy == NULL)
		return 1;
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if (stat(slash != NULL ? copy : ".", &st) == 0)
		shared = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	free(copy);
	return shared;
}

/* SSPI_GSS_ACCOUNT_MAP, checked as the library reads it (accounts.c): a
 * file it refuses maps nobody, so every impersonation would fail. */
static void check_accounts(struct report *r)
{
	const char *path = getenv("SSPI_GSS_ACCOUNT_MAP");
	/* O_NONBLOCK: a FIFO at the path must not hang the check (the
	 * library opens it so too, and refuses it as not a regular file). */
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, fd, named = 0, lineno = 0,
	    wild_line = 0;
	char line[8192], wild[256] = "";
	struct stat st;
	FILE *f;

	if (path == NULL || path[0] == '\0')
		return;
	printf("Accounts\n");
	if (directory_shared(path))
		flags |= O_NOFOLLOW;
	fd = open(path, flags);
	if (fd < 0) {
		say(r, FAIL, "SSPI_GSS_ACCOUNT_MAP %s is refused: %s", path,
		    errno == ELOOP ? "a symbolic link in a directory others may write"
				   : strerror(errno));
		fix("every client then maps to no account; name a regular file the service's "
		    "user (or root) owns");
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		say(r, FAIL, "SSPI_GSS_ACCOUNT_MAP %s is refused: %s", path,
		    !S_ISREG(st.st_mode)			       ? "not a regular file"
		    : (st.st_uid != geteuid() && st.st_uid != 0) ? "owned by another user"
								 : "others may write it");
		fix("chown it to the service's user (or root) and chmod 644 (or 600); every "
		    "client maps to no account until then");
		close(fd);
		return;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#'), *end, *local;

		lineno++;
		if (hash != NULL)
			*hash = '\0';
		end = line + strlen(line);
		while (end > line && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
				      end[-1] == '\t' || end[-1] == '\v' || end[-1] == '\f'))
			*--end = '\0';
		local = end;
		while (local > line && local[-1] != ' ' && local[-1] != '\t')
			local--;
		if (local == line)
			continue;
		if (strncmp(line + strspn(line, " \t"), "* ", 2) == 0 ||
		    strncmp(line + strspn(line, " \t"), "*\t", 2) == 0) {
			if (wild_line == 0) {
				wild_line = lineno;
				snprintf(wild, sizeof(wild), "%s", local);
			}
		} else {
			named++;
		}
	}
	fclose(f);
	if (wild_line == 0)
		say(r, OK, "account map %s: %d client%s named, every other client maps to no account",
		    path, named, named == 1 ? "" : "s");
	else if (strcmp(wild, ":package") == 0)
		say(r, OK, "account map %s: %d client%s named, the others by the package's rule "
		    "(line %d)", path, named, named == 1 ? "" : "s", wild_line);
	else
		say(r, OK, "account map %s: %d client%s named, the others are %s (line %d; not "
		    "below uid 1000)", path, named, named == 1 ? "" : "s", wild, wild_line);
}

/* ----------------------------------------------------------- handshake */

static const char *hint(SECURITY_STATUS s)
{
	switch (s) {
	case SEC_E_TARGET_UNKNOWN:
		return "the KDC does not know the target: register the service principal "
		       "(kadmin add, setspn -S) or correct the name";
	case SEC_E_NO_CREDENTIALS:
	case SEC_E_UNKNOWN_CREDENTIALS:
		return "kinit first (Kerberos), or set SSPI_GSS_NTLM_CLIENT_FILE (NTLM clients) "
		       "and NTLM_USER_FILE (NTLM servers)";
	case SEC_E_NO_AUTHENTICATING_AUTHORITY:
		return "no KDC answers for the realm (see above)";
	case SEC_E_TIME_SKEW:
		return "this clock and the KDC's differ by more than the allowed skew: "
		       "synchronise them (NTP)";
	case SEC_E_LOGON_DENIED:
		return "the password or the keys were refused";
	case SEC_E_WRONG_PRINCIPAL:
	case SEC_E_MESSAGE_ALTERED:
	case SEC_E_DECRYPT_FAILURE:
		return "the keytab's key does not match the KDC's (a newer key version?): "
		       "extract the keytab again";
	case SEC_E_SECPKG_NOT_FOUND:
	case SEC_E_UNSUPPORTED_FUNCTION:
		return "this package is not provided by sspi-gss yet (README, feature table)";
	default:
		return NULL;
	}
}

static void failed(struct report *r, const char *package, const char *what, SECURITY_STATUS s)
{
	const char *text = SspiGssGetLastErrorText();
	const char *h = hint(s);

	say(r, FAIL, "%s: %s: %s%s%s", package, what,
	    SspiGssStatusName(s) ? SspiGssStatusName(s) : "unknown status",
	    text[0] ? ": " : "", text);
	if (h != NULL)
		fix("%s", h);
}

static void names(CtxtHandle *server)
{
	SecPkgContext_NamesA n;

	if (QueryContextAttributesA(server, SECPKG_ATTR_NAMES, &n) == SEC_E_OK) {
		printf("        the server sees the client as %s\n", n.sUserName);
		FreeContextBuffer(n.sUserName);
	}
}

static void check_handshake(struct report *r, const char *package, const char *target)
{
	CredHandle client, server;
	CtxtHandle cctx, sctx;
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc out = {SECBUFFER_VERSION, 1, &tok}, in = {SECBUFFER_VERSION, 1, NULL};
	ULONG req = ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY |
		    ISC_REQ_ALLOCATE_MEMORY;
	ULONG areq = ASC_REQ_MUTUAL_AUTH | ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
		     ASC_REQ_ALLOCATE_MEMORY;
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS cs, ss = SEC_I_CONTINUE_NEEDED;
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, sizeof(db), NULL, NULL, 0};
	void *client_id = NULL;
	int have_server, first_s = 1;

	printf("Handshake with %s (%s)\n", target, package);
	/* An NTLM client's default identity (Negotiate's too) is in its own
	 * credentials file; without one, this check logs on as the user
	 * file's first entry, naming the file explicitly (the library never
	 * does so by itself). */
	if ((strcasecmp(package, "NTLM") == 0 || strcasecmp(package, "Negotiate") == 0) &&
	    getenv("SSPI_GSS_NTLM_CLIENT_FILE") == NULL && getenv("NTLM_USER_FILE") != NULL) {
		db.UserFile = getenv("NTLM_USER_FILE");
		client_id = &db;
	}
	cs = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
				       client_id, NULL, NULL, &client, &exp);
	if (cs != SEC_E_OK) {
		failed(r, package, "no client credentials", cs);
		return;
	}
	cs = InitializeSecurityContextA(&client, NULL, (SEC_CHAR *)target, req, 0,
					SECURITY_NATIVE_DREP, NULL, 0, &cctx, &out, &attrs, &exp);
	if (cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED) {
		failed(r, package, "the client's first step failed", cs);
		FreeCredentialsHandle(&client);
		return;
	}
	say(r, OK, "%s: the client made its first token for %s (%lu bytes)%s", package, target,
	    (unsigned long)tok.cbBuffer,
	    strcasecmp(package, "Kerberos") == 0 ? ": a service ticket was issued" : "");
	have_server = AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND,
						NULL, NULL, NULL, NULL, &server, &exp) == SEC_E_OK;
	if (!have_server) {
		say(r, WARN, "%s: no server credentials here: only the client side was checked",
		    package);
		goto out_client;
	}
	/* Tokens go back and forth until both sides are done; a side that is
	 * done may still have a last token for the other (Kerberos' AP-REP). */
	for (int client_turn = 0; cs != SEC_E_OK || ss != SEC_E_OK; client_turn = !client_turn) {
		SecBuffer given = tok;

		if (given.cbBuffer == 0 || (client_turn ? cs : ss) == SEC_E_OK)
			break;
		in.pBuffers = &given;
		tok = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		if (client_turn)
			cs = InitializeSecurityContextA(&client, &cctx, (SEC_CHAR *)target, req, 0,
							SECURITY_NATIVE_DREP, &in, 0, &cctx, &out,
							&attrs, &exp);
		else
			ss = AcceptSecurityContext(&server, first_s ? NULL : &sctx, &in, areq,
						   SECURITY_NATIVE_DREP, &sctx, &out, &attrs, &exp);
		FreeContextBuffer(given.pvBuffer);
		if (client_turn && cs != SEC_E_OK && cs != SEC_I_CONTINUE_NEEDED) {
			failed(r, package, "the client refused the server's answer", cs);
			goto out_server;
		}
		if (!client_turn && ss != SEC_E_OK && ss != SEC_I_CONTINUE_NEEDED) {
			failed(r, package, "the server refused the client", ss);
			goto out_server;
		}
		if (!client_turn)
			first_s = 0;
	}
	if (cs == SEC_E_OK && ss == SEC_E_OK) {
		say(r, OK, "%s: loopback handshake with %s completed", package, target);
		names(&sctx);
	} else {
		say(r, FAIL, "%s: the handshake stopped unfinished (client %s, server %s)", package,
		    SspiGssStatusName(cs), SspiGssStatusName(ss));
	}
out_server:
	if (!first_s)
		DeleteSecurityContext(&sctx);
	FreeCredentialsHandle(&server);
out_client:
	if (tok.pvBuffer != NULL)
		FreeContextBuffer(tok.pvBuffer);
	DeleteSecurityContext(&cctx);
	FreeCredentialsHandle(&client);
}

/* ---------------------------------------------------------------- main */

int info_check(const char *package, const char *target)
{
	struct report r = {0, 0};
	SSPI_GSS_PACKAGE_MECH mech;
	int kerberos = 1, ntlm = 1, in_domain;

	if (package != NULL) {
		if (SspiGssQueryPackageMech(package, &mech) != SEC_E_OK) {
			fprintf(stderr, "sspi-gss-info: no package named '%s'\n", package);
			return 1;
		}
		package = mech.PackageName;
		kerberos = strcmp(package, "NTLM") != 0;
		ntlm = strcmp(package, "Kerberos") != 0;
	}
	if (kerberos)
		check_kerberos(&r);
	in_domain = check_domain(&r);
	if (ntlm)
		check_ntlm(&r, in_domain);
	check_accounts(&r);
	if (target != NULL)
		check_handshake(&r, package ? package : "Kerberos", target);
	printf("\n%d problem%s, %d warning%s\n", r.problems, r.problems == 1 ? "" : "s",
	       r.warnings, r.warnings == 1 ? "" : "s");
	return r.problems ? INFO_CHECK_PROBLEMS : 0;
}
