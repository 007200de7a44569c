/*
 * nn_light_prior.c — the lens galaxy's light as a second measurement of the
 * mass's centre and ellipticity, for modellers trained on stamps without it
 * (nn_predict.h).  Such a network reads θ_E and the shear from the arcs but
 * has only the arcs for the centre and ellipticity too, where the fitted
 * light, which follows the mass, tells them better.
 */
#include <math.h>

#include "sglens/nn_predict.h"

/*
 * Replace (m, s) by the best linear unbiased mean of it and a measurement
 * v ± t whose error has correlation rho with its own; the covariance is
 * capped so that neither weight turns negative (the mean stays between the
 * two, at the more precise one when the cap binds).
 */
static void
combine(double *m, double *s, double v, double t, double rho)
{
	double		c,
				d;

	if (!(t > 0) || !isfinite(t) || !isfinite(v) || !(*s > 0))
		return;
	c = fmin(rho * *s * t, fmin(*s * *s, t * t));
	d = *s * *s + t * t - 2 * c;
	if (!(d > 0))
		return;
	*m = ((t * t - c) * *m + (*s * *s - c) * v) / d;
	*s = sqrt((*s * *s * t * t - c * c) / d);
}

double
sg_nn_light_sigma(const sg_fit_result *light, int k, double pixel_scale, double theta_e)
{
	double		snr = isfinite(light->arc_snr) ? light->arc_snr : 0,
				theta = isfinite(theta_e) ? fmax(theta_e, SG_NN_LIGHT_THETA_MIN) : 1.0;

	/* e1, e2 of the light are its parameters 15, 16; the centre is 3, 4 of both */
	if (k == 1 || k == 2)
		return hypot(light->stat_errors[14 + k], SG_NN_LIGHT_E_SCATTER);
	return hypot(light->stat_errors[k],
				 hypot(SG_NN_LIGHT_CENTER_FLOOR,
					   SG_NN_LIGHT_CENTER_PX_PER_SNR * snr * pixel_scale) / theta);
}

void
sg_nn_add_lens_light(const sg_nn_info *info, const sg_fit_result *light, double *mean,
					 double *sigma)
{
	if (info->norm != SG_NN_NORM_SUBTRACTED || light->nbands == 0)
		return;
	for (int k = 1; k <= 4; k++)
		combine(&mean[k], &sigma[k], light->params[k <= 2 ? 14 + k : k],
				sg_nn_light_sigma(light, k, info->pixel_scale, mean[0]),
				k <= 2 ? SG_NN_LIGHT_E_CORRELATION : 0);
}
