/*
 * file_stamp.c - one state of a file (file_stamp.h).
 */
#include "file_stamp.h"

#include <string.h>
#include <sys/stat.h>

/* How close to the copy a file's times may be and still be trusted. */
#define RACY_NS 1000000000LL

void sg_file_stamp_read(const char *path, struct sg_file_stamp *s)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) != 0)
		return;
	s->present = 1;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
	s->ctime = st.st_ctim;
}

int sg_file_stamp_equal(const struct sg_file_stamp *a, const struct sg_file_stamp *b)
{
	return a->present == b->present && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec && a->ctime.tv_sec == b->ctime.tv_sec &&
	       a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int sg_file_stamp_racy(const struct sg_file_stamp *s, const struct timespec *copied)
{
	long long at = ns_of(copied);

	return s->present && (ns_of(&s->mtime) >= at - RACY_NS || ns_of(&s->ctime) >= at - RACY_NS);
}
