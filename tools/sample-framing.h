/*
 * sample-framing.h - the token framing of MIT krb5's gss-sample programs,
 * shared by sspi-gss-sample and the test peers that face it (built against
 * other SSPI implementations): one flags byte, a 4-byte big-endian length,
 * then the bytes. Header-only, so each program takes its own copy.
 * FRAMING_PROGRAM names the program in messages.
 */
#ifndef SG_SAMPLE_FRAMING_H
#define SG_SAMPLE_FRAMING_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef FRAMING_PROGRAM
#define FRAMING_PROGRAM "sspi-gss-sample"
#endif

enum {
	TOKEN_NOOP = 1 << 0,
	TOKEN_CONTEXT = 1 << 1,
	TOKEN_DATA = 1 << 2,
	TOKEN_MIC = 1 << 3,
	TOKEN_CONTEXT_NEXT = 1 << 4,
	TOKEN_WRAPPED = 1 << 5,
	TOKEN_ENCRYPTED = 1 << 6,
	TOKEN_SEND_MIC = 1 << 7,
};

#define MAX_TOKEN (1u << 20)

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	unsigned char *b = p;

	while (n > 0) {
		ssize_t r = read(fd, b, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_token(int fd, int flags, const void *data, size_t len)
{
	unsigned char head[5] = {(unsigned char)flags, (unsigned char)(len >> 24),
				 (unsigned char)(len >> 16), (unsigned char)(len >> 8),
				 (unsigned char)len};

	if (write_all(fd, head, 5) != 0 || (len != 0 && write_all(fd, data, len) != 0)) {
		fprintf(stderr, "%s: sending a token failed\n", FRAMING_PROGRAM);
		return -1;
	}
	return 0;
}

/* *data is malloc'ed (NULL for an empty token). */
static int recv_token(int fd, int *flags, unsigned char **data, size_t *len)
{
	unsigned char head[5];

	*data = NULL;
	if (read_all(fd, head, 5) != 0) {
		fprintf(stderr, "%s: the peer closed the connection\n", FRAMING_PROGRAM);
		return -1;
	}
	*flags = head[0];
	*len = (size_t)head[1] << 24 | (size_t)head[2] << 16 | (size_t)head[3] << 8 | head[4];
	if (*len > MAX_TOKEN) {
		fprintf(stderr, "%s: token of %zu bytes refused\n", FRAMING_PROGRAM, *len);
		return -1;
	}
	if (*len == 0)
		return 0;
	*data = malloc(*len);
	if (*data == NULL || read_all(fd, *data, *len) != 0) {
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}

#endif
