/*
 * accounts.c - from an authenticated client to a local Unix account.
 *
 * The rule, in order (docs/impersonation.md):
 *  1. the file named by SSPI_GSS_ACCOUNT_MAP, if set: lines
 *     "CLIENT-NAME  local-user", CLIENT-NAME as SECPKG_ATTR_NAMES reports
 *     the client (alice@SSPI.TEST, ADSSPI\alice), compared without regard
 *     to ASCII case; '#' starts a comment. A set but unreadable file maps
 *     nobody: failing open would let a client become whoever the package
 *     rule names.
 *  2. the package's own rule (sg_mech_ops.localname).
 * The account must exist in the user database (getpwnam_r); its groups
 * are getgrouplist's.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "status.h"
#include "strings.h"

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

/* 1: the local name the map file gives client (*local NULL: no entry). */
static SECURITY_STATUS map_file(const char *path, const char *client, char **local)
{
	FILE *f = fopen(path, "re");
	char line[1024];

	*local = NULL;
	if (f == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "SSPI_GSS_ACCOUNT_MAP %s: %s", path,
				  strerror(errno));
		return SEC_E_NO_IMPERSONATION;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *hash = strchr(line, '#'), *s, *sep;

		if (hash != NULL)
			*hash = '\0';
		s = trim(line);
		if (*s == '\0')
			continue;
		/* The local name is the last word; the client's name, which may
		 * hold spaces, is what comes before it. */
		sep = s + strlen(s);
		while (sep > s && !isspace((unsigned char)sep[-1]))
			sep--;
		if (sep == s)
			continue;
		sep[-1] = '\0';
		if (sg_ascii_casecmp(trim(s), client) == 0) {
			*local = strdup(sep);
			fclose(f);
			return *local != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
		}
	}
	fclose(f);
	return SEC_E_OK;
}

static SECURITY_STATUS local_name(struct sg_ctx *ctx, const char *client, char **local)
{
	const char *map = secure_getenv("SSPI_GSS_ACCOUNT_MAP");
	SECURITY_STATUS s;

	*local = NULL;
	if (map != NULL && map[0] != '\0') {
		s = map_file(map, client, local);
		if (s != SEC_E_OK || *local != NULL)
			return s;
	}
	if (ctx->pkg->ops->localname == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "%s maps no client to an account",
				  ctx->pkg->name);
		return SEC_E_NO_IMPERSONATION;
	}
	return ctx->pkg->ops->localname(ctx, local);
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

SECURITY_STATUS sg_account_of(struct sg_ctx *ctx, struct sg_account *acct)
{
	char *server = NULL;
	SECURITY_STATUS s;

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
	s = sg_ctx_names(ctx, &acct->client, &server);
	free(server);
	if (s == SEC_E_OK && acct->client == NULL) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "the client has no name");
		s = SEC_E_NO_IMPERSONATION;
	}
	if (s == SEC_E_OK)
		s = local_name(ctx, acct->client, &acct->name);
	if (s == SEC_E_OK)
		s = lookup(acct);
	if (s != SEC_E_OK)
		sg_account_clear(acct);
	return s;
}
