/*
 * test_fit_coarse.c — the 2×2-binned model on which the lens-light
 * subtraction runs its first round (fit_coarse.c): the binned pixels are
 * sums with the noise doubled and NaN kept, the binned model lines up with
 * the stamp in arcsec, its fit of the first round ends near the true lens
 * light, and stamps that cannot be binned get no coarse model.
 */
#include <math.h>
#include <stdlib.h>

#include "../../src/core/fit_internal.h"
#include "sglens/alloc.h"
#include "sglens/fit.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"
#include "lens_fixture.h"
#include "unit.h"

/*
 * A noisy LSST g,r,i stamp of side n of the lens light alone (noise seed),
 * and the options that give the fit its exposure times.
 */
static sg_image *
light_stamp(int n, uint64_t seed, sg_fit_options *fo)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_simulate_options o = sg_simulate_defaults();
	sg_status	st = {0};
	sg_image   *img;

	CHECK(sg_survey_preset("LSST", &sv, &st));
	CHECK(sg_survey_select_bands(&sv, "g,r,i", &st));
	fixture_scene(&sv, 99, 20.0, sc);
	for (int b = 0; b < sv.nbands; b++)
		fo->exposure[b] = sv.bands[b].exposure_time * sv.bands[b].n_exposures;
	o.size = n;
	o.seed = seed;
	img = sg_simulate(sc, &sv, &o, &st);
	CHECK(img != NULL);
	free(sc);
	return img;
}

/* χ² per unmasked pixel of m's lens-light model at p. */
static double
chi2_per_pixel(fit_model *m, const double *p)
{
	sg_status	st = {0};
	size_t		n = m->npix * m->nb,
				used = 0;
	double	   *r = malloc(n * sizeof(double)),
				chi2 = 0;

	CHECK(fit_model_residuals(m, p, r, &st));
	for (size_t i = 0; i < n; i++)
		if (m->inv_sigma[i] > 0)
		{
			chi2 += r[i] * r[i];
			used++;
		}
	free(r);
	return used ? chi2 / used : NAN;
}

/* Binned pixels, noise and geometry. */
static void
test_binned_model(void)
{
	sg_fit_options o = sg_fit_defaults();
	sg_image   *img = light_stamp(48, 5, &o);
	fit_model	fm,
				coarse;
	sg_status	st = {0};
	lm_outcome	out = {0};
	double		p[SG_FIT_MAXPARAMS] = {0},
				fine_chi2,
				coarse_chi2,
				off_chi2;
	const float *d = sg_image_band_pixels(img, 1);

	/* a masked pixel: (5, 7) of band r */
	sg_image_band_pixels(img, 1)[7 * 48 + 5] = NAN;
	o.supersampling = 2;
	CHECK(fit_model_init(&fm, img, &o, &st));
	CHECK(fit_coarse_init(&coarse, &fm, &o, &st));
	CHECK(coarse.img != NULL && coarse.nx == 24 && coarse.ny == 24 && coarse.nb == 3);
	CHECK(coarse.img->pixel_scale == 0.4 && coarse.supersampling == 4);
	CHECK(coarse.img->bands[2].noise_sigma == 2 * img->bands[2].noise_sigma);
	CHECK(fabsf(sg_image_band_pixels(coarse.img, 1)[10 * 24 + 6] -
				(d[20 * 48 + 12] + d[20 * 48 + 13] + d[21 * 48 + 12] + d[21 * 48 + 13])) < 1e-3f);
	CHECK(isnan(sg_image_band_pixels(coarse.img, 1)[3 * 24 + 2]));
	CHECK(coarse.inv_sigma[1 * coarse.npix + 3 * 24 + 2] == 0);
	CHECK(coarse.inv_sigma[0 * coarse.npix + 3 * 24 + 2] > 0);

	/*
	 * At the true lens light (lens_fixture.h) the stamp's model fits to the
	 * noise; the binned one is close (its PSF is integrated over the larger
	 * pixels, which blurs a little more), and far better than half a binned
	 * pixel off: the two grids line up in arcsec
	 */
	p[3] = fixture_truth[3];
	p[4] = fixture_truth[4];
	p[13] = 1.0;
	p[14] = 4;
	p[15] = 0.1;
	p[16] = -0.05;
	fine_chi2 = chi2_per_pixel(&fm, p);
	coarse_chi2 = chi2_per_pixel(&coarse, p);
	p[3] += 0.2;
	off_chi2 = chi2_per_pixel(&coarse, p);
	printf("lens light at the truth: chi2/pixel %.3f on the stamp, %.3f binned (%.1f half a binned pixel off)\n",
		   fine_chi2, coarse_chi2, off_chi2);
	CHECK(fine_chi2 > 0.85 && fine_chi2 < 1.15);
	CHECK(coarse_chi2 < 10 && off_chi2 > 10 * coarse_chi2);

	/*
	 * the binned fit of the first round, from a start a fine pixel off, ends
	 * near the truth — within a sixth of a fine pixel, its size smaller to
	 * make up for the extra blur — a start for the stamp's own rounds
	 */
	p[3] = fixture_truth[3] + 0.2;
	p[4] = fixture_truth[4] - 0.2;
	p[13] = 0.7;
	p[15] = p[16] = 0;
	CHECK(fit_run_stage(&coarse, FIT_LENS_LIGHT_N4, p, 40, 0, false, &out, &st));
	printf("binned first round: centre (%+.4f, %+.4f) from the truth, R %.3f, e (%.3f, %.3f), %d evaluations\n",
		   p[3] - fixture_truth[3], p[4] - fixture_truth[4], p[13], p[15], p[16], out.evaluations);
	CHECK(fabs(p[3] - fixture_truth[3]) < 0.033 && fabs(p[4] - fixture_truth[4]) < 0.033);
	CHECK(fabs(p[13] - 1.0) < 0.2 && fabs(p[15] - 0.1) < 0.02 && fabs(p[16] + 0.05) < 0.02);
	fit_model_free(&coarse);
	fit_model_free(&fm);
	sg_free(img);
}

/* Odd or small stamps, and PSF images, are fitted without a binned model. */
static void
test_not_binned(void)
{
	const int	sides[] = {47, 30};
	sg_fit_options o = sg_fit_defaults();

	o.supersampling = 1;
	for (int k = 0; k < 2; k++)
	{
		sg_image   *img = light_stamp(sides[k], 6, &o);
		fit_model	fm,
					coarse;
		sg_status	st = {0};

		CHECK(fit_model_init(&fm, img, &o, &st));
		CHECK(fit_coarse_init(&coarse, &fm, &o, &st));
		CHECK(coarse.img == NULL);
		fit_model_free(&coarse);
		fit_model_free(&fm);
		sg_free(img);
	}
}

int
main(void)
{
	test_binned_model();
	test_not_binned();
	return UNIT_REPORT("test_fit_coarse");
}
