/*
 * keytab_mirror.c - a FILE keytab kept in memory for one acceptor
 * credential (keytab_mirror.h).
 *
 * Rules kept: whatever changes the file is seen by the next context (its
 * identity, size and times are compared at each context's first leg,
 * the one that reads keys); a file that is gone or unreadable leaves no
 * keys, as Heimdal would find none; the copy holds the file's entries in
 * the file's order, so Heimdal picks the same key (kvno, enctype) it would
 * have picked from the file; and it never holds a principal Heimdal's own
 * default acceptor would not accept for (heimdal_accepts_for): where the
 * process registered another keytab with Heimdal, nothing is mirrored.
 *
 * Locking: `use` is held for reading across each gss_accept_sec_context
 * call on the copy, and for writing while the copy is taken again, which
 * is also the only time the stamp and the mirror's krb5_context are
 * touched after creation. The read side is all an acceptor takes, so
 * threads accepting on one shared credential do not serialise.
 */
#include "keytab_mirror.h"

#include "file_stamp.h"

#include <errno.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sg_keytab_mirror {
	krb5_context kctx;
	krb5_keytab copy; /* MEMORY, private */
	char *source;     /* "FILE:/path" */
	const char *path; /* into source */
	pthread_rwlock_t use;
	struct sg_file_stamp stamp; /* the file as last copied */
	struct timespec copied;  /* when (CLOCK_REALTIME, the clock of file times) */
};

/* Reads every entry of kt, in order, into *out. */
static krb5_error_code read_entries(krb5_context kctx, krb5_keytab kt,
				    krb5_keytab_entry **out, size_t *count)
{
	krb5_kt_cursor cursor;
	krb5_keytab_entry *list = NULL, e;
	size_t n = 0, cap = 0;
	krb5_error_code ret;

	*out = NULL;
	*count = 0;
	ret = krb5_kt_start_seq_get(kctx, kt, &cursor);
	if (ret)
		return ret;
	while ((ret = krb5_kt_next_entry(kctx, kt, &e, &cursor)) == 0) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			krb5_keytab_entry *l = realloc(list, ncap * sizeof(*l));

			if (l == NULL) {
				krb5_kt_free_entry(kctx, &e);
				ret = ENOMEM;
				break;
			}
			list = l;
			cap = ncap;
		}
		list[n++] = e;
	}
	krb5_kt_end_seq_get(kctx, kt, &cursor);
	if (ret != KRB5_KT_END) {
		for (size_t i = 0; i < n; i++)
			krb5_kt_free_entry(kctx, &list[i]);
		free(list);
		return ret ? ret : KRB5_KT_END;
	}
	*out = list;
	*count = n;
	return 0;
}

static void free_entries(krb5_context kctx, krb5_keytab_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		krb5_kt_free_entry(kctx, &list[i]);
	free(list);
}

/*
 * Whether Heimdal's own default acceptor finds principal p in its keytab:
 * a credential for that name acquired for accepting (Heimdal looks the name
 * up in the keytab it would accept with). That keytab is the default one
 * unless the process named another with gsskrb5_register_acceptor_identity,
 * which Heimdal keeps to itself; the copy must never hold keys Heimdal's
 * credential would not use, so each principal of the file is asked about.
 */
static int heimdal_accepts_for(krb5_context kctx, krb5_const_principal p)
{
	gss_OID_desc krb5_oid = *GSS_KRB5_MECHANISM;
	gss_OID_set_desc mechs = {1, &krb5_oid};
	gss_buffer_desc text;
	gss_name_t name = GSS_C_NO_NAME;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	OM_uint32 major, minor;
	char *unparsed = NULL;

	if (krb5_unparse_name(kctx, p, &unparsed) != 0)
		return 0;
	text.value = unparsed;
	text.length = strlen(unparsed);
	major = gss_import_name(&minor, &text, GSS_KRB5_NT_PRINCIPAL_NAME, &name);
	if (major == GSS_S_COMPLETE)
		major = gss_acquire_cred(&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_ACCEPT,
					 &cred, NULL, NULL);
	gss_release_cred(&minor, &cred);
	gss_release_name(&minor, &name);
	krb5_xfree(unparsed);
	return major == GSS_S_COMPLETE;
}

/* Empties the copy, then fills it from the file (left empty when the file
 * cannot be read) with the entries whose principal Heimdal's own default
 * acceptor knows (*left_out counts the others); under `use` for writing,
 * or before the mirror is shared. The stamp is read first, so a change
 * made while the file is read shows at the next comparison. 0: the file
 * was copied. */
static krb5_error_code take_copy(struct sg_keytab_mirror *m, size_t *left_out)
{
	krb5_keytab_entry *old = NULL, *list = NULL;
	size_t nold = 0, n = 0;
	krb5_keytab file = NULL;
	krb5_error_code ret;
	krb5_const_principal asked = NULL;
	int known = 0;

	sg_file_stamp_read(m->path, &m->stamp);
	if (read_entries(m->kctx, m->copy, &old, &nold) == 0) {
		for (size_t i = 0; i < nold; i++)
			(void)krb5_kt_remove_entry(m->kctx, m->copy, &old[i]);
		free_entries(m->kctx, old, nold);
	}
	ret = krb5_kt_resolve(m->kctx, m->source, &file);
	if (ret == 0)
		ret = read_entries(m->kctx, file, &list, &n);
	if (file != NULL)
		krb5_kt_close(m->kctx, file);
	*left_out = 0;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		/* A keytab lists a principal's keys one after another: ask
		 * once per run of entries. */
		if (asked == NULL || !krb5_principal_compare(m->kctx, asked, list[i].principal)) {
			asked = list[i].principal;
			known = heimdal_accepts_for(m->kctx, asked);
		}
		if (!known) {
			(*left_out)++;
			continue;
		}
		ret = krb5_kt_add_entry(m->kctx, m->copy, &list[i]);
	}
	free_entries(m->kctx, list, n);
	clock_gettime(CLOCK_REALTIME, &m->copied);
	return ret;
}

static int mirroring_wanted(void)
{
	const char *v = secure_getenv("SSPI_GSS_KEYTAB_MIRROR");

	return !(v != NULL && strcmp(v, "0") == 0);
}

void sg_keytab_mirror_free(struct sg_keytab_mirror *m)
{
	if (m == NULL)
		return;
	if (m->copy != NULL)
		krb5_kt_close(m->kctx, m->copy);
	if (m->kctx != NULL)
		krb5_free_context(m->kctx);
	pthread_rwlock_destroy(&m->use);
	free(m->source);
	free(m);
}

void sg_keytab_mirror_new(const char *principal, gss_cred_id_t *gss,
			  struct sg_keytab_mirror **out)
{
	static unsigned long serial;
	struct sg_keytab_mirror *m;
	pthread_rwlockattr_t attr;
	gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
	char name[1024], copy_name[96];
	OM_uint32 minor;
	size_t left_out = 0;

	*out = NULL;
	if (principal != NULL || !mirroring_wanted() || (m = calloc(1, sizeof(*m))) == NULL)
		return;
	/* A writer (the file changed) must not wait behind a stream of
	 * handshakes. */
	pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	pthread_rwlock_init(&m->use, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (krb5_init_context(&m->kctx) != 0) {
		m->kctx = NULL;
		goto fail;
	}
	/* The keytab Heimdal's default acceptor reads (KRB5_KTNAME, else
	 * krb5.conf's default_keytab_name); only a FILE keytab is mirrored. */
	if (krb5_kt_default_name(m->kctx, name, sizeof(name)) != 0)
		goto fail;
	if (strncmp(name, "FILE:", 5) == 0) {
		m->source = strdup(name);
	} else if (strchr(name, ':') == NULL && name[0] == '/') {
		m->source = malloc(strlen(name) + 6);
		if (m->source != NULL)
			strcat(strcpy(m->source, "FILE:"), name);
	}
	if (m->source == NULL)
		goto fail;
	m->path = m->source + 5;
	snprintf(copy_name, sizeof(copy_name), "MEMORY:sspi-gss-keytab-%lu-%p",
		 __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED), (void *)m);
	if (krb5_kt_resolve(m->kctx, copy_name, &m->copy) != 0) {
		m->copy = NULL;
		goto fail;
	}
	/* A principal of the file that Heimdal's credential would not accept
	 * for: Heimdal reads another keytab (a registered acceptor identity).
	 * Its credential stays, unmirrored. */
	if (take_copy(m, &left_out) != 0 || left_out != 0 ||
	    gss_krb5_import_cred(&minor, NULL, NULL, m->copy, &cred) != GSS_S_COMPLETE)
		goto fail;
	gss_release_cred(&minor, gss);
	*gss = cred;
	*out = m;
	return;
fail:
	sg_keytab_mirror_free(m);
}

void sg_keytab_mirror_enter(struct sg_keytab_mirror *m, int first_leg)
{
	struct sg_file_stamp now;

	pthread_rwlock_rdlock(&m->use);
	if (!first_leg)
		return;
	sg_file_stamp_read(m->path, &now);
	if (sg_file_stamp_equal(&now, &m->stamp) && !sg_file_stamp_racy(&m->stamp, &m->copied))
		return;
	pthread_rwlock_unlock(&m->use);
	pthread_rwlock_wrlock(&m->use);
	sg_file_stamp_read(m->path, &now);
	if (!sg_file_stamp_equal(&now, &m->stamp) || sg_file_stamp_racy(&m->stamp, &m->copied)) {
		size_t left_out;

		/* A failure leaves no keys: Heimdal answers. Principals
		 * Heimdal's own credential does not know stay out. */
		(void)take_copy(m, &left_out);
	}
	pthread_rwlock_unlock(&m->use);
	pthread_rwlock_rdlock(&m->use);
}

void sg_keytab_mirror_leave(struct sg_keytab_mirror *m)
{
	pthread_rwlock_unlock(&m->use);
}
