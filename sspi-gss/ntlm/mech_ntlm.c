/*
 * mech_ntlm.c - the NTLM package: our MS-NLMP engine (sspi-gss/ntlm/)
 * behind the package interface.
 *
 * Initiator: NEGOTIATE -> CHALLENGE -> AUTHENTICATE, NTLMv2 only, with
 * extended session security, 128-bit keys, key exchange, the MIC, channel
 * bindings and the target SPN. Acceptor: answers with a CHALLENGE carrying
 * a timestamp and checks the AUTHENTICATE message against the user
 * database file (NTLM_USER_FILE). Messages use the Windows NTLM layout:
 * [TOKEN (16-byte signature), DATA...]. docs/ntlm.md has the details.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sspi-gss.h>

#include "domain.h"
#include "mech.h"
#include "ntlm.h"
#include "status.h"
#include "strings.h"

/* What we offer and require: Unicode names, NTLMv2 session security,
 * 128-bit keys and key exchange. SIGN is offered when integrity, replay or
 * sequence detection is asked for, SEAL with confidentiality, as Windows
 * does (Wine's ntlm.c tests, run on Windows); without SIGN, ALWAYS_SIGN
 * makes MakeSignature give Windows' dummy signature. */
#define CLIENT_FLAGS                                                                     \
	(NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_OEM | NTLMSSP_REQUEST_TARGET |       \
	 NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |                           \
	 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_VERSION |           \
	 NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_KEY_EXCH)
/* Required of the peer: 128-bit keys, and extended session security
 * whenever signing or sealing is to be used. Names travel in Unicode when
 * the peer offers it and in OEM when it offers only that (MS-NLMP 2.2.2.5,
 * flags A and B; a server answers an OEM-only client in OEM, 3.2.5.1.1, as
 * Windows and Samba do); a peer that offers neither is refused. A peer without it
 * is let in when no session security is asked for, as Windows lets it in
 * (Wine's ntlm.c tests, run on Windows): its signatures are then the dummy
 * ones. NTLMv1-style session security (CRC32 checksums, one RC4 stream
 * for both directions) is not implemented, so signing or sealing without
 * it is refused. */
#define REQUIRED_FLAGS NTLMSSP_NEGOTIATE_128
/* The client flags a server takes over into its CHALLENGE. */
#define ECHOED_FLAGS                                                                     \
	(NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |     \
	 NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |                           \
	 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_IDENTIFY |          \
	 NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 |         \
	 NTLMSSP_NEGOTIATE_KEY_EXCH)

/* The AUTHENTICATE timestamp may differ from our clock by this much. The
 * fresh server challenge already stops replays; the window only bounds how
 * long a response computed ahead of time stays usable. */
#define MAX_SKEW (36 * 3600)

/* The version field we send: product 10.0, build 19041, NTLM revision 15. */
static const uint8_t our_version[8] = {10, 0, 0x61, 0x4a, 0, 0, 0, 15};

/* An acceptor's extended protection settings (SetCredentialsAttributes
 * with SSPI_GSS_CRED_ATTR_EXTENDED_PROTECTION); names is NULL-terminated. */
struct epa_settings {
	struct ntlm_epa epa;
	char **names;
};

struct ntlm_cred {
	int outbound;
	char *user, *domain;
	uint8_t nt_hash[16];
	char *user_file; /* inbound: the database, fixed at acquire time */
	char *kdc_ccache; /* inbound, no user file: the KDC backend's tickets */
	int winbind;      /* inbound: the domain checks logons (winbind) */
	/* outbound: a user was named without a password and none was found;
	 * AcquireCredentialsHandle succeeded as on Windows, the first
	 * InitializeSecurityContext fails with this reason. */
	char *no_password;
	/* Set at any time (SetCredentialsAttributes), read as each context
	 * starts: under epa_lock, a read lock for those, so a server's
	 * threads accepting on one credential do not wait for each other. */
	pthread_rwlock_t epa_lock;
	struct epa_settings epa;
};

/* LEG_FAILED: the second leg failed; the context stays until deleted, but
 * takes no further token, so one challenge cannot be answered twice. */
enum { LEG_FIRST, LEG_SECOND, LEG_DONE, LEG_FAILED };

struct ntlm_state {
	int leg;
	uint32_t flags;
	uint8_t *negotiate, *challenge;
	size_t negotiate_len, challenge_len;
	uint8_t server_challenge[8];
	char *user, *domain; /* the authenticated (acceptor) or our own (initiator) */
	uint8_t nt_hash[16]; /* initiator, until the AUTHENTICATE is built */
	char *user_file;     /* acceptor */
	struct ntlm_kdc *kdc; /* acceptor with the KDC backend */
	char *kdc_domain;     /* ...and the domain its CHALLENGE named */
	int winbind;          /* acceptor with the winbind backend */
	struct sg_logon *logon; /* acceptor: the domain's answer (winbind) */
	int no_session;      /* authenticated without a session key (KDC) */
	int client_mic;      /* acceptor: the AUTHENTICATE carried a MIC */
	/* Initiator under Negotiate, completed before the acceptor's
	 * mechListMIC: the receive direction that MIC is checked with. */
	struct ntlm_direction *deferred_recv;
	char *server;        /* initiator: the target; acceptor: our host name */
	/* The client's workstation name: ours as sent (initiator; the caller
	 * may set it before the AUTHENTICATE), or the client's as received. */
	char *workstation;
	uint32_t required;   /* initiator: NEGOTIATE flags the caller's request needs */
	struct epa_settings epa; /* acceptor: the credential's, copied */
	uint8_t exported[16];
	struct ntlm_session session;
};

static void epa_clear(struct epa_settings *e)
{
	if (e->names != NULL)
		for (char **p = e->names; *p != NULL; p++)
			free(*p);
	free(e->names);
	memset(e, 0, sizeof(*e));
	e->epa.level = NTLM_EPA_WHEN_SUPPORTED;
}

/* Copies level, flag and names (NULL-terminated, may be NULL). */
static SECURITY_STATUS epa_copy(struct epa_settings *to, const struct ntlm_epa *from,
				const char *const *names)
{
	size_t n = 0;

	epa_clear(to);
	to->epa = *from;
	to->epa.names = NULL;
	if (names == NULL)
		return SEC_E_OK;
	while (names[n] != NULL)
		n++;
	to->names = calloc(n + 1, sizeof(*to->names));
	if (to->names == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	for (size_t i = 0; i < n; i++)
		if ((to->names[i] = strdup(names[i])) == NULL) {
			epa_clear(to);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
	to->epa.names = (const char *const *)to->names;
	return SEC_E_OK;
}

static char *host_name(int netbios)
{
	char buf[256];

	if (gethostname(buf, sizeof(buf)) != 0)
		strcpy(buf, "localhost");
	buf[sizeof(buf) - 1] = '\0';
	if (netbios) {
		/* NetBIOS names: the first label, upper case, at most 15. */
		char *dot = strchr(buf, '.');

		if (dot != NULL)
			*dot = '\0';
		buf[15] = '\0';
		for (char *p = buf; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
	}
	return strdup(buf);
}

static void cred_free(struct ntlm_cred *c)
{
	if (c == NULL)
		return;
	free(c->user);
	free(c->domain);
	free(c->user_file);
	free(c->kdc_ccache);
	free(c->no_password);
	epa_clear(&c->epa);
	pthread_rwlock_destroy(&c->epa_lock);
	sg_wipe(c, sizeof(*c));
	free(c);
}

/*
 * An initiator's password, when the caller gave none, comes from the
 * client's own credentials file: the credential's (SSPI_GSS_NTLM_DATABASE)
 * or SSPI_GSS_NTLM_CLIENT_FILE, never the acceptor's NTLM_USER_FILE, so a
 * process that is both server and client does not log on outbound as one
 * of its users. With no identity at all the file's first entry is the
 * default identity, as a ticket cache's principal is Kerberos' (Windows:
 * the logged-on user).
 */
static const char *client_file(const struct sg_identity *id)
{
	if (id != NULL && id->ntlm_user_file != NULL)
		return id->ntlm_user_file;
	return secure_getenv("SSPI_GSS_NTLM_CLIENT_FILE");
}

static SECURITY_STATUS client_file_entry(struct ntlm_cred *c, const struct sg_identity *id,
					 int by_name)
{
	const char *file = client_file(id);
	struct ntlm_user entry;
	const char *why;
	int r;

	r = ntlm_users_lookup(file, c->domain, by_name ? c->user : NULL, NTLM_DOMAIN_ANY, &entry,
			      &why);
	if (r != 0) {
		const char *what = by_name ? "no password given" : "no identity given";

		if (file == NULL)
			sg_last_error_set(SEC_E_NO_CREDENTIALS,
					  "NTLM: %s and SSPI_GSS_NTLM_CLIENT_FILE is not set", what);
		else if (r < 0)
			sg_last_error_set(SEC_E_NO_CREDENTIALS,
					  "NTLM: %s and the client credentials file %s cannot be "
					  "used: %s", what, file, why);
		else
			sg_last_error_set(SEC_E_NO_CREDENTIALS,
					  "NTLM: %s and no entry for the user in the client "
					  "credentials file %s", what, file);
		return SEC_E_NO_CREDENTIALS;
	}
	if (id != NULL && id->password != NULL) {
		/* No user but a password: the default user (the file's
		 * first entry, Windows' logged-on user) with the password
		 * given, in the domain given if there is one. */
		if (ntlm_nt_hash(id->password, c->nt_hash) != 0) {
			ntlm_user_clear(&entry);
			return SEC_E_INVALID_PARAMETER;
		}
	} else {
		memcpy(c->nt_hash, entry.nt_hash, 16);
	}
	if (!by_name) {
		if (id != NULL && id->domain != NULL && id->domain[0] != '\0') {
			c->domain = strdup(id->domain);
			free(entry.domain);
		} else {
			c->domain = entry.domain;
		}
		c->user = entry.user;
		entry.domain = entry.user = NULL;
		if (c->domain == NULL) {
			ntlm_user_clear(&entry);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
	}
	ntlm_user_clear(&entry);
	return SEC_E_OK;
}

/* An initiator's own identity, from the caller's identity or the client's file. */
static SECURITY_STATUS outbound_identity(struct ntlm_cred *c, const struct sg_identity *id)
{
	if (id != NULL && id->user != NULL && id->user[0] != '\0') {
		const char *slash = strchr(id->user, '\\');

		if ((id->domain == NULL || id->domain[0] == '\0') && slash != NULL) {
			/* "DOMAIN\user" */
			c->domain = strndup(id->user, (size_t)(slash - id->user));
			c->user = strdup(slash + 1);
		} else {
			/* "user@domain" stays whole with an empty domain: Windows
			 * sends a UPN that way, and NTOWFv2 hashes it so. */
			c->user = strdup(id->user);
			c->domain = strdup(id->domain != NULL ? id->domain : "");
		}
		if (c->user == NULL || c->domain == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		if (id->password != NULL)
			return ntlm_nt_hash(id->password, c->nt_hash) == 0 ? SEC_E_OK
									 : SEC_E_INVALID_PARAMETER;
		/* A user and no password: Windows' AcquireCredentialsHandle
		 * succeeds (Wine's ntlm.c tests, run on Windows) and the
		 * logon fails later when no password can be found. */
		if (client_file_entry(c, id, 1) != SEC_E_OK) {
			c->no_password = strdup(SspiGssGetLastErrorText());
			return c->no_password != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
		}
		return SEC_E_OK;
	}
	return client_file_entry(c, id, 0);
}

static SECURITY_STATUS ntlm_acquire(struct sg_cred *cred, const char *principal,
				    const struct sg_identity *id)
{
	struct ntlm_cred *c = calloc(1, sizeof(*c));
	SECURITY_STATUS s = SEC_E_OK;

	(void)principal; /* NTLM credentials are named by the identity alone */
	if (c == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	pthread_rwlock_init(&c->epa_lock, NULL);
	if (cred->use & SECPKG_CRED_OUTBOUND) {
		c->outbound = 1;
		s = outbound_identity(c, id);
	}
	if (s == SEC_E_OK && (cred->use & SECPKG_CRED_INBOUND)) {
		/* The user file; else the KDC's digest service, reached with
		 * the service's tickets (Heimdal's variable name). The
		 * credential's own (SSPI_GSS_NTLM_DATABASE) before the
		 * environment's. */
		const char *file = secure_getenv("NTLM_USER_FILE");
		const char *kdc = secure_getenv("NTLM_ACCEPTOR_CCACHE");
		const char *backend = secure_getenv("SSPI_GSS_NTLM_BACKEND");
		int winbind = backend != NULL && strcmp(backend, "winbind") == 0;

		if (id != NULL && (id->ntlm_user_file != NULL || id->ntlm_kdc_ccache != NULL ||
				   id->ntlm_winbind)) {
			file = id->ntlm_user_file;
			kdc = id->ntlm_kdc_ccache;
			winbind = id->ntlm_winbind;
		}

		if (winbind) {
			c->winbind = 1;
		} else if (file != NULL && file[0] != '\0') {
			if ((c->user_file = strdup(file)) == NULL)
				s = SEC_E_INSUFFICIENT_MEMORY;
		} else if (kdc != NULL && kdc[0] != '\0') {
			if ((c->kdc_ccache = strdup(kdc)) == NULL)
				s = SEC_E_INSUFFICIENT_MEMORY;
		} else {
			/* Nothing configured: a machine in a domain checks logons
			 * with its domain, as a Windows member server does. */
			char *nb = NULL, *dns = NULL;
			const char *why = NULL;

			if (sg_domain_own(&nb, &dns, &why) == SEC_E_OK) {
				c->winbind = 1;
			} else {
				sg_last_error_set(SEC_E_NO_CREDENTIALS,
						  "NTLM: no user database for the acceptor; set "
						  "NTLM_USER_FILE (or NTLM_ACCEPTOR_CCACHE for the KDC, or "
						  "SSPI_GSS_NTLM_BACKEND=winbind for the domain)");
				s = SEC_E_NO_CREDENTIALS;
			}
			free(nb);
			free(dns);
		}
	}
	epa_clear(&c->epa);
	if (s != SEC_E_OK) {
		cred_free(c);
		return s;
	}
	cred->mech = c;
	cred->expiry = sg_timestamp_never();
	return SEC_E_OK;
}

static SECURITY_STATUS ntlm_set_epa(struct sg_cred *cred, const struct sg_epa *epa)
{
	struct ntlm_cred *c = cred->mech;
	struct ntlm_epa e = {epa->level == SG_EPA_OFF		    ? NTLM_EPA_OFF
			     : epa->level == SG_EPA_WHEN_SUPPORTED ? NTLM_EPA_WHEN_SUPPORTED
								    : NTLM_EPA_REQUIRED,
			     epa->check_target, NULL, epa->require_mic};
	struct epa_settings fresh = {0};
	SECURITY_STATUS s = epa_copy(&fresh, &e, epa->names);

	if (s != SEC_E_OK)
		return s;
	pthread_rwlock_wrlock(&c->epa_lock);
	epa_clear(&c->epa);
	c->epa = fresh;
	pthread_rwlock_unlock(&c->epa_lock);
	return SEC_E_OK;
}

static void ntlm_release_cred(struct sg_cred *cred)
{
	cred_free(cred->mech);
	cred->mech = NULL;
}

static void state_free(struct ntlm_state *n)
{
	if (n == NULL)
		return;
	free(n->negotiate);
	free(n->challenge);
	free(n->user);
	free(n->domain);
	free(n->user_file);
	free(n->server);
	free(n->kdc_domain);
	free(n->workstation);
	sg_logon_free(n->logon);
	epa_clear(&n->epa);
	ntlm_kdc_free(n->kdc);
	ntlm_session_wipe(&n->session);
	if (n->deferred_recv != NULL) {
		sg_wipe(n->deferred_recv, sizeof(*n->deferred_recv));
		free(n->deferred_recv);
	}
	sg_wipe(n, sizeof(*n));
	free(n);
}

static void ntlm_release_ctx(struct sg_ctx *ctx)
{
	state_free(ctx->mech);
	ctx->mech = NULL;
}

/* Names in the CHALLENGE and AUTHENTICATE: UTF-16LE, or OEM (ASCII) when
 * Unicode was not negotiated. */
static int unicode_names(uint32_t flags)
{
	return (flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
}

static OM_uint32 gss_flags_of(uint32_t flags)
{
	OM_uint32 f = 0;

	if (flags & NTLMSSP_NEGOTIATE_SIGN)
		f |= GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
	if (flags & NTLMSSP_NEGOTIATE_SEAL)
		f |= GSS_C_CONF_FLAG;
	if (flags & NTLMSSP_NEGOTIATE_IDENTIFY)
		f |= GSS_C_IDENTIFY_FLAG;
	return f;
}

/* session: signing or sealing is to be used on the context. */
static SECURITY_STATUS missing_flags(uint32_t flags, const char *who, int session)
{
	uint32_t missing = (REQUIRED_FLAGS | (session ? NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
						       : 0)) &
			   ~flags;

	if (!(flags & (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_OEM))) {
		sg_last_error_set(SEC_E_INVALID_TOKEN,
				  "NTLM: the %s offers neither Unicode nor OEM names", who);
		return SEC_E_INVALID_TOKEN;
	}
	if (missing == 0)
		return SEC_E_OK;
	sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "NTLM: the %s does not offer %s", who,
			  (missing & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)
				  ? "NTLMv2 (extended) session security, which signing and sealing "
				    "need here"
				  : "128-bit keys");
	return SEC_E_UNSUPPORTED_FUNCTION;
}

static SECURITY_STATUS copy_out(const uint8_t *msg, size_t len, gss_buffer_t out)
{
	out->value = malloc(len);
	if (out->value == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(out->value, msg, len);
	out->length = len;
	return SEC_E_OK;
}

static SECURITY_STATUS client_first(struct sg_ctx *ctx, struct sg_cred *cred,
				    const char *target, OM_uint32 req_flags, gss_buffer_t out)
{
	struct ntlm_cred *c = cred != NULL ? cred->mech : NULL;
	struct ntlm_state *n;
	SECURITY_STATUS s;

	if (c == NULL || !c->outbound)
		return SEC_E_NO_CREDENTIALS;
	if (c->no_password != NULL) {
		sg_last_error_set(SEC_E_NO_CREDENTIALS, "%s", c->no_password);
		return SEC_E_NO_CREDENTIALS;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	n->flags = CLIENT_FLAGS;
	if (req_flags & GSS_C_CONF_FLAG)
		n->flags |= NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN;
	if (req_flags & (GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG))
		n->flags |= NTLMSSP_NEGOTIATE_SIGN;
	/* What the caller asked for must be granted, or the context fails:
	 * a server (or a man in the middle) must not turn sealing off
	 * unseen. */
	n->required = n->flags & (NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_SIGN);
	if (req_flags & GSS_C_IDENTIFY_FLAG)
		n->flags |= NTLMSSP_NEGOTIATE_IDENTIFY;
	n->user = strdup(c->user);
	n->domain = strdup(c->domain);
	/* No target (allowed, as on Windows): no MsvAvTargetName is sent. */
	n->server = target != NULL ? strdup(target) : NULL;
	memcpy(n->nt_hash, c->nt_hash, 16);
	n->negotiate = ntlm_encode_negotiate(n->flags, our_version, &n->negotiate_len);
	if (n->user == NULL || n->domain == NULL || (target != NULL && n->server == NULL) ||
	    n->negotiate == NULL) {
		state_free(n);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	s = copy_out(n->negotiate, n->negotiate_len, out);
	if (s != SEC_E_OK) {
		state_free(n);
		return s;
	}
	n->leg = LEG_SECOND;
	ctx->mech = n;
	return SEC_I_CONTINUE_NEEDED;
}

static SECURITY_STATUS client_second(struct ntlm_state *n, gss_buffer_t in,
				     gss_channel_bindings_t cb, gss_buffer_t out)
{
	struct ntlm_challenge ch;
	struct ntlm_client_input ci;
	uint8_t cc[8], key[16], cb_hash[16];
	char *ws;
	uint8_t *msg;
	size_t len;
	SECURITY_STATUS s;

	if (ntlm_decode_challenge(in->value, in->length, &ch) != 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "NTLM: the server's token is no CHALLENGE");
		return SEC_E_INVALID_TOKEN;
	}
	s = missing_flags(ch.flags, "server", n->required != 0);
	if (s != SEC_E_OK)
		return s;
	if (n->required & ~ch.flags) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION, "NTLM: the server does not grant %s",
				  (n->required & ~ch.flags & NTLMSSP_NEGOTIATE_SEAL)
					  ? "confidentiality (sealing), which was asked for"
					  : "integrity (signing), which was asked for");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	n->flags &= ch.flags;
	n->challenge = malloc(in->length);
	ws = n->workstation != NULL ? strdup(n->workstation) : host_name(1);
	if (n->challenge == NULL || ws == NULL) {
		free(ws);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	memcpy(n->challenge, in->value, in->length);
	n->challenge_len = in->length;
	if (ntlm_random(cc, sizeof(cc)) != 0 || ntlm_random(key, sizeof(key)) != 0) {
		free(ws);
		return SEC_E_INTERNAL_ERROR;
	}
	ntlm_channel_bindings_hash(cb, cb_hash);
	memset(&ci, 0, sizeof(ci));
	ci.flags = n->flags;
	ci.user = n->user;
	ci.domain = n->domain;
	ci.workstation = ws;
	ci.nt_hash = n->nt_hash;
	ci.negotiate = (struct ntlm_bytes){n->negotiate, n->negotiate_len};
	ci.challenge = (struct ntlm_bytes){n->challenge, n->challenge_len};
	ci.client_challenge = cc;
	ci.random_key = key;
	ci.now = (long long)time(NULL);
	/* Windows always sends MsvAvChannelBindings, zeros for none. */
	ci.cb_hash = cb_hash;
	ci.spn = n->server;
	ci.version = our_version;
	s = ntlm_client_authenticate(&ci, &msg, &len, n->exported);
	free(n->workstation);
	n->workstation = ws;
	sg_wipe(key, sizeof(key));
	sg_wipe(n->nt_hash, sizeof(n->nt_hash));
	if (s != SEC_E_OK)
		return s;
	out->value = msg;
	out->length = len;
	ntlm_session_init(&n->session, n->flags, n->exported, 1);
	n->leg = LEG_DONE;
	return SEC_E_OK;
}

static SECURITY_STATUS ntlm_init(struct sg_ctx *ctx, struct sg_cred *cred, const char *target,
				 OM_uint32 req_flags, gss_buffer_t in, gss_channel_bindings_t cb,
				 gss_buffer_t out, OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	struct ntlm_state *n = ctx->mech;
	SECURITY_STATUS s;

	*lifetime = GSS_C_INDEFINITE;
	if (n == NULL) {
		s = client_first(ctx, cred, target, req_flags, out);
		n = ctx->mech;
	} else if (n->leg == LEG_SECOND) {
		s = client_second(n, in, cb, out);
		if (s != SEC_E_OK)
			n->leg = LEG_FAILED;
	} else {
		return SEC_E_OUT_OF_SEQUENCE;
	}
	if (n != NULL)
		*gss_flags = gss_flags_of(n->flags);
	return s;
}

/* The CHALLENGE's target info: who we are (nb: our NetBIOS name), our
 * domain and the time. A stand-alone server is its own domain (domain_nb
 * and domain_dns NULL); a member server names its domain. */
static uint8_t *server_target_info(const char *nb, const char *domain_nb, const char *domain_dns,
				   size_t *len)
{
	char *dns = host_name(0);
	const char *dot = dns != NULL ? strchr(dns, '.') : NULL;
	const char *names[4];
	const uint16_t ids[4] = {MSV_AV_NB_DOMAIN_NAME, MSV_AV_NB_COMPUTER_NAME,
				 MSV_AV_DNS_DOMAIN_NAME, MSV_AV_DNS_COMPUTER_NAME};
	uint8_t *wire[4] = {NULL}, *list = NULL, *p, stamp[8];
	size_t wlen[4] = {0}, total = 4 + 12;
	uint64_t t = ntlm_filetime((long long)time(NULL));

	if (dns == NULL)
		goto out;
	names[0] = domain_nb != NULL ? domain_nb : nb;
	names[1] = nb;
	names[2] = domain_dns != NULL ? domain_dns : dot != NULL ? dot + 1 : dns;
	names[3] = dns;
	for (int i = 0; i < 4; i++) {
		if (ntlm_string_to_wire(names[i], 1, &wire[i], &wlen[i]) != 0 || wlen[i] > 0xFFFF)
			goto out;
		total += 4 + wlen[i];
	}
	list = malloc(total);
	if (list == NULL)
		goto out;
	p = list;
	for (int i = 0; i < 4; i++)
		p = ntlm_av_put(p, ids[i], wire[i], wlen[i]);
	ntlm_put_le64(stamp, t);
	p = ntlm_av_put(p, MSV_AV_TIMESTAMP, stamp, sizeof(stamp));
	ntlm_av_put(p, MSV_AV_EOL, NULL, 0);
	*len = total;
out:
	for (int i = 0; i < 4; i++)
		free(wire[i]);
	free(dns);
	return list;
}

/* The KDC backend's CHALLENGE contents: its challenge, its target info and
 * name, and its flags less session security, which it cannot give us a key
 * for (ntlm/kdc.c). */
static SECURITY_STATUS kdc_challenge(struct ntlm_state *n, const char *ccache, uint32_t client_flags,
				     uint8_t **ti, size_t *ti_len, uint8_t **name, size_t *name_len)
{
	struct ntlm_kdc_challenge ch;
	SECURITY_STATUS s = ntlm_kdc_begin(ccache, client_flags, n->server, &n->kdc, &ch);

	if (s != SEC_E_OK)
		return s;
	memcpy(n->server_challenge, ch.challenge, 8);
	n->flags = (ch.flags | NTLMSSP_NEGOTIATE_TARGET_INFO) &
		   ~(NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_KEY_EXCH |
		     NTLMSSP_NEGOTIATE_ALWAYS_SIGN);
	*ti = ch.target_info;
	*ti_len = ch.target_info_len;
	ch.target_info = NULL;
	if (ntlm_string_to_wire(ch.target_name ? ch.target_name : "", unicode_names(n->flags), name,
				name_len) != 0 ||
	    (n->kdc_domain = strdup(ch.target_name ? ch.target_name : "")) == NULL)
		s = SEC_E_INSUFFICIENT_MEMORY;
	ntlm_kdc_challenge_clear(&ch);
	return s;
}

/* The winbind backend's CHALLENGE contents: our own challenge, as a member
 * server of the domain winbind serves (its names in the target info and as
 * the target name, TARGET_TYPE_DOMAIN), asked of winbind as each context
 * starts so a rejoined or renamed domain is seen. */
static SECURITY_STATUS winbind_challenge(struct ntlm_state *n, uint8_t **ti, size_t *ti_len,
					 uint8_t **name, size_t *name_len)
{
	char *nb = NULL, *dns = NULL;
	const char *why = "";
	SECURITY_STATUS s = sg_domain_own(&nb, &dns, &why);

	if (s == SEC_E_NO_AUTHENTICATING_AUTHORITY)
		sg_last_error_set(s, "NTLM: winbind does not answer: %s", why);
	if (s != SEC_E_OK)
		return s;
	n->winbind = 1;
	n->flags = (n->flags & ~NTLMSSP_TARGET_TYPE_SERVER) | NTLMSSP_TARGET_TYPE_DOMAIN;
	*ti = server_target_info(n->server, nb, dns[0] != '\0' ? dns : NULL, ti_len);
	if (*ti == NULL || ntlm_string_to_wire(nb, unicode_names(n->flags), name, name_len) != 0)
		s = SEC_E_INSUFFICIENT_MEMORY;
	else if (ntlm_random(n->server_challenge, 8) != 0)
		s = SEC_E_INTERNAL_ERROR;
	free(nb);
	free(dns);
	return s;
}

static SECURITY_STATUS server_first(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				    gss_buffer_t out)
{
	struct ntlm_cred *c = cred != NULL ? cred->mech : NULL;
	struct ntlm_negotiate neg;
	struct ntlm_challenge ch;
	struct ntlm_state *n;
	uint8_t *ti = NULL, *name = NULL;
	size_t ti_len = 0, name_len = 0;
	SECURITY_STATUS s;

	if (c == NULL || (c->user_file == NULL && c->kdc_ccache == NULL && !c->winbind))
		return SEC_E_NO_CREDENTIALS;
	if (ntlm_decode_negotiate(in->value, in->length, &neg) != 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "NTLM: the client's token is no NEGOTIATE");
		return SEC_E_INVALID_TOKEN;
	}
	s = missing_flags(neg.flags, "client",
			  (neg.flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL)) != 0);
	if (s != SEC_E_OK)
		return s;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	n->flags = (neg.flags & ECHOED_FLAGS) | NTLMSSP_NEGOTIATE_NTLM |
		   NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_TARGET_TYPE_SERVER;
	if (!(neg.flags & NTLMSSP_NEGOTIATE_UNICODE))
		n->flags |= NTLMSSP_NEGOTIATE_OEM;
	n->server = host_name(1);
	n->negotiate = malloc(in->length);
	if (n->server == NULL || n->negotiate == NULL) {
		s = SEC_E_INSUFFICIENT_MEMORY;
		goto fail;
	}
	memcpy(n->negotiate, in->value, in->length);
	n->negotiate_len = in->length;
	pthread_rwlock_rdlock(&c->epa_lock);
	s = epa_copy(&n->epa, &c->epa.epa, c->epa.epa.names);
	pthread_rwlock_unlock(&c->epa_lock);
	if (s != SEC_E_OK)
		goto fail;
	if (c->kdc_ccache != NULL) {
		s = kdc_challenge(n, c->kdc_ccache, neg.flags, &ti, &ti_len, &name, &name_len);
		if (s != SEC_E_OK)
			goto fail;
	} else if (c->winbind) {
		s = winbind_challenge(n, &ti, &ti_len, &name, &name_len);
		if (s != SEC_E_OK)
			goto fail;
	} else {
		n->user_file = strdup(c->user_file);
		ti = server_target_info(n->server, NULL, NULL, &ti_len);
		if (n->user_file == NULL || ti == NULL ||
		    ntlm_string_to_wire(n->server, unicode_names(n->flags), &name, &name_len) != 0) {
			s = SEC_E_INSUFFICIENT_MEMORY;
			goto fail;
		}
		if (ntlm_random(n->server_challenge, 8) != 0) {
			s = SEC_E_INTERNAL_ERROR;
			goto fail;
		}
	}
	memset(&ch, 0, sizeof(ch));
	ch.flags = n->flags;
	ch.target_name = (struct ntlm_bytes){name, name_len};
	memcpy(ch.server_challenge, n->server_challenge, 8);
	ch.target_info = (struct ntlm_bytes){ti, ti_len};
	ch.version = (n->flags & NTLMSSP_NEGOTIATE_VERSION) ? our_version : NULL;
	n->challenge = ntlm_encode_challenge(&ch, &n->challenge_len);
	if (n->challenge == NULL) {
		s = SEC_E_INSUFFICIENT_MEMORY;
		goto fail;
	}
	s = copy_out(n->challenge, n->challenge_len, out);
	if (s != SEC_E_OK)
		goto fail;
	free(ti);
	free(name);
	n->leg = LEG_SECOND;
	ctx->mech = n;
	return SEC_I_CONTINUE_NEEDED;
fail:
	free(ti);
	free(name);
	state_free(n);
	return s;
}

/* The user database backend's argument: the file, and the domain of this
 * server, which a client's empty domain stands for. */
struct file_backend {
	const char *path;
	const char *server_domain;
};

/* A response no entry could match is still checked, against a hash no
 * password has, so an unknown user costs what a wrong password does. */
static const uint8_t no_user_hash[16] = {0};

/*
 * The user database backend (ntlm_validate_fn). The client's domain picks
 * the entry: the entry of that very domain first, else a domain-less entry
 * (a local account); an empty domain is this server's own (the NetBIOS
 * domain of our target info), a UPN user@domain with no domain is that
 * domain. Who was authenticated is the entry's spelling of its names, a
 * domain-less entry being of this server's domain, never the client's
 * claim. Unknown user and wrong password look alike to the peer and in
 * the last error, and cost the same.
 */
static SECURITY_STATUS file_validate(void *arg, const char *user, const char *domain,
				     const uint8_t server_challenge[8],
				     struct ntlm_bytes nt_response, uint8_t base_key[16],
				     char **auth_domain, char **auth_user)
{
	const struct file_backend *fb = arg;
	const char *at = strrchr(user, '@');
	const char *look_domain = domain, *why;
	char *look_user = NULL;
	struct ntlm_user entry;
	SECURITY_STATUS s;
	int r;

	if (domain[0] == '\0') {
		look_domain = fb->server_domain;
		if (at != NULL) {
			/* A UPN, user@domain, with no domain. */
			look_user = strndup(user, (size_t)(at - user));
			if (look_user == NULL)
				return SEC_E_INSUFFICIENT_MEMORY;
			look_domain = at + 1;
		}
	}
	r = ntlm_users_lookup(fb->path, look_domain, look_user ? look_user : user,
			      NTLM_DOMAIN_EXACT, &entry, &why);
	free(look_user);
	if (r < 0) {
		sg_last_error_set(SEC_E_NO_AUTHENTICATING_AUTHORITY,
				  "NTLM: the user file %s cannot be used: %s", fb->path, why);
		return SEC_E_NO_AUTHENTICATING_AUTHORITY;
	}
	/* The response is computed with the names as the client sent them. */
	s = ntlm_check_response(r == 0 ? entry.nt_hash : no_user_hash, user, domain,
				server_challenge, nt_response, base_key);
	if (s == SEC_E_OK && r != 0)
		s = SEC_E_LOGON_DENIED; /* a response made for the all-zero hash */
	if (s == SEC_E_OK) {
		*auth_user = entry.user;
		*auth_domain = entry.domain[0] != '\0' ? entry.domain : strdup(fb->server_domain);
		if (entry.domain[0] == '\0')
			free(entry.domain);
		entry.user = entry.domain = NULL;
		if (*auth_domain == NULL) {
			free(*auth_user);
			*auth_user = NULL;
			s = SEC_E_INSUFFICIENT_MEMORY;
		}
	} else if (s == SEC_E_LOGON_DENIED) {
		sg_wipe(base_key, 16);
		sg_last_error_set(s, "NTLM: unknown user or wrong password for %s%s%s", domain,
				  domain[0] ? "\\" : "", user);
	}
	if (r == 0)
		ntlm_user_clear(&entry);
	return s;
}

/* The winbind backend (ntlm_validate_fn): the domain controller checks
 * the response (NTLMv2 only: ntlm_server_verify refuses v1 before) and
 * answers with the session base key and the client's logon information,
 * kept in logon for the context. */
static SECURITY_STATUS winbind_validate(void *arg, const char *user, const char *domain,
					const uint8_t server_challenge[8],
					struct ntlm_bytes nt_response, uint8_t base_key[16],
					char **auth_domain, char **auth_user)
{
	struct sg_logon **logon = arg;
	SECURITY_STATUS s;

	s = sg_domain_ntlm_logon(user, domain, NULL, server_challenge, nt_response.data,
				 nt_response.len, NULL, 0, base_key, logon);
	if (s != SEC_E_OK)
		return s;
	*auth_user = strdup((*logon)->account);
	*auth_domain = strdup((*logon)->domain);
	if (*auth_user == NULL || *auth_domain == NULL) {
		free(*auth_user);
		free(*auth_domain);
		*auth_user = *auth_domain = NULL;
		sg_wipe(base_key, 16);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	return SEC_E_OK;
}

/* The KDC backend's check of an AUTHENTICATE: NTLMv2 only, and no MIC,
 * which could not be checked without the session key. */
static SECURITY_STATUS kdc_second(struct ntlm_state *n, gss_buffer_t in, const uint8_t *cb_hash)
{
	struct ntlm_authenticate a;
	char *user = NULL, *domain = NULL;
	int unicode;
	SECURITY_STATUS s;

	if (ntlm_decode_authenticate(in->value, in->length, &a) != 0) {
		sg_last_error_set(SEC_E_INVALID_TOKEN, "NTLM: the client's token is no AUTHENTICATE");
		return SEC_E_INVALID_TOKEN;
	}
	if (a.nt.len <= 24) {
		sg_last_error_set(SEC_E_LOGON_DENIED, "NTLM: NTLMv1 responses are refused");
		return SEC_E_LOGON_DENIED;
	}
	unicode = (a.flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	if (ntlm_string_from_wire(a.user, unicode, &user) != 0 ||
	    ntlm_string_from_wire(a.domain, unicode, &domain) != 0) {
		free(user);
		sg_last_error_set(SEC_E_INVALID_TOKEN, "NTLM: the user or domain name is malformed");
		return SEC_E_INVALID_TOKEN;
	}
	if (user[0] == '\0') {
		s = SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "NTLM: anonymous logons are refused");
	} else if (strpbrk(user, "\\@/") != NULL) {
		/* The KDC parses the name as a principal (its escapes and
		 * separators consumed), so the user it checked would not be the
		 * name reported and mapped here: such names are refused. */
		s = SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "NTLM: the KDC backend refuses user names with \\, @ or /");
	} else if (n->kdc_domain == NULL || n->kdc_domain[0] == '\0') {
		/* The KDC named no domain: the client's claim would stand in
		 * for it. */
		s = SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "NTLM: the KDC named no domain in its CHALLENGE");
	} else {
		s = ntlm_kdc_check(n->kdc, user, domain, n->flags, a.lm, a.nt);
	}
	if (s == SEC_E_OK) {
		/* The KDC has found the response authentic, and with it the
		 * AV pairs inside: the bindings and target name can be
		 * trusted and must pass as with the user file. */
		const char *why;

		s = ntlm_check_epa(a.nt, cb_hash, &n->epa.epa, &why);
		if (s != SEC_E_OK)
			sg_last_error_set(s, "NTLM: %s", why);
	}
	if (s != SEC_E_OK) {
		free(user);
		free(domain);
		return s;
	}
	/* The KDC looks the user up in its own realm, whatever domain the
	 * client named: the domain that vouched is the KDC's. */
	if (n->kdc_domain[0] != '\0') {
		char *d = strdup(n->kdc_domain);

		if (d == NULL) {
			free(user);
			free(domain);
			return SEC_E_INSUFFICIENT_MEMORY;
		}
		free(domain);
		domain = d;
	}
	n->user = user;
	n->domain = domain;
	n->no_session = 1;
	n->leg = LEG_DONE;
	return SEC_E_OK;
}

static SECURITY_STATUS server_second(struct sg_ctx *ctx, struct ntlm_state *n, gss_buffer_t in,
				     gss_channel_bindings_t cb)
{
	struct ntlm_server_input si;
	struct ntlm_server_result r;
	struct file_backend fb = {n->user_file, n->server};
	const char *why;
	uint8_t cb_hash[16];
	SECURITY_STATUS s;

	(void)ctx;
	if (cb != GSS_C_NO_CHANNEL_BINDINGS)
		ntlm_channel_bindings_hash(cb, cb_hash);
	if (n->kdc != NULL)
		return kdc_second(n, in, cb != GSS_C_NO_CHANNEL_BINDINGS ? cb_hash : NULL);
	memset(&si, 0, sizeof(si));
	si.flags = n->flags;
	si.negotiate = (struct ntlm_bytes){n->negotiate, n->negotiate_len};
	si.challenge = (struct ntlm_bytes){n->challenge, n->challenge_len};
	si.authenticate = (struct ntlm_bytes){in->value, in->length};
	si.server_challenge = n->server_challenge;
	si.now = (long long)time(NULL);
	si.max_skew = MAX_SKEW;
	si.cb_hash = cb != GSS_C_NO_CHANNEL_BINDINGS ? cb_hash : NULL;
	si.epa = &n->epa.epa;
	if (n->winbind) {
		si.validate = winbind_validate;
		si.validate_arg = &n->logon;
	} else {
		si.validate = file_validate;
		si.validate_arg = &fb;
	}
	s = ntlm_server_verify(&si, &r, &why);
	if (s != SEC_E_OK) {
		if (why != NULL)
			sg_last_error_set(s, "NTLM: %s", why);
		/* The domain vouched, but the message failed later (MIC, bindings). */
		sg_logon_free(n->logon);
		n->logon = NULL;
		return s;
	}
	memcpy(n->exported, r.exported, 16);
	n->client_mic = r.mic;
	n->user = r.auth_user;
	n->domain = r.auth_domain;
	n->workstation = r.workstation;
	r.auth_user = r.auth_domain = r.workstation = NULL;
	ntlm_server_result_clear(&r);
	ntlm_session_init(&n->session, n->flags, n->exported, 0);
	n->leg = LEG_DONE;
	return SEC_E_OK;
}

static SECURITY_STATUS ntlm_accept(struct sg_ctx *ctx, struct sg_cred *cred, gss_buffer_t in,
				   gss_channel_bindings_t cb, gss_buffer_t out,
				   OM_uint32 *gss_flags, OM_uint32 *lifetime)
{
	struct ntlm_state *n = ctx->mech;
	SECURITY_STATUS s;

	*lifetime = GSS_C_INDEFINITE;
	if (n == NULL) {
		s = server_first(ctx, cred, in, out);
		n = ctx->mech;
	} else if (n->leg == LEG_SECOND) {
		s = server_second(ctx, n, in, cb);
		if (s != SEC_E_OK)
			n->leg = LEG_FAILED;
	} else {
		return SEC_E_OUT_OF_SEQUENCE;
	}
	if (n != NULL)
		*gss_flags = gss_flags_of(n->flags);
	return s;
}

/* The domain's answer about the client (winbind backend), once accepted. */
static const struct sg_logon *ntlm_logon(struct sg_ctx *ctx)
{
	struct ntlm_state *n = ctx->mech;

	return n != NULL && n->leg == LEG_DONE ? n->logon : NULL;
}

static SECURITY_STATUS ntlm_sizes(struct sg_ctx *ctx, SecPkgContext_Sizes *sizes)
{
	sizes->cbMaxToken = ctx->pkg->max_token;
	sizes->cbMaxSignature = NTLM_SIGNATURE_SIZE;
	sizes->cbBlockSize = 0; /* RC4 is a stream cipher */
	sizes->cbSecurityTrailer = NTLM_SIGNATURE_SIZE;
	return SEC_E_OK;
}

/* The signed parts of a message: every DATA and SIGN_ONLY buffer, in order
 * (MS-NLMP 3.4.6.1: with NTLMv2 all data buffers are signed). */
static size_t signed_parts(const gss_iov_buffer_desc *iov, int count, struct ntlm_part *parts)
{
	size_t n = 0;

	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
		    iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY) {
			parts[n].data = iov[i].buffer.value;
			parts[n].len = iov[i].buffer.length;
			n++;
		}
	return n;
}

/* The same parts for a sealed message, DATA marked to be sealed. */
static size_t sealed_parts(gss_iov_buffer_desc *iov, int count, struct ntlm_sealed_part *parts)
{
	size_t n = 0;

	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA ||
		    iov[i].type == GSS_IOV_BUFFER_TYPE_SIGN_ONLY) {
			parts[n].data = iov[i].buffer.value;
			parts[n].len = iov[i].buffer.length;
			parts[n].sealed = iov[i].type == GSS_IOV_BUFFER_TYPE_DATA;
			n++;
		}
	return n;
}

static gss_iov_buffer_desc *find_header(gss_iov_buffer_desc *iov, int count)
{
	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_HEADER)
			return &iov[i];
	return NULL;
}

static void seal_data(struct ntlm_direction *d, gss_iov_buffer_desc *iov, int count)
{
	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_DATA)
			ntlm_seal_bytes(d, iov[i].buffer.value, iov[i].buffer.length);
}

#define STACK_PARTS 16

/* Past STACK_PARTS buffers, the one parts array a message needs (sealed
 * or signed-only) comes from the heap; the other stays on the stack. */
static int parts_alloc(int count, int conf, struct ntlm_part **parts,
		       struct ntlm_sealed_part **sealed)
{
	if (count <= STACK_PARTS)
		return 0;
	if (conf)
		return (*sealed = calloc((size_t)count, sizeof(**sealed))) != NULL ? 0 : -1;
	return (*parts = calloc((size_t)count, sizeof(**parts))) != NULL ? 0 : -1;
}

static void parts_free(struct ntlm_part *parts, struct ntlm_part *stack,
		       struct ntlm_sealed_part *sealed, struct ntlm_sealed_part *sealed_stack)
{
	if (parts != stack)
		free(parts);
	if (sealed != sealed_stack)
		free(sealed);
}

/* MS-NLMP 3.4.4: with neither SIGN nor SEAL negotiated (ALWAYS_SIGN is
 * always), a signature is the dummy one, version 1 and zeros, as Windows
 * makes and checks it: no integrity, which the context's flags say. */
static const uint8_t dummy_signature[NTLM_SIGNATURE_SIZE] = {1};

static int dummy_signing(const struct ntlm_state *n)
{
	return !(n->flags & (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL));
}

static SECURITY_STATUS seq_used_up(void)
{
	sg_last_error_set(SEC_E_CONTEXT_EXPIRED,
			  "NTLM: 2^32 - 1 messages used every sequence number; a new context is needed");
	return SEC_E_CONTEXT_EXPIRED;
}

/* Contexts the KDC authenticated have no session key to sign or seal with. */
static SECURITY_STATUS no_session(const struct ntlm_state *n)
{
	if (!n->no_session)
		return SEC_E_OK;
	sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
			  "NTLM: authenticated by the KDC, this context has no session key");
	return SEC_E_UNSUPPORTED_FUNCTION;
}

static SECURITY_STATUS ntlm_wrap_iov(struct sg_ctx *ctx, int conf, gss_iov_buffer_desc *iov,
				     int count)
{
	struct ntlm_state *n = ctx->mech;
	struct ntlm_part stack[STACK_PARTS], *parts = stack;
	struct ntlm_sealed_part sealed_stack[STACK_PARTS], *sealed = sealed_stack;
	gss_iov_buffer_desc *hdr = find_header(iov, count);
	uint8_t sig[16];
	uint32_t seq;
	size_t np;

	if (no_session(n) != SEC_E_OK)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (hdr == NULL || hdr->buffer.length < NTLM_SIGNATURE_SIZE)
		return SEC_E_BUFFER_TOO_SMALL;
	if (conf && !(n->flags & NTLMSSP_NEGOTIATE_SEAL))
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (dummy_signing(n)) {
		memcpy(hdr->buffer.value, dummy_signature, NTLM_SIGNATURE_SIZE);
		hdr->buffer.length = NTLM_SIGNATURE_SIZE;
		for (int i = 0; i < count; i++)
			if (iov[i].type == GSS_IOV_BUFFER_TYPE_PADDING)
				iov[i].buffer.length = 0;
		return SEC_E_OK;
	}
	if (parts_alloc(count, conf, &parts, &sealed) != 0)
		return SEC_E_INSUFFICIENT_MEMORY;
	np = conf ? sealed_parts(iov, count, sealed) : signed_parts(iov, count, parts);
	/* Two threads sealing at once would share a sequence number and
	 * RC4 key stream: sends on one context are serialised. */
	pthread_mutex_lock(&ctx->lock);
	if (ntlm_seq_next(&n->session.send, &seq) != 0) {
		pthread_mutex_unlock(&ctx->lock);
		parts_free(parts, stack, sealed, sealed_stack);
		return seq_used_up();
	}
	/* SEAL (MS-NLMP 3.4.3): the data is encrypted first, then the
	 * checksum of the plaintext, with the same RC4 stream (in one
	 * pass: seal.c). */
	if (conf)
		ntlm_seal_message(&n->session.send, seq, sealed, np, 0, sig);
	else
		ntlm_signature_mac(&n->session.send, seq, parts, np, sig);
	ntlm_signature_finish(&n->session, &n->session.send, sig);
	pthread_mutex_unlock(&ctx->lock);
	parts_free(parts, stack, sealed, sealed_stack);
	memcpy(hdr->buffer.value, sig, NTLM_SIGNATURE_SIZE);
	hdr->buffer.length = NTLM_SIGNATURE_SIZE;
	for (int i = 0; i < count; i++)
		if (iov[i].type == GSS_IOV_BUFFER_TYPE_PADDING)
			iov[i].buffer.length = 0;
	return SEC_E_OK;
}

/*
 * Checks a received signature and keeps the receive state's advance only
 * when the message is authentic, so a forged, damaged or replayed message
 * leaves the context as it was: the next genuine message still verifies.
 * (Windows' own NTLM loses its RC4 position instead.) Only the RC4 state
 * moves while a message is checked, so only it is saved first (1 KiB,
 * where the whole direction was copied twice).
 */
static SECURITY_STATUS check_received_locked(struct ntlm_state *n, struct ntlm_direction *d,
					     gss_iov_buffer_desc *iov, int count,
					     const uint8_t *sig, size_t sig_len, int conf)
{
	RC4_KEY saved;
	struct ntlm_part stack[STACK_PARTS], *parts = stack;
	struct ntlm_sealed_part sealed_stack[STACK_PARTS], *sealed = sealed_stack;
	uint8_t expect[16];
	uint32_t seq;
	size_t np;

	if (no_session(n) != SEC_E_OK)
		return SEC_E_UNSUPPORTED_FUNCTION;
	if (sig_len < NTLM_SIGNATURE_SIZE || sig[0] != 1 || sig[1] != 0 || sig[2] != 0 ||
	    sig[3] != 0)
		return SEC_E_INVALID_TOKEN;
	if (dummy_signing(n))
		return ntlm_equal(sig, dummy_signature, NTLM_SIGNATURE_SIZE) ? SEC_E_OK
									     : SEC_E_MESSAGE_ALTERED;
	seq = (uint32_t)sig[12] | (uint32_t)sig[13] << 8 | (uint32_t)sig[14] << 16 |
	      (uint32_t)sig[15] << 24;
	switch (ntlm_seq_expect(d, seq)) {
	case 0:
		break;
	case 1:
		return SEC_E_OUT_OF_SEQUENCE;
	default:
		return seq_used_up();
	}
	if (parts_alloc(count, conf, &parts, &sealed) != 0)
		return SEC_E_INSUFFICIENT_MEMORY;
	saved = d->seal;
	if (conf) {
		np = sealed_parts(iov, count, sealed);
		ntlm_seal_message(d, seq, sealed, np, 1, expect);
	} else {
		np = signed_parts(iov, count, parts);
		ntlm_signature_mac(d, seq, parts, np, expect);
	}
	parts_free(parts, stack, sealed, sealed_stack);
	ntlm_signature_finish(&n->session, d, expect);
	if (!ntlm_equal(expect, sig, NTLM_SIGNATURE_SIZE)) {
		d->seal = saved;
		if (conf) {
			/* Put the caller's ciphertext back, with the key
			 * stream that took it off. */
			seal_data(d, iov, count);
			d->seal = saved;
		}
		sg_wipe(&saved, sizeof(saved));
		return SEC_E_MESSAGE_ALTERED;
	}
	d->seq++;
	sg_wipe(&saved, sizeof(saved));
	return SEC_E_OK;
}

static SECURITY_STATUS check_received(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				      const uint8_t *sig, size_t sig_len, int conf)
{
	struct ntlm_state *n = ctx->mech;
	struct ntlm_direction *d = &n->session.recv;
	SECURITY_STATUS s;

	pthread_mutex_lock(&ctx->lock);
	s = check_received_locked(n, d, iov, count, sig, sig_len, conf);
	pthread_mutex_unlock(&ctx->lock);
	return s;
}

static SECURITY_STATUS ntlm_unwrap_iov(struct sg_ctx *ctx, gss_iov_buffer_desc *iov, int count,
				       int *conf)
{
	struct ntlm_state *n = ctx->mech;
	gss_iov_buffer_desc *hdr = find_header(iov, count);
	int sealed = (n->flags & NTLMSSP_NEGOTIATE_SEAL) != 0;
	SECURITY_STATUS s;

	if (hdr == NULL)
		return SEC_E_INVALID_TOKEN;
	s = check_received(ctx, iov, count, hdr->buffer.value, hdr->buffer.length, sealed);
	if (s == SEC_E_OK && conf != NULL)
		*conf = sealed;
	return s;
}

static SECURITY_STATUS ntlm_unwrap(struct sg_ctx *ctx, gss_buffer_t in, gss_buffer_t out,
				   int *conf)
{
	gss_iov_buffer_desc iov[2];
	SECURITY_STATUS s;

	if (in->length < NTLM_SIGNATURE_SIZE)
		return SEC_E_INCOMPLETE_MESSAGE;
	out->length = in->length - NTLM_SIGNATURE_SIZE;
	out->value = malloc(out->length + 1);
	if (out->value == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(out->value, (uint8_t *)in->value + NTLM_SIGNATURE_SIZE, out->length);
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[0].buffer.value = in->value;
	iov[0].buffer.length = NTLM_SIGNATURE_SIZE;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer = *out;
	s = ntlm_unwrap_iov(ctx, iov, 2, conf);
	if (s != SEC_E_OK) {
		free(out->value);
		out->value = NULL;
		out->length = 0;
	}
	return s;
}

static SECURITY_STATUS ntlm_get_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	struct ntlm_state *n = ctx->mech;
	struct ntlm_part part = {msg->value, msg->length};
	uint32_t seq;

	if (no_session(n) != SEC_E_OK)
		return SEC_E_UNSUPPORTED_FUNCTION;
	mic->value = malloc(NTLM_SIGNATURE_SIZE);
	if (mic->value == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	mic->length = NTLM_SIGNATURE_SIZE;
	if (dummy_signing(n)) {
		memcpy(mic->value, dummy_signature, NTLM_SIGNATURE_SIZE);
		return SEC_E_OK;
	}
	pthread_mutex_lock(&ctx->lock);
	if (ntlm_seq_next(&n->session.send, &seq) != 0) {
		pthread_mutex_unlock(&ctx->lock);
		free(mic->value);
		mic->value = NULL;
		mic->length = 0;
		return seq_used_up();
	}
	ntlm_signature_mac(&n->session.send, seq, &part, 1, mic->value);
	ntlm_signature_finish(&n->session, &n->session.send, mic->value);
	pthread_mutex_unlock(&ctx->lock);
	return SEC_E_OK;
}

static SECURITY_STATUS ntlm_verify_mic(struct sg_ctx *ctx, gss_buffer_t msg, gss_buffer_t mic)
{
	gss_iov_buffer_desc iov = {GSS_IOV_BUFFER_TYPE_DATA, *msg};

	return check_received(ctx, &iov, 1, mic->value, mic->length, 0);
}

static char *join_name(const char *domain, const char *user)
{
	size_t n = strlen(domain) + strlen(user) + 2;
	char *s = malloc(n);

	if (s == NULL)
		return NULL;
	if (domain[0] != '\0')
		snprintf(s, n, "%s\\%s", domain, user);
	else
		snprintf(s, n, "%s", user);
	return s;
}

static SECURITY_STATUS ntlm_names(struct sg_ctx *ctx, char **client, char **server)
{
	struct ntlm_state *n = ctx->mech;

	*client = *server = NULL;
	if (n == NULL || n->user == NULL)
		return SEC_E_OK;
	*client = join_name(n->domain, n->user);
	*server = n->server != NULL ? strdup(n->server) : NULL;
	if (*client == NULL) {
		free(*server);
		*server = NULL;
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	return SEC_E_OK;
}

/*
 * The local account of the authenticated DOMAIN\user, only for a user of
 * this server's own domain, as a Windows server's local accounts are its
 * own and a domain's users are that domain's (docs/impersonation.md):
 *  - user file: the domain this server announced in its CHALLENGE (its
 *    NetBIOS name; a domain-less entry is of it) -> user;
 *  - KDC backend: the KDC's domain, which it announced -> user;
 *  - winbind: the domain's user as winbind names it, DOMAIN\user (any
 *    domain winbind trusts: it is that domain's account, never a local
 *    one of the same name).
 * Any other domain's user maps to nobody by this rule (a same-named local
 * account is not that user); SSPI_GSS_ACCOUNT_MAP can map it. An
 * anonymous client is nobody to impersonate.
 */
static SECURITY_STATUS ntlm_localname(struct sg_ctx *ctx, char **local)
{
	struct ntlm_state *n = ctx->mech;
	const char *own;

	if (n == NULL || n->user == NULL || n->user[0] == '\0') {
		sg_last_error_set(SEC_E_NO_IMPERSONATION, "NTLM: an anonymous client");
		return SEC_E_NO_IMPERSONATION;
	}
	if (n->winbind) {
		if (n->logon == NULL || n->logon->domain == NULL || n->logon->domain[0] == '\0') {
			sg_last_error_set(SEC_E_NO_IMPERSONATION,
					  "NTLM: the domain named no domain for %s", n->user);
			return SEC_E_NO_IMPERSONATION;
		}
		*local = join_name(n->logon->domain, n->logon->account ? n->logon->account
									: n->user);
		return *local != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
	}
	own = n->kdc != NULL ? n->kdc_domain : n->server;
	if (own == NULL || own[0] == '\0' || n->domain == NULL ||
	    sg_ascii_casecmp(n->domain, own) != 0) {
		sg_last_error_set(SEC_E_NO_IMPERSONATION,
				  "NTLM: %s\\%s is not of this server's domain %s, so no local "
				  "account is that user (SSPI_GSS_ACCOUNT_MAP can map it)",
				  n->domain ? n->domain : "", n->user, own ? own : "(none)");
		return SEC_E_NO_IMPERSONATION;
	}
	*local = strdup(n->user);
	return *local != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

/* FreeRDP WinPR's SECPKG_ATTR_AUTH_NTLM_HOSTNAME: read (NULL until the
 * AUTHENTICATE is made or received), and set by a client before it makes
 * the AUTHENTICATE. */
static SECURITY_STATUS ntlm_workstation(struct sg_ctx *ctx, const char *set, char **get)
{
	struct ntlm_state *n = ctx->mech;

	if (n == NULL)
		return SEC_E_INVALID_HANDLE;
	if (set != NULL) {
		char *copy;

		if (!ctx->initiator || n->leg == LEG_DONE)
			return SEC_E_INVALID_HANDLE;
		copy = strdup(set);
		if (copy == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		free(n->workstation);
		n->workstation = copy;
		return SEC_E_OK;
	}
	*get = n->workstation != NULL && n->leg == LEG_DONE ? strdup(n->workstation) : NULL;
	return n->workstation != NULL && n->leg == LEG_DONE && *get == NULL
		       ? SEC_E_INSUFFICIENT_MEMORY
		       : SEC_E_OK;
}

static SECURITY_STATUS ntlm_cred_name(struct sg_cred *cred, char **name)
{
	struct ntlm_cred *c = cred->mech;

	*name = c->outbound ? join_name(c->domain, c->user) : host_name(1);
	return *name != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

static SECURITY_STATUS ntlm_key_info(struct sg_ctx *ctx, struct sg_key_info *info)
{
	struct ntlm_state *n = ctx->mech;
	int ess;

	memset(info, 0, sizeof(*info));
	if (no_session(n) != SEC_E_OK)
		return SEC_E_UNSUPPORTED_FUNCTION;
	/* Names and ids as Windows' NTLM reports them (Wine's conformance
	 * tests, ntlm.c): the signature algorithm is a Kerberos checksum type
	 * (-138 KERB_CHECKSUM_HMAC_MD5 with extended session security,
	 * -132 RC4 over a CRC32 without), the cipher CryptoAPI's CALG_RC4. */
	ess = (n->session.flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) != 0;
	info->key = malloc(16);
	info->encrypt_name = strdup("RSADSI RC4");
	info->signature_name = strdup(ess ? "HMAC-MD5" : "RSADSI RC4-CRC32");
	if (info->key == NULL || info->encrypt_name == NULL || info->signature_name == NULL) {
		sg_key_info_clear(info);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	memcpy(info->key, n->exported, 16);
	info->key_len = 16;
	info->key_bits = 128;
	info->encrypt_alg = 0x6801; /* CALG_RC4 */
	info->signature_alg = ess ? 0xffffff76u : 0xffffff7cu;
	return SEC_E_OK;
}

static SECURITY_STATUS ntlm_authority(struct sg_ctx *ctx, char **name)
{
	struct ntlm_state *n = ctx->mech;

	*name = strdup(n->domain != NULL ? n->domain : "");
	return *name != NULL ? SEC_E_OK : SEC_E_INSUFFICIENT_MEMORY;
}

/* MS-SPNG: after the mechListMIC, each direction's RC4 state starts again
 * from its sealing key (sent: our direction). */
static void ntlm_mech_list_mic_done(struct sg_ctx *ctx, int send)
{
	struct ntlm_state *n = ctx->mech;

	if (n != NULL && n->leg == LEG_DONE)
		ntlm_session_restart_seal(send ? &n->session.send : &n->session.recv);
}

/* MS-SPNG 3.1.5.1: the acceptor's mechListMIC takes the first sequence
 * number of its direction, and the RC4 state starts again after it. An
 * initiator that completes without it (Windows' does, on the leg that
 * sends the AUTHENTICATE) receives the acceptor's messages from the next
 * number on, with the restarted state; the direction as it was is kept
 * to check the MIC should the application pass it after all. */
static void ntlm_mech_list_mic_deferred(struct sg_ctx *ctx)
{
	struct ntlm_state *n = ctx->mech;

	if (n == NULL || n->leg != LEG_DONE || n->deferred_recv != NULL || no_session(n) != SEC_E_OK)
		return;
	pthread_mutex_lock(&ctx->lock);
	n->deferred_recv = malloc(sizeof(*n->deferred_recv));
	if (n->deferred_recv != NULL) {
		*n->deferred_recv = n->session.recv;
		if (!dummy_signing(n) && n->session.recv.seq != UINT32_MAX)
			n->session.recv.seq++;
		ntlm_session_restart_seal(&n->session.recv);
	}
	pthread_mutex_unlock(&ctx->lock);
}

static SECURITY_STATUS ntlm_verify_deferred_mic(struct sg_ctx *ctx, gss_buffer_t msg,
						gss_buffer_t mic)
{
	struct ntlm_state *n = ctx->mech;
	gss_iov_buffer_desc iov = {GSS_IOV_BUFFER_TYPE_DATA, *msg};
	SECURITY_STATUS s;

	if (n == NULL || n->deferred_recv == NULL)
		return ntlm_verify_mic(ctx, msg, mic);
	pthread_mutex_lock(&ctx->lock);
	s = check_received_locked(n, n->deferred_recv, &iov, 1, mic->value, mic->length, 0);
	sg_wipe(n->deferred_recv, sizeof(*n->deferred_recv));
	free(n->deferred_recv);
	n->deferred_recv = NULL;
	pthread_mutex_unlock(&ctx->lock);
	return s;
}

static int ntlm_peer_announced_mic(struct sg_ctx *ctx)
{
	struct ntlm_state *n = ctx->mech;

	return n != NULL && n->client_mic;
}

/* The registry's text and the way sealing goes on this machine now
 * (ntlm.h). */
static const char *ntlm_backend(void)
{
	int now_one = ntlm_seal_path_now() == NTLM_SEAL_ONE_PASS;

	if (ntlm_seal_path() != NTLM_SEAL_AUTO)
		return now_one ? "sspi-gss NTLMv2 engine on OpenSSL libcrypto; "
				 "sealing: one-pass MD5+RC4 (SSPI_GSS_NTLM_SEAL)"
			       : "sspi-gss NTLMv2 engine on OpenSSL libcrypto; "
				 "sealing: libcrypto MD5, RC4 (SSPI_GSS_NTLM_SEAL)";
	return now_one ? "sspi-gss NTLMv2 engine on OpenSSL libcrypto; sealing: one-pass MD5+RC4 "
			 "(chosen per message by timing; the faster lately)"
		       : "sspi-gss NTLMv2 engine on OpenSSL libcrypto; sealing: libcrypto MD5, RC4 "
			 "(chosen per message by timing; the faster lately)";
}

const struct sg_mech_ops sg_mech_ntlm_ops = {
	.backend = ntlm_backend,
	.acquire = ntlm_acquire,
	.release_cred = ntlm_release_cred,
	.set_epa = ntlm_set_epa,
	.mech_list_mic_done = ntlm_mech_list_mic_done,
	.mech_list_mic_deferred = ntlm_mech_list_mic_deferred,
	.verify_deferred_mic = ntlm_verify_deferred_mic,
	.peer_announced_mic = ntlm_peer_announced_mic,
	.init = ntlm_init,
	.accept = ntlm_accept,
	.release_ctx = ntlm_release_ctx,
	.sizes = ntlm_sizes,
	.wrap_iov = ntlm_wrap_iov,
	.unwrap_iov = ntlm_unwrap_iov,
	.unwrap = ntlm_unwrap,
	.get_mic = ntlm_get_mic,
	.verify_mic = ntlm_verify_mic,
	.names = ntlm_names,
	.localname = ntlm_localname,
	.workstation = ntlm_workstation,
	.cred_name = ntlm_cred_name,
	.key_info = ntlm_key_info,
	.authority = ntlm_authority,
	.logon = ntlm_logon,
};
