/*
 * bench.h - what sspi-gss-bench and its WinPR companion share: the clock,
 * the timing loop, heap measurement and the NTLM test user.
 *
 * Both programs time the same way, so their figures can stand side by
 * side: an operation runs in batches on CLOCK_MONOTONIC until a batch lasts
 * the time asked for, and the batch's mean is the figure. Callers repeat a
 * measurement and keep the best, interleaving the two sides of a
 * comparison so that a slow moment of the machine hits both.
 */
#ifndef SG_BENCH_H
#define SG_BENCH_H

#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* The user both NTLM engines log on as (the throwaway realm's alice). */
#define BENCH_USER "alice"
#define BENCH_DOMAIN "SSPI"
#define BENCH_PASSWORD "Alice-Pass-1"

/* Message sizes, in bytes, of the per-message rows. */
static const size_t bench_sizes[] = {64, 1024, 16384, 1048576};
#define BENCH_NSIZES (sizeof(bench_sizes) / sizeof(bench_sizes[0]))

/* How many context pairs the memory figure is the mean of. */
#define BENCH_MEMORY_PAIRS 64

/* One operation: 0 on success. */
typedef int (*bench_op)(void *arg);

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Nanoseconds per call of op, from a batch lasting at least `seconds`
 * (batches grow until one does); -1 when op fails. */
static inline double bench_time(bench_op op, void *arg, double seconds)
{
	double n = 1;

	for (;;) {
		double t0 = bench_now(), elapsed;

		for (double i = 0; i < n; i++)
			if (op(arg) != 0)
				return -1;
		elapsed = bench_now() - t0;
		if (elapsed >= seconds)
			return elapsed * 1e9 / n;
		/* Too short to trust: aim the next batch just past the goal. */
		n = elapsed < seconds / 64 ? n * 16 : n * seconds * 1.1 / elapsed + 1;
	}
}

/* The best (lowest) of reps runs of bench_time; -1 when op fails. */
static inline double bench_best(bench_op op, void *arg, double seconds, int reps)
{
	double best = -1;

	for (int r = 0; r < reps; r++) {
		double ns = bench_time(op, arg, seconds);

		if (ns < 0)
			return -1;
		if (best < 0 || ns < best)
			best = ns;
	}
	return best;
}

/* Bytes the heap holds now (glibc; every arena). */
static inline size_t bench_heap_bytes(void)
{
	return mallinfo2().uordblks;
}

/*
 * The baselines that cannot share sspi-gss-bench's process (WinPR's NTLM,
 * MIT krb5, whose symbols clash with Heimdal's) run in companion programs
 * that measure on request, so that their figures interleave with ours as
 * an in-process baseline's do. sspi-gss-bench writes one request a line,
 * "OP SIZE"; the companion answers one line, a figure (ns per operation
 * from one batch of bench_time, or bytes for memory), or -1 for an OP it
 * cannot measure or that failed. End of input ends it.
 */
typedef double (*bench_answer)(const char *op, size_t size);

static inline int bench_serve(bench_answer answer)
{
	char line[128], op[64];
	size_t size;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "%63s %zu", op, &size) != 2) {
			printf("-1\n");
			continue;
		}
		printf("%.1f\n", answer(op, size));
		fflush(stdout);
	}
	return 0;
}

#endif
