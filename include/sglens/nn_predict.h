/*
 * nn_predict.h — the lens parameters a modeller network predicts for a
 * prepared input: a mean and a 1σ uncertainty per parameter (dataset.h's
 * SG_LENS_NPARAMS, in its order).
 */
#ifndef SGLENS_NN_PREDICT_H
#define SGLENS_NN_PREDICT_H

#include "sglens/dataset.h"
#include "sglens/fit.h"
#include "sglens/nn.h"

/*
 * The fitted lens light as a measurement of the mass (sg_nn_add_lens_light).
 * Ellipticity: the scatter, per component, of the mass ellipticity about the
 * light's, as in the simulated populations (axis ratio ± 0.08, angle ± 0.17
 * rad; sampler.c), and the correlation of the light's error with the
 * network's (the network also reads the galaxy's shape, from what the
 * subtraction leaves).  Centre: where the light's fitted centre lies about
 * the mass's (the populations put the mass centre at the light's; the
 * fit's statistical error is ten times too small, as it draws the Sérsic
 * without supersampling): a floor in arcseconds and a term in pixels per
 * unit of the light's arc_snr (bright arcs that the clipping misses pull
 * the fitted centre), both for θ_E = 1″ and growing as 1/θ_E (arcs close to
 * the galaxy pull it more), θ_E being the network's, at least
 * SG_NN_LIGHT_THETA_MIN.  Measured by bench/light_floor.py on the
 * calibration lenses of the shipped subtraction modellers (make
 * modellers-light-floor; bench/RESULTS.md).
 */
#define SG_NN_LIGHT_E_SCATTER 0.05
#define SG_NN_LIGHT_E_CORRELATION 0.42
#define SG_NN_LIGHT_CENTER_FLOOR 0.002
#define SG_NN_LIGHT_CENTER_PX_PER_SNR 1.5e-4
#define SG_NN_LIGHT_THETA_MIN 0.2

/*
 * Run modeller m on x (from sg_nn_prepare_input) and write the predicted
 * means and σ = exp(½ log-variance); fails for a model that is not a
 * regression on SG_LENS_NPARAMS parameters.
 */
bool		sg_nn_predict_lens(sg_nn_model *m, const float *x, double *mean, double *sigma,
							   sg_status *st);

/*
 * Calibrate modeller m in place: its mean of parameter k is multiplied by
 * mean_scale[k] and its σ by sigma_scale[k] (> 0), by folding the factors
 * into the last dense layer (a mean's row and bias times the scale; the
 * log-variance's bias plus 2 ln of the σ scale).  Fails for a model without
 * a modeller head.
 */
bool		sg_nn_calibrate_lens(sg_nn_model *m, const double *mean_scale,
								 const double *sigma_scale, sg_status *st);

/*
 * The 1σ sg_nn_add_lens_light gives the fitted light (from
 * sg_nn_prepare_input_fit) as a measurement of lens parameter k of the
 * mass: e1, e2 (k = 1, 2) or the centre (3, 4), at pixel_scale arcsec per
 * pixel, for a lens of Einstein radius theta_e (the network's estimate):
 * its statistical error with the SG_NN_LIGHT_* terms in quadrature.
 */
double		sg_nn_light_sigma(const sg_fit_result *light, int k, double pixel_scale,
							  double theta_e);

/*
 * For a modeller that sees the stamp without its lens light
 * (SG_NN_NORM_SUBTRACTED), combine its centre and ellipticity (mean, sigma
 * from sg_nn_predict_lens) with those of the fitted light (1σ from
 * sg_nn_light_sigma) as the best linear unbiased mean of two measurements:
 * independent for the centre, correlated by SG_NN_LIGHT_E_CORRELATION for
 * the ellipticity.  Any other model, or a light without errors, is left as
 * it is.
 */
void		sg_nn_add_lens_light(const sg_nn_info *info, const sg_fit_result *light,
								 double *mean, double *sigma);

#endif
