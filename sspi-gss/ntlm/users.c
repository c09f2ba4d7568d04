/*
 * users.c - the NTLM user database file: "DOMAIN:user:password" lines, the
 * format of NTLM_USER_FILE that Heimdal and gss-ntlmssp read, plus
 * "DOMAIN:user:<NT hash as 32 hex digits>" so that a server needs no
 * plaintext. The password is everything after the second colon, so it may
 * itself contain colons; a password of exactly 32 hex digits must be given
 * as its hash instead (docs/ntlm.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

#include "ntlm.h"
#include "strings.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hash(const char *s, uint8_t hash[16])
{
	if (strlen(s) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		hash[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Unicode case-insensitive equality of two UTF-8 names. */
static int same_name(const char *a, const char *b)
{
	int r = 1;

	if (u8_casecmp((const uint8_t *)a, strlen(a), (const uint8_t *)b, strlen(b), NULL, NULL,
		       &r) != 0)
		return 0;
	return r == 0;
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d = strdup(s);

	if (d == NULL)
		*failed = 1;
	return d;
}

int ntlm_users_lookup(const char *path, const char *domain, const char *user,
		      uint8_t nt_hash[16], char **found_domain, char **found_user)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int result = 1;
	FILE *f;

	if (found_domain != NULL)
		*found_domain = NULL;
	if (found_user != NULL)
		*found_user = NULL;
	if (path == NULL || path[0] == '\0')
		return -1;
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (result == 1 && (n = getline(&line, &cap, f)) >= 0) {
		char *d = line, *u, *secret;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		u = strchr(d, ':');
		if (u == NULL)
			continue;
		*u++ = '\0';
		secret = strchr(u, ':');
		if (secret == NULL)
			continue;
		*secret++ = '\0';
		if (user != NULL) {
			if (!same_name(u, user))
				continue;
			if (d[0] != '\0' && domain != NULL && domain[0] != '\0' &&
			    !same_name(d, domain))
				continue;
		}
		if (parse_hash(secret, nt_hash) != 0 && ntlm_nt_hash(secret, nt_hash) != 0)
			continue; /* not valid UTF-8: no password we could hash */
		result = 0;
		if (found_domain != NULL && found_user != NULL) {
			int failed = 0;

			*found_domain = dup_or_null(d, &failed);
			*found_user = dup_or_null(u, &failed);
			if (failed) {
				free(*found_domain);
				free(*found_user);
				*found_domain = *found_user = NULL;
				sg_wipe(nt_hash, 16);
				result = -1;
			}
		}
	}
	if (line != NULL) {
		sg_wipe(line, cap);
		free(line);
	}
	fclose(f);
	return result;
}
