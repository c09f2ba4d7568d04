/*
 * token.c - QuerySecurityContextToken and the access tokens it hands out
 * (SspiGssGetTokenInformation, SspiGssCloseToken).
 *
 * A token is a snapshot of the client as a local account, independent of
 * the context: it stays valid after DeleteSecurityContext, as a Windows
 * token does. Tokens are found by address in a list of the open ones, so a
 * forged, stale or foreign HANDLE is SEC_E_INVALID_HANDLE, never a crash.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sspi-gss.h>

#include "accounts.h"
#include "buffers.h"
#include "mech.h"
#include "status.h"
#include "trace.h"

struct sg_token {
	struct sg_token *next;
	struct sg_account acct;
	const char *package;
	int delegated;
	/* The domain's SIDs of the client (logon.h), copied; NULL/0 without. */
	char *user_sid;
	char **group_sids;
	size_t ngroup_sids;
};

static void token_free(struct sg_token *t)
{
	sg_account_clear(&t->acct);
	free(t->user_sid);
	for (size_t i = 0; i < t->ngroup_sids; i++)
		free(t->group_sids[i]);
	free(t->group_sids);
	free(t);
}

/* The SIDs of the client's logon information, copied into the token. */
static SECURITY_STATUS copy_sids(struct sg_token *t, const struct sg_logon *l)
{
	if (l == NULL)
		return SEC_E_OK;
	t->user_sid = strdup(l->user_sid);
	t->group_sids = calloc(l->group_count + 1, sizeof(char *));
	if (t->user_sid == NULL || t->group_sids == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	for (; t->ngroup_sids < l->group_count; t->ngroup_sids++)
		if ((t->group_sids[t->ngroup_sids] = strdup(l->group_sids[t->ngroup_sids])) == NULL)
			return SEC_E_INSUFFICIENT_MEMORY;
	return SEC_E_OK;
}

static pthread_mutex_t tokens_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sg_token *tokens;

/* Unlinks (take) or finds the token; the caller holds tokens_lock. */
static struct sg_token *find(HANDLE h, int take)
{
	for (struct sg_token **p = &tokens; *p != NULL; p = &(*p)->next) {
		if ((HANDLE)*p == h) {
			struct sg_token *t = *p;

			if (take)
				*p = t->next;
			return t;
		}
	}
	return NULL;
}

static SECURITY_STATUS query_token(PCtxtHandle h, void **out, char *who, size_t who_size)
{
	struct sg_ctx *ctx = sg_ctx_get(h);
	const struct sg_package *chosen;
	struct sg_token *t;
	SECURITY_STATUS s;

	if (ctx == NULL)
		return SEC_E_INVALID_HANDLE;
	if (out == NULL) {
		sg_ctx_put(ctx);
		return SEC_E_INVALID_PARAMETER;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		sg_ctx_put(ctx);
		return SEC_E_INSUFFICIENT_MEMORY;
	}
	s = sg_account_of(ctx, &t->acct);
	if (s != SEC_E_OK) {
		free(t);
		sg_ctx_put(ctx);
		return s;
	}
	s = copy_sids(t, sg_ctx_logon(ctx));
	if (s != SEC_E_OK) {
		token_free(t);
		sg_ctx_put(ctx);
		return s;
	}
	chosen = ctx->pkg->ops->chosen != NULL ? ctx->pkg->ops->chosen(ctx) : NULL;
	t->package = chosen != NULL ? chosen->name : ctx->pkg->name;
	t->delegated = (ctx->pkg->ops->delegated != NULL ? ctx->pkg->ops->delegated(ctx)
							 : ctx->delegated) != GSS_C_NO_CREDENTIAL;
	sg_ctx_put(ctx);
	/* For the trace, before another thread could close the token. */
	snprintf(who, who_size, "%s (uid %lu)", t->acct.name, (unsigned long)t->acct.uid);
	pthread_mutex_lock(&tokens_lock);
	t->next = tokens;
	tokens = t;
	pthread_mutex_unlock(&tokens_lock);
	*out = t;
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY QuerySecurityContextToken(PCtxtHandle phContext, void **Token)
{
	char who[300] = "";
	SECURITY_STATUS s = query_token(phContext, Token, who, sizeof(who));

	if (SG_TRACING())
		sg_trace_call("QuerySecurityContextToken", s, "%s%s", who[0] ? "local account " : "",
			      who);
	return s;
}

/* One block: the structure, the SID pointers, the groups, then the strings. */
static SECURITY_STATUS token_info(const struct sg_token *t, PSSPI_GSS_TOKEN_INFORMATION *out)
{
	size_t name = strlen(t->acct.name) + 1, client = strlen(t->acct.client) + 1;
	size_t package = strlen(t->package) + 1;
	size_t groups = sizeof(unsigned int) * (size_t)t->acct.ngroups;
	size_t sid_ptrs = sizeof(char *) * t->ngroup_sids, sids = 0;
	SSPI_GSS_TOKEN_INFORMATION *info;
	char *p;

	if (t->user_sid != NULL)
		sids += strlen(t->user_sid) + 1;
	for (size_t i = 0; i < t->ngroup_sids; i++)
		sids += strlen(t->group_sids[i]) + 1;
	info = sg_buffer_alloc(sizeof(*info) + sid_ptrs + groups + name + client + package + sids);
	if (info == NULL)
		return SEC_E_INSUFFICIENT_MEMORY;
	info->GroupSidCount = (unsigned int)t->ngroup_sids;
	info->GroupSids = t->ngroup_sids ? (char **)(info + 1) : NULL;
	info->Uid = (unsigned int)t->acct.uid;
	info->Gid = (unsigned int)t->acct.gid;
	info->GroupCount = (unsigned int)t->acct.ngroups;
	info->Groups = (unsigned int *)((char *)(info + 1) + sid_ptrs);
	for (int i = 0; i < t->acct.ngroups; i++)
		info->Groups[i] = (unsigned int)t->acct.groups[i];
	p = (char *)(info + 1) + sid_ptrs + groups;
	info->UserName = memcpy(p, t->acct.name, name);
	p += name;
	info->ClientName = memcpy(p, t->acct.client, client);
	p += client;
	info->Package = memcpy(p, t->package, package);
	p += package;
	info->Delegated = t->delegated != 0;
	if (t->user_sid != NULL) {
		size_t n = strlen(t->user_sid) + 1;

		info->UserSid = memcpy(p, t->user_sid, n);
		p += n;
	}
	for (size_t i = 0; i < t->ngroup_sids; i++) {
		size_t n = strlen(t->group_sids[i]) + 1;

		info->GroupSids[i] = memcpy(p, t->group_sids[i], n);
		p += n;
	}
	*out = info;
	return SEC_E_OK;
}

SECURITY_STATUS SEC_ENTRY SspiGssGetTokenInformation(HANDLE Token, PSSPI_GSS_TOKEN_INFORMATION *Info)
{
	struct sg_token *t;
	SECURITY_STATUS s;

	if (Info == NULL)
		return SEC_E_INVALID_PARAMETER;
	pthread_mutex_lock(&tokens_lock);
	t = find(Token, 0);
	s = t != NULL ? token_info(t, Info) : SEC_E_INVALID_HANDLE;
	pthread_mutex_unlock(&tokens_lock);
	if (SG_TRACING())
		sg_trace_call("SspiGssGetTokenInformation", s, "%s", "");
	return s;
}

SECURITY_STATUS SEC_ENTRY SspiGssCloseToken(HANDLE Token)
{
	struct sg_token *t;

	pthread_mutex_lock(&tokens_lock);
	t = find(Token, 1);
	pthread_mutex_unlock(&tokens_lock);
	if (t != NULL)
		token_free(t);
	if (SG_TRACING())
		sg_trace_call("SspiGssCloseToken", t ? SEC_E_OK : SEC_E_INVALID_HANDLE, "%s", "");
	return t != NULL ? SEC_E_OK : SEC_E_INVALID_HANDLE;
}
