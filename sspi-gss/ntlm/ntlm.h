/*
 * ntlm.h - the NTLM engine (MS-NLMP): message codec, NTLMv2 computations,
 * session security, and the user database the acceptor validates against.
 *
 * Nothing here knows about SSPI handles or SecBuffers; mech_ntlm.c puts the
 * engine behind the package interface (mech.h). Decoders never allocate and
 * never read outside the message: they return views into it, so a message
 * of any bytes gives either a result or -1 (docs/ntlm.md).
 */
#ifndef SG_NTLM_H
#define SG_NTLM_H

#include <stddef.h>
#include <stdint.h>

/* MD4 and RC4 exist in OpenSSL 3 outside the legacy provider only as these
 * low-level functions, deprecated in 3.0 for new designs; MS-NLMP mandates
 * them. Declaring the 1.1.0 API keeps them without warnings, and loads no
 * provider into the host process (docs/ntlm.md). */
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 0x10100000L
#endif
#include <openssl/md5.h>
#include <openssl/rc4.h>

#include <sspi.h>

/* NEGOTIATE flags (MS-NLMP 2.2.2.5), spelled as the specification does. */
#define NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define NTLMSSP_NEGOTIATE_OEM 0x00000002u
#define NTLMSSP_REQUEST_TARGET 0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN 0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL 0x00000020u
#define NTLMSSP_NEGOTIATE_DATAGRAM 0x00000040u
#define NTLMSSP_NEGOTIATE_LM_KEY 0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define NTLMSSP_ANONYMOUS 0x00000800u
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED 0x00001000u
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN 0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER 0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_IDENTIFY 0x00100000u
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY 0x00400000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define NTLMSSP_NEGOTIATE_128 0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define NTLMSSP_NEGOTIATE_56 0x80000000u

/* AV pair ids (MS-NLMP 2.2.2.1). */
enum {
	MSV_AV_EOL = 0,
	MSV_AV_NB_COMPUTER_NAME = 1,
	MSV_AV_NB_DOMAIN_NAME = 2,
	MSV_AV_DNS_COMPUTER_NAME = 3,
	MSV_AV_DNS_DOMAIN_NAME = 4,
	MSV_AV_DNS_TREE_NAME = 5,
	MSV_AV_FLAGS = 6,
	MSV_AV_TIMESTAMP = 7,
	MSV_AV_SINGLE_HOST = 8,
	MSV_AV_TARGET_NAME = 9,
	MSV_AV_CHANNEL_BINDINGS = 10,
};
#define MSV_AV_FLAG_MIC_PRESENT 0x00000002u

#define NTLM_SIGNATURE_SIZE 16
#define NTLM_MIC_OFFSET 72 /* after the fixed fields and the version */

/* Little-endian fields, as every NTLM structure stores them. */
static inline uint16_t ntlm_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ntlm_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ntlm_le64(const uint8_t *p)
{
	return (uint64_t)ntlm_le32(p) | (uint64_t)ntlm_le32(p + 4) << 32;
}

static inline void ntlm_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ntlm_put_le32(uint8_t *p, uint32_t v)
{
	ntlm_put_le16(p, (uint16_t)v);
	ntlm_put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void ntlm_put_le64(uint8_t *p, uint64_t v)
{
	ntlm_put_le32(p, (uint32_t)v);
	ntlm_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* A view into a message: no ownership. */
struct ntlm_bytes {
	const uint8_t *data;
	size_t len;
};

struct ntlm_negotiate {
	uint32_t flags;
	struct ntlm_bytes domain, workstation; /* OEM, as sent */
};

struct ntlm_challenge {
	uint32_t flags;
	struct ntlm_bytes target_name;
	uint8_t server_challenge[8];
	struct ntlm_bytes target_info;
	const uint8_t *version; /* 8 bytes, or NULL */
};

struct ntlm_authenticate {
	uint32_t flags;
	struct ntlm_bytes lm, nt, domain, user, workstation, session_key;
	const uint8_t *version; /* 8 bytes, or NULL */
	const uint8_t *mic;     /* 16 bytes at NTLM_MIC_OFFSET, or NULL when no room */
};

/* wire.c: the three messages. Decoders return 0 or -1 (not this message, or
 * a field that points outside it). Encoders return a malloc'ed message, or
 * NULL when out of memory. */
int ntlm_decode_negotiate(const uint8_t *msg, size_t len, struct ntlm_negotiate *out);
int ntlm_decode_challenge(const uint8_t *msg, size_t len, struct ntlm_challenge *out);
int ntlm_decode_authenticate(const uint8_t *msg, size_t len, struct ntlm_authenticate *out);
/* The message type (1, 2, 3) of anything that starts with the NTLMSSP
 * signature; 0 otherwise. */
uint32_t ntlm_message_type(const uint8_t *msg, size_t len);

uint8_t *ntlm_encode_negotiate(uint32_t flags, const uint8_t version[8], size_t *len);
uint8_t *ntlm_encode_challenge(const struct ntlm_challenge *c, size_t *len);
/* with_mic reserves the 16-byte MIC field (zeroed) at NTLM_MIC_OFFSET. */
uint8_t *ntlm_encode_authenticate(const struct ntlm_authenticate *a, int with_mic, size_t *len);

/* AV pairs. ntlm_av_find returns 1 and the value of the first pair with that
 * id, 0 when absent, -1 when the list is malformed (runs past its end or has
 * no MsvAvEOL). */
int ntlm_av_find(struct ntlm_bytes list, uint16_t id, struct ntlm_bytes *value);
/* Is list well formed? */
int ntlm_av_valid(struct ntlm_bytes list);
/* Writes one pair (id, length, value) at p; returns the byte after it. */
uint8_t *ntlm_av_put(uint8_t *p, uint16_t id, const void *value, size_t len);

/* strings: UTF-8 <-> the wire form (UTF-16LE when unicode, else OEM, which
 * we accept only as ASCII). Results are malloc'ed; -1 on malformed input
 * or no memory. */
int ntlm_string_from_wire(struct ntlm_bytes in, int unicode, char **out);
int ntlm_string_to_wire(const char *in, int unicode, uint8_t **out, size_t *len);

/* crypto.c: MS-NLMP 3.3.2 and 3.4. All keys are 16 bytes. Return 0 or -1. */
/* UTF-8 to UTF-16LE bytes (malloc'ed; the temporaries are wiped, as the
 * text may be a password), upper-cased as Windows does when upper is set. */
int ntlm_utf16le(const char *s, int upper, uint8_t **out, size_t *len);
int ntlm_nt_hash(const char *password, uint8_t hash[16]);
int ntlm_ntowfv2(const uint8_t nt_hash[16], const char *user, const char *domain,
		 uint8_t key[16]);
/* HMAC_MD5(key, server_challenge || blob): NTProofStr when blob is the
 * NTLMv2 client challenge structure, the LMv2 response when it is the
 * 8-byte client challenge. */
void ntlm_proof(const uint8_t key[16], const uint8_t server_challenge[8], const uint8_t *blob,
		size_t blob_len, uint8_t proof[16]);
/* HMAC_MD5(ntowfv2, NTProofStr). */
void ntlm_session_base_key(const uint8_t ntowfv2[16], const uint8_t proof[16],
			   uint8_t key[16]);
/* RC4 of 16 bytes under a 16-byte key: EncryptedRandomSessionKey both ways. */
void ntlm_rc4_key(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);
/* MIC = HMAC_MD5(exported_key, NEGOTIATE || CHALLENGE || AUTHENTICATE),
 * the AUTHENTICATE message with its MIC field zeroed by the caller. */
void ntlm_mic(const uint8_t exported_key[16], struct ntlm_bytes negotiate,
	      struct ntlm_bytes challenge, struct ntlm_bytes authenticate, uint8_t mic[16]);
/* MD5 of a gss_channel_bindings_struct in its RFC 4121 flat form, the value
 * of MsvAvChannelBindings; all zeros for no bindings. */
struct gss_channel_bindings_struct;
void ntlm_channel_bindings_hash(const struct gss_channel_bindings_struct *cb, uint8_t hash[16]);
/* Cryptographically random bytes; -1 if the system has none to give. */
int ntlm_random(void *buf, size_t len);
/* 100 ns ticks since 1601, the NTLM timestamp of a Unix time. */
uint64_t ntlm_filetime(long long unix_time);
/* Constant-time equality of n bytes. */
int ntlm_equal(const void *a, const void *b, size_t n);

/* HMAC-MD5 (RFC 2104) with the key's inner and outer pads already hashed:
 * each message then costs two MD5 context copies, no allocation. */
struct ntlm_hmac_md5 {
	MD5_CTX inner, outer;
};

/* seal.c: an MD5 of our own and RC4 rounds over libcrypto's RC4_KEY, so
 * that sealing can run both in one pass (ntlm_md5_rc4); libcrypto's do
 * everything else. */
struct ntlm_md5 {
	uint32_t h[4];
	uint64_t bytes;
	uint8_t buf[64];
	size_t fill;
};
void ntlm_md5_init(struct ntlm_md5 *m);
void ntlm_md5_update(struct ntlm_md5 *m, const uint8_t *p, size_t len);
void ntlm_md5_final(struct ntlm_md5 *m, uint8_t out[16]);
/* RC4 over data in place and MD5 of its plaintext (before encryption,
 * after decryption) into m, in one pass. */
void ntlm_md5_rc4(struct ntlm_md5 *m, RC4_KEY *k, uint8_t *data, size_t len, int decrypt);

/*
 * Two ways to seal (docs/ntlm.md): libcrypto's MD5 and RC4 one after the
 * other, or seal.c's one pass. Which is faster depends on the CPU and on
 * what else runs on it at the moment (the one pass lives on the core's
 * idle units), so by default (AUTO) each message of 512 sealed bytes or
 * more takes the way that has been faster lately, timed on a sample of the
 * process's recent messages; SSPI_GSS_NTLM_SEAL=libcrypto or one-pass fixes one.
 * Both keep the same RC4 state (libcrypto's RC4_KEY) and give the same
 * bytes, so a session may change way from one message to the next.
 */
enum ntlm_seal_path { NTLM_SEAL_LIBCRYPTO, NTLM_SEAL_ONE_PASS, NTLM_SEAL_AUTO };
/* The way sessions set up now seal (SSPI_GSS_NTLM_SEAL, else AUTO). */
enum ntlm_seal_path ntlm_seal_path(void);
/* The way AUTO takes now (the faster lately): LIBCRYPTO or ONE_PASS. */
enum ntlm_seal_path ntlm_seal_path_now(void);
const char *ntlm_seal_path_name(enum ntlm_seal_path path);
/* The tests': the way sessions set up from now on seal (libcrypto's
 * where the one pass is not usable). */
void ntlm_seal_path_set(enum ntlm_seal_path path);
/* Whether the one pass reproduces libcrypto's RC4 on this machine: not
 * where libcrypto keeps its RC4 table as bytes (seal.c). */
int ntlm_one_pass_usable(void);
/* AUTO's choice for a message (of 512 sealed bytes or more), timed by
 * the caller (ntlm_seal_timed) when *timed is set. */
enum ntlm_seal_path ntlm_seal_pick(int *timed);
void ntlm_seal_timed(enum ntlm_seal_path way, size_t sealed, double ns);
/* How many messages each way sealed in AUTO on this thread (tests). */
void ntlm_seal_counts(unsigned long counts[2]);

/* Session security with extended session security (MS-NLMP 3.4.4.2, 3.4.5). */
struct ntlm_direction {
	uint8_t sign_key[16];
	struct ntlm_hmac_md5 sign; /* keyed with sign_key (signing, libcrypto sealing) */
	/* One pass: the same HMAC key as seal.c's MD5 states after the inner
	 * and outer pads. */
	struct ntlm_md5 seal_inner, seal_outer;
	uint8_t seal_key[16];
	enum ntlm_seal_path way; /* libcrypto's two passes, seal.c's one, or AUTO */
	RC4_KEY seal;  /* both ways use libcrypto's RC4 state */
	uint32_t seq;
};

struct ntlm_session {
	uint32_t flags; /* negotiated */
	struct ntlm_direction send, recv;
};

/* Derives both directions' keys from the exported session key. */
void ntlm_session_init(struct ntlm_session *s, uint32_t flags, const uint8_t exported[16],
		       int initiator);
void ntlm_session_wipe(struct ntlm_session *s);
/* Sequence numbers are 32 bits and never come back: after 2^32 - 1
 * messages a direction is used up (the context must be renewed) rather
 * than wrapping to a number, and an RC4 position, already used.
 * ntlm_seq_next hands out the next send number (-1 when used up);
 * ntlm_seq_expect checks a received one: 0 the expected one, 1 another,
 * -1 used up. */
int ntlm_seq_next(struct ntlm_direction *d, uint32_t *seq);
int ntlm_seq_expect(const struct ntlm_direction *d, uint32_t seq);
/* Starts a direction's RC4 state again from its sealing key (MS-SPNG:
 * after the mechListMIC); the sequence number goes on. */
void ntlm_session_restart_seal(struct ntlm_direction *d);

/* The NTLMSSP_MESSAGE_SIGNATURE (16 bytes) of the concatenated parts,
 * in two steps because sealing encrypts the data between them (3.4.3):
 * _mac puts version, HMAC_MD5(SignKey, seq || parts)[0..7] and seq into
 * sig; _finish encrypts the checksum with the direction's RC4 state when
 * key exchange was negotiated. */
struct ntlm_part {
	const uint8_t *data;
	size_t len;
};
void ntlm_signature_mac(const struct ntlm_direction *d, uint32_t seq,
			const struct ntlm_part *parts, size_t nparts, uint8_t sig[16]);
void ntlm_signature_finish(const struct ntlm_session *s, struct ntlm_direction *d,
			   uint8_t sig[16]);
/* RC4 in place with one direction's sealing state (lengths of any size). */
void ntlm_seal_bytes(struct ntlm_direction *d, uint8_t *data, size_t len);
/* A sealed message in one pass: parts marked sealed are encrypted
 * (decrypt: decrypted) in place, and sig gets what ntlm_signature_mac
 * would give for the plaintext of all the parts; _finish follows. */
struct ntlm_sealed_part {
	uint8_t *data;
	size_t len;
	int sealed; /* DATA: sealed; SIGN_ONLY: only signed */
};
void ntlm_seal_message(struct ntlm_direction *d, uint32_t seq, struct ntlm_sealed_part *parts,
		       size_t nparts, int decrypt, uint8_t sig[16]);

/* users.c: the user database, lines "DOMAIN:user:password" or
 * "DOMAIN:user:<32 hex digits of the NT hash>"; '#' starts a comment;
 * names compare case-insensitively. */
struct ntlm_user {
	char *domain, *user; /* malloc'ed: the entry's own spelling */
	uint8_t nt_hash[16];
};
void ntlm_user_clear(struct ntlm_user *u);
/* Unicode case-insensitive equality of two UTF-8 names. */
int ntlm_same_name(const char *a, const char *b);

enum ntlm_domain_rule {
	/* Acceptor: the entry of the domain, else a domain-less entry (a
	 * local account, valid whatever domain the client named). */
	NTLM_DOMAIN_EXACT,
	/* Initiator's own file: the entry of the domain, else the user's
	 * first entry of any domain. */
	NTLM_DOMAIN_ANY,
};

/* Finds user (NULL: the file's first entry) of domain under rule. Returns
 * 0 and fills *out, 1 when no entry matches, -1 when the file cannot be
 * used (*why says why): it is refused when not a regular file, owned by
 * someone other than us or root, writable by group or others, or a
 * symbolic link in a directory others may write. */
int ntlm_users_lookup(const char *path, const char *domain, const char *user,
		      enum ntlm_domain_rule rule, struct ntlm_user *out, const char **why);

/* kdc.c: the acceptor's KDC backend (Heimdal's digest service):
 * authentication only, no session key. */
struct ntlm_kdc;
struct ntlm_kdc_challenge {
	uint8_t challenge[8];
	uint32_t flags;
	uint8_t *target_info; /* malloc'ed */
	size_t target_info_len;
	char *target_name; /* malloc'ed */
};
/* Asks the KDC (with the tickets in ccache) for a CHALLENGE's contents. */
SECURITY_STATUS ntlm_kdc_begin(const char *ccache, uint32_t client_flags, const char *host,
			       struct ntlm_kdc **out, struct ntlm_kdc_challenge *ch);
void ntlm_kdc_challenge_clear(struct ntlm_kdc_challenge *ch);
/* Has the KDC check the AUTHENTICATE's responses. */
SECURITY_STATUS ntlm_kdc_check(struct ntlm_kdc *kdc, const char *user, const char *domain,
			       uint32_t flags, struct ntlm_bytes lm, struct ntlm_bytes nt);
void ntlm_kdc_free(struct ntlm_kdc *kdc);

/* exchange.c: the NTLMv2 AUTHENTICATE message, built by the client and
 * checked by the server (MS-NLMP 3.1.5.1.2, 3.2.5.1.2). */
struct ntlm_client_input {
	uint32_t flags; /* the flags this message carries */
	const char *user, *domain, *workstation;
	const uint8_t *nt_hash;          /* 16 */
	struct ntlm_bytes negotiate;     /* our NEGOTIATE message, for the MIC */
	struct ntlm_bytes challenge;     /* the server's CHALLENGE message */
	const uint8_t *client_challenge; /* 8 random bytes */
	const uint8_t *random_key;       /* 16 random bytes, sent with key exchange */
	long long now;                   /* Unix time, used when the server sent none */
	const uint8_t *cb_hash;          /* MsvAvChannelBindings, or NULL for none */
	const char *spn;                 /* MsvAvTargetName, or NULL for none */
	const uint8_t *version;          /* 8 bytes, or NULL */
};

/* Builds the AUTHENTICATE message (malloc'ed) and the exported session key. */
SECURITY_STATUS ntlm_client_authenticate(const struct ntlm_client_input *in, uint8_t **msg,
					 size_t *len, uint8_t exported[16]);

/* A validation backend: given the names as the client sent them, the
 * server challenge and the NTLMv2 response, SEC_E_OK, the session base key
 * and the identity the backend vouches for (its own spelling of domain and
 * user, malloc'ed), or SEC_E_LOGON_DENIED (unknown user or wrong password
 * alike). */
typedef SECURITY_STATUS (*ntlm_validate_fn)(void *arg, const char *user, const char *domain,
					    const uint8_t server_challenge[8],
					    struct ntlm_bytes nt_response, uint8_t base_key[16],
					    char **auth_domain, char **auth_user);

/* Checks an NTLMv2 response against an NT hash: the user database backends
 * share this. */
SECURITY_STATUS ntlm_check_response(const uint8_t nt_hash[16], const char *user,
				    const char *domain, const uint8_t server_challenge[8],
				    struct ntlm_bytes nt_response, uint8_t base_key[16]);

/* Extended protection (relay protection): what the acceptor demands of the
 * client's MsvAvChannelBindings and MsvAvTargetName (docs/security.md). */
enum ntlm_epa_level {
	NTLM_EPA_OFF,            /* neither is looked at */
	NTLM_EPA_WHEN_SUPPORTED, /* checked when the client sent them */
	NTLM_EPA_REQUIRED,       /* the client must send them, and they must match */
};
struct ntlm_epa {
	enum ntlm_epa_level level;
	/* Check MsvAvTargetName against names (NULL-terminated), or, when
	 * names is NULL, against this host's names (any service class). */
	int check_target;
	const char *const *names;
	/* Refuse an AUTHENTICATE without a MIC when our CHALLENGE had a
	 * timestamp (by default such clients are let in, as by Windows). */
	int require_mic;
};

/* The NTLMv2 response's AV pairs against the policy and our bindings'
 * hash (NULL: the server has none). SEC_E_OK or SEC_E_BAD_BINDINGS with
 * *why. Both backends call it once the response is known authentic. */
SECURITY_STATUS ntlm_check_epa(struct ntlm_bytes nt_response, const uint8_t *cb_hash,
			       const struct ntlm_epa *epa, const char **why);

struct ntlm_server_input {
	uint32_t flags; /* negotiated, as sent in the CHALLENGE */
	struct ntlm_bytes negotiate, challenge, authenticate;
	const uint8_t *server_challenge; /* 8 */
	long long now, max_skew;         /* Unix seconds */
	const uint8_t *cb_hash;          /* ours, or NULL when the server has none */
	const struct ntlm_epa *epa;       /* NULL: NTLM_EPA_WHEN_SUPPORTED, no names */
	ntlm_validate_fn validate;
	void *validate_arg;
};

struct ntlm_server_result {
	char *user, *domain, *workstation; /* malloc'ed UTF-8, as the client sent them */
	char *auth_user, *auth_domain;     /* malloc'ed: who the backend says it is */
	uint8_t exported[16];
	int mic; /* the AUTHENTICATE carried a MIC (MsvAvFlags), and it matched */
};

/* On failure *why says what was wrong, unless the backend said it (then
 * NULL: the backend set the thread's last error text itself). */
SECURITY_STATUS ntlm_server_verify(const struct ntlm_server_input *in,
				   struct ntlm_server_result *out, const char **why);
void ntlm_server_result_clear(struct ntlm_server_result *r);

#endif
