/*
 * bench-limit.h - the "limit" column of sspi-gss-bench: the bare
 * cryptography of a row's messages in OpenSSL's libcrypto, what an
 * implementation could approach at best (docs/performance.md):
 *  - Kerberos: an RFC 4121 aes256-cts-hmac-sha1-96 token, EVP AES-256-CBC
 *    and HMAC-SHA1 (EVP_MAC) over confounder, data and header, keys set up
 *    once; sealed (wrap + unwrap) or signed (get_mic + verify_mic);
 *  - NTLM: an MS-NLMP sealed message with extended session security, keys
 *    set up once: HMAC-MD5 from precomputed pads over the sequence number
 *    and data, RC4 over the data and the checksum, by libcrypto's MD5 and
 *    RC4 one after the other; both directions (EncryptMessage +
 *    DecryptMessage).
 * Each limit is an operation for bench_time, so sspi-gss-bench runs it
 * interleaved with the row's other figures.
 */
#ifndef SG_BENCH_LIMIT_H
#define SG_BENCH_LIMIT_H

#include <stddef.h>

enum bench_limit_kind { LIMIT_KRB5_SEAL, LIMIT_KRB5_SIGN, LIMIT_NTLM_SEAL };

struct bench_limit;

/* NULL when it cannot be set up. */
struct bench_limit *bench_limit_new(enum bench_limit_kind kind, size_t size);
/* One operation (a bench_op): 0, or -1 on failure. */
int bench_limit_op(void *limit);
void bench_limit_free(struct bench_limit *l);

#endif
