/*
 * identity_helpers.c - the Sspi* functions that build, copy, compare,
 * marshal, protect and take apart authentication identities.
 *
 * Windows' behaviour, as Wine's secur32 tests record it on Windows, is the
 * rule here:
 *  - SspiEncodeStringsAsAuthIdentity makes a SEC_WINNT_AUTH_IDENTITY_EXW in
 *    one block, strings right after the structure, Flags UNICODE |
 *    MARSHALLED; absent strings are NULL with length 0; three NULL strings
 *    are SEC_E_INVALID_TOKEN;
 *  - SspiMarshalAuthIdentity writes eleven ULONGs (version 0x200, 44, then
 *    offset and length of user, domain, password, the flags, offset and
 *    length of the package list; lengths in characters), the strings as
 *    they were (A bytes or UTF-16), and four zero bytes; an EX2 identity is
 *    written as it is, followed by eight zero bytes;
 *  - SspiUnmarshalAuthIdentity gives the one-block EX form back, Flags
 *    with MARSHALLED added;
 *  - after SspiZeroAuthIdentity the password is there but empty.
 * Identities and strings handed out are the library's blocks
 * (sg_buffer_alloc): SspiFreeAuthIdentity and SspiLocalFree wipe them
 * before freeing, and a pointer that is not one of them is left alone.
 */
#define _SEC_WINNT_AUTH_TYPES
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sspi-gss.h>

#include "authid.h"
#include "buffers.h"
#include "status.h"
#include "strings.h"
#include "trace.h"

/* ------------------------------------------------------------- helpers */

/* Win32 error codes SspiPromptForCredentials returns. */
#define SG_ERROR_SUCCESS 0u
#define SG_ERROR_INVALID_PARAMETER 87u
#define SG_ERROR_NOT_SUPPORTED 50u
#define SG_ERROR_CANCELLED 1223u
#define SG_ERROR_NOT_ENOUGH_MEMORY 8u

static size_t unit(int wide)
{
	return wide ? sizeof(SEC_WCHAR) : 1;
}

/* A string of an identity in UTF-8, as the helpers read it: a password
 * ends at a NUL (SspiZeroAuthIdentity leaves one). */
static SECURITY_STATUS field_utf8(const struct sg_authid *v, const void *s, ULONG len,
				  int is_password, char **out)
{
	return sg_authid_string(v, s, len, is_password, is_password, out);
}

/* An identity's strings, all in UTF-8, wiped by strings_clear. */
struct strings {
	char *user, *domain, *password, *packages;
};

static void strings_clear(struct strings *s)
{
	sg_free_secret(s->user);
	sg_free_secret(s->domain);
	sg_free_secret(s->password);
	sg_free_secret(s->packages);
	memset(s, 0, sizeof(*s));
}

static SECURITY_STATUS strings_of(const struct sg_authid *v, struct strings *s)
{
	SECURITY_STATUS st;

	memset(s, 0, sizeof(*s));
	st = field_utf8(v, v->user, v->user_len, 0, &s->user);
	if (st == SEC_E_OK)
		st = field_utf8(v, v->domain, v->domain_len, 0, &s->domain);
	if (st == SEC_E_OK)
		st = field_utf8(v, v->password, v->password_len, 1, &s->password);
	if (st == SEC_E_OK)
		st = field_utf8(v, v->packages, v->packages_len, 0, &s->packages);
	if (st != SEC_E_OK)
		strings_clear(s);
	return st;
}

/* One string as the EX form stores it: UTF-8 bytes, or UTF-16 units. */
struct piece {
	const void *data;
	ULONG chars;
};

/*
 * A one-block EXA or EXW: the structure, then each present string with a
 * NUL after it. Strings are taken as they are given, in the block's width.
 */
static SECURITY_STATUS make_ex(int wide, const struct piece p[4], ULONG flags, void **out)
{
	size_t size = sizeof(SEC_WINNT_AUTH_IDENTITY_EXW), u = unit(wide);
	SEC_WINNT_AUTH_IDENTITY_EXW *ex;
	unsigned char *at;
	void *where[4] = {NULL, NULL, NULL, NULL};

	for (int i = 0; i < 4; i++)
		if (p[i].data != NULL)
			size += (p[i].chars + 1) * u;
	ex = sg_buffer_alloc(size);
	if (ex == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	at = (unsigned char *)(ex + 1);
	for (int i = 0; i < 4; i++) {
		if (p[i].data == NULL)
			continue;
		memcpy(at, p[i].data, p[i].chars * u);
		where[i] = at;
		at += (p[i].chars + 1) * u; /* the NUL: the block is zeroed */
	}
	/* EXA and EXW have the same layout; only the pointers' targets differ. */
	ex->Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
	ex->Length = sizeof(*ex);
	ex->User = where[0];
	ex->UserLength = where[0] ? p[0].chars : 0;
	ex->Domain = where[1];
	ex->DomainLength = where[1] ? p[1].chars : 0;
	ex->Password = where[2];
	ex->PasswordLength = where[2] ? p[2].chars : 0;
	ex->PackageList = where[3];
	ex->PackageListLength = where[3] ? p[3].chars : 0;
	ex->Flags = (flags & ~(ULONG)(SEC_WINNT_AUTH_IDENTITY_ANSI | SEC_WINNT_AUTH_IDENTITY_UNICODE)) |
		    (wide ? SEC_WINNT_AUTH_IDENTITY_UNICODE : SEC_WINNT_AUTH_IDENTITY_ANSI);
	*out = ex;
	return SEC_E_OK;
}

/* A library block holding s as UTF-16 with a NUL (NULL for NULL). */
static SECURITY_STATUS wide_copy(const char *s, PCWSTR *out)
{
	void *block = NULL;
	SECURITY_STATUS st = sg_buffer_string(s, 1, &block);

	*out = block;
	return st;
}

static size_t wlen(PCWSTR s)
{
	return s != NULL ? sg_utf16_len(s) : 0;
}

/* ------------------------------------------------------- the functions */

static SECURITY_STATUS encode_strings(PCWSTR user, PCWSTR domain, PCWSTR password, void **out)
{
	struct piece p[4] = {{user, (ULONG)wlen(user)},
			     {domain, (ULONG)wlen(domain)},
			     {password, (ULONG)wlen(password)},
			     {NULL, 0}};

	if (user == NULL && domain == NULL && password == NULL)
		return SEC_E_INVALID_TOKEN;
	if (out == NULL)
		return SEC_E_INVALID_PARAMETER;
	for (int i = 0; i < 3; i++) {
		char *check = NULL;
		SECURITY_STATUS st;

		/* Only well-formed UTF-16 goes in. */
		if (p[i].data == NULL)
			continue;
		st = sg_utf16_to_cstr(p[i].data, p[i].chars, &check);
		sg_free_secret(check);
		if (st != SEC_E_OK)
			return st;
	}
	return make_ex(1, p, SEC_WINNT_AUTH_IDENTITY_MARSHALLED, out);
}

SECURITY_STATUS SEC_ENTRY SspiEncodeStringsAsAuthIdentity(PCWSTR pszUserName, PCWSTR pszDomainName,
							  PCWSTR pszPackedCredentialsString,
							  PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity)
{
	SECURITY_STATUS s = encode_strings(pszUserName, pszDomainName, pszPackedCredentialsString,
					   ppAuthIdentity);

	if (SG_TRACING())
		sg_trace_call("SspiEncodeStringsAsAuthIdentity", s, "user %s, domain %s, %s",
			      pszUserName ? "given" : "null", pszDomainName ? "given" : "null",
			      pszPackedCredentialsString ? "password" : "no password");
	return s;
}

static SECURITY_STATUS as_strings(const void *id, PCWSTR *user, PCWSTR *domain, PCWSTR *password)
{
	struct sg_authid v;
	struct strings s;
	SECURITY_STATUS st;
	PCWSTR u = NULL, d = NULL, p = NULL;

	if (user == NULL || domain == NULL || password == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	st = strings_of(&v, &s);
	if (st != SEC_E_OK)
		return st;
	st = wide_copy(s.user, &u);
	if (st == SEC_E_OK)
		st = wide_copy(s.domain, &d);
	if (st == SEC_E_OK)
		st = wide_copy(s.password, &p);
	strings_clear(&s);
	if (st != SEC_E_OK) {
		sg_buffer_free((void *)u);
		sg_buffer_free((void *)d);
		sg_buffer_free((void *)p);
		return st;
	}
	*user = u;
	*domain = d;
	*password = p;
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY SspiEncodeAuthIdentityAsStrings(PSEC_WINNT_AUTH_IDENTITY_OPAQUE pAuthIdentity,
							  PCWSTR *ppszUserName,
							  PCWSTR *ppszDomainName,
							  PCWSTR *ppszPackedCredentialsString)
{
	SECURITY_STATUS s =
		as_strings(pAuthIdentity, ppszUserName, ppszDomainName, ppszPackedCredentialsString);

	if (SG_TRACING())
		sg_trace_call("SspiEncodeAuthIdentityAsStrings", s, "%s", "");
	return s;
}

static SECURITY_STATUS validate(const void *id)
{
	struct sg_authid v;
	struct strings s;
	SECURITY_STATUS st = sg_authid_read(id, 1, &v);

	if (st != SEC_E_OK)
		return st;
	/* Every string must read (UTF-16 well formed, no NUL inside). */
	st = strings_of(&v, &s);
	strings_clear(&s);
	return st;
}

SECURITY_STATUS SEC_ENTRY SspiValidateAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
{
	SECURITY_STATUS s = validate(AuthData);

	if (SG_TRACING())
		sg_trace_call("SspiValidateAuthIdentity", s, "%s", "");
	return s;
}

/* The identity as one block: EX2 copied as it is, the others as EXA/EXW
 * (protected passwords stay protected). */
static SECURITY_STATUS copy_identity(const void *id, ULONG add_flags, void **out)
{
	struct sg_authid v;
	SECURITY_STATUS st;

	if (out == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	if (v.form == SG_AUTHID_EX2) {
		const SEC_WINNT_AUTH_IDENTITY_EX2 *ex2 = id;
		void *copy = sg_buffer_alloc(ex2->cbStructureLength);

		if (copy == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(copy, ex2, ex2->cbStructureLength);
		*out = copy;
		return SEC_E_OK;
	}
	{
		struct piece p[4] = {{v.user, v.user_len},
				     {v.domain, v.domain_len},
				     {v.password, v.password_len},
				     {v.packages, v.packages_len}};

		return make_ex(v.wide, p, v.flags | add_flags, out);
	}
}

SECURITY_STATUS SEC_ENTRY SspiCopyAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData,
					       PSEC_WINNT_AUTH_IDENTITY_OPAQUE *AuthDataCopy)
{
	SECURITY_STATUS s = copy_identity(AuthData, SEC_WINNT_AUTH_IDENTITY_MARSHALLED, AuthDataCopy);

	if (SG_TRACING())
		sg_trace_call("SspiCopyAuthIdentity", s, "%s", "");
	return s;
}

VOID SEC_ENTRY SspiFreeAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
{
	SECURITY_STATUS s = AuthData != NULL ? sg_buffer_free(AuthData) : SEC_E_OK;

	if (SG_TRACING())
		sg_trace_call("SspiFreeAuthIdentity", s, "%s",
			      s == SEC_E_OK ? "" : "not an identity of this library: left alone");
}

VOID SEC_ENTRY SspiLocalFree(PVOID DataBuffer)
{
	SECURITY_STATUS s = DataBuffer != NULL ? sg_buffer_free(DataBuffer) : SEC_E_OK;

	if (SG_TRACING())
		sg_trace_call("SspiLocalFree", s, "%s",
			      s == SEC_E_OK ? "" : "not a block of this library: left alone");
}

/* Wipes the password where the identity keeps it (the caller's memory). */
static void zero_identity(void *id)
{
	struct sg_authid v;

	if (sg_authid_read(id, 1, &v) != SEC_E_OK || v.password == NULL)
		return;
	sg_wipe((void *)v.password, v.password_len * unit(v.wide));
}

VOID SEC_ENTRY SspiZeroAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
{
	if (AuthData != NULL)
		zero_identity(AuthData);
	if (SG_TRACING())
		sg_trace_call("SspiZeroAuthIdentity", SEC_E_OK, "%s", AuthData ? "" : "null");
}

static int same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL || a[0] == '\0') && (b == NULL || b[0] == '\0');
	return sg_ascii_casecmp(a, b) == 0;
}

static SECURITY_STATUS compare(const void *a, const void *b, PBOOLEAN same_user,
			       PBOOLEAN same_identity)
{
	struct sg_authid va, vb;
	struct strings sa, sb;
	SECURITY_STATUS st;
	int user;

	if (a == NULL || b == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(a, 1, &va);
	if (st == SEC_E_OK)
		st = sg_authid_read(b, 1, &vb);
	if (st != SEC_E_OK)
		return st;
	st = strings_of(&va, &sa);
	if (st != SEC_E_OK)
		return st;
	st = strings_of(&vb, &sb);
	if (st != SEC_E_OK) {
		strings_clear(&sa);
		return st;
	}
	/* Account names compare as Windows compares them, without regard to
	 * case; passwords exactly. */
	user = same_name(sa.user, sb.user) && same_name(sa.domain, sb.domain);
	if (same_user != NULL)
		*same_user = (BOOLEAN)user;
	if (same_identity != NULL)
		*same_identity = (BOOLEAN)(user && ((sa.password == NULL && sb.password == NULL) ||
						    (sa.password != NULL && sb.password != NULL &&
						     strcmp(sa.password, sb.password) == 0)));
	strings_clear(&sa);
	strings_clear(&sb);
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY SspiCompareAuthIdentities(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity1,
						    PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity2,
						    PBOOLEAN SameSuppliedUser,
						    PBOOLEAN SameSuppliedIdentity)
{
	SECURITY_STATUS s =
		compare(AuthIdentity1, AuthIdentity2, SameSuppliedUser, SameSuppliedIdentity);

	if (SG_TRACING())
		sg_trace_call("SspiCompareAuthIdentities", s, "same user %d, same identity %d",
			      s == SEC_E_OK && SameSuppliedUser ? *SameSuppliedUser : -1,
			      s == SEC_E_OK && SameSuppliedIdentity ? *SameSuppliedIdentity : -1);
	return s;
}

/* The marshalled EX header: eleven ULONGs in the machine's order, as
 * Windows writes them. */
enum { M_VERSION, M_LENGTH, M_USER_OFF, M_USER_LEN, M_DOMAIN_OFF, M_DOMAIN_LEN,
       M_PASSWORD_OFF, M_PASSWORD_LEN, M_FLAGS, M_PACKAGES_OFF, M_PACKAGES_LEN, M_COUNT };
#define M_HEADER (M_COUNT * sizeof(ULONG))
#define M_TRAILER 4u
#define M_EX2_TRAILER 8u

static SECURITY_STATUS marshal(const void *id, ULONG *out_len, char **out)
{
	struct sg_authid v;
	SECURITY_STATUS st;
	ULONG head[M_COUNT] = {0}, at = M_HEADER;
	struct piece f[4];
	unsigned char *block;
	size_t size, u;

	if (out_len == NULL || out == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	if (v.form == SG_AUTHID_EX2) {
		const SEC_WINNT_AUTH_IDENTITY_EX2 *ex2 = id;

		block = sg_buffer_alloc(ex2->cbStructureLength + M_EX2_TRAILER);
		if (block == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(block, ex2, ex2->cbStructureLength);
		*out_len = ex2->cbStructureLength + M_EX2_TRAILER;
		*out = (char *)block;
		return SEC_E_OK;
	}
	u = unit(v.wide);
	f[0] = (struct piece){v.user, v.user_len};
	f[1] = (struct piece){v.domain, v.domain_len};
	f[2] = (struct piece){v.password, v.password_len};
	f[3] = (struct piece){v.packages, v.packages_len};
	size = M_HEADER + M_TRAILER;
	for (int i = 0; i < 4; i++)
		size += f[i].chars * u;
	if (size > 0x7fffffff)
		return SEC_E_INVALID_PARAMETER;
	block = sg_buffer_alloc(size);
	if (block == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	head[M_VERSION] = SEC_WINNT_AUTH_IDENTITY_VERSION;
	head[M_LENGTH] = M_HEADER;
	head[M_FLAGS] = v.flags;
	for (int i = 0; i < 4; i++) {
		ULONG *off = &head[i == 3 ? M_PACKAGES_OFF : M_USER_OFF + 2 * i];

		if (f[i].data == NULL || f[i].chars == 0)
			continue;
		off[0] = at;
		off[1] = f[i].chars;
		memcpy(block + at, f[i].data, f[i].chars * u);
		at += (ULONG)(f[i].chars * u);
	}
	memcpy(block, head, M_HEADER);
	*out_len = (ULONG)size;
	*out = (char *)block;
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY SspiMarshalAuthIdentity(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity,
						  ULONG *AuthIdentityLength,
						  char **AuthIdentityByteArray)
{
	SECURITY_STATUS s = marshal(AuthIdentity, AuthIdentityLength, AuthIdentityByteArray);

	if (SG_TRACING())
		sg_trace_call("SspiMarshalAuthIdentity", s, "%lu bytes",
			      s == SEC_E_OK ? (unsigned long)*AuthIdentityLength : 0ul);
	return s;
}

static SECURITY_STATUS unmarshal(ULONG len, const char *bytes, void **out)
{
	ULONG head[M_COUNT];
	struct piece f[4];
	int wide;

	if (bytes == NULL || out == NULL || len < sizeof(ULONG))
		return SEC_E_INVALID_PARAMETER;
	if (((const ULONG *)(const void *)bytes)[0] == SEC_WINNT_AUTH_IDENTITY_VERSION_2) {
		SEC_WINNT_AUTH_IDENTITY_EX2 ex2;
		struct sg_authid v;
		void *copy;
		SECURITY_STATUS st;

		if (len < sizeof(ex2))
			return SEC_E_INVALID_PARAMETER;
		memcpy(&ex2, bytes, sizeof(ex2));
		if (ex2.cbStructureLength > len || ex2.cbStructureLength < sizeof(ex2))
			return SEC_E_INVALID_PARAMETER;
		copy = sg_buffer_alloc(ex2.cbStructureLength);
		if (copy == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(copy, bytes, ex2.cbStructureLength);
		st = sg_authid_read(copy, 1, &v);
		if (st != SEC_E_OK) {
			sg_buffer_free(copy);
			return st;
		}
		*out = copy;
		return SEC_E_OK;
	}
	if (len < M_HEADER)
		return SEC_E_INVALID_PARAMETER;
	memcpy(head, bytes, M_HEADER);
	if (head[M_VERSION] != SEC_WINNT_AUTH_IDENTITY_VERSION || head[M_LENGTH] != M_HEADER)
		return SEC_E_INVALID_PARAMETER;
	wide = !(head[M_FLAGS] & SEC_WINNT_AUTH_IDENTITY_ANSI);
	for (int i = 0; i < 4; i++) {
		ULONG off = head[i == 3 ? M_PACKAGES_OFF : M_USER_OFF + 2 * i];
		ULONG chars = head[(i == 3 ? M_PACKAGES_OFF : M_USER_OFF + 2 * i) + 1];
		size_t bytes_len = (size_t)chars * unit(wide);

		f[i] = (struct piece){NULL, 0};
		if (chars == 0)
			continue;
		if (off < M_HEADER || off > len || bytes_len > len - off ||
		    (wide && (off & 1) != 0))
			return SEC_E_INVALID_PARAMETER;
		f[i] = (struct piece){bytes + off, chars};
	}
	return make_ex(wide, f, head[M_FLAGS] | SEC_WINNT_AUTH_IDENTITY_MARSHALLED, out);
}

SECURITY_STATUS SEC_ENTRY SspiUnmarshalAuthIdentity(ULONG AuthIdentityLength,
						    char *AuthIdentityByteArray,
						    PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity)
{
	SECURITY_STATUS s = unmarshal(AuthIdentityLength, AuthIdentityByteArray, ppAuthIdentity);

	if (SG_TRACING())
		sg_trace_call("SspiUnmarshalAuthIdentity", s, "%lu bytes",
			      (unsigned long)AuthIdentityLength);
	return s;
}

/* The failures after which asking the user again can help: a wrong or
 * unknown account or password, an expired or locked account, no
 * credentials at all; as NTSTATUS, Win32 error or SECURITY_STATUS. */
BOOLEAN SEC_ENTRY SspiIsPromptingNeeded(ULONG ErrorOrNtStatus)
{
	static const ULONG codes[] = {
		0xC000006D, /* STATUS_LOGON_FAILURE */
		0xC0000064, /* STATUS_NO_SUCH_USER */
		0xC000006A, /* STATUS_WRONG_PASSWORD */
		0xC0000071, /* STATUS_PASSWORD_EXPIRED */
		0xC0000224, /* STATUS_PASSWORD_MUST_CHANGE */
		0xC0000234, /* STATUS_ACCOUNT_LOCKED_OUT */
		0xC0000072, /* STATUS_ACCOUNT_DISABLED */
		0xC000006E, /* STATUS_ACCOUNT_RESTRICTION */
		0xC0000193, /* STATUS_ACCOUNT_EXPIRED */
		0xC000006F, /* STATUS_INVALID_LOGON_HOURS */
		0xC0000070, /* STATUS_INVALID_WORKSTATION */
		1326,       /* ERROR_LOGON_FAILURE */
		1317,       /* ERROR_NO_SUCH_USER */
		1330,       /* ERROR_PASSWORD_EXPIRED */
		1907,       /* ERROR_PASSWORD_MUST_CHANGE */
		1909,       /* ERROR_ACCOUNT_LOCKED_OUT */
		1331,       /* ERROR_ACCOUNT_DISABLED */
		1327,       /* ERROR_ACCOUNT_RESTRICTION */
		1793,       /* ERROR_ACCOUNT_EXPIRED */
		1328,       /* ERROR_INVALID_LOGON_HOURS */
		1329,       /* ERROR_INVALID_WORKSTATION */
		(ULONG)SEC_E_LOGON_DENIED,
		(ULONG)SEC_E_NO_CREDENTIALS,
		(ULONG)SEC_E_UNKNOWN_CREDENTIALS,
	};
	BOOLEAN yes = FALSE;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i] == ErrorOrNtStatus)
			yes = TRUE;
	if (SG_TRACING())
		sg_trace_call("SspiIsPromptingNeeded", SEC_E_OK, "0x%08lX: %s",
			      (unsigned long)ErrorOrNtStatus, yes ? "yes" : "no");
	return yes;
}

/* "service/host:port/name" and "host" give "host". */
static SECURITY_STATUS target_host(PCWSTR target, PWSTR *out)
{
	char *t = NULL, *host, *end;
	SECURITY_STATUS st;

	if (target == NULL || out == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_utf16_to_cstr(target, sg_utf16_len(target), &t);
	if (st != SEC_E_OK)
		return st;
	host = strchr(t, '/') != NULL ? strchr(t, '/') + 1 : t;
	if (host[0] == '[') { /* [IPv6]:port */
		host++;
		end = strchr(host, ']');
	} else {
		end = host + strcspn(host, ":/");
	}
	if (end == NULL || end == host) {
		free(t);
		return SEC_E_INVALID_PARAMETER;
	}
	*end = '\0';
	st = wide_copy(host, (PCWSTR *)out);
	free(t);
	return st;
}

SECURITY_STATUS SEC_ENTRY SspiGetTargetHostName(PCWSTR pszTargetName, PWSTR *pszHostName)
{
	SECURITY_STATUS s = target_host(pszTargetName, pszHostName);

	if (SG_TRACING())
		sg_trace_call("SspiGetTargetHostName", s, "%s", "");
	return s;
}

/* A copy of the identity (EXA/EXW) whose package list also says
 * "!package". */
static SECURITY_STATUS exclude(const void *id, PCWSTR package, void **out)
{
	struct sg_authid v;
	char *pkg = NULL, *list = NULL, *packages = NULL;
	SECURITY_STATUS st;
	size_t n;

	if (package == NULL || out == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	st = sg_utf16_to_cstr(package, sg_utf16_len(package), &pkg);
	if (st != SEC_E_OK)
		return st;
	st = field_utf8(&v, v.packages, v.packages_len, 0, &packages);
	if (st != SEC_E_OK) {
		free(pkg);
		return st;
	}
	n = (packages ? strlen(packages) + 1 : 0) + 1 + strlen(pkg) + 1;
	list = malloc(n);
	if (list == NULL) {
		st = SEC_E_INSUFFICIENT_MEMORY;
		goto out;
	}
	snprintf(list, n, "%s%s!%s", packages ? packages : "", packages ? "," : "", pkg);
	{
		SEC_WCHAR *wl = NULL;
		size_t wn = 0;
		int wide = v.form == SG_AUTHID_EX2 ? 1 : v.wide;
		struct piece p[4] = {{v.user, v.user_len},
				     {v.domain, v.domain_len},
				     {v.password, v.password_len},
				     {list, (ULONG)strlen(list)}};

		if (wide) {
			st = sg_utf8_to_utf16(list, strlen(list), &wl, &wn);
			if (st != SEC_E_OK)
				goto out;
			p[3] = (struct piece){wl, (ULONG)wn};
		}
		st = make_ex(wide, p, v.flags & ~(ULONG)SEC_WINNT_AUTH_IDENTITY_MARSHALLED, out);
		free(wl);
	}
out:
	free(pkg);
	free(list);
	free(packages);
	return st;
}

SECURITY_STATUS SEC_ENTRY SspiExcludePackage(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity,
					     PCWSTR pszPackageName,
					     PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppNewAuthIdentity)
{
	SECURITY_STATUS s = exclude(AuthIdentity, pszPackageName, ppNewAuthIdentity);

	if (SG_TRACING())
		sg_trace_call("SspiExcludePackage", s, "%s", "");
	return s;
}

/* The Flags member of each form, to mark protection in. */
static ULONG *flags_of(void *id, const struct sg_authid *v)
{
	switch (v->form) {
	case SG_AUTHID_EX:
		return &((SEC_WINNT_AUTH_IDENTITY_EXW *)id)->Flags;
	case SG_AUTHID_EX2:
		return &((SEC_WINNT_AUTH_IDENTITY_EX2 *)id)->Flags;
	default:
		return &((SEC_WINNT_AUTH_IDENTITY_W *)id)->Flags;
	}
}

static SECURITY_STATUS protect(ULONG options, void *id, int encrypt)
{
	struct sg_authid v;
	SECURITY_STATUS st;
	ULONG *flags;

	if (id == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (options != SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS) {
		/* Per-logon and system protection need a key kept outside
		 * the process; there is none to share on Unix. */
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "only SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS is provided");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	if (!!sg_authid_encrypted(&v) == !!encrypt)
		return SEC_E_OK; /* already so */
	if (!encrypt && (v.flags & SEC_WINNT_AUTH_IDENTITY_FLAGS_SYSTEM_ENCRYPTED))
		return SEC_E_UNSUPPORTED_FUNCTION;
	st = sg_authid_crypt((void *)v.password, v.password_len * unit(v.wide), encrypt);
	if (st != SEC_E_OK)
		return st;
	flags = flags_of(id, &v);
	if (encrypt)
		*flags |= SEC_WINNT_AUTH_IDENTITY_FLAGS_PROCESS_ENCRYPTED;
	else
		*flags &= ~(ULONG)SEC_WINNT_AUTH_IDENTITY_FLAGS_PROCESS_ENCRYPTED;
	return SEC_E_OK;
}

#define PROTECT_ENTRY(name, options, encrypt, ...)                                           \
	SECURITY_STATUS SEC_ENTRY name(__VA_ARGS__)                                          \
	{                                                                                    \
		SECURITY_STATUS s = protect(options, AuthData, encrypt);                     \
		if (SG_TRACING())                                                            \
			sg_trace_call(#name, s, "options %lu", (unsigned long)(options));    \
		return s;                                                                    \
	}

PROTECT_ENTRY(SspiEncryptAuthIdentity, SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS, 1,
	      PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
PROTECT_ENTRY(SspiEncryptAuthIdentityEx, Options, 1, ULONG Options,
	      PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
PROTECT_ENTRY(SspiDecryptAuthIdentity, SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS, 0,
	      PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)
PROTECT_ENTRY(SspiDecryptAuthIdentityEx, Options, 0, ULONG Options,
	      PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthData)

BOOLEAN SEC_ENTRY SspiIsAuthIdentityEncrypted(PSEC_WINNT_AUTH_IDENTITY_OPAQUE EncryptedAuthData)
{
	struct sg_authid v;
	BOOLEAN yes = EncryptedAuthData != NULL &&
		      sg_authid_read(EncryptedAuthData, 1, &v) == SEC_E_OK &&
		      sg_authid_encrypted(&v);

	if (SG_TRACING())
		sg_trace_call("SspiIsAuthIdentityEncrypted", SEC_E_OK, "%s", yes ? "yes" : "no");
	return yes;
}

/* ------------------------------------------------ the credential prompt */

/* One line from the terminal, without its newline; echo off for secrets. */
static int read_line(int fd, const char *prompt, int secret, char *buf, size_t size)
{
	struct termios old, quiet;
	int restore = 0;
	size_t n = 0;
	char c;

	/* Echo goes off before the prompt shows: TCSAFLUSH drops what was
	 * typed ahead, and nothing typed after the prompt may be lost. */
	if (secret && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		if (restore)
			tcsetattr(fd, TCSAFLUSH, &old);
		return -1;
	}
	while (n + 1 < size) {
		ssize_t r = read(fd, &c, 1);

		if (r <= 0 || c == '\n' || c == '\r')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		if (write(fd, "\n", 1) < 0)
			n = 0;
	}
	return (int)n;
}

/*
 * No dialog box on Unix: when the process has a controlling terminal,
 * SspiPromptForCredentials asks there (user name, then the password without
 * echo) and returns the identity an encode would make; without one it
 * returns ERROR_NOT_SUPPORTED, and an empty user name is ERROR_CANCELLED,
 * as cancelling the dialog is. The user name may carry the domain
 * (DOMAIN\user or user@REALM).
 */
static ULONG prompt(const char *target, const char *package, int wide, void **out, int *save)
{
	char user[256], password[256], line[600];
	int fd, n;
	ULONG rc = SG_ERROR_SUCCESS;

	if (out == NULL)
		return SG_ERROR_INVALID_PARAMETER;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return SG_ERROR_NOT_SUPPORTED;
	snprintf(line, sizeof(line), "Credentials for %s%s%s%s\nUser name: ",
		 target ? target : "the server", package ? " (" : "", package ? package : "",
		 package ? ")" : "");
	n = read_line(fd, line, 0, user, sizeof(user));
	if (n <= 0) {
		close(fd);
		return SG_ERROR_CANCELLED;
	}
	if (read_line(fd, "Password: ", 1, password, sizeof(password)) < 0)
		rc = SG_ERROR_CANCELLED;
	close(fd);
	if (rc == SG_ERROR_SUCCESS) {
		char *domain = NULL, *name = user, *slash = strchr(user, '\\');
		struct piece p[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
		SEC_WCHAR *w[3] = {NULL, NULL, NULL};
		size_t wn[3] = {0, 0, 0};
		SECURITY_STATUS st = SEC_E_OK;

		if (slash != NULL) {
			*slash = '\0';
			domain = user;
			name = slash + 1;
		}
		if (wide) {
			const char *src[3] = {name, domain, password};

			for (int i = 0; i < 3 && st == SEC_E_OK; i++)
				if (src[i] != NULL)
					st = sg_utf8_to_utf16(src[i], strlen(src[i]), &w[i],
							      &wn[i]);
			for (int i = 0; i < 3; i++)
				if (w[i] != NULL)
					p[i] = (struct piece){w[i], (ULONG)wn[i]};
		} else {
			p[0] = (struct piece){name, (ULONG)strlen(name)};
			if (domain != NULL)
				p[1] = (struct piece){domain, (ULONG)strlen(domain)};
			p[2] = (struct piece){password, (ULONG)strlen(password)};
		}
		if (st == SEC_E_OK)
			st = make_ex(wide, p, SEC_WINNT_AUTH_IDENTITY_MARSHALLED, out);
		for (int i = 0; i < 3; i++) {
			if (w[i] != NULL)
				sg_wipe(w[i], wn[i] * sizeof(SEC_WCHAR));
			free(w[i]);
		}
		if (st != SEC_E_OK)
			rc = st == SEC_E_INSUFFICIENT_MEMORY ? SG_ERROR_NOT_ENOUGH_MEMORY
							     : SG_ERROR_INVALID_PARAMETER;
		else if (save != NULL)
			*save = 0; /* nothing is stored on the user's behalf */
	}
	sg_wipe(password, sizeof(password));
	sg_wipe(user, sizeof(user));
	return rc;
}

ULONG SEC_ENTRY SspiPromptForCredentialsA(PCSTR pszTargetName, PVOID pUiInfo, ULONG dwAuthError,
					  PCSTR pszPackage,
					  PSEC_WINNT_AUTH_IDENTITY_OPAQUE pInputAuthIdentity,
					  PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity,
					  int *pfSave, ULONG dwFlags)
{
	ULONG rc;

	(void)pUiInfo, (void)dwAuthError, (void)pInputAuthIdentity;
	rc = (dwFlags & ~(ULONG)SSPIPFC_VALID_FLAGS)
		     ? SG_ERROR_INVALID_PARAMETER
		     : prompt(pszTargetName, pszPackage, 0, ppAuthIdentity, pfSave);
	if (SG_TRACING())
		sg_trace_call("SspiPromptForCredentialsA", rc == 0 ? SEC_E_OK : (SECURITY_STATUS)rc,
			      "Win32 error %lu", (unsigned long)rc);
	return rc;
}

ULONG SEC_ENTRY SspiPromptForCredentialsW(PCWSTR pszTargetName, PVOID pUiInfo, ULONG dwAuthError,
					  PCWSTR pszPackage,
					  PSEC_WINNT_AUTH_IDENTITY_OPAQUE pInputAuthIdentity,
					  PSEC_WINNT_AUTH_IDENTITY_OPAQUE *ppAuthIdentity,
					  int *pfSave, ULONG dwFlags)
{
	char *target = NULL, *package = NULL;
	ULONG rc = SG_ERROR_SUCCESS;

	(void)pUiInfo, (void)dwAuthError, (void)pInputAuthIdentity;
	if ((dwFlags & ~(ULONG)SSPIPFC_VALID_FLAGS) ||
	    (pszTargetName != NULL &&
	     sg_utf16_to_cstr(pszTargetName, sg_utf16_len(pszTargetName), &target) != SEC_E_OK) ||
	    (pszPackage != NULL &&
	     sg_utf16_to_cstr(pszPackage, sg_utf16_len(pszPackage), &package) != SEC_E_OK))
		rc = SG_ERROR_INVALID_PARAMETER;
	if (rc == SG_ERROR_SUCCESS)
		rc = prompt(target, package, 1, ppAuthIdentity, pfSave);
	free(target);
	free(package);
	if (SG_TRACING())
		sg_trace_call("SspiPromptForCredentialsW", rc == 0 ? SEC_E_OK : (SECURITY_STATUS)rc,
			      "Win32 error %lu", (unsigned long)rc);
	return rc;
}

/* ------------------------------------------------- Credential Manager */

#define SG_CRED_TYPE_DOMAIN_PASSWORD 2u

/* "domain\user" (or "user"), the name Credential Manager files it under. */
static SECURITY_STATUS credman_name(const struct strings *s, char **out)
{
	size_t n;

	if (s->user == NULL)
		return SEC_E_INVALID_PARAMETER;
	n = (s->domain ? strlen(s->domain) + 1 : 0) + strlen(s->user) + 1;
	*out = malloc(n);
	if (*out == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	snprintf(*out, n, "%s%s%s", s->domain ? s->domain : "", s->domain ? "\\" : "", s->user);
	return SEC_E_OK;
}

static SECURITY_STATUS prepare(const void *id, PCWSTR target, PULONG type, PCWSTR *target_out,
			       PCWSTR *user_out, PUCHAR *blob, PULONG blob_size)
{
	struct sg_authid v;
	struct strings s;
	char *name = NULL;
	SECURITY_STATUS st;
	PCWSTR t = NULL, u = NULL;

	if (type == NULL || target_out == NULL)
		return SEC_E_INVALID_PARAMETER;
	st = sg_authid_read(id, 1, &v);
	if (st != SEC_E_OK)
		return st;
	st = strings_of(&v, &s);
	if (st != SEC_E_OK)
		return st;
	st = credman_name(&s, &name);
	if (st == SEC_E_OK) {
		if (target != NULL) {
			SEC_WCHAR *copy = sg_buffer_alloc((wlen(target) + 1) * sizeof(SEC_WCHAR));

			if (copy == NULL)
				st = SEC_E_INSUFFICIENT_MEMORY;
			else
				memcpy(copy, target, wlen(target) * sizeof(SEC_WCHAR));
			t = copy;
		} else {
			st = wide_copy(name, &t);
		}
	}
	if (st == SEC_E_OK && user_out != NULL)
		st = wide_copy(name, &u);
	if (st == SEC_E_OK && blob != NULL) {
		SEC_WCHAR *w = NULL;
		size_t wn = 0;

		/* The password in UTF-16, without a NUL. */
		st = s.password ? sg_utf8_to_utf16(s.password, strlen(s.password), &w, &wn)
				: SEC_E_OK;
		if (st == SEC_E_OK) {
			*blob = sg_buffer_alloc(wn * sizeof(SEC_WCHAR));
			if (*blob == NULL)
				st = SEC_E_INSUFFICIENT_MEMORY;
			else if (wn != 0)
				memcpy(*blob, w, wn * sizeof(SEC_WCHAR));
			if (blob_size != NULL)
				*blob_size = (ULONG)(wn * sizeof(SEC_WCHAR));
		}
		if (w != NULL)
			sg_wipe(w, wn * sizeof(SEC_WCHAR));
		free(w);
	}
	strings_clear(&s);
	free(name);
	if (st != SEC_E_OK) {
		sg_buffer_free((void *)t);
		sg_buffer_free((void *)u);
		return st;
	}
	*type = SG_CRED_TYPE_DOMAIN_PASSWORD;
	*target_out = t;
	if (user_out != NULL)
		*user_out = u;
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY SspiPrepareForCredRead(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity,
						 PCWSTR pszTargetName,
						 PULONG pCredmanCredentialType,
						 PCWSTR *ppszCredmanTargetName)
{
	SECURITY_STATUS s = prepare(AuthIdentity, pszTargetName, pCredmanCredentialType,
				    ppszCredmanTargetName, NULL, NULL, NULL);

	if (SG_TRACING())
		sg_trace_call("SspiPrepareForCredRead", s, "%s", "");
	return s;
}

SECURITY_STATUS SEC_ENTRY SspiPrepareForCredWrite(PSEC_WINNT_AUTH_IDENTITY_OPAQUE AuthIdentity,
						  PCWSTR pszTargetName,
						  PULONG pCredmanCredentialType,
						  PCWSTR *ppszCredmanTargetName,
						  PCWSTR *ppszCredmanUserName,
						  PUCHAR *ppCredentialBlob,
						  PULONG pCredentialBlobSize)
{
	SECURITY_STATUS s;

	if (ppszCredmanUserName == NULL || ppCredentialBlob == NULL || pCredentialBlobSize == NULL)
		s = SEC_E_INVALID_PARAMETER;
	else
		s = prepare(AuthIdentity, pszTargetName, pCredmanCredentialType,
			    ppszCredmanTargetName, ppszCredmanUserName, ppCredentialBlob,
			    pCredentialBlobSize);
	if (SG_TRACING())
		sg_trace_call("SspiPrepareForCredWrite", s, "%s", "");
	return s;
}
