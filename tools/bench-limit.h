/*
 * bench-limit.h - the "limit" column of sspi-gss-bench: what the bare
 * cryptography of an RFC 4121 aes256-cts-hmac-sha1-96 per-message token
 * costs in OpenSSL (EVP AES-256-CBC, HMAC-SHA1), the speed a fast path for
 * established Kerberos contexts could approach (docs/performance.md).
 */
#ifndef SG_BENCH_LIMIT_H
#define SG_BENCH_LIMIT_H

#include <stddef.h>

/* Nanoseconds to encrypt and MAC a message of `size` bytes with its 16-byte
 * confounder, then decrypt and MAC it again (wrap + unwrap); -1 on failure
 * or when built without OpenSSL. */
double bench_limit_seal_ns(size_t size, double seconds, int reps);
/* Nanoseconds for two HMAC-SHA1 over `size` bytes (get_mic + verify_mic). */
double bench_limit_sign_ns(size_t size, double seconds, int reps);

#endif
