/*
 * spnego.c - see spnego.h. DER as RFC 4178 section 4.2 writes it:
 *
 *   InitialContextToken ::= [APPLICATION 0] IMPLICIT SEQUENCE {
 *       thisMech MechType (1.3.6.1.5.5.2), innerContextToken [0] NegTokenInit }
 *   NegTokenInit  ::= SEQUENCE { mechTypes [0] MechTypeList, reqFlags [1]
 *       ContextFlags OPTIONAL, mechToken [2] OCTET STRING OPTIONAL,
 *       mechListMIC [3] OCTET STRING OPTIONAL }
 *   NegTokenInit2 ::= (MS-SPNG 2.2.1) the same, but negHints [3] SEQUENCE
 *       and mechListMIC [4]
 *   NegTokenResp  ::= [1] SEQUENCE { negState [0] ENUMERATED OPTIONAL,
 *       supportedMech [1] MechType OPTIONAL, responseToken [2] OCTET STRING
 *       OPTIONAL, mechListMIC [3] OCTET STRING OPTIONAL }
 *
 * Lengths up to four bytes are read; indefinite lengths (BER) are refused.
 */
#include "spnego.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t oid_spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
static const uint8_t oid_krb5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_krb5_ms[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_ntlm[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};

const struct spnego_bytes spnego_oid_spnego = {oid_spnego, sizeof(oid_spnego)};
const struct spnego_bytes spnego_oid_krb5 = {oid_krb5, sizeof(oid_krb5)};
const struct spnego_bytes spnego_oid_krb5_ms = {oid_krb5_ms, sizeof(oid_krb5_ms)};
const struct spnego_bytes spnego_oid_ntlm = {oid_ntlm, sizeof(oid_ntlm)};

int spnego_oid_equal(struct spnego_bytes a, struct spnego_bytes b)
{
	return a.data != NULL && b.data != NULL && a.len == b.len &&
	       memcmp(a.data, b.data, a.len) == 0;
}

enum {
	TAG_APPLICATION0 = 0x60,
	TAG_OID = 0x06,
	TAG_OCTETS = 0x04,
	TAG_ENUM = 0x0a,
	TAG_SEQUENCE = 0x30,
	TAG_CTX0 = 0xa0,
	TAG_CTX1 = 0xa1,
	TAG_CTX2 = 0xa2,
	TAG_CTX3 = 0xa3,
	TAG_CTX4 = 0xa4,
};

/* ---------------------------------------------------------------- reading */

struct der {
	const uint8_t *p;
	size_t len;
};

static int der_next_is(const struct der *d, uint8_t tag)
{
	return d->len > 0 && d->p[0] == tag;
}

/* Takes one TLV with the tag: *content gets its value, *whole (if given)
 * the TLV itself. */
static int der_take(struct der *d, uint8_t tag, struct der *content, struct spnego_bytes *whole)
{
	size_t n = 0, header;

	if (d->len < 2 || d->p[0] != tag)
		return -1;
	if (d->p[1] < 0x80) {
		n = d->p[1];
		header = 2;
	} else {
		size_t k = d->p[1] & 0x7f;

		if (k == 0 || k > 4 || d->len < 2 + k)
			return -1;
		for (size_t i = 0; i < k; i++)
			n = n << 8 | d->p[2 + i];
		header = 2 + k;
	}
	if (n > d->len - header)
		return -1;
	content->p = d->p + header;
	content->len = n;
	if (whole != NULL) {
		whole->data = d->p;
		whole->len = header + n;
	}
	d->p += header + n;
	d->len -= header + n;
	return 0;
}

static struct spnego_bytes bytes(struct der d)
{
	struct spnego_bytes b = {d.p, d.len};

	return b;
}

/* [tag] { OCTET STRING } into *out. */
static int take_octets(struct der *seq, uint8_t tag, struct spnego_bytes *out)
{
	struct der outer, inner;

	if (der_take(seq, tag, &outer, NULL) != 0 || der_take(&outer, TAG_OCTETS, &inner, NULL) != 0 ||
	    outer.len != 0)
		return -1;
	*out = bytes(inner); /* data points into the token even when empty */
	return 0;
}

static int decode_mech_types(struct der *seq, struct spnego_init *out)
{
	struct der outer, list, oid;

	if (der_take(seq, TAG_CTX0, &outer, NULL) != 0 ||
	    der_take(&outer, TAG_SEQUENCE, &list, &out->mech_types) != 0 || outer.len != 0)
		return -1;
	while (list.len != 0) {
		if (der_take(&list, TAG_OID, &oid, NULL) != 0 || oid.len == 0)
			return -1;
		if (out->nmechs < SPNEGO_MAX_MECHS)
			out->mechs[out->nmechs] = bytes(oid);
		out->nmechs++;
	}
	return out->nmechs != 0 ? 0 : -1;
}

int spnego_token_mech(const uint8_t *token, size_t len, struct spnego_bytes *oid)
{
	struct der d = {token, len}, app, o;

	if (token == NULL || der_take(&d, TAG_APPLICATION0, &app, NULL) != 0 || d.len != 0 ||
	    der_take(&app, TAG_OID, &o, NULL) != 0 || o.len == 0)
		return -1;
	*oid = bytes(o);
	return 0;
}

int spnego_decode_init(const uint8_t *token, size_t len, struct spnego_init *out)
{
	struct der d = {token, len}, app, oid, inner, seq, skip;

	memset(out, 0, sizeof(*out));
	if (token == NULL || der_take(&d, TAG_APPLICATION0, &app, NULL) != 0 || d.len != 0 ||
	    der_take(&app, TAG_OID, &oid, NULL) != 0 ||
	    !spnego_oid_equal(bytes(oid), spnego_oid_spnego) ||
	    der_take(&app, TAG_CTX0, &inner, NULL) != 0 || app.len != 0 ||
	    der_take(&inner, TAG_SEQUENCE, &seq, NULL) != 0 || inner.len != 0)
		return -1;
	if (decode_mech_types(&seq, out) != 0)
		return -1;
	if (der_next_is(&seq, TAG_CTX1) && der_take(&seq, TAG_CTX1, &skip, NULL) != 0)
		return -1; /* reqFlags: deprecated, ignored (RFC 4178 4.2.1) */
	if (der_next_is(&seq, TAG_CTX2) && take_octets(&seq, TAG_CTX2, &out->mech_token) != 0)
		return -1;
	if (der_next_is(&seq, TAG_CTX3)) {
		/* [3] is the MIC in NegTokenInit, negHints in NegTokenInit2. */
		struct der probe = seq, hints;

		if (der_take(&probe, TAG_CTX3, &hints, NULL) != 0)
			return -1;
		if (der_next_is(&hints, TAG_SEQUENCE)) {
			seq = probe;
			if (der_next_is(&seq, TAG_CTX4) &&
			    take_octets(&seq, TAG_CTX4, &out->mech_list_mic) != 0)
				return -1;
		} else if (take_octets(&seq, TAG_CTX3, &out->mech_list_mic) != 0) {
			return -1;
		}
	}
	return seq.len == 0 ? 0 : -1;
}

int spnego_decode_resp(const uint8_t *token, size_t len, struct spnego_resp *out)
{
	struct der d = {token, len}, outer, seq, field, value;

	memset(out, 0, sizeof(*out));
	out->state = SPNEGO_ABSENT;
	if (token == NULL || der_take(&d, TAG_CTX1, &outer, NULL) != 0 || d.len != 0 ||
	    der_take(&outer, TAG_SEQUENCE, &seq, NULL) != 0 || outer.len != 0)
		return -1;
	if (der_next_is(&seq, TAG_CTX0)) {
		if (der_take(&seq, TAG_CTX0, &field, NULL) != 0 ||
		    der_take(&field, TAG_ENUM, &value, NULL) != 0 || field.len != 0 ||
		    value.len != 1 || value.p[0] > SPNEGO_REQUEST_MIC)
			return -1;
		out->state = (enum spnego_state)value.p[0];
	}
	if (der_next_is(&seq, TAG_CTX1)) {
		if (der_take(&seq, TAG_CTX1, &field, NULL) != 0 ||
		    der_take(&field, TAG_OID, &value, NULL) != 0 || field.len != 0 || value.len == 0)
			return -1;
		out->supported_mech = bytes(value);
	}
	if (der_next_is(&seq, TAG_CTX2) && take_octets(&seq, TAG_CTX2, &out->response_token) != 0)
		return -1;
	if (der_next_is(&seq, TAG_CTX3) && take_octets(&seq, TAG_CTX3, &out->mech_list_mic) != 0)
		return -1;
	return seq.len == 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- writing */

static size_t header_size(size_t n)
{
	size_t k = 0;

	if (n < 0x80)
		return 2;
	for (size_t v = n; v != 0; v >>= 8)
		k++;
	return 2 + k;
}

static uint8_t *put_header(uint8_t *p, uint8_t tag, size_t n)
{
	*p++ = tag;
	if (n < 0x80) {
		*p++ = (uint8_t)n;
	} else {
		size_t k = header_size(n) - 2;

		*p++ = (uint8_t)(0x80 | k);
		for (size_t i = k; i > 0; i--)
			*p++ = (uint8_t)(n >> (8 * (i - 1)));
	}
	return p;
}

/* One TLV around the concatenation of the present parts, malloc'ed. */
static int wrap(uint8_t tag, const struct spnego_bytes *parts, size_t nparts,
		struct spnego_bytes *out)
{
	size_t n = 0;
	uint8_t *buf, *p;

	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].len > ((size_t)1 << 31) - n)
			return -1;
		n += parts[i].len;
	}
	buf = malloc(header_size(n) + n);
	if (buf == NULL)
		return -1;
	p = put_header(buf, tag, n);
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].len != 0) {
			memcpy(p, parts[i].data, parts[i].len);
			p += parts[i].len;
		}
	out->data = buf;
	out->len = (size_t)(p - buf);
	return 0;
}

/* Frees what wrap made. */
static void drop(struct spnego_bytes *b)
{
	free((void *)b->data);
	b->data = NULL;
	b->len = 0;
}

/* [tag] { inner_tag value }, or nothing (absent) when value.data is NULL. */
static int field(uint8_t tag, uint8_t inner_tag, struct spnego_bytes value,
		 struct spnego_bytes *out)
{
	struct spnego_bytes inner;
	int rc;

	out->data = NULL;
	out->len = 0;
	if (value.data == NULL)
		return 0;
	if (wrap(inner_tag, &value, 1, &inner) != 0)
		return -1;
	rc = wrap(tag, &inner, 1, out);
	drop(&inner);
	return rc;
}

int spnego_encode_mech_types(const struct spnego_bytes *mechs, size_t n, uint8_t **out,
			     size_t *len)
{
	struct spnego_bytes oids[SPNEGO_MAX_MECHS], list;
	int rc = -1;
	size_t done = 0;

	if (n == 0 || n > SPNEGO_MAX_MECHS)
		return -1;
	for (; done < n; done++)
		if (wrap(TAG_OID, &mechs[done], 1, &oids[done]) != 0)
			goto out;
	if (wrap(TAG_SEQUENCE, oids, n, &list) == 0) {
		*out = (uint8_t *)list.data;
		*len = list.len;
		rc = 0;
	}
out:
	for (size_t i = 0; i < done; i++)
		drop(&oids[i]);
	return rc;
}

int spnego_encode_init(struct spnego_bytes mech_types, struct spnego_bytes mech_token,
		       uint8_t **out, size_t *len)
{
	struct spnego_bytes f[2] = {{NULL, 0}, {NULL, 0}}, seq = {NULL, 0}, inner = {NULL, 0};
	struct spnego_bytes app[2], token;
	int rc = -1;

	if (mech_types.data == NULL || wrap(TAG_CTX0, &mech_types, 1, &f[0]) != 0 ||
	    field(TAG_CTX2, TAG_OCTETS, mech_token, &f[1]) != 0 || wrap(TAG_SEQUENCE, f, 2, &seq) != 0 ||
	    wrap(TAG_CTX0, &seq, 1, &inner) != 0)
		goto out;
	if (wrap(TAG_OID, &spnego_oid_spnego, 1, &app[0]) != 0)
		goto out;
	app[1] = inner;
	rc = wrap(TAG_APPLICATION0, app, 2, &token);
	drop(&app[0]);
	if (rc == 0) {
		*out = (uint8_t *)token.data;
		*len = token.len;
	}
out:
	drop(&f[0]);
	drop(&f[1]);
	drop(&seq);
	drop(&inner);
	return rc;
}

int spnego_encode_resp(enum spnego_state state, struct spnego_bytes supported_mech,
		       struct spnego_bytes response_token, struct spnego_bytes mech_list_mic,
		       uint8_t **out, size_t *len)
{
	uint8_t state_byte = (uint8_t)state;
	struct spnego_bytes f[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}}, seq = {NULL, 0};
	struct spnego_bytes st = {&state_byte, 1}, token;
	int rc = -1;

	if (state != SPNEGO_ABSENT && field(TAG_CTX0, TAG_ENUM, st, &f[0]) != 0)
		goto out;
	if (field(TAG_CTX1, TAG_OID, supported_mech, &f[1]) != 0 ||
	    field(TAG_CTX2, TAG_OCTETS, response_token, &f[2]) != 0 ||
	    field(TAG_CTX3, TAG_OCTETS, mech_list_mic, &f[3]) != 0 ||
	    wrap(TAG_SEQUENCE, f, 4, &seq) != 0)
		goto out;
	rc = wrap(TAG_CTX1, &seq, 1, &token);
	if (rc == 0) {
		*out = (uint8_t *)token.data;
		*len = token.len;
	}
out:
	for (int i = 0; i < 4; i++)
		drop(&f[i]);
	drop(&seq);
	return rc;
}
