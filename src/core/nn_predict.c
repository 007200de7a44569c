/* nn_predict.c — lens parameters and their uncertainties from a modeller network. */
#include <math.h>
#include <string.h>

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

bool
sg_nn_calibrate_lens(sg_nn_model *m, const double *mean_scale, const double *sigma_scale,
					 sg_status *st)
{
	int			np;
	sg_nn_param *p = sg_nn_model_params(m, &np),
			   *w = NULL,
			   *b = NULL;

	for (int i = 0; i < np; i++)
	{
		if (strcmp(p[i].name, "head.dense.weight") == 0)
			w = &p[i];
		if (strcmp(p[i].name, "head.dense.bias") == 0)
			b = &p[i];
	}
	if (w == NULL || b == NULL || b->size != 2 * SG_LENS_NPARAMS)
	{
		sg_fail(st, SG_ERR_VALUE, "the model has no lens modeller head (%d mean and log-variance outputs) to calibrate",
				2 * SG_LENS_NPARAMS);
		return false;
	}
	for (int k = 0; k < SG_LENS_NPARAMS; k++)
		if (!(mean_scale[k] > 0 && sigma_scale[k] > 0 && isfinite(mean_scale[k]) &&
			  isfinite(sigma_scale[k])))
		{
			sg_fail(st, SG_ERR_VALUE, "calibration scales must be positive and finite (parameter %d)", k);
			return false;
		}
	for (int k = 0; k < SG_LENS_NPARAMS; k++)
	{
		size_t		nin = w->size / b->size;

		for (size_t j = 0; j < nin; j++)
			w->data[(size_t) k * nin + j] *= (float) mean_scale[k];
		b->data[k] *= (float) mean_scale[k];
		b->data[SG_LENS_NPARAMS + k] += (float) (2 * log(sigma_scale[k]));
	}
	return true;
}
