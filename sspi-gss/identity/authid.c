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
#include <openssl/hmac.h>
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
		st = sg_authid_crypt(copy, bytes, 0);
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
 * The protection: a length-preserving block cipher over the whole password
 * (a Feistel network of HMAC-SHA256 rounds) under a key drawn at random
 * once per process. The identity's fields keep their size and the SDK
 * gives no room for a nonce or a tag beside them, so the cipher works on
 * the password as one block: no key stream is shared between two
 * passwords (knowing one protected password says nothing of another), and
 * a changed byte of the protected form changes the whole password in a
 * way nobody without the key can steer. Equal passwords give equal bytes
 * within one process, as Windows' CryptProtectMemory does. It keeps a
 * password out of plain sight in memory (a core file, swapped pages, a
 * buffer that leaks or is logged) while the identity is encrypted; it
 * cannot protect against code that reads the whole process, the key
 * included.
 */
static unsigned char process_key[32];
static int process_key_ok;
static pthread_once_t process_key_once = PTHREAD_ONCE_INIT;

#define ROUNDS 6

static void make_process_key(void)
{
	process_key_ok = RAND_bytes(process_key, sizeof(process_key)) == 1;
}

/* One round's key stream, XORed into out[0..out_len): HMAC-SHA256 blocks
 * over (round, total length, block counter, the other half). */
static int round_xor(int round, size_t total, const uint8_t *in, size_t in_len, uint8_t *out,
		     size_t out_len)
{
	uint8_t *msg = malloc(13 + in_len), block[32];
	unsigned int got = 0;
	size_t done = 0;
	uint32_t ctr = 0;
	int ok = msg != NULL;

	if (!ok)
		return -1;
	msg[0] = (uint8_t)round;
	for (int i = 0; i < 8; i++)
		msg[1 + i] = (uint8_t)((uint64_t)total >> (56 - 8 * i));
	memcpy(msg + 13, in, in_len);
	while (ok && done < out_len) {
		for (int i = 0; i < 4; i++)
			msg[9 + i] = (uint8_t)(ctr >> (24 - 8 * i));
		ok = HMAC(EVP_sha256(), process_key, sizeof(process_key), msg, 13 + in_len, block,
			  &got) != NULL &&
		     got == sizeof(block);
		for (size_t i = 0; ok && i < sizeof(block) && done < out_len; i++)
			out[done++] ^= block[i];
		ctr++;
	}
	sg_wipe(msg, 13 + in_len);
	free(msg);
	sg_wipe(block, sizeof(block));
	return ok ? 0 : -1;
}

SECURITY_STATUS sg_authid_crypt(void *bytes, size_t n, int encrypt)
{
	uint8_t *b = bytes;

	if (n == 0)
		return SEC_E_OK;
	pthread_once(&process_key_once, make_process_key);
	if (!process_key_ok)
		return SEC_E_INTERNAL_ERROR;
	if (n == 1) {
		/* One byte: the halves are its two nibbles. */
		uint8_t half[2] = {(uint8_t)(b[0] >> 4), (uint8_t)(b[0] & 15)};

		for (int k = 0; k < ROUNDS; k++) {
			int round = encrypt ? k : ROUNDS - 1 - k, to = (round & 1) ? 0 : 1;
			uint8_t ks = 0;

			if (round_xor(round, 1, &half[1 - to], 1, &ks, 1) != 0)
				return SEC_E_INTERNAL_ERROR;
			half[to] = (uint8_t)((half[to] ^ ks) & 15);
		}
		b[0] = (uint8_t)(half[0] << 4 | half[1]);
		return SEC_E_OK;
	}
	{
		/* The rounds run on a copy, written back only when all of them
		 * succeeded: a failure leaves the secret as it was, never half
		 * converted. */
		uint8_t *c = malloc(n);
		SECURITY_STATUS s = SEC_E_OK;

		if (c == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
		memcpy(c, b, n);
		for (int k = 0; k < ROUNDS && s == SEC_E_OK; k++) {
			int round = encrypt ? k : ROUNDS - 1 - k;
			size_t h = n / 2;

			/* Even rounds change the right half from the left, odd
			 * rounds the left from the right; decryption runs them
			 * backwards. */
			if ((round & 1) == 0 ? round_xor(round, n, c, h, c + h, n - h)
					     : round_xor(round, n, c + h, n - h, c, h))
				s = SEC_E_INTERNAL_ERROR;
		}
		if (s == SEC_E_OK)
			memcpy(b, c, n);
		sg_wipe(c, n);
		free(c);
		return s;
	}
}
