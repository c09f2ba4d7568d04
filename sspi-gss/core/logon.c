/*
 * logon.c - the logon information a domain gives about a client (logon.h)
 * and what the core reports of it: SECPKG_ATTR_NAMES and
 * SSPI_GSS_ATTR_LOGON_INFO.
 */
#include "logon.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "buffers.h"
#include "mech.h"
#include "status.h"

void sg_logon_free(struct sg_logon *l)
{
	if (l == NULL)
		return;
	free(l->domain);
	free(l->account);
	free(l->dns_domain);
	free(l->upn);
	free(l->user_sid);
	free(l->primary_group_sid);
	for (size_t i = 0; i < l->group_count; i++)
		free(l->group_sids[i]);
	free(l->group_sids);
	free(l->group_attrs);
	free(l);
}

int sg_logon_add_group(struct sg_logon *l, const char *sid, uint32_t attrs)
{
	char **sids;
	uint32_t *a;
	char *copy;

	/* The same group twice (a primary group also listed as a member)
	 * is kept once, as in a Windows token. */
	for (size_t i = 0; i < l->group_count; i++)
		if (strcmp(l->group_sids[i], sid) == 0)
			return 0;
	sids = realloc(l->group_sids, (l->group_count + 1) * sizeof(*sids));
	if (sids == NULL)
		return -1;
	l->group_sids = sids;
	a = realloc(l->group_attrs, (l->group_count + 1) * sizeof(*a));
	if (a == NULL)
		return -1;
	l->group_attrs = a;
	if ((copy = strdup(sid)) == NULL)
		return -1;
	l->group_sids[l->group_count] = copy;
	l->group_attrs[l->group_count] = attrs;
	l->group_count++;
	return 0;
}

char *sg_sid_string(uint8_t revision, const uint8_t authority[6], const uint32_t *sub,
		    size_t count, int have_rid, uint32_t rid)
{
	/* "S-" 3 digits, the authority (48 bits: 15 digits), 16 parts of
	 * 10 digits with their dashes. */
	char buf[8 + 16 + 17 * 11];
	uint64_t auth = 0;
	size_t off;

	if (count > 15)
		return NULL;
	for (int i = 0; i < 6; i++)
		auth = (auth << 8) | authority[i];
	/* MS-DTYP 2.4.2.1: authorities of 2^32 and more are written in hex. */
	if (auth >= ((uint64_t)1 << 32))
		off = (size_t)snprintf(buf, sizeof(buf), "S-%u-0x%012" PRIX64, revision, auth);
	else
		off = (size_t)snprintf(buf, sizeof(buf), "S-%u-%" PRIu64, revision, auth);
	for (size_t i = 0; i < count; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "-%" PRIu32, sub[i]);
	if (have_rid)
		snprintf(buf + off, sizeof(buf) - off, "-%" PRIu32, rid);
	return strdup(buf);
}

const struct sg_logon *sg_ctx_logon(struct sg_ctx *ctx)
{
	if (ctx->pkg->ops->logon != NULL)
		return ctx->pkg->ops->logon(ctx);
	return ctx->logon;
}

SECURITY_STATUS sg_ctx_names(struct sg_ctx *ctx, char **client, char **server)
{
	const struct sg_logon *l;
	SECURITY_STATUS s = ctx->pkg->ops->names(ctx, client, server);

	if (s != SEC_E_OK || ctx->initiator || (l = sg_ctx_logon(ctx)) == NULL)
		return s;
	free(*client);
	*client = malloc(strlen(l->domain) + 1 + strlen(l->account) + 1);
	if (*client == NULL) {
		free(*server);
		*server = NULL;
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	sprintf(*client, "%s\\%s", l->domain, l->account);
	return SEC_E_OK;
}

static size_t size_of(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

/* Copies s to *p and moves *p past it; NULL stays NULL. */
static char *put(char **p, const char *s)
{
	char *at = *p;
	size_t n = size_of(s);

	if (s == NULL)
		return NULL;
	memcpy(at, s, n);
	*p += n;
	return at;
}

SECURITY_STATUS sg_logon_query(struct sg_ctx *ctx, void *buffer)
{
	const struct sg_logon *l;
	SSPI_GSS_LOGON_INFO *info;
	size_t n = sizeof(*info);
	char *p;

	if (ctx->initiator || (l = sg_ctx_logon(ctx)) == NULL)
		return SEC_E_UNSUPPORTED_FUNCTION;
	n += l->group_count * (sizeof(char *) + sizeof(unsigned int));
	n += size_of(l->domain) + size_of(l->account) + size_of(l->dns_domain) +
	     size_of(l->upn) + size_of(l->user_sid) + size_of(l->primary_group_sid) +
	     size_of(l->source);
	for (size_t i = 0; i < l->group_count; i++)
		n += size_of(l->group_sids[i]);
	info = sg_buffer_alloc(n);
	if (info == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	/* Pointers first (aligned after the structure), then the 32-bit
	 * attributes, then the strings. */
	info->GroupCount = (unsigned int)l->group_count;
	info->GroupSids = (char **)(info + 1);
	info->GroupAttributes = (unsigned int *)(info->GroupSids + l->group_count);
	p = (char *)(info->GroupAttributes + l->group_count);
	info->Domain = put(&p, l->domain);
	info->Account = put(&p, l->account);
	info->DnsDomain = put(&p, l->dns_domain);
	info->Upn = put(&p, l->upn);
	info->UserSid = put(&p, l->user_sid);
	info->PrimaryGroupSid = put(&p, l->primary_group_sid);
	info->Source = put(&p, l->source);
	for (size_t i = 0; i < l->group_count; i++) {
		info->GroupSids[i] = put(&p, l->group_sids[i]);
		info->GroupAttributes[i] = l->group_attrs[i];
	}
	info->KdcSignatureChecked = (unsigned int)l->kdc_signature_checked;
	*(PSSPI_GSS_LOGON_INFO *)buffer = info;
	return SEC_E_OK;
}
