/*
 * fit.h — lens modelling by likelihood fitting (docs/lens_model.md).
 *
 * The forward model is the simulation engine: an SIE + external shear mass,
 * one elliptical Sérsic source and one elliptical Sérsic lens light
 * (centred on the mass), rendered with supersampling and convolved with each
 * band's PSF.  The amplitudes of the source and of the lens light in every
 * band are linear: they are solved by (non-negative) weighted least squares
 * at each step, so only the 17 shape parameters below are searched, by
 * Levenberg–Marquardt with finite-difference derivatives.  Pixels are
 * weighted by 1/σ² with σ² = background σ² + (max(data, 0) / T) (T, the
 * exposure in seconds, only when given); NaN pixels are masked.
 *
 * A Gaussian prior on the seven lens parameters (a CNN estimate and its
 * uncertainties) enters as extra residuals.  Errors are the square roots of
 * the diagonal of the covariance (JᵀJ)⁻¹ at the optimum.
 */
#ifndef SGLENS_FIT_H
#define SGLENS_FIT_H

#include <stdbool.h>

#include "sglens/dataset.h"
#include "sglens/image.h"
#include "sglens/psf.h"
#include "sglens/render.h"
#include "sglens/status.h"

/*
 * The searched parameters: the seven lens parameters (SG_LENS_NPARAMS, in
 * dataset.h's order), then the source (center_x, center_y, R_sersic,
 * n_sersic, e1, e2) and the lens light (R_sersic, n_sersic, e1, e2); the
 * lens light shares the mass centre.
 */
#define SG_FIT_NPARAMS 17
extern const char *const sg_fit_param_names[SG_FIT_NPARAMS];

/* Polled between model evaluations: return true to stop (cancel). */
typedef bool (*sg_fit_should_stop) (void *ctx);

typedef struct sg_fit_options
{
	int			supersampling;	/* 1..8 (default 2) */
	int			max_iterations; /* Levenberg–Marquardt iterations over all
								 * stages (default 400) */
	double		time_budget;	/* seconds; 0 = none */
	const sg_image *psf_image;	/* pixelised PSF (one band for all, or bands
								 * by name) at the stamp's scale; NULL = a
								 * Gaussian of each band's psf_fwhm */
	double		exposure[SG_MAX_BANDS];	/* seconds per band for the Poisson
										 * term; 0 = background σ only */
	bool		has_start;		/* start the lens parameters at start[] */
	double		start[SG_LENS_NPARAMS];
	bool		has_prior;		/* a Gaussian prior on the lens parameters */
	double		prior_mean[SG_LENS_NPARAMS];
	double		prior_sigma[SG_LENS_NPARAMS];
	sg_fit_should_stop should_stop;
	void	   *stop_ctx;
} sg_fit_options;

typedef struct sg_fit_result
{
	double		params[SG_FIT_NPARAMS];
	double		errors[SG_FIT_NPARAMS];	/* 1σ; NaN when the covariance is singular */
	int			nbands;
	double		source_amp[SG_MAX_BANDS];	/* Sérsic amp per band (flux per arcsec² at R_sersic) */
	double		lens_light_amp[SG_MAX_BANDS];
	double		chi2;			/* Σ of squared pixel residuals (without the prior) */
	int			dof;			/* unmasked pixels − free parameters */
	double		chi2_reduced;
	double		arc_snr;		/* significance of the lensed light:
								 * sqrt(χ²(lens light alone, refitted) − χ²) */
	int			iterations;
	int			evaluations;	/* model evaluations */
	double		seconds;
	bool		converged;
	char		note[128];		/* why not converged ("" when converged) */
} sg_fit_result;

/* Options with defaults (supersampling 2, 400 iterations, no time budget, no start, no prior). */
sg_fit_options sg_fit_defaults(void);

/*
 * Fit the lens model to every band of img.  Starts from opt->start (the
 * source then found by tracing the arc pixels back to the source plane), or
 * from an automatic start: the lens light fitted with the arcs masked, θ_E
 * chosen where the arc pixels trace back most compactly.  Failure (false) is
 * for bad input (no PSF for a band, too small a stamp, bad options) or a
 * cancel; a fit that does not converge, or finds no lensed light, returns
 * true with res->converged false and res->note saying why.
 */
bool		sg_fit_lens(const sg_image *img, const sg_fit_options *opt,
						sg_fit_result *res, sg_status *st);

/*
 * Fit an elliptical Sérsic lens light (shared shape, an amplitude per band)
 * with positive outliers (arcs, neighbours) clipped in three rounds, and
 * return img minus that model (sg_malloc'd; NaN pixels stay NaN).  res (may
 * be NULL) gets the lens-light parameters in params[3..4] and [13..16].
 */
sg_image   *sg_subtract_lens_light(const sg_image *img, const sg_fit_options *opt,
								   sg_fit_result *res, sg_status *st);

/*
 * The scene of a fit result (SIE, SHEAR, one Sérsic source, one Sérsic lens
 * light, amplitudes per band) for sg_render / simulate_lens.
 */
void		sg_fit_scene(const sg_fit_result *res, sg_scene *scene);

/*
 * The noise-free model of a scene as the stamp img sees it (its size, pixel
 * scale, bands and PSFs per opt), for residuals: img − model.
 */
sg_image   *sg_fit_render(const sg_image *img, const sg_scene *scene,
						  const sg_fit_options *opt, sg_status *st);

#endif
