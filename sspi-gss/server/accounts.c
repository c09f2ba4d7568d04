/*
 * accounts.c - from an authenticated client to a local Unix account.
 *
 * Windows never makes a client a local account because the names look
 * alike: a domain user is its domain's SID, a local account is one of this
 * machine's. The rules here are as explicit (docs/impersonation.md):
 *  1. SSPI_GSS_ACCOUNT_MAP, when set, is the whole policy. Lines
 *     "CLIENT-NAME  local-user", CLIENT-NAME as SECPKG_ATTR_NAMES reports
 *     the client (alice@SSPI.TEST, ADSSPI\alice): a Kerberos principal
 *     exactly, in its escaped syntax (principals are case-sensitive, and
 *     alice\/admin is not alice/admin), a DOMAIN\user name (NTLM, or
 *     Kerberos with a PAC) without regard to ASCII case, as Windows
 *     compares account names; '#' starts a comment. A line whose client is "*"
 *     answers every client no line names; a local name ":package" asks
 *     for the package's rule. A client the file does not answer maps to
 *     nobody. A set but unusable file (missing, another owner, writable by
 *     others, a symbolic link planted in a shared directory) maps nobody:
 *     failing open would let a client become whoever the package names.
 *  2. Without a map, the package's own rule (sg_mech_ops.localname), which
 *     maps only clients of this host's own domain or realm.
 * An account below SG_ACCOUNT_MIN_UID (root, system accounts), or one in
 * group 0, is only ever reached by a map line that names the client
 * itself. The account must
 * exist in the user database (getpwnam_r); its groups are getgrouplist's.
 * Everything here runs with the thread's own ids, also on a thread that
 * impersonates (sg_impersonation_suspend): the map and the user database
 * are the server's to read, not the previous client's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sspi-gss.h>

#include "accounts.h"
#include "hooks.h"
#include "private_file.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

/* A map file larger than this is refused (a map of every user of a
 * large domain is far smaller). */
#define MAP_MAX (4 << 20)

void sg_account_clear(struct sg_account *acct)
{
	free(acct->name);
	free(acct->client);
	free(acct->groups);
	memset(acct, 0, sizeof(*acct));
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* The map file's text (malloc'ed, NUL-terminated), with the NTLM user
 * file's checks (private_file.h). NULL with *why. */
static char *read_map(const char *path, const char **why)
{
	size_t len;

	return sg_private_file_read(path, MAP_MAX, &len, why);
}

/* How a client was mapped, for the floor and the trace. */
struct mapping {
	char *local;     /* malloc'ed account name */
	int named;       /* a map line names this very client */
	const char *how; /* "package": the package's rule decided; NULL: the map */
	int line;        /* the map's line, when the map decided */
};

/* The map's answer for client: a line naming it wins wherever it stands,
 * else the first "*" line, else SEC_E_NO_IMPERSONATION (the map is the
 * whole policy). */
static SECURITY_STATUS map_file(const char *path, const char *client, int exact,
			       struct mapping *m)
{
	const char *why = NULL;
	char *text = read_map(path, &why), *cursor, *wild = NULL;
	int lineno = 0, wild_line = 0;

	if (text == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "SSPI_GSS_ACCOUNT_MAP %s is refused: %s",
				  path, why);
		return SEC_E_NO_IMPERSONATION;
	}
	for (cursor = text; cursor != NULL && *cursor != '\0';) {
		char *line = cursor, *nl = strchr(cursor, '\n'), *hash, *s, *sep, *who;

		cursor = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		s = trim(line);
		/* The local name is the last word; the client's name, which may
		 * hold spaces, is what comes before it. */
		sep = s + strlen(s);
		while (sep > s && !isspace((unsigned char)sep[-1]))
			sep--;
		if (sep == s)
			continue; /* empty, or one word: names nobody */
		sep[-1] = '\0';
		who = trim(s);
		if (exact ? strcmp(who, client) == 0 : sg_ascii_casecmp(who, client) == 0) {
			m->local = strdup(sep);
			m->named = 1;
			m->line = lineno;
			break;
		}
		if (wild == NULL && strcmp(who, "*") == 0) {
			wild = sep;
			wild_line = lineno;
		}
	}
	if (!m->named && wild != NULL) {
		m->local = strdup(wild);
		m->line = wild_line;
	}
	free(text);
	if (!m->named && wild == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "SSPI_GSS_ACCOUNT_MAP %s names no %s (and has no '*' line)", path,
				  client);
		return SEC_E_NO_IMPERSONATION;
	}
	if (m->local == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	return SEC_E_OK;
}

static SECURITY_STATUS package_rule(struct sg_ctx *ctx, struct mapping *m)
{
	SECURITY_STATUS s;

	free(m->local);
	m->local = NULL;
	if (ctx->pkg->ops->localname == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "%s maps no client to an account",
				  ctx->pkg->name);
		return SEC_E_NO_IMPERSONATION;
	}
	s = ctx->pkg->ops->localname(ctx, &m->local);
	if (s == SEC_E_OK && m->local == NULL)
		s = SEC_E_INSUFFICIENT_MEMORY;
	m->how = "package";
	return s;
}

/* The ":package" local name of a map line. */
#define PACKAGE_RULE ":package"

/* Is the client's name a Kerberos principal (compared exactly), rather
 * than a DOMAIN\user account name (compared as Windows does, without
 * regard to case)? A Kerberos client with logon information (a PAC) is
 * named DOMAIN\account. */
static int principal_name(struct sg_ctx *ctx)
{
	const struct sg_package *p = ctx->pkg;

	if (p->ops->chosen != NULL && p->ops->chosen(ctx) != NULL)
		p = p->ops->chosen(ctx);
	return strcmp(p->name, "Kerberos") == 0 && sg_ctx_logon(ctx) == NULL;
}

static SECURITY_STATUS local_name(struct sg_ctx *ctx, const char *client, struct mapping *m)
{
	const char *map = secure_getenv("SSPI_GSS_ACCOUNT_MAP");
	SECURITY_STATUS s;

	if (map != NULL && map[0] != '\0') {
		s = map_file(map, client, principal_name(ctx), m);
		if (s != SEC_E_OK || strcmp(m->local, PACKAGE_RULE) != 0)
			return s;
		m->named = 0; /* the package decides who, so the floor holds */
	}
	return package_rule(ctx, m);
}

static SECURITY_STATUS lookup(struct sg_account *acct)
{
	struct passwd pw, *found = NULL;
	long size = sysconf(_SC_GETPW_R_SIZE_MAX);
	char *buf;
	int rc, n = 16;

	if (size < 1024)
		size = 16384;
	buf = malloc((size_t)size);
	if (buf == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	rc = getpwnam_r(acct->name, &pw, buf, (size_t)size, &found);
	if (rc != 0 || found == NULL) {
		free(buf);
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "no local account named %s (client %s)",
				  acct->name, acct->client);
		return SEC_E_NO_IMPERSONATION;
	}
	acct->uid = pw.pw_uid;
	acct->gid = pw.pw_gid;
	/* -1 is "leave unchanged" to setresuid/setresgid: such an account
	 * would leave the thread as it is (root). */
	if (acct->uid == (uid_t)-1 || acct->gid == (gid_t)-1) {
		free(buf);
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "the local account %s has uid or gid -1",
				  acct->name);
		return SEC_E_NO_IMPERSONATION;
	}
	for (;;) {
		gid_t *g = realloc(acct->groups, sizeof(*g) * (size_t)n);
		int got = n;

		if (g == NULL) {
			free(buf);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		acct->groups = g;
		if (getgrouplist(acct->name, acct->gid, g, &got) >= 0) {
			acct->ngroups = got;
			for (int i = 0; i < got; i++)
				if (g[i] == (gid_t)-1) {
					free(buf);
					sg_last_error_set(SEC_E_NO_IMPERSONATION,
							  "the local account %s is in group -1",
							  acct->name);
					return SEC_E_NO_IMPERSONATION;
				}
			break;
		}
		if (got <= n || n > 65536) {
			free(buf);
			return SEC_E_INTERNAL_ERROR;
		}
		n = got;
	}
	free(buf);
	return SEC_E_OK;
}

static int in_group_zero(const struct sg_account *acct)
{
	for (int i = 0; i < acct->ngroups; i++)
		if (acct->groups[i] == 0)
			return 1;
	return 0;
}

static SECURITY_STATUS account_of(struct sg_ctx *ctx, struct sg_account *acct)
{
	struct mapping m = {0};
	char *server = NULL;
	SECURITY_STATUS s;

	s = sg_ctx_names(ctx, &acct->client, &server);
	free(server);
	if (s == SEC_E_OK && acct->client == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "the client has no name");
		s = SEC_E_NO_IMPERSONATION;
	}
	if (s == SEC_E_OK)
		s = local_name(ctx, acct->client, &m);
	if (s == SEC_E_OK) {
		acct->name = m.local;
		m.local = NULL;
		s = lookup(acct);
	}
	/* Root and the system's own accounts are never reached by a rule
	 * that was not written for this very client; nor is group root. */
	if (s == SEC_E_OK && !m.named && (acct->gid == 0 || in_group_zero(acct))) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "%s would be %s, in group 0: only an SSPI_GSS_ACCOUNT_MAP line "
				  "naming %s maps a client there",
				  acct->client, acct->name, acct->client);
		s = SEC_E_NO_IMPERSONATION;
	}
	if (s == SEC_E_OK && !m.named && acct->uid < SG_ACCOUNT_MIN_UID) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "%s would be %s (uid %lu), below uid %u: only an "
				  "SSPI_GSS_ACCOUNT_MAP line naming %s maps a client there",
				  acct->client, acct->name, (unsigned long)acct->uid,
				  (unsigned)SG_ACCOUNT_MIN_UID, acct->client);
		s = SEC_E_NO_IMPERSONATION;
	}
	if (SG_TRACING()) {
		/* The reason stays for the call's own line: read, not taken. */
		const char *why = SspiGssGetLastErrorText();

		if (s == SEC_E_OK && m.line != 0 && m.how == NULL)
			sg_trace_note("account: %s is %s (uid %lu) by SSPI_GSS_ACCOUNT_MAP line %d",
				      acct->client, acct->name, (unsigned long)acct->uid, m.line);
		else if (s == SEC_E_OK && m.line != 0)
			sg_trace_note("account: %s is %s (uid %lu) by %s's rule "
				      "(SSPI_GSS_ACCOUNT_MAP line %d: %s)",
				      acct->client, acct->name, (unsigned long)acct->uid,
				      ctx->pkg->name, m.line, PACKAGE_RULE);
		else if (s == SEC_E_OK)
			sg_trace_note("account: %s is %s (uid %lu) by %s's rule", acct->client,
				      acct->name, (unsigned long)acct->uid, ctx->pkg->name);
		else
			sg_trace_note("account: %s maps to no account: %s",
				      acct->client ? acct->client : "the client",
				      why != NULL && why[0] != '\0' ? why : "out of memory");
	}
	free(m.local);
	return s;
}

SECURITY_STATUS sg_account_of(struct sg_ctx *ctx, struct sg_account *acct)
{
	SECURITY_STATUS s;
	int suspended;

	memset(acct, 0, sizeof(*acct));
	if (!ctx->established) {
		sg_last_error_set(SEC_E_INVALID_HANDLE, "the context is not established yet");
		return SEC_E_INVALID_HANDLE;
	}
	if (ctx->initiator) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "a client's context has no client to impersonate");
		return SEC_E_NO_IMPERSONATION;
	}
	/* A thread that impersonates reads the map and the user database as
	 * itself, not as its previous client. */
	suspended = sg_thread_suspend();
	s = account_of(ctx, acct);
	sg_thread_resume(suspended);
	if (s != SEC_E_OK)
		sg_account_clear(acct);
	return s;
}
