/*
 * names.c - target and principal names.
 */
#include "names.h"

#include <gssapi/gssapi_krb5.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

SECURITY_STATUS sg_name_import(const char *name, gss_name_t *out)
{
	gss_buffer_desc buf;
	OM_uint32 major, minor;
	size_t len;

	*out = GSS_C_NO_NAME;
	if (name == NULL || name[0] == '\0')
		return SEC_E_TARGET_UNKNOWN;
	len = strlen(name);
	/* "service/" with no host, "@REALM" with no name, or a trailing '@'
	 * cannot name a principal. */
	if (name[0] == '/' || name[0] == '@' || name[len - 1] == '/' || name[len - 1] == '@')
		return SEC_E_TARGET_UNKNOWN;
	buf.value = (void *)name;
	buf.length = len;
	major = gss_import_name(&minor, &buf, GSS_KRB5_NT_PRINCIPAL_NAME, out);
	if (GSS_ERROR(major))
		return SEC_E_TARGET_UNKNOWN;
	return SEC_E_OK;
}

char *sg_name_principal(gss_name_t name)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 minor;
	const uint8_t *p;
	size_t oid_len, name_len;
	char *s = NULL;

	/* 04 01, the OID's DER length (2 bytes) and DER, the name's length
	 * (4 bytes) and the name. */
	if (GSS_ERROR(gss_export_name(&minor, name, &buf)))
		return sg_name_display(name);
	p = buf.value;
	if (buf.length >= 4 && p[0] == 0x04 && p[1] == 0x01) {
		oid_len = (size_t)p[2] << 8 | p[3];
		if (buf.length >= 4 + oid_len + 4) {
			const uint8_t *q = p + 4 + oid_len;

			name_len = (size_t)q[0] << 24 | (size_t)q[1] << 16 | (size_t)q[2] << 8 | q[3];
			if (name_len == buf.length - 4 - oid_len - 4 &&
			    memchr(q + 4, 0, name_len) == NULL && (s = malloc(name_len + 1)) != NULL) {
				memcpy(s, q + 4, name_len);
				s[name_len] = '\0';
			}
		}
	}
	gss_release_buffer(&minor, &buf);
	return s != NULL ? s : sg_name_display(name);
}

char *sg_name_display(gss_name_t name)
{
	gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	char *s;

	major = gss_display_name(&minor, name, &buf, NULL);
	if (GSS_ERROR(major))
		return NULL;
	s = malloc(buf.length + 1);
	if (s != NULL) {
		memcpy(s, buf.value, buf.length);
		s[buf.length] = '\0';
	}
	gss_release_buffer(&minor, &buf);
	return s;
}
