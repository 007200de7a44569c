/*
 * simd_avx512.h — AVX-512 support for the render and network kernels
 * (internal; included by render_avx512.c, nn_conv_direct.c and
 * nn_elu_avx512.c): the CPU check and 16-lane float elementary functions in
 * AVX-512F intrinsics.
 *
 * As in simd_avx2.h, SG_HAVE_AVX512 is 1 on x86 with GCC or clang, and every
 * function carries a target attribute (SG_AVX512), so no compiler flag is
 * needed; the code runs only after the CPU check.  AVX-512F alone is used:
 * exponent and mantissa come from vgetexpps/vgetmantps, 2^k is applied by
 * vscalefps, and bit operations go through the integer forms.  Accuracy as
 * in simd_avx2.h (a few float ulp); the results differ from the AVX2
 * functions' in the last bits.
 */
#ifndef SGLENS_SIMD_AVX512_H
#define SGLENS_SIMD_AVX512_H

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)

#define SG_HAVE_AVX512 1

#include <immintrin.h>
#include <stdint.h>

#define SG_AVX512 __attribute__((target("avx512f")))

/* 1 when the processor has AVX-512F and the OS saves the ZMM registers. */
static inline int
sg_cpu_has_avx512f(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f");
}

/* Broadcast a float constant. */
static inline SG_AVX512 __m512
sg16_set(float v)
{
	return _mm512_set1_ps(v);
}

/* |a|. */
static inline SG_AVX512 __m512
sg16_abs(__m512 a)
{
	return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a),
												_mm512_set1_epi32(0x7FFFFFFF)));
}

/* a (>= 0 or −0) with the sign bit of s. */
static inline SG_AVX512 __m512
sg16_with_sign(__m512 a, __m512 s)
{
	return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(a),
														 _mm512_castps_si512(s),
														 _mm512_set1_epi32(INT32_MIN),
														 0xF8));
}

/*
 * 2^x for x >= −125 (clamped there, so results stay normal; large x gives
 * +inf): 2^r for r = x − round(x) in [−½, ½] by the polynomial of
 * sg8_exp2, scaled by 2^round(x) with vscalefps.
 */
static inline SG_AVX512 __m512
sg16_exp2(__m512 x)
{
	__m512		k,
				r,
				p;

	x = _mm512_max_ps(x, _mm512_set1_ps(-125.0f));
	k = _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
	r = _mm512_sub_ps(x, k);
	p = _mm512_fmadd_ps(_mm512_set1_ps(1.546144470e-04f), r, _mm512_set1_ps(1.340042818e-03f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(9.618056679e-03f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.550327227e-02f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(2.402265092e-01f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(6.931472067e-01f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
	return _mm512_scalef_ps(p, k);
}

/*
 * c · atanh(s)/s as a polynomial in z = s², for |s| <= 0.2 (relative
 * error 2.5e-9).
 */
static inline SG_AVX512 __m512
sg16_atanh_series(__m512 z, float c)
{
	__m512		p = _mm512_fmadd_ps(_mm512_set1_ps(1.521626617e-01f * c), z,
									_mm512_set1_ps(1.997640828e-01f * c));

	p = _mm512_fmadd_ps(p, z, _mm512_set1_ps(3.333352312e-01f * c));
	return _mm512_fmadd_ps(p, z, _mm512_set1_ps(c));
}

/*
 * Split normal x > 0 as 2^k · m with m in [¾, 3/2): m by vgetmantps, and
 * k = exponent(x) − exponent(m) (exact).
 */
static inline SG_AVX512 __m512
sg16_frexp(__m512 x, __m512 *k)
{
	__m512		m = _mm512_getmant_ps(x, _MM_MANT_NORM_p75_1p5, _MM_MANT_SIGN_src);

	*k = _mm512_sub_ps(_mm512_getexp_ps(x), _mm512_getexp_ps(m));
	return m;
}

/* log2(x) for normal x > 0: log2 m = (2/ln 2) atanh(s), s = (m − 1)/(m + 1). */
static inline SG_AVX512 __m512
sg16_log2(__m512 x)
{
	__m512		k,
				m = sg16_frexp(x, &k),
				f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f)),
				s = _mm512_div_ps(f, _mm512_add_ps(m, _mm512_set1_ps(1.0f))),
				p = sg16_atanh_series(_mm512_mul_ps(s, s), 2.88539008f);

	return _mm512_fmadd_ps(s, p, k);
}

/*
 * ½ log(1 + d) for finite d >= 0, to full relative precision also for tiny
 * d: 1 + d = 2^k m as in sg16_log2, but for k = 0 (d < ½) f = d itself, so
 * the rounding of 1 + d never enters.
 */
static inline SG_AVX512 __m512
sg16_log1p_half(__m512 d)
{
	__m512		k,
				m = sg16_frexp(_mm512_add_ps(d, _mm512_set1_ps(1.0f)), &k),
				f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f)),
				s,
				p;

	f = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(k, _mm512_setzero_ps(), _CMP_EQ_OQ), f, d);
	s = _mm512_div_ps(f, _mm512_add_ps(f, _mm512_set1_ps(2.0f)));
	p = sg16_atanh_series(_mm512_mul_ps(s, s), 1.0f);
	return _mm512_fmadd_ps(k, _mm512_set1_ps(0.346573591f), _mm512_mul_ps(s, p));
}

/* atan(a / b) for b > 0 and finite a: the reduction and polynomial of sg8_atan2p. */
static inline SG_AVX512 __m512
sg16_atan2p(__m512 a, __m512 b)
{
	__m512		t = sg16_abs(a),
				w = _mm512_div_ps(_mm512_min_ps(t, b), _mm512_max_ps(t, b)),
				z = _mm512_mul_ps(w, w),
				z2 = _mm512_mul_ps(z, z),
				p01 = _mm512_fmadd_ps(_mm512_set1_ps(-3.333303671e-01f), z, _mm512_set1_ps(1.0f)),
				p23 = _mm512_fmadd_ps(_mm512_set1_ps(-1.419779779e-01f), z, _mm512_set1_ps(1.999187203e-01f)),
				p45 = _mm512_fmadd_ps(_mm512_set1_ps(-7.456854826e-02f), z, _mm512_set1_ps(1.061837064e-01f)),
				p67 = _mm512_fmadd_ps(_mm512_set1_ps(-1.573124912e-02f), z, _mm512_set1_ps(4.213762359e-02f)),
				p,
				r;

	p = _mm512_fmadd_ps(_mm512_set1_ps(2.766283502e-03f), z2, p67);
	p = _mm512_fmadd_ps(p, z2, p45);
	p = _mm512_fmadd_ps(p, z2, p23);
	p = _mm512_fmadd_ps(p, z2, p01);
	r = _mm512_mul_ps(w, p);
	r = _mm512_mask_sub_ps(r, _mm512_cmp_ps_mask(t, b, _CMP_GT_OQ),
						   _mm512_set1_ps(1.57079633f), r);
	return sg16_with_sign(r, a);
}

/* Horner evaluation of c[0] + x (c[1] + x (… c[n−1])) with FMAs. */
static inline SG_AVX512 __m512
sg16_horner(__m512 x, const float *c, int n)
{
	__m512		p = _mm512_set1_ps(c[n - 1]);

	for (int i = n - 2; i >= 0; i--)
		p = _mm512_fmadd_ps(p, x, _mm512_set1_ps(c[i]));
	return p;
}

/*
 * ELU (α = 1) of 16 lanes: the algorithm and operations of nn_elu_avx2.c's
 * 8-lane ELU (a Taylor polynomial of e^x − 1 above −0.5, else 2^n e^r − 1,
 * −1 below −87), so both give the same bits.
 */
static inline SG_AVX512 __m512
sg16_elu(__m512 x)
{
	static const float taylor[8] = {1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120,
	1.0f / 720, 1.0f / 5040, 1.0f / 40320};
	static const float exp_r[8] = {1.0f, 1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120,
	1.0f / 720, 1.0f / 5040};
	__m512		xn = _mm512_max_ps(_mm512_min_ps(x, _mm512_setzero_ps()), _mm512_set1_ps(-87.0f)),
				small = _mm512_mul_ps(xn, sg16_horner(xn, taylor, 8)),
				n = _mm512_roundscale_ps(_mm512_mul_ps(xn, _mm512_set1_ps(1.44269504088896341f)),
										 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC),
				r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.42860682030941723e-6f),
									 _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), xn)),
				scale = _mm512_castsi512_ps(_mm512_slli_epi32(
									_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23)),
				y = _mm512_fmsub_ps(sg16_horner(r, exp_r, 8), scale, _mm512_set1_ps(1.0f));

	y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(xn, _mm512_set1_ps(-0.5f), _CMP_GT_OQ), y, small);
	y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.0f), _CMP_LT_OQ), y,
							 _mm512_set1_ps(-1.0f));
	return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), y, x);
}

#else

#define SG_HAVE_AVX512 0

/* No AVX-512 code in this build. */
static inline int
sg_cpu_has_avx512f(void)
{
	return 0;
}

#endif

#endif
