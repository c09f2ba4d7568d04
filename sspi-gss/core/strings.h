/*
 * strings.h - UTF-16 (SEC_WCHAR) <-> UTF-8 conversion at the API edge.
 *
 * Everything below the API layer is UTF-8. Conversion is strict: malformed
 * UTF-16 (unpaired surrogates) or UTF-8 is refused, never repaired or cut
 * short. Results are malloc'ed and always NUL-terminated.
 */
#ifndef SG_STRINGS_H
#define SG_STRINGS_H

#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

/* Length in code units of a NUL-terminated UTF-16 string. */
size_t sg_utf16_len(const SEC_WCHAR *s);

/* Converts n code units of s. *out_len (may be NULL) gets the byte length,
 * which counts embedded NULs. SEC_E_INVALID_PARAMETER for malformed input,
 * SEC_E_INSUFFICIENT_MEMORY when allocation fails. */
SECURITY_STATUS sg_utf16_to_utf8(const SEC_WCHAR *s, size_t n, char **out, size_t *out_len);

/* As sg_utf16_to_utf8, for text that becomes a C string (names, passwords):
 * an embedded NUL is refused with SEC_E_INVALID_PARAMETER rather than letting
 * the string end early. */
SECURITY_STATUS sg_utf16_to_cstr(const SEC_WCHAR *s, size_t n, char **out);

/* Converts n bytes of UTF-8; *out_len (may be NULL) gets the length in code
 * units, without the terminating NUL. */
SECURITY_STATUS sg_utf8_to_utf16(const char *s, size_t n, SEC_WCHAR **out, size_t *out_len);

/* A C-string copy of n bytes of s, refusing invalid UTF-8 and embedded NULs. */
SECURITY_STATUS sg_utf8_to_cstr(const char *s, size_t n, char **out);

/* Overwrites n bytes so that the compiler cannot drop the store. */
void sg_wipe(void *p, size_t n);

/* Wipes and frees a NUL-terminated secret. NULL is accepted. */
void sg_free_secret(char *s);

/* ASCII case-insensitive equality, as SSPI compares package names. */
int sg_ascii_casecmp(const char *a, const char *b);

/* Replaces, in place, every C0 control, DEL and C1 control (U+0080 to
 * U+009F in UTF-8) with '?', so text that came from a peer cannot forge a
 * line of a trace or a terminal sequence. */
void sg_neutralise_controls(char *s);

#endif
