/*
 * lens_vecmath.h — branch-free elementary functions for the lensing and
 * light kernels (internal to the core library).
 *
 * The kernels loop over fixed-size blocks of points; GCC vectorises such
 * loops at -O2 only when the body has no calls and no conditionally executed
 * floating-point operations (libm's sqrt/exp/log/atan are calls, and with
 * the default -fmath-errno/-ftrapping-math a `c ? f(x) : g(x)` is not
 * if-converted).  These helpers are therefore written with arithmetic, bit
 * manipulation and bitwise selects only.  Accuracy:
 *   sg_vsqrt, sg_vlog, sg_vlog1p, sg_vexp, sg_vatan2p — a few ulp (double);
 *   the float versions (…f) — about 2e-7 relative.
 * Arguments outside the documented ranges give unspecified values (never a
 * trap).
 */
#ifndef SGLENS_LENS_VECMATH_H
#define SGLENS_LENS_VECMATH_H

#include <stdint.h>
#include <string.h>

static inline uint64_t
sg_bits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline double
sg_from_bits(uint64_t u)
{
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

static inline uint32_t
sg_bitsf(float f)
{
	uint32_t	u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static inline float
sg_from_bitsf(uint32_t u)
{
	float		f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

/*
 * Select by the sign bit of d: d < 0 ? a : b (−0 counts as negative).  The
 * mask comes from integer shifts of d's bits, which vectorise with SSE2
 * (a comparison turned into a 64-bit mask does not).
 */
static inline double
sg_vsel_neg(double d, double a, double b)
{
	uint64_t	m = -(sg_bits(d) >> 63);

	return sg_from_bits((sg_bits(a) & m) | (sg_bits(b) & ~m));
}

/* The float version of sg_vsel_neg. */
static inline float
sg_vself_neg(float d, float a, float b)
{
	uint32_t	m = -(sg_bitsf(d) >> 31);

	return sg_from_bitsf((sg_bitsf(a) & m) | (sg_bitsf(b) & ~m));
}

/* |a| (doubles). */
static inline double
sg_vabs(double a)
{
	return sg_from_bits(sg_bits(a) & ~UINT64_C(0x8000000000000000));
}

/* |a| with the sign of s (doubles). */
static inline double
sg_vcopysign(double a, double s)
{
	const uint64_t sign = UINT64_C(0x8000000000000000);

	return sg_from_bits((sg_bits(a) & ~sign) | (sg_bits(s) & sign));
}

/* sqrt(x) for normal x > 0: Newton iterations on 1/sqrt from a bit guess. */
static inline double
sg_vsqrt(double x)
{
	double		hx = 0.5 * x;
	double		y = sg_from_bits(UINT64_C(0x5FE6EB50C7B537A9) - (sg_bits(x) >> 1));
	double		s;

	y = y * (1.5 - hx * y * y);
	y = y * (1.5 - hx * y * y);
	y = y * (1.5 - hx * y * y);
	y = y * (1.5 - hx * y * y);
	s = x * y;
	return s + 0.5 * y * (x - s * s);
}

/*
 * log(x) for normal x > 0: x = 2^k m with m in [√½, √2), then
 * log m = 2 atanh(s), s = (m − 1)/(m + 1), |s| < 0.172, by its series.
 */
static inline double
sg_vlog(double x)
{
	const uint64_t sqrt_half = UINT64_C(0x3FE6A09E667F3BCD);
	uint64_t	t = sg_bits(x) + (UINT64_C(0x3FF0000000000000) - sqrt_half);
	double		m = sg_from_bits((t & UINT64_C(0x000FFFFFFFFFFFFF)) + sqrt_half);
	double		k = sg_from_bits(UINT64_C(0x4330000000000000) | (t >> 52)) -
		(4503599627370496.0 + 1023.0);
	double		f = m - 1.0;
	double		s = f / (2.0 + f);
	double		z = s * s;
	double		p;

	/* Σ z^j/(2j+1), j = 0..11, by Estrin's scheme (short dependency chains) */
	{
		double		z2 = z * z,
					z4 = z2 * z2,
					z8 = z4 * z4;
		double		a0 = 1.0 + z * (1.0 / 3),
					a1 = 1.0 / 5 + z * (1.0 / 7),
					a2 = 1.0 / 9 + z * (1.0 / 11),
					a3 = 1.0 / 13 + z * (1.0 / 15),
					a4 = 1.0 / 17 + z * (1.0 / 19),
					a5 = 1.0 / 21 + z * (1.0 / 23);

		p = (a0 + z2 * a1) + z4 * (a2 + z2 * a3) + z8 * (a4 + z2 * a5);
	}
	return k * 6.93147180369123816490e-01 + (k * 1.90821492927058770002e-10 + 2.0 * s * p);
}

/* log(1 + d) for d >= 0 (finite), accurate also for tiny d. */
static inline double
sg_vlog1p(double d)
{
	double		u = 1.0 + d;

	return sg_vlog(u) - ((u - 1.0) - d) / u;
}

/* exp(x) for x in [-700, 700] (clamped there). */
static inline double
sg_vexp(double x)
{
	const double shift = 6755399441055744.0;	/* 1.5 · 2^52 */
	double		kf,
				r,
				p;
	uint64_t	kb;

	x = sg_vsel_neg(x + 700.0, -700.0, x);
	x = sg_vsel_neg(700.0 - x, 700.0, x);
	kf = x * 1.4426950408889634074 + shift;
	kb = sg_bits(kf);
	kf -= shift;
	r = x - kf * 6.93147180369123816490e-01;
	r = r - kf * 1.90821492927058770002e-10;
	/* |r| <= ln2/2: Taylor series to r^13 by Estrin's scheme */
	{
		double		r2 = r * r,
					r4 = r2 * r2,
					r8 = r4 * r4;
		double		a0 = 1.0 + r,
					a1 = 1.0 / 2 + r * (1.0 / 6),
					a2 = 1.0 / 24 + r * (1.0 / 120),
					a3 = 1.0 / 720 + r * (1.0 / 5040),
					a4 = 1.0 / 40320 + r * (1.0 / 362880),
					a5 = 1.0 / 3628800 + r * (1.0 / 39916800),
					a6 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);

		p = (a0 + r2 * a1) + r4 * (a2 + r2 * a3) +
			r8 * ((a4 + r2 * a5) + r4 * a6);
	}
	/* the low bits of kb hold k (two's complement); add the bias, shift */
	return p * sg_from_bits((kb + 1023) << 52);
}

/*
 * atan(a / b) for b > 0 (a any finite value): reduce to z = min/max of |a|
 * and b in [0, 1], then to |w| <= tan(π/12) with
 * atan z = π/6 + atan((√3 z − 1)/(z + √3)), and sum the series.
 */
static inline double
sg_vatan2p(double a, double b)
{
	const double sqrt3 = 1.73205080756887729353;
	const double tan_pi12 = 0.26794919243112270647;
	double		t = sg_vabs(a);
	double		big = b - t;	/* < 0: |a| > b, use the cotangent */
	double		num = sg_vsel_neg(big, b, t);
	double		den = sg_vsel_neg(big, t, b);
	double		mid = tan_pi12 * den - num;	/* < 0: reduce by π/6 */
	double		w = sg_vsel_neg(mid, sqrt3 * num - den, num) /
		sg_vsel_neg(mid, num + sqrt3 * den, den);
	double		z = w * w;
	double		p,
				r;

	/* Σ (−1)^j z^(j−1)/(2j+1), j = 1..12, by Estrin's scheme */
	{
		double		z2 = z * z,
					z4 = z2 * z2,
					z8 = z4 * z4;
		double		a0 = -1.0 / 3 + z * (1.0 / 5),
					a1 = -1.0 / 7 + z * (1.0 / 9),
					a2 = -1.0 / 11 + z * (1.0 / 13),
					a3 = -1.0 / 15 + z * (1.0 / 17),
					a4 = -1.0 / 19 + z * (1.0 / 21),
					a5 = -1.0 / 23 + z * (1.0 / 25);

		p = (a0 + z2 * a1) + z4 * (a2 + z2 * a3) + z8 * (a4 + z2 * a5);
	}
	r = w + w * z * p;
	r += sg_vsel_neg(mid, 0.52359877559829887308, 0.0);
	r = sg_vsel_neg(big, 1.57079632679489661923 - r, r);
	return sg_vcopysign(r, a);
}

/* |a| (floats). */
static inline float
sg_vabsf(float a)
{
	return sg_from_bitsf(sg_bitsf(a) & 0x7FFFFFFFu);
}

/* |a| with the sign of s (floats). */
static inline float
sg_vcopysignf(float a, float s)
{
	return sg_from_bitsf((sg_bitsf(a) & 0x7FFFFFFFu) | (sg_bitsf(s) & 0x80000000u));
}

/* sqrt(x) for normal x > 0 in float (Newton on 1/sqrt, then one correction). */
static inline float
sg_vsqrtf(float x)
{
	float		hx = 0.5f * x;
	float		y = sg_from_bitsf(0x5F375A86u - (sg_bitsf(x) >> 1));
	float		s;

	y = y * (1.5f - hx * y * y);
	y = y * (1.5f - hx * y * y);
	s = x * y;
	return s + 0.5f * y * (x - s * s);
}

/* atan(a / b) for b > 0 in float; the reduction of sg_vatan2p. */
static inline float
sg_vatan2pf(float a, float b)
{
	const float sqrt3 = 1.73205081f;
	float		t = sg_vabsf(a);
	float		big = b - t;
	float		num = sg_vself_neg(big, b, t);
	float		den = sg_vself_neg(big, t, b);
	float		mid = 0.267949194f * den - num;
	float		w = sg_vself_neg(mid, sqrt3 * num - den, num) /
		sg_vself_neg(mid, num + sqrt3 * den, den);
	float		z = w * w;
	float		z2 = z * z;
	float		p,
				r;

	/* Σ (−1)^j z^(j−1)/(2j+1), j = 1..6 */
	p = (-1.0f / 3 + z * (1.0f / 5)) + z2 * ((-1.0f / 7 + z * (1.0f / 9)) +
											 z2 * (-1.0f / 11 + z * (1.0f / 13)));
	r = w + w * z * p;
	r += sg_vself_neg(mid, 0.523598776f, 0.0f);
	r = sg_vself_neg(big, 1.57079633f - r, r);
	return sg_vcopysignf(r, a);
}

/*
 * log(x) for normal x > 0 in float: x = 2^k m, m in [√½, √2),
 * log m = 2 atanh(s) by its series to s^9.
 */
static inline float
sg_vlogf(float x)
{
	const uint32_t sqrt_half = 0x3F3504F3u;
	uint32_t	t = sg_bitsf(x) + (0x3F800000u - sqrt_half);
	float		m = sg_from_bitsf((t & 0x007FFFFFu) + sqrt_half);
	float		k = (float) ((int32_t) (t >> 23) - 127);
	float		f = m - 1.0f;
	float		s = f / (2.0f + f);
	float		z = s * s;
	float		p;

	{
		float		z2 = z * z;

		p = (1.0f + z * (1.0f / 3)) +
			z2 * ((1.0f / 5 + z * (1.0f / 7)) + z2 * (1.0f / 9));
	}
	return k * 0.693147182f + 2.0f * s * p;
}

/* log(1 + d) for d >= 0 in float, accurate also for tiny d. */
static inline float
sg_vlog1pf(float d)
{
	float		u = 1.0f + d;

	return sg_vlogf(u) - ((u - 1.0f) - d) / u;
}

/* exp(x) in float, x clamped to [-87, 88]. */
static inline float
sg_vexpf(float x)
{
	const float shift = 12582912.0f;	/* 1.5 · 2^23 */
	float		kf,
				r,
				p;
	uint32_t	kb;

	x = sg_vself_neg(x + 87.0f, -87.0f, x);
	x = sg_vself_neg(88.0f - x, 88.0f, x);
	kf = x * 1.44269504f + shift;
	kb = sg_bitsf(kf);
	kf -= shift;
	r = x - kf * 0.693359375f;
	r = r + kf * 2.12194440e-4f;
	/* Taylor series to r^7 by Estrin's scheme */
	{
		float		r2 = r * r,
					r4 = r2 * r2;

		p = ((1.0f + r) + r2 * (0.5f + r * (1.0f / 6))) +
			r4 * ((1.0f / 24 + r * (1.0f / 120)) + r2 * (1.0f / 720 + r * (1.0f / 5040)));
	}
	/* the low bits of kb hold k + 0x400000; rebias to 127 */
	return p * sg_from_bitsf((kb - 0x4B400000u + 127u) << 23);
}

/*
 * log2(x) for normal x > 0 in float: the reduction of sg_vlogf with the
 * series coefficients scaled by 1/ln 2.
 */
static inline float
sg_vlog2f(float x)
{
	const uint32_t sqrt_half = 0x3F3504F3u;
	const float c = 2.88539008f;	/* 2/ln 2 */
	uint32_t	t = sg_bitsf(x) + (0x3F800000u - sqrt_half);
	float		m = sg_from_bitsf((t & 0x007FFFFFu) + sqrt_half);
	float		k = (float) ((int32_t) (t >> 23) - 127);
	float		f = m - 1.0f;
	float		s = f / (2.0f + f);
	float		z = s * s;
	float		z2 = z * z;
	float		p = (c + z * (c / 3)) + z2 * ((c / 5 + z * (c / 7)) + z2 * (c / 9));

	return k + s * p;
}

/*
 * 2^x in float, x clamped to [-125, 127] (results stay normal floats):
 * 2^round(x) from the exponent bits times 2^r, |r| <= ½, by its Taylor
 * series in r ln 2 to degree 7.
 */
static inline float
sg_vexp2f(float x)
{
	const float shift = 12582912.0f;	/* 1.5 · 2^23 */
	float		kf,
				r,
				r2,
				r4,
				p;
	uint32_t	kb;

	x = sg_vself_neg(x + 125.0f, -125.0f, x);
	x = sg_vself_neg(127.0f - x, 127.0f, x);
	kf = x + shift;
	kb = sg_bitsf(kf);
	r = x - (kf - shift);
	r2 = r * r;
	r4 = r2 * r2;
	p = ((1.0f + r * 0.693147181f) + r2 * (0.240226507f + r * 0.0555041087f)) +
		r4 * ((9.61812911e-3f + r * 1.33335581e-3f) +
			  r2 * (1.54035304e-4f + r * 1.52527338e-5f));
	return p * sg_from_bitsf((kb - 0x4B400000u + 127u) << 23);
}

#endif
