/*
 * impersonate.c - ImpersonateSecurityContext and RevertSecurityContext:
 * the calling thread, and only it, runs as the client's local account.
 *
 * Linux keeps user and group ids per thread; glibc's setuid family
 * broadcasts a change to every thread of the process, the raw system calls
 * do not. Impersonation sets the thread's real and effective uid and gid
 * and its supplementary groups to the client's with the raw calls, and
 * keeps the process's effective ids as the thread's saved ones, so that
 *  - files are opened with the client's rights (the file system ids follow
 *    the effective ones), and access(2) answers for the client;
 *  - a program the thread starts (posix_spawn, system, popen, vfork and
 *    exec) is the client wholly: execve makes the saved ids the effective
 *    ones, and with neither real nor effective uid 0 the kernel grants the
 *    program no capabilities;
 *  - the client's other processes still cannot trace this one (ptrace
 *    wants the saved uid too); they can signal this thread while it
 *    impersonates them, as the real uid is theirs (docs/impersonation.md);
 *  - revert is always permitted: the saved uid is the process's own, which
 *    gets back the capabilities the switch cleared.
 * Capabilities: the thread's effective, inheritable and ambient sets are
 * empty while it impersonates (a non-root server with CAP_SETUID keeps
 * none to use as the client, nor to pass to a program); revert restores
 * them. A child of fork(2) runs the pthread_atfork handler below: it
 * becomes the client wholly (real, effective and saved ids, no
 * capabilities), as a program started by the thread does; Windows'
 * CreateProcess would give the child the server's token instead, which
 * Unix cannot do for posix_spawn and system (they run no fork handlers),
 * so every child is the client and a server reverts first to start one as
 * itself.
 * The rules (docs/impersonation.md): a process that may not change its ids
 * (no CAP_SETUID/CAP_SETGID) can impersonate only its own account, any
 * other gets SEC_E_NO_IMPERSONATION and the thread stays as it was;
 * impersonating again replaces the client (as ImpersonateSecurityContext
 * does on Windows) and revert goes back to the thread's own ids; a thread
 * that ends while impersonating takes its ids with it; DeleteSecurityContext
 * does not end an impersonation (on Windows the thread's token outlives the
 * context) and RevertSecurityContext still takes that deleted handle.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "accounts.h"
#include "hooks.h"
#include "impersonate.h"
#include "mech.h"
#include "status.h"
#include "trace.h"

#ifdef __linux__
#define SG_IMPERSONATION 1
/* 32-bit x86 and ARM have 16-bit ids in the plain calls. */
#ifdef SYS_setresuid32
#define SYS_SETRESUID SYS_setresuid32
#define SYS_SETRESGID SYS_setresgid32
#define SYS_SETGROUPS SYS_setgroups32
#else
#define SYS_SETRESUID SYS_setresuid
#define SYS_SETRESGID SYS_setresgid
#define SYS_SETGROUPS SYS_setgroups
#endif
#else
#define SG_IMPERSONATION 0
#endif

#if SG_IMPERSONATION
/* A thread's capability sets (capget/capset, version 3: two words). */
struct caps {
	struct __user_cap_data_struct d[2];
};
#endif

/* What a thread that impersonates holds. */
struct imp_thread {
	struct sg_ctx *ctx; /* referenced; NULL: not impersonating */
	CtxtHandle handle;  /* as the caller named it */
	struct sg_account acct;
	int switched;  /* the ids are the account's, not the thread's own */
	int suspended; /* switched back for a moment (sg_impersonation_suspend) */
	/* The thread's own ids and capabilities, as they were before. */
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int ngroups;
	gid_t *groups;
#if SG_IMPERSONATION
	struct caps caps;
	unsigned long long ambient; /* bit n: capability n is ambient */
#endif
};

static pthread_key_t imp_key;
static pthread_once_t imp_once = PTHREAD_ONCE_INIT;
static int imp_key_ok;

/* A thread that ends while impersonating: its ids go with it; the context
 * reference is all that is left to drop. */
static void imp_thread_end(void *p)
{
	struct imp_thread *t = p;

	sg_ctx_put(t->ctx);
	sg_account_clear(&t->acct);
	free(t->groups);
	free(t);
}

#if SG_IMPERSONATION
static void imp_fork_child(void);
#endif

static const struct sg_thread_hooks thread_hooks = {
	.suspend = sg_impersonation_suspend,
	.resume = sg_impersonation_resume,
	.delegated = sg_impersonation_delegated,
};

static void imp_init(void)
{
	imp_key_ok = pthread_key_create(&imp_key, imp_thread_end) == 0;
	/* Before any thread can impersonate (every path there goes through
	 * current()): the core's calls reach us from now on. */
	sg_thread_hooks_set(&thread_hooks);
#if SG_IMPERSONATION
	/* Registered before any thread can impersonate (every path there
	 * goes through current()). Should it fail, impersonation is refused
	 * rather than leave children the server's real ids. */
	if (imp_key_ok && pthread_atfork(NULL, NULL, imp_fork_child) != 0)
		imp_key_ok = 0;
#endif
}

static struct imp_thread *current(void)
{
	pthread_once(&imp_once, imp_init);
	if (!imp_key_ok)
		return NULL;
	return pthread_getspecific(imp_key);
}

#if SG_IMPERSONATION
static int set_groups(int n, const gid_t *g)
{
	return syscall(SYS_SETGROUPS, (long)n, g) == 0 ? 0 : -1;
}

static int set_uid(uid_t r, uid_t e, uid_t s)
{
	return syscall(SYS_SETRESUID, (long)r, (long)e, (long)s) == 0 ? 0 : -1;
}

static int set_gid(gid_t r, gid_t e, gid_t s)
{
	return syscall(SYS_SETRESGID, (long)r, (long)e, (long)s) == 0 ? 0 : -1;
}

/* The raw calls act on the calling thread only, as the id calls do. */
static int get_caps(struct caps *c)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};

	return syscall(SYS_capget, &h, c->d) == 0 ? 0 : -1;
}

static int set_caps(const struct caps *c)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};

	return syscall(SYS_capset, &h, c->d) == 0 ? 0 : -1;
}

/* Empties the ambient set; a kernel without one (before 4.3) has none to
 * empty. */
static int clear_ambient(void)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 || errno == EINVAL)
		return 0;
	return -1;
}

#define KEEP ((uid_t)-1)
#define KEEP_G ((gid_t)-1)

/* Back to the thread's own ids. The effective uid goes first (the saved
 * one is the thread's own effective uid, so that is always permitted): for
 * root that gets back the capabilities, for a server with capabilities of
 * its own they are set back next; both are needed for the rest. */
static int switch_back(const struct imp_thread *t)
{
	if (set_uid(KEEP, t->euid, KEEP) != 0 || set_caps(&t->caps) != 0)
		return -1;
	if (set_gid(t->rgid, t->egid, t->sgid) != 0 || set_groups(t->ngroups, t->groups) != 0 ||
	    set_uid(t->ruid, t->euid, t->suid) != 0 || set_caps(&t->caps) != 0)
		return -1;
	for (int cap = 0; cap < 64; cap++)
		if ((t->ambient >> cap) & 1)
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	return 0;
}

/* To the account's ids: real and effective, the thread's own effective
 * ids kept as the saved ones; no effective, inheritable or ambient
 * capabilities (the permitted ones stay, to switch back with). On failure
 * the thread's own are back. */
static int switch_to(const struct imp_thread *t, const struct sg_account *a)
{
	struct caps none = t->caps;
	int saved;

	for (int i = 0; i < 2; i++)
		none.d[i].effective = none.d[i].inheritable = 0;
	/* The groups first: a process that may not change its ids fails
	 * here, with nothing changed yet. */
	if (set_groups(a->ngroups, a->groups) != 0)
		return -1;
	if (clear_ambient() != 0 || set_gid(a->gid, a->gid, t->egid) != 0 ||
	    set_uid(a->uid, a->uid, t->euid) != 0 || set_caps(&none) != 0) {
		saved = errno;
		(void)switch_back(t);
		errno = saved;
		return -1;
	}
	/* What the kernel made of it: exactly the account's ids, or back.
	 * (An id of -1 means "unchanged" to setresuid: an account with uid
	 * 4294967295 would leave the thread root; accounts.c refuses those,
	 * and this catches any other way of getting it wrong.) */
	{
		uid_t r, e, s;
		gid_t rg, eg, sg;

		if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0 || r != a->uid ||
		    e != a->uid || s != t->euid || rg != a->gid || eg != a->gid) {
			(void)switch_back(t);
			errno = EPERM;
			return -1;
		}
	}
	return 0;
}

static int save_ids(struct imp_thread *t)
{
	int n;

	if (getresuid(&t->ruid, &t->euid, &t->suid) != 0 ||
	    getresgid(&t->rgid, &t->egid, &t->sgid) != 0 || get_caps(&t->caps) != 0)
		return -1;
	t->ambient = 0;
	for (int cap = 0; cap < 64; cap++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1)
			t->ambient |= 1ULL << cap;
	n = getgroups(0, NULL);
	if (n < 0)
		return -1;
	free(t->groups);
	t->groups = malloc(sizeof(gid_t) * (size_t)(n > 0 ? n : 1));
	if (t->groups == NULL)
		return -1;
	t->ngroups = getgroups(n, t->groups);
	return t->ngroups < 0 ? -1 : 0;
}

static int has_gid(const gid_t *list, int n, gid_t g)
{
	for (int i = 0; i < n; i++)
		if (list[i] == g)
			return 1;
	return 0;
}

/* Is the thread already the account: the same uid, gid and groups? */
static int same_ids(const struct imp_thread *t, const struct sg_account *a)
{
	if (a->uid != t->ruid || a->uid != t->euid || a->gid != t->rgid || a->gid != t->egid)
		return 0;
	for (int i = 0; i < a->ngroups; i++)
		if (!has_gid(t->groups, t->ngroups, a->groups[i]))
			return 0;
	for (int i = 0; i < t->ngroups; i++)
		if (!has_gid(a->groups, a->ngroups, t->groups[i]) && t->groups[i] != a->gid)
			return 0;
	return 1;
}

/*
 * fork(2) in a thread that impersonates: the child (this thread only)
 * becomes the client wholly, real, effective and saved ids, with no
 * capabilities at all, so that it cannot get back to the server's ids; a
 * child that cannot be made so ends at once (it would otherwise run with
 * the server's saved ids). The child impersonates no more: it is the
 * client, and RevertSecurityContext there changes nothing. The context
 * reference is left as it is (the child's copy of the handle table still
 * holds it), as nothing may be freed safely in a child of a threaded
 * process.
 */
static void imp_fork_child(void)
{
	struct imp_thread *t = imp_key_ok ? pthread_getspecific(imp_key) : NULL;
	struct caps none;
	uid_t r, e, s;

	if (t == NULL || t->ctx == NULL) {
		/* A thread created while another impersonated inherited the
		 * client's real and effective ids and the server's saved one,
		 * with no record here: its child becomes the client wholly
		 * too, never the saved ids. */
		gid_t rg, eg, sg;

		if (getresuid(&r, &e, &s) == 0 && getresgid(&rg, &eg, &sg) == 0 && r == e &&
		    s != e) {
			memset(&none, 0, sizeof(none));
			if (set_gid(eg, eg, eg) != 0 || set_uid(e, e, e) != 0 ||
			    set_caps(&none) != 0 || clear_ambient() != 0 ||
			    getresuid(&r, &e, &s) != 0 || r != e || s != e)
				_exit(127);
		}
		return;
	}
	if (t->switched && !t->suspended) {
		memset(&none, 0, sizeof(none));
		if (set_gid(t->acct.gid, t->acct.gid, t->acct.gid) != 0 ||
		    set_uid(t->acct.uid, t->acct.uid, t->acct.uid) != 0 || set_caps(&none) != 0 ||
		    clear_ambient() != 0 || getresuid(&r, &e, &s) != 0 || r != t->acct.uid ||
		    e != t->acct.uid || s != t->acct.uid)
			_exit(127);
	}
	t->ctx = NULL;
	t->switched = t->suspended = 0;
}
#endif

/* Ends the thread's impersonation, if any. */
static SECURITY_STATUS revert_thread(struct imp_thread *t)
{
	if (t == NULL || t->ctx == NULL)
		return SEC_E_OK;
#if SG_IMPERSONATION
	if (t->switched && !t->suspended && switch_back(t) != 0) {
		/* Cannot happen while nothing else changes this thread's ids;
		 * the thread stays marked as impersonating, so a later revert
		 * tries again, and the caller learns it is not itself. */
		sg_last_error_set(SEC_E_INTERNAL_ERROR, "cannot switch the thread back: %s",
				  strerror(errno));
		return SEC_E_INTERNAL_ERROR;
	}
#endif
	t->switched = t->suspended = 0;
	sg_ctx_put(t->ctx);
	t->ctx = NULL;
	sg_account_clear(&t->acct);
	return SEC_E_OK;
}

static SECURITY_STATUS impersonate(PCtxtHandle h)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	struct imp_thread *t;
	struct sg_account acct;
	SECURITY_STATUS s;

	if (ctx == NULL)
		return SEC_E_INVALID_HANDLE;
	s = sg_account_of(ctx, &acct);
	if (s != SEC_E_OK) {
		sg_ctx_put(ctx);
		return s;
	}
#if !SG_IMPERSONATION
	sg_account_clear(&acct);
	sg_ctx_put(ctx);
	sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "this system has no per-thread ids");
	return SEC_E_UNSUPPORTED_FUNCTION;
#else
	t = current();
	if (t == NULL) {
		t = imp_key_ok ? calloc(1, sizeof(*t)) : NULL;
		if (t == NULL || pthread_setspecific(imp_key, t) != 0) {
			free(t);
			sg_account_clear(&acct);
			sg_ctx_put(ctx);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
	}
	/* Impersonating again: from the thread's own ids to the new client. */
	s = revert_thread(t);
	if (s == SEC_E_OK && save_ids(t) != 0)
		s = SEC_E_INTERNAL_ERROR;
	if (s != SEC_E_OK) {
		sg_account_clear(&acct);
		sg_ctx_put(ctx);
		return s;
	}
	if (same_ids(t, &acct)) {
		/* The thread already is that account. */
		t->switched = 0;
	} else if (switch_to(t, &acct) == 0) {
		t->switched = 1;
	} else if (errno == EPERM && acct.uid == t->euid && acct.gid == t->egid) {
		/* A process that may not change its groups is that account
		 * still, with the groups it was given. */
		t->switched = 0;
	} else {
		int err = errno;

		sg_last_error_set(SEC_E_NO_IMPERSONATION, "cannot become %s (uid %lu): %s%s",
				  acct.name, (unsigned long)acct.uid, strerror(err),
				  err == EPERM ? " (the process may not change its ids)" : "");
		sg_account_clear(&acct);
		sg_ctx_put(ctx);
		return SEC_E_NO_IMPERSONATION;
	}
	t->ctx = ctx; /* the reference taken above */
	t->handle = *h;
	t->acct = acct;
	return SEC_E_OK;
#endif
}

static SECURITY_STATUS revert(PCtxtHandle h)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	struct imp_thread *t = current();
	SECURITY_STATUS s;

	/* The handle the thread impersonates through is good here even
	 * after DeleteSecurityContext: the thread can always get back. */
	if (ctx == NULL && !(h != NULL && t != NULL && t->ctx != NULL &&
			     h->dwLower == t->handle.dwLower && h->dwUpper == t->handle.dwUpper))
		return SEC_E_INVALID_HANDLE;
	s = revert_thread(t);
	sg_ctx_put(ctx);
	return s;
}

int sg_impersonation_suspend(void)
{
	struct imp_thread *t = current();

	if (t == NULL || t->ctx == NULL || !t->switched || t->suspended)
		return 0;
#if SG_IMPERSONATION
	if (switch_back(t) != 0)
		return 0;
	t->suspended = 1;
	return 1;
#else
	return 0;
#endif
}

void sg_impersonation_resume(int suspended)
{
	struct imp_thread *t;

	if (!suspended)
		return;
	t = current();
#if SG_IMPERSONATION
	if (t != NULL && t->suspended) {
		/* The same ids as a moment ago. Were that refused, the thread
		 * would go on as the server while its caller believes it is the
		 * client: that must not happen silently, and there is no status
		 * to say it with here, so the process ends (it takes memory
		 * exhaustion in the kernel to get here). */
		if (switch_to(t, &t->acct) != 0) {
			static const char msg[] = "sspi-gss: cannot become the impersonated client "
						  "again after a library call; ending the process\n";

			(void)!write(2, msg, sizeof(msg) - 1);
			abort();
		}
		t->suspended = 0;
	}
#else
	(void)t;
#endif
}

gss_cred_id_t sg_impersonation_delegated(struct sg_object **owner)
{
	struct imp_thread *t = current();
	gss_cred_id_t d;

	*owner = NULL;
	if (t == NULL || t->ctx == NULL)
		return GSS_C_NO_CREDENTIAL;
	d = t->ctx->pkg->ops->delegated != NULL ? t->ctx->pkg->ops->delegated(t->ctx)
						: t->ctx->delegated;
	if (d != GSS_C_NO_CREDENTIAL) {
		sg_object_ref(&t->ctx->obj);
		*owner = &t->ctx->obj;
	}
	return d;
}

SECURITY_STATUS SEC_ENTRY ImpersonateSecurityContext(PCtxtHandle phContext)
{
	SECURITY_STATUS s = impersonate(phContext);

	if (SG_TRACING()) {
		struct imp_thread *t = current();

		sg_trace_call("ImpersonateSecurityContext", s, "%s%s%s",
			      s == SEC_E_OK && t ? "as " : "",
			      s == SEC_E_OK && t ? t->acct.name : "",
			      s == SEC_E_OK && t && !t->switched ? " (the thread's own account)"
								 : "");
	}
	return s;
}

SECURITY_STATUS SEC_ENTRY RevertSecurityContext(PCtxtHandle phContext)
{
	SECURITY_STATUS s = revert(phContext);

	if (SG_TRACING())
		sg_trace_call("RevertSecurityContext", s, "%s", "");
	return s;
}
