/*
 * fit_model.c — the forward model of a stamp for likelihood fitting: unit-
 * amplitude source and lens-light shapes rendered with the simulation
 * engine and convolved with each band's PSF, amplitudes solved by
 * non-negative weighted least squares, weighted residuals and prior rows.
 */
#include <math.h>
#include <string.h>

#include "fit_internal.h"
#include "sglens/alloc.h"
#include "sglens/nn_input.h"

const char *const sg_fit_param_names[SG_FIT_NPARAMS] = {
	"theta_E", "e1", "e2", "center_x", "center_y", "gamma1", "gamma2",
	"source_center_x", "source_center_y", "source_R_sersic", "source_n_sersic",
	"source_e1", "source_e2",
	"lens_light_R_sersic", "lens_light_n_sersic", "lens_light_e1", "lens_light_e2"
};

/* Parameters each stage varies. */
static const int lens_light_params[] = {3, 4, 13, 14, 15, 16};
static const int de_vaucouleurs_params[] = {3, 4, 13, 15, 16};

sg_fit_options
sg_fit_defaults(void)
{
	sg_fit_options o;

	memset(&o, 0, sizeof(o));
	o.supersampling = 2;
	o.max_iterations = 400;
	return o;
}

int
fit_stage_params(fit_stage stage, int *idx)
{
	int			n = 0;

	if (stage == FIT_LENS_LIGHT)
		for (size_t i = 0; i < sizeof(lens_light_params) / sizeof(int); i++)
			idx[n++] = lens_light_params[i];
	else if (stage == FIT_LENS_LIGHT_N4)
		for (size_t i = 0; i < sizeof(de_vaucouleurs_params) / sizeof(int); i++)
			idx[n++] = de_vaucouleurs_params[i];
	else
		for (int i = 0; i < SG_FIT_NPARAMS; i++)
			idx[n++] = i;
	return n;
}

int
fit_stage_residuals(const fit_model *fm, fit_stage stage)
{
	int			n = (int) (fm->npix * fm->nb);

	return stage == FIT_FULL && fm->has_prior ? n + SG_LENS_NPARAMS : n;
}

bool
fit_band_psf(const sg_image *img, const sg_image *psf_img, int b, sg_psf *psf, sg_status *st)
{
	const char *name = img->bands[b].name;

	memset(psf, 0, sizeof(*psf));
	if (psf_img)
		return sg_psf_from_image(psf_img, name, img->pixel_scale, "stamp", psf, st);
	if (!(img->bands[b].psf_fwhm > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "band \"%s\" has no PSF: its psf_fwhm is unknown and no PSF image was given",
				name);
		sg_fail_detail(st, "Set it with sg_set_band(img, band, psf_fwhm => ...) or pass a PSF image.");
		return false;
	}
	psf->type = SG_PSF_GAUSSIAN;
	psf->fwhm = img->bands[b].psf_fwhm;
	return sg_psf_check(psf, st);
}

/* 1/σ per pixel of band b: background σ (metadata or robust) and the Poisson term. */
static bool
band_weights(fit_model *fm, int b, double exposure, sg_status *st)
{
	const float *d = sg_image_band_pixels(fm->img, b);
	float	   *w = fm->inv_sigma + (size_t) b * fm->npix;
	double		sigma = fm->img->bands[b].noise_sigma;

	if (!(sigma > 0 && isfinite(sigma)))
		sigma = sg_nn_robust_sigma(fm->img, b);
	if (!(sigma > 0 && isfinite(sigma)))
	{
		sg_fail(st, SG_ERR_VALUE, "band \"%s\" has no usable noise level (blank or constant border); set its noise sigma with sg_set_band",
				fm->img->bands[b].name);
		return false;
	}
	for (size_t i = 0; i < fm->npix; i++)
	{
		double		var = sigma * sigma;

		fm->data[(size_t) b * fm->npix + i] = isnan(d[i]) ? 0.0f : d[i];
		if (isnan(d[i]))
		{
			w[i] = 0;
			continue;
		}
		if (exposure > 0 && d[i] > 0)
			var += d[i] / exposure;
		w[i] = (float) (1.0 / sqrt(var));
	}
	return true;
}

bool
fit_model_init(fit_model *fm, const sg_image *img, const sg_fit_options *opt, sg_status *st)
{
	memset(fm, 0, sizeof(*fm));
	fm->img = img;
	fm->nx = img->nx;
	fm->ny = img->ny;
	fm->nb = img->nbands;
	fm->npix = (size_t) img->nx * img->ny;
	fm->supersampling = opt->supersampling;
	fm->max_iterations = opt->max_iterations;
	fm->half_width = 0.5 * img->pixel_scale * (img->nx < img->ny ? img->nx : img->ny);
	fm->should_stop = opt->should_stop;
	fm->stop_ctx = opt->stop_ctx;
	if (img->nx < 16 || img->ny < 16)
	{
		sg_fail(st, SG_ERR_VALUE, "a stamp of %dx%d pixels is too small to fit; at least 16x16 is needed",
				img->nx, img->ny);
		return false;
	}
	if (opt->supersampling < 1 || opt->supersampling > 8 || opt->max_iterations < 0 ||
		!(opt->time_budget >= 0))
	{
		sg_fail(st, SG_ERR_VALUE, "fit options: supersampling must be 1..8, iterations and time budget >= 0");
		return false;
	}
	for (int b = 0; b < fm->nb; b++)
		if (!fit_band_psf(img, opt->psf_image, b, &fm->psf[b], st))
			return false;
	fm->inv_sigma = sg_malloc(fm->npix * fm->nb * sizeof(float));
	fm->data = sg_malloc(fm->npix * fm->nb * sizeof(float));
	fm->clip = sg_malloc(fm->npix * sizeof(float));
	fm->scene = sg_malloc(sizeof(sg_scene));
	fm->source_shape = sg_image_new(fm->nx, fm->ny, fm->nb, img->pixel_scale, st);
	fm->light_shape = sg_image_new(fm->nx, fm->ny, fm->nb, img->pixel_scale, st);
	fm->one = sg_image_new(fm->nx, fm->ny, 1, img->pixel_scale, st);
	if (!fm->inv_sigma || !fm->data || !fm->clip || !fm->scene || !fm->source_shape || !fm->light_shape ||
		!fm->one)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		return false;
	}
	for (size_t i = 0; i < fm->npix; i++)
		fm->clip[i] = 1;
	for (int b = 0; b < fm->nb; b++)
		if (!band_weights(fm, b, opt->exposure[b], st))
			return false;
	fm->has_prior = opt->has_prior;
	if (opt->has_prior)
	{
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
			if (!(opt->prior_sigma[k] > 0) || !isfinite(opt->prior_mean[k]))
			{
				sg_fail(st, SG_ERR_VALUE, "prior of %s: the mean must be finite and sigma > 0",
						sg_lens_param_names[k]);
				return false;
			}
		memcpy(fm->prior_mean, opt->prior_mean, sizeof(fm->prior_mean));
		memcpy(fm->prior_sigma, opt->prior_sigma, sizeof(fm->prior_sigma));
	}
	return true;
}

void
fit_model_free(fit_model *fm)
{
	sg_free(fm->inv_sigma);
	sg_free(fm->data);
	sg_free(fm->clip);
	sg_free(fm->scene);
	sg_free(fm->source_shape);
	sg_free(fm->light_shape);
	sg_free(fm->one);
	memset(fm, 0, sizeof(*fm));
}

void
fit_params_scene(const double *p, int nb, const double *source_amp, const double *light_amp,
				 sg_scene *scene)
{
	sg_mass_profile *sie = &scene->mass[0],
			   *shear = &scene->mass[1];
	sg_light_profile *src = &scene->source[0],
			   *ll = &scene->lens_light[0];

	scene->n_mass = 2;
	scene->n_source = 1;
	scene->n_lens_light = 1;
	*sie = (sg_mass_profile) {.type = SG_MASS_SIE, .theta_e = p[0], .e1 = p[1], .e2 = p[2],
	.center_x = p[3], .center_y = p[4]};
	*shear = (sg_mass_profile) {.type = SG_MASS_SHEAR, .gamma1 = p[5], .gamma2 = p[6]};
	*src = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .center_x = p[7], .center_y = p[8],
	.r_sersic = p[9], .n_sersic = p[10], .e1 = p[11], .e2 = p[12]};
	/* the lens light shares the mass centre */
	*ll = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .center_x = p[3], .center_y = p[4],
	.r_sersic = p[13], .n_sersic = p[14], .e1 = p[15], .e2 = p[16]};
	for (int b = 0; b < nb; b++)
	{
		src->amp[b] = source_amp ? source_amp[b] : 1.0;
		ll->amp[b] = light_amp ? light_amp[b] : 1.0;
	}
}

/*
 * Render one unit-amplitude component of the scene (the source through the
 * mass, or the lens light) into band 0 of shape, copy it to every band and
 * convolve each with its PSF.
 */
static bool
render_shape(fit_model *fm, bool source, sg_image *shape, sg_status *st)
{
	sg_scene   *sc = fm->scene;
	float	   *first = sg_image_band_pixels(shape, 0);
	bool		ok;

	fit_params_scene(fm->params, 1, NULL, NULL, sc);
	if (source)
		sc->n_lens_light = 0;
	else
	{
		sc->n_mass = 0;
		sc->n_source = 0;
	}
	ok = sg_render(sc, fm->one, fm->supersampling, st);
	if (ok)
		memcpy(first, sg_image_band_pixels(fm->one, 0), fm->npix * sizeof(float));
	for (int b = 1; ok && b < fm->nb; b++)
		memcpy(sg_image_band_pixels(shape, b), first, fm->npix * sizeof(float));
	for (int b = 0; ok && b < fm->nb; b++)
		ok = sg_psf_convolve(&fm->psf[b], shape, b, st);
	return ok;
}

/* Partial sums per pixel loop (vectorisable without reassociating). */
#define LANES 8

/* Non-negative weighted least squares for the two amplitudes of band b. */
static void
solve_amplitudes(fit_model *fm, int b, bool with_source)
{
	const float *d = fm->data + (size_t) b * fm->npix,
			   *s = sg_image_band_pixels(fm->source_shape, b),
			   *l = sg_image_band_pixels(fm->light_shape, b),
			   *w = fm->inv_sigma + (size_t) b * fm->npix;
	float		on = with_source ? 1.0f : 0.0f;
	double		acc[5][LANES] = {{0}},
				sum[5] = {0},
				ss,
				sl,
				ll,
				sd,
				ld,
				det,
				a = 0,
				c = 0;
	size_t		n = fm->npix,
				i;

	/* weighted sums in LANES independent partial sums (vectorisable); masked
	 * pixels have weight 0 and data 0 */
	for (i = 0; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
		{
			double		w2 = (double) (w[i + k] * w[i + k] * fm->clip[i + k]);
			double		si = (double) (on * s[i + k]),
						li = l[i + k],
						di = d[i + k];

			acc[0][k] += w2 * si * si;
			acc[1][k] += w2 * si * li;
			acc[2][k] += w2 * li * li;
			acc[3][k] += w2 * si * di;
			acc[4][k] += w2 * li * di;
		}
	for (int j = 0; j < 5; j++)
		for (int k = 0; k < LANES; k++)
			sum[j] += acc[j][k];
	for (; i < n; i++)
	{
		double		w2 = (double) (w[i] * w[i] * fm->clip[i]);
		double		si = (double) (on * s[i]);

		sum[0] += w2 * si * si;
		sum[1] += w2 * si * l[i];
		sum[2] += w2 * (double) l[i] * l[i];
		sum[3] += w2 * si * d[i];
		sum[4] += w2 * (double) l[i] * d[i];
	}
	ss = sum[0];
	sl = sum[1];
	ll = sum[2];
	sd = sum[3];
	ld = sum[4];
	det = ss * ll - sl * sl;
	if (with_source && det > 1e-12 * ss * ll && ss > 0 && ll > 0)
	{
		a = (sd * ll - ld * sl) / det;
		c = (ld * ss - sd * sl) / det;
	}
	if (!(a > 0 && c > 0))
	{
		/* the best fit with one component, whichever does better */
		double		a1 = ss > 0 ? fmax(sd / ss, 0) : 0,
					c1 = ll > 0 ? fmax(ld / ll, 0) : 0;
		double		gain_a = a1 * sd,
					gain_c = c1 * ld;

		if (!(a > 0) && !(c > 0))
		{
			a = gain_a > gain_c ? a1 : 0;
			c = gain_a > gain_c ? 0 : c1;
		}
		else if (!(a > 0))
		{
			a = 0;
			c = c1;
		}
		else
		{
			a = a1;
			c = 0;
		}
	}
	fm->source_amp[b] = a;
	fm->light_amp[b] = c;
}

/* Whether the lens-light parameters of p differ from those rendered last. */
static bool
light_changed(const double *p, const double *rendered)
{
	return p[3] != rendered[3] || p[4] != rendered[4] || p[13] != rendered[13] ||
		p[14] != rendered[14] || p[15] != rendered[15] || p[16] != rendered[16];
}

bool
fit_model_residuals(fit_model *fm, const double *p, double *r, sg_status *st)
{
	bool		with_source = fm->stage == FIT_FULL;
	bool		light = !fm->light_valid || light_changed(p, fm->params);

	if (fm->should_stop && fm->should_stop(fm->stop_ctx))
	{
		sg_fail(st, SG_ERR_CANCELLED, "the fit was cancelled");
		return false;
	}
	memcpy(fm->params, p, sizeof(fm->params));
	fm->light_valid = fm->light_valid && !light;
	if (with_source && !render_shape(fm, true, fm->source_shape, st))
		return false;
	if (light && !render_shape(fm, false, fm->light_shape, st))
		return false;
	fm->light_valid = true;
	for (int b = 0; b < fm->nb; b++)
	{
		const float *d = fm->data + (size_t) b * fm->npix,
				   *s = sg_image_band_pixels(fm->source_shape, b),
				   *l = sg_image_band_pixels(fm->light_shape, b),
				   *w = fm->inv_sigma + (size_t) b * fm->npix;
		double	   *rb = r + (size_t) b * fm->npix;
		double		sa,
					la;

		solve_amplitudes(fm, b, with_source);
		sa = with_source ? fm->source_amp[b] : 0.0;
		la = fm->light_amp[b];
		/* in double: a component almost outside the stamp can have a huge amplitude */
		for (size_t i = 0; i < fm->npix; i++)
			rb[i] = (double) (w[i] * fm->clip[i]) * (d[i] - la * l[i] - sa * s[i]);
	}
	if (fm->stage == FIT_FULL && fm->has_prior)
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
			r[fm->npix * fm->nb + k] = (p[k] - fm->prior_mean[k]) / fm->prior_sigma[k];
	return true;
}

/* Scale an ellipticity back inside |e| <= emax. */
static void
clamp_ellipticity(double *e1, double *e2, double emax)
{
	double		e = hypot(*e1, *e2);

	if (!isfinite(e))
		*e1 = *e2 = 0;
	else if (e > emax)
	{
		*e1 *= emax / e;
		*e2 *= emax / e;
	}
}

static double
clamp(double v, double lo, double hi)
{
	return isnan(v) ? lo : fmin(fmax(v, lo), hi);
}

void
fit_model_project(const fit_model *fm, double *p)
{
	double		hw = fm->half_width;

	p[0] = clamp(p[0], 0.05, hw);
	clamp_ellipticity(&p[1], &p[2], 0.8);
	p[3] = clamp(p[3], -0.5 * hw, 0.5 * hw);
	p[4] = clamp(p[4], -0.5 * hw, 0.5 * hw);
	clamp_ellipticity(&p[5], &p[6], 0.3);
	p[7] = clamp(p[7], -hw, hw);
	p[8] = clamp(p[8], -hw, hw);
	p[9] = clamp(p[9], 0.02, 2.0);
	p[10] = clamp(p[10], 0.3, 6.0);
	clamp_ellipticity(&p[11], &p[12], 0.8);
	p[13] = clamp(p[13], 0.05, 2 * hw);
	p[14] = clamp(p[14], 0.5, 8.0);
	clamp_ellipticity(&p[15], &p[16], 0.8);
}

void
fit_model_steps(const double *p, double *h)
{
	for (int j = 0; j < SG_FIT_NPARAMS; j++)
		h[j] = 1e-3;
	h[9] = 1e-3 * p[9];
	h[10] = 1e-3 * p[10];
	h[13] = 1e-3 * p[13];
	h[14] = 1e-3 * p[14];
}
