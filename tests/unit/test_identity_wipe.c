/*
 * test_identity_wipe.c - no secret left in freed memory: every block this
 * process frees is searched for a password (in UTF-8 and UTF-16) handed to
 * the identity helpers and to AcquireCredentialsHandle (NTLM), while the
 * helpers build, copy, marshal, protect and take identities apart.
 *
 * free() is this program's own, so that the library's frees come through
 * it. Under valgrind or a sanitizer the allocator is theirs, not glibc's:
 * the test then says SKIPPED (exit 77) and is built only without
 * sanitizers. Kerberos is left out: Heimdal copies a password for its
 * AS exchange and frees it without wiping, which is Heimdal's to change.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

extern void __libc_free(void *p);

static const char secret8[] = "Wipe-Me-Secret-42";
static char secret16[2 * sizeof(secret8)];
static long frees, found;

static int contains(const unsigned char *p, size_t n, const char *needle, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (p[i] == (unsigned char)needle[0] && memcmp(p + i, needle, len) == 0)
			return 1;
	return 0;
}

__attribute__((visibility("default"))) void free(void *p)
{
	if (p != NULL) {
		size_t n = malloc_usable_size(p);

		frees++;
		if (contains(p, n, secret8, sizeof(secret8) - 1) ||
		    contains(p, n, secret16, 2 * (sizeof(secret8) - 1)))
			found++;
	}
	__libc_free(p);
}

static int failed;

#define CHECK(expr)                                                                       \
	do {                                                                              \
		if (!(expr)) {                                                            \
			printf("FAILED: %s (line %d)\n", #expr, __LINE__);                \
			failed = 1;                                                       \
		}                                                                         \
	} while (0)

int main(void)
{
	static SEC_WCHAR user[] = u"alice", domain[] = u"SSPI", password[18];
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id, copy, un, ex;
	PCWSTR u, d, p, target, name;
	PUCHAR blob;
	ULONG len, type, size;
	char *bytes;
	BOOLEAN same_user, same;
	CredHandle cred;
	TimeStamp exp;
	const char *preload = getenv("LD_PRELOAD");

	if (preload != NULL && strstr(preload, "vgpreload") != NULL) {
		printf("identity-wipe: SKIPPED (valgrind's allocator, not ours to watch)\n");
		return 77;
	}
	for (size_t i = 0; i < sizeof(secret8) - 1; i++) {
		secret16[2 * i] = secret8[i];
		password[i] = (SEC_WCHAR)secret8[i];
	}

	/* The watch itself: a block freed with the password in it is seen. */
	{
		char *leak = malloc(64);

		memcpy(leak, secret16, 2 * (sizeof(secret8) - 1));
		free(leak);
		CHECK(found == 1);
		found = 0;
	}

	CHECK(SspiEncodeStringsAsAuthIdentity(user, domain, password, &id) == SEC_E_OK);
	CHECK(SspiCopyAuthIdentity(id, &copy) == SEC_E_OK);
	CHECK(SspiCompareAuthIdentities(id, copy, &same_user, &same) == SEC_E_OK && same);
	CHECK(SspiMarshalAuthIdentity(id, &len, &bytes) == SEC_E_OK);
	CHECK(SspiUnmarshalAuthIdentity(len, bytes, &un) == SEC_E_OK);
	SspiLocalFree(bytes);
	CHECK(SspiExcludePackage(un, u"Kerberos", &ex) == SEC_E_OK);
	CHECK(SspiEncodeAuthIdentityAsStrings(ex, &u, &d, &p) == SEC_E_OK);
	SspiLocalFree((void *)u);
	SspiLocalFree((void *)d);
	SspiLocalFree((void *)p);
	CHECK(SspiPrepareForCredWrite(id, NULL, &type, &target, &name, &blob, &size) == SEC_E_OK);
	SspiLocalFree((void *)target);
	SspiLocalFree((void *)name);
	SspiLocalFree(blob);
	CHECK(SspiEncryptAuthIdentity(copy) == SEC_E_OK);
	CHECK(SspiEncodeAuthIdentityAsStrings(copy, &u, &d, &p) == SEC_E_OK);
	SspiLocalFree((void *)u);
	SspiLocalFree((void *)d);
	SspiLocalFree((void *)p);
	/* NTLM and Negotiate (NTLM only, by the excluded package) take them. */
	CHECK(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"NTLM", SECPKG_CRED_OUTBOUND, NULL, id,
					NULL, NULL, &cred, &exp) == SEC_E_OK);
	FreeCredentialsHandle(&cred);
	CHECK(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"NTLM", SECPKG_CRED_OUTBOUND, NULL, copy,
					NULL, NULL, &cred, &exp) == SEC_E_OK);
	FreeCredentialsHandle(&cred);
	CHECK(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"Negotiate", SECPKG_CRED_OUTBOUND, NULL,
					ex, NULL, NULL, &cred, &exp) == SEC_E_OK);
	FreeCredentialsHandle(&cred);
	SspiFreeAuthIdentity(id);
	SspiFreeAuthIdentity(copy);
	SspiFreeAuthIdentity(un);
	SspiFreeAuthIdentity(ex);

	if (frees == 0) {
		printf("identity-wipe: SKIPPED (frees do not come through this program)\n");
		return 77;
	}
	printf("identity-wipe: %ld blocks freed, %ld with the password in them\n", frees, found);
	CHECK(found == 0);
	printf("%d passed, %d failed\n", !failed, failed);
	return failed;
}
