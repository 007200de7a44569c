/*
 * bench_stats.h — what the benchmarks share for reporting: a monotonic clock
 * and quantiles of a sample.
 */
#ifndef SGLENS_BENCH_STATS_H
#define SGLENS_BENCH_STATS_H

/* Monotonic seconds. */
double		bench_now(void);

/* The q-quantile of v[0..n) (sorted in place; the median is v[n / 2]); NaN when empty. */
double		bench_quantile(double *v, int n, double q);

#endif
