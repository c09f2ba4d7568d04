/*
 * trace.h - SSPI_GSS_TRACE (trace.c). Callers test SG_TRACING() first, so
 * that with tracing off no argument is formatted.
 */
#ifndef SG_TRACE_H
#define SG_TRACE_H

#include <stddef.h>

#include <sspi.h>

extern int sg_trace_enabled;
#define SG_TRACING() __builtin_expect(sg_trace_enabled, 0)

enum sg_flag_kind { SG_ISC_REQ, SG_ISC_RET, SG_ASC_REQ, SG_ASC_RET };

/* "0x00010012 MUTUAL_AUTH|CONFIDENTIALITY|..." into buf. */
const char *sg_trace_flags(char *buf, size_t cap, ULONG flags, enum sg_flag_kind kind);
/* "[TOKEN 60, DATA 15, PADDING 0]" into buf: types and sizes only. */
const char *sg_trace_buffers(char *buf, size_t cap, const SecBufferDesc *d);
/* "SIZES", "NAMES"... for SECPKG_ATTR_* 0-14, "other" beyond. */
const char *sg_trace_attribute(ULONG attribute);
/* One line: fn(args) = STATUS, with the mechanism's words for a failure. */
void sg_trace_call(const char *fn, SECURITY_STATUS s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One line that is no call: a decision taken inside one (Negotiate
 * passing Kerberos over, and why). Test SG_TRACING() first. */
void sg_trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* lasterror.c: the mechanism's text when it belongs to status s, else NULL. */
const char *sg_last_error_for(SECURITY_STATUS s);

#endif
