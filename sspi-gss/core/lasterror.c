/*
 * lasterror.c - SspiGssGetLastErrorText: the mechanism's own words behind
 * the last SEC_E_* that came from a mechanism in this thread.
 *
 * A SECURITY_STATUS says "logon denied"; Heimdal knows why ("Client
 * (nobody@SSPI.TEST) unknown", "Preauthentication failed"). The text is
 * taken when the status is mapped (sg_status_from_gss), with
 * gss_display_status, which reads the message Heimdal keeps per thread for
 * its last error. Errors are rare, so the formatting cost is off the
 * success path; the buffer is thread-local, so no lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gssapi/gssapi.h>
#include <krb5.h>

#include <sspi-gss.h>

#include "status.h"
#include "strings.h"
#include "trace.h"

static _Thread_local char last_error[512];
/* The status the text explains, and whether a trace line has shown it. */
static _Thread_local SECURITY_STATUS last_status;
static _Thread_local int last_fresh;

/* Appends every message of one status value, "; " between them. */
static void append_status(char *buf, size_t cap, OM_uint32 value, int type)
{
	OM_uint32 minor, more = 0;
	gss_buffer_desc text;

	do {
		size_t used = strlen(buf);
		const char *t;
		size_t n;

		if (GSS_ERROR(gss_display_status(&minor, value, type, GSS_C_NO_OID, &more, &text)))
			return;
		t = text.value;
		n = text.length;
		while (n > 0 && *t == ' ') /* Heimdal's GSS texts start with one */
			t++, n--;
		if (n != 0 && used < cap - 1)
			snprintf(buf + used, cap - used, "%s%.*s", used ? "; " : "", (int)n, t);
		gss_release_buffer(&minor, &text);
	} while (more != 0);
}

/*
 * A minor code that Heimdal's mechanism did not set (the Kerberos fast
 * path's, krb5_fast.c, and other code of ours on the krb5 API) is unknown
 * to gss_display_status, which then says "unknown mech-code N for mech
 * unknown". Those codes are krb5 error codes or errno values, and
 * krb5_get_error_message words both as Heimdal would (its com_err tables,
 * strerror). Only on the failure path: a krb5 context is made for it.
 */
static void append_krb5_code(char *buf, size_t cap, OM_uint32 code)
{
	krb5_context k;
	const char *m;
	size_t used = strlen(buf);

	if (krb5_init_context(&k) != 0)
		return;
	m = krb5_get_error_message(k, (krb5_error_code)code);
	if (m != NULL && used < cap - 1)
		snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", m);
	krb5_free_error_message(k, m);
	krb5_free_context(k);
}

static void append_mech_code(char *buf, size_t cap, OM_uint32 code)
{
	char mech[sizeof(last_error)] = "";

	append_status(mech, sizeof(mech), code, GSS_C_MECH_CODE);
	if (mech[0] == '\0' || strstr(mech, "unknown mech-code") != NULL) {
		append_krb5_code(buf, cap, code);
		return;
	}
	if (strlen(buf) < cap - 1)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? "; " : "", mech);
}

void sg_last_error_from_gss(OM_uint32 major, OM_uint32 minor, SECURITY_STATUS s)
{
	char text[sizeof(last_error)] = "";

	/* The mechanism's message first: it names the cause. */
	if (minor != 0)
		append_mech_code(text, sizeof(text), minor);
	append_status(text, sizeof(text), major, GSS_C_GSS_CODE);
	sg_neutralise_controls(text);
	memcpy(last_error, text, sizeof(last_error));
	last_status = s;
	last_fresh = 1;
}

void sg_last_error_set(SECURITY_STATUS s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	/* The text may carry names a peer sent: no control characters. */
	sg_neutralise_controls(last_error);
	last_status = s;
	last_fresh = 1;
}

const char *sg_last_error_for(SECURITY_STATUS s)
{
	if (!last_fresh || last_status != s || last_error[0] == '\0')
		return NULL;
	last_fresh = 0;
	return last_error;
}

const char *SspiGssGetLastErrorText(void)
{
	return last_error;
}
