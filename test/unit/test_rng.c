/* test_rng.c — unit tests of the random number generator and its distributions. */
#include <stdint.h>
#include <stdlib.h>

#include "sglens/rng.h"
#include "unit.h"

#define NDRAWS 1000000

/* Same seed and stream → same sequence; another stream or seed → another one. */
static void
test_determinism(void)
{
	sg_rng		a,
				b,
				c,
				d;
	int			same_ab = 1,
				diff_ac = 0,
				diff_ad = 0;

	sg_rng_seed(&a, 42, 0);
	sg_rng_seed(&b, 42, 0);
	sg_rng_seed(&c, 42, 1);
	sg_rng_seed(&d, 43, 0);
	for (int i = 0; i < 1000; i++)
	{
		uint64_t	x = sg_rng_next(&a);

		same_ab &= x == sg_rng_next(&b);
		diff_ac += x != sg_rng_next(&c);
		diff_ad += x != sg_rng_next(&d);
	}
	CHECK(same_ab);
	CHECK(diff_ac == 1000);
	CHECK(diff_ad == 1000);

	/* re-seeding forgets a cached normal deviate */
	sg_rng_seed(&a, 7, 3);
	double		first = sg_rng_normal(&a);

	sg_rng_seed(&a, 7, 3);
	CHECK(sg_rng_normal(&a) == first);
	sg_rng_seed(&b, 7, 3);
	CHECK(sg_rng_normal(&b) == first);
}

/* xoshiro256** from the state {1, 2, 3, 4}: the reference first outputs. */
static void
test_known_answer(void)
{
	sg_rng		r = {{1, 2, 3, 4}, 0, 0};

	CHECK(sg_rng_next(&r) == UINT64_C(11520));
	CHECK(sg_rng_next(&r) == UINT64_C(0));
	CHECK(sg_rng_next(&r) == UINT64_C(1509978240));
	CHECK(sg_rng_next(&r) == UINT64_C(1215971899390074240));
}

/* Streams 0 and 1 of one seed are uncorrelated (|r| < 4/sqrt(N)). */
static void
test_stream_correlation(void)
{
	sg_rng		a,
				b;
	double		sxy = 0;

	sg_rng_seed(&a, 12345, 0);
	sg_rng_seed(&b, 12345, 1);
	for (int i = 0; i < NDRAWS; i++)
		sxy += (sg_rng_uniform(&a) - 0.5) * (sg_rng_uniform(&b) - 0.5);
	CHECK(fabs(sxy / NDRAWS * 12.0) < 4.0 / sqrt(NDRAWS));
}

static void
test_uniform(void)
{
	sg_rng		r;
	double		s1 = 0,
				s2 = 0,
				lo = 1,
				hi = 0;

	sg_rng_seed(&r, 1, 0);
	for (int i = 0; i < NDRAWS; i++)
	{
		double		u = sg_rng_uniform(&r);

		s1 += u;
		s2 += (u - 0.5) * (u - 0.5);
		lo = fmin(lo, u);
		hi = fmax(hi, u);
	}
	CHECK(lo >= 0 && hi < 1);
	/* σ of the mean sqrt(1/12/N); of the variance sqrt((1/80 - 1/144)/N) */
	CHECK_CLOSE(s1 / NDRAWS, 0.5, 4 * sqrt(1.0 / 12 / NDRAWS));
	CHECK_CLOSE(s2 / NDRAWS, 1.0 / 12, 4 * sqrt((1.0 / 80 - 1.0 / 144) / NDRAWS));
	for (int i = 0; i < 1000; i++)
	{
		double		v = sg_rng_range(&r, -3, 5);

		if (!(v >= -3 && v < 5))
		{
			CHECK(v >= -3 && v < 5);
			break;
		}
	}
}

static void
test_normal(void)
{
	sg_rng		r;
	double		s1 = 0,
				s2 = 0,
				s3 = 0,
				s4 = 0;
	double		mean,
				var;

	sg_rng_seed(&r, 2, 0);
	for (int i = 0; i < NDRAWS; i++)
	{
		double		x = sg_rng_normal(&r);

		s1 += x;
		s2 += x * x;
		s3 += x * x * x;
		s4 += x * x * x * x;
	}
	mean = s1 / NDRAWS;
	var = s2 / NDRAWS - mean * mean;
	CHECK_CLOSE(mean, 0, 4 / sqrt(NDRAWS));
	CHECK_CLOSE(sqrt(var), 1, 4 * sqrt(0.5 / NDRAWS));
	CHECK_CLOSE(s3 / NDRAWS, 0, 4 * sqrt(15.0 / NDRAWS));
	/* kurtosis E[x^4] = 3, Var(x^4) = 105 - 9 */
	CHECK_CLOSE(s4 / NDRAWS, 3, 4 * sqrt(96.0 / NDRAWS));
}

/* Mean and variance of Poisson(lambda) within 4σ of their sampling errors. */
static void
check_poisson_moments(double lambda, int n, uint64_t seed)
{
	sg_rng		r;
	double		s1 = 0,
				s2 = 0;
	int			nonint = 0;

	sg_rng_seed(&r, seed, 5);
	for (int i = 0; i < n; i++)
	{
		double		k = sg_rng_poisson(&r, lambda);

		nonint += k != floor(k) || k < 0;
		s1 += k - lambda;
		s2 += (k - lambda) * (k - lambda);
	}
	CHECK(nonint == 0);
	/* Var of the sample mean λ/n; Var((k-λ)²) = μ4 - σ⁴ = λ + 2λ² */
	CHECK_CLOSE(s1 / n, 0, 4 * sqrt(lambda / n));
	CHECK_CLOSE(s2 / n, lambda, 4 * sqrt((lambda + 2 * lambda * lambda) / n));
}

static double
poisson_pmf(int k, double lambda)
{
	return exp(-lambda + k * log(lambda) - lgamma(k + 1.0));
}

#define CHI2_NBIN 400

/* Frequencies of n Poisson(lambda) draws (the last bin holds the rest). */
static void
poisson_counts(double lambda, int n, uint64_t seed, long *count)
{
	sg_rng		r;

	memset(count, 0, CHI2_NBIN * sizeof(long));
	sg_rng_seed(&r, seed, 9);
	for (int i = 0; i < n; i++)
	{
		double		k = sg_rng_poisson(&r, lambda);

		count[k < CHI2_NBIN - 1 ? (int) k : CHI2_NBIN - 1]++;
	}
}

/* One chi-square term. */
static double
chi2_term(double observed, double expected)
{
	return (observed - expected) * (observed - expected) / expected;
}

/*
 * Chi-square of Poisson(lambda) frequencies against the exact pmf: bins
 * lo..hi with expected counts >= 20, plus the two pooled tails; fails above
 * the 0.1% point (Wilson–Hilferty approximation of the chi-square quantile).
 */
static void
check_poisson_chi2(double lambda, int n, uint64_t seed)
{
	static long count[CHI2_NBIN];
	int			lo,
				hi,
				df;
	double		chi2 = 0,
				obs_below = 0,
				exp_below = 0,
				obs_above = n,
				exp_above = n,
				crit;

	poisson_counts(lambda, n, seed, count);
	for (lo = 0; n * poisson_pmf(lo, lambda) < 20; lo++)
		;
	for (hi = lo; n * poisson_pmf(hi + 1, lambda) >= 20; hi++)
		;
	CHECK(hi < CHI2_NBIN - 1);
	for (int k = 0; k <= hi; k++)
	{
		double		e = n * poisson_pmf(k, lambda);

		if (k >= lo)
			chi2 += chi2_term(count[k], e);
		else
		{
			obs_below += count[k];
			exp_below += e;
		}
		obs_above -= count[k];
		exp_above -= e;
	}
	if (lo > 0)
		chi2 += chi2_term(obs_below, exp_below);
	chi2 += chi2_term(obs_above, exp_above);
	df = (hi - lo + 1) + (lo > 0) + 1 - 1;
	crit = df * pow(1 - 2.0 / (9 * df) + 3.0902 * sqrt(2.0 / (9 * df)), 3);
	if (chi2 > crit)
		fprintf(stderr, "Poisson(%g): chi2 %.1f over %d df exceeds %.1f\n",
				lambda, chi2, df, crit);
	CHECK(chi2 <= crit);
}

static void
test_poisson(void)
{
	sg_rng		r;

	check_poisson_moments(0.5, NDRAWS, 11);
	check_poisson_moments(3, NDRAWS, 12);
	check_poisson_moments(9.99, NDRAWS, 13);
	check_poisson_moments(10, NDRAWS, 14);
	check_poisson_moments(12, NDRAWS, 15);
	check_poisson_moments(100, NDRAWS, 16);
	check_poisson_moments(1e4, NDRAWS, 17);
	check_poisson_moments(1e12, 200000, 18);
	check_poisson_chi2(3, NDRAWS, 21);
	check_poisson_chi2(0.5, NDRAWS, 22);
	check_poisson_chi2(12, NDRAWS, 23);
	check_poisson_chi2(100, NDRAWS, 24);

	sg_rng_seed(&r, 3, 0);
	CHECK(sg_rng_poisson(&r, 0) == 0);
	CHECK(isnan(sg_rng_poisson(&r, -1)));
	CHECK(isnan(sg_rng_poisson(&r, NAN)));
	CHECK(isnan(sg_rng_poisson(&r, INFINITY)));
}

int
main(void)
{
	test_determinism();
	test_known_answer();
	test_stream_correlation();
	test_uniform();
	test_normal();
	test_poisson();
	return UNIT_REPORT("rng");
}
