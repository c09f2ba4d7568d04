/*
 * base64.h - base64 (RFC 4648) for the programs that carry tokens in text:
 * tools/sspi-gss-http.c (HTTP Negotiate headers) and
 * tests/interop/ntlm_auth_peer.c (Samba's helper protocol). Header-only, so
 * each program stays one file.
 */
#ifndef SG_TOOLS_BASE64_H
#define SG_TOOLS_BASE64_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char sg_b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The base64 text of n bytes, malloc'ed and NUL-terminated; NULL if out of
 * memory. */
static inline char *sg_b64_encode(const unsigned char *p, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		*o++ = sg_b64_alphabet[v >> 18 & 63];
		*o++ = sg_b64_alphabet[v >> 12 & 63];
		*o++ = i + 1 < n ? sg_b64_alphabet[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? sg_b64_alphabet[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

/* Decodes the base64 text up to a space, CR, LF or the end into a
 * malloc'ed buffer (*len bytes); NULL on a character outside the alphabet
 * or out of memory. */
static inline unsigned char *sg_b64_decode(const char *s, size_t *len)
{
	size_t n = 0;
	unsigned char *out = malloc(strlen(s) / 4 * 3 + 3);
	uint32_t v = 0;
	int bits = 0;

	if (out == NULL)
		return NULL;
	for (; *s != '\0' && *s != ' ' && *s != '\r' && *s != '\n'; s++) {
		const char *c = strchr(sg_b64_alphabet, *s);

		if (*s == '=')
			continue;
		if (c == NULL) {
			free(out);
			return NULL;
		}
		v = v << 6 | (uint32_t)(c - sg_b64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	*len = n;
	return out;
}

#endif
