/*
 * fit_internal.h — what the fitting files share: the Levenberg–Marquardt
 * solver (fit_lm.c) and the forward model of a stamp (fit_model.c).
 */
#ifndef SGLENS_FIT_INTERNAL_H
#define SGLENS_FIT_INTERNAL_H

#include "sglens/fit.h"

/* ---- Levenberg–Marquardt (fit_lm.c) ---- */

/* Residuals r[0..nr) at parameters p; false (with st set) stops the solver. */
typedef bool (*lm_residual_fn) (void *ctx, const double *p, double *r, sg_status *st);

/* Move p back into the allowed region, in place. */
typedef void (*lm_project_fn) (void *ctx, double *p);

/*
 * The fit's pixel loops, compiled twice: for AVX2 (without FMA, so nothing is
 * contracted and the bits are the same) and for plain x86-64; the loader
 * picks one for the processor (function multiversioning).  25% faster
 * lens-light subtraction (bench/RESULTS.md, "bench_subtract").
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define FIT_PIXEL_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define FIT_PIXEL_LOOP
#endif

typedef struct lm_problem
{
	int			np;				/* parameters */
	int			nr;				/* residuals */
	lm_residual_fn residual;
	lm_project_fn project;		/* may be NULL */
	void	   *ctx;
	const double *step;			/* finite-difference step per parameter */
	int			max_iterations;
	double		deadline;		/* sg_fit_clock() time to stop at; 0 = none */
	double		dchi2_tol;		/* converged when a step lowers χ² by less; 0 = the default */
	bool		cov_at_last_jacobian;	/* want_cov: from the last iteration's
										 * Jacobian (no more evaluations; p has
										 * moved by that iteration's step since) */
} lm_problem;

typedef struct lm_outcome
{
	double		chi2;			/* Σ r² at the returned p */
	int			iterations;
	int			evaluations;
	bool		converged;		/* a stationary point, not the budget, ended it */
	bool		budget;			/* stopped by the iteration or time budget */
	double	   *cov;			/* np × np (JᵀJ)⁻¹ at p, or NULL; sg_free it */
} lm_outcome;

/*
 * Minimise Σ r(p)² from p (updated in place); with want_cov, out->cov gets
 * the covariance (NULL when JᵀJ is singular).
 */
bool		lm_solve(const lm_problem *pb, double *p, bool want_cov, lm_outcome *out,
					 sg_status *st);

/* Monotonic seconds. */
double		sg_fit_clock(void);

/* LAPACK's Cholesky solve (OpenBLAS), Fortran symbol with the hidden length of uplo. */
extern void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda,
				   double *b, const int *ldb, int *info, size_t uplo_len);

/* ---- the forward model (fit_model.c) ---- */

typedef enum fit_stage
{
	FIT_LENS_LIGHT_N4,			/* lens light only, de Vaucouleurs: 3, 4, 13, 15, 16 free */
	FIT_LENS_LIGHT,				/* lens light only: params 3, 4, 13..16 free */
	FIT_FULL					/* every parameter free */
} fit_stage;

/* The linear components of the model: the Sérsic source, its knots, the lens light. */
#define FIT_COMPONENT_SOURCE 0
#define FIT_COMPONENT_KNOT(k) (1 + (k))
#define FIT_COMPONENT_LIGHT (1 + SG_FIT_MAX_KNOTS)
#define FIT_NCOMPONENTS (2 + SG_FIT_MAX_KNOTS)

typedef struct fit_model
{
	const sg_image *img;
	int			nx,
				ny,
				nb;
	size_t		npix;			/* nx × ny */
	sg_psf		psf[SG_MAX_BANDS];
	float	   *inv_sigma;		/* nb × npix: 1/σ, 0 where masked */
	float	   *data;			/* nb × npix: the pixels, 0 where masked */
	float	   *clip;			/* npix: 1, or 0 where the lens-light stage clips */
	float	   *w2;				/* npix: work space, (1/σ)² × clip of a band */
	sg_image   *shape[FIT_NCOMPONENTS];	/* nb bands each: unit-amplitude component, PSF-convolved */
	bool		shape_valid[FIT_NCOMPONENTS];	/* shape[c] is that of shape_params[c] */
	double		shape_params[FIT_NCOMPONENTS][SG_FIT_MAXPARAMS];	/* rendered at */
	double		amp[FIT_NCOMPONENTS][SG_MAX_BANDS];	/* solved amplitudes */
	int			n_knots;		/* source knots in the model */
	int			max_knots;		/* the most the fit may add */
	sg_image   *one;			/* one band: a component before convolution */
	sg_scene   *scene;			/* work scene */
	int			supersampling;
	int			max_iterations; /* over all stages of a fit */
	double		dchi2_tol;		/* each stage's convergence tolerance (lm_problem) */
	bool		light_cov;		/* fit_lens_light leaves its last stage's covariance
								 * (at its last Jacobian) in out->cov */
	fit_stage	stage;
	double		params[SG_FIT_MAXPARAMS];	/* the full vector; a stage varies a subset */
	bool		has_prior;
	double		prior_mean[SG_LENS_NPARAMS];
	double		prior_sigma[SG_LENS_NPARAMS];
	sg_fit_should_stop should_stop;
	void	   *stop_ctx;
	double		half_width;		/* arcsec, half the smaller stamp side */
	sg_image   *owned_img;		/* img when the model made it (fit_coarse.c) */
} fit_model;

/* Set up the model of img: PSFs, weights, work images; false on bad input. */
bool		fit_model_init(fit_model *fm, const sg_image *img, const sg_fit_options *opt,
						   sg_status *st);

/* Release what fit_model_init allocated. */
void		fit_model_free(fit_model *fm);

/* Parameters of the full vector: SG_FIT_NPARAMS plus those of the knots. */
int			fit_model_nparams(const fit_model *fm);

/* Indices of the parameters a stage varies; returns their count. */
int			fit_stage_params(const fit_model *fm, fit_stage stage, int *idx);

/* Residual count of a stage (pixels of all bands, plus prior rows). */
int			fit_stage_residuals(const fit_model *fm, fit_stage stage);

/*
 * Render the shapes for the full parameter vector p, solve the amplitudes,
 * and write the weighted residuals (data − model)/σ of every band (0 where
 * masked or clipped), then the prior rows when the stage is FIT_FULL.
 */
bool		fit_model_residuals(fit_model *fm, const double *p, double *r, sg_status *st);

/* Keep the full parameter vector inside the allowed region. */
void		fit_model_project(const fit_model *fm, double *p);

/* The finite-difference step of each parameter of the full vector at p. */
void		fit_model_steps(const fit_model *fm, const double *p, double *h);

/* The PSF of band b of img: the PSF image's band of that name (or its only band), else a Gaussian. */
bool		fit_band_psf(const sg_image *img, const sg_image *psf_img, int b, sg_psf *psf,
						 sg_status *st);

/* The scene of a full parameter vector with the given amplitudes (no knots). */
void		fit_params_scene(const double *p, int nb, const double *source_amp,
							 const double *light_amp, sg_scene *scene);

/* Append knots 0..n_knots of p as Gaussian sources with amplitudes amp[k] (NULL: 1). */
void		fit_knots_scene(const double *p, int n_knots, int nb,
							const double (*amp)[SG_MAX_BANDS], sg_scene *scene);

/* The lensed position (β) in the source plane of image-plane point (x, y) through p's mass. */
void		fit_trace_point(const double *p, double x, double y, double *bx, double *by);

/* ---- the 2×2-binned model of the subtraction's first round (fit_coarse.c) ---- */

/*
 * Set up coarse as fm's stamp binned 2×2, or leave it empty (img NULL) when
 * the stamp cannot be binned (odd or under 32 pixels on a side, a PSF image,
 * supersampling over 4); false only when out of memory.
 */
bool		fit_coarse_init(fit_model *coarse, const fit_model *fm, const sg_fit_options *opt,
							sg_status *st);

/* ---- stages and starting points (fit_lens.c, fit_start.c) ---- */

/*
 * Run Levenberg–Marquardt on the parameters a stage varies, from and into
 * the full vector p; out->cov (when wanted) is over those parameters.  The
 * iterations and evaluations already in out are added to, and the stage
 * stops at the fit's total iteration budget (fm->max_iterations).
 */
bool		fit_run_stage(fit_model *fm, fit_stage stage, double *p, int max_iterations,
						  double deadline, bool want_cov, lm_outcome *out, sg_status *st);

/*
 * Fit the lens light alone (p[3..4], p[13..16]) from its moments, clipping
 * positive outliers (arcs) in rounds; leaves fm->clip 0 on clipped pixels.
 * With a coarse model (fit_coarse_init; NULL or empty: none), the first
 * round fits the binned stamp; the clipping and the later rounds are fm's.
 */
bool		fit_lens_light(fit_model *fm, fit_model *coarse, double *p, double deadline,
						   lm_outcome *out, sg_status *st);

/*
 * The source's starting centre and size (p[7..12]) from the clipped arc
 * pixels traced back through the mass of p; with scan_theta_e, first choose
 * θ_E (and keep p's centre and ellipticity) where the arc pixels trace back
 * most compactly.  Returns the number of arc pixels; with none, the source
 * starts compact and just off the mass centre (θ_E unchanged).
 */
int			fit_source_start(fit_model *fm, double *p, bool scan_theta_e);

/*
 * The pixel (its position in arcsec into x, y) where the band-combined
 * weighted residuals r of the full model, summed over a 3×3 box, are most
 * positive; returns that sum's S/N (the box sum / 3).
 */
double		fit_brightest_residual(const fit_model *fm, const double *r, double *x, double *y);

#endif
