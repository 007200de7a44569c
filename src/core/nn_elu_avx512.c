/*
 * nn_elu_avx512.c — ELU (α = 1) of x + bias on 16 floats per step with
 * AVX-512F, chosen at run time by nn_act_forward and nn_bias_act_forward
 * when the processor has it (simd_level.h).  sg16_elu (simd_avx512.h) runs
 * the 8-lane AVX2 algorithm on 16 lanes, so the two give the same bits.
 */
#include <stddef.h>

#include "nn_internal.h"
#include "simd_avx512.h"

#if SG_HAVE_AVX512

SG_AVX512 void
nn_elu_avx512(size_t n, const float *x, float bias, float *y)
{
	__m512		b = _mm512_set1_ps(bias);
	size_t		i = 0;

	for (; i + 16 <= n; i += 16)
		_mm512_storeu_ps(y + i, sg16_elu(_mm512_add_ps(_mm512_loadu_ps(x + i), b)));
	if (i < n)
	{
		__mmask16	tail = (__mmask16) ((1u << (n - i)) - 1);

		_mm512_mask_storeu_ps(y + i, tail,
							  sg16_elu(_mm512_add_ps(_mm512_maskz_loadu_ps(tail, x + i), b)));
	}
}

#else

void
nn_elu_avx512(size_t n, const float *x, float bias, float *y)
{
	for (size_t i = 0; i < n; i++)
		y[i] = nn_elu(x[i] + bias);
}

#endif
