/* test_noise.c — unit tests of the survey noise model against its analytic variance. */
#include "sglens/alloc.h"
#include "sglens/noise.h"
#include "unit.h"

#define SIDE 512

/* LSST-like: zp 28.36, sky 21.2 mag/arcsec², 184 × 30 s, read noise 9 e-, 0.2". */
static const sg_noise_model lsst = {28.36, 21.2, 30.0, 184, 9.0};
/* Euclid-VIS-like: zp 25.6, sky 22.35, 4 × 565 s, read noise 4.4 e-, 0.1". */
static const sg_noise_model euclid = {25.6, 22.35, 565.0, 4, 4.4};

/* A one-band SIDE × SIDE image of constant value v. */
static sg_image *
flat_image(double scale, float v)
{
	sg_status	st;
	sg_image   *img;
	float	   *p;

	sg_status_clear(&st);
	img = sg_image_new(SIDE, SIDE, 1, scale, &st);
	p = sg_image_band_pixels(img, 0);
	for (int i = 0; i < SIDE * SIDE; i++)
		p[i] = v;
	return img;
}

/* Mean and variance of band 0. */
static void
band_stats(const sg_image *img, double *mean, double *var)
{
	const float *p = sg_image_band_pixels(img, 0);
	size_t		n = (size_t) img->nx * img->ny;
	double		s1 = 0,
				s2 = 0;

	for (size_t i = 0; i < n; i++)
		s1 += p[i];
	*mean = s1 / n;
	for (size_t i = 0; i < n; i++)
		s2 += (p[i] - *mean) * (p[i] - *mean);
	*var = s2 / (n - 1);
}

/* The documented σ formula, written out independently. */
static double
expected_sigma(const sg_noise_model *m, double scale)
{
	double		sky = pow(10, -0.4 * (m->sky_mag - m->zeropoint)) * scale * scale;
	double		t = m->exposure_time * m->n_exposures;

	return sqrt(sky * t + m->n_exposures * m->read_noise * m->read_noise) / t;
}

/* Blank sky: per-pixel σ matches sg_noise_sky_sigma within 2%, mean ≈ 0. */
static void
check_blank_sky(const sg_noise_model *m, double scale, uint64_t seed)
{
	sg_image   *img = flat_image(scale, 0.0f);
	sg_status	st;
	sg_rng		rng;
	double		sigma = sg_noise_sky_sigma(m, scale);
	double		mean,
				var;

	CHECK_CLOSE(sigma / expected_sigma(m, scale), 1.0, 1e-12);
	sg_status_clear(&st);
	sg_rng_seed(&rng, seed, 0);
	CHECK(sg_noise_add(m, img, 0, &rng, &st));
	band_stats(img, &mean, &var);
	CHECK_CLOSE(sqrt(var) / sigma, 1.0, 0.02);
	CHECK_CLOSE(mean, 0.0, 5 * sigma / SIDE);
	CHECK(img->bands[0].noise_sigma == sigma);
	sg_free(img);
}

static void
test_blank_sky(void)
{
	/* hand-computed σ: LSST sky 29.2 e-/s/px, T 5520 s → 0.0760 e-/s */
	CHECK_CLOSE(sg_noise_sky_sigma(&lsst, 0.2), 0.0760, 0.0005);
	/* Euclid sky 0.1995 e-/s/px, T 2260 s → 0.01017 e-/s */
	CHECK_CLOSE(sg_noise_sky_sigma(&euclid, 0.1), 0.01017, 0.00005);
	check_blank_sky(&lsst, 0.2, 1);
	check_blank_sky(&euclid, 0.1, 2);
}

/* A bright flat source: mean S, variance σ_sky² + S/T. */
static void
check_bright(const sg_noise_model *m, double scale, double s)
{
	sg_image   *img = flat_image(scale, (float) s);
	sg_status	st;
	sg_rng		rng;
	double		sigma = sg_noise_sky_sigma(m, scale);
	double		t = m->exposure_time * m->n_exposures;
	double		want = sigma * sigma + s / t;
	double		mean,
				var;

	sg_status_clear(&st);
	sg_rng_seed(&rng, 77, 1);
	CHECK(sg_noise_add(m, img, 0, &rng, &st));
	band_stats(img, &mean, &var);
	CHECK_CLOSE(var / want, 1.0, 0.02);
	CHECK_CLOSE(mean, s, 5 * sqrt(want) / SIDE);
	sg_free(img);
}

static void
test_bright_source(void)
{
	check_bright(&lsst, 0.2, 100.0);
	check_bright(&lsst, 0.2, 3.0);
	check_bright(&euclid, 0.1, 50.0);
	/* a negative signal adds no photon noise and keeps its mean */
	{
		sg_image   *img = flat_image(0.1, -0.05f);
		sg_status	st;
		sg_rng		rng;
		double		mean,
					var,
					sigma = sg_noise_sky_sigma(&euclid, 0.1);

		sg_status_clear(&st);
		sg_rng_seed(&rng, 3, 3);
		sg_noise_add(&euclid, img, 0, &rng, &st);
		band_stats(img, &mean, &var);
		CHECK_CLOSE(sqrt(var) / sigma, 1.0, 0.02);
		CHECK_CLOSE(mean, -0.05, 5 * sigma / SIDE);
		sg_free(img);
	}
}

/* Same seed → identical bytes; another seed → other bytes; NaN stays NaN. */
static void
test_determinism(void)
{
	sg_status	st;
	sg_image   *a = sg_image_new(64, 48, 2, 0.2, &st);
	sg_image   *b,
			   *c;
	sg_rng		ra,
				rb,
				rc;

	sg_status_clear(&st);
	sg_image_set_band_name(a, 0, "g", &st);
	sg_image_set_band_name(a, 1, "r", &st);
	for (int i = 0; i < 64 * 48; i++)
		sg_image_band_pixels(a, 1)[i] = (float) (i % 17);
	sg_image_band_pixels(a, 1)[100] = NAN;
	b = sg_image_copy(a, &st);
	c = sg_image_copy(a, &st);
	sg_rng_seed(&ra, 2024, 4);
	sg_rng_seed(&rb, 2024, 4);
	sg_rng_seed(&rc, 2024, 5);
	CHECK(sg_noise_add(&lsst, a, 1, &ra, &st));
	CHECK(sg_noise_add(&lsst, b, 1, &rb, &st));
	CHECK(sg_noise_add(&lsst, c, 1, &rc, &st));
	CHECK(sg_image_equal(a, b));
	CHECK(!sg_image_equal(a, c));
	CHECK(isnan(sg_image_band_pixels(a, 1)[100]));
	CHECK(sg_image_band_pixels(a, 0)[5] == 0.0f);	/* other band untouched */
	CHECK(isnan(a->bands[0].noise_sigma));
	CHECK(a->bands[1].noise_sigma == sg_noise_sky_sigma(&lsst, 0.2));
	CHECK(sg_image_check_header(a, sg_image_size(a), true, &st));
	sg_free(a);
	sg_free(b);
	sg_free(c);
}

static void
expect_fails(sg_noise_model m, const char *text)
{
	sg_status	st;

	sg_status_clear(&st);
	CHECK(!sg_noise_check(&m, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, text);
}

static void
test_bad_params(void)
{
	sg_status	st;
	sg_image   *img = flat_image(0.2, 0.0f);
	sg_rng		rng;

	expect_fails((sg_noise_model) {NAN, 21, 30, 1, 9}, "zeropoint");
	expect_fails((sg_noise_model) {28, INFINITY, 30, 1, 9}, "sky_mag");
	expect_fails((sg_noise_model) {28, -1e4, 30, 1, 9}, "sky_mag");
	expect_fails((sg_noise_model) {28, 21, 0, 1, 9}, "exposure_time");
	expect_fails((sg_noise_model) {28, 21, NAN, 1, 9}, "exposure_time");
	expect_fails((sg_noise_model) {28, 21, 30, 0, 9}, "n_exposures");
	expect_fails((sg_noise_model) {28, 21, 30, 1, -1}, "read_noise");
	expect_fails((sg_noise_model) {28, 21, 30, 1, NAN}, "read_noise");

	sg_status_clear(&st);
	CHECK(sg_noise_check(&lsst, &st));
	CHECK(sg_noise_check(&(sg_noise_model) {28, 21, 30, 1, 0}, &st));
	sg_rng_seed(&rng, 1, 1);
	CHECK(!sg_noise_add(&(sg_noise_model) {28, 21, 30, 0, 9}, img, 0, &rng, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "n_exposures");
	sg_status_clear(&st);
	CHECK(!sg_noise_add(&lsst, img, 1, &rng, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "band index 1");
	sg_free(img);
}

int
main(void)
{
	test_blank_sky();
	test_bright_source();
	test_determinism();
	test_bad_params();
	return UNIT_REPORT("noise");
}
