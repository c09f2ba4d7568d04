/*
 * info-check.h - sspi-gss-info --check: the setup a package needs, checked
 * the way a user would, each finding in plain words with how to fix it.
 */
#ifndef SG_INFO_CHECK_H
#define SG_INFO_CHECK_H

/* Exit status of --check when something a package needs is missing or
 * broken (warnings alone leave it 0). */
#define INFO_CHECK_PROBLEMS 3

/* Checks what `package` needs (NULL: every package) and, with a target
 * SPN, tries a loopback handshake with it. Prints its findings; returns 0
 * or INFO_CHECK_PROBLEMS. */
int info_check(const char *package, const char *target);

#endif
