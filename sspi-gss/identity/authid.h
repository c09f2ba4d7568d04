/*
 * authid.h - one reading of every identity form (SEC_WINNT_AUTH_IDENTITY
 * A, W, EXA, EXW and the packed EX2), for AcquireCredentialsHandle and the
 * Sspi* identity helpers (authid.c).
 */
#ifndef SG_AUTHID_H
#define SG_AUTHID_H

#include <stddef.h>

#include <sspi.h>

enum sg_authid_form { SG_AUTHID_PLAIN, SG_AUTHID_EX, SG_AUTHID_EX2 };

/* Pointers into the caller's identity; lengths in characters (bytes for
 * A strings, UTF-16 units for W), without a NUL. A string that is absent
 * has a NULL pointer and length 0. */
struct sg_authid {
	enum sg_authid_form form;
	int wide;
	const void *user, *domain, *password, *packages;
	ULONG user_len, domain_len, password_len, packages_len;
	ULONG flags;
};

/* Reads an identity. wide_default decides for a plain or EX identity whose
 * Flags name neither ANSI nor UNICODE (the A or W function that was
 * called). An EX2 identity's strings and packed credentials must lie inside
 * its cbStructureLength; only password credentials are read
 * (SEC_E_UNSUPPORTED_FUNCTION for certificates and the like).
 * SEC_E_INVALID_PARAMETER for anything malformed. */
SECURITY_STATUS sg_authid_read(const void *opaque, int wide_default, struct sg_authid *v);

/* One string of the identity (one of v's pointers, with its length) as a
 * malloc'ed UTF-8 C string, NULL when absent. For the password of a
 * protected identity the clear text is opened in a copy, wiped after.
 * until_nul: a NUL ends the string (a password SspiZeroAuthIdentity wiped
 * reads as empty); otherwise a NUL inside is refused, never cut short. */
SECURITY_STATUS sg_authid_string(const struct sg_authid *v, const void *s, ULONG len,
				 int password, int until_nul, char **out);

/* True when the identity's password is protected in memory
 * (SspiEncryptAuthIdentity). */
int sg_authid_encrypted(const struct sg_authid *v);

/* Applies (encrypt) or removes the in-process protection of
 * SspiEncryptAuthIdentity on n bytes, in place (the length is kept). */
SECURITY_STATUS sg_authid_crypt(void *bytes, size_t n, int encrypt);

#endif
