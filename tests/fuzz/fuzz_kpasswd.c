/*
 * fuzz_kpasswd.c - a kpasswd server's answer (sg_kpasswd_reply,
 * sspi-gss/kerberos/password.c) under any bytes, the way a KDC proxy's
 * reply reaches ChangeAccountPassword.
 *
 * Beyond reading nothing outside the input: the request's keys are this
 * target's own and never in the input, so no input may read as a
 * successful change (a KRB-ERROR may say why a change failed, never that
 * it succeeded). The first byte picks the mode:
 *   0: the rest as it is;
 *   1: RFC 3244's framing (length, version 1, the AP-REP's length from the
 *      rest's first byte) around the rest;
 *   2: a KRB-ERROR made by Heimdal (krb5_mk_error) with the rest as its
 *      e-data (a result code, then text), in the framing with no AP-REP,
 *      as a server answers a change it refused;
 *   3: that KRB-ERROR alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <krb5.h>

#include "fuzz_util.h"
#include "password.h"

static krb5_context k;
static krb5_auth_context ac;

/* The request's side: a key and a subkey of this target's. */
static void setup(void)
{
	static const uint8_t raw[32] = "sspi-gss fuzz kpasswd session k";
	krb5_keyblock key = {ETYPE_AES256_CTS_HMAC_SHA1_96, {sizeof(raw), (void *)raw}};

	if (krb5_init_context(&k) != 0 || krb5_auth_con_init(k, &ac) != 0 ||
	    krb5_auth_con_setflags(k, ac, KRB5_AUTH_CONTEXT_DO_SEQUENCE) != 0 ||
	    krb5_auth_con_setkey(k, ac, &key) != 0 ||
	    krb5_auth_con_setlocalsubkey(k, ac, &key) != 0)
		abort();
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void answer(const uint8_t *r, size_t len)
{
	krb5_data text = {0, NULL};
	uint8_t *copy = malloc(len ? len : 1);
	int result = 0;
	krb5_error_code rc;

	if (copy == NULL)
		return;
	memcpy(copy, r, len);
	rc = sg_kpasswd_reply(k, ac, copy, len, &result, &text);
	if (rc == 0 && result == KRB5_KPASSWD_SUCCESS)
		abort(); /* success without the keys */
	krb5_data_free(&text);
	free(copy);
}

/* A KRB-ERROR with e_data; in *out (krb5_data_free). */
static int error_with(const uint8_t *e, size_t len, krb5_data *out)
{
	krb5_data e_data = {len, (void *)e};
	krb5_principal server = NULL;
	int rc;

	if (krb5_make_principal(k, &server, "SSPI.TEST", "kadmin", "changepw", NULL) != 0)
		return -1;
	rc = krb5_mk_error(k, KRB5KRB_ERR_GENERIC, "fuzz", &e_data, NULL, server, NULL, NULL,
			   out);
	krb5_free_principal(k, server);
	return rc == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *framed;
	krb5_data err;

	if (k == NULL)
		setup();
	if (size < 2 || size > 0xfff0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		answer(data + 1, size - 1);
		break;
	case 1:
		if ((framed = malloc(size + 5)) == NULL)
			return 0;
		put16(framed, size + 4);
		put16(framed + 2, 1);
		put16(framed + 4, data[1]);
		memcpy(framed + 6, data + 2, size - 2);
		answer(framed, size + 4);
		/* The length field as the input says, whatever the size. */
		framed[0] = data[1];
		answer(framed, size + 4);
		free(framed);
		break;
	default:
		if (error_with(data + 1, size - 1, &err) != 0)
			return 0;
		if (data[0] % 4 == 3) {
			answer(err.data, err.length);
		} else if ((framed = malloc(err.length + 6)) != NULL) {
			put16(framed, err.length + 6);
			put16(framed + 2, 1);
			put16(framed + 4, 0);
			memcpy(framed + 6, err.data, err.length);
			answer(framed, err.length + 6);
			free(framed);
		}
		krb5_data_free(&err);
		break;
	}
	return 0;
}

#ifndef SG_LIBFUZZER
/* Mode 2 and 3 inputs mostly start with a result code of 0 (success) or
 * small ones, the values a forged error would use. */
static void plant_codes(uint8_t *buf, size_t n, long r)
{
	if (n > 3 && buf[0] >= 2 && r % 3 != 0) {
		buf[1] = 0;
		buf[2] = (uint8_t)((r / 4) % 8);
	}
}

int main(int argc, char **argv)
{
	return fuzz_driver(argc, argv, "fuzz_kpasswd", 4, plant_codes);
}
#endif
