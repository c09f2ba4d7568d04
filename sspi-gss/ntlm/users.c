/*
 * users.c - the NTLM user database file: "DOMAIN:user:password" lines, the
 * format of NTLM_USER_FILE that Heimdal and gss-ntlmssp read, plus
 * "DOMAIN:user:<NT hash as 32 hex digits>" so that a server needs no
 * plaintext. The password is everything after the second colon, so it may
 * itself contain colons; a password of exactly 32 hex digits must be given
 * as its hash instead (docs/ntlm.md).
 *
 * The file holds every user's secret, so it is read with care
 * (docs/security.md): not through a symbolic link in a directory others may
 * write, only when it is a regular file owned by us or root that nobody
 * else may write, whole into a buffer of ours that is wiped after each
 * lookup.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicase.h>
#include <unistd.h>

#include "ntlm.h"
#include "private_file.h"
#include "strings.h"

/* A user file larger than this is refused rather than read. */
#define MAX_FILE (16u << 20)

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
int ntlm_same_name(const char *a, const char *b)
{
	int r = 1;

	if (u8_casecmp((const uint8_t *)a, strlen(a), (const uint8_t *)b, strlen(b), NULL, NULL,
		       &r) != 0)
		return 0;
	return r == 0;
}

/* Reads the whole file into a malloc'ed, NUL-terminated buffer that the
 * caller wipes (sg_wipe) and frees, or refuses it with *why
 * (private_file.h). 0 or -1. */
static int read_users(const char *path, char **text, size_t *len, const char **why)
{
	*text = NULL;
	*why = NULL;
	if (path == NULL || path[0] == '\0') {
		*why = "no user file is set";
		return -1;
	}
	*text = sg_private_file_read(path, MAX_FILE, len, why);
	return *text != NULL ? 0 : -1;
}

/* The next line of the buffer, split in place into its three fields;
 * returns 0 at the end of the text. */
static int next_entry(char **cursor, char **domain, char **user, char **secret)
{
	while (**cursor != '\0') {
		char *line = *cursor, *end = strchr(line, '\n');
		size_t n;

		if (end != NULL) {
			*end = '\0';
			*cursor = end + 1;
		} else {
			*cursor = line + strlen(line);
		}
		n = strlen(line);
		while (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		*domain = line;
		*user = strchr(line, ':');
		if (*user == NULL)
			continue;
		*(*user)++ = '\0';
		*secret = strchr(*user, ':');
		if (*secret == NULL)
			continue;
		*(*secret)++ = '\0';
		return 1;
	}
	return 0;
}

void ntlm_user_clear(struct ntlm_user *u)
{
	free(u->domain);
	free(u->user);
	sg_wipe(u, sizeof(*u));
}

static int take_entry(const char *domain, const char *user, const char *secret,
		      struct ntlm_user *out)
{
	if (parse_hash(secret, out->nt_hash) != 0 && ntlm_nt_hash(secret, out->nt_hash) != 0)
		return 1; /* not valid UTF-8: no password we could hash */
	out->domain = strdup(domain);
	out->user = strdup(user);
	if (out->domain == NULL || out->user == NULL) {
		ntlm_user_clear(out);
		return -1;
	}
	return 0;
}

int ntlm_users_lookup(const char *path, const char *domain, const char *user,
		      enum ntlm_domain_rule rule, struct ntlm_user *out, const char **why)
{
	char *text, *cursor, *d, *u, *secret;
	char *best_secret = NULL, *best_domain = NULL, *best_user = NULL;
	size_t len;
	int result = 1;

	memset(out, 0, sizeof(*out));
	if (read_users(path, &text, &len, why) != 0)
		return -1;
	cursor = text;
	while (next_entry(&cursor, &d, &u, &secret)) {
		if (user != NULL) {
			if (!ntlm_same_name(u, user))
				continue;
			/* An entry of the very domain wins over the others,
			 * wherever each stands; else the first domain-less one
			 * (or, for NTLM_DOMAIN_ANY, the first of any domain). */
			if (!ntlm_same_name(d, domain)) {
				if (best_secret != NULL || (d[0] != '\0' && rule != NTLM_DOMAIN_ANY))
					continue;
				best_domain = d, best_user = u, best_secret = secret;
				continue;
			}
		}
		best_domain = d, best_user = u, best_secret = secret;
		break;
	}
	if (best_secret != NULL)
		result = take_entry(best_domain, best_user, best_secret, out);
	if (result < 0)
		*why = "out of memory";
	sg_wipe(text, len);
	free(text);
	return result;
}
