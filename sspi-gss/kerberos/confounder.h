/*
 * confounder.h - the random confounders of RFC 3961 encryption (one AES
 * block before the data of every sealed Kerberos message), taken from a
 * per-thread pool of OpenSSL DRBG output (docs/security.md, "Random
 * numbers"; docs/performance.md says what it saved).
 */
#ifndef SG_CONFOUNDER_H
#define SG_CONFOUNDER_H

#include <stddef.h>
#include <stdint.h>

/* len (at most SG_CONFOUNDER_MAX) unpredictable bytes into out: 0, or -1
 * when OpenSSL's generator failed (nothing usable in out). */
#define SG_CONFOUNDER_MAX 16
int sg_confounder(uint8_t *out, size_t len);

/* Bytes asked of OpenSSL at a time, per thread. */
#define SG_CONFOUNDER_POOL 1024

#endif
