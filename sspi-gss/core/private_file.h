/*
 * private_file.h - reading a configuration file that decides who logs on
 * or who a client becomes (the NTLM user file, SSPI_GSS_ACCOUNT_MAP): only
 * if nobody but the process's user or root can have written it
 * (docs/security.md).
 */
#ifndef SG_PRIVATE_FILE_H
#define SG_PRIVATE_FILE_H

#include <stddef.h>

/* The whole file at path, malloc'ed and NUL-terminated (*len bytes before
 * the NUL; the caller wipes it when it holds secrets, and frees it), if
 * it is a regular file, owned by the process's effective user or root,
 * not writable by group or others, at most max bytes, and not reached
 * through a symbolic link in a directory others may write (where anyone
 * could plant one). A FIFO in its place is refused, never waited on.
 * NULL with *why (a static text) otherwise. */
char *sg_private_file_read(const char *path, size_t max, size_t *len, const char **why);

#endif
