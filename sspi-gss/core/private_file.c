/* private_file.c - private_file.h: the checks a file that decides logons
 * gets before it is believed. */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* May someone other than the owner replace entries of path's directory? */
static int directory_shared(const char *path)
{
	char *copy = strdup(path);
	struct stat st;
	int shared = 1;

	if (copy != NULL && stat(dirname(copy), &st) == 0)
		shared = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	free(copy);
	return shared;
}

char *sg_private_file_read(const char *path, size_t max, size_t *len, const char **why)
{
	/* O_NONBLOCK: a FIFO in the file's place must not hang the caller
	 * (it is refused as not a regular file below). */
	int fd, flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	struct stat st;
	size_t got = 0;
	char *buf;

	*len = 0;
	*why = NULL;
	/* A link in /tmp could be planted by anyone: follow links only where
	 * nobody but the directory's owner can make them. */
	if (directory_shared(path))
		flags |= O_NOFOLLOW;
	fd = open(path, flags);
	if (fd < 0) {
		*why = errno == ELOOP ? "it is a symbolic link in a directory others may write"
				      : strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "it is not a regular file";
		goto fail;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		*why = "it is owned by another user (it must be ours or root's)";
		goto fail;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "others may write it (chmod go-w)";
		goto fail;
	}
	if ((uintmax_t)st.st_size > max) {
		*why = "it is larger than a file of this kind may be";
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		*why = "out of memory";
		goto fail;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	close(fd);
	return NULL;
}
