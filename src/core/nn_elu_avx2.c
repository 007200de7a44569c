/*
 * nn_elu_avx2.c — ELU (α = 1) of x + bias on 8 floats per step with AVX2 +
 * FMA, chosen at run time by nn_act_forward and nn_bias_act_forward
 * (simd_level.h); the activation took a fifth of a forward pass as a
 * scalar loop.  The same algorithm as nn_layers.c's
 * scalar ELU, computed for every lane and blended: a Taylor polynomial of
 * e^x − 1 for x > −0.5 (no cancellation near 0), else 2^n e^r − 1 with
 * x = n ln 2 + r and e^r by a degree-7 polynomial; x < −87 gives −1.  The
 * results agree with the scalar ones to float rounding (FMA), not bit for
 * bit; test_nn checks both against expm1.
 */
#include <stddef.h>

#include "nn_internal.h"
#include "simd_avx2.h"

#if SG_HAVE_AVX2

/* Horner evaluation of c[0] + x (c[1] + x (… c[n−1])) with FMAs. */
static inline SG_AVX2 __m256
horner(__m256 x, const float *c, int n)
{
	__m256		p = _mm256_set1_ps(c[n - 1]);

	for (int i = n - 2; i >= 0; i--)
		p = _mm256_fmadd_ps(p, x, _mm256_set1_ps(c[i]));
	return p;
}

/* ELU of 8 lanes. */
static inline SG_AVX2 __m256
elu8(__m256 x)
{
	static const float taylor[8] = {1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120,
	1.0f / 720, 1.0f / 5040, 1.0f / 40320};
	static const float exp_r[8] = {1.0f, 1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120,
	1.0f / 720, 1.0f / 5040};
	__m256		xn = _mm256_max_ps(_mm256_min_ps(x, _mm256_setzero_ps()), _mm256_set1_ps(-87.0f)),
				small = _mm256_mul_ps(xn, horner(xn, taylor, 8)),
				n = _mm256_round_ps(_mm256_mul_ps(xn, _mm256_set1_ps(1.44269504088896341f)),
									_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
				r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.42860682030941723e-6f),
									 _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), xn)),
				scale = _mm256_castsi256_ps(_mm256_slli_epi32(
									_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23)),
				large = _mm256_fmsub_ps(horner(r, exp_r, 8), scale, _mm256_set1_ps(1.0f)),
				negative = _mm256_blendv_ps(large, small,
											_mm256_cmp_ps(xn, _mm256_set1_ps(-0.5f), _CMP_GT_OQ));

	negative = _mm256_blendv_ps(negative, _mm256_set1_ps(-1.0f),
								_mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_LT_OQ));
	return _mm256_blendv_ps(negative, x, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ));
}

SG_AVX2 void
nn_elu_avx2(size_t n, const float *x, float bias, float *y)
{
	__m256		b = _mm256_set1_ps(bias);
	size_t		i = 0;

	for (; i + 8 <= n; i += 8)
		_mm256_storeu_ps(y + i, elu8(_mm256_add_ps(_mm256_loadu_ps(x + i), b)));
	for (; i < n; i++)
		y[i] = nn_elu(x[i] + bias);
}

#else

void
nn_elu_avx2(size_t n, const float *x, float bias, float *y)
{
	for (size_t i = 0; i < n; i++)
		y[i] = nn_elu(x[i] + bias);
}

#endif
