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

/* Width range of a source knot, arcsec. */
#define KNOT_MIN_SIGMA 0.02
#define KNOT_MAX_SIGMA 1.0

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
	o.max_knots = SG_FIT_MAX_KNOTS;
	return o;
}

int
fit_stage_params(const fit_model *fm, fit_stage stage, int *idx)
{
	int			n = 0;

	if (stage == FIT_LENS_LIGHT)
		for (size_t i = 0; i < sizeof(lens_light_params) / sizeof(int); i++)
			idx[n++] = lens_light_params[i];
	else if (stage == FIT_LENS_LIGHT_N4)
		for (size_t i = 0; i < sizeof(de_vaucouleurs_params) / sizeof(int); i++)
			idx[n++] = de_vaucouleurs_params[i];
	else
		for (int i = 0; i < fit_model_nparams(fm); i++)
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
	bool		shapes = true;

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
	fm->max_knots = opt->max_knots;
	if (opt->supersampling < 1 || opt->supersampling > 8 || opt->max_iterations < 0 ||
		!(opt->time_budget >= 0) || opt->max_knots < 0 || opt->max_knots > SG_FIT_MAX_KNOTS)
	{
		sg_fail(st, SG_ERR_VALUE, "fit options: supersampling must be 1..8, iterations and time budget >= 0, knots 0..%d",
				SG_FIT_MAX_KNOTS);
		return false;
	}
	for (int b = 0; b < fm->nb; b++)
		if (!fit_band_psf(img, opt->psf_image, b, &fm->psf[b], st))
			return false;
	fm->inv_sigma = sg_malloc(fm->npix * fm->nb * sizeof(float));
	fm->data = sg_malloc(fm->npix * fm->nb * sizeof(float));
	fm->clip = sg_malloc(fm->npix * sizeof(float));
	fm->scene = sg_malloc(sizeof(sg_scene));
	fm->w2 = sg_malloc(fm->npix * sizeof(float));
	fm->one = sg_image_new(fm->nx, fm->ny, 1, img->pixel_scale, st);
	for (int c = 0; c < FIT_NCOMPONENTS; c++)
		shapes = shapes && (fm->shape[c] = sg_image_new(fm->nx, fm->ny, fm->nb, img->pixel_scale, st)) != NULL;
	if (!fm->inv_sigma || !fm->data || !fm->clip || !fm->scene || !fm->w2 || !shapes || !fm->one)
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
	sg_free(fm->w2);
	for (int c = 0; c < FIT_NCOMPONENTS; c++)
		sg_free(fm->shape[c]);
	sg_free(fm->one);
	sg_free(fm->owned_img);
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

/* Knot k of p as a Gaussian light profile with amplitudes amp (NULL: 1). */
static sg_light_profile
knot_profile(const double *p, int k, int nb, const double *amp)
{
	const double *q = p + SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * k;
	sg_light_profile g = {.type = SG_LIGHT_GAUSSIAN, .center_x = q[0], .center_y = q[1],
	.sigma = q[2]};

	for (int b = 0; b < nb; b++)
		g.amp[b] = amp ? amp[b] : 1.0;
	return g;
}

void
fit_knots_scene(const double *p, int n_knots, int nb, const double (*amp)[SG_MAX_BANDS],
				sg_scene *scene)
{
	for (int k = 0; k < n_knots; k++)
		scene->source[scene->n_source++] = knot_profile(p, k, nb, amp ? amp[k] : NULL);
}

void
fit_trace_point(const double *p, double x, double y, double *bx, double *by)
{
	sg_scene	sc;
	double		dx = 0,
				dy = 0;

	fit_params_scene(p, 0, NULL, NULL, &sc);
	for (int k = 0; k < sc.n_mass; k++)
		sg_mass_deflection(&sc.mass[k], &x, &y, 1, &dx, &dy);
	*bx = x - dx;
	*by = y - dy;
}

int
fit_model_nparams(const fit_model *fm)
{
	return SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * fm->n_knots;
}

/* Whether component c drawn at rendered would look different at p. */
static bool
shape_stale(const fit_model *fm, int c, const double *p)
{
	const double *q = fm->shape_params[c];

	if (!fm->shape_valid[c])
		return true;
	if (c == FIT_COMPONENT_LIGHT)
		return p[3] != q[3] || p[4] != q[4] || memcmp(p + 13, q + 13, 4 * sizeof(double)) != 0;
	if (c == FIT_COMPONENT_SOURCE)
		return memcmp(p, q, 13 * sizeof(double)) != 0;
	/* a knot: the mass and its own three parameters */
	{
		int			j = SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * (c - FIT_COMPONENT_KNOT(0));

		return memcmp(p, q, SG_LENS_NPARAMS * sizeof(double)) != 0 ||
			memcmp(p + j, q + j, SG_FIT_KNOT_NPARAMS * sizeof(double)) != 0;
	}
}

/*
 * Render unit-amplitude component c at fm->params (a lensed source or knot,
 * or the lens light) into band 0 of its shape, copy it to every band and
 * convolve each with its PSF.
 */
static bool
render_component(fit_model *fm, int c, sg_status *st)
{
	sg_scene   *sc = fm->scene;
	sg_image   *shape = fm->shape[c];
	float	   *first = sg_image_band_pixels(shape, 0);
	bool		ok;

	fit_params_scene(fm->params, 1, NULL, NULL, sc);
	if (c == FIT_COMPONENT_LIGHT)
	{
		sc->n_mass = 0;
		sc->n_source = 0;
	}
	else
	{
		sc->n_lens_light = 0;
		if (c != FIT_COMPONENT_SOURCE)
			sc->source[0] = knot_profile(fm->params, c - FIT_COMPONENT_KNOT(0), 1, NULL);
	}
	fm->shape_valid[c] = false;
	ok = sg_render(sc, fm->one, fm->supersampling, st);
	if (ok)
		memcpy(first, sg_image_band_pixels(fm->one, 0), fm->npix * sizeof(float));
	for (int b = 1; ok && b < fm->nb; b++)
		memcpy(sg_image_band_pixels(shape, b), first, fm->npix * sizeof(float));
	for (int b = 0; ok && b < fm->nb; b++)
		ok = sg_psf_convolve(&fm->psf[b], shape, b, st);
	if (ok)
	{
		memcpy(fm->shape_params[c], fm->params, sizeof(fm->params));
		fm->shape_valid[c] = true;
	}
	return ok;
}

/* Partial sums per pixel loop (vectorisable without reassociating). */
#define LANES 8

/* Σ w2 a b over n pixels, in double. */
static FIT_PIXEL_LOOP double
weighted_dot(const float *w2, const float *a, const float *b, size_t n)
{
	double		acc[LANES] = {0},
				sum = 0;
	size_t		i;

	for (i = 0; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
			acc[k] += (double) w2[i + k] * a[i + k] * b[i + k];
	for (int k = 0; k < LANES; k++)
		sum += acc[k];
	for (; i < n; i++)
		sum += (double) w2[i] * a[i] * b[i];
	return sum;
}

/*
 * Σ w2 s d and Σ w2 s s (w2 = w² × clip, as solve_amplitudes forms it) in
 * one pass: the normal equation of a single component, the lens light alone.
 * The same sums in the same order as two weighted_dot calls.
 */
static FIT_PIXEL_LOOP void
single_component_sums(const float *w, const float *clip, const float *s, const float *d,
					  size_t n, double *h, double *g)
{
	double		acc_h[LANES] = {0},
				acc_g[LANES] = {0};
	size_t		i;

	*h = *g = 0;
	for (i = 0; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
		{
			float		w2 = w[i + k] * w[i + k] * clip[i + k];

			acc_h[k] += (double) w2 * s[i + k] * d[i + k];
			acc_g[k] += (double) w2 * s[i + k] * s[i + k];
		}
	for (int k = 0; k < LANES; k++)
	{
		*h += acc_h[k];
		*g += acc_g[k];
	}
	for (; i < n; i++)
	{
		float		w2 = w[i] * w[i] * clip[i];

		*h += (double) w2 * s[i] * d[i];
		*g += (double) w2 * s[i] * s[i];
	}
}

/*
 * Non-negative least squares min ‖d − Σ a_k s_k‖² over a ≥ 0 from the Gram
 * matrix G (m × m) and h = Sᵀd, m <= FIT_NCOMPONENTS: the unconstrained
 * solution on every subset of components, keeping the feasible one that
 * lowers χ² (by hᵀa) the most — the optimum is one of them.
 */
static void
nnls_small(const double *G, const double *h, int m, double *a)
{
	double		best_gain = 0;

	for (int k = 0; k < m; k++)
		a[k] = 0;
	for (int set = 1; set < (1 << m); set++)
	{
		double		A[FIT_NCOMPONENTS * FIT_NCOMPONENTS],
					x[FIT_NCOMPONENTS],
					gain = 0;
		int			idx[FIT_NCOMPONENTS],
					n = 0,
					one = 1,
					info;
		bool		feasible = true;

		for (int k = 0; k < m; k++)
			if (set & (1 << k))
				idx[n++] = k;
		for (int i = 0; i < n; i++)
		{
			x[i] = h[idx[i]];
			for (int j = 0; j < n; j++)
				A[i * n + j] = G[idx[i] * m + idx[j]];
		}
		dposv_("U", &n, &one, A, &n, x, &n, &info, 1);
		if (info != 0)
			continue;
		for (int i = 0; i < n; i++)
		{
			feasible = feasible && x[i] > 0 && isfinite(x[i]);
			gain += x[i] * h[idx[i]];
		}
		if (feasible && gain > best_gain)
		{
			best_gain = gain;
			for (int k = 0; k < m; k++)
				a[k] = 0;
			for (int i = 0; i < n; i++)
				a[idx[i]] = x[i];
		}
	}
}

/* The components a stage fits; returns their count. */
static int
stage_components(const fit_model *fm, int *comp)
{
	int			m = 0;

	if (fm->stage == FIT_FULL)
	{
		comp[m++] = FIT_COMPONENT_SOURCE;
		for (int k = 0; k < fm->n_knots; k++)
			comp[m++] = FIT_COMPONENT_KNOT(k);
	}
	comp[m++] = FIT_COMPONENT_LIGHT;
	return m;
}

/* Solve the amplitudes of band b's components comp[0..m); others are 0. */
static void
solve_amplitudes(fit_model *fm, int b, const int *comp, int m)
{
	const float *d = fm->data + (size_t) b * fm->npix,
			   *w = fm->inv_sigma + (size_t) b * fm->npix;
	const float *s[FIT_NCOMPONENTS];
	double		G[FIT_NCOMPONENTS * FIT_NCOMPONENTS],
				h[FIT_NCOMPONENTS],
				a[FIT_NCOMPONENTS];

	if (m == 1)
		single_component_sums(w, fm->clip, sg_image_band_pixels(fm->shape[comp[0]], b), d,
							  fm->npix, &h[0], &G[0]);
	else
	{
		for (size_t i = 0; i < fm->npix; i++)
			fm->w2[i] = w[i] * w[i] * fm->clip[i];
		for (int i = 0; i < m; i++)
		{
			s[i] = sg_image_band_pixels(fm->shape[comp[i]], b);
			h[i] = weighted_dot(fm->w2, s[i], d, fm->npix);
			for (int j = 0; j <= i; j++)
				G[i * m + j] = G[j * m + i] = weighted_dot(fm->w2, s[i], s[j], fm->npix);
		}
	}
	nnls_small(G, h, m, a);
	for (int c = 0; c < FIT_NCOMPONENTS; c++)
		fm->amp[c][b] = 0;
	for (int i = 0; i < m; i++)
		fm->amp[comp[i]][b] = a[i];
}

/* Weighted residuals w × clip × (d − a s) of a single component (the lens light alone). */
static FIT_PIXEL_LOOP void
single_residuals(const float *w, const float *clip, const float *d, const float *s, double a,
				 size_t n, double *r)
{
	for (size_t i = 0; i < n; i++)
		r[i] = (double) (w[i] * clip[i]) * (d[i] - a * s[i]);
}

bool
fit_model_residuals(fit_model *fm, const double *p, double *r, sg_status *st)
{
	int			comp[FIT_NCOMPONENTS],
				m;

	if (fm->should_stop && fm->should_stop(fm->stop_ctx))
	{
		sg_fail(st, SG_ERR_CANCELLED, "the fit was cancelled");
		return false;
	}
	memcpy(fm->params, p, sizeof(fm->params));
	m = stage_components(fm, comp);
	for (int i = 0; i < m; i++)
		if (shape_stale(fm, comp[i], p) && !render_component(fm, comp[i], st))
			return false;
	for (int b = 0; b < fm->nb; b++)
	{
		const float *d = fm->data + (size_t) b * fm->npix,
				   *w = fm->inv_sigma + (size_t) b * fm->npix;
		const float *s[FIT_NCOMPONENTS];
		double		a[FIT_NCOMPONENTS];
		double	   *rb = r + (size_t) b * fm->npix;

		solve_amplitudes(fm, b, comp, m);
		for (int i = 0; i < m; i++)
		{
			s[i] = sg_image_band_pixels(fm->shape[comp[i]], b);
			a[i] = fm->amp[comp[i]][b];
		}
		/*
		 * in double: a component almost outside the stamp can have a huge
		 * amplitude (the lens light alone, the common case, in a loop of its
		 * own that vectorises; the same sums)
		 */
		if (m == 1)
			single_residuals(w, fm->clip, d, s[0], a[0], fm->npix, rb);
		else
			for (size_t i = 0; i < fm->npix; i++)
			{
				double		model = 0;

				for (int k = 0; k < m; k++)
					model += a[k] * s[k][i];
				rb[i] = (double) (w[i] * fm->clip[i]) * (d[i] - model);
			}
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
	for (int k = 0; k < fm->n_knots; k++)
	{
		double	   *q = p + SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * k;

		q[0] = clamp(q[0], -hw, hw);
		q[1] = clamp(q[1], -hw, hw);
		q[2] = clamp(q[2], KNOT_MIN_SIGMA, KNOT_MAX_SIGMA);
	}
}

void
fit_model_steps(const fit_model *fm, const double *p, double *h)
{
	for (int j = 0; j < fit_model_nparams(fm); j++)
		h[j] = 1e-3;
	h[9] = 1e-3 * p[9];
	h[10] = 1e-3 * p[10];
	h[13] = 1e-3 * p[13];
	h[14] = 1e-3 * p[14];
	for (int k = 0; k < fm->n_knots; k++)
		h[SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * k + 2] = 1e-2 * p[SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * k + 2];
}
