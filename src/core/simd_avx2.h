/*
 * simd_avx2.h — AVX2 + FMA support for the core library's hot kernels
 * (internal; included by render_avx2.c and psf_convolve.c): the CPU check
 * and 8-lane float elementary functions in intrinsics.
 *
 * SG_HAVE_AVX2 is 1 on x86 with GCC or clang, else 0 (and nothing else is
 * defined but sg_cpu_has_avx2_fma, which then returns 0).  Every function
 * carries the target attribute SG_AVX2, so the code compiles with the
 * default flags of both builds (plain x86-64, -O2) and is run only after the
 * CPU check (see simd_level.h).  No libm calls: sqrt and division are the
 * IEEE instructions, exp2/log2/atan are range reductions plus polynomials
 * fitted (Chebyshev, relative error) for this file.  Accuracy, relative:
 * sg8_exp2 2e-9 + float rounding, sg8_log2 and sg8_log1p_half 1e-9 +
 * rounding, sg8_atan2p 2e-8 + rounding; i.e. a few float ulp in all.  FMAs
 * are explicit intrinsics, so the rounding does not depend on -ffp-contract
 * (the PGXS and core builds were checked to give the same bits).
 */
#ifndef SGLENS_SIMD_AVX2_H
#define SGLENS_SIMD_AVX2_H

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)

#define SG_HAVE_AVX2 1

#include <immintrin.h>

#define SG_AVX2 __attribute__((target("avx2,fma")))

/* 1 when the processor has AVX2 and FMA and the OS saves the YMM registers. */
static inline int
sg_cpu_has_avx2_fma(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* Broadcast a float constant. */
static inline SG_AVX2 __m256
sg8_set(float v)
{
	return _mm256_set1_ps(v);
}

/* |a|. */
static inline SG_AVX2 __m256
sg8_abs(__m256 a)
{
	return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a);
}

/* |a| with the sign bit of s (a >= 0 or −0 expected). */
static inline SG_AVX2 __m256
sg8_with_sign(__m256 a, __m256 s)
{
	return _mm256_or_ps(a, _mm256_and_ps(s, _mm256_set1_ps(-0.0f)));
}

/*
 * 2^x, x clamped to [−125, 127] (results stay normal): k = round(x) by the
 * 1.5·2^23 shift, 2^r for r = x − k in [−½, ½] by a degree-6 polynomial
 * (relative error 2e-9), then k added to the exponent field.
 */
static inline SG_AVX2 __m256
sg8_exp2(__m256 x)
{
	const __m256 shift = _mm256_set1_ps(12582912.0f);
	__m256		kf,
				r,
				p;
	__m256i		e;

	x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-125.0f)),
					  _mm256_set1_ps(127.0f));
	kf = _mm256_add_ps(x, shift);
	/* the low 9 bits of kf's mantissa hold k mod 512: shifted, k · 2^23 */
	e = _mm256_slli_epi32(_mm256_castps_si256(kf), 23);
	r = _mm256_sub_ps(x, _mm256_sub_ps(kf, shift));
	p = _mm256_fmadd_ps(_mm256_set1_ps(1.546144470e-04f), r, _mm256_set1_ps(1.340042818e-03f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(9.618056679e-03f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.550327227e-02f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(2.402265092e-01f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(6.931472067e-01f));
	p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
	return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), e));
}

/*
 * Split normal x > 0 as 2^k · m with m in [√½, √2): returns m − 1 and sets
 * *k (as float).
 */
static inline SG_AVX2 __m256
sg8_frexp_m1(__m256 x, __m256 *k)
{
	const __m256i sqrt_half = _mm256_set1_epi32(0x3F3504F3);
	__m256i		t = _mm256_add_epi32(_mm256_castps_si256(x),
									 _mm256_set1_epi32(0x3F800000 - 0x3F3504F3));
	__m256i		mb = _mm256_add_epi32(_mm256_and_si256(t, _mm256_set1_epi32(0x007FFFFF)),
									  sqrt_half);

	*k = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srai_epi32(t, 23),
											 _mm256_set1_epi32(127)));
	return _mm256_sub_ps(_mm256_castsi256_ps(mb), _mm256_set1_ps(1.0f));
}

/*
 * c · atanh(s)/s as a polynomial in z = s², for |s| <= (√2 − 1)/(√2 + 1)
 * (relative error 7e-10).
 */
static inline SG_AVX2 __m256
sg8_atanh_series(__m256 z, float c)
{
	__m256		p = _mm256_fmadd_ps(_mm256_set1_ps(1.496219524e-01f * c), z,
									_mm256_set1_ps(1.998742526e-01f * c));

	p = _mm256_fmadd_ps(p, z, _mm256_set1_ps(3.333340767e-01f * c));
	return _mm256_fmadd_ps(p, z, _mm256_set1_ps(c));
}

/* log2(x) for normal x > 0: log2 m = (2/ln 2) atanh(s), s = (m − 1)/(m + 1). */
static inline SG_AVX2 __m256
sg8_log2(__m256 x)
{
	__m256		k,
				f = sg8_frexp_m1(x, &k),
				s = _mm256_div_ps(f, _mm256_add_ps(f, _mm256_set1_ps(2.0f))),
				p = sg8_atanh_series(_mm256_mul_ps(s, s), 2.88539008f);

	return _mm256_fmadd_ps(s, p, k);
}

/*
 * ½ log(1 + d) for finite d >= 0, to full relative precision also for tiny d:
 * 1 + d = 2^k m as in sg8_log2, but for k = 0 (d < √2 − 1) f = d itself, so
 * the rounding of 1 + d never enters.
 */
static inline SG_AVX2 __m256
sg8_log1p_half(__m256 d)
{
	__m256		k,
				f = sg8_frexp_m1(_mm256_add_ps(d, _mm256_set1_ps(1.0f)), &k),
				s,
				p;

	f = _mm256_blendv_ps(f, d, _mm256_cmp_ps(k, _mm256_setzero_ps(), _CMP_EQ_OQ));
	s = _mm256_div_ps(f, _mm256_add_ps(f, _mm256_set1_ps(2.0f)));
	p = sg8_atanh_series(_mm256_mul_ps(s, s), 1.0f);
	return _mm256_fmadd_ps(k, _mm256_set1_ps(0.346573591f), _mm256_mul_ps(s, p));
}

/*
 * atan(a / b) for b > 0 and finite a: w = min(|a|, b)/max(|a|, b) in [0, 1],
 * atan w = w P(w²) with a degree-8 polynomial (relative error 2e-8), then
 * π/2 − atan w where |a| > b, and the sign of a.  P is evaluated as a
 * polynomial in w⁴ of pairs, which shortens the dependency chain.
 */
static inline SG_AVX2 __m256
sg8_atan2p(__m256 a, __m256 b)
{
	__m256		t = sg8_abs(a),
				w = _mm256_div_ps(_mm256_min_ps(t, b), _mm256_max_ps(t, b)),
				z = _mm256_mul_ps(w, w),
				z2 = _mm256_mul_ps(z, z),
				p01 = _mm256_fmadd_ps(_mm256_set1_ps(-3.333303671e-01f), z, _mm256_set1_ps(1.0f)),
				p23 = _mm256_fmadd_ps(_mm256_set1_ps(-1.419779779e-01f), z, _mm256_set1_ps(1.999187203e-01f)),
				p45 = _mm256_fmadd_ps(_mm256_set1_ps(-7.456854826e-02f), z, _mm256_set1_ps(1.061837064e-01f)),
				p67 = _mm256_fmadd_ps(_mm256_set1_ps(-1.573124912e-02f), z, _mm256_set1_ps(4.213762359e-02f)),
				p,
				r;

	p = _mm256_fmadd_ps(_mm256_set1_ps(2.766283502e-03f), z2, p67);
	p = _mm256_fmadd_ps(p, z2, p45);
	p = _mm256_fmadd_ps(p, z2, p23);
	p = _mm256_fmadd_ps(p, z2, p01);
	r = _mm256_mul_ps(w, p);
	r = _mm256_blendv_ps(r, _mm256_sub_ps(_mm256_set1_ps(1.57079633f), r),
						 _mm256_cmp_ps(t, b, _CMP_GT_OQ));
	return sg8_with_sign(r, a);
}

#else

#define SG_HAVE_AVX2 0

/* No AVX2 code in this build. */
static inline int
sg_cpu_has_avx2_fma(void)
{
	return 0;
}

#endif

#endif
