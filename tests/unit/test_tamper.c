/*
 * test_tamper.c - the tamper matrix: for every package (Kerberos, NTLM,
 * Negotiate choosing either) and every Windows message layout, one byte
 * changed in the token, the data or the trailer after EncryptMessage or
 * MakeSignature must make DecryptMessage / VerifySignature answer
 * SEC_E_MESSAGE_ALTERED (a krb5 "bad integrity" means "wrong password"
 * only on a logon), and a message replayed SEC_E_OUT_OF_SEQUENCE. After
 * each refusal the context goes on: with NTLM, and Kerberos on the fast
 * path (checksum before order, as MIT), the refused message leaves no
 * trace and the genuine one opens; Heimdal's Kerberos code
 * (SSPI_GSS_KRB5_FASTPATH=0) takes the refused message's sequence number
 * (its cfx.c checks the order before the checksum), so the genuine copy is
 * then out of sequence and the next message opens. docs/mapping.md keeps
 * the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kerberos_util.h"

static struct realm realm;

enum layout { L_TOKEN_DATA, L_TOKEN_DATA_PADDING, L_STREAM, L_SIGNATURE, L_COUNT };
enum where { W_TOKEN, W_DATA, W_TRAILER, W_COUNT };

static const char *const layout_name[] = {"[TOKEN, DATA]", "[TOKEN, DATA, PADDING]",
					  "[STREAM, DATA]", "signature [DATA, TOKEN]"};
static const char *const where_name[] = {"token checksum", "data", "trailer"};

#define TEXT "a message of some length, to be changed on the way"

/* One protected message from `from`, in the layout, kept as bytes. */
struct sent {
	unsigned char token[256], data[sizeof(TEXT)];
	ULONG token_len;
};

/* What a package does, where it differs. */
struct package {
	const char *name;
	/* Bytes of the token's checksum (< 0: counted from the end): the
	 * "token" and "trailer" positions. The sequence number is left
	 * alone: a changed one is a message out of sequence. */
	int checksum_at, other_at;
	int refused_takes_sequence;
};

static void protect(CtxtHandle *from, enum layout l, struct sent *m)
{
	SecBuffer b[3] = {{sizeof(m->token), SECBUFFER_TOKEN, m->token},
			  {sizeof(TEXT), SECBUFFER_DATA, m->data},
			  {0, SECBUFFER_PADDING, NULL}};
	SecBufferDesc d = {SECBUFFER_VERSION, l == L_TOKEN_DATA_PADDING ? 3 : 2, b};
	unsigned char pad[32];

	memcpy(m->data, TEXT, sizeof(TEXT));
	if (l == L_TOKEN_DATA_PADDING)
		b[2] = (SecBuffer){sizeof(pad), SECBUFFER_PADDING, pad};
	if (l == L_SIGNATURE)
		ck_status(MakeSignature(from, 0, &d, 0), SEC_E_OK);
	else
		ck_status(EncryptMessage(from, 0, &d, 0), SEC_E_OK);
	m->token_len = b[0].cbBuffer;
	ck_assert_msg(l != L_TOKEN_DATA_PADDING || b[2].cbBuffer == 0,
		      "padding used: the layout test would need it carried");
}

/* The message as the receiver gets it, in the layout; the byte at `where`
 * changed when tamper is set. */
static SECURITY_STATUS open_message(const struct package *p, CtxtHandle *to, enum layout l,
				    const struct sent *m, enum where w, int tamper)
{
	unsigned char token[256], data[sizeof(TEXT)], stream[512];
	SecBuffer b[3];
	SecBufferDesc d = {SECBUFFER_VERSION, 2, b};
	ULONG qop;

	memcpy(token, m->token, m->token_len);
	memcpy(data, m->data, sizeof(data));
	if (tamper) {
		if (w == W_TOKEN)
			/* A byte of the token's checksum (Kerberos: the last,
			 * in the rotated trailer; NTLM: one of bytes 4-11). */
			token[p->checksum_at < 0 ? (int)m->token_len + p->checksum_at
						 : p->checksum_at] ^= 0x01;
		else if (w == W_DATA)
			data[sizeof(data) / 2] ^= 0x01;
		else if (l == L_STREAM)
			data[sizeof(data) - 1] ^= 0x80; /* the stream's last byte */
		else
			token[p->other_at < 0 ? (int)m->token_len + p->other_at : p->other_at] ^=
				0x80;
	}
	if (l == L_STREAM) {
		memcpy(stream, token, m->token_len);
		memcpy(stream + m->token_len, data, sizeof(data));
		b[0] = (SecBuffer){m->token_len + (ULONG)sizeof(data), SECBUFFER_STREAM, stream};
		b[1] = (SecBuffer){0, SECBUFFER_DATA, NULL};
		return DecryptMessage(to, &d, 0, &qop);
	}
	if (l == L_SIGNATURE) {
		b[0] = (SecBuffer){(ULONG)sizeof(data), SECBUFFER_DATA, data};
		b[1] = (SecBuffer){m->token_len, SECBUFFER_TOKEN, token};
		return VerifySignature(to, &d, 0, &qop);
	}
	b[0] = (SecBuffer){m->token_len, SECBUFFER_TOKEN, token};
	b[1] = (SecBuffer){(ULONG)sizeof(data), SECBUFFER_DATA, data};
	if (l == L_TOKEN_DATA_PADDING) {
		b[2] = (SecBuffer){0, SECBUFFER_PADDING, NULL};
		d.cBuffers = 3;
	}
	return DecryptMessage(to, &d, 0, &qop);
}

static int expect(const struct package *p, enum layout l, const char *what, SECURITY_STATUS got,
		  SECURITY_STATUS want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "%s %s, %s: expected %s, got %s\n", p->name, layout_name[l], what,
		SspiGssStatusName(want), SspiGssStatusName(got));
	return 1;
}

static int run_matrix(const struct package *p, CtxtHandle *c, CtxtHandle *s)
{
	int bad = 0;

	for (int l = 0; l < L_COUNT; l++) {
		for (int w = 0; w < W_COUNT; w++) {
			enum layout lay = (enum layout)l;
			struct sent m, next;
			char what[64];

			protect(c, lay, &m);
			snprintf(what, sizeof(what), "%s changed", where_name[w]);
			bad += expect(p, lay, what, open_message(p, s, lay, &m, (enum where)w, 1),
				      SEC_E_MESSAGE_ALTERED);
			if (p->refused_takes_sequence) {
				bad += expect(p, lay, "the genuine copy after a refusal",
					      open_message(p, s, lay, &m, W_DATA, 0),
					      SEC_E_OUT_OF_SEQUENCE);
				protect(c, lay, &next);
				bad += expect(p, lay, "the next message after a refusal",
					      open_message(p, s, lay, &next, W_DATA, 0), SEC_E_OK);
			} else {
				bad += expect(p, lay, "the genuine message after a refusal",
					      open_message(p, s, lay, &m, W_DATA, 0), SEC_E_OK);
				next = m;
			}
			bad += expect(p, lay, "a replay", open_message(p, s, lay, &next, W_DATA, 0),
				      SEC_E_OUT_OF_SEQUENCE);
		}
	}
	return bad;
}

#define SEQ_REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_SEQUENCE_DETECT | \
		 ISC_REQ_REPLAY_DETECT | ISC_REQ_MUTUAL_AUTH)

static void matrix_for(const char *package, const char *package_list, const char *target,
		       const struct package *p)
{
	SEC_WINNT_AUTH_IDENTITY_EXA id = {
		.Version = SEC_WINNT_AUTH_IDENTITY_VERSION, .Length = sizeof(id),
		.User = (UCHAR *)"alice", .UserLength = 5, .Domain = (UCHAR *)"SSPI.TEST",
		.DomainLength = 9, .Password = (UCHAR *)"Alice-Pass-1", .PasswordLength = 12,
		.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI, .PackageList = (UCHAR *)package_list,
		.PackageListLength = package_list ? (ULONG)strlen(package_list) : 0,
	};
	struct loop o = {.target = target, .isc_req = SEQ_REQ,
			 .asc_req = ASC_REQ_CONFIDENTIALITY | ASC_REQ_INTEGRITY |
				    ASC_REQ_SEQUENCE_DETECT | ASC_REQ_REPLAY_DETECT |
				    ASC_REQ_MUTUAL_AUTH};
	CredHandle c, s;
	CtxtHandle cctx, sctx;
	ULONG ca, sa;
	TimeStamp t;
	int bad;

	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_OUTBOUND, NULL,
					    &id, NULL, NULL, &c, &t),
		  SEC_E_OK);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, &s, &t),
		  SEC_E_OK);
	ck_status(handshake_loop(&o, &c, &s, &cctx, &sctx, &ca, &sa), SEC_E_OK);
	bad = run_matrix(p, &cctx, &sctx) + run_matrix(p, &sctx, &cctx);
	ck_status(DeleteSecurityContext(&cctx), SEC_E_OK);
	ck_status(DeleteSecurityContext(&sctx), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&c), SEC_E_OK);
	ck_status(FreeCredentialsHandle(&s), SEC_E_OK);
	ck_assert_msg(bad == 0, "%s: %d cells differ (above)", package, bad);
}

/* Kerberos: the last 12 bytes of a MIC token, or of a sealed token with
 * its trailer rotated into the header, are the HMAC-SHA1-96; NTLM:
 * bytes 4-11 of the signature. */
static const struct package ntlm_pkg = {"NTLM", 8, 4, 0};

/* Kerberos: which rule, by the message path in use. */
static struct package kerberos_package(void)
{
	const char *fast = getenv("SSPI_GSS_KRB5_FASTPATH");
	struct package p = {"Kerberos", -1, -12, fast != NULL && strcmp(fast, "0") == 0};

	return p;
}

START_TEST(kerberos)
{
	struct package p = kerberos_package();

	matrix_for("Kerberos", NULL, "HTTP/localhost", &p);
}
END_TEST

START_TEST(ntlm)
{
	matrix_for("NTLM", NULL, "HTTP/localhost", &ntlm_pkg);
}
END_TEST

START_TEST(negotiate_kerberos)
{
	struct package p = kerberos_package();

	matrix_for("Negotiate", NULL, "HTTP/localhost", &p);
}
END_TEST

START_TEST(negotiate_ntlm)
{
	matrix_for("Negotiate", "NTLM", "HTTP/localhost", &ntlm_pkg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tamper");
	TCase *t = tcase_create("matrix");

	tcase_add_test(t, kerberos);
	tcase_add_test(t, ntlm);
	tcase_add_test(t, negotiate_kerberos);
	tcase_add_test(t, negotiate_ntlm);
	tcase_set_timeout(t, 120);
	suite_add_tcase(s, t);
	return run_with_realm_and_alice(&realm, s);
}
