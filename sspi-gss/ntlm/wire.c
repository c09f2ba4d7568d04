/*
 * wire.c - NTLMSSP NEGOTIATE, CHALLENGE and AUTHENTICATE messages and AV
 * pair lists (MS-NLMP 2.2).
 *
 * Heimdal's libheimntlm has encoders and decoders for these messages, but
 * they cannot carry what an NTLMv2 client with a MIC needs: the decoded
 * target info drops pairs it does not know (MsvAvSingleHost) and is
 * re-encoded in its own order, the version field is fixed, and each
 * decoded field is a separate allocation. These decoders return views into
 * the message instead: no allocation, every offset checked against the
 * message length in 64-bit arithmetic, so no input can make them read
 * outside it.
 */
#include <stdlib.h>
#include <string.h>

#include "ntlm.h"
#include "strings.h"

static const uint8_t signature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

#define HEADER_NEGOTIATE 32
#define HEADER_CHALLENGE 48
#define HEADER_AUTHENTICATE 64
#define VERSION_SIZE 8
#define MIC_SIZE 16

uint32_t ntlm_message_type(const uint8_t *msg, size_t len)
{
	if (msg == NULL || len < 12 || memcmp(msg, signature, sizeof(signature)) != 0)
		return 0;
	return ntlm_le32(msg + 8);
}

/* A payload field (Len, MaxLen, Offset) at p. *low tracks the smallest
 * offset of a non-empty field: where the payload, and so the end of the
 * optional fixed fields, begins. */
static int get_field(const uint8_t *msg, size_t len, const uint8_t *p, struct ntlm_bytes *out,
		     uint64_t *low)
{
	uint16_t n = ntlm_le16(p);
	uint32_t off = ntlm_le32(p + 4);

	out->data = msg;
	out->len = 0;
	if (n == 0)
		return 0;
	if ((uint64_t)off + n > len)
		return -1;
	out->data = msg + off;
	out->len = n;
	if (off < *low)
		*low = off;
	return 0;
}

int ntlm_decode_negotiate(const uint8_t *msg, size_t len, struct ntlm_negotiate *out)
{
	uint64_t low = len;

	memset(out, 0, sizeof(*out));
	if (ntlm_message_type(msg, len) != 1 || len < 16)
		return -1;
	out->flags = ntlm_le32(msg + 12);
	/* Old clients end the message after the flags. */
	if (len < HEADER_NEGOTIATE)
		return 0;
	if (get_field(msg, len, msg + 16, &out->domain, &low) != 0 ||
	    get_field(msg, len, msg + 24, &out->workstation, &low) != 0)
		return -1;
	if (!(out->flags & NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED))
		out->domain.len = 0;
	if (!(out->flags & NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED))
		out->workstation.len = 0;
	return 0;
}

int ntlm_decode_challenge(const uint8_t *msg, size_t len, struct ntlm_challenge *out)
{
	uint64_t low = len;

	memset(out, 0, sizeof(*out));
	if (ntlm_message_type(msg, len) != 2 || len < 32)
		return -1;
	if (get_field(msg, len, msg + 12, &out->target_name, &low) != 0)
		return -1;
	out->flags = ntlm_le32(msg + 20);
	memcpy(out->server_challenge, msg + 24, 8);
	out->target_info.data = msg;
	if (len >= HEADER_CHALLENGE &&
	    get_field(msg, len, msg + 40, &out->target_info, &low) != 0)
		return -1;
	if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && low >= HEADER_CHALLENGE + VERSION_SIZE &&
	    len >= HEADER_CHALLENGE + VERSION_SIZE)
		out->version = msg + HEADER_CHALLENGE;
	return 0;
}

int ntlm_decode_authenticate(const uint8_t *msg, size_t len, struct ntlm_authenticate *out)
{
	uint64_t low = len;

	memset(out, 0, sizeof(*out));
	if (ntlm_message_type(msg, len) != 3 || len < HEADER_AUTHENTICATE)
		return -1;
	if (get_field(msg, len, msg + 12, &out->lm, &low) != 0 ||
	    get_field(msg, len, msg + 20, &out->nt, &low) != 0 ||
	    get_field(msg, len, msg + 28, &out->domain, &low) != 0 ||
	    get_field(msg, len, msg + 36, &out->user, &low) != 0 ||
	    get_field(msg, len, msg + 44, &out->workstation, &low) != 0 ||
	    get_field(msg, len, msg + 52, &out->session_key, &low) != 0)
		return -1;
	out->flags = ntlm_le32(msg + 60);
	if (low >= HEADER_AUTHENTICATE + VERSION_SIZE)
		out->version = msg + HEADER_AUTHENTICATE;
	if (low >= NTLM_MIC_OFFSET + MIC_SIZE)
		out->mic = msg + NTLM_MIC_OFFSET;
	return 0;
}

/* Writes a field header and copies its bytes to the payload at *off. */
static void put_field(uint8_t *msg, uint8_t *hdr, struct ntlm_bytes b, size_t *off)
{
	ntlm_put_le16(hdr, (uint16_t)b.len);
	ntlm_put_le16(hdr + 2, (uint16_t)b.len);
	ntlm_put_le32(hdr + 4, (uint32_t)*off);
	if (b.len != 0)
		memcpy(msg + *off, b.data, b.len);
	*off += b.len;
}

static int fits16(const struct ntlm_bytes *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].len > 0xFFFF)
			return 0;
	return 1;
}

uint8_t *ntlm_encode_negotiate(uint32_t flags, const uint8_t version[8], size_t *len)
{
	size_t n = HEADER_NEGOTIATE + (version != NULL ? VERSION_SIZE : 0);
	uint8_t *msg = calloc(1, n);

	if (msg == NULL)
		return NULL;
	memcpy(msg, signature, sizeof(signature));
	ntlm_put_le32(msg + 8, 1);
	ntlm_put_le32(msg + 12, flags);
	/* Domain and workstation fields stay empty, pointing at the payload
	 * start, as Windows clients send them. */
	ntlm_put_le32(msg + 20, (uint32_t)n);
	ntlm_put_le32(msg + 28, (uint32_t)n);
	if (version != NULL)
		memcpy(msg + HEADER_NEGOTIATE, version, VERSION_SIZE);
	*len = n;
	return msg;
}

uint8_t *ntlm_encode_challenge(const struct ntlm_challenge *c, size_t *len)
{
	size_t fixed = HEADER_CHALLENGE + (c->version != NULL ? VERSION_SIZE : 0);
	size_t off = fixed;
	uint8_t *msg;

	if (!fits16(&c->target_name, 1) || !fits16(&c->target_info, 1))
		return NULL;
	msg = calloc(1, fixed + c->target_name.len + c->target_info.len);
	if (msg == NULL)
		return NULL;
	memcpy(msg, signature, sizeof(signature));
	ntlm_put_le32(msg + 8, 2);
	put_field(msg, msg + 12, c->target_name, &off);
	ntlm_put_le32(msg + 20, c->flags);
	memcpy(msg + 24, c->server_challenge, 8);
	put_field(msg, msg + 40, c->target_info, &off);
	if (c->version != NULL)
		memcpy(msg + HEADER_CHALLENGE, c->version, VERSION_SIZE);
	*len = off;
	return msg;
}

uint8_t *ntlm_encode_authenticate(const struct ntlm_authenticate *a, int with_mic, size_t *len)
{
	/* A MIC sits after the version field, so the version's room is kept
	 * (zeroed) even when no version is sent. */
	size_t fixed = with_mic			? NTLM_MIC_OFFSET + MIC_SIZE
		       : a->version != NULL	? HEADER_AUTHENTICATE + VERSION_SIZE
						: HEADER_AUTHENTICATE;
	size_t off = fixed;
	struct ntlm_bytes f[6] = {a->domain, a->user, a->workstation, a->lm, a->nt,
				  a->session_key};
	uint8_t *msg;

	if (!fits16(f, 6))
		return NULL;
	msg = calloc(1, fixed + f[0].len + f[1].len + f[2].len + f[3].len + f[4].len + f[5].len);
	if (msg == NULL)
		return NULL;
	memcpy(msg, signature, sizeof(signature));
	ntlm_put_le32(msg + 8, 3);
	/* Payload order as Windows writes it: names, then responses, then
	 * the session key. */
	put_field(msg, msg + 28, a->domain, &off);
	put_field(msg, msg + 36, a->user, &off);
	put_field(msg, msg + 44, a->workstation, &off);
	put_field(msg, msg + 12, a->lm, &off);
	put_field(msg, msg + 20, a->nt, &off);
	put_field(msg, msg + 52, a->session_key, &off);
	ntlm_put_le32(msg + 60, a->flags);
	if (a->version != NULL)
		memcpy(msg + HEADER_AUTHENTICATE, a->version, VERSION_SIZE);
	*len = off;
	return msg;
}

int ntlm_av_find(struct ntlm_bytes list, uint16_t id, struct ntlm_bytes *value)
{
	size_t pos = 0;
	int found = 0;

	while (pos + 4 <= list.len) {
		uint16_t av = ntlm_le16(list.data + pos), n = ntlm_le16(list.data + pos + 2);

		pos += 4;
		if (av == MSV_AV_EOL)
			return found;
		if (pos + n > list.len)
			return -1;
		if (av == id && !found) {
			value->data = list.data + pos;
			value->len = n;
			found = 1;
		}
		pos += n;
	}
	return -1;
}

uint8_t *ntlm_av_put(uint8_t *p, uint16_t id, const void *value, size_t len)
{
	ntlm_put_le16(p, id);
	ntlm_put_le16(p + 2, (uint16_t)len);
	if (len != 0)
		memcpy(p + 4, value, len);
	return p + 4 + len;
}

int ntlm_av_valid(struct ntlm_bytes list)
{
	struct ntlm_bytes unused;

	return ntlm_av_find(list, 0xFFFF, &unused) >= 0;
}

int ntlm_string_from_wire(struct ntlm_bytes in, int unicode, char **out)
{
	*out = NULL;
	if (unicode) {
		SEC_WCHAR *u16;
		size_t n = in.len / 2;
		SECURITY_STATUS s;

		if (in.len % 2 != 0)
			return -1;
		u16 = malloc(n * sizeof(*u16) + 1);
		if (u16 == NULL)
			return -1;
		for (size_t i = 0; i < n; i++)
			u16[i] = ntlm_le16(in.data + 2 * i);
		s = sg_utf16_to_cstr(u16, n, out);
		free(u16);
		return s == SEC_E_OK ? 0 : -1;
	}
	/* OEM is a code page we do not know; only ASCII means the same in all. */
	for (size_t i = 0; i < in.len; i++)
		if (in.data[i] == 0 || in.data[i] >= 0x80)
			return -1;
	*out = malloc(in.len + 1);
	if (*out == NULL)
		return -1;
	memcpy(*out, in.data, in.len);
	(*out)[in.len] = '\0';
	return 0;
}

int ntlm_string_to_wire(const char *in, int unicode, uint8_t **out, size_t *len)
{
	size_t n = strlen(in);

	*out = NULL;
	*len = 0;
	if (unicode)
		return ntlm_utf16le(in, 0, out, len);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] >= 0x80)
			return -1;
	*out = malloc(n + 1);
	if (*out == NULL)
		return -1;
	memcpy(*out, in, n);
	*len = n;
	return 0;
}
