/*
 * strings.c - strict UTF-8/UTF-16 conversion on libunistring.
 *
 * libunistring is used rather than iconv because it validates exactly
 * (u16_check finds unpaired surrogates) and needs no locale.
 */
#include "strings.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>

size_t sg_utf16_len(const SEC_WCHAR *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

SECURITY_STATUS sg_utf16_to_utf8(const SEC_WCHAR *s, size_t n, char **out, size_t *out_len)
{
	uint8_t *u8;
	size_t len = 0;
	char *res;

	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (s == NULL && n != 0)
		return SEC_E_INVALID_PARAMETER;
	if (n != 0 && u16_check(s, n) != NULL)
		return SEC_E_INVALID_PARAMETER;
	if (n == 0) {
		res = calloc(1, 1);
		if (res == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		*out = res;
		return SEC_E_OK;
	}
	u8 = u16_to_u8(s, n, NULL, &len);
	if (u8 == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	/* u16_to_u8 does not terminate; add the NUL in a buffer we control, and
	 * wipe the temporary since it may be a password. */
	res = malloc(len + 1);
	if (res != NULL) {
		memcpy(res, u8, len);
		res[len] = '\0';
	}
	sg_wipe(u8, len);
	free(u8);
	if (res == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	*out = res;
	if (out_len != NULL)
		*out_len = len;
	return SEC_E_OK;
}

SECURITY_STATUS sg_utf16_to_cstr(const SEC_WCHAR *s, size_t n, char **out)
{
	*out = NULL;
	for (size_t i = 0; s != NULL && i < n; i++)
		if (s[i] == 0)
			return SEC_E_INVALID_PARAMETER;
	return sg_utf16_to_utf8(s, n, out, NULL);
}

SECURITY_STATUS sg_utf8_to_utf16(const char *s, size_t n, SEC_WCHAR **out, size_t *out_len)
{
	uint16_t *u16, *res;
	size_t len = 0;

	*out = NULL;
	if (out_len != NULL)
		*out_len = 0;
	if (s == NULL && n != 0)
		return SEC_E_INVALID_PARAMETER;
	if (n != 0 && u8_check((const uint8_t *)s, n) != NULL)
		return SEC_E_INVALID_PARAMETER;
	if (n == 0) {
		res = calloc(1, sizeof(*res));
		if (res == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		*out = res;
		return SEC_E_OK;
	}
	u16 = u8_to_u16((const uint8_t *)s, n, NULL, &len);
	if (u16 == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	res = malloc((len + 1) * sizeof(*res));
	if (res != NULL) {
		memcpy(res, u16, len * sizeof(*res));
		res[len] = 0;
	}
	sg_wipe(u16, len * sizeof(*u16));
	free(u16);
	if (res == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	*out = res;
	if (out_len != NULL)
		*out_len = len;
	return SEC_E_OK;
}

SECURITY_STATUS sg_utf8_to_cstr(const char *s, size_t n, char **out)
{
	char *res;

	*out = NULL;
	if (s == NULL && n != 0)
		return SEC_E_INVALID_PARAMETER;
	if (n != 0 && (memchr(s, 0, n) != NULL || u8_check((const uint8_t *)s, n) != NULL))
		return SEC_E_INVALID_PARAMETER;
	res = malloc(n + 1);
	if (res == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	if (n != 0)
		memcpy(res, s, n);
	res[n] = '\0';
	*out = res;
	return SEC_E_OK;
}

void sg_wipe(void *p, size_t n)
{
	if (p != NULL && n != 0)
		explicit_bzero(p, n);
}

void sg_free_secret(char *s)
{
	if (s != NULL) {
		sg_wipe(s, strlen(s));
		free(s);
	}
}

int sg_ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca == 0)
			return 0;
	}
}

void sg_neutralise_controls(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7F) {
			*p = '?';
		} else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			p[0] = p[1] = '?';
			p++;
		}
	}
}
