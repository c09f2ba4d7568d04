/*
 * authid.c - reading every identity form, and the in-process protection
 * of SspiEncryptAuthIdentity.
 *
 * The forms, told apart as Windows tells them:
 *  - EX (SEC_WINNT_AUTH_IDENTITY_EXA/EXW): Version 0x200 and Length equal
 *    to the structure's size in the first two ULONGs;
 *  - EX2: Version 0x201 first; strings at byte offsets from the start of
 *    the structure, UTF-16, lengths in bytes; the password inside the
 *    packed credentials (SEC_WINNT_AUTH_PACKED_CREDENTIALS at
 *    PackedCredentialsOffset, credential type SEC_WINNT_AUTH_DATA_TYPE_PASSWORD,
 *    its bytes at AuthData.CredData.ByteArrayOffset counted from the start
 *    of the packed credentials);
 *  - plain (SEC_WINNT_AUTH_IDENTITY_A/W): anything else; its first member
 *    is a pointer, which cannot look like the two above.
 */
/* The credential type GUIDs, which sspi.h defines only on request. */
#define _SEC_WINNT_AUTH_TYPES
#include "authid.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "strings.h"

static int is_wide(ULONG flags, int wide_default)
{
	if (flags & SEC_WINNT_AUTH_IDENTITY_UNICODE)
		return 1;
	if (flags & SEC_WINNT_AUTH_IDENTITY_ANSI)
		return 0;
	return wide_default;
}

/* A range of an EX2 identity: inside the structure, after the header,
 * UTF-16 aligned. */
static int ex2_range(const SEC_WINNT_AUTH_IDENTITY_EX2 *ex, ULONG off, ULONG len, int utf16)
{
	if (len == 0)
		return 1;
	if (off < ex->cbHeaderLength || off > ex->cbStructureLength ||
	    len > ex->cbStructureLength - off)
		return 0;
	return !utf16 || ((off | len) & 1) == 0;
}

static SECURITY_STATUS ex2_password(const SEC_WINNT_AUTH_IDENTITY_EX2 *ex, struct sg_authid *v)
{
	const unsigned char *base = (const unsigned char *)ex + ex->PackedCredentialsOffset;
	SEC_WINNT_AUTH_PACKED_CREDENTIALS pc;
	ULONG n = ex->PackedCredentialsLength, off, len;

	if (n == 0)
		return SEC_E_OK;
	if (!ex2_range(ex, ex->PackedCredentialsOffset, n, 0) || n < sizeof(pc))
		return SEC_E_INVALID_PARAMETER;
	memcpy(&pc, base, sizeof(pc));
	if (pc.cbHeaderLength < sizeof(pc) || pc.cbStructureLength > n ||
	    pc.cbHeaderLength > pc.cbStructureLength)
		return SEC_E_INVALID_PARAMETER;
	if (memcmp(&pc.AuthData.CredType, &SEC_WINNT_AUTH_DATA_TYPE_PASSWORD, sizeof(GUID)) != 0) {
		sg_last_error_set(SEC_E_UNSUPPORTED_FUNCTION,
				  "packed credentials of a type other than a password");
		return SEC_E_UNSUPPORTED_FUNCTION;
	}
	off = pc.AuthData.CredData.ByteArrayOffset;
	len = pc.AuthData.CredData.ByteArrayLength;
	if (off < pc.cbHeaderLength || off > pc.cbStructureLength ||
	    len > pc.cbStructureLength - off || (len & 1) != 0 ||
	    ((ex->PackedCredentialsOffset + off) & 1) != 0)
		return SEC_E_INVALID_PARAMETER;
	v->password = len ? base + off : NULL;
	v->password_len = len / 2;
	return SEC_E_OK;
}

static SECURITY_STATUS read_ex2(const SEC_WINNT_AUTH_IDENTITY_EX2 *ex, struct sg_authid *v)
{
	const unsigned char *base = (const unsigned char *)ex;

	if (ex->cbHeaderLength < sizeof(*ex) || ex->cbStructureLength < ex->cbHeaderLength ||
	    !ex2_range(ex, ex->UserOffset, ex->UserLength, 1) ||
	    !ex2_range(ex, ex->DomainOffset, ex->DomainLength, 1) ||
	    !ex2_range(ex, ex->PackageListOffset, ex->PackageListLength, 1)) {
		sg_last_error_set(SEC_E_INVALID_PARAMETER,
				  "an EX2 identity with a string outside its structure");
		return SEC_E_INVALID_PARAMETER;
	}
	v->form = SG_AUTHID_EX2;
	v->wide = 1;
	v->flags = ex->Flags;
	v->user = ex->UserLength ? base + ex->UserOffset : NULL;
	v->user_len = ex->UserLength / 2u;
	v->domain = ex->DomainLength ? base + ex->DomainOffset : NULL;
	v->domain_len = ex->DomainLength / 2u;
	v->packages = ex->PackageListLength ? base + ex->PackageListOffset : NULL;
	v->packages_len = ex->PackageListLength / 2u;
	return ex2_password(ex, v);
}

SECURITY_STATUS sg_authid_read(const void *opaque, int wide_default, struct sg_authid *v)
{
	const ULONG *head = opaque;

	memset(v, 0, sizeof(*v));
	if (opaque == NULL)
		return SEC_E_INVALID_PARAMETER;
	if (head[0] == SEC_WINNT_AUTH_IDENTITY_VERSION &&
	    head[1] == sizeof(SEC_WINNT_AUTH_IDENTITY_EXW)) {
		const SEC_WINNT_AUTH_IDENTITY_EXW *ex = opaque;

		v->form = SG_AUTHID_EX;
		v->wide = is_wide(ex->Flags, wide_default);
		v->flags = ex->Flags;
		v->user = ex->User;
		v->user_len = ex->UserLength;
		v->domain = ex->Domain;
		v->domain_len = ex->DomainLength;
		v->password = ex->Password;
		v->password_len = ex->PasswordLength;
		v->packages = ex->PackageList;
		v->packages_len = ex->PackageListLength;
	} else if (head[0] == SEC_WINNT_AUTH_IDENTITY_VERSION_2) {
		SECURITY_STATUS s = read_ex2(opaque, v);

		if (s != SEC_E_OK)
			return s;
	} else {
		const SEC_WINNT_AUTH_IDENTITY_W *id = opaque;

		v->form = SG_AUTHID_PLAIN;
		v->wide = is_wide(id->Flags, wide_default);
		v->flags = id->Flags;
		v->user = id->User;
		v->user_len = id->UserLength;
		v->domain = id->Domain;
		v->domain_len = id->DomainLength;
		v->password = id->Password;
		v->password_len = id->PasswordLength;
	}
	/* A length without a string to go with it. */
	if ((v->user == NULL && v->user_len) || (v->domain == NULL && v->domain_len) ||
	    (v->password == NULL && v->password_len) || (v->packages == NULL && v->packages_len))
		return SEC_E_INVALID_PARAMETER;
	return SEC_E_OK;
}

SECURITY_STATUS sg_authid_string(const struct sg_authid *v, const void *s, ULONG len,
				 int password, int until_nul, char **out)
{
	size_t unit = v->wide ? sizeof(SEC_WCHAR) : 1, bytes = (size_t)len * unit, n = len;
	SECURITY_STATUS st = SEC_E_OK;
	unsigned char *copy;

	*out = NULL;
	if (s == NULL)
		return SEC_E_OK;
	/* A copy: the caller's memory is read once, and decrypted only here. */
	copy = malloc(bytes ? bytes : 1);
	if (copy == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	memcpy(copy, s, bytes);
	if (password && sg_authid_encrypted(v))
		st = sg_authid_crypt(copy, bytes);
	if (until_nul)
		for (n = 0; n < len && (v->wide ? ((SEC_WCHAR *)(void *)copy)[n] : copy[n]) != 0; n++)
			;
	if (st == SEC_E_OK)
		st = v->wide ? sg_utf16_to_cstr((SEC_WCHAR *)(void *)copy, n, out)
			     : sg_utf8_to_cstr((char *)copy, n, out);
	sg_wipe(copy, bytes);
	free(copy);
	return st;
}

int sg_authid_encrypted(const struct sg_authid *v)
{
	return (v->flags & (SEC_WINNT_AUTH_IDENTITY_FLAGS_PROCESS_ENCRYPTED |
			    SEC_WINNT_AUTH_IDENTITY_FLAGS_SYSTEM_ENCRYPTED)) != 0;
}

/*
 * The protection: AES-256 in counter mode under a key drawn at random once
 * per process. It keeps a password out of plain sight in memory (a core
 * file, swapped pages, a buffer that leaks or is logged) for as long as the
 * identity is encrypted; it cannot protect against code that reads the
 * whole process, the key included. Counter mode keeps the length, as the
 * identity's fields require; the same password gives the same bytes within
 * one process, as Windows' CryptProtectMemory does.
 */
static unsigned char process_key[32];
static int process_key_ok;
static pthread_once_t process_key_once = PTHREAD_ONCE_INIT;

static void make_process_key(void)
{
	process_key_ok = RAND_bytes(process_key, sizeof(process_key)) == 1;
}

SECURITY_STATUS sg_authid_crypt(void *bytes, size_t n)
{
	static const unsigned char iv[16];
	EVP_CIPHER_CTX *c;
	int out = 0, ok;

	if (n == 0)
		return SEC_E_OK;
	pthread_once(&process_key_once, make_process_key);
	if (!process_key_ok || n > INT32_MAX)
		return SEC_E_INTERNAL_ERROR;
	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	ok = EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), NULL, process_key, iv) == 1 &&
	     EVP_EncryptUpdate(c, bytes, &out, bytes, (int)n) == 1 && (size_t)out == n;
	EVP_CIPHER_CTX_free(c);
	return ok ? SEC_E_OK : SEC_E_INTERNAL_ERROR;
}
