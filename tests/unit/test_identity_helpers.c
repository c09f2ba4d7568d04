/*
 * test_identity_helpers.c - the Sspi* identity helpers: Windows' behaviour
 * as Wine's secur32 tests record it on Windows (encode, marshal layout,
 * zero), round trips, protection, the terminal prompt, and every identity
 * form they make taken by AcquireCredentialsHandle for Kerberos, NTLM and
 * Negotiate, with a handshake (throwaway realm).
 */
#define _SEC_WINNT_AUTH_TYPES
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kerberos_util.h"

static struct realm realm;

static size_t ulen(const SEC_WCHAR *s)
{
	size_t n = 0;

	while (s[n] != 0)
		n++;
	return n;
}

static int weq(const SEC_WCHAR *a, const SEC_WCHAR *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return ulen(a) == ulen(b) && memcmp(a, b, ulen(a) * 2) == 0;
}

/* The marshalled header, as Wine's test spells it out. */
struct marshalled {
	ULONG version, length, user_off, user_len, domain_off, domain_len, password_off,
		password_len, flags, package_list_off, package_list_len;
};

START_TEST(encode_as_windows)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id = (void *)0x1234;
	SEC_WINNT_AUTH_IDENTITY_EXW *ex;
	PCWSTR u = NULL, d = (PCWSTR)0x1, p = NULL;

	ck_status(SspiEncodeStringsAsAuthIdentity(NULL, NULL, NULL, NULL), SEC_E_INVALID_TOKEN);
	ck_status(SspiEncodeStringsAsAuthIdentity(NULL, NULL, NULL, &id), SEC_E_INVALID_TOKEN);
	ck_assert_ptr_eq(id, (void *)0x1234);

	ck_status(SspiEncodeStringsAsAuthIdentity(NULL, NULL, u"password", &id), SEC_E_OK);
	ex = id;
	ck_assert_uint_eq(ex->Version, SEC_WINNT_AUTH_IDENTITY_VERSION);
	ck_assert_uint_eq(ex->Length, sizeof(*ex));
	ck_assert_ptr_null(ex->User);
	ck_assert_uint_eq(ex->UserLength, 0);
	ck_assert_ptr_null(ex->Domain);
	ck_assert_ptr_eq(ex->Password, (void *)(ex + 1));
	ck_assert_uint_eq(ex->PasswordLength, 8);
	ck_assert_uint_eq(ex->Flags,
			  SEC_WINNT_AUTH_IDENTITY_UNICODE | SEC_WINNT_AUTH_IDENTITY_MARSHALLED);
	ck_assert_ptr_null(ex->PackageList);
	SspiFreeAuthIdentity(id);

	/* A NULL domain comes back NULL; the others as given. */
	ck_status(SspiEncodeStringsAsAuthIdentity(u"username", NULL, u"password", &id), SEC_E_OK);
	ck_status(SspiEncodeAuthIdentityAsStrings(id, &u, &d, &p), SEC_E_OK);
	ck_assert(weq(u, u"username"));
	ck_assert_ptr_null(d);
	ck_assert(weq(p, u"password"));
	SspiLocalFree((void *)u);
	SspiLocalFree((void *)p);
	SspiFreeAuthIdentity(id);

	/* After SspiZeroAuthIdentity: the same user and domain, an empty password. */
	ck_status(SspiEncodeStringsAsAuthIdentity(u"username", u"domainname", u"password", &id),
		  SEC_E_OK);
	SspiZeroAuthIdentity(id);
	ck_status(SspiEncodeAuthIdentityAsStrings(id, &u, &d, &p), SEC_E_OK);
	ck_assert(weq(u, u"username"));
	ck_assert(weq(d, u"domainname"));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[0], 0);
	SspiLocalFree((void *)u);
	SspiLocalFree((void *)d);
	SspiLocalFree((void *)p);
	SspiFreeAuthIdentity(id);
	ck_status(SspiEncodeAuthIdentityAsStrings(NULL, &u, &d, &p), SEC_E_INVALID_PARAMETER);
}
END_TEST

START_TEST(marshal_as_windows)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	SEC_WINNT_AUTH_IDENTITY_EXW *exw, plain_ex;
	SEC_WINNT_AUTH_IDENTITY_EXA *exa;
	SEC_WINNT_AUTH_IDENTITY_A a = {(UCHAR *)"user", 4, (UCHAR *)"domain", 6,
				       (UCHAR *)"password", 8, SEC_WINNT_AUTH_IDENTITY_ANSI};
	SEC_WINNT_AUTH_IDENTITY_EX2 ex2;
	struct marshalled *m;
	ULONG len;

	/* The encoded identity: header, UTF-16 strings, four zero bytes. */
	ck_status(SspiEncodeStringsAsAuthIdentity(u"user", u"domain", u"password", &id), SEC_E_OK);
	ck_status(SspiMarshalAuthIdentity(id, &len, (char **)&m), SEC_E_OK);
	ck_assert_uint_eq(len, sizeof(*m) + (4 + 6 + 8) * 2 + 4);
	ck_assert_uint_eq(m->version, SEC_WINNT_AUTH_IDENTITY_VERSION);
	ck_assert_uint_eq(m->length, sizeof(*m));
	ck_assert_uint_eq(m->user_off, sizeof(*m));
	ck_assert_uint_eq(m->user_len, 4);
	ck_assert_uint_eq(m->domain_off, m->user_off + 8);
	ck_assert_uint_eq(m->domain_len, 6);
	ck_assert_uint_eq(m->password_off, m->domain_off + 12);
	ck_assert_uint_eq(m->password_len, 8);
	ck_assert_uint_eq(m->flags,
			  SEC_WINNT_AUTH_IDENTITY_UNICODE | SEC_WINNT_AUTH_IDENTITY_MARSHALLED);
	ck_assert_uint_eq(m->package_list_off, 0);
	ck_assert_uint_eq(m->package_list_len, 0);
	ck_assert(memcmp((char *)m + m->password_off, u"password", 16) == 0);
	SspiFreeAuthIdentity(id);
	ck_status(SspiUnmarshalAuthIdentity(len, (char *)m, &id), SEC_E_OK);
	SspiLocalFree(m);
	exw = id;
	ck_assert_uint_eq(exw->Version, SEC_WINNT_AUTH_IDENTITY_VERSION);
	ck_assert_ptr_eq(exw->User, (void *)(exw + 1));
	ck_assert(memcmp(exw->Domain, u"domain", 12) == 0 && exw->DomainLength == 6);
	ck_assert(memcmp(exw->Password, u"password", 16) == 0 && exw->PasswordLength == 8);
	ck_assert_uint_eq(exw->Flags,
			  SEC_WINNT_AUTH_IDENTITY_UNICODE | SEC_WINNT_AUTH_IDENTITY_MARSHALLED);
	SspiFreeAuthIdentity(id);

	/* A plain A identity: its bytes as they are; back as EXA, MARSHALLED. */
	ck_status(SspiMarshalAuthIdentity(&a, &len, (char **)&m), SEC_E_OK);
	ck_assert_uint_eq(len, sizeof(*m) + 18 + 4);
	ck_assert_uint_eq(m->domain_off, m->user_off + 4);
	ck_assert_uint_eq(m->flags, SEC_WINNT_AUTH_IDENTITY_ANSI);
	ck_status(SspiUnmarshalAuthIdentity(len, (char *)m, &id), SEC_E_OK);
	SspiLocalFree(m);
	exa = id;
	ck_assert_ptr_eq(exa->User, (UCHAR *)(exa + 1));
	ck_assert(memcmp(exa->Password, "password", 8) == 0);
	ck_assert_uint_eq(exa->Flags,
			  SEC_WINNT_AUTH_IDENTITY_ANSI | SEC_WINNT_AUTH_IDENTITY_MARSHALLED);
	SspiFreeAuthIdentity(id);

	/* An EXW with a user only: absent strings at offset 0, back NULL. */
	memset(&plain_ex, 0, sizeof(plain_ex));
	plain_ex.Version = SEC_WINNT_AUTH_IDENTITY_VERSION;
	plain_ex.Length = sizeof(plain_ex);
	plain_ex.User = (unsigned short *)u"user";
	plain_ex.UserLength = 4;
	plain_ex.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
	ck_status(SspiMarshalAuthIdentity(&plain_ex, &len, (char **)&m), SEC_E_OK);
	ck_assert_uint_eq(len, sizeof(*m) + 8 + 4);
	ck_assert_uint_eq(m->domain_off, 0);
	ck_assert_uint_eq(m->password_off, 0);
	ck_assert_uint_eq(m->flags, SEC_WINNT_AUTH_IDENTITY_UNICODE);
	ck_status(SspiUnmarshalAuthIdentity(len, (char *)m, &id), SEC_E_OK);
	SspiLocalFree(m);
	exw = id;
	ck_assert_ptr_null(exw->Domain);
	ck_assert_ptr_null(exw->Password);
	SspiFreeAuthIdentity(id);

	/* An EX2 as it is, eight bytes more; back the same. */
	memset(&ex2, 0, sizeof(ex2));
	ex2.Version = SEC_WINNT_AUTH_IDENTITY_VERSION_2;
	ex2.cbHeaderLength = sizeof(ex2);
	ex2.cbStructureLength = sizeof(ex2);
	ck_status(SspiMarshalAuthIdentity(&ex2, &len, (char **)&m), SEC_E_OK);
	ck_assert_uint_eq(len, sizeof(ex2) + 8);
	ck_assert(memcmp(m, &ex2, sizeof(ex2)) == 0);
	ck_status(SspiUnmarshalAuthIdentity(len, (char *)m, &id), SEC_E_OK);
	ck_assert(memcmp(id, &ex2, sizeof(ex2)) == 0);
	SspiLocalFree(m);
	SspiFreeAuthIdentity(id);

	/* Bytes that lie are refused. */
	{
		struct marshalled bad = {.version = SEC_WINNT_AUTH_IDENTITY_VERSION,
					 .length = sizeof(bad), .user_off = 1000, .user_len = 4};

		ck_status(SspiUnmarshalAuthIdentity(sizeof(bad), (char *)&bad, &id),
			  SEC_E_INVALID_PARAMETER);
		bad.user_off = sizeof(bad);
		ck_status(SspiUnmarshalAuthIdentity(sizeof(bad), (char *)&bad, &id),
			  SEC_E_INVALID_PARAMETER);
		ck_status(SspiUnmarshalAuthIdentity(3, (char *)&bad, &id), SEC_E_INVALID_PARAMETER);
	}
}
END_TEST

START_TEST(copy_compare_exclude)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE a, b, c, copy, ex;
	BOOLEAN user = 9, same = 9;
	SEC_WINNT_AUTH_IDENTITY_EXW *e;

	ck_status(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI.TEST", u"Alice-Pass-1", &a),
		  SEC_E_OK);
	ck_status(SspiEncodeStringsAsAuthIdentity(u"ALICE", u"sspi.test", u"other", &b), SEC_E_OK);
	ck_status(SspiEncodeStringsAsAuthIdentity(u"bob", u"SSPI.TEST", u"Alice-Pass-1", &c),
		  SEC_E_OK);
	ck_status(SspiCopyAuthIdentity(a, &copy), SEC_E_OK);
	ck_assert_ptr_ne(copy, a);
	ck_status(SspiCompareAuthIdentities(a, copy, &user, &same), SEC_E_OK);
	ck_assert(user && same);
	ck_status(SspiCompareAuthIdentities(a, b, &user, &same), SEC_E_OK);
	ck_assert(user && !same);
	ck_status(SspiCompareAuthIdentities(a, c, &user, &same), SEC_E_OK);
	ck_assert(!user && !same);
	ck_status(SspiCompareAuthIdentities(a, NULL, &user, &same), SEC_E_INVALID_PARAMETER);

	ck_status(SspiExcludePackage(a, u"NTLM", &ex), SEC_E_OK);
	e = ex;
	ck_assert_uint_eq(e->PackageListLength, 5);
	ck_assert(memcmp(e->PackageList, u"!NTLM", 10) == 0);
	ck_status(SspiExcludePackage(ex, u"Kerberos", &copy), SEC_E_OK);
	SspiFreeAuthIdentity(ex);
	e = copy;
	ck_assert(memcmp(e->PackageList, u"!NTLM,!Kerberos", 30) == 0);
	ck_assert(memcmp(e->Password, u"Alice-Pass-1", 24) == 0);
	SspiFreeAuthIdentity(copy);
	SspiFreeAuthIdentity(a);
	SspiFreeAuthIdentity(b);
	SspiFreeAuthIdentity(c);
}
END_TEST

START_TEST(protection)
{
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	SEC_WINNT_AUTH_IDENTITY_EXW *ex;
	PCWSTR u, d, p;

	ck_status(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI.TEST", u"Alice-Pass-1", &id),
		  SEC_E_OK);
	ex = id;
	ck_assert(!SspiIsAuthIdentityEncrypted(id));
	ck_status(SspiEncryptAuthIdentity(id), SEC_E_OK);
	ck_assert(SspiIsAuthIdentityEncrypted(id));
	ck_assert(memcmp(ex->Password, u"Alice-Pass-1", 24) != 0);
	ck_assert_uint_eq(ex->PasswordLength, 12);
	/* Encrypting twice changes nothing more. */
	ck_status(SspiEncryptAuthIdentity(id), SEC_E_OK);
	/* The helpers see through it. */
	ck_status(SspiEncodeAuthIdentityAsStrings(id, &u, &d, &p), SEC_E_OK);
	ck_assert(weq(p, u"Alice-Pass-1"));
	SspiLocalFree((void *)u);
	SspiLocalFree((void *)d);
	SspiLocalFree((void *)p);
	ck_status(SspiEncryptAuthIdentityEx(SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_LOGON, id),
		  SEC_E_UNSUPPORTED_FUNCTION);
	ck_status(SspiDecryptAuthIdentity(id), SEC_E_OK);
	ck_assert(!SspiIsAuthIdentityEncrypted(id));
	ck_assert(memcmp(ex->Password, u"Alice-Pass-1", 24) == 0);
	ck_status(SspiDecryptAuthIdentityEx(SEC_WINNT_AUTH_IDENTITY_ENCRYPT_SAME_PROCESS, id),
		  SEC_E_OK);
	ck_status(SspiEncryptAuthIdentity(NULL), SEC_E_INVALID_PARAMETER);
	ck_assert(!SspiIsAuthIdentityEncrypted(NULL));
	SspiFreeAuthIdentity(id);
}
END_TEST

/* Two protected identities whose passwords have the same length: with one
 * key stream for both, their XOR and one known password would give the
 * other; a changed byte would change the password where the attacker
 * chose. Neither holds: the protection is one block over each password. */
START_TEST(protection_shares_no_key_stream)
{
	static const SEC_WCHAR known[] = u"Known-Pass-1", secret[] = u"Other-Pass-2";
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE a, b;
	SEC_WINNT_AUTH_IDENTITY_EXW *ea, *eb;
	uint8_t guess[24], flipped[24];
	int same = 0, steered = 1;

	ck_status(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI.TEST", known, &a), SEC_E_OK);
	ck_status(SspiEncodeStringsAsAuthIdentity(u"bob", u"SSPI.TEST", secret, &b), SEC_E_OK);
	ea = a;
	eb = b;
	ck_status(SspiEncryptAuthIdentity(a), SEC_E_OK);
	ck_status(SspiEncryptAuthIdentity(b), SEC_E_OK);
	ck_assert_uint_eq(eb->PasswordLength, 12);
	/* known XOR C(known) XOR C(secret) must not be the secret. */
	for (int i = 0; i < 24; i++)
		guess[i] = (uint8_t)(((const uint8_t *)known)[i] ^
				     ((const uint8_t *)ea->Password)[i] ^
				     ((const uint8_t *)eb->Password)[i]);
	ck_assert_msg(memcmp(guess, secret, 24) != 0,
		      "the XOR of two protected passwords and one known one gave the other");
	/* Nor does any single byte of the secret come out that way. */
	for (int i = 0; i < 24; i++)
		same += guess[i] == ((const uint8_t *)secret)[i];
	ck_assert_int_lt(same, 12);

	/* One bit of the protected form flipped: the password is not the
	 * known one with that bit flipped, and differs in many places. */
	((uint8_t *)ea->Password)[0] ^= 1;
	ck_status(SspiDecryptAuthIdentity(a), SEC_E_OK);
	memcpy(flipped, known, 24);
	flipped[0] ^= 1;
	steered = memcmp(ea->Password, flipped, 24) == 0;
	ck_assert_msg(!steered, "a flipped bit of the protected password flipped the password");
	same = 0;
	for (int i = 0; i < 24; i++)
		same += ((const uint8_t *)ea->Password)[i] == ((const uint8_t *)known)[i];
	ck_assert_int_lt(same, 12);

	/* Round trips of every length, the one-byte ANSI password too. */
	for (ULONG n = 1; n <= 40; n++) {
		char pw[41];
		SEC_WINNT_AUTH_IDENTITY_A ida = {(unsigned char *)"u", 1, NULL, 0,
						 (unsigned char *)pw, n, SEC_WINNT_AUTH_IDENTITY_ANSI};

		for (ULONG i = 0; i < n; i++)
			pw[i] = (char)('a' + (i * 7) % 26);
		pw[n] = '\0';
		ck_status(SspiEncryptAuthIdentity(&ida), SEC_E_OK);
		ck_assert(n == 1 || memcmp(pw, "ahovcjqxelszgnubipwdkryfmtahovcjqxelszgn", n) != 0);
		ck_status(SspiDecryptAuthIdentity(&ida), SEC_E_OK);
		ck_assert_msg(memcmp(pw, "ahovcjqxelszgnubipwdkryfmtahovcjqxelszgn", n) == 0,
			      "length %lu did not come back", (unsigned long)n);
	}
	SspiFreeAuthIdentity(a);
	SspiFreeAuthIdentity(b);
}
END_TEST

START_TEST(small_helpers)
{
	PWSTR host;
	PSEC_WINNT_AUTH_IDENTITY_OPAQUE id;
	PCWSTR target, user;
	PUCHAR blob;
	ULONG type, size;

	ck_status(SspiGetTargetHostName(u"HTTP/web.sspi.test:8080/app", &host), SEC_E_OK);
	ck_assert(weq(host, u"web.sspi.test"));
	SspiLocalFree(host);
	ck_status(SspiGetTargetHostName(u"host.sspi.test", &host), SEC_E_OK);
	ck_assert(weq(host, u"host.sspi.test"));
	SspiLocalFree(host);
	ck_status(SspiGetTargetHostName(u"HTTP/[::1]:8080", &host), SEC_E_OK);
	ck_assert(weq(host, u"::1"));
	SspiLocalFree(host);
	ck_status(SspiGetTargetHostName(u"", &host), SEC_E_INVALID_PARAMETER);
	ck_status(SspiGetTargetHostName(NULL, &host), SEC_E_INVALID_PARAMETER);

	ck_assert(SspiIsPromptingNeeded((ULONG)SEC_E_LOGON_DENIED));
	ck_assert(SspiIsPromptingNeeded(0xC000006D));
	ck_assert(SspiIsPromptingNeeded(1326));
	ck_assert(!SspiIsPromptingNeeded((ULONG)SEC_E_OK));
	ck_assert(!SspiIsPromptingNeeded((ULONG)SEC_E_INTERNAL_ERROR));

	/* Credential Manager's names, as Windows gives them. */
	ck_status(SspiEncodeStringsAsAuthIdentity(u"username", u"domainname", u"password", &id),
		  SEC_E_OK);
	ck_status(SspiPrepareForCredWrite(id, NULL, &type, &target, &user, &blob, &size), SEC_E_OK);
	ck_assert_uint_eq(type, 2); /* CRED_TYPE_DOMAIN_PASSWORD */
	ck_assert(weq(target, u"domainname\\username"));
	ck_assert(weq(user, u"domainname\\username"));
	ck_assert_uint_eq(size, 16);
	ck_assert(memcmp(blob, u"password", 16) == 0);
	SspiLocalFree((void *)target);
	SspiLocalFree((void *)user);
	SspiLocalFree(blob);
	ck_status(SspiPrepareForCredRead(id, u"domainname2\\username2", &type, &target), SEC_E_OK);
	ck_assert(weq(target, u"domainname2\\username2"));
	SspiLocalFree((void *)target);

	ck_status(SspiValidateAuthIdentity(id), SEC_E_OK);
	SspiFreeAuthIdentity(id);
	ck_status(SspiValidateAuthIdentity(NULL), SEC_E_INVALID_PARAMETER);
	/* Freeing what the library did not allocate is left alone. */
	{
		char not_ours[8];

		SspiLocalFree(not_ours);
		SspiFreeAuthIdentity(not_ours);
	}
}
END_TEST

/* ------------------------------------------------ the terminal prompt */

START_TEST(prompt_without_terminal)
{
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		PSEC_WINNT_AUTH_IDENTITY_OPAQUE id = NULL;
		int save = 5;

		setsid(); /* no controlling terminal */
		_exit(SspiPromptForCredentialsW(u"HTTP/web", NULL, 0, u"Negotiate", NULL, &id, &save,
						0) == 50 /* ERROR_NOT_SUPPORTED */ &&
			      id == NULL
		      ? 0
		      : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
END_TEST

/* On a terminal: the user name (with its domain) echoed, the password not. */
START_TEST(prompt_on_a_terminal)
{
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	char seen[2048];
	size_t got = 0;
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		PSEC_WINNT_AUTH_IDENTITY_OPAQUE id = NULL;
		SEC_WINNT_AUTH_IDENTITY_EXW *ex;
		int save = 5, ok;

		ok = SspiPromptForCredentialsW(u"HTTP/web", NULL, 0, u"Negotiate", NULL, &id, &save,
					       0) == 0;
		ex = id;
		ok = ok && ex != NULL && ex->UserLength == 5 &&
		     memcmp(ex->User, u"alice", 10) == 0 && ex->DomainLength == 9 &&
		     memcmp(ex->Domain, u"SSPI.TEST", 18) == 0 && ex->PasswordLength == 12 &&
		     memcmp(ex->Password, u"Alice-Pass-1", 24) == 0 && save == 0;
		SspiFreeAuthIdentity(id);
		/* An empty user name: cancelled. */
		ok = ok && SspiPromptForCredentialsA("HTTP/web", NULL, 0, "NTLM", NULL, &id, &save,
						     0) == 1223;
		printf("\nchild:%s\n", ok ? "ok" : "bad");
		fflush(stdout);
		_exit(ok ? 0 : 1);
	}
	/* Answer each prompt as it comes. */
	{
		const char *answers[] = {"SSPI.TEST\\alice\n", "Alice-Pass-1\n", "\n"};
		const char *prompts[] = {"User name: ", "Password: ", "User name: "};
		int next = 0;

		while (got < sizeof(seen) - 1) {
			struct pollfd pfd = {master, POLLIN, 0};
			ssize_t r;

			/* A prompt that never comes fails the test, not the clock. */
			if (poll(&pfd, 1, 30000) <= 0) {
				kill(pid, SIGKILL);
				break;
			}
			r = read(master, seen + got, sizeof(seen) - 1 - got);

			if (r <= 0)
				break;
			got += (size_t)r;
			seen[got] = '\0';
			if (next < 3) {
				/* The n-th prompt has appeared once more than before. */
				int count = 0;
				for (char *at = seen; (at = strstr(at, prompts[next])) != NULL; at++)
					count++;
				if (count >= (next == 2 ? 2 : 1) &&
				    write(master, answers[next], strlen(answers[next])) > 0)
					next++;
			}
		}
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	seen[got] = '\0';
	ck_assert_msg(strstr(seen, "child:ok") != NULL, "terminal said: %s", seen);
	ck_assert_msg(strstr(seen, "Alice-Pass-1") == NULL, "the password was echoed: %s", seen);
	ck_assert(strstr(seen, "SSPI.TEST\\alice") != NULL);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(master);
}
END_TEST

/* ---------------- AcquireCredentialsHandle with what the helpers make */

/* An EX2 identity with alice's password in packed credentials. */
struct ex2_alice {
	SEC_WINNT_AUTH_IDENTITY_EX2 h;
	SEC_WCHAR user[5], domain[9];
	SEC_WINNT_AUTH_PACKED_CREDENTIALS pc;
	SEC_WCHAR password[16];
};

static void make_ex2(struct ex2_alice *e, const SEC_WCHAR *password)
{
	size_t plen = ulen(password);

	memset(e, 0, sizeof(*e));
	e->h.Version = SEC_WINNT_AUTH_IDENTITY_VERSION_2;
	e->h.cbHeaderLength = sizeof(e->h);
	e->h.cbStructureLength = sizeof(*e);
	memcpy(e->user, u"alice", 10);
	e->h.UserOffset = offsetof(struct ex2_alice, user);
	e->h.UserLength = 10;
	memcpy(e->domain, u"SSPI.TEST", 18);
	e->h.DomainOffset = offsetof(struct ex2_alice, domain);
	e->h.DomainLength = 18;
	e->h.PackedCredentialsOffset = offsetof(struct ex2_alice, pc);
	e->h.PackedCredentialsLength = sizeof(e->pc) + sizeof(e->password);
	e->h.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
	e->pc.cbHeaderLength = sizeof(e->pc);
	e->pc.cbStructureLength = (USHORT)(sizeof(e->pc) + sizeof(e->password));
	e->pc.AuthData.CredType = SEC_WINNT_AUTH_DATA_TYPE_PASSWORD;
	e->pc.AuthData.CredData.ByteArrayOffset = sizeof(e->pc);
	e->pc.AuthData.CredData.ByteArrayLength = (USHORT)(plen * 2);
	memcpy(e->password, password, plen * 2);
}

/* A handshake with a credential acquired from the identity. */
static void handshake_with(const char *package, void *identity, int wide)
{
	struct loop o = {.target = strcmp(package, "NTLM") ? "HTTP/localhost" : "HTTP/127.0.0.1",
			 .isc_req = REQ};
	CredHandle c, s;
	CtxtHandle cc, sc;
	ULONG ca, sa;
	TimeStamp exp;
	SecPkgContext_NamesA names;

	if (wide) {
		SEC_WCHAR w[16];

		for (size_t i = 0; i <= strlen(package); i++)
			w[i] = (SEC_WCHAR)package[i];
		ck_status(AcquireCredentialsHandleW(NULL, w, SECPKG_CRED_OUTBOUND, NULL, identity,
						    NULL, NULL, &c, &exp),
			  SEC_E_OK);
	} else {
		ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND,
						    NULL, identity, NULL, NULL, &c, &exp),
			  SEC_E_OK);
	}
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &s, &exp),
		  SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
	ck_status(QueryContextAttributesA(&sc, SECPKG_ATTR_NAMES, &names), SEC_E_OK);
	ck_assert_msg(strstr(names.sUserName, "alice") != NULL, "%s", names.sUserName);
	FreeContextBuffer(names.sUserName);
	seal_and_open(&cc, &sc, 0);
	DeleteSecurityContext(&cc);
	DeleteSecurityContext(&sc);
	FreeCredentialsHandle(&c);
	FreeCredentialsHandle(&s);
}

START_TEST(acquire_with_every_form)
{
	static const char *const packages[] = {"Kerberos", "NTLM", "Negotiate"};
	struct ex2_alice ex2;
	CredHandle c;
	TimeStamp exp;

	make_ex2(&ex2, u"Alice-Pass-1");
	ck_status(SspiValidateAuthIdentity(&ex2), SEC_E_OK);
	for (size_t i = 0; i < 3; i++) {
		PSEC_WINNT_AUTH_IDENTITY_OPAQUE enc, un, prot;
		ULONG len;
		char *bytes;

		ck_status(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI.TEST", u"Alice-Pass-1",
							  &enc),
			  SEC_E_OK);
		handshake_with(packages[i], enc, 1);
		handshake_with(packages[i], enc, 0); /* its Flags say UNICODE */
		ck_status(SspiMarshalAuthIdentity(enc, &len, &bytes), SEC_E_OK);
		ck_status(SspiUnmarshalAuthIdentity(len, bytes, &un), SEC_E_OK);
		SspiLocalFree(bytes);
		handshake_with(packages[i], un, 1);
		ck_status(SspiCopyAuthIdentity(enc, &prot), SEC_E_OK);
		ck_status(SspiEncryptAuthIdentity(prot), SEC_E_OK);
		handshake_with(packages[i], prot, 1);
		handshake_with(packages[i], &ex2, 1);
		SspiFreeAuthIdentity(enc);
		SspiFreeAuthIdentity(un);
		SspiFreeAuthIdentity(prot);
	}
	/* The EX2 password is the one that counts: a wrong one is refused
	 * (by the KDC, at the first context). */
	make_ex2(&ex2, u"Not-Her-Pass");
	ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"Kerberos", SECPKG_CRED_OUTBOUND,
					    NULL, &ex2, NULL, NULL, &c, &exp),
		  SEC_E_OK);
	{
		CtxtHandle x;
		SecBuffer ob = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc out = {SECBUFFER_VERSION, 1, &ob};
		ULONG attrs;

		ck_status(InitializeSecurityContextW(&c, NULL, (SEC_WCHAR *)u"HTTP/localhost",
						     ISC_REQ_ALLOCATE_MEMORY, 0, 0, NULL, 0, &x,
						     &out, &attrs, NULL),
			  SEC_E_LOGON_DENIED);
		ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	}
	/* A string outside the structure, and a certificate credential. */
	make_ex2(&ex2, u"Alice-Pass-1");
	ex2.h.UserOffset = 4000;
	ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"Kerberos", SECPKG_CRED_OUTBOUND,
					    NULL, &ex2, NULL, NULL, &c, &exp),
		  SEC_E_INVALID_PARAMETER);
	make_ex2(&ex2, u"Alice-Pass-1");
	ex2.pc.AuthData.CredType = SEC_WINNT_AUTH_DATA_TYPE_CERT;
	ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"Kerberos", SECPKG_CRED_OUTBOUND,
					    NULL, &ex2, NULL, NULL, &c, &exp),
		  SEC_E_UNSUPPORTED_FUNCTION);
	/* SspiExcludePackage: Negotiate without NTLM cannot reach an address. */
	{
		PSEC_WINNT_AUTH_IDENTITY_OPAQUE enc, no_ntlm;
		struct loop o = {.target = "HTTP/127.0.0.1", .isc_req = REQ};
		CredHandle s;
		CtxtHandle cc, sc;
		ULONG ca, sa;

		ck_status(SspiEncodeStringsAsAuthIdentity(u"alice", u"SSPI.TEST", u"Alice-Pass-1",
							  &enc),
			  SEC_E_OK);
		ck_status(SspiExcludePackage(enc, u"NTLM", &no_ntlm), SEC_E_OK);
		ck_status(AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)u"Negotiate",
						    SECPKG_CRED_OUTBOUND, NULL, no_ntlm, NULL, NULL,
						    &c, &exp),
			  SEC_E_OK);
		ck_status(AcquireCredentialsHandleA(NULL, "Negotiate", SECPKG_CRED_INBOUND, NULL,
						    NULL, NULL, NULL, &s, &exp),
			  SEC_E_OK);
		ck_assert_int_ne(handshake_loop(&o, &c, &s, &cc, &sc, &ca, &sa), SEC_E_OK);
		FreeCredentialsHandle(&c);
		FreeCredentialsHandle(&s);
		SspiFreeAuthIdentity(enc);
		SspiFreeAuthIdentity(no_ntlm);
	}
}
END_TEST

static Suite *helpers_suite(void)
{
	Suite *s = suite_create("identity_helpers");
	TCase *tc = tcase_create("identity_helpers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, encode_as_windows);
	tcase_add_test(tc, marshal_as_windows);
	tcase_add_test(tc, copy_compare_exclude);
	tcase_add_test(tc, protection);
	tcase_add_test(tc, protection_shares_no_key_stream);
	tcase_add_test(tc, small_helpers);
	tcase_add_test(tc, prompt_without_terminal);
	tcase_add_test(tc, prompt_on_a_terminal);
	tcase_add_test(tc, acquire_with_every_form);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_with_realm_and_alice(&realm, helpers_suite());
}
