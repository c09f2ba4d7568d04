/*
 * fuzz_pac.c - the PAC reader (sspi-gss/kerberos/pac.c) under any bytes: it must
 * read a PAC or refuse it without reading outside the input, and whatever
 * it reads must be whole (names and SIDs present, SIDs well formed).
 *
 * Each input is read twice: as a PAC of its own, and as edits of a valid
 * PAC built here (logon information with groups, extra SIDs and resource
 * groups; UPN and DNS info): the input's first bytes are up to six
 * (position, value) pairs written over it, so the deep parts of the NDR
 * are reached at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "pac.h"

struct w {
	uint8_t b[2048];
	size_t n;
};

static void put32(struct w *w, uint32_t v)
{
	while (w->n % 4)
		w->b[w->n++] = 0;
	for (int i = 0; i < 4; i++)
		w->b[w->n++] = (uint8_t)(v >> (8 * i));
}

static void put16(struct w *w, uint16_t v)
{
	while (w->n % 2)
		w->b[w->n++] = 0;
	w->b[w->n++] = (uint8_t)v;
	w->b[w->n++] = (uint8_t)(v >> 8);
}

static void string_head(struct w *w, const char *s, uint32_t ref)
{
	put16(w, (uint16_t)(2 * strlen(s)));
	put16(w, (uint16_t)(2 * strlen(s)));
	put32(w, ref);
}

static void string_body(struct w *w, const char *s)
{
	size_t n = strlen(s);

	put32(w, (uint32_t)n);
	put32(w, 0);
	put32(w, (uint32_t)n);
	for (size_t i = 0; i < n; i++)
		put16(w, (uint16_t)s[i]);
}

static void sid(struct w *w, const uint32_t *sub, uint8_t count)
{
	put32(w, count);
	w->b[w->n++] = 1;
	w->b[w->n++] = count;
	memcpy(w->b + w->n, "\0\0\0\0\0\5", 6);
	w->n += 6;
	for (uint8_t i = 0; i < count; i++)
		put32(w, sub[i]);
}

/* KERB_VALIDATION_INFO for ADSSPI\alice, RID 1103, groups 513 and 1104,
 * one extra SID (S-1-18-1), one resource group. */
static size_t logon_info(uint8_t *out)
{
	static const uint32_t domain[4] = {21, 1, 2, 3}, asserted[2] = {18, 1};
	static const char *names[6] = {"alice", "Alice Liddell", "", "", "", ""};
	struct w w = {{0}, 0};
	uint32_t ref = 0x20000;

	memcpy(w.b, "\x01\x10\x08\x00\xcc\xcc\xcc\xcc", 8);
	w.n = 16;
	put32(&w, ref++);
	for (int i = 0; i < 12; i++)
		put32(&w, 0);
	for (int i = 0; i < 6; i++)
		string_head(&w, names[i], ref++);
	put16(&w, 1);
	put16(&w, 0);
	put32(&w, 1103);
	put32(&w, 513);
	put32(&w, 2);
	put32(&w, ref++);
	put32(&w, 0x20);
	for (int i = 0; i < 4; i++)
		put32(&w, 0);
	string_head(&w, "DC1", ref++);
	string_head(&w, "ADSSPI", ref++);
	put32(&w, ref++);
	for (int i = 0; i < 10; i++)
		put32(&w, 0);
	put32(&w, 1);
	put32(&w, ref++);
	put32(&w, ref++);
	put32(&w, 1);
	put32(&w, ref++);
	for (int i = 0; i < 6; i++)
		string_body(&w, names[i]);
	put32(&w, 2);
	put32(&w, 513);
	put32(&w, 7);
	put32(&w, 1104);
	put32(&w, 7);
	string_body(&w, "DC1");
	string_body(&w, "ADSSPI");
	sid(&w, domain, 4);
	put32(&w, 1);
	put32(&w, ref++);
	put32(&w, 7);
	sid(&w, asserted, 2);
	sid(&w, domain, 4);
	put32(&w, 1);
	put32(&w, 2000);
	put32(&w, 0x20000007);
	/* The private header's length of what follows it. */
	for (int i = 0; i < 4; i++)
		w.b[8 + i] = (uint8_t)((w.n - 16) >> (8 * i));
	memcpy(out, w.b, w.n);
	return w.n;
}

static size_t upn_dns(uint8_t *out)
{
	static const char upn[] = "alice@ad.sspi.test", dns[] = "AD.SSPI.TEST";
	size_t n = 16;

	memset(out, 0, 16);
	out[0] = (uint8_t)(2 * strlen(upn));
	out[2] = (uint8_t)n;
	for (size_t i = 0; upn[i]; i++, n += 2)
		out[n] = (uint8_t)upn[i], out[n + 1] = 0;
	out[4] = (uint8_t)(2 * strlen(dns));
	out[6] = (uint8_t)n;
	for (size_t i = 0; dns[i]; i++, n += 2)
		out[n] = (uint8_t)dns[i], out[n + 1] = 0;
	return n;
}

static size_t template_pac(uint8_t *pac)
{
	size_t off = 8 + 2 * 16, n;

	memset(pac, 0, 8);
	pac[0] = 2;
	n = logon_info(pac + off);
	memset(pac + 8, 0, 32);
	pac[8] = 1;
	pac[12] = (uint8_t)n, pac[13] = (uint8_t)(n >> 8);
	pac[16] = (uint8_t)off, pac[17] = (uint8_t)(off >> 8);
	off += (n + 7) & ~(size_t)7;
	n = upn_dns(pac + off);
	pac[24] = 12;
	pac[28] = (uint8_t)n;
	pac[32] = (uint8_t)off, pac[33] = (uint8_t)(off >> 8);
	return off + n;
}

static int sid_ok(const char *s)
{
	return s != NULL && strncmp(s, "S-", 2) == 0;
}

static void read_pac(const uint8_t *p, size_t len, int must)
{
	struct sg_logon *l = NULL;
	int rc = sg_pac_logon(p, len, &l);

	if (must && rc != 0)
		abort(); /* the template itself must read */
	if (rc != 0)
		return;
	if (l->account == NULL || l->domain == NULL || !sid_ok(l->user_sid) ||
	    !sid_ok(l->primary_group_sid))
		abort();
	for (size_t i = 0; i < l->group_count; i++)
		if (!sid_ok(l->group_sids[i]))
			abort();
	if (must && (strcmp(l->account, "alice") != 0 || strcmp(l->domain, "ADSSPI") != 0 ||
		     strcmp(l->user_sid, "S-1-5-21-1-2-3-1103") != 0 || l->group_count != 4 ||
		     l->upn == NULL || strcmp(l->upn, "alice@ad.sspi.test") != 0))
		abort();
	sg_logon_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pac[4096];
	size_t len = template_pac(pac);

	read_pac(data, size, 0);
	if (size == 0)
		read_pac(pac, len, 1);
	/* A few edits keep most of the structure, so each one is reached
	 * behind valid parts; the last byte of an odd-length input cuts the
	 * PAC short. */
	for (size_t i = 0; i + 2 <= size && i < 12; i += 2)
		pac[((size_t)data[i] * 7 + i) % len] = data[i + 1];
	if (size % 2)
		len = len * data[size - 1] / 255;
	read_pac(pac, len, 0);
	return 0;
}

#ifndef SG_LIBFUZZER
int main(int argc, char **argv)
{
	return fuzz_driver(argc, argv, "fuzz_pac", 1, NULL);
}
#endif
