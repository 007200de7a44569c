/*
 * rng.h — a small, fast, deterministic random number generator
 * (xoshiro256** seeded through splitmix64) with the distributions the
 * simulator needs.  The same seed gives the same sequence on every platform.
 */
#ifndef SGLENS_RNG_H
#define SGLENS_RNG_H

#include <stdint.h>

typedef struct sg_rng
{
	uint64_t	s[4];
	double		normal_spare;	/* second deviate of the last polar-method pair */
	int			has_spare;		/* 1 when normal_spare is still unused */
} sg_rng;

/* Seed a generator; stream selects an independent sequence for the same seed. */
void		sg_rng_seed(sg_rng *rng, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t	sg_rng_next(sg_rng *rng);

/* Uniform double in [0, 1). */
double		sg_rng_uniform(sg_rng *rng);

/* Uniform double in [lo, hi). */
double		sg_rng_range(sg_rng *rng, double lo, double hi);

/* Standard normal deviate. */
double		sg_rng_normal(sg_rng *rng);

/*
 * Poisson deviate with mean lambda >= 0: multiplication method below 10,
 * Hörmann's PTRS above (exact while lambda < 2^53); NaN for a bad lambda.
 */
double		sg_rng_poisson(sg_rng *rng, double lambda);

#endif
