/*
 * test_fit.c — lens modelling by likelihood fitting (fit.h): recovery of
 * known lenses from simulated stamps, from a start and from the automatic
 * start, the prior, error calibration over noise realisations, source knots, lens-light
 * subtraction, and the clear failures (no PSF, no arcs, pure noise).
 */
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/nn_predict.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"
#include "lens_fixture.h"
#include "unit.h"

#define truth fixture_truth

/* The reference lens (lens_fixture.h) in survey sv's bands. */
static void
make_scene(const sg_survey *sv, double m_src, double m_light, sg_scene *sc)
{
	fixture_scene(sv, m_src, m_light, sc);
}

/* A noisy 48×48 LSST g,r,i stamp of the scene (noise seed). */
static sg_image *
make_stamp(const sg_scene *sc, const sg_survey *sv, uint64_t seed)
{
	sg_simulate_options o = sg_simulate_defaults();
	sg_status	st = {0};
	sg_image   *img;

	o.size = 48;
	o.seed = seed;
	img = sg_simulate(sc, sv, &o, &st);
	CHECK(img != NULL);
	return img;
}

static void
lsst(sg_survey *sv)
{
	sg_status	st = {0};

	CHECK(sg_survey_preset("LSST", sv, &st));
	CHECK(sg_survey_select_bands(sv, "g,r,i", &st));
}

/* From a start near the truth, and from the automatic start: θ_E to 1%. */
static void
test_recovery(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_image   *img;
	sg_fit_options o = sg_fit_defaults();
	sg_fit_result res;
	sg_status	st = {0};

	lsst(&sv);
	make_scene(&sv, 21.5, 19.5, sc);
	img = make_stamp(sc, &sv, 7);
	o.has_start = true;
	memcpy(o.start, truth, sizeof(truth));
	o.start[0] *= 1.1;
	o.start[1] -= 0.05;
	o.start[3] += 0.1;
	o.start[5] += 0.03;
	CHECK(sg_fit_lens(img, &o, &res, &st));
	printf("fit from a start: theta_E %.4f ± %.4f (truth %.2f), e1 %.3f ± %.3f, chi2/dof %.3f, "
		   "%d iterations, %d evaluations, %.3f s, source S/N %.0f %s\n",
		   res.params[0], res.errors[0], truth[0], res.params[1], res.errors[1], res.chi2_reduced,
		   res.iterations, res.evaluations, res.seconds, res.arc_snr, res.note);
	CHECK(res.converged);
	CHECK(fabs(res.params[0] / truth[0] - 1) < 0.01);
	CHECK(fabs(res.params[0] - truth[0]) < 5 * res.errors[0]);
	CHECK(res.chi2_reduced > 0.8 && res.chi2_reduced < 1.2);
	for (int k = 1; k < SG_LENS_NPARAMS; k++)
		CHECK(fabs(res.params[k] - truth[k]) < 0.03);
	o.has_start = false;
	CHECK(sg_fit_lens(img, &o, &res, &st));
	printf("fit from the automatic start: theta_E %.4f ± %.4f, chi2/dof %.3f, %d iterations, %.3f s %s\n",
		   res.params[0], res.errors[0], res.chi2_reduced, res.iterations, res.seconds, res.note);
	CHECK(res.converged);
	CHECK(fabs(res.params[0] / truth[0] - 1) < 0.01);
	sg_free(img);
	free(sc);
}

/* A tight prior pulls the answer to it; a loose one does not. */
static void
test_prior(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_image   *img;
	sg_fit_options o = sg_fit_defaults();
	sg_fit_result loose,
				tight;
	sg_status	st = {0};

	lsst(&sv);
	make_scene(&sv, 22.5, 19.5, sc);
	img = make_stamp(sc, &sv, 8);
	o.has_start = o.has_prior = true;
	memcpy(o.start, truth, sizeof(truth));
	memcpy(o.prior_mean, truth, sizeof(truth));
	o.prior_mean[0] = 1.3;
	for (int k = 0; k < SG_LENS_NPARAMS; k++)
		o.prior_sigma[k] = 1.0;
	CHECK(sg_fit_lens(img, &o, &loose, &st));
	o.prior_sigma[0] = 1e-5;
	CHECK(sg_fit_lens(img, &o, &tight, &st));
	CHECK(fabs(loose.params[0] - truth[0]) < 0.02);
	CHECK(fabs(tight.params[0] - 1.3) < 1e-3);
	CHECK(tight.stat_errors[0] < 1.1e-5);
	/* the quoted error adds the model-error floor in quadrature */
	CHECK(fabs(tight.errors[0] - hypot(tight.stat_errors[0], SG_FIT_FLOOR_THETA_E * tight.params[0])) < 1e-12);
	CHECK(fabs(tight.errors[5] - hypot(tight.stat_errors[5], SG_FIT_FLOOR_GAMMA)) < 1e-12);
	CHECK(tight.errors[9] == tight.stat_errors[9]);
	o.prior_sigma[0] = 0;
	CHECK(!sg_fit_lens(img, &o, &tight, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "prior of theta_E");
	sg_free(img);
	free(sc);
}

/*
 * A source with a bright compact knot: the fit adds knots, lowering χ² by
 * more than the information criterion's penalty, one source component
 * sits on the knot, the fitted scene carries the knots, and without knots
 * θ_E is worse.
 */
static void
test_source_knots(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_scene   *fitted = malloc(sizeof(sg_scene));
	sg_image   *img;
	sg_fit_options o = sg_fit_defaults();
	sg_fit_result with,
				without;
	sg_status	st = {0};
	const double knot_x = 0.22,
				knot_y = 0.02;
	bool		near;

	lsst(&sv);
	make_scene(&sv, 23.5, 19.5, sc);
	/* 40% of the source's flux in a Gaussian knot 0.12" from its centre */
	sc->source[1] = sc->source[0];
	sc->source[1].type = SG_LIGHT_GAUSSIAN;
	sc->source[1].sigma = 0.04;
	sc->source[1].center_x = knot_x;
	sc->source[1].center_y = knot_y;
	for (int b = 0; b < sv.nbands; b++)
	{
		sc->source[1].amp[b] = 0.4 * sg_light_total_flux(&sc->source[0], b);
		sc->source[0].amp[b] *= 0.6;
	}
	sc->n_source = 2;
	img = make_stamp(sc, &sv, 21);
	o.has_start = true;
	memcpy(o.start, truth, sizeof(truth));
	CHECK(sg_fit_lens(img, &o, &with, &st) && with.converged);
	o.max_knots = 0;
	CHECK(sg_fit_lens(img, &o, &without, &st) && without.converged);
	printf("source knot: %d knot(s) added, chi2 %.1f vs %.1f without; theta_E %.4f vs %.4f (truth %.2f)\n",
		   with.n_knots, with.chi2, without.chi2, with.params[0], without.params[0], truth[0]);
	CHECK(without.n_knots == 0 && without.nparams == SG_FIT_NPARAMS);
	CHECK(with.n_knots >= 1 && with.nparams == SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * with.n_knots);
	CHECK(with.chi2 < without.chi2 - (SG_FIT_KNOT_NPARAMS + sv.nbands) * log(3.0 * 48 * 48));
	/* the compact knot is one of the source's components (the Sérsic may take it, a knot the rest) */
	sg_fit_scene(&with, fitted);
	near = false;
	for (int k = 0; k < fitted->n_source; k++)
		near = near || hypot(fitted->source[k].center_x - knot_x, fitted->source[k].center_y - knot_y) < 0.05;
	CHECK(near);
	CHECK(fabs(with.params[0] - truth[0]) <= fabs(without.params[0] - truth[0]));
	CHECK(isfinite(with.errors[SG_FIT_NPARAMS]) && with.knot_amp[0][1] > 0);
	CHECK(fitted->n_source == 1 + with.n_knots && fitted->source[1].type == SG_LIGHT_GAUSSIAN);
	CHECK(fitted->source[1].amp[1] == with.knot_amp[0][1]);
	o.max_knots = SG_FIT_MAX_KNOTS + 1;
	CHECK(!sg_fit_lens(img, &o, &with, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "knots");
	sg_free(img);
	free(sc);
	free(fitted);
}

/* Over noise realisations (the model right) the statistical 1σ errors describe the scatter. */
static void
test_error_calibration(void)
{
	enum
	{
		N = 12
	};
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_fit_options o = sg_fit_defaults();
	double		pull2 = 0;
	int			inside = 0;

	lsst(&sv);
	make_scene(&sv, 22.5, 19.5, sc);
	o.has_start = true;
	memcpy(o.start, truth, sizeof(truth));
	for (int i = 0; i < N; i++)
	{
		sg_image   *img = make_stamp(sc, &sv, 100 + i);
		sg_fit_result res;
		sg_status	st = {0};
		double		pull;

		CHECK(sg_fit_lens(img, &o, &res, &st) && res.converged);
		pull = (res.params[0] - truth[0]) / res.stat_errors[0];
		pull2 += pull * pull / N;
		inside += fabs(pull) < 1;
		sg_free(img);
	}
	printf("theta_E pulls over %d noise realisations: rms %.2f, %d within 1 sigma\n", N,
		   sqrt(pull2), inside);
	CHECK(sqrt(pull2) > 0.5 && sqrt(pull2) < 1.6);
	free(sc);
}

/*
 * Lens light only: subtracting the fitted light leaves noise, the clipped
 * light is not significant, and the fit finds no arcs; with arcs, the
 * clipped light is.
 */
static void
test_lens_light(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_image   *img,
			   *sub;
	sg_fit_options o = sg_fit_defaults();
	sg_fit_result res;
	sg_status	st = {0};
	double		chi2 = 0,
				no_arcs;
	size_t		n = 0;

	lsst(&sv);
	make_scene(&sv, 99, 19.0, sc);
	img = make_stamp(sc, &sv, 9);
	sub = sg_subtract_lens_light(img, &o, &res, &st);
	CHECK(sub != NULL);
	if (sub)
		for (int b = 0; b < sub->nbands; b++)
			for (size_t i = 0; i < (size_t) sub->nx * sub->ny; i++)
			{
				double		z = sg_image_band_pixels(sub, b)[i] / sub->bands[b].noise_sigma;

				chi2 += z * z;
				n++;
			}
	printf("lens light subtracted: residual chi2/pixel %.3f, R_sersic %.3f (truth 1.0), n %.2f (truth 4)\n",
		   chi2 / n, res.params[13], res.params[14]);
	CHECK(chi2 / n > 0.9 && chi2 / n < 1.15);
	CHECK(fabs(res.params[13] - 1.0) < 0.1 && fabs(res.params[14] - 4) < 0.4);
	CHECK(fabs(res.params[3] - truth[3]) < 0.02);
	/* (the binned first round's clip takes some of a bright light's wings) */
	printf("clipped light's significance: %.1f without arcs\n", res.arc_snr);
	CHECK(res.arc_snr >= 0 && res.arc_snr < 100);
	no_arcs = res.arc_snr;
	CHECK(sg_fit_lens(img, &o, &res, &st));
	CHECK(!res.converged);
	printf("no arcs: %s\n", res.note);
	CHECK(strstr(res.note, "lensed light") != NULL);
	sg_free(sub);
	sg_free(img);
	/*
	 * with arcs, the clipped light's significance is theirs: the order of the
	 * full fit's (which refits the light on every pixel, so that the light
	 * takes some of the arcs' flux, and comes out lower)
	 */
	{
		sg_fit_result full;

		make_scene(&sv, 23.0, 19.0, sc);
		img = make_stamp(sc, &sv, 9);
		sub = sg_subtract_lens_light(img, &o, &res, &st);
		CHECK(sub != NULL && sg_fit_lens(img, &o, &full, &st) && full.converged);
		printf("with arcs: clipped light's significance %.1f, the full fit's arc_snr %.1f\n",
			   res.arc_snr, full.arc_snr);
		CHECK(res.arc_snr > 10 * no_arcs && res.arc_snr > full.arc_snr && res.arc_snr < 2 * full.arc_snr);
		sg_free(sub);
		sg_free(img);
	}
	free(sc);
}

/*
 * The lens light's statistical errors from sg_subtract_lens_light describe
 * its scatter over noise realisations (the model right: a de Vaucouleurs
 * light and no arcs); the lens parameters get none.
 */
static void
test_lens_light_errors(void)
{
	enum
	{
		N = 16
	};
	static const int light_params[] = {3, 4, 15, 16};
	const double light_truth[] = {truth[3], truth[4], 0.1, -0.05};
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_fit_options o = sg_fit_defaults();
	double		pull2 = 0;

	lsst(&sv);
	make_scene(&sv, 99, 19.5, sc);
	for (int i = 0; i < N; i++)
	{
		sg_image   *img = make_stamp(sc, &sv, 300 + i),
				   *sub;
		sg_fit_result res;
		sg_status	st = {0};

		sub = sg_subtract_lens_light(img, &o, &res, &st);
		CHECK(sub != NULL);
		CHECK(isnan(res.errors[0]) && isnan(res.stat_errors[SG_LENS_NPARAMS - 1]));
		for (int k = 0; k < 4; k++)
		{
			double		s = res.stat_errors[light_params[k]],
						pull = (res.params[light_params[k]] - light_truth[k]) / s;

			CHECK(s > 0 && isfinite(s) && res.errors[light_params[k]] == s);
			pull2 += pull * pull / (4 * N);
		}
		sg_free(sub);
		sg_free(img);
	}
	printf("lens light x, y, e1, e2 pulls over %d noise realisations: rms %.2f\n", N, sqrt(pull2));
	CHECK(sqrt(pull2) > 0.6 && sqrt(pull2) < 1.5);
	free(sc);
}

/*
 * A modeller that never sees the lens light takes the fitted light's centre
 * and ellipticity as a second measurement: the best linear unbiased mean of
 * the two, the ellipticity's errors correlated, the light's centre error
 * growing with its arc_snr and as θ_E shrinks; θ_E and the shear stay the
 * network's, and any
 * other model is untouched.
 */
static void
test_light_prior(void)
{
	sg_nn_info	info = {.pixel_scale = 0.2,.norm = SG_NN_NORM_SUBTRACTED};
	sg_fit_result light = {.nbands = 1,.arc_snr = 300};
	const double net_mean[SG_LENS_NPARAMS] = {1.2, 0.1, -0.02, 0.05, -0.03, 0.01, 0.02};
	const double net_sigma[SG_LENS_NPARAMS] = {0.06, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03};
	double		mean[SG_LENS_NPARAMS],
				sigma[SG_LENS_NPARAMS],
				t_e = hypot(0.002, SG_NN_LIGHT_E_SCATTER),
				t_c = sqrt(0.0004 * 0.0004 + (SG_NN_LIGHT_CENTER_FLOOR * SG_NN_LIGHT_CENTER_FLOOR +
										  pow(SG_NN_LIGHT_CENTER_PX_PER_SNR * 300 * 0.2, 2)) / (1.2 * 1.2));

	light.params[15] = 0.2;
	light.params[16] = 0.0;
	light.params[3] = 0.0;
	light.params[4] = 0.01;
	light.stat_errors[15] = light.stat_errors[16] = 0.002;
	light.stat_errors[3] = light.stat_errors[4] = 0.0004;
	CHECK(fabs(sg_nn_light_sigma(&light, 1, 0.2, 1.2) - t_e) < 1e-15);
	CHECK(fabs(sg_nn_light_sigma(&light, 3, 0.2, 1.2) - t_c) < 1e-15);
	/* arcs closer to the galaxy: a wider centre, down to SG_NN_LIGHT_THETA_MIN */
	CHECK(sg_nn_light_sigma(&light, 3, 0.2, 0.5) > t_c);
	CHECK(sg_nn_light_sigma(&light, 3, 0.2, 0.01) == sg_nn_light_sigma(&light, 3, 0.2, SG_NN_LIGHT_THETA_MIN));
	CHECK(sg_nn_light_sigma(&light, 1, 0.2, 0.5) == t_e);
	memcpy(mean, net_mean, sizeof(mean));
	memcpy(sigma, net_sigma, sizeof(sigma));
	sg_nn_add_lens_light(&info, &light, mean, sigma);
	for (int k = 1; k <= 4; k++)
	{
		/* two measurements with covariance [[s², c], [c, t²]] */
		double		v = light.params[k <= 2 ? 14 + k : k],
					s2 = net_sigma[k] * net_sigma[k],
					t = k <= 2 ? t_e : t_c,
					c = k <= 2 ? SG_NN_LIGHT_E_CORRELATION * net_sigma[k] * t : 0,
					d = s2 + t * t - 2 * c;

		CHECK(fabs(mean[k] - ((t * t - c) * net_mean[k] + (s2 - c) * v) / d) < 1e-12);
		CHECK(fabs(sigma[k] - sqrt((s2 * t * t - c * c) / d)) < 1e-12);
		/* the mean lies between the two, and is surer than either */
		CHECK((mean[k] - net_mean[k]) * (mean[k] - v) <= 0);
		CHECK(sigma[k] < fmin(net_sigma[k], t));
	}
	/* the centre is then nearly the light's, the ellipticity halfway */
	CHECK(fabs(mean[3] - 0.0) < 0.002 && fabs(mean[1] - 0.15) < 0.01);
	CHECK(mean[0] == net_mean[0] && sigma[0] == net_sigma[0]);
	CHECK(mean[5] == net_mean[5] && mean[6] == net_mean[6] && sigma[6] == net_sigma[6]);
	/* brighter arcs: the light's centre counts for less */
	{
		sg_fit_result bright = light;
		double		m2[SG_LENS_NPARAMS],
					s2[SG_LENS_NPARAMS];

		bright.arc_snr = 3000;
		memcpy(m2, net_mean, sizeof(m2));
		memcpy(s2, net_sigma, sizeof(s2));
		sg_nn_add_lens_light(&info, &bright, m2, s2);
		CHECK(fabs(m2[3] - net_mean[3]) < fabs(mean[3] - net_mean[3]) && s2[3] > sigma[3]);
	}
	/* a network much less sure than the light: the light's alone, never beyond it */
	{
		double		m2[SG_LENS_NPARAMS],
					s2[SG_LENS_NPARAMS];

		memcpy(m2, net_mean, sizeof(m2));
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
			s2[k] = 1.0;
		sg_nn_add_lens_light(&info, &light, m2, s2);
		CHECK(fabs(m2[1] - light.params[15]) < 1e-12 && fabs(s2[1] - t_e) < 1e-12);
	}
	/* a model that sees the lens light, no light, or a light without errors: untouched */
	for (int c = 0; c < 3; c++)
	{
		sg_nn_info	other = info;
		sg_fit_result l = light;

		if (c == 0)
			other.norm = SG_NN_NORM_NOISE;
		else if (c == 1)
			l.nbands = 0;
		else
			l.stat_errors[3] = l.stat_errors[4] = l.stat_errors[15] = l.stat_errors[16] = NAN;
		memcpy(mean, net_mean, sizeof(mean));
		memcpy(sigma, net_sigma, sizeof(sigma));
		sg_nn_add_lens_light(&other, &l, mean, sigma);
		CHECK(memcmp(mean, net_mean, sizeof(mean)) == 0 && memcmp(sigma, net_sigma, sizeof(sigma)) == 0);
	}
}

/*
 * A model trained on stamps without their lens light (normalisation code
 * SG_NN_NORM_SUBTRACTED) sees exactly its crop with the lens light fitted
 * there subtracted, noise-normalised; one taking the lens marker too
 * (SG_NN_NORM_MARKED) sees those planes, then a peak of 10 at the fitted lens
 * light's centre falling to nothing at the edges.
 */
static void
test_subtracted_input(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_image   *img,
			   *sub;
	sg_fit_options o = sg_fit_defaults();
	sg_nn_info	info;
	sg_status	st = {0};
	float	   *a = malloc(3 * 32 * 32 * sizeof(float)),
			   *b = malloc(3 * 32 * 32 * sizeof(float)),
			   *c = malloc(3 * 32 * 32 * sizeof(float)),
			   *marked = malloc(4 * 32 * 32 * sizeof(float));
	sg_image   *crop;
	int			peak = 0;
	double		fwhm;

	lsst(&sv);
	make_scene(&sv, 22.5, 19.5, sc);
	img = make_stamp(sc, &sv, 11);
	memset(&info, 0, sizeof(info));
	info.task = SG_NN_TASK_REGRESSION;
	strcpy(info.name, "t");
	info.nbands = 3;
	strcpy(info.bands[0], "g");
	strcpy(info.bands[1], "r");
	strcpy(info.bands[2], "i");
	info.pixel_scale = 0.2;
	info.norm = SG_NN_NORM_SUBTRACTED;
	CHECK(sg_nn_prepare_input(img, &info, 32, a, &st));
	o.supersampling = 1;
	crop = sg_image_crop_center(img, 32, 32, &st);
	sub = crop ? sg_subtract_lens_light(crop, &o, NULL, &st) : NULL;
	info.norm = SG_NN_NORM_NOISE;
	CHECK(sub && sg_nn_prepare_input(sub, &info, 32, b, &st));
	CHECK(sg_nn_prepare_input(img, &info, 32, c, &st));
	CHECK(memcmp(a, b, 3 * 32 * 32 * sizeof(float)) == 0);
	info.norm = SG_NN_NORM_MARKED;
	CHECK(sg_nn_input_planes(&info) == 4);
	CHECK(sg_nn_prepare_input(img, &info, 32, marked, &st));
	CHECK(memcmp(marked, a, 3 * 32 * 32 * sizeof(float)) == 0);
	/* the lens is at the stamp centre (between pixels 15 and 16): the marker
	 * peaks there near 10 and is nothing at the corners */
	for (int i = 0; i < 32 * 32; i++)
		if (marked[3 * 32 * 32 + i] > marked[3 * 32 * 32 + peak])
			peak = i;
	printf("lens marker: peak %.3f at (%d, %d), corner %.2g\n", marked[3 * 32 * 32 + peak],
		   peak % 32, peak / 32, marked[3 * 32 * 32]);
	CHECK(peak % 32 >= 15 && peak % 32 <= 16 && peak / 32 >= 15 && peak / 32 <= 16);
	CHECK(marked[3 * 32 * 32 + peak] > 8.5f && marked[3 * 32 * 32 + peak] <= 10.0f);
	CHECK(marked[3 * 32 * 32] < 1e-6f);
	/* the lens light is gone: at the centre less than 5% of it is left (inputs
	 * are 10 asinh(x / 10) of the S/N x) */
	CHECK(fabs(sinh(a[16 * 32 + 16] / 10.0)) < 0.05 * sinh(c[16 * 32 + 16] / 10.0));
	/* no PSF, no subtraction */
	info.norm = SG_NN_NORM_SUBTRACTED;
	fwhm = img->bands[0].psf_fwhm;
	img->bands[0].psf_fwhm = NAN;
	CHECK(!sg_nn_prepare_input(img, &info, 32, a, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "has no PSF");
	info.norm = SG_NN_NORM_MARKED;
	CHECK(!sg_nn_prepare_input(img, &info, 32, marked, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "has no PSF");
	/* ... unless a PSF image is given, as lens_model's psf argument does */
	{
		sg_image   *psf = sg_image_new(15, 15, 1, 0.2, &st);
		double		s = fwhm / 0.2 / 2.3548;
		sg_fit_options with_psf = sg_fit_defaults();

		for (int y = 0; psf && y < 15; y++)
			for (int x = 0; x < 15; x++)
				sg_image_band_pixels(psf, 0)[y * 15 + x] =
					(float) exp(-((x - 7) * (x - 7) + (y - 7) * (y - 7)) / (2 * s * s));
		with_psf.psf_image = psf;
		CHECK(psf && sg_nn_prepare_input_fit(img, &info, 32, &with_psf, marked, NULL, &st));
		/* the lens light is still taken out */
		CHECK(fabs(sinh(marked[16 * 32 + 16] / 10.0)) < 0.05 * sinh(c[16 * 32 + 16] / 10.0));
		sg_free(psf);
	}
	sg_free(crop);
	sg_free(sub);
	sg_free(img);
	free(sc);
	free(a);
	free(b);
	free(c);
	free(marked);
}

/* Pure noise, and a stamp without PSF information. */
static void
test_bad_input(void)
{
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	sg_image   *img;
	sg_fit_options o = sg_fit_defaults();
	sg_fit_result res;
	sg_status	st = {0};

	lsst(&sv);
	memset(sc, 0, sizeof(*sc));
	img = make_stamp(sc, &sv, 10);
	CHECK(sg_fit_lens(img, &o, &res, &st));
	CHECK(!res.converged);
	printf("pure noise: %s\n", res.note);
	img->bands[1].psf_fwhm = NAN;
	CHECK(!sg_fit_lens(img, &o, &res, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "band \"r\" has no PSF");
	sg_free(img);
	free(sc);
}

int
main(void)
{
	test_recovery();
	test_prior();
	test_error_calibration();
	test_source_knots();
	test_lens_light();
	test_lens_light_errors();
	test_light_prior();
	test_subtracted_input();
	test_bad_input();
	return UNIT_REPORT("test_fit");
}
