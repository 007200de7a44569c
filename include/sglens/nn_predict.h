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

#endif
