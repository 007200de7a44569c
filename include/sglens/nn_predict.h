/*
 * nn_predict.h — the lens parameters a modeller network predicts for a
 * prepared input: a mean and a 1σ uncertainty per parameter (dataset.h's
 * SG_LENS_NPARAMS, in its order).
 */
#ifndef SGLENS_NN_PREDICT_H
#define SGLENS_NN_PREDICT_H

#include "sglens/dataset.h"
#include "sglens/nn.h"

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

#endif
