/*
 * pac.c - reading and checking a ticket's PAC (MS-PAC).
 *
 * Heimdal checks the PAC's signatures (krb5_pac_verify) but has no reader
 * for the logon information, which is NDR (MS-RPCE type serialization 1):
 * the reader below walks KERB_VALIDATION_INFO field by field, bounds
 * checked, and keeps what a server needs: the account and domain names,
 * the user's and groups' SIDs. A PAC that does not parse is refused whole.
 */
#include "pac.h"

#include <gssapi/gssapi_krb5.h>
#include <errno.h>
#include <krb5.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "strings.h"

#define PAC_LOGON_INFO 1
#define PAC_UPN_DNS_INFO 12
#define KRB5_AUTHDATA_WIN2K_PAC 128

/* A little-endian NDR stream; alignment is relative to its start. */
struct ndr {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static void ndr_align(struct ndr *r, size_t n)
{
	size_t pad = (n - r->off % n) % n;

	if (r->len - r->off < pad)
		r->bad = 1;
	else
		r->off += pad;
}

static const uint8_t *ndr_take(struct ndr *r, size_t n)
{
	const uint8_t *at;

	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		return NULL;
	}
	at = r->p + r->off;
	r->off += n;
	return at;
}

static uint32_t ndr_u32(struct ndr *r)
{
	const uint8_t *b;

	ndr_align(r, 4);
	b = ndr_take(r, 4);
	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			   (uint32_t)b[3] << 24
		 : 0;
}

static uint16_t ndr_u16(struct ndr *r)
{
	const uint8_t *b;

	ndr_align(r, 2);
	b = ndr_take(r, 2);
	return b ? (uint16_t)(b[0] | b[1] << 8) : 0;
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* UTF-16LE bytes to a malloc'ed UTF-8 string; NULL when malformed or out
 * of memory (*nomem says which). */
static char *utf16le(const uint8_t *b, size_t chars, int *nomem)
{
	SEC_WCHAR *w = malloc((chars + 1) * sizeof(*w));
	char *s = NULL;

	if (w == NULL) {
		*nomem = 1;
		return NULL;
	}
	for (size_t i = 0; i < chars; i++)
		w[i] = (SEC_WCHAR)(b[2 * i] | b[2 * i + 1] << 8);
	w[chars] = 0;
	if (sg_utf16_to_cstr(w, chars, &s) != SEC_E_OK)
		s = NULL;
	free(w);
	return s;
}

/* RPC_UNICODE_STRING: the inline part is read in order, its characters
 * later, where NDR defers them. */
struct ndr_string {
	uint16_t length; /* bytes */
	uint32_t ref;
};

static void ndr_string_head(struct ndr *r, struct ndr_string *s)
{
	s->length = ndr_u16(r);
	(void)ndr_u16(r); /* MaximumLength */
	s->ref = ndr_u32(r);
}

/* The deferred characters; NULL pointer: an empty string. 0, -1, -2. */
static int ndr_string_body(struct ndr *r, const struct ndr_string *s, char **out)
{
	uint32_t max, offset, actual;
	const uint8_t *b;
	int nomem = 0;

	*out = NULL;
	if (s->ref == 0) {
		*out = strdup("");
		return *out ? 0 : -2;
	}
	max = ndr_u32(r);
	offset = ndr_u32(r);
	actual = ndr_u32(r);
	if (r->bad || offset != 0 || actual > max || actual * 2u != s->length)
		return -1;
	b = ndr_take(r, (size_t)actual * 2);
	if (b == NULL)
		return -1;
	*out = utf16le(b, actual, &nomem);
	return *out ? 0 : (nomem ? -2 : -1);
}

/* An RPC_SID (deferred, conformant): its string form, or with rid. */
static int ndr_sid(struct ndr *r, int have_rid, uint32_t rid, char **out)
{
	uint32_t sub[15];
	uint32_t max = ndr_u32(r);
	const uint8_t *head;
	uint8_t count;

	*out = NULL;
	head = ndr_take(r, 8);
	if (head == NULL || max > 15 || head[1] != max)
		return -1;
	count = head[1];
	for (uint8_t i = 0; i < count; i++)
		sub[i] = ndr_u32(r);
	if (r->bad)
		return -1;
	*out = sg_sid_string(head[0], head + 2, sub, count, have_rid, rid);
	return *out ? 0 : -2;
}

/* A copy of a SID's sub-authorities, kept to append RIDs to. */
struct sid_parts {
	uint8_t revision, authority[6], count;
	uint32_t sub[15];
};

static int ndr_sid_parts(struct ndr *r, struct sid_parts *sp)
{
	uint32_t max = ndr_u32(r);
	const uint8_t *head = ndr_take(r, 8);

	if (head == NULL || max > 14 || head[1] != max) /* room for a RID */
		return -1;
	sp->revision = head[0];
	memcpy(sp->authority, head + 2, 6);
	sp->count = head[1];
	for (uint8_t i = 0; i < sp->count; i++)
		sp->sub[i] = ndr_u32(r);
	return r->bad ? -1 : 0;
}

static int add_rid_groups(struct ndr *r, uint32_t count, const struct sid_parts *domain,
			  struct sg_logon *l)
{
	uint32_t max = ndr_u32(r);

	if (r->bad || max != count || count > (r->len - r->off) / 8)
		return -1;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t rid = ndr_u32(r), attrs = ndr_u32(r);
		char *sid;

		if (domain == NULL)
			continue; /* read past; without a domain SID they name nothing */
		sid = sg_sid_string(domain->revision, domain->authority, domain->sub, domain->count,
				    1, rid);
		if (sid == NULL || sg_logon_add_group(l, sid, attrs) != 0) {
			free(sid);
			return -2;
		}
		free(sid);
	}
	return r->bad ? -1 : 0;
}

/* KERB_VALIDATION_INFO (MS-PAC 2.5), in its type serialization. */
static int logon_info(const uint8_t *b, size_t len, struct sg_logon *l)
{
	struct ndr r = {b, len, 0, 0};
	struct ndr_string names[6], server, domain_name;
	uint32_t user_rid, group_rid, group_count, groups_ref, domain_ref, sid_count, sids_ref;
	uint32_t res_domain_ref, res_count, res_ref;
	struct sid_parts domain_sid, res_domain;
	const uint8_t *hdr = ndr_take(&r, 16);
	char *skip = NULL;
	int rc;

	/* Version 1, little-endian, 8-byte common header. */
	if (hdr == NULL || hdr[0] != 1 || hdr[1] != 0x10 || hdr[2] != 8 || hdr[3] != 0)
		return -1;
	if (ndr_u32(&r) == 0) /* the top-level pointer */
		return -1;
	for (int i = 0; i < 12; i++)
		(void)ndr_u32(&r); /* six FILETIMEs */
	for (int i = 0; i < 6; i++)
		ndr_string_head(&r, &names[i]);
	(void)ndr_u16(&r); /* LogonCount */
	(void)ndr_u16(&r); /* BadPasswordCount */
	user_rid = ndr_u32(&r);
	group_rid = ndr_u32(&r);
	group_count = ndr_u32(&r);
	groups_ref = ndr_u32(&r);
	(void)ndr_u32(&r); /* UserFlags */
	(void)ndr_take(&r, 16); /* UserSessionKey */
	ndr_string_head(&r, &server);
	ndr_string_head(&r, &domain_name);
	domain_ref = ndr_u32(&r);
	for (int i = 0; i < 2 + 2 + 4 + 2; i++)
		(void)ndr_u32(&r); /* Reserved1, UAC, SubAuthStatus, two FILETIMEs, counts */
	sid_count = ndr_u32(&r);
	sids_ref = ndr_u32(&r);
	res_domain_ref = ndr_u32(&r);
	res_count = ndr_u32(&r);
	res_ref = ndr_u32(&r);
	if (r.bad || domain_ref == 0)
		return -1;

	/* The deferred parts, in the order of their pointers. */
	if ((rc = ndr_string_body(&r, &names[0], &l->account)) != 0)
		return rc;
	for (int i = 1; i < 6; i++) {
		rc = ndr_string_body(&r, &names[i], &skip);
		free(skip);
		if (rc != 0)
			return rc;
	}
	/* The group RIDs come before the domain SID they belong to: read
	 * them twice, first to skip. */
	{
		size_t groups_at = r.off;

		if (groups_ref != 0 && (rc = add_rid_groups(&r, group_count, NULL, l)) != 0)
			return rc;
		if ((rc = ndr_string_body(&r, &server, &skip)) != 0)
			return rc;
		free(skip);
		if ((rc = ndr_string_body(&r, &domain_name, &l->domain)) != 0)
			return rc;
		if (ndr_sid_parts(&r, &domain_sid) != 0)
			return -1;
		l->user_sid = sg_sid_string(domain_sid.revision, domain_sid.authority, domain_sid.sub,
					    domain_sid.count, 1, user_rid);
		l->primary_group_sid = sg_sid_string(domain_sid.revision, domain_sid.authority,
						     domain_sid.sub, domain_sid.count, 1, group_rid);
		if (l->user_sid == NULL || l->primary_group_sid == NULL)
			return -2;
		if (groups_ref != 0) {
			struct ndr again = {b, len, groups_at, 0};

			if ((rc = add_rid_groups(&again, group_count, &domain_sid, l)) != 0)
				return rc;
		} else if (group_count != 0) {
			return -1;
		}
	}
	if (sids_ref != 0) {
		uint32_t max = ndr_u32(&r), attrs[64], refs[64];

		/* Extra SIDs: the pointers and attributes, then the SIDs. */
		if (r.bad || max != sid_count || sid_count > 64)
			return -1;
		for (uint32_t i = 0; i < sid_count; i++) {
			refs[i] = ndr_u32(&r);
			attrs[i] = ndr_u32(&r);
		}
		for (uint32_t i = 0; i < sid_count; i++) {
			char *sid;

			if (refs[i] == 0)
				continue;
			if ((rc = ndr_sid(&r, 0, 0, &sid)) != 0)
				return rc;
			rc = sg_logon_add_group(l, sid, attrs[i]);
			free(sid);
			if (rc != 0)
				return -2;
		}
	} else if (sid_count != 0) {
		return -1;
	}
	if (res_domain_ref != 0 && ndr_sid_parts(&r, &res_domain) != 0)
		return -1;
	if (res_ref != 0) {
		if ((rc = add_rid_groups(&r, res_count, res_domain_ref ? &res_domain : NULL, l)) != 0)
			return rc;
	} else if (res_count != 0) {
		return -1;
	}
	return r.bad ? -1 : 0;
}

/* UPN_DNS_INFO (MS-PAC 2.10): the UPN and the DNS domain, at offsets. */
static int upn_dns_info(const uint8_t *b, size_t len, struct sg_logon *l)
{
	uint16_t upn_len, upn_off, dns_len, dns_off;
	int nomem = 0;

	if (len < 12)
		return -1;
	upn_len = (uint16_t)(b[0] | b[1] << 8);
	upn_off = (uint16_t)(b[2] | b[3] << 8);
	dns_len = (uint16_t)(b[4] | b[5] << 8);
	dns_off = (uint16_t)(b[6] | b[7] << 8);
	if ((upn_len | dns_len) & 1 || (size_t)upn_off + upn_len > len ||
	    (size_t)dns_off + dns_len > len)
		return -1;
	if (upn_len != 0 && (l->upn = utf16le(b + upn_off, upn_len / 2u, &nomem)) == NULL)
		return nomem ? -2 : -1;
	if (dns_len != 0 && (l->dns_domain = utf16le(b + dns_off, dns_len / 2u, &nomem)) == NULL)
		return nomem ? -2 : -1;
	return 0;
}

int sg_pac_logon(const uint8_t *pac, size_t len, struct sg_logon **out)
{
	struct sg_logon *l;
	uint32_t count;
	int rc = 0, have_logon = 0, have_upn = 0;

	*out = NULL;
	/* PACTYPE: cBuffers, Version 0, then PAC_INFO_BUFFERs of 16 bytes. */
	if (len < 8)
		return -1;
	count = le32(pac);
	if (le32(pac + 4) != 0 || count > (len - 8) / 16)
		return -1;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -2;
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		const uint8_t *info = pac + 8 + 16 * (size_t)i;
		uint32_t type = le32(info), size = le32(info + 4);
		uint64_t offset = le32(info + 8) | (uint64_t)le32(info + 12) << 32;

		if (offset > len || size > len - offset) {
			rc = -1;
			break;
		}
		if (type == PAC_LOGON_INFO) {
			if (have_logon++) { /* two would leave it unclear who */
				rc = -1;
				break;
			}
			rc = logon_info(pac + offset, size, l);
		} else if (type == PAC_UPN_DNS_INFO) {
			if (have_upn++) {
				rc = -1;
				break;
			}
			rc = upn_dns_info(pac + offset, size, l);
		}
	}
	if (rc == 0 && !have_logon)
		rc = -1;
	if (rc != 0) {
		sg_logon_free(l);
		return rc;
	}
	l->source = "PAC";
	*out = l;
	return 0;
}

/* Tries every key of the keytab named by path as the KDC's key. */
static krb5_error_code verify_with_kdc_keytab(krb5_context k, krb5_pac pac, time_t authtime,
					      krb5_const_principal client,
					      const krb5_keyblock *server, const char *path)
{
	krb5_error_code ret, last = KRB5_KT_NOTFOUND;
	krb5_kt_cursor cursor;
	krb5_keytab kt;
	krb5_keytab_entry e;

	if ((ret = krb5_kt_resolve(k, path, &kt)) != 0)
		return ret;
	if ((ret = krb5_kt_start_seq_get(k, kt, &cursor)) != 0) {
		krb5_kt_close(k, kt);
		return ret;
	}
	while ((ret = krb5_kt_next_entry(k, kt, &e, &cursor)) == 0) {
		last = krb5_pac_verify(k, pac, authtime, client, server, &e.keyblock);
		krb5_kt_free_entry(k, &e);
		if (last == 0)
			break;
	}
	krb5_kt_end_seq_get(k, kt, &cursor);
	krb5_kt_close(k, kt);
	return last;
}

static SECURITY_STATUS refuse(krb5_context k, krb5_error_code ret, const char *what)
{
	const char *msg = krb5_get_error_message(k, ret);

	sg_last_error_set(SEC_E_LOGON_DENIED, "Kerberos: the ticket's PAC %s: %s", what, msg);
	krb5_free_error_message(k, msg);
	return SEC_E_LOGON_DENIED;
}

SECURITY_STATUS sg_pac_check(gss_ctx_id_t ctx, struct sg_logon **out)
{
	gss_buffer_desc data = GSS_C_EMPTY_BUFFER, display = GSS_C_EMPTY_BUFFER;
	gss_name_t client = GSS_C_NO_NAME;
	krb5_keyblock *server = NULL;
	krb5_principal principal = NULL;
	krb5_context k = NULL;
	krb5_pac pac = NULL;
	krb5_error_code ret;
	OM_uint32 major, minor;
	time_t authtime;
	const char *kdc_keytab = secure_getenv("SSPI_GSS_PAC_KDC_KEYTAB");
	SECURITY_STATUS s;
	int rc;

	*out = NULL;
	major = gsskrb5_extract_authz_data_from_sec_context(&minor, ctx, KRB5_AUTHDATA_WIN2K_PAC,
							    &data);
	if (major != GSS_S_COMPLETE)
		return SEC_E_OK; /* no PAC: a realm that issues none */
	if (krb5_init_context(&k) != 0) {
		gss_release_buffer(&minor, &data);
		return SEC_E_INTERNAL_ERROR;
	}
	/* Who the ticket is for, when it was issued, and the key the ticket
	 * was decrypted with: what the server's signature is checked with. */
	major = gss_inquire_context(&minor, ctx, &client, NULL, NULL, NULL, NULL, NULL, NULL);
	if (major == GSS_S_COMPLETE)
		major = gss_display_name(&minor, client, &display, NULL);
	if (major == GSS_S_COMPLETE)
		major = gsskrb5_extract_authtime_from_sec_context(&minor, ctx, &authtime);
	if (major == GSS_S_COMPLETE)
		major = gsskrb5_extract_service_keyblock(&minor, ctx, &server);
	if (major != GSS_S_COMPLETE) {
		s = sg_status_from_gss(major, minor);
		goto out;
	}
	{
		char *name = strndup(display.value, display.length);

		ret = name != NULL ? krb5_parse_name(k, name, &principal) : ENOMEM;
		free(name);
	}
	if (ret == 0)
		ret = krb5_pac_parse(k, data.value, data.length, &pac);
	if (ret != 0) {
		s = refuse(k, ret, "cannot be read");
		goto out;
	}
	if (kdc_keytab != NULL && kdc_keytab[0] != '\0')
		ret = verify_with_kdc_keytab(k, pac, authtime, principal, server, kdc_keytab);
	else
		ret = krb5_pac_verify(k, pac, authtime, principal, server, NULL);
	if (ret != 0) {
		s = refuse(k, ret, kdc_keytab != NULL && kdc_keytab[0] != '\0'
					? "does not verify with the service's and the KDC's keys"
					: "does not verify with the service's key");
		goto out;
	}
	rc = sg_pac_logon(data.value, data.length, out);
	if (rc == -2) {
		s = SEC_E_INSUFFICIENT_MEMORY;
	} else if (rc != 0) {
		s = SEC_E_LOGON_DENIED;
		sg_last_error_set(s, "Kerberos: the ticket's PAC has malformed logon information");
	} else {
		(*out)->kdc_signature_checked = kdc_keytab != NULL && kdc_keytab[0] != '\0';
		s = SEC_E_OK;
	}
out:
	if (server != NULL)
		krb5_free_keyblock(k, server);
	if (pac != NULL)
		krb5_pac_free(k, pac);
	if (principal != NULL)
		krb5_free_principal(k, principal);
	gss_release_buffer(&minor, &display);
	gss_release_name(&minor, &client);
	gss_release_buffer(&minor, &data);
	krb5_free_context(k);
	return s;
}
