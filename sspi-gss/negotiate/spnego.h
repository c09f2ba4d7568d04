/*
 * spnego.h - the SPNEGO token codec (RFC 4178 section 4.2, with MS-SPNG's
 * NegTokenInit2): the DER of NegTokenInit and NegTokenResp and nothing
 * else. It knows no SSPI, no GSS-API and no mechanism; the Negotiate
 * package decides what to send.
 *
 * Decoders never allocate and never read outside the token: they return
 * views into it, so any bytes give either a result or -1. Encoders return
 * one malloc'ed block.
 */
#ifndef SG_SPNEGO_H
#define SG_SPNEGO_H

#include <stddef.h>
#include <stdint.h>

/* A view into a token, or bytes to encode. data is NULL when absent. */
struct spnego_bytes {
	const uint8_t *data;
	size_t len;
};

/* The DER contents (without tag and length) of the OIDs Negotiate knows. */
extern const struct spnego_bytes spnego_oid_spnego;    /* 1.3.6.1.5.5.2 */
extern const struct spnego_bytes spnego_oid_krb5;      /* 1.2.840.113554.1.2.2 */
extern const struct spnego_bytes spnego_oid_krb5_ms;   /* 1.2.840.48018.1.2.2 */
extern const struct spnego_bytes spnego_oid_ntlm;      /* 1.3.6.1.4.1.311.2.2.10 */

int spnego_oid_equal(struct spnego_bytes a, struct spnego_bytes b);

#define SPNEGO_MAX_MECHS 16

/* negState (RFC 4178 4.2.2). */
enum spnego_state {
	SPNEGO_ABSENT = -1,
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
};

/* A NegTokenInit or NegTokenInit2, from the InitialContextToken around it. */
struct spnego_init {
	/* The whole MechTypeList TLV as received: the mechListMIC covers
	 * exactly these bytes. */
	struct spnego_bytes mech_types;
	struct spnego_bytes mechs[SPNEGO_MAX_MECHS]; /* OID contents, in order */
	size_t nmechs;                               /* beyond the array: ignored */
	struct spnego_bytes mech_token;              /* optimistic token */
	struct spnego_bytes mech_list_mic;
};

struct spnego_resp {
	enum spnego_state state;
	struct spnego_bytes supported_mech; /* OID contents */
	struct spnego_bytes response_token;
	struct spnego_bytes mech_list_mic;
};

/* 0 and the fields, or -1 when the token is not one (or is damaged). */
int spnego_decode_init(const uint8_t *token, size_t len, struct spnego_init *out);
int spnego_decode_resp(const uint8_t *token, size_t len, struct spnego_resp *out);

/* The mechanism OID of a GSS-API InitialContextToken ([APPLICATION 0]
 * SEQUENCE { OID, ... }, RFC 2743 3.1): how a raw Kerberos AP-REQ is told
 * from SPNEGO. -1 when the token is not framed so. */
int spnego_token_mech(const uint8_t *token, size_t len, struct spnego_bytes *oid);

/* The MechTypeList TLV of these OIDs (what the mechListMIC covers). */
int spnego_encode_mech_types(const struct spnego_bytes *mechs, size_t n, uint8_t **out,
			     size_t *len);
/* InitialContextToken { spnego, NegTokenInit { mech_types (a MechTypeList
 * TLV), mechToken if given } }. */
int spnego_encode_init(struct spnego_bytes mech_types, struct spnego_bytes mech_token,
		       uint8_t **out, size_t *len);
/* NegTokenResp; state SPNEGO_ABSENT and absent (NULL) parts are left out. */
int spnego_encode_resp(enum spnego_state state, struct spnego_bytes supported_mech,
		       struct spnego_bytes response_token, struct spnego_bytes mech_list_mic,
		       uint8_t **out, size_t *len);

#endif
