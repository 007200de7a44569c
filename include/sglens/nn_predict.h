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
 * The fitted lens light as a measurement of the mass (sg_nn_add_lens_light):
 * the scatter, per component, of the mass ellipticity about the light's, as
 * in the simulated populations (axis ratio ± 0.08, angle ± 0.17 rad;
 * sampler.c), and a floor, in pixels, for the light centre's error, which
 * the fit's statistical error underestimates ten times over (the Sérsic
 * drawn without supersampling); the populations put the mass centre at the
 * light's.  Measured by `make bench_subtract` on calibration lenses: 1σ
 * coverage 70% (e), 75% (centre) on Euclid VIS, 69% and 66% on LSST g,r,i.
 */
#define SG_NN_LIGHT_E_SCATTER 0.05
#define SG_NN_LIGHT_CENTER_FLOOR_PX 0.03

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
 * For a modeller that sees the stamp without its lens light
 * (SG_NN_NORM_SUBTRACTED), combine its centre and ellipticity (mean, sigma
 * from sg_nn_predict_lens) by inverse variance with those of the fitted
 * light (from sg_nn_prepare_input_fit): the centre with the light fit's
 * error and SG_NN_LIGHT_CENTER_FLOOR_PX, the ellipticity with its error and
 * SG_NN_LIGHT_E_SCATTER in quadrature.  Any
 * other model, or a light without errors, is left as it is.
 */
void		sg_nn_add_lens_light(const sg_nn_info *info, const sg_fit_result *light,
								 double *mean, double *sigma);

#endif
