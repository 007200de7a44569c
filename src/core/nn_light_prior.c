/*
 * nn_light_prior.c — the lens galaxy's light as a second measurement of the
 * mass's centre and ellipticity, for modellers trained on stamps without it
 * (nn_predict.h).  Such a network reads θ_E and the shear from the arcs but
 * has only the arcs for the centre and ellipticity too, where the fitted
 * light, which follows the mass, tells them better.
 */
#include <math.h>

#include "sglens/nn_predict.h"

/* Replace (m, s) by its inverse-variance mean with a measurement v ± t. */
static void
combine(double *m, double *s, double v, double t)
{
	double		wn,
				wl;

	if (!(t > 0) || !isfinite(t) || !isfinite(v) || !(*s > 0))
		return;
	wn = 1.0 / (*s * *s);
	wl = 1.0 / (t * t);
	*m = (wn * *m + wl * v) / (wn + wl);
	*s = 1.0 / sqrt(wn + wl);
}

void
sg_nn_add_lens_light(const sg_nn_info *info, const sg_fit_result *light, double *mean,
					 double *sigma)
{
	if (info->norm != SG_NN_NORM_SUBTRACTED || light->nbands == 0)
		return;
	/* e1, e2 of the mass (1, 2) and of the light (15, 16) */
	for (int k = 1; k <= 2; k++)
		combine(&mean[k], &sigma[k], light->params[14 + k],
				hypot(light->stat_errors[14 + k], SG_NN_LIGHT_E_SCATTER));
	/* the centre (3, 4) of both */
	for (int k = 3; k <= 4; k++)
		combine(&mean[k], &sigma[k], light->params[k],
				hypot(light->stat_errors[k], SG_NN_LIGHT_CENTER_FLOOR_PX * info->pixel_scale));
}
