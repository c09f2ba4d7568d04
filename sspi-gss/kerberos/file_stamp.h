/*
 * file_stamp.h - one state of a file, as the in-memory mirrors of a FILE
 * ticket cache (ccache_mirror.c) and of a FILE keytab (keytab_mirror.c)
 * compare it at each context to know whether to copy the file again.
 */
#ifndef SG_FILE_STAMP_H
#define SG_FILE_STAMP_H

#include <sys/types.h>
#include <time.h>

/* What identifies one state of the file: replaced (a new file renamed over
 * it), rewritten or appended to, any of these moves. */
struct sg_file_stamp {
	int present;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

/* The file at path now (present 0 when stat fails). */
void sg_file_stamp_read(const char *path, struct sg_file_stamp *s);
int sg_file_stamp_equal(const struct sg_file_stamp *a, const struct sg_file_stamp *b);

/*
 * Whether s, read just before a copy made at `copied` (CLOCK_REALTIME, the
 * clock of file times), is too close to it to be trusted: a file written
 * again within the granularity of its times (a clock tick, or a second on
 * filesystems that keep seconds) after the stamp was read keeps the same
 * times, and an edit in place (ktutil remove) the same size. While it is,
 * the copy must be taken again at each use, until one is taken of a file
 * older than that (as git treats an index entry as racily clean).
 */
int sg_file_stamp_racy(const struct sg_file_stamp *s, const struct timespec *copied);

#endif
