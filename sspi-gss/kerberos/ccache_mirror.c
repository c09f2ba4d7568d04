/*
 * ccache_mirror.c - a FILE ticket cache kept in memory for one credential
 * (ccache_mirror.h, docs/kerberos.md "Ticket caches").
 *
 * Why: Heimdal reads a FILE cache from the start, under a lock, several
 * times per context (the principal, the service ticket, configuration
 * entries), with small unbuffered reads: a handshake from a kinit cache
 * ran at an eighth of the rate of one from memory. The mirror costs one
 * stat() per context instead.
 *
 * Rules kept:
 *  - whatever changes the file (kinit, renewal, kdestroy, another
 *    program's ticket) is seen by the next context: the file's identity,
 *    size and times are compared at each context's first leg (the one
 *    that reads tickets);
 *  - a ticket Heimdal obtains into the copy is appended to the file, as it
 *    would have been without the mirror, unless the file changed since
 *    the copy was taken (it may now be another principal's: the next
 *    context takes the new copy and obtains the ticket again);
 *  - the copy keeps the file's order, so Heimdal picks the same ticket
 *    when the file holds several for one service.
 *
 * Locking: `use` is held for reading across each gss_init_sec_context call
 * on the copy and for writing while the copy is taken again, so no call
 * sees a half-filled cache. `sync` guards the rest and every call on the
 * mirror's own krb5_context.
 */
#include "ccache_mirror.h"

#include <gssapi/gssapi_krb5.h>
#include <errno.h>
#include <krb5.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file_stamp.h"
#include "status.h"


struct sg_ccache_mirror {
	krb5_context kctx;
	krb5_ccache source; /* the FILE cache */
	krb5_ccache copy;   /* the private MEMORY cache the credential reads */
	char *path;
	pthread_rwlock_t use;
	pthread_mutex_t sync;
	struct sg_file_stamp stamp; /* the file as last copied (or written by us) */
	int stale;               /* the last copy failed: take it again */
	/* When the copy last changed as last seen, and when it was last
	 * walked for new tickets (krb5_cc_last_change_time has seconds). */
	krb5_timestamp copy_changed;
	time_t walked;
	/* Fingerprints of the tickets the file holds, as far as we know. */
	uint64_t *known;
	size_t nknown, known_cap;
};

/* FNV-1a over the encrypted ticket: distinct for every ticket issued. */
static uint64_t fingerprint(const krb5_creds *c)
{
	const unsigned char *p = c->ticket.data;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < c->ticket.length; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static int known(const struct sg_ccache_mirror *m, uint64_t fp)
{
	for (size_t i = 0; i < m->nknown; i++)
		if (m->known[i] == fp)
			return 1;
	return 0;
}

static int remember(struct sg_ccache_mirror *m, uint64_t fp)
{
	if (m->nknown == m->known_cap) {
		size_t cap = m->known_cap ? 2 * m->known_cap : 8;
		uint64_t *k = realloc(m->known, cap * sizeof(*k));

		if (k == NULL)
			return -1;
		m->known = k;
		m->known_cap = cap;
	}
	m->known[m->nknown++] = fp;
	return 0;
}

static void free_creds(krb5_context kctx, krb5_creds *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		krb5_free_cred_contents(kctx, &list[i]);
	free(list);
}

/* Reads the file's entries in order (config entries included). */
static krb5_error_code read_source(struct sg_ccache_mirror *m, krb5_creds **out, size_t *count)
{
	krb5_cc_cursor cursor;
	krb5_creds *list = NULL, c;
	size_t n = 0, cap = 0;
	krb5_error_code ret;

	ret = krb5_cc_start_seq_get(m->kctx, m->source, &cursor);
	if (ret)
		return ret;
	while ((ret = krb5_cc_next_cred(m->kctx, m->source, &cursor, &c)) == 0) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			krb5_creds *l = realloc(list, ncap * sizeof(*l));

			if (l == NULL) {
				krb5_free_cred_contents(m->kctx, &c);
				ret = ENOMEM;
				break;
			}
			list = l;
			cap = ncap;
		}
		list[n++] = c;
	}
	krb5_cc_end_seq_get(m->kctx, m->source, &cursor);
	if (ret != KRB5_CC_END) {
		free_creds(m->kctx, list, n);
		return ret ? ret : KRB5_CC_IO;
	}
	*out = list;
	*count = n;
	return 0;
}

/* (Re)fills the copy from the file; under `use` for writing, or before the
 * mirror is shared. The file's stamp is read first, so a change made while
 * it is read shows at the next comparison. */
static krb5_error_code take_copy(struct sg_ccache_mirror *m)
{
	krb5_principal principal = NULL;
	krb5_creds *list = NULL;
	krb5_deltat offset;
	size_t n = 0;
	krb5_error_code ret;

	sg_file_stamp_read(m->path, &m->stamp);
	m->nknown = 0;
	ret = krb5_cc_get_principal(m->kctx, m->source, &principal);
	if (ret == 0)
		ret = read_source(m, &list, &n);
	if (ret == 0)
		ret = krb5_cc_initialize(m->kctx, m->copy, principal);
	/* A MEMORY cache puts each new entry first: stored from the last,
	 * the copy reads in the file's order. */
	for (size_t i = n; ret == 0 && i-- > 0;) {
		ret = krb5_cc_store_cred(m->kctx, m->copy, &list[i]);
		if (ret == 0 && !krb5_is_config_principal(m->kctx, list[i].server) &&
		    remember(m, fingerprint(&list[i])) != 0)
			ret = ENOMEM;
	}
	if (ret == 0 && krb5_cc_get_kdc_offset(m->kctx, m->source, &offset) == 0)
		krb5_cc_set_kdc_offset(m->kctx, m->copy, offset);
	if (ret == 0 && krb5_cc_last_change_time(m->kctx, m->copy, &m->copy_changed) != 0)
		m->copy_changed = 0;
	m->walked = time(NULL);
	free_creds(m->kctx, list, n);
	krb5_free_principal(m->kctx, principal);
	m->stale = ret != 0;
	return ret;
}

/* Appends the copy's new tickets to the file; under `sync`. */
static void write_back(struct sg_ccache_mirror *m)
{
	struct sg_file_stamp before;
	krb5_cc_cursor cursor;
	krb5_creds c;
	int wrote = 0;

	sg_file_stamp_read(m->path, &before);
	if (m->stale || !sg_file_stamp_equal(&before, &m->stamp))
		return; /* the file moved on: not ours to add to */
	if (krb5_cc_start_seq_get(m->kctx, m->copy, &cursor) != 0)
		return;
	while (krb5_cc_next_cred(m->kctx, m->copy, &cursor, &c) == 0) {
		uint64_t fp = fingerprint(&c);

		if (!krb5_is_config_principal(m->kctx, c.server) && !known(m, fp) &&
		    krb5_cc_store_cred(m->kctx, m->source, &c) == 0) {
			/* Not remembered (no memory): stored again next time,
			 * harmless. */
			(void)remember(m, fp);
			wrote = 1;
		}
		krb5_free_cred_contents(m->kctx, &c);
	}
	krb5_cc_end_seq_get(m->kctx, m->copy, &cursor);
	/* Our own addition is no reason to take the copy again. */
	if (wrote)
		sg_file_stamp_read(m->path, &m->stamp);
}

static int mirroring_wanted(void)
{
	const char *v = secure_getenv("SSPI_GSS_CCACHE_MIRROR");

	return !(v != NULL && strcmp(v, "0") == 0);
}

/* The cache Heimdal's gss_acquire_cred takes for principal (or the
 * default one). */
static krb5_error_code find_source(struct sg_ccache_mirror *m, const char *principal)
{
	krb5_principal p;
	krb5_error_code ret;

	if (principal == NULL)
		return krb5_cc_default(m->kctx, &m->source);
	ret = krb5_parse_name(m->kctx, principal, &p);
	if (ret)
		return ret;
	ret = krb5_cc_cache_match(m->kctx, p, &m->source);
	krb5_free_principal(m->kctx, p);
	return ret;
}

/* The copy holds the principal Heimdal's credential names (the file
 * could have changed between Heimdal's acquire and ours). */
static int same_principal(struct sg_ccache_mirror *m, gss_cred_id_t gss)
{
	OM_uint32 minor;
	gss_name_t name = GSS_C_NO_NAME;
	gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
	krb5_principal p = NULL;
	char *ours = NULL;
	int same = 0;

	if (gss_inquire_cred(&minor, gss, &name, NULL, NULL, NULL) == GSS_S_COMPLETE &&
	    gss_display_name(&minor, name, &text, NULL) == GSS_S_COMPLETE &&
	    krb5_cc_get_principal(m->kctx, m->copy, &p) == 0 &&
	    krb5_unparse_name(m->kctx, p, &ours) == 0)
		same = strlen(ours) == text.length && memcmp(ours, text.value, text.length) == 0;
	krb5_xfree(ours);
	krb5_free_principal(m->kctx, p);
	gss_release_buffer(&minor, &text);
	gss_release_name(&minor, &name);
	return same;
}

void sg_ccache_mirror_free(struct sg_ccache_mirror *m)
{
	if (m == NULL)
		return;
	if (m->copy != NULL)
		krb5_cc_destroy(m->kctx, m->copy);
	if (m->source != NULL)
		krb5_cc_close(m->kctx, m->source);
	if (m->kctx != NULL)
		krb5_free_context(m->kctx);
	pthread_rwlock_destroy(&m->use);
	pthread_mutex_destroy(&m->sync);
	free(m->path);
	free(m->known);
	free(m);
}

void sg_ccache_mirror_new(const char *principal, gss_cred_id_t *gss,
			  struct sg_ccache_mirror **out)
{
	struct sg_ccache_mirror *m;
	pthread_rwlockattr_t attr;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	OM_uint32 minor;

	*out = NULL;
	if (!mirroring_wanted() || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	/* A writer (the file changed) must not wait behind a stream of
	 * handshakes. */
	pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	pthread_rwlock_init(&m->use, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&m->sync, NULL);
	if (krb5_init_context(&m->kctx) != 0) {
		m->kctx = NULL;
		goto fail;
	}
	if (find_source(m, principal) != 0) {
		m->source = NULL;
		goto fail;
	}
	if (strcmp(krb5_cc_get_type(m->kctx, m->source), "FILE") != 0 ||
	    (m->path = strdup(krb5_cc_get_name(m->kctx, m->source))) == NULL)
		goto fail;
	if (krb5_cc_new_unique(m->kctx, "MEMORY", NULL, &m->copy) != 0) {
		m->copy = NULL;
		goto fail;
	}
	if (take_copy(m) != 0 || !same_principal(m, *gss) ||
	    gss_krb5_import_cred(&minor, m->copy, NULL, NULL, &cred) != GSS_S_COMPLETE)
		goto fail;
	gss_release_cred(&minor, gss);
	*gss = cred;
	*out = m;
	return;
fail:
	sg_ccache_mirror_free(m);
}

SECURITY_STATUS sg_ccache_mirror_enter(struct sg_ccache_mirror *m, int first_leg)
{
	struct sg_file_stamp now;
	int changed, failed;

	pthread_rwlock_rdlock(&m->use);
	if (!first_leg)
		return SEC_E_OK;
	sg_file_stamp_read(m->path, &now);
	pthread_mutex_lock(&m->sync);
	changed = m->stale || !sg_file_stamp_equal(&now, &m->stamp);
	pthread_mutex_unlock(&m->sync);
	if (!changed)
		return SEC_E_OK;

	pthread_rwlock_unlock(&m->use);
	pthread_rwlock_wrlock(&m->use);
	pthread_mutex_lock(&m->sync);
	sg_file_stamp_read(m->path, &now);
	if (m->stale || !sg_file_stamp_equal(&now, &m->stamp))
		take_copy(m);
	failed = m->stale;
	pthread_mutex_unlock(&m->sync);
	pthread_rwlock_unlock(&m->use);
	if (failed) {
		sg_last_error_set(SEC_E_NO_CREDENTIALS,
				  "Kerberos: the ticket cache %s is gone or unreadable (kdestroy?)",
				  m->path);
		return SEC_E_NO_CREDENTIALS;
	}
	pthread_rwlock_rdlock(&m->use);
	return SEC_E_OK;
}

void sg_ccache_mirror_leave(struct sg_ccache_mirror *m)
{
	krb5_timestamp changed;

	pthread_mutex_lock(&m->sync);
	/* Something stored into the copy since it was last walked, or
	 * possibly so within the same second. */
	if (krb5_cc_last_change_time(m->kctx, m->copy, &changed) == 0 &&
	    (changed != m->copy_changed || (time_t)changed >= m->walked)) {
		time_t now = time(NULL);

		write_back(m);
		m->copy_changed = changed;
		m->walked = now;
	}
	pthread_mutex_unlock(&m->sync);
	pthread_rwlock_unlock(&m->use);
}
