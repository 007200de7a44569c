/*
 * fit.h — lens modelling by likelihood fitting (docs/lens_model.md).
 *
 * The forward model is the simulation engine: an SIE + external shear mass,
 * one elliptical Sérsic source (plus up to SG_FIT_MAX_KNOTS compact
 * Gaussian knots for clumpy star-forming sources) and one elliptical Sérsic
 * lens light (centred on the mass), rendered with supersampling and
 * convolved with each band's PSF.  The amplitudes of every component in
 * every band are linear: they are solved by non-negative weighted least
 * squares at each step, so only the shape parameters below are searched, by
 * Levenberg–Marquardt with finite-difference derivatives.  Pixels are
 * weighted by 1/σ² with σ² = background σ² + (max(data, 0) / T) (T, the
 * exposure in seconds, only when given); NaN pixels are masked.
 *
 * A Gaussian prior on the seven lens parameters (a CNN estimate and its
 * uncertainties) enters as extra residuals.  Statistical errors are the
 * square roots of the diagonal of the covariance (JᵀJ)⁻¹ at the optimum.
 * They assume the model is right; real (and simulated) sources are
 * clumpier than a Sérsic and a few knots, which biases the lens parameters
 * by about their statistical error at high S/N.  So the quoted errors of
 * the seven lens parameters add in quadrature a model-error floor
 * (SG_FIT_FLOOR_*), calibrated on held-out simulated lenses so that the
 * quoted 1σ covers the truth 68% of the time (bench/fit_error_floor.py).
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

/*
 * Source knots: circular Gaussians in the source plane (center_x, center_y,
 * sigma), their parameters after the 17 above.  A fit adds them one at a
 * time where the residuals stay brightest, and keeps each only when it
 * lowers χ² by more than the Bayesian information criterion's penalty.
 */
#define SG_FIT_MAX_KNOTS 3
#define SG_FIT_KNOT_NPARAMS 3
#define SG_FIT_MAXPARAMS (SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS * SG_FIT_MAX_KNOTS)

/*
 * Model-error floors added in quadrature to the statistical errors of the
 * lens parameters: θ_E (a fraction of θ_E), e1 and e2, the centre (arcsec),
 * γ1 and γ2.  Calibrated with bench/fit_error_floor.py on 1,000 + 1,000
 * held-out LSST and Euclid lenses (population seeds 9201, 9202).
 */
#define SG_FIT_FLOOR_THETA_E 0.0105
#define SG_FIT_FLOOR_E 0.0145
#define SG_FIT_FLOOR_CENTER 0.00015
#define SG_FIT_FLOOR_GAMMA 0.010

/* Polled between model evaluations: return true to stop (cancel). */
typedef bool (*sg_fit_should_stop) (void *ctx);

typedef struct sg_fit_options
{
	int			supersampling;	/* 1..8 (default 2) */
	int			max_iterations; /* Levenberg–Marquardt iterations over all
								 * stages (default 400) */
	double		time_budget;	/* seconds; 0 = none */
	int			max_knots;		/* source knots the fit may add, 0..SG_FIT_MAX_KNOTS
								 * (default SG_FIT_MAX_KNOTS) */
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
	int			n_knots;		/* source knots in the model */
	int			nparams;		/* SG_FIT_NPARAMS + SG_FIT_KNOT_NPARAMS × n_knots */
	double		params[SG_FIT_MAXPARAMS];
	double		errors[SG_FIT_MAXPARAMS];	/* quoted 1σ: statistical ⊕ model-error floor
											 * (lens parameters); NaN when the covariance
											 * is singular */
	double		stat_errors[SG_FIT_MAXPARAMS];	/* statistical 1σ alone, from (JᵀJ)⁻¹ */
	int			nbands;
	double		source_amp[SG_MAX_BANDS];	/* Sérsic amp per band (flux per arcsec² at R_sersic) */
	double		knot_amp[SG_FIT_MAX_KNOTS][SG_MAX_BANDS];	/* total flux per band */
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

/*
 * Options with defaults (supersampling 2, 400 iterations, up to
 * SG_FIT_MAX_KNOTS knots, no time budget, no start, no prior).
 */
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
 * with positive outliers (arcs, neighbours) clipped in three rounds (the
 * first, before any clipping, on the stamp binned 2×2 when its sides are
 * even and at least 32 and no PSF image is given), and return img minus
 * that model (sg_malloc'd; NaN pixels stay NaN).  res (may
 * be NULL) gets the lens-light parameters in params[3..4] and [13..16], and
 * their statistical 1σ errors (from (JᵀJ)⁻¹, the clip kept; NaN when
 * singular; from the last round's own Jacobian) in errors[] and
 * stat_errors[], and in arc_snr the significance of the clipped light
 * above the fitted one, sqrt(Σ (residual/σ)²).
 */
sg_image   *sg_subtract_lens_light(const sg_image *img, const sg_fit_options *opt,
								   sg_fit_result *res, sg_status *st);

/*
 * The scene of a fit result (SIE, SHEAR, one Sérsic source and its knots,
 * one Sérsic lens light, amplitudes per band) for sg_render / simulate_lens.
 */
void		sg_fit_scene(const sg_fit_result *res, sg_scene *scene);

/*
 * The noise-free model of a scene as the stamp img sees it (its size, pixel
 * scale, bands and PSFs per opt), for residuals: img − model.
 */
sg_image   *sg_fit_render(const sg_image *img, const sg_scene *scene,
						  const sg_fit_options *opt, sg_status *st);

#endif
