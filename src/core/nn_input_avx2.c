/*
 * nn_input_avx2.c — the network input transform g·asinh(x·s) of a row of
 * stamp pixels (NaN → 0) on 8 floats per step with AVX2 + FMA, chosen at
 * run time by sg_nn_prepare_input (simd_level.h).  libm's double asinh took
 * about a sixth of lens_score's time on real stamps (its log1p path runs
 * for every pixel brighter than the softening).
 *
 * asinh|x| = log(1 + d) with d = |x| + x²/(1 + √(1 + x²)), which has no
 * cancellation for small x; ½ log(1 + d) is sg8_log1p_half.  Above
 * |x| = 1e18, where x² would overflow, d = 2|x| (asinh|x| = log 2|x| to
 * float precision there).  The sign is put back last.  Relative error a
 * few float ulp against the double-precision libm value; every lane is the
 * same function of its own value (the tail of a row goes through the same
 * vector code), so a pixel's input does not depend on where it sits in the
 * stamp and turning a stamp turns its input exactly.
 */
#include <stddef.h>
#include <string.h>

#include "nn_internal.h"
#include "simd_avx2.h"

#if SG_HAVE_AVX2

/* g·asinh(x·s) of 8 lanes, NaN lanes → 0. */
static inline SG_AVX2 __m256
asinh_scaled8(__m256 x, __m256 s, __m256 g)
{
	__m256		v = _mm256_mul_ps(x, s),
				a = sg8_abs(v),
				t = _mm256_min_ps(a, _mm256_set1_ps(1e18f)),
				t2 = _mm256_mul_ps(t, t),
				root = _mm256_sqrt_ps(_mm256_add_ps(t2, _mm256_set1_ps(1.0f))),
				d = _mm256_add_ps(t, _mm256_div_ps(t2, _mm256_add_ps(root, _mm256_set1_ps(1.0f)))),
				big = _mm256_cmp_ps(a, _mm256_set1_ps(1e18f), _CMP_GT_OQ),
				r;

	d = _mm256_blendv_ps(d, _mm256_min_ps(_mm256_add_ps(a, a), _mm256_set1_ps(3.0e38f)), big);
	r = _mm256_mul_ps(_mm256_add_ps(g, g), sg8_log1p_half(d));
	r = sg8_with_sign(r, v);
	/* NaN pixels are masked: 0 */
	return _mm256_and_ps(r, _mm256_cmp_ps(x, x, _CMP_ORD_Q));
}

SG_AVX2 void
nn_asinh_scaled_avx2(size_t n, const float *x, float scale, float gain, float *y)
{
	__m256		s = _mm256_set1_ps(scale),
				g = _mm256_set1_ps(gain);
	size_t		i = 0;

	for (; i + 8 <= n; i += 8)
		_mm256_storeu_ps(y + i, asinh_scaled8(_mm256_loadu_ps(x + i), s, g));
	if (i < n)
	{
		float		tail[8] = {0};

		memcpy(tail, x + i, sizeof(float) * (n - i));
		_mm256_storeu_ps(tail, asinh_scaled8(_mm256_loadu_ps(tail), s, g));
		memcpy(y + i, tail, sizeof(float) * (n - i));
	}
}

#else

void
nn_asinh_scaled_avx2(size_t n, const float *x, float scale, float gain, float *y)
{
	(void) n, (void) x, (void) scale, (void) gain, (void) y;
}

#endif
