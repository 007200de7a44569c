/* nn_predict.c — lens parameters and their uncertainties from a modeller network. */
#include <math.h>

#include "sglens/nn_predict.h"

bool
sg_nn_predict_lens(sg_nn_model *m, const float *x, double *mean, double *sigma, sg_status *st)
{
	float		out[2 * SG_LENS_NPARAMS];

	if (sg_nn_model_spec(m)->n_outputs != 2 * SG_LENS_NPARAMS)
	{
		sg_fail(st, SG_ERR_VALUE, "the model has %d outputs; a lens modeller has %d (a mean and a log-variance per parameter)",
				sg_nn_model_spec(m)->n_outputs, 2 * SG_LENS_NPARAMS);
		return false;
	}
	if (!sg_nn_forward(m, x, 1, false, out, st))
		return false;
	for (int k = 0; k < SG_LENS_NPARAMS; k++)
	{
		mean[k] = out[k];
		sigma[k] = exp(0.5 * (double) out[SG_LENS_NPARAMS + k]);
	}
	return true;
}
