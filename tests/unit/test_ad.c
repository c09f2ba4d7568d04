/*
 * test_ad.c - the library in an Active Directory domain: a Samba AD DC
 * (tests/fixtures/samba-dc.sh runs this suite inside its namespace).
 *
 * Kerberos and Negotiate with the domain named as the realm, as the NetBIOS
 * domain and as a UPN; the acceptor's PAC (logon information, SIDs and
 * groups checked against wbinfo's answers; a PAC re-signed with a wrong key
 * refused); the NTLM acceptor on winbind (session key, sealing, the
 * Negotiate mechListMIC, the domain's refusals); faults: the DC stopped,
 * winbind's socket gone, a clock off by an hour.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <krb5.h>

#include "kerberos_util.h"

#define REALM "AD.SSPI.TEST"
/* This program's own path, for the children it starts under faketime. */
static char self_path[4096];
#define NETBIOS "ADSSPI"
#define TARGET "HTTP/localhost"

/* The fixture's facts, asked of the domain itself (wbinfo), never typed in. */
static char *run_out(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	static char buf[8192];
	size_t n;

	ck_assert_msg(f != NULL, "%s", cmd);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	ck_assert_msg(pclose(f) == 0, "%s failed: %s", cmd, buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return strdup(buf);
}

/* "S-1-5-21-... SID_USER (1)" -> the SID. */
static char *wbinfo_sid(const char *name)
{
	char cmd[256], *out, *sp;

	snprintf(cmd, sizeof(cmd), "wbinfo -n '%s'", name);
	out = run_out(cmd);
	sp = strchr(out, ' ');
	if (sp != NULL)
		*sp = '\0';
	return out;
}

static void server_cred_of(const char *package, CredHandle *h)
{
	TimeStamp exp;

	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL,
					    NULL, NULL, NULL, h, &exp),
		  SEC_E_OK);
}

static SECURITY_STATUS pair(CredHandle *ccred, CredHandle *scred, const char *target,
			    CtxtHandle *c, CtxtHandle *s)
{
	struct loop o = {.target = target, .isc_req = REQ, .asc_req = ASC_REQ_MUTUAL_AUTH |
								ASC_REQ_CONFIDENTIALITY};
	ULONG ca, sa;

	return handshake_loop(&o, ccred, scred, c, s, &ca, &sa);
}

static char *names_of(CtxtHandle *h)
{
	SecPkgContext_NamesA n;
	char *copy;

	ck_status(QueryContextAttributesA(h, SECPKG_ATTR_NAMES, &n), SEC_E_OK);
	copy = strdup(n.sUserName);
	FreeContextBuffer(n.sUserName);
	return copy;
}

static int has_group(const SSPI_GSS_LOGON_INFO *info, const char *sid)
{
	for (unsigned i = 0; i < info->GroupCount; i++)
		if (strcmp(info->GroupSids[i], sid) == 0)
			return 1;
	return 0;
}

/* The logon information of the server context: alice as the domain knows her. */
static void check_alice(CtxtHandle *s, const char *source)
{
	PSSPI_GSS_LOGON_INFO info = NULL;
	char *alice_sid = wbinfo_sid(NETBIOS "\\alice");
	char *staff_sid = wbinfo_sid(NETBIOS "\\sspi-staff");
	char *users_sid = wbinfo_sid(NETBIOS "\\Domain Users");
	char *name = names_of(s);
	char *groups, cmd[256];

	ck_assert_str_eq(name, NETBIOS "\\alice");
	ck_status(QueryContextAttributesA(s, SSPI_GSS_ATTR_LOGON_INFO, &info), SEC_E_OK);
	ck_assert_str_eq(info->Source, source);
	ck_assert_str_eq(info->Domain, NETBIOS);
	ck_assert_str_eq(info->Account, "alice");
	ck_assert_str_eq(info->UserSid, alice_sid);
	ck_assert_str_eq(info->PrimaryGroupSid, users_sid);
	ck_assert_msg(has_group(info, staff_sid), "sspi-staff (%s) missing", staff_sid);
	ck_assert_msg(has_group(info, users_sid), "Domain Users missing");
	/* Every domain group wbinfo names is in the logon information. */
	snprintf(cmd, sizeof(cmd), "wbinfo --user-domgroups=%s", alice_sid);
	groups = run_out(cmd);
	for (char *save = NULL, *g = strtok_r(groups, "\n", &save); g != NULL;
	     g = strtok_r(NULL, "\n", &save))
		if (strcmp(g, alice_sid) != 0) /* winbind lists the user too */
			ck_assert_msg(has_group(info, g), "group %s of wbinfo missing", g);
	ck_status(FreeContextBuffer(info), SEC_E_OK);
	free(groups);
	free(name);
	free(alice_sid);
	free(staff_sid);
	free(users_sid);
}

static void check_native(CtxtHandle *s, const char *client, const char *server)
{
	SecPkgContext_NativeNamesA n;

	ck_status(QueryContextAttributesA(s, SECPKG_ATTR_NATIVE_NAMES, &n), SEC_E_OK);
	ck_assert_str_eq(n.sClientName, client);
	ck_assert_str_eq(n.sServerName, server);
	FreeContextBuffer(n.sClientName);
	FreeContextBuffer(n.sServerName);
}

/* Kerberos with the domain given as the realm, as the NetBIOS name (in
 * either case) and as a UPN: the PAC, NAMES and sealing both ways. */
START_TEST(kerberos_logon_forms)
{
	static const struct {
		const char *user, *domain;
	} forms[] = {
		{"alice", REALM},       {"alice", NETBIOS},       {"alice", "adsspi"},
		{"alice", "ad.sspi.test"}, {"alice@ad.sspi.test", ""}, {NETBIOS "\\alice", NULL},
	};
	const char *pkg = _i < 6 ? "Kerberos" : "Negotiate";
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};

	ck_status(acquire_identity(pkg, forms[_i % 6].user, forms[_i % 6].domain, "Alice-Pass-1",
				   &ccred),
		  SEC_E_OK);
	server_cred_of(pkg, &scred);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_alice(&s, "PAC");
	check_native(&s, "alice@" REALM, TARGET "@" REALM);
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* Default credentials: alice's tickets from kinit in the FILE cache
 * (KRB5CCNAME), for Kerberos and Negotiate, no identity given; the server
 * maps her to a local account (SSPI_GSS_ACCOUNT_MAP) and her token carries
 * her domain SIDs. */
START_TEST(default_credentials_and_token)
{
	const char *pkg = _i == 0 ? "Kerberos" : "Negotiate";
	char cmd[2400], map[1100], *alice = wbinfo_sid(NETBIOS "\\alice");
	char *staff = wbinfo_sid(NETBIOS "\\sspi-staff");
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	PSSPI_GSS_TOKEN_INFORMATION ti;
	TimeStamp exp;
	HANDLE token;
	int found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "kinit --password-file='%s/alice.password' alice@%s",
		 getenv("SSPI_GSS_AD_DIR"), REALM);
	ck_assert_int_eq(system(cmd), 0);
	ck_status(AcquireCredentialsHandleA(NULL, (SEC_CHAR *)pkg, SECPKG_CRED_OUTBOUND, NULL, NULL,
					    NULL, NULL, &ccred, &exp),
		  SEC_E_OK);
	server_cred_of(pkg, &scred);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_alice(&s, "PAC");

	snprintf(map, sizeof(map), "%s/account.map", getenv("SSPI_GSS_AD_DIR"));
	f = fopen(map, "w");
	ck_assert(f != NULL);
	fprintf(f, "%s\\alice nobody\n", NETBIOS);
	fclose(f);
	setenv("SSPI_GSS_ACCOUNT_MAP", map, 1);
	ck_status(QuerySecurityContextToken(&s, &token), SEC_E_OK);
	ck_status(SspiGssGetTokenInformation(token, &ti), SEC_E_OK);
	ck_assert_str_eq(ti->UserName, "nobody");
	ck_assert_str_eq(ti->ClientName, NETBIOS "\\alice");
	ck_assert_str_eq(ti->UserSid, alice);
	for (unsigned k = 0; k < ti->GroupSidCount; k++)
		found |= strcmp(ti->GroupSids[k], staff) == 0;
	ck_assert_msg(found, "sspi-staff is not in the token");
	FreeContextBuffer(ti);
	ck_status(SspiGssCloseToken(token), SEC_E_OK);
	unsetenv("SSPI_GSS_ACCOUNT_MAP");
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
	ck_assert_int_eq(system("kdestroy"), 0);
	free(alice);
	free(staff);
}
END_TEST

/* An inbound credential whose NTLM logons the domain checks (winbind). */
static SECURITY_STATUS winbind_server(const char *package, CredHandle *h)
{
	SSPI_GSS_NTLM_DATABASE db = {SSPI_GSS_NTLM_DATABASE_VERSION, sizeof(db), NULL, NULL,
				     SSPI_GSS_NTLM_DATABASE_WINBIND};
	TimeStamp exp;

	return AcquireCredentialsHandleA(NULL, (SEC_CHAR *)package, SECPKG_CRED_INBOUND, NULL, &db,
					 NULL, NULL, h, &exp);
}

static const char *chosen_package(CtxtHandle *h)
{
	static char name[32];
	SecPkgContext_NegotiationInfoA ni;

	ck_status(QueryContextAttributesA(h, SECPKG_ATTR_NEGOTIATION_INFO, &ni), SEC_E_OK);
	snprintf(name, sizeof(name), "%s", ni.PackageInfo->Name);
	FreeContextBuffer(ni.PackageInfo);
	return name;
}

/* The NTLM acceptor on winbind: alice logs on as the domain's user, in
 * every spelling of her domain, with a session key (sealing both ways). */
START_TEST(ntlm_winbind_logon)
{
	static const struct {
		const char *user, *domain;
	} forms[] = {
		{"alice", NETBIOS}, {"alice", REALM}, {"alice", ""}, {"alice@ad.sspi.test", ""},
	};
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};

	ck_status(acquire_identity("NTLM", forms[_i].user, forms[_i].domain, "Alice-Pass-1",
				   &ccred),
		  SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_alice(&s, "winbind");
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* The local account of a domain user checked through winbind is the one
 * winbind names, DOMAIN\user, never a local account of the same name
 * (Windows: the domain's SID). The fixture has no winbind NSS module, so
 * the lookup finds no such account: what matters is the name asked for. */
START_TEST(winbind_user_is_the_domains_account)
{
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	HANDLE token = NULL;

	ck_status(acquire_identity("NTLM", "alice", NETBIOS, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	ck_status(QuerySecurityContextToken(&s, &token), SEC_E_NO_IMPERSONATION);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "no local account named " NETBIOS "\\alice") !=
			      NULL,
		      "%s", SspiGssGetLastErrorText());
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* Negotiate to an address goes to NTLM (no ticket names an address), to a
 * name to Kerberos; on winbind the NTLM leg has a session key, so the
 * mechListMIC is exchanged and sealing works. */
START_TEST(negotiate_address_and_name)
{
	const char *target = _i == 0 ? "HTTP/127.0.0.1" : TARGET;
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};

	ck_status(acquire_identity("Negotiate", "alice", NETBIOS, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(winbind_server("Negotiate", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, target, &c, &s), SEC_E_OK);
	ck_assert_str_eq(chosen_package(&s), _i == 0 ? "NTLM" : "Kerberos");
	ck_assert_str_eq(chosen_package(&c), _i == 0 ? "NTLM" : "Kerberos");
	check_alice(&s, _i == 0 ? "winbind" : "PAC");
	seal_and_open(&c, &s, 0);
	seal_and_open(&s, &c, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* The domain's refusals: the documented code, its reason in the text. */
START_TEST(ntlm_winbind_refusals)
{
	static const struct {
		const char *user, *password, *reason;
	} cases[] = {
		{"alice", "wrong-password", "NT_STATUS_WRONG_PASSWORD"},
		{"carol", "Carol-Pass-1", "NT_STATUS_ACCOUNT_DISABLED"},
		{"nobody-such", "whatever", "NT_STATUS_NO_SUCH_USER"},
	};
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	const char *text;

	ck_status(acquire_identity("NTLM", cases[_i].user, NETBIOS, cases[_i].password, &ccred),
		  SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_LOGON_DENIED);
	text = SspiGssGetLastErrorText();
	ck_assert_msg(strstr(text, cases[_i].reason) != NULL ||
			      (_i != 1 && strstr(text, "NT_STATUS_LOGON_FAILURE") != NULL),
		      "last error: %s", text);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/*
 * Forged PACs. The test plays a KDC that knows the service's key (from its
 * keytab) but not necessarily the domain's: it takes alice's real ticket
 * for HTTP/localhost, opens it, changes her RID in the logon information
 * to bob's, signs the PAC again (MS-PAC 2.8: the server signature over
 * the PAC with both signatures zeroed, the KDC signature over the server
 * signature) with the keys the case says, seals the ticket again and puts
 * it alone into a MEMORY ticket cache.
 */
#define KU_PAC 17 /* KERB_NON_KERB_CKSUM_SALT */

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The offset and size of the PAC buffer of type, or 0. */
static size_t pac_buffer(const uint8_t *pac, size_t len, uint32_t type, size_t *size)
{
	uint32_t n = le32(pac);

	for (uint32_t i = 0; i < n && 8 + 16 * (size_t)(i + 1) <= len; i++) {
		const uint8_t *info = pac + 8 + 16 * (size_t)i;

		if (le32(info) == type) {
			*size = le32(info + 4);
			return le32(info + 8);
		}
	}
	return 0;
}

static void pac_sign(krb5_context k, uint8_t *pac, size_t len, const krb5_keyblock *server,
		     const krb5_keyblock *kdc)
{
	size_t srv_size = 0, kdc_size = 0;
	size_t srv = pac_buffer(pac, len, 6, &srv_size), kdc_at = pac_buffer(pac, len, 7, &kdc_size);
	krb5_crypto c;
	Checksum ck;

	ck_assert(srv != 0 && kdc_at != 0 && srv_size > 4 && kdc_size > 4);
	memset(pac + srv + 4, 0, srv_size - 4);
	memset(pac + kdc_at + 4, 0, kdc_size - 4);
	ck_assert_int_eq(krb5_crypto_init(k, server, 0, &c), 0);
	ck_assert_int_eq(krb5_create_checksum(k, c, KU_PAC, 0, pac, len, &ck), 0);
	ck_assert(ck.checksum.length <= srv_size - 4);
	memcpy(pac + srv + 4, ck.checksum.data, ck.checksum.length);
	free_Checksum(&ck);
	krb5_crypto_destroy(k, c);
	ck_assert_int_eq(krb5_crypto_init(k, kdc, 0, &c), 0);
	ck_assert_int_eq(krb5_create_checksum(k, c, KU_PAC, 0, pac + srv + 4, srv_size - 4, &ck), 0);
	ck_assert(ck.checksum.length <= kdc_size - 4);
	memcpy(pac + kdc_at + 4, ck.checksum.data, ck.checksum.length);
	free_Checksum(&ck);
	krb5_crypto_destroy(k, c);
}

/* The KERB_VALIDATION_INFO's UserId: after the serialization headers and
 * the top pointer (20), six FILETIMEs (48), six RPC_UNICODE_STRINGs (48)
 * and the two USHORT counts (4). */
#define USER_ID_AT 120

static void forge(const char *ccname, uint32_t rid, int right_server_key, int right_kdc_key)
{
	char ktname[1100];
	krb5_context k;
	krb5_principal client, service;
	krb5_creds tgt, in, *out = NULL;
	krb5_ccache cc, forged;
	krb5_keytab kt;
	krb5_keytab_entry entry;
	krb5_keyblock *wrong;
	krb5_crypto crypto;
	krb5_data plain;
	Ticket t;
	EncTicketPart etp;
	size_t len;
	int done = 0;
	void *buf;
	size_t buf_len;
	krb5_error_code ret;

	ck_assert_int_eq(krb5_init_context(&k), 0);
	ck_assert_int_eq(krb5_parse_name(k, "alice@" REALM, &client), 0);
	ck_assert_int_eq(krb5_parse_name(k, TARGET "@" REALM, &service), 0);
	ck_assert_int_eq(krb5_get_init_creds_password(k, &tgt, client, "Alice-Pass-1", NULL, NULL, 0,
						      NULL, NULL),
			 0);
	ck_assert_int_eq(krb5_cc_new_unique(k, "MEMORY", NULL, &cc), 0);
	ck_assert_int_eq(krb5_cc_initialize(k, cc, client), 0);
	ck_assert_int_eq(krb5_cc_store_cred(k, cc, &tgt), 0);
	memset(&in, 0, sizeof(in));
	in.client = client;
	in.server = service;
	ck_assert_int_eq(krb5_get_credentials(k, 0, cc, &in, &out), 0);

	/* Open the ticket with the service's key. */
	ck_assert_int_eq(decode_Ticket(out->ticket.data, out->ticket.length, &t, &len), 0);
	snprintf(ktname, sizeof(ktname), "FILE:%s", getenv("SSPI_GSS_AD_KEYTAB"));
	ck_assert_int_eq(krb5_kt_resolve(k, ktname, &kt), 0);
	ck_assert_int_eq(krb5_kt_get_entry(k, kt, service, 0, t.enc_part.etype, &entry), 0);
	ck_assert_int_eq(krb5_crypto_init(k, &entry.keyblock, 0, &crypto), 0);
	ck_assert_int_eq(krb5_decrypt_EncryptedData(k, crypto, KRB5_KU_TICKET, &t.enc_part, &plain),
			 0);
	ck_assert_int_eq(decode_EncTicketPart(plain.data, plain.length, &etp, &len), 0);
	krb5_data_free(&plain);
	wrong = NULL;
	{
		krb5_keyblock kb;

		ck_assert_int_eq(krb5_generate_random_keyblock(k, ETYPE_AES256_CTS_HMAC_SHA1_96, &kb),
				 0);
		ck_assert_int_eq(krb5_copy_keyblock(k, &kb, &wrong), 0);
		krb5_free_keyblock_contents(k, &kb);
	}

	/* The PAC: AD-IF-RELEVANT { AD-WIN2K-PAC }. */
	for (unsigned i = 0; etp.authorization_data != NULL && i < etp.authorization_data->len; i++) {
		AuthorizationDataElement *e = &etp.authorization_data->val[i];
		AuthorizationData inner;

		if (e->ad_type != KRB5_AUTHDATA_IF_RELEVANT)
			continue;
		ck_assert_int_eq(decode_AuthorizationData(e->ad_data.data, e->ad_data.length, &inner,
							  &len),
				 0);
		for (unsigned j = 0; j < inner.len; j++) {
			uint8_t *pac = inner.val[j].ad_data.data;
			size_t pac_len = inner.val[j].ad_data.length, logon_size = 0;
			size_t logon = pac_buffer(pac, pac_len, 1, &logon_size);

			if (inner.val[j].ad_type != KRB5_AUTHDATA_WIN2K_PAC)
				continue;
			ck_assert(logon != 0 && logon_size > USER_ID_AT + 4);
			if (rid != 0) {
				pac[logon + USER_ID_AT] = (uint8_t)rid;
				pac[logon + USER_ID_AT + 1] = (uint8_t)(rid >> 8);
				pac[logon + USER_ID_AT + 2] = (uint8_t)(rid >> 16);
				pac[logon + USER_ID_AT + 3] = (uint8_t)(rid >> 24);
			}
			/* The KDC's own key is in the fixture's krbtgt keytab. */
			{
				char kdc_name[1100];
				krb5_keytab kkt;
				krb5_kt_cursor cur;
				krb5_keytab_entry ke;

				snprintf(kdc_name, sizeof(kdc_name), "FILE:%s",
					 getenv("SSPI_GSS_AD_KRBTGT_KEYTAB"));
				ck_assert_int_eq(krb5_kt_resolve(k, kdc_name, &kkt), 0);
				ck_assert_int_eq(krb5_kt_start_seq_get(k, kkt, &cur), 0);
				ck_assert_int_eq(krb5_kt_next_entry(k, kkt, &ke, &cur), 0);
				pac_sign(k, pac, pac_len, right_server_key ? &entry.keyblock : wrong,
					 right_kdc_key ? &ke.keyblock : wrong);
				krb5_kt_free_entry(k, &ke);
				krb5_kt_end_seq_get(k, kkt, &cur);
				krb5_kt_close(k, kkt);
			}
			done = 1;
		}
		ASN1_MALLOC_ENCODE(AuthorizationData, buf, buf_len, &inner, &len, ret);
		ck_assert_int_eq(ret, 0);
		free_AuthorizationData(&inner);
		free(e->ad_data.data);
		e->ad_data.data = buf;
		e->ad_data.length = buf_len;
	}
	ck_assert_msg(done, "the ticket has no PAC");

	/* Seal the ticket again, alone in its own cache. */
	ASN1_MALLOC_ENCODE(EncTicketPart, buf, buf_len, &etp, &len, ret);
	ck_assert_int_eq(ret, 0);
	free_EncryptedData(&t.enc_part);
	ck_assert_int_eq(krb5_encrypt_EncryptedData(k, crypto, KRB5_KU_TICKET, buf, buf_len,
						    (int)entry.vno, &t.enc_part),
			 0);
	free(buf);
	ASN1_MALLOC_ENCODE(Ticket, buf, buf_len, &t, &len, ret);
	ck_assert_int_eq(ret, 0);
	krb5_data_free(&out->ticket);
	out->ticket.data = buf;
	out->ticket.length = buf_len;
	ck_assert_int_eq(krb5_cc_resolve(k, ccname, &forged), 0);
	ck_assert_int_eq(krb5_cc_initialize(k, forged, client), 0);
	ck_assert_int_eq(krb5_cc_store_cred(k, forged, out), 0);
	krb5_cc_close(k, forged);

	free_EncTicketPart(&etp);
	free_Ticket(&t);
	krb5_free_keyblock(k, wrong);
	krb5_crypto_destroy(k, crypto);
	krb5_kt_free_entry(k, &entry);
	krb5_kt_close(k, kt);
	krb5_free_creds(k, out);
	krb5_free_cred_contents(k, &tgt);
	krb5_cc_destroy(k, cc);
	krb5_free_principal(k, client);
	krb5_free_principal(k, service);
	krb5_free_context(k);
}

static uint32_t rid_of(const char *sid)
{
	return (uint32_t)strtoul(strrchr(sid, '-') + 1, NULL, 10);
}

/* 0: signed again with the right keys: accepted as alice (the forger
 *    itself is sound). 1: bob's RID, signed with keys nobody has: refused.
 * 2: bob's RID, the service's own key but not the KDC's, with the KDC's
 *    key configured (SSPI_GSS_PAC_KDC_KEYTAB): refused. 3: the same
 *    without it: the service's key is all there is to check with, and
 *    whoever holds it can forge (why the KDC signature is worth checking). */
START_TEST(forged_pac)
{
	static const struct {
		int swap, server_key, kdc_key, kdc_keytab;
		SECURITY_STATUS want;
	} cases[] = {
		{0, 1, 1, 1, SEC_E_OK},
		{1, 0, 0, 1, SEC_E_LOGON_DENIED},
		{1, 1, 0, 1, SEC_E_LOGON_DENIED},
		{1, 1, 0, 0, SEC_E_OK},
	};
	char *alice = wbinfo_sid(NETBIOS "\\alice"), *bob = wbinfo_sid(NETBIOS "\\bob");
	char ccname[64], *saved_kdc = getenv("SSPI_GSS_PAC_KDC_KEYTAB");
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	TimeStamp exp;
	SECURITY_STATUS got;

	saved_kdc = saved_kdc ? strdup(saved_kdc) : NULL;
	snprintf(ccname, sizeof(ccname), "MEMORY:forged-%d", _i);
	forge(ccname, cases[_i].swap ? rid_of(bob) : 0, cases[_i].server_key, cases[_i].kdc_key);
	setenv("KRB5CCNAME", ccname, 1);
	if (!cases[_i].kdc_keytab)
		unsetenv("SSPI_GSS_PAC_KDC_KEYTAB");
	ck_status(AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_OUTBOUND, NULL, NULL, NULL,
					    NULL, &ccred, &exp),
		  SEC_E_OK);
	server_cred_of("Kerberos", &scred);
	got = pair(&ccred, &scred, TARGET, &c, &s);
	ck_assert_msg(got == cases[_i].want, "case %d: %s (%s)", _i, SspiGssStatusName(got),
		      SspiGssGetLastErrorText());
	if (got == SEC_E_OK) {
		PSSPI_GSS_LOGON_INFO info;

		ck_status(QueryContextAttributesA(&s, SSPI_GSS_ATTR_LOGON_INFO, &info), SEC_E_OK);
		ck_assert_str_eq(info->UserSid, cases[_i].swap ? bob : alice);
		ck_assert_uint_eq(info->KdcSignatureChecked, cases[_i].kdc_keytab);
		FreeContextBuffer(info);
	} else {
		ck_assert_msg(strstr(SspiGssGetLastErrorText(), "PAC") != NULL ||
				      cases[_i].server_key == 0,
			      "%s", SspiGssGetLastErrorText());
	}
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
	if (saved_kdc != NULL)
		setenv("SSPI_GSS_PAC_KDC_KEYTAB", saved_kdc, 1);
	free(saved_kdc);
	free(alice);
	free(bob);
}
END_TEST

/* SspiGssCheckDomain (what sspi-gss-info --check prints): the domain's
 * names as wbinfo gives them, and a DC that answers. */
START_TEST(domain_report)
{
	char report[512], *own = run_out("wbinfo --own-domain");

	ck_status(SspiGssCheckDomain(report, sizeof(report)), SEC_E_OK);
	ck_assert_msg(strstr(report, own) != NULL && strstr(report, "ad.sspi.test") != NULL &&
			      strstr(report, "answers") != NULL,
		      "%s", report);
	ck_status(SspiGssCheckDomain(NULL, 10), SEC_E_INVALID_PARAMETER);
	ck_status(SspiGssCheckDomain(report, 0), SEC_E_INVALID_PARAMETER);
	/* A short buffer is cut, never overrun. */
	memset(report, 'x', sizeof(report));
	ck_status(SspiGssCheckDomain(report, 8), SEC_E_OK);
	ck_assert_uint_eq(strlen(report), 7);
	ck_assert_int_eq(report[8], 'x');
	free(own);
}
END_TEST

/* Winbind's socket gone (this test process alone gets a private mount
 * namespace with an empty /run/samba): the winbind backend says the
 * authority is unreachable, an unconfigured NTLM acceptor has no
 * credentials, a NetBIOS domain maps to its realm from krb5.conf, and
 * Kerberos goes on working. */
START_TEST(winbind_socket_missing)
{
	char conf[1100], cmd[2400];
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	TimeStamp exp;

	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount("none", "/", "", MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("tmpfs", "/run/samba", "tmpfs", 0, NULL), 0);

	ck_status(acquire_identity("NTLM", "alice", NETBIOS, "Alice-Pass-1", &ccred), SEC_E_OK);
	ck_status(winbind_server("NTLM", &scred), SEC_E_OK);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	ck_assert_msg(strstr(SspiGssGetLastErrorText(), "winbind") != NULL, "%s",
		      SspiGssGetLastErrorText());
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&scred);
	unsetenv("NTLM_USER_FILE");
	unsetenv("NTLM_ACCEPTOR_CCACHE");
	unsetenv("SSPI_GSS_NTLM_BACKEND");
	ck_status(AcquireCredentialsHandleA(NULL, "NTLM", SECPKG_CRED_INBOUND, NULL, NULL, NULL,
					    NULL, &scred, &exp),
		  SEC_E_NO_CREDENTIALS);
	FreeCredentialsHandle(&ccred);
	{
		char report[512];

		ck_status(SspiGssCheckDomain(report, sizeof(report)),
			  SEC_E_NO_AUTHENTICATING_AUTHORITY);
		ck_assert_msg(strstr(report, "not reachable") != NULL, "%s", report);
	}

	/* Without winbind the NetBIOS name is unknown... */
	ck_status(logon_first_leg("Kerberos", "alice", NETBIOS, "Alice-Pass-1", TARGET),
		  SEC_E_NO_AUTHENTICATING_AUTHORITY);
	/* ...unless krb5.conf maps it. */
	snprintf(conf, sizeof(conf), "%s/krb5-netbios.conf", getenv("SSPI_GSS_AD_DIR"));
	snprintf(cmd, sizeof(cmd),
		 "{ cat '%s'; printf '[sspi-gss]\\n\\tnetbios_domains = {\\n\\t\\t%s = %s\\n\\t}\\n'; } "
		 "> '%s'",
		 getenv("KRB5_CONFIG"), NETBIOS, REALM, conf);
	ck_assert_int_eq(system(cmd), 0);
	setenv("KRB5_CONFIG", conf, 1);
	ck_status(acquire_identity("Kerberos", "alice", NETBIOS, "Alice-Pass-1", &ccred), SEC_E_OK);
	server_cred_of("Kerberos", &scred);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	check_native(&s, "alice@" REALM, TARGET "@" REALM);
	seal_and_open(&c, &s, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* Tokens between this process and the skewed acceptor: a 4-byte length
 * and the bytes; the acceptor answers its status, then a token. */
static void put_frame(FILE *f, const void *p, uint32_t n)
{
	ck_assert_uint_eq(fwrite(&n, 4, 1, f), 1);
	if (n != 0)
		ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fflush(f);
}

static unsigned char *get_frame(FILE *f, uint32_t *n)
{
	unsigned char *p;

	if (fread(n, 4, 1, f) != 1 || *n > (1u << 20))
		return NULL;
	p = malloc(*n + 1);
	if (p != NULL && *n != 0 && fread(p, 1, *n, f) != *n) {
		free(p);
		return NULL;
	}
	return p;
}

/* The acceptor's clock an hour ahead (a child under faketime): Heimdal's
 * acceptor answers the client's first AP-REQ with KRB_AP_ERR_SKEW in a
 * continuation token, as MS-KILE lets a server do, the client makes a new
 * authenticator in the server's time and the context is established; the
 * same client with the server's own clock goes on working. */
START_TEST(clock_skew)
{
	char cmd[4200], names[512] = "";
	SecBuffer tok = {0, SECBUFFER_TOKEN, NULL}, ib;
	SecBufferDesc d = {SECBUFFER_VERSION, 1, &tok}, in = {SECBUFFER_VERSION, 1, &ib};
	CredHandle ccred, scred;
	CtxtHandle c = {0, 0}, s = {0, 0};
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS cs, ss = SEC_I_CONTINUE_NEEDED;
	int to_child[2], from_child[2], legs = 0, saw_skew = 0;
	pid_t pid;
	FILE *w, *r;

	if (system("command -v faketime >/dev/null 2>&1") != 0) {
		printf("SKIPPED: clock_skew needs faketime\n");
		return;
	}
	ck_assert_int_eq(pipe(to_child), 0);
	ck_assert_int_eq(pipe(from_child), 0);
	snprintf(cmd, sizeof(cmd), "%s", self_path);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(to_child[0], 0);
		dup2(from_child[1], 1);
		close(to_child[1]);
		close(from_child[0]);
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
		execlp("faketime", "faketime", "-f", "+1h", cmd, "accept-loop", (char *)NULL);
		_exit(127);
	}
	close(to_child[0]);
	close(from_child[1]);
	w = fdopen(to_child[1], "wb");
	r = fdopen(from_child[0], "rb");

	ck_status(acquire_identity("Kerberos", "alice", REALM, "Alice-Pass-1", &ccred), SEC_E_OK);
	cs = InitializeSecurityContextA(&ccred, NULL, TARGET, REQ, 0, SECURITY_NATIVE_DREP, NULL, 0,
					&c, &d, &attrs, &exp);
	while (cs == SEC_I_CONTINUE_NEEDED && legs++ < 4) {
		uint32_t n, st;
		unsigned char *answer;

		put_frame(w, tok.pvBuffer, tok.cbBuffer);
		FreeContextBuffer(tok.pvBuffer);
		tok.pvBuffer = NULL;
		ck_assert_uint_eq(fread(&st, 4, 1, r), 1);
		ss = (SECURITY_STATUS)st;
		answer = get_frame(r, &n);
		ck_assert(answer != NULL);
		if (ss == SEC_I_CONTINUE_NEEDED)
			saw_skew = 1; /* Kerberos needs no second leg but for this */
		if (n == 0) {
			free(answer);
			break;
		}
		ib = (SecBuffer){n, SECBUFFER_TOKEN, answer};
		tok = (SecBuffer){0, SECBUFFER_TOKEN, NULL};
		cs = InitializeSecurityContextA(&ccred, &c, TARGET, REQ, 0, SECURITY_NATIVE_DREP, &in,
						0, &c, &d, &attrs, &exp);
		free(answer);
	}
	if (tok.pvBuffer != NULL)
		FreeContextBuffer(tok.pvBuffer);
	put_frame(w, NULL, 0); /* done */
	{
		size_t n = fread(names, 1, sizeof(names) - 1, r);

		names[n] = '\0';
	}
	fclose(w);
	fclose(r);
	waitpid(pid, NULL, 0);
	ck_assert_msg(saw_skew, "the skewed acceptor answered %s at once", SspiGssStatusName(ss));
	ck_status(cs, SEC_E_OK);
	ck_status(ss, SEC_E_OK);
	ck_assert_msg(strstr(names, NETBIOS "\\alice") != NULL, "acceptor: %s", names);
	DeleteSecurityContext(&c);

	/* With the right time, the next client is in. */
	server_cred_of("Kerberos", &scred);
	ck_status(pair(&ccred, &scred, TARGET, &c, &s), SEC_E_OK);
	seal_and_open(&c, &s, 0);
	DeleteSecurityContext(&c);
	DeleteSecurityContext(&s);
	FreeCredentialsHandle(&ccred);
	FreeCredentialsHandle(&scred);
}
END_TEST

/* accept-loop: an acceptor on standard input and output (the clock-skew
 * child): frames in, status and frames out; at the end the client's name. */
static int accept_loop(void)
{
	CredHandle scred;
	CtxtHandle s;
	ULONG attrs;
	TimeStamp exp;
	SECURITY_STATUS st;
	int first = 1;

	st = AcquireCredentialsHandleA(NULL, "Kerberos", SECPKG_CRED_INBOUND, NULL, NULL, NULL, NULL,
				       &scred, &exp);
	for (;;) {
		uint32_t n;
		unsigned char *tok = get_frame(stdin, &n);
		SecBuffer in = {n, SECBUFFER_TOKEN, tok}, out = {0, SECBUFFER_TOKEN, NULL};
		SecBufferDesc ind = {SECBUFFER_VERSION, 1, &in}, outd = {SECBUFFER_VERSION, 1, &out};
		uint32_t code;

		if (tok == NULL || n == 0) {
			free(tok);
			break;
		}
		if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED)
			st = AcceptSecurityContext(&scred, first ? NULL : &s, &ind,
						   ASC_REQ_MUTUAL_AUTH | ASC_REQ_ALLOCATE_MEMORY,
						   SECURITY_NATIVE_DREP, &s, &outd, &attrs, &exp);
		first = 0;
		code = (uint32_t)st;
		fwrite(&code, 4, 1, stdout);
		n = out.pvBuffer != NULL ? out.cbBuffer : 0;
		fwrite(&n, 4, 1, stdout);
		if (n != 0)
			fwrite(out.pvBuffer, 1, n, stdout);
		fflush(stdout);
		if (out.pvBuffer != NULL)
			FreeContextBuffer(out.pvBuffer);
		free(tok);
	}
	if (st == SEC_E_OK) {
		SecPkgContext_NamesA nm;

		if (QueryContextAttributesA(&s, SECPKG_ATTR_NAMES, &nm) == SEC_E_OK) {
			printf("client %s\n", nm.sUserName);
			FreeContextBuffer(nm.sUserName);
		}
	} else {
		printf("%s %s\n", SspiGssStatusName(st), SspiGssGetLastErrorText());
	}
	if (!first)
		DeleteSecurityContext(&s);
	FreeCredentialsHandle(&scred);
	return 0;
}

static int kdc_answers(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(88)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* The domain controller stopped mid-test (the suite's last test): contexts
 * made before keep working, a ticket already held still reaches its
 * service, new logons are SEC_E_NO_AUTHENTICATING_AUTHORITY for both
 * packages, and nothing crashes or leaks. */
START_TEST(dc_stopped)
{
	CredHandle kc, ks, nc, ns, ks2;
	CtxtHandle c1 = {0, 0}, s1 = {0, 0}, c2 = {0, 0}, s2 = {0, 0}, c3 = {0, 0}, s3 = {0, 0};
	const char *pid = getenv("SSPI_GSS_AD_SAMBA_PID");
	int i;

	ck_assert(pid != NULL);
	ck_status(acquire_identity("Kerberos", "alice", REALM, "Alice-Pass-1", &kc), SEC_E_OK);
	server_cred_of("Kerberos", &ks);
	ck_status(pair(&kc, &ks, TARGET, &c1, &s1), SEC_E_OK);
	ck_status(acquire_identity("NTLM", "alice", NETBIOS, "Alice-Pass-1", &nc), SEC_E_OK);
	ck_status(winbind_server("NTLM", &ns), SEC_E_OK);
	ck_status(pair(&nc, &ns, TARGET, &c2, &s2), SEC_E_OK);

	ck_assert_int_eq(kill((pid_t)atol(pid), SIGTERM), 0);
	for (i = 0; i < 100 && kdc_answers(); i++)
		usleep(100000);
	ck_assert_msg(!kdc_answers(), "the DC did not stop");
	sleep(1); /* winbindd goes with it */

	seal_and_open(&c1, &s1, 0);
	seal_and_open(&s1, &c1, 0);
	seal_and_open(&c2, &s2, 0);
	seal_and_open(&s2, &c2, 0);
	/* The service ticket is in kc's cache: no KDC needed. */
	server_cred_of("Kerberos", &ks2);
	ck_status(pair(&kc, &ks2, TARGET, &c3, &s3), SEC_E_OK);
	check_native(&s3, "alice@" REALM, TARGET "@" REALM);
	DeleteSecurityContext(&c3);
	DeleteSecurityContext(&s3);
	/* New logons. */
	{
		ck_status(logon_first_leg("Kerberos", "bob", REALM, "Bob-Pass-1", TARGET),
			  SEC_E_NO_AUTHENTICATING_AUTHORITY);
	}
	ck_status(pair(&nc, &ns, TARGET, &c3, &s3), SEC_E_NO_AUTHENTICATING_AUTHORITY);
	DeleteSecurityContext(&c3);
	DeleteSecurityContext(&s3);
	DeleteSecurityContext(&c1);
	DeleteSecurityContext(&s1);
	DeleteSecurityContext(&c2);
	DeleteSecurityContext(&s2);
	FreeCredentialsHandle(&kc);
	FreeCredentialsHandle(&ks);
	FreeCredentialsHandle(&ks2);
	FreeCredentialsHandle(&nc);
	FreeCredentialsHandle(&ns);
}
END_TEST

Suite *ad_suite(void)
{
	Suite *s = suite_create("ad");
	TCase *k = tcase_create("kerberos");

	tcase_set_timeout(k, 120);
	tcase_add_loop_test(k, kerberos_logon_forms, 0, 12);
	tcase_add_loop_test(k, forged_pac, 0, 4);
	tcase_add_loop_test(k, default_credentials_and_token, 0, 2);
	suite_add_tcase(s, k);
	k = tcase_create("ntlm");
	tcase_set_timeout(k, 120);
	tcase_add_loop_test(k, ntlm_winbind_logon, 0, 4);
	tcase_add_test(k, winbind_user_is_the_domains_account);
	tcase_add_loop_test(k, negotiate_address_and_name, 0, 2);
	tcase_add_loop_test(k, ntlm_winbind_refusals, 0, 3);
	suite_add_tcase(s, k);
	/* Faults; the DC's stop comes last, nothing after it needs the DC. */
	k = tcase_create("faults");
	tcase_set_timeout(k, 120);
	tcase_add_test(k, domain_report);
	tcase_add_test(k, winbind_socket_missing);
	tcase_add_test(k, clock_skew);
	tcase_add_test(k, dc_stopped);
	suite_add_tcase(s, k);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *runner;
	int failed;

	if (argc == 2 && strcmp(argv[1], "accept-loop") == 0)
		return accept_loop();
	if (realpath(argv[0], self_path) == NULL)
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);

	if (getenv("SSPI_GSS_AD_DIR") == NULL) {
		printf("skipped: run inside tests/fixtures/samba-dc.sh\n");
		return 77;
	}
	runner = srunner_create(ad_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
