/* fma_peak.c — one core's measured floating-point peak (see fma_peak.h). */
#include <immintrin.h>
#include <stdbool.h>
#include <time.h>

#include "fma_peak.h"

#define CHAINS 12				/* independent accumulators: > latency × FMA ports */
#define BURST 2000000L			/* iterations of one timed burst */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* volatile sink, so the accumulators are not optimised away */
static volatile float sink;

__attribute__((target("avx512f")))
static double
burst_avx512(void)
{
	__m512		acc[CHAINS],
				mul = _mm512_set1_ps(0.999999f),
				add = _mm512_set1_ps(1e-7f);
	double		t0 = now();
	float		sum = 0;

	for (int i = 0; i < CHAINS; i++)
		acc[i] = _mm512_set1_ps((float) i);
	for (long k = 0; k < BURST; k++)
#pragma GCC unroll 12
		for (int i = 0; i < CHAINS; i++)
			acc[i] = _mm512_fmadd_ps(acc[i], mul, add);
	t0 = now() - t0;
	for (int i = 0; i < CHAINS; i++)
		sum += _mm512_reduce_add_ps(acc[i]);
	sink = sum;
	return 2.0 * 16 * CHAINS * BURST / t0;
}

__attribute__((target("avx2,fma")))
static double
burst_avx2(void)
{
	__m256		acc[CHAINS],
				mul = _mm256_set1_ps(0.999999f),
				add = _mm256_set1_ps(1e-7f);
	double		t0 = now();
	float		lanes[8],
				sum = 0;

	for (int i = 0; i < CHAINS; i++)
		acc[i] = _mm256_set1_ps((float) i);
	for (long k = 0; k < BURST; k++)
#pragma GCC unroll 12
		for (int i = 0; i < CHAINS; i++)
			acc[i] = _mm256_fmadd_ps(acc[i], mul, add);
	t0 = now() - t0;
	for (int i = 0; i < CHAINS; i++)
	{
		_mm256_storeu_ps(lanes, acc[i]);
		for (int j = 0; j < 8; j++)
			sum += lanes[j];
	}
	sink = sum;
	return 2.0 * 8 * CHAINS * BURST / t0;
}

double
fma_peak(double seconds, const char **vector_name)
{
	bool		wide = __builtin_cpu_supports("avx512f");
	double		best = 0,
				t0 = now();

	*vector_name = wide ? "AVX-512" : "AVX2";
	if (!wide && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
		return 0;
	do
	{
		double		rate = wide ? burst_avx512() : burst_avx2();

		best = rate > best ? rate : best;
	} while (now() - t0 < seconds);
	return best;
}
