/*
 * trace.c - SSPI_GSS_TRACE: one line per SSPI call.
 *
 *   SSPI_GSS_TRACE=stderr      lines go to standard error
 *   SSPI_GSS_TRACE=/path/file  lines are appended to that file
 *
 * Read once when the library is loaded; unset, tracing costs one test of a
 * global per call. A line holds the time, the thread, the function, the
 * package, flags by name, buffer types and sizes, the status by name and,
 * for a failure the mechanism explained, its words. Never buffer contents,
 * identities' passwords or keys: nothing secret reaches a trace.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sspi-gss.h>

#include "strings.h"
#include "trace.h"

int sg_trace_enabled;
static FILE *trace_out;
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * secure_getenv: a set-user-id program does not trace where its caller
 * says. The file is created private (0600: lines name users and targets)
 * and never through a symbolic link, which someone else could have
 * planted to make us append to a file of theirs.
 */
__attribute__((constructor)) static void trace_init(void)
{
	const char *where = secure_getenv("SSPI_GSS_TRACE");
	int fd;

	if (where == NULL || *where == '\0')
		return;
	if (strcmp(where, "stderr") == 0) {
		trace_out = stderr;
	} else {
		fd = open(where, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
			  0600);
		if (fd >= 0 && (trace_out = fdopen(fd, "a")) == NULL)
			close(fd);
	}
	sg_trace_enabled = trace_out != NULL;
}

__attribute__((destructor)) static void trace_fini(void)
{
	if (trace_out != NULL && trace_out != stderr)
		fclose(trace_out);
	trace_out = NULL;
	sg_trace_enabled = 0;
}

struct flag_name {
	ULONG bit;
	const char *name;
};

#define F(x) {x, #x}
static const struct flag_name isc_req[] = {
	F(ISC_REQ_DELEGATE),
	F(ISC_REQ_MUTUAL_AUTH),
	F(ISC_REQ_REPLAY_DETECT),
	F(ISC_REQ_SEQUENCE_DETECT),
	F(ISC_REQ_CONFIDENTIALITY),
	F(ISC_REQ_USE_SESSION_KEY),
	F(ISC_REQ_PROMPT_FOR_CREDS),
	F(ISC_REQ_USE_SUPPLIED_CREDS),
	F(ISC_REQ_ALLOCATE_MEMORY),
	F(ISC_REQ_USE_DCE_STYLE),
	F(ISC_REQ_DATAGRAM),
	F(ISC_REQ_CONNECTION),
	F(ISC_REQ_CALL_LEVEL),
	F(ISC_REQ_FRAGMENT_SUPPLIED),
	F(ISC_REQ_EXTENDED_ERROR),
	F(ISC_REQ_STREAM),
	F(ISC_REQ_INTEGRITY),
	F(ISC_REQ_IDENTIFY),
	F(ISC_REQ_NULL_SESSION),
	F(ISC_REQ_MANUAL_CRED_VALIDATION),
	F(ISC_REQ_RESERVED1),
	F(ISC_REQ_FRAGMENT_TO_FIT),
	F(ISC_REQ_FORWARD_CREDENTIALS),
	F(ISC_REQ_NO_INTEGRITY),
	F(ISC_REQ_USE_HTTP_STYLE),
	F(ISC_REQ_UNVERIFIED_TARGET_NAME),
	F(ISC_REQ_CONFIDENTIALITY_ONLY),
};
static const struct flag_name isc_ret[] = {
	F(ISC_RET_DELEGATE),
	F(ISC_RET_MUTUAL_AUTH),
	F(ISC_RET_REPLAY_DETECT),
	F(ISC_RET_SEQUENCE_DETECT),
	F(ISC_RET_CONFIDENTIALITY),
	F(ISC_RET_USE_SESSION_KEY),
	F(ISC_RET_USED_COLLECTED_CREDS),
	F(ISC_RET_USED_SUPPLIED_CREDS),
	F(ISC_RET_ALLOCATED_MEMORY),
	F(ISC_RET_USED_DCE_STYLE),
	F(ISC_RET_DATAGRAM),
	F(ISC_RET_CONNECTION),
	F(ISC_RET_INTERMEDIATE_RETURN),
	F(ISC_RET_CALL_LEVEL),
	F(ISC_RET_EXTENDED_ERROR),
	F(ISC_RET_STREAM),
	F(ISC_RET_INTEGRITY),
	F(ISC_RET_IDENTIFY),
	F(ISC_RET_NULL_SESSION),
	F(ISC_RET_MANUAL_CRED_VALIDATION),
	F(ISC_RET_RESERVED1),
	F(ISC_RET_FRAGMENT_ONLY),
	F(ISC_RET_FORWARD_CREDENTIALS),
	F(ISC_RET_USED_HTTP_STYLE),
	F(ISC_RET_NO_ADDITIONAL_TOKEN),
	F(ISC_RET_REAUTHENTICATION),
	F(ISC_RET_CONFIDENTIALITY_ONLY),
};
static const struct flag_name asc_req[] = {
	F(ASC_REQ_DELEGATE),
	F(ASC_REQ_MUTUAL_AUTH),
	F(ASC_REQ_REPLAY_DETECT),
	F(ASC_REQ_SEQUENCE_DETECT),
	F(ASC_REQ_CONFIDENTIALITY),
	F(ASC_REQ_USE_SESSION_KEY),
	F(ASC_REQ_SESSION_TICKET),
	F(ASC_REQ_ALLOCATE_MEMORY),
	F(ASC_REQ_USE_DCE_STYLE),
	F(ASC_REQ_DATAGRAM),
	F(ASC_REQ_CONNECTION),
	F(ASC_REQ_CALL_LEVEL),
	F(ASC_REQ_FRAGMENT_SUPPLIED),
	F(ASC_REQ_EXTENDED_ERROR),
	F(ASC_REQ_STREAM),
	F(ASC_REQ_INTEGRITY),
	F(ASC_REQ_LICENSING),
	F(ASC_REQ_IDENTIFY),
	F(ASC_REQ_ALLOW_NULL_SESSION),
	F(ASC_REQ_ALLOW_NON_USER_LOGONS),
	F(ASC_REQ_ALLOW_CONTEXT_REPLAY),
	F(ASC_REQ_FRAGMENT_TO_FIT),
	F(ASC_REQ_NO_TOKEN),
	F(ASC_REQ_PROXY_BINDINGS),
	F(ASC_REQ_ALLOW_MISSING_BINDINGS),
};
static const struct flag_name asc_ret[] = {
	F(ASC_RET_DELEGATE),
	F(ASC_RET_MUTUAL_AUTH),
	F(ASC_RET_REPLAY_DETECT),
	F(ASC_RET_SEQUENCE_DETECT),
	F(ASC_RET_CONFIDENTIALITY),
	F(ASC_RET_USE_SESSION_KEY),
	F(ASC_RET_SESSION_TICKET),
	F(ASC_RET_ALLOCATED_MEMORY),
	F(ASC_RET_USED_DCE_STYLE),
	F(ASC_RET_DATAGRAM),
	F(ASC_RET_CONNECTION),
	F(ASC_RET_CALL_LEVEL),
	F(ASC_RET_THIRD_LEG_FAILED),
	F(ASC_RET_EXTENDED_ERROR),
	F(ASC_RET_STREAM),
	F(ASC_RET_INTEGRITY),
	F(ASC_RET_LICENSING),
	F(ASC_RET_IDENTIFY),
	F(ASC_RET_NULL_SESSION),
	F(ASC_RET_ALLOW_NON_USER_LOGONS),
	F(ASC_RET_ALLOW_CONTEXT_REPLAY),
	F(ASC_RET_FRAGMENT_ONLY),
	F(ASC_RET_NO_TOKEN),
	F(ASC_RET_NO_ADDITIONAL_TOKEN),
};
#undef F

const char *sg_trace_flags(char *buf, size_t cap, ULONG flags, enum sg_flag_kind kind)
{
	static const struct {
		const struct flag_name *names;
		size_t count;
	} tables[] = {
		[SG_ISC_REQ] = {isc_req, sizeof(isc_req) / sizeof(isc_req[0])},
		[SG_ISC_RET] = {isc_ret, sizeof(isc_ret) / sizeof(isc_ret[0])},
		[SG_ASC_REQ] = {asc_req, sizeof(asc_req) / sizeof(asc_req[0])},
		[SG_ASC_RET] = {asc_ret, sizeof(asc_ret) / sizeof(asc_ret[0])},
	};
	size_t used;
	ULONG left = flags;
	const char *sep = " ";

	used = (size_t)snprintf(buf, cap, "0x%08lX", (unsigned long)flags);
	for (size_t i = 0; i < tables[kind].count && used < cap; i++) {
		const struct flag_name *f = &tables[kind].names[i];

		/* Aliases share a bit: each bit is named once. */
		if (f->bit == 0 || (left & f->bit) != f->bit)
			continue;
		left &= ~f->bit;
		/* "ISC_REQ_MUTUAL_AUTH" -> "MUTUAL_AUTH" */
		used += (size_t)snprintf(buf + used, cap - used, "%s%s", sep, f->name + 8);
		sep = "|";
	}
	return buf;
}

const char *sg_trace_attribute(ULONG attribute)
{
	static const char *const names[] = {
		"SIZES", "NAMES", "LIFESPAN", "DCE_INFO", "STREAM_SIZES", "KEY_INFO", "AUTHORITY",
		"PROTO_INFO", "PASSWORD_EXPIRY", "SESSION_KEY", "PACKAGE_INFO", "USER_FLAGS",
		"NEGOTIATION_INFO", "NATIVE_NAMES", "FLAGS",
	};

	return attribute < sizeof(names) / sizeof(names[0]) ? names[attribute] : "other";
}

static const char *const buffer_types[] = {
	[SECBUFFER_EMPTY] = "EMPTY",
	[SECBUFFER_DATA] = "DATA",
	[SECBUFFER_TOKEN] = "TOKEN",
	[SECBUFFER_PKG_PARAMS] = "PKG_PARAMS",
	[SECBUFFER_MISSING] = "MISSING",
	[SECBUFFER_EXTRA] = "EXTRA",
	[SECBUFFER_STREAM_TRAILER] = "STREAM_TRAILER",
	[SECBUFFER_STREAM_HEADER] = "STREAM_HEADER",
	[SECBUFFER_NEGOTIATION_INFO] = "NEGOTIATION_INFO",
	[SECBUFFER_PADDING] = "PADDING",
	[SECBUFFER_STREAM] = "STREAM",
	[SECBUFFER_MECHLIST] = "MECHLIST",
	[SECBUFFER_MECHLIST_SIGNATURE] = "MECHLIST_SIGNATURE",
	[SECBUFFER_TARGET] = "TARGET",
	[SECBUFFER_CHANNEL_BINDINGS] = "CHANNEL_BINDINGS",
	[SECBUFFER_CHANGE_PASS_RESPONSE] = "CHANGE_PASS_RESPONSE",
	[SECBUFFER_TARGET_HOST] = "TARGET_HOST",
	[SECBUFFER_ALERT] = "ALERT",
	[SECBUFFER_APPLICATION_PROTOCOLS] = "APPLICATION_PROTOCOLS",
	[SECBUFFER_SRTP_PROTECTION_PROFILES] = "SRTP_PROTECTION_PROFILES",
	[SECBUFFER_SRTP_MASTER_KEY_IDENTIFIER] = "SRTP_MASTER_KEY_IDENTIFIER",
	[SECBUFFER_TOKEN_BINDING] = "TOKEN_BINDING",
	[SECBUFFER_PRESHARED_KEY] = "PRESHARED_KEY",
	[SECBUFFER_PRESHARED_KEY_IDENTITY] = "PRESHARED_KEY_IDENTITY",
	[SECBUFFER_DTLS_MTU] = "DTLS_MTU",
	[SECBUFFER_SEND_GENERIC_TLS_EXTENSION] = "SEND_GENERIC_TLS_EXTENSION",
	[SECBUFFER_SUBSCRIBE_GENERIC_TLS_EXTENSION] = "SUBSCRIBE_GENERIC_TLS_EXTENSION",
	[SECBUFFER_FLAGS] = "FLAGS",
	[SECBUFFER_TRAFFIC_SECRETS] = "TRAFFIC_SECRETS",
	[SECBUFFER_CERTIFICATE_REQUEST_CONTEXT] = "CERTIFICATE_REQUEST_CONTEXT",
};

const char *sg_trace_buffers(char *buf, size_t cap, const SecBufferDesc *d)
{
	size_t used;

	if (d == NULL)
		return "null";
	if (d->pBuffers == NULL)
		return "[no buffers]";
	used = (size_t)snprintf(buf, cap, "[");
	for (ULONG i = 0; i < d->cBuffers && used < cap; i++) {
		const SecBuffer *b = &d->pBuffers[i];
		ULONG type = b->BufferType & ~(ULONG)SECBUFFER_ATTRMASK;
		const char *name = type < sizeof(buffer_types) / sizeof(buffer_types[0]) &&
						   buffer_types[type] != NULL
					   ? buffer_types[type]
					   : "?";

		used += (size_t)snprintf(buf + used, cap - used, "%s%s%s %lu", i ? ", " : "", name,
					 (b->BufferType & SECBUFFER_READONLY) ? "(ro)" : "",
					 (unsigned long)b->cbBuffer);
	}
	if (used < cap)
		snprintf(buf + used, cap - used, "]");
	return buf;
}

/* The line's head: "sspi-gss <UTC time> tid <thread> ". */
static void put_head(FILE *f)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	fprintf(f, "sspi-gss %04d-%02d-%02dT%02d:%02d:%02d.%06ldZ tid %ld ", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000,
		(long)syscall(SYS_gettid));
}

void sg_trace_note(const char *fmt, ...)
{
	char text[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sg_neutralise_controls(text);
	pthread_mutex_lock(&trace_lock);
	if (trace_out != NULL) {
		put_head(trace_out);
		fprintf(trace_out, "note: %s\n", text);
		fflush(trace_out);
	}
	pthread_mutex_unlock(&trace_lock);
}

void sg_trace_call(const char *fn, SECURITY_STATUS s, const char *fmt, ...)
{
	char args[768];
	const char *name = SspiGssStatusName(s);
	const char *why = sg_last_error_for(s);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	/* Names from the wire or the caller must not start a line of their own. */
	sg_neutralise_controls(args);
	pthread_mutex_lock(&trace_lock);
	if (trace_out != NULL) {
		put_head(trace_out);
		fprintf(trace_out, "%s(%s) = %s (0x%08lX)%s%s\n", fn, args, name ? name : "?",
			(unsigned long)(ULONG)s, why ? ": " : "", why ? why : "");
		fflush(trace_out);
	}
	pthread_mutex_unlock(&trace_lock);
}
