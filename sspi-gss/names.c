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
