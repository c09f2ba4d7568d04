/*
 * exchange.c - the NTLMv2 AUTHENTICATE message: built by the client from
 * the server's CHALLENGE (MS-NLMP 3.1.5.1.2), checked by the server
 * (3.2.5.1.2). Only NTLMv2 responses exist here: LM and NTLMv1 are never
 * sent, and a server refuses them.
 *
 * Everything random or time-dependent comes in through the input
 * structures, so the MS-NLMP 4.2.4 examples can be reproduced byte for
 * byte (tests/unit/test_ntlm_engine.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ntlm.h"
#include "strings.h"

/* RespType, HiRespType, Reserved1, Reserved2 before the timestamp. */
#define BLOB_HEADER 28
#define FILETIME_PER_SECOND 10000000LL

/*
 * The client's AV pairs: the server's, in its order, then MsvAvFlags (MIC
 * present, when we send one), MsvAvChannelBindings and MsvAvTargetName.
 * A server's own flags pair is kept in place with our bit added.
 */
static SECURITY_STATUS client_av_pairs(struct ntlm_bytes server, int mic,
				       const uint8_t *cb_hash, const char *spn, uint8_t **out,
				       size_t *len)
{
	uint8_t *spn_wire = NULL, *list, *p;
	size_t spn_len = 0, pos = 0;
	int flags_done = 0;

	if (spn != NULL && ntlm_string_to_wire(spn, 1, &spn_wire, &spn_len) != 0)
		return SEC_E_TARGET_UNKNOWN;
	if (spn_len > 0xFFFF) {
		free(spn_wire);
		return SEC_E_TARGET_UNKNOWN;
	}
	list = malloc(server.len + 8 + 20 + 4 + spn_len + 4);
	if (list == NULL) {
		free(spn_wire);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	p = list;
	while (pos + 4 <= server.len) {
		uint16_t id = ntlm_le16(server.data + pos), n = ntlm_le16(server.data + pos + 2);
		const uint8_t *v = server.data + pos + 4;

		if (id == MSV_AV_EOL)
			break;
		pos += 4u + n;
		if (id == MSV_AV_FLAGS && n == 4) {
			uint8_t b[4];

			ntlm_put_le32(b, ntlm_le32(v) | (mic ? MSV_AV_FLAG_MIC_PRESENT : 0));
			p = ntlm_av_put(p, id, b, 4);
			flags_done = 1;
		} else if (id != MSV_AV_CHANNEL_BINDINGS && id != MSV_AV_TARGET_NAME) {
			p = ntlm_av_put(p, id, v, n);
		}
	}
	if (mic && !flags_done) {
		uint8_t b[4] = {MSV_AV_FLAG_MIC_PRESENT, 0, 0, 0};

		p = ntlm_av_put(p, MSV_AV_FLAGS, b, 4);
	}
	if (cb_hash != NULL)
		p = ntlm_av_put(p, MSV_AV_CHANNEL_BINDINGS, cb_hash, 16);
	if (spn != NULL)
		p = ntlm_av_put(p, MSV_AV_TARGET_NAME, spn_wire, spn_len);
	p = ntlm_av_put(p, MSV_AV_EOL, NULL, 0);
	free(spn_wire);
	*out = list;
	*len = (size_t)(p - list);
	return SEC_E_OK;
}

SECURITY_STATUS ntlm_client_authenticate(const struct ntlm_client_input *in, uint8_t **msg,
					 size_t *len, uint8_t exported[16])
{
	int unicode = (in->flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	struct ntlm_challenge ch;
	struct ntlm_bytes ts;
	struct ntlm_authenticate a;
	uint8_t *avs = NULL, *nt = NULL, *user = NULL, *domain = NULL, *ws = NULL, *out = NULL;
	size_t avs_len = 0, nt_len, user_len, domain_len, ws_len;
	uint8_t ntowf[16], base[16], lm[24], enc_key[16];
	uint64_t t;
	int has_ts;
	SECURITY_STATUS s;

	*msg = NULL;
	if (ntlm_decode_challenge(in->challenge.data, in->challenge.len, &ch) != 0 ||
	    (ch.target_info.len != 0 && !ntlm_av_valid(ch.target_info)))
		return SEC_E_INVALID_TOKEN;
	has_ts = ntlm_av_find(ch.target_info, MSV_AV_TIMESTAMP, &ts) == 1 && ts.len == 8;
	/* With the server's timestamp the client uses it, sends no LMv2
	 * response, and protects the three messages with a MIC. */
	t = has_ts ? ntlm_le64(ts.data) : ntlm_filetime(in->now);
	s = client_av_pairs(ch.target_info, has_ts, in->cb_hash, in->spn, &avs, &avs_len);
	if (s != SEC_E_OK)
		return s;

	nt_len = 16 + BLOB_HEADER + avs_len + 4;
	nt = calloc(1, nt_len);
	if (nt == NULL) {
		s = SEC_E_INSUFFICIENT_MEMORY;
		goto out;
	}
	{
		uint8_t *b = nt + 16;

		b[0] = 1; /* RespType */
		b[1] = 1; /* HiRespType */
		ntlm_put_le64(b + 8, t);
		memcpy(b + 16, in->client_challenge, 8);
		memcpy(b + BLOB_HEADER, avs, avs_len);
		/* The trailing Z(4) follows the AV pairs, as Windows sends it. */
	}
	if (ntlm_ntowfv2(in->nt_hash, in->user, in->domain, ntowf) != 0) {
		s = SEC_E_INVALID_PARAMETER;
		goto out;
	}
	ntlm_proof(ntowf, ch.server_challenge, nt + 16, nt_len - 16, nt);
	if (has_ts) {
		memset(lm, 0, sizeof(lm));
	} else {
		ntlm_proof(ntowf, ch.server_challenge, in->client_challenge, 8, lm);
		memcpy(lm + 16, in->client_challenge, 8);
	}
	ntlm_session_base_key(ntowf, nt, base);
	if (in->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		ntlm_rc4_key(base, in->random_key, enc_key);
		memcpy(exported, in->random_key, 16);
	} else {
		memcpy(exported, base, 16);
	}

	if (ntlm_string_to_wire(in->user, unicode, &user, &user_len) != 0 ||
	    ntlm_string_to_wire(in->domain, unicode, &domain, &domain_len) != 0 ||
	    ntlm_string_to_wire(in->workstation, unicode, &ws, &ws_len) != 0) {
		s = SEC_E_INVALID_PARAMETER;
		goto out;
	}
	memset(&a, 0, sizeof(a));
	a.flags = in->flags;
	a.lm = (struct ntlm_bytes){lm, sizeof(lm)};
	a.nt = (struct ntlm_bytes){nt, nt_len};
	a.domain = (struct ntlm_bytes){domain, domain_len};
	a.user = (struct ntlm_bytes){user, user_len};
	a.workstation = (struct ntlm_bytes){ws, ws_len};
	if (in->flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		a.session_key = (struct ntlm_bytes){enc_key, 16};
	a.version = in->version;
	out = ntlm_encode_authenticate(&a, has_ts, len);
	if (out == NULL) {
		s = SEC_E_INSUFFICIENT_MEMORY;
		goto out;
	}
	if (has_ts) {
		uint8_t mic[16];

		ntlm_mic(exported, in->negotiate, in->challenge, (struct ntlm_bytes){out, *len}, mic);
		memcpy(out + NTLM_MIC_OFFSET, mic, 16);
	}
	*msg = out;
	s = SEC_E_OK;
out:
	if (s != SEC_E_OK)
		sg_wipe(exported, 16);
	sg_wipe(ntowf, sizeof(ntowf));
	sg_wipe(base, sizeof(base));
	free(avs);
	free(nt);
	free(user);
	free(domain);
	free(ws);
	return s;
}

SECURITY_STATUS ntlm_check_response(const uint8_t nt_hash[16], const char *user,
				    const char *domain, const uint8_t server_challenge[8],
				    struct ntlm_bytes nt_response, uint8_t base_key[16])
{
	uint8_t ntowf[16], proof[16];
	SECURITY_STATUS s = SEC_E_LOGON_DENIED;

	if (nt_response.len < 16 + BLOB_HEADER)
		return SEC_E_INVALID_TOKEN;
	if (ntlm_ntowfv2(nt_hash, user, domain, ntowf) != 0)
		return SEC_E_LOGON_DENIED;
	ntlm_proof(ntowf, server_challenge, nt_response.data + 16, nt_response.len - 16, proof);
	if (ntlm_equal(proof, nt_response.data, 16)) {
		ntlm_session_base_key(ntowf, proof, base_key);
		s = SEC_E_OK;
	}
	sg_wipe(ntowf, sizeof(ntowf));
	return s;
}

void ntlm_server_result_clear(struct ntlm_server_result *r)
{
	free(r->user);
	free(r->domain);
	free(r->workstation);
	free(r->auth_user);
	free(r->auth_domain);
	sg_wipe(r, sizeof(*r));
}

/* Is every byte zero? */
static int all_zero(struct ntlm_bytes b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < b.len; i++)
		d |= b.data[i];
	return d == 0;
}

/* The host of an SPN "class/host[:port][/name][@realm]", in place. */
static const char *spn_host(char *spn)
{
	char *host = strchr(spn, '/'), *end;

	if (host == NULL)
		return spn;
	host++;
	end = host + strcspn(host, ":/@");
	*end = '\0';
	return host;
}

/* Is the SPN one of ours: in the list, or, with no list, naming this host
 * (by its full or its first-label name) with any service class? */
static int target_is_ours(char *spn, const char *const *names)
{
	char self[256], *dot;
	const char *host;

	if (names != NULL) {
		for (; *names != NULL; names++)
			if (ntlm_same_name(spn, *names))
				return 1;
		return 0;
	}
	if (gethostname(self, sizeof(self)) != 0)
		return 0;
	self[sizeof(self) - 1] = '\0';
	host = spn_host(spn);
	if (ntlm_same_name(host, self))
		return 1;
	dot = strchr(self, '.');
	if (dot != NULL)
		*dot = '\0';
	return ntlm_same_name(host, self);
}

SECURITY_STATUS ntlm_check_epa(struct ntlm_bytes nt_response, const uint8_t *cb_hash,
			       const struct ntlm_epa *epa, const char **why)
{
	static const struct ntlm_epa when_supported = {NTLM_EPA_WHEN_SUPPORTED, 0, NULL, 0};
	struct ntlm_bytes avs, v;
	int required;

	*why = NULL;
	if (epa == NULL)
		epa = &when_supported;
	required = epa->level == NTLM_EPA_REQUIRED;
	if (epa->level == NTLM_EPA_OFF)
		return SEC_E_OK;
	if (nt_response.len < 16 + BLOB_HEADER + 4) {
		*why = "the NTLMv2 response is too short";
		return SEC_E_INVALID_TOKEN;
	}
	avs = (struct ntlm_bytes){nt_response.data + 16 + BLOB_HEADER,
				  nt_response.len - 16 - BLOB_HEADER};
	if (!ntlm_av_valid(avs)) {
		*why = "the NTLMv2 response is malformed";
		return SEC_E_INVALID_TOKEN;
	}
	/* Bindings the client sent must be ours; zeros mean "none". */
	if (ntlm_av_find(avs, MSV_AV_CHANNEL_BINDINGS, &v) == 1 && !all_zero(v)) {
		if (cb_hash != NULL && (v.len != 16 || !ntlm_equal(v.data, cb_hash, 16))) {
			*why = "the channel bindings do not match ours";
			return SEC_E_BAD_BINDINGS;
		}
	} else if (required) {
		*why = "extended protection is required and the client sent no channel bindings";
		return SEC_E_BAD_BINDINGS;
	}
	if (required && cb_hash == NULL) {
		*why = "extended protection is required and the server gave no channel bindings";
		return SEC_E_BAD_BINDINGS;
	}
	if (epa->check_target) {
		char *spn = NULL;
		int ours;

		if (ntlm_av_find(avs, MSV_AV_TARGET_NAME, &v) != 1 || v.len == 0) {
			if (!required)
				return SEC_E_OK;
			*why = "extended protection is required and the client named no target";
			return SEC_E_BAD_BINDINGS;
		}
		if (ntlm_string_from_wire(v, 1, &spn) != 0) {
			*why = "the client's target name is malformed";
			return SEC_E_INVALID_TOKEN;
		}
		ours = target_is_ours(spn, epa->names);
		free(spn);
		if (!ours) {
			*why = "the client's target name is not one of this service's names";
			return SEC_E_BAD_BINDINGS;
		}
	}
	return SEC_E_OK;
}

#define FAIL(code, text)         \
	do {                     \
		s = (code);      \
		*why = (text);   \
		goto fail;       \
	} while (0)

/* The MIC over the three messages (MS-NLMP 3.2.5.1.2), on a copy of the
 * AUTHENTICATE message with its MIC field zeroed. */
static SECURITY_STATUS check_mic(const struct ntlm_server_input *in, const uint8_t exported[16],
				 const uint8_t *mic)
{
	uint8_t *copy, want[16];
	int same;

	copy = malloc(in->authenticate.len);
	if (copy == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(copy, in->authenticate.data, in->authenticate.len);
	memset(copy + NTLM_MIC_OFFSET, 0, 16);
	ntlm_mic(exported, in->negotiate, in->challenge,
		 (struct ntlm_bytes){copy, in->authenticate.len}, want);
	free(copy);
	same = ntlm_equal(want, mic, 16);
	sg_wipe(want, sizeof(want));
	return same ? SEC_E_OK : SEC_E_MESSAGE_ALTERED;
}

SECURITY_STATUS ntlm_server_verify(const struct ntlm_server_input *in,
				   struct ntlm_server_result *out, const char **why)
{
	int unicode = (in->flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	struct ntlm_authenticate a;
	struct ntlm_challenge ours;
	struct ntlm_bytes blob, avs, v, our_ts = {NULL, 0};
	uint8_t base[16];
	uint64_t t, now, skew;
	uint32_t av_flags = 0;
	const char *epa_why;
	SECURITY_STATUS s;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (ntlm_decode_authenticate(in->authenticate.data, in->authenticate.len, &a) != 0) {
		*why = "the client's token is no AUTHENTICATE message";
		return SEC_E_INVALID_TOKEN;
	}
	if (ntlm_string_from_wire(a.user, unicode, &out->user) != 0 ||
	    ntlm_string_from_wire(a.domain, unicode, &out->domain) != 0 ||
	    ntlm_string_from_wire(a.workstation, unicode, &out->workstation) != 0)
		FAIL(SEC_E_INVALID_TOKEN, "a name in the AUTHENTICATE message is malformed");
	/* Anonymous (no user, no NT response) and NTLMv1 (a 24-byte NT
	 * response) are refused: only NTLMv2 authenticates here. */
	if (a.nt.len <= 24)
		FAIL(SEC_E_LOGON_DENIED, a.nt.len == 0 ? "anonymous logons are refused"
						       : "NTLMv1 responses are refused");
	if (a.nt.len < 16 + BLOB_HEADER + 4)
		FAIL(SEC_E_INVALID_TOKEN, "the NTLMv2 response is too short");
	blob = (struct ntlm_bytes){a.nt.data + 16, a.nt.len - 16};
	avs = (struct ntlm_bytes){blob.data + BLOB_HEADER, blob.len - BLOB_HEADER};
	if (blob.data[0] != 1 || blob.data[1] != 1 || !ntlm_av_valid(avs))
		FAIL(SEC_E_INVALID_TOKEN, "the NTLMv2 response is malformed");
	s = in->validate(in->validate_arg, out->user, out->domain, in->server_challenge, a.nt,
			 base, &out->auth_domain, &out->auth_user);
	if (s != SEC_E_OK)
		goto fail;

	/* Only an authentic response gets its timestamp looked at, so the
	 * answer to a guess never depends on the clock. The difference is
	 * taken unsigned: any 64-bit timestamp, however far off, is refused. */
	t = ntlm_le64(blob.data + 8);
	now = ntlm_filetime(in->now);
	skew = now > t ? now - t : t - now;
	if (skew > (uint64_t)in->max_skew * FILETIME_PER_SECOND)
		FAIL(SEC_E_TIME_SKEW, "the response's timestamp is too far from our clock");

	if (in->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		if (a.session_key.len != 16)
			FAIL(SEC_E_INVALID_TOKEN, "the encrypted session key is missing");
		ntlm_rc4_key(base, a.session_key.data, out->exported);
	} else {
		memcpy(out->exported, base, 16);
	}

	/* MS-NLMP 3.1.5.1.2: a client that answers a CHALLENGE carrying
	 * MsvAvTimestamp sends a MIC; it decides so from the timestamp. The
	 * timestamp comes back inside the authenticated response, so a
	 * CHALLENGE whose timestamp was removed or renamed on the way (to
	 * make the client leave the MIC out, and with it the protection of
	 * the NEGOTIATE and CHALLENGE flags) is seen here. */
	if (ntlm_decode_challenge(in->challenge.data, in->challenge.len, &ours) == 0 &&
	    ntlm_av_find(ours.target_info, MSV_AV_TIMESTAMP, &our_ts) == 1) {
		if (ntlm_av_find(avs, MSV_AV_TIMESTAMP, &v) != 1 || v.len != our_ts.len ||
		    memcmp(v.data, our_ts.data, v.len) != 0)
			FAIL(SEC_E_MESSAGE_ALTERED,
			     "the response does not carry our CHALLENGE's timestamp");
	}
	if (ntlm_av_find(avs, MSV_AV_FLAGS, &v) == 1 && v.len == 4)
		av_flags = ntlm_le32(v.data);
	/* A client that never sends a MIC (Samba's and curl's raw NTLMSSP
	 * do not) is let in, as Windows lets it in (MS-NLMP 3.2.5.1.2 checks
	 * a MIC only when MsvAvFlags announces one), unless the server
	 * requires one. */
	if (our_ts.data != NULL && !(av_flags & MSV_AV_FLAG_MIC_PRESENT) && in->epa != NULL &&
	    in->epa->require_mic)
		FAIL(SEC_E_INVALID_TOKEN, "the client sent no MIC, which this server requires");
	if (av_flags & MSV_AV_FLAG_MIC_PRESENT) {
		if (a.mic == NULL)
			FAIL(SEC_E_INVALID_TOKEN, "a MIC is announced but has no room");
		s = check_mic(in, out->exported, a.mic);
		if (s == SEC_E_INSUFFICIENT_MEMORY)
			FAIL(s, "out of memory");
		if (s != SEC_E_OK)
			FAIL(s, "the MIC does not match the three messages");
		out->mic = 1;
	}

	s = ntlm_check_epa(a.nt, in->cb_hash, in->epa, &epa_why);
	if (s != SEC_E_OK)
		FAIL(s, epa_why);
	sg_wipe(base, sizeof(base));
	return SEC_E_OK;
fail:
	sg_wipe(base, sizeof(base));
	ntlm_server_result_clear(out);
	return s;
}
