/*
 * kerberos_util.h - what the Kerberos suites share: a status assertion that
 * prints names, credentials from the throwaway realm, and the
 * ISC/ASC loop.
 */
#ifndef SG_TEST_KERBEROS_UTIL_H
#define SG_TEST_KERBEROS_UTIL_H

#include <sspi-gss.h>

#include "check_main.h"
#include "realm.h"

#define ck_status(expr, want)                                                              \
	do {                                                                               \
		SECURITY_STATUS got_ = (expr);                                             \
		ck_assert_msg(got_ == (want), "%s: expected %s, got %s (0x%08X)", #expr,  \
			      SspiGssStatusName(want), SspiGssStatusName(got_),            \
			      (unsigned)got_);                                             \
	} while (0)

#define REQ (ISC_REQ_MUTUAL_AUTH | ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | \
	     ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_ALLOCATE_MEMORY)

/* An outbound credential of PACKAGE from a SEC_WINNT_AUTH_IDENTITY_A. */
SECURITY_STATUS acquire_identity(const char *package, const char *user, const char *domain,
				 const char *pw, CredHandle *cred);
SECURITY_STATUS acquire_password(const char *user, const char *domain, const char *pw,
				 CredHandle *cred);
void acquire_server(CredHandle *cred);
/* A logon with a password as Windows makes it: AcquireCredentialsHandle
 * keeps the password, the first InitializeSecurityContext (REQ, to TARGET)
 * asks the KDC. The first failing status of the two, else SEC_E_OK; the
 * context and the credential are freed. */
SECURITY_STATUS logon_first_leg(const char *package, const char *user, const char *domain,
			  const char *pw, const char *target);

/* Opens of files in DIR, counted with inotify: a watch, then the opens of
 * the file NAME since the last count. */
int opens_watch_start(const char *dir);
int opens_watch_count(int fd, const char *name);

/* A principal NAME (password NAME-Pass-1, kadmin's OPTIONS) added to the
 * realm's own database; never the system's: the realm's krb5.conf must
 * exist, or kadmin -l would open the default database. */
void realm_add_principal(const struct realm *r, const char *name, const char *options);

/* A SEC_CHANNEL_BINDINGS with only application data (what TLS channel
 * binding uses), laid out as Windows does: the struct, then the data. */
struct cb_storage {
	SEC_CHANNEL_BINDINGS h;
	char data[32];
};
SecBuffer make_cb(struct cb_storage *st, const char *app);

/* One ISC/ASC loop. Channel bindings (a SECBUFFER_CHANNEL_BINDINGS buffer)
 * go to either side when given. *failed_side gets 'c' or 's' on failure. */
struct loop {
	const char *target;
	ULONG isc_req, asc_req;
	SecBuffer *client_cb, *server_cb;
	int legs; /* out: tokens exchanged */
	char failed_side;
};
SECURITY_STATUS handshake_loop(struct loop *o, CredHandle *ccred, CredHandle *scred,
			       CtxtHandle *cctx, CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs);
/* The plain Kerberos exchange: REQ, mutual auth, ISC -> ASC -> ISC. */
SECURITY_STATUS handshake(CredHandle *ccred, CredHandle *scred, const char *target,
			  CtxtHandle *cctx, CtxtHandle *sctx, ULONG *cattrs, ULONG *sattrs);

struct pair {
	CredHandle ccred, scred;
	CtxtHandle cctx, sctx;
	ULONG cattrs, sattrs;
};
void pair_up(struct pair *p);
void pair_down(struct pair *p);

/* EncryptMessage on one side, DecryptMessage on the other, checked. */
void seal_and_open(CtxtHandle *from, CtxtHandle *to, ULONG qop);

/* Starts the realm, runs the suite in this process (tests may stop and
 * restart the KDC), stops the realm; the exit status for main. */
int run_with_realm(struct realm *r, Suite *s);
/* The same, with NTLM_USER_FILE naming a temporary user file that holds
 * alice (any domain), removed afterwards. */
int run_with_realm_and_alice(struct realm *r, Suite *s);

#endif
