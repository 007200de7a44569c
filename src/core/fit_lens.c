/*
 * fit_lens.c — the lens fit (sg_fit_lens), lens-light subtraction and the
 * rendering of fitted models: stages of Levenberg–Marquardt over subsets of
 * the parameters, the convergence verdict and the errors.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit_internal.h"
#include "sglens/alloc.h"

/* A fit only counts as converged above this source S/N and below this χ²/dof. */
#define MIN_SOURCE_SNR 8.0
#define MAX_CHI2_REDUCED 5.0
/* Iterations of each short fit that chooses the automatic start. */
#define START_ITERATIONS 12
/* A knot is tried where the residuals' 3×3-box S/N exceeds this, with at most this many iterations. */
#define KNOT_MIN_SNR 4.0
#define KNOT_ITERATIONS 100
/* From an estimate, a fit worse than this χ²/dof is tried again from the automatic start. */
#define RETRY_CHI2_REDUCED 1.5
/*
 * The lens-light subtraction stops a stage when a step lowers χ² by less
 * than this: the model is then within a small fraction of its 1σ errors,
 * and the subtracted pixels move by ~0.001σ (median; bench/RESULTS.md,
 * "bench_subtract"), while a quarter of the model evaluations are saved.
 */
#define SUBTRACT_DCHI2_TOL 0.1

typedef struct stage_ctx
{
	fit_model  *fm;
	int			idx[SG_FIT_MAXPARAMS];
	int			n;
	double		full[SG_FIT_MAXPARAMS];
} stage_ctx;

/* The full vector with a stage's parameters q put in. */
static void
expand(const stage_ctx *c, const double *q, double *full)
{
	memcpy(full, c->full, sizeof(c->full));
	for (int i = 0; i < c->n; i++)
		full[c->idx[i]] = q[i];
}

static bool
stage_residual(void *ctx, const double *q, double *r, sg_status *st)
{
	stage_ctx  *c = ctx;
	double		full[SG_FIT_MAXPARAMS];

	expand(c, q, full);
	return fit_model_residuals(c->fm, full, r, st);
}

static void
stage_project(void *ctx, double *q)
{
	stage_ctx  *c = ctx;
	double		full[SG_FIT_MAXPARAMS];

	expand(c, q, full);
	fit_model_project(c->fm, full);
	for (int i = 0; i < c->n; i++)
		q[i] = full[c->idx[i]];
}

bool
fit_run_stage(fit_model *fm, fit_stage stage, double *p, int max_iterations, double deadline,
			  bool want_cov, lm_outcome *out, sg_status *st)
{
	stage_ctx	c;
	double		q[SG_FIT_MAXPARAMS],
				h_full[SG_FIT_MAXPARAMS],
				h[SG_FIT_MAXPARAMS];
	lm_problem	pb;
	int			evaluations = out->evaluations,
				iterations = out->iterations;
	bool		ok;

	if (max_iterations > fm->max_iterations - iterations)
		max_iterations = fm->max_iterations > iterations ? fm->max_iterations - iterations : 0;
	c.fm = fm;
	c.n = fit_stage_params(fm, stage, c.idx);
	memcpy(c.full, p, sizeof(c.full));
	fm->stage = stage;
	fit_model_steps(fm, p, h_full);
	for (int i = 0; i < c.n; i++)
	{
		q[i] = p[c.idx[i]];
		h[i] = h_full[c.idx[i]];
	}
	pb = (lm_problem)
	{
		.np = c.n,.nr = fit_stage_residuals(fm, stage),.residual = stage_residual,
			.project = stage_project,.ctx = &c,.step = h,.max_iterations = max_iterations,
			.deadline = deadline,.dchi2_tol = fm->dchi2_tol,.cov_at_last_jacobian = fm->light_cov
	};
	ok = lm_solve(&pb, q, want_cov, out, st);
	out->evaluations += evaluations;
	out->iterations += iterations;
	expand(&c, q, p);
	return ok;
}

/*
 * Errors of the full vector of n parameters: statistical (square roots of
 * the covariance's diagonal), and quoted (with the model-error floors of
 * the lens parameters added in quadrature).
 */
static void
set_errors(const lm_outcome *out, int n, sg_fit_result *res)
{
	const double floor[SG_LENS_NPARAMS] = {
		SG_FIT_FLOOR_THETA_E * res->params[0], SG_FIT_FLOOR_E, SG_FIT_FLOOR_E,
		SG_FIT_FLOOR_CENTER, SG_FIT_FLOOR_CENTER, SG_FIT_FLOOR_GAMMA, SG_FIT_FLOOR_GAMMA
	};

	for (int j = 0; j < n; j++)
	{
		double		stat = out->cov && out->cov[j * n + j] >= 0 ? sqrt(out->cov[j * n + j]) : NAN;

		res->stat_errors[j] = stat;
		res->errors[j] = j < SG_LENS_NPARAMS ? hypot(stat, floor[j]) : stat;
	}
}

/* Σ of squared pixel residuals at the current model (without prior rows). */
static double
pixel_chi2(const double *r, size_t n)
{
	double		sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += r[i] * r[i];
	return sum;
}

/* Unmasked pixels of all bands. */
static int
unmasked(const fit_model *fm)
{
	int			n = 0;

	for (size_t i = 0; i < fm->npix * fm->nb; i++)
		n += fm->inv_sigma[i] > 0;
	return n;
}

/* Decide whether the fit converged; say why not in res->note. */
static void
verdict(const fit_model *fm, const lm_outcome *out, sg_fit_result *res)
{
	const char *why = NULL;

	if (!out->converged)
		why = out->budget ? "the iteration or time budget ran out" : "the optimiser stopped";
	else if (out->cov == NULL)
		why = "the parameters are degenerate (singular covariance)";
	else if (!(res->arc_snr >= MIN_SOURCE_SNR))
		why = "no significant lensed light in the model";
	else if (!(res->chi2_reduced <= MAX_CHI2_REDUCED))
		why = "the model does not describe the stamp (reduced chi2 too large)";
	else if (res->params[0] <= 0.05 * 1.001 || res->params[0] >= fm->half_width * 0.999)
		why = "theta_E ran to a bound";
	res->converged = why == NULL;
	snprintf(res->note, sizeof(res->note), "%s", why ? why : "");
}

/*
 * Short full fits (START_ITERATIONS each) from p and from p with θ_E set to
 * each of thetas[0..n) (those well inside the stamp), the source traced back
 * for each; p becomes the start with the lowest χ² (prior included).
 */
static bool
best_start(fit_model *fm, double *p, const double *thetas, int n, double deadline,
		   lm_outcome *out, sg_status *st)
{
	double		best[SG_FIT_MAXPARAMS],
				best_chi2 = INFINITY;
	float	   *clip = sg_malloc(fm->npix * sizeof(float));

	if (clip == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		return false;
	}
	memcpy(clip, fm->clip, fm->npix * sizeof(float));
	memcpy(best, p, sizeof(best));
	for (int k = -1; k < n; k++)
	{
		double		q[SG_FIT_MAXPARAMS];

		memcpy(q, p, sizeof(q));
		if (k >= 0)
		{
			if (thetas[k] >= 0.8 * fm->half_width)
				continue;
			q[0] = thetas[k];
			memcpy(fm->clip, clip, fm->npix * sizeof(float));
			fit_source_start(fm, q, false);
		}
		for (size_t i = 0; i < fm->npix; i++)
			fm->clip[i] = 1;
		if (!fit_run_stage(fm, FIT_FULL, q, START_ITERATIONS, deadline, false, out, st))
		{
			sg_free(clip);
			return false;
		}
		if (out->chi2 < best_chi2)
		{
			best_chi2 = out->chi2;
			memcpy(best, q, sizeof(best));
		}
	}
	memcpy(p, best, sizeof(best));
	sg_free(clip);
	return true;
}

static void
result_init(sg_fit_result *res, int nb)
{
	memset(res, 0, sizeof(*res));
	res->nbands = nb;
	res->nparams = SG_FIT_NPARAMS;
	for (int j = 0; j < SG_FIT_MAXPARAMS; j++)
		res->errors[j] = res->stat_errors[j] = NAN;
	res->chi2 = res->chi2_reduced = res->arc_snr = NAN;
}

/*
 * How much the lensed source improves the fit: refit the lens light alone
 * (every pixel, from the fit's lens light) and set res->arc_snr to
 * sqrt(χ²(lens light only) − χ²(full model)), the significance of the
 * lensed light that the lens light cannot take over.  r is work space for
 * the residuals; fm's shapes and amplitudes are left as the full fit's.
 */
static bool
lensed_light_significance(fit_model *fm, const double *p, double deadline, lm_outcome *out,
						  sg_fit_result *res, double *r, sg_status *st)
{
	double		q[SG_FIT_MAXPARAMS],
				chi2_light;
	lm_outcome	light = *out;
	bool		ok;

	memcpy(q, p, sizeof(q));
	light.cov = NULL;			/* out keeps the full fit's covariance */
	ok = fit_run_stage(fm, FIT_LENS_LIGHT, q, 20, deadline, false, &light, st) &&
		fit_model_residuals(fm, q, r, st);
	if (!ok)
		return false;
	chi2_light = pixel_chi2(r, fm->npix * fm->nb);
	res->arc_snr = sqrt(fmax(chi2_light - res->chi2, 0));
	out->iterations = light.iterations;
	out->evaluations = light.evaluations;
	res->iterations = out->iterations;
	res->evaluations = out->evaluations;
	/* back to the full model's shapes and amplitudes */
	fm->stage = FIT_FULL;
	return fit_model_residuals(fm, p, r, st);
}

/*
 * Fit everything at once from p (at most max_iterations), then fill res: parameters, errors,
 * amplitudes, χ², source S/N and the verdict.
 */
static bool
final_fit(fit_model *fm, double *p, int max_iterations, double deadline, lm_outcome *out,
		  sg_fit_result *res, sg_status *st)
{
	double	   *r;
	bool		ok;

	for (size_t i = 0; i < fm->npix; i++)
		fm->clip[i] = 1;
	ok = fit_run_stage(fm, FIT_FULL, p, max_iterations, deadline, true, out, st);
	r = ok ? sg_malloc(fit_stage_residuals(fm, FIT_FULL) * sizeof(double)) : NULL;
	if (ok && r == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		ok = false;
	}
	if (ok)
		ok = fit_model_residuals(fm, p, r, st);
	if (ok)
	{
		res->n_knots = fm->n_knots;
		res->nparams = fit_model_nparams(fm);
		memcpy(res->params, p, sizeof(res->params));
		set_errors(out, res->nparams, res);
		memcpy(res->source_amp, fm->amp[FIT_COMPONENT_SOURCE], sizeof(res->source_amp));
		memcpy(res->lens_light_amp, fm->amp[FIT_COMPONENT_LIGHT], sizeof(res->lens_light_amp));
		for (int k = 0; k < fm->n_knots; k++)
			memcpy(res->knot_amp[k], fm->amp[FIT_COMPONENT_KNOT(k)], sizeof(res->knot_amp[k]));
		res->chi2 = pixel_chi2(r, fm->npix * fm->nb);
		res->dof = unmasked(fm) - res->nparams - (2 + fm->n_knots) * fm->nb;
		res->chi2_reduced = res->dof > 0 ? res->chi2 / res->dof : NAN;
		res->iterations = out->iterations;
		res->evaluations = out->evaluations;
	}
	if (ok)
		ok = lensed_light_significance(fm, p, deadline, out, res, r, st);
	if (ok)
		verdict(fm, out, res);
	sg_free(out->cov);
	out->cov = NULL;
	sg_free(r);
	return ok;
}

/*
 * Add source knots to a fit that found lensed light (res, parameters p), one at a time:
 * each starts at the source-plane position of the brightest residual and
 * stays only when the refitted model lowers χ² by more than the Bayesian
 * information criterion's penalty for its parameters (position, width and
 * a flux per band) without losing convergence.  res and p become the fit
 * with the knots kept.
 */
static bool
add_knots(fit_model *fm, double *p, double deadline, lm_outcome *out, sg_fit_result *res,
		  sg_status *st)
{
	double	   *r = sg_malloc(fit_stage_residuals(fm, FIT_FULL) * sizeof(double));
	bool		ok = r != NULL;

	if (!ok)
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
	memcpy(p, res->params, SG_FIT_MAXPARAMS * sizeof(double));
	fm->n_knots = 0;
	while (ok && res->arc_snr >= MIN_SOURCE_SNR && fm->n_knots < fm->max_knots && out->iterations < fm->max_iterations &&
		   !(deadline > 0 && sg_fit_clock() > deadline))
	{
		double		q[SG_FIT_MAXPARAMS],
					x,
					y,
					penalty;
		double	   *knot = q + SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * fm->n_knots;
		sg_fit_result trial;

		fm->stage = FIT_FULL;
		if (!(ok = fit_model_residuals(fm, p, r, st)))
			break;
		if (fit_brightest_residual(fm, r, &x, &y) < KNOT_MIN_SNR)
			break;
		memcpy(q, p, sizeof(q));
		fit_trace_point(q, x, y, &knot[0], &knot[1]);
		knot[2] = fmax(0.25 * q[9], 0.03);
		fm->n_knots++;
		fit_model_project(fm, q);
		penalty = (SG_FIT_KNOT_NPARAMS + fm->nb) * log((double) unmasked(fm));
		result_init(&trial, fm->nb);
		if (!(ok = final_fit(fm, q, KNOT_ITERATIONS, deadline, out, &trial, st)))
			break;
		if (!((trial.converged || !res->converged) && trial.chi2 < res->chi2 - penalty))
		{
			fm->n_knots--;
			break;
		}
		memcpy(p, q, sizeof(q));
		*res = trial;
	}
	res->iterations = out->iterations;
	res->evaluations = out->evaluations;
	sg_free(r);
	return ok;
}

/*
 * The automatic start from the lens light in p (with fm->clip the arc
 * pixels): the light's centre and shape for the mass, θ_E by back-tracing,
 * then the best of short fits.  Returns false on error.
 */
static bool
automatic_start(fit_model *fm, double *p, double deadline, lm_outcome *out, sg_status *st)
{
	static const double thetas[] = {0.5, 0.8, 1.2, 1.8, 2.6};

	p[1] = p[15];
	p[2] = p[16];
	p[5] = p[6] = 0;
	p[0] = 1.0;
	fit_model_project(fm, p);
	fit_source_start(fm, p, true);
	return best_start(fm, p, thetas, sizeof(thetas) / sizeof(thetas[0]), deadline, out, st);
}

bool
sg_fit_lens(const sg_image *img, const sg_fit_options *opt, sg_fit_result *res, sg_status *st)
{
	fit_model	fm;
	lm_outcome	out = {0};
	double		p[SG_FIT_MAXPARAMS] = {0},
				light[SG_FIT_MAXPARAMS],
				t0 = sg_fit_clock(),
				deadline = opt->time_budget > 0 ? t0 + opt->time_budget : 0;
	float	   *clip = NULL;
	bool		ok;

	result_init(res, img->nbands);
	ok = fit_model_init(&fm, img, opt, st);
	if (ok && opt->has_start)
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
			if (!isfinite(opt->start[k]))
			{
				sg_fail(st, SG_ERR_VALUE, "the start of %s is not finite", sg_lens_param_names[k]);
				ok = false;
			}
	/* the lens light alone, with the arcs clipped */
	if (ok)
		ok = fit_lens_light(&fm, NULL, p, deadline, &out, st);
	if (ok && (clip = sg_malloc(fm.npix * sizeof(float))) == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		ok = false;
	}
	if (!ok)
		goto done;
	memcpy(light, p, sizeof(p));
	memcpy(clip, fm.clip, fm.npix * sizeof(float));
	if (opt->has_start)
	{
		/*
		 * the estimate, the source traced back through it; and, when the
		 * arcs trace back most compactly at a θ_E more than 5% away, a short
		 * fit from there too
		 */
		double		scan[SG_FIT_MAXPARAMS];

		memcpy(p, opt->start, SG_LENS_NPARAMS * sizeof(double));
		fit_model_project(&fm, p);
		memcpy(scan, p, sizeof(p));
		if (fit_source_start(&fm, scan, true) > 0 && fabs(scan[0] / p[0] - 1) > 0.05)
		{
			fit_source_start(&fm, p, false);
			ok = best_start(&fm, p, &scan[0], 1, deadline, &out, st);
		}
		else
			fit_source_start(&fm, p, false);
	}
	else
		ok = automatic_start(&fm, p, deadline, &out, st);
	if (!ok)
		goto done;
	/* the full fit decides even when no arcs stood out of the lens light (a
	 * ring hugging a bright lens hides from the clipping); from an estimate,
	 * half the remaining budget is kept for a second try */
	if (!(ok = final_fit(&fm, p, opt->has_start ? (fm.max_iterations - out.iterations) / 2 : fm.max_iterations,
						 deadline, &out, res, st)))
		goto done;
	/*
	 * a fit from the estimate that lands in a poor minimum (not converged,
	 * or a χ² that says the model misses something): try the automatic start
	 * too, and keep the better
	 */
	if (opt->has_start && (!res->converged || !(res->chi2_reduced <= RETRY_CHI2_REDUCED)) &&
		out.iterations < fm.max_iterations &&
		!(deadline > 0 && sg_fit_clock() > deadline))
	{
		sg_fit_result again;

		result_init(&again, img->nbands);
		memcpy(p, light, sizeof(p));
		memcpy(fm.clip, clip, fm.npix * sizeof(float));
		ok = automatic_start(&fm, p, deadline, &out, st) &&
			final_fit(&fm, p, fm.max_iterations, deadline, &out, &again, st);
		if (ok && (again.converged > res->converged ||
				   (again.converged == res->converged && again.chi2 < res->chi2)))
			*res = again;
		res->iterations = out.iterations;
		res->evaluations = out.evaluations;
	}
	if (ok)
		ok = add_knots(&fm, p, deadline, &out, res, st);
done:
	res->seconds = sg_fit_clock() - t0;
	sg_free(out.cov);
	sg_free(clip);
	fit_model_free(&fm);
	return ok;
}

/*
 * The lens light's statistical errors into res: the square roots of the
 * diagonal of the covariance of its last stage (out->cov, at that stage's
 * last Jacobian; fm->stage), NaN when it is singular.
 */
static void
lens_light_errors(const fit_model *fm, const lm_outcome *out, sg_fit_result *res)
{
	int			idx[SG_FIT_MAXPARAMS],
				n = fit_stage_params(fm, fm->stage, idx);

	for (int i = 0; out->cov && i < n; i++)
		res->errors[idx[i]] = res->stat_errors[idx[i]] = sqrt(out->cov[i * n + i]);
}

/*
 * The significance of what the lens-light fit clipped (the arcs, mostly):
 * sqrt(Σ ((data − light)/σ)²) over the clipped pixels of every band where
 * the light falls short.
 */
static double
clipped_significance(const fit_model *fm)
{
	double		sum = 0;

	for (int b = 0; b < fm->nb; b++)
	{
		const float *l = sg_image_band_pixels(fm->shape[FIT_COMPONENT_LIGHT], b),
				   *d = fm->data + (size_t) b * fm->npix,
				   *w = fm->inv_sigma + (size_t) b * fm->npix;

		for (size_t i = 0; i < fm->npix; i++)
		{
			double		r = (d[i] - fm->amp[FIT_COMPONENT_LIGHT][b] * l[i]) * w[i];

			if (fm->clip[i] == 0 && r > 0)
				sum += r * r;
		}
	}
	return sqrt(sum);
}

sg_image *
sg_subtract_lens_light(const sg_image *img, const sg_fit_options *opt, sg_fit_result *res,
					   sg_status *st)
{
	fit_model	fm,
				coarse = {0};
	lm_outcome	out = {0};
	double		p[SG_FIT_MAXPARAMS] = {0},
				t0 = sg_fit_clock(),
				deadline = opt->time_budget > 0 ? t0 + opt->time_budget : 0;
	sg_image   *sub = NULL;
	bool		ok;

	if (res)
		result_init(res, img->nbands);
	ok = fit_model_init(&fm, img, opt, st);
	fm.dchi2_tol = SUBTRACT_DCHI2_TOL;
	fm.light_cov = res != NULL;
	ok = ok && fit_coarse_init(&coarse, &fm, opt, st);
	if (ok && fit_lens_light(&fm, &coarse, p, deadline, &out, st))
		sub = sg_image_copy(img, st);
	for (int b = 0; sub && b < fm.nb; b++)
	{
		float	   *d = sg_image_band_pixels(sub, b);
		const float *l = sg_image_band_pixels(fm.shape[FIT_COMPONENT_LIGHT], b);

		for (size_t i = 0; i < fm.npix; i++)
			d[i] -= (float) (fm.amp[FIT_COMPONENT_LIGHT][b] * l[i]);
	}
	if (sub && res)
	{
		memcpy(res->params, p, sizeof(p));
		memcpy(res->lens_light_amp, fm.amp[FIT_COMPONENT_LIGHT], sizeof(res->lens_light_amp));
		res->iterations = out.iterations;
		res->evaluations = out.evaluations;
		res->converged = out.converged;
		res->arc_snr = clipped_significance(&fm);
		lens_light_errors(&fm, &out, res);
		res->seconds = sg_fit_clock() - t0;
	}
	sg_free(out.cov);
	fit_model_free(&coarse);
	fit_model_free(&fm);
	return sub;
}

void
sg_fit_scene(const sg_fit_result *res, sg_scene *scene)
{
	fit_params_scene(res->params, res->nbands, res->source_amp, res->lens_light_amp, scene);
	fit_knots_scene(res->params, res->n_knots, res->nbands,
					(const double (*)[SG_MAX_BANDS]) res->knot_amp, scene);
}

sg_image *
sg_fit_render(const sg_image *img, const sg_scene *scene, const sg_fit_options *opt,
			  sg_status *st)
{
	sg_image   *model = sg_image_new(img->nx, img->ny, img->nbands, img->pixel_scale, st);

	if (model == NULL)
		return NULL;
	memcpy(model->bands, img->bands, img->nbands * sizeof(sg_band));
	model->flags = img->flags;
	model->ra = img->ra;
	model->dec = img->dec;
	if (!sg_render(scene, model, opt->supersampling, st))
		goto fail;
	for (int b = 0; b < img->nbands; b++)
	{
		sg_psf		psf;

		if (!fit_band_psf(img, opt->psf_image, b, &psf, st) || !sg_psf_convolve(&psf, model, b, st))
			goto fail;
	}
	return model;
fail:
	sg_free(model);
	return NULL;
}
