/*
 * rng.c — xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64,
 * with uniform, normal (Marsaglia polar) and Poisson deviates (multiplication
 * method for small means, Hörmann 1993 PTRS for large ones).
 *
 * Everything is deterministic: the only state is the sg_rng struct.
 */
#include <math.h>

#include "sglens/rng.h"

/* Below this mean the Poisson sampler multiplies uniforms; above it, PTRS. */
#define POISSON_PTRS_MIN 10.0

/* splitmix64: advance *x by the golden gamma and return its mixed value. */
static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t	z;

	*x += UINT64_C(0x9E3779B97F4A7C15);
	z = *x;
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/*
 * Seed a generator.  The seed is mixed, the stream xor-ed in and the result
 * mixed again; both mixes are bijections, so for a fixed seed every stream
 * (and for a fixed stream every seed) starts from a different splitmix64
 * state.  Four consecutive splitmix64 outputs are distinct, so the state is
 * never all zero.
 */
void
sg_rng_seed(sg_rng *rng, uint64_t seed, uint64_t stream)
{
	uint64_t	x = seed;
	uint64_t	y;

	y = splitmix64(&x) ^ stream;
	x = splitmix64(&y);
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&x);
	rng->normal_spare = 0.0;
	rng->has_spare = 0;
}

/* Next 64 random bits (xoshiro256**). */
uint64_t
sg_rng_next(sg_rng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform double in [0, 1) from the top 53 bits. */
double
sg_rng_uniform(sg_rng *rng)
{
	return (double) (sg_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform double in [lo, hi). */
double
sg_rng_range(sg_rng *rng, double lo, double hi)
{
	return lo + (hi - lo) * sg_rng_uniform(rng);
}

/* Standard normal deviate (Marsaglia polar method; the pair's second value is cached). */
double
sg_rng_normal(sg_rng *rng)
{
	double		u,
				v,
				s,
				f;

	if (rng->has_spare)
	{
		rng->has_spare = 0;
		return rng->normal_spare;
	}
	do
	{
		u = 2.0 * sg_rng_uniform(rng) - 1.0;
		v = 2.0 * sg_rng_uniform(rng) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	f = sqrt(-2.0 * log(s) / s);
	rng->normal_spare = v * f;
	rng->has_spare = 1;
	return u * f;
}

/* Poisson by multiplying uniforms until the product drops to exp(-lambda). */
static double
poisson_multiply(sg_rng *rng, double lambda)
{
	double		limit = exp(-lambda);
	double		p = sg_rng_uniform(rng);
	double		k = 0;

	while (p > limit)
	{
		p *= sg_rng_uniform(rng);
		k++;
	}
	return k;
}

/*
 * log k! - ((k + 1/2) log k - k + log(2 pi)/2): the Stirling series error,
 * accurate to 1e-12 for k >= 10.
 */
static double
stirling_error(double k)
{
	double		r = 1.0 / k;
	double		r2 = r * r;

	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

/*
 * log of the Poisson probability of k for mean lambda >= 10, in a form
 * without cancellation for large lambda (Loader 2000): the
 * k log(k/lambda) + lambda - k term is computed through log1p.
 */
static double
poisson_log_pmf(double k, double lambda)
{
	static const double log_factorial[10] = {
		0.0, 0.0, 0.69314718055994531, 1.791759469228055, 3.1780538303479458,
		4.7874917427820460, 6.5792512120101010, 8.5251613610654147,
		10.604602902745251, 12.801827480081469
	};
	double		d;

	if (k < 10)
		return -lambda + k * log(lambda) - log_factorial[(int) k];
	d = k - lambda;
	return -0.5 * log(2.0 * M_PI * k) - stirling_error(k) -
		(k * log1p(d / lambda) - d);
}

/*
 * Poisson by transformed rejection with squeeze (Hörmann 1993, "The
 * transformed rejection method for generating Poisson random variables",
 * algorithm PTRS), for lambda >= 10.
 */
static double
poisson_ptrs(sg_rng *rng, double lambda)
{
	double		sl = sqrt(lambda);
	double		b = 0.931 + 2.53 * sl;
	double		a = -0.059 + 0.02483 * b;
	double		inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double		v_r = 0.9277 - 3.6224 / (b - 2.0);

	for (;;)
	{
		double		u = sg_rng_uniform(rng) - 0.5;
		double		v = sg_rng_uniform(rng);
		double		us = 0.5 - fabs(u);
		double		k = floor((2.0 * a / us + b) * u + lambda + 0.43);

		if (us >= 0.07 && v <= v_r)
			return k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		if (log(v * inv_alpha / (a / (us * us) + b)) <= poisson_log_pmf(k, lambda))
			return k;
	}
}

/* Poisson deviate with mean lambda >= 0 (NaN for a negative or non-finite mean). */
double
sg_rng_poisson(sg_rng *rng, double lambda)
{
	if (!(lambda >= 0.0) || isinf(lambda))
		return NAN;
	if (lambda == 0.0)
		return 0.0;
	if (lambda < POISSON_PTRS_MIN)
		return poisson_multiply(rng, lambda);
	return poisson_ptrs(rng, lambda);
}
