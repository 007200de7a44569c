/* bench_stats.c — the benchmarks' clock and quantiles (bench_stats.h). */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "bench_stats.h"

double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

double
bench_quantile(double *v, int n, double q)
{
	qsort(v, n, sizeof(double), compare_double);
	return n ? v[(int) (q * (n - 1) + 0.5)] : NAN;
}
