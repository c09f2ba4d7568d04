/*
 * logon.h - who a client is in its domain: the logon information an Active
 * Directory domain vouches for (the PAC of a Kerberos ticket, the answer to
 * an NTLM logon through winbind), kept with the acceptor's context.
 */
#ifndef SG_LOGON_H
#define SG_LOGON_H

#include <stddef.h>
#include <stdint.h>

#include <sspi.h>

struct sg_ctx;

struct sg_logon {
	char *domain;     /* NetBIOS domain: "ADSSPI" */
	char *account;    /* the account name: "alice" */
	char *dns_domain; /* "ad.sspi.test", or NULL */
	char *upn;        /* "alice@ad.sspi.test", or NULL */
	char *user_sid;   /* "S-1-5-21-...-1103" */
	char *primary_group_sid;
	/* Every group SID (the primary group, domain groups, extra SIDs,
	 * resource groups) with its SE_GROUP_* attributes. */
	char **group_sids;
	uint32_t *group_attrs;
	size_t group_count;
	const char *source;       /* "PAC" or "winbind" (static) */
	int kdc_signature_checked; /* PAC: the KDC's signature was checked too */
};

void sg_logon_free(struct sg_logon *l);

/* Adds a group SID (copied); -1 when out of memory. */
int sg_logon_add_group(struct sg_logon *l, const char *sid, uint32_t attrs);

/* A SID's string form ("S-1-5-21-1-2-3") from its parts, with rid appended
 * when have_rid; malloc'ed, NULL when out of memory or count > 15. */
char *sg_sid_string(uint8_t revision, const uint8_t authority[6], const uint32_t *sub,
		    size_t count, int have_rid, uint32_t rid);

/* The acceptor context's logon information (borrowed; NULL when the
 * client's domain gave none). */
const struct sg_logon *sg_ctx_logon(struct sg_ctx *ctx);

/* The client and server names SECPKG_ATTR_NAMES reports: the package's,
 * except that a client with logon information is DOMAIN\account, as a
 * Windows server names a domain user whatever the package. */
SECURITY_STATUS sg_ctx_names(struct sg_ctx *ctx, char **client, char **server);

/* SSPI_GSS_ATTR_LOGON_INFO: *out gets one FreeContextBuffer block. */
SECURITY_STATUS sg_logon_query(struct sg_ctx *ctx, void *buffer);

#endif
