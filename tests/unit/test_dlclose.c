/*
 * test_dlclose.c - a host that dlopen()s the library (an SSPI module
 * loader, a plugin), seals a Kerberos message on a worker thread,
 * dlclose()s the library and then lets the worker end. The library keeps
 * thread-specific data with destructors (kerberos/confounder.c's pool,
 * server/impersonate.c's), so glibc calls into it when the thread ends: it
 * must still be mapped (it is linked -z nodelete, sspi-gss/meson.build).
 * Before that, this crashed in the confounder pool's destructor.
 *
 * Usage: test_dlclose /path/to/libsspi-gss.so   (with SSPI_GSS_REALM_SH set)
 * Exit 0: the worker ended cleanly; a signal: the library was unmapped.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
#include <link.h>

#include <sspi-gss.h>

#include "realm.h"

static void *lib;
static uintptr_t lib_base;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "SIGSEGV at %p = library offset 0x%lx\n", si->si_addr,
			 (unsigned long)((uintptr_t)si->si_addr - lib_base));

	(void)uc;
	write(2, msg, (size_t)n);
	signal(sig, SIG_DFL);
	raise(sig);
}

#define SYM(name) ((__typeof__(&name))dlsym(lib, #name))

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int sealed, may_exit;
static int result = -1;

#define REQ (ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | \
	     ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_ALLOCATE_MEMORY)

static int run_once(void)
{
	SEC_WINNT_AUTH_IDENTITY_A id = {
		.User = (UCHAR *)"alice", .UserLength = 5,
		.Domain = (UCHAR *)"SSPI.TEST", .DomainLength = 9,
		.Password = (UCHAR *)"Alice-Pass-1", .PasswordLength = 12,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI,
	};
	CredHandle cc, sc;
	CtxtHandle cx, sx;
	TimeStamp exp;
	ULONG ca, sa;
	SecBuffer ctok = {0, SECBUFFER_TOKEN, NULL}, stok = {0, SECBUFFER_TOKEN, NULL};
	SecBufferDesc cout = {SECBUFFER_VERSION, 1, &ctok}, sout = {SECBUFFER_VERSION, 1, &stok};
	SecBufferDesc cin = {SECBUFFER_VERSION, 1, &stok}, sin = {SECBUFFER_VERSION, 1, &ctok};
	SECURITY_STATUS s;

	if (SYM(AcquireCredentialsHandleA)(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, &id, NULL,
					     NULL, &cc, &exp) != SEC_E_OK ||
	    SYM(AcquireCredentialsHandleA)(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					     NULL, &sc, &exp) != SEC_E_OK)
		return -1;
	s = SYM(InitializeSecurityContextA)(&cc, NULL, "HTTP/localhost", REQ, 0, 0, NULL, 0, &cx,
					    &cout, &ca, &exp);
	if (s != SEC_I_CONTINUE_NEEDED)
		return fprintf(stderr, "isc1 %x\n", (unsigned)s), -1;
	s = SYM(AcceptSecurityContext)(&sc, NULL, &sin, ASC_REQ_MUTUAL_AUTH | ASC_REQ_ALLOCATE_MEMORY,
				       0, &sx, &sout, &sa, &exp);
	if (s != SEC_E_OK)
		return fprintf(stderr, "asc %x\n", (unsigned)s), -1;
	s = SYM(InitializeSecurityContextA)(&cc, &cx, "HTTP/localhost", REQ, 0, 0, &cin, 0, &cx,
					    &cout, &ca, &exp);
	if (s != SEC_E_OK)
		return fprintf(stderr, "isc2 %x\n", (unsigned)s), -1;
	{
		unsigned char tok[128], data[64] = "hello", pad[16];
		SecBuffer b[3] = {{sizeof(tok), SECBUFFER_TOKEN, tok},
				  {sizeof(data), SECBUFFER_DATA, data},
				  {sizeof(pad), SECBUFFER_PADDING, pad}};
		SecBufferDesc d = {SECBUFFER_VERSION, 3, b};

		/* Sealed: draws a confounder on this thread (the pool's key
		 * now holds a value with a destructor in the library). */
		if ((s = SYM(EncryptMessage)(&cx, 0, &d, 0)) != SEC_E_OK)
			return fprintf(stderr, "seal %x\n", (unsigned)s), -1;
	}
	SYM(DeleteSecurityContext)(&cx);
	SYM(DeleteSecurityContext)(&sx);
	SYM(FreeCredentialsHandle)(&cc);
	SYM(FreeCredentialsHandle)(&sc);
	return 0;
}

static void *worker(void *arg)
{
	(void)arg;
	result = run_once();
	pthread_mutex_lock(&mu);
	sealed = 1;
	pthread_cond_signal(&cv);
	while (!may_exit)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL; /* thread-specific destructors run now */
}

int main(int argc, char **argv)
{
	struct realm r;
	pthread_t t;
	pid_t pid;
	int st;

	if (argc != 2)
		return 2;
	if (realm_start(&r) != 0)
		return 77;
	pid = fork();
	if (pid == 0) {
		/* Heimdal's libgssapi has thread-specific data with a destructor
		 * of its own (the same crash, not this library's doing): keep
		 * the dependencies loaded so that only libsspi-gss goes. */
		{
			static const char *deps[] = {"libgssapi.so.3", "libkrb5.so.26",
						     "libcrypto.so.3", "libunistring.so.2",
						     "libwbclient.so.0"};

			for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
				if (dlopen(deps[i], RTLD_NOW | RTLD_NODELETE) == NULL)
					fprintf(stderr, "%s\n", dlerror());
		}
		lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		if (lib == NULL) {
			fprintf(stderr, "%s\n", dlerror());
			_exit(3);
		}
		{
			Dl_info di;
			struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};

			dladdr(dlsym(lib, "EncryptMessage"), &di);
			lib_base = (uintptr_t)di.dli_fbase;
			sigaction(SIGSEGV, &sa, NULL);
		}
		pthread_create(&t, NULL, worker, NULL);
		pthread_mutex_lock(&mu);
		while (!sealed)
			pthread_cond_wait(&cv, &mu);
		pthread_mutex_unlock(&mu);
		if (result != 0)
			_exit(4);
		dlclose(lib);
		/* Is it really gone? */
		fprintf(stderr, "after dlclose: %s\n",
			dlopen(argv[1], RTLD_NOW | RTLD_NOLOAD) ? "still loaded" : "unloaded");
		pthread_mutex_lock(&mu);
		may_exit = 1;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
		pthread_join(t, NULL);
		fprintf(stderr, "worker ended cleanly\n");
		_exit(0);
	}
	waitpid(pid, &st, 0);
	realm_stop(&r);
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "FAIL: child killed by signal %d (%s)\n", WTERMSIG(st),
			strsignal(WTERMSIG(st)));
		return 1;
	}
	fprintf(stderr, "child exit %d\n", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}
