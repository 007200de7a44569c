/*
 * noise.c — sky, photon and read noise of a survey exposure stack (the
 * model documented in noise.h), in e-/s pixel units.
 */
#include <math.h>

#include "sglens/noise.h"

/* Sky flux per pixel (e-/s) of the model at this pixel scale. */
static double
sky_per_pixel(const sg_noise_model *m, double pixel_scale)
{
	return pow(10.0, -0.4 * (m->sky_mag - m->zeropoint)) * pixel_scale * pixel_scale;
}

/* Validate a noise model; the message names the offending field. */
bool
sg_noise_check(const sg_noise_model *m, sg_status *st)
{
	if (!isfinite(m->zeropoint))
		sg_fail(st, SG_ERR_VALUE, "noise model zeropoint must be finite, got %g", m->zeropoint);
	else if (!isfinite(m->sky_mag))
		sg_fail(st, SG_ERR_VALUE, "noise model sky_mag must be finite, got %g", m->sky_mag);
	else if (!isfinite(sky_per_pixel(m, 1.0)))
		sg_fail(st, SG_ERR_VALUE, "noise model sky_mag %g is too bright for zeropoint %g",
				m->sky_mag, m->zeropoint);
	else if (!(isfinite(m->exposure_time) && m->exposure_time > 0))
		sg_fail(st, SG_ERR_VALUE, "noise model exposure_time must be a positive number of seconds, got %g",
				m->exposure_time);
	else if (m->n_exposures < 1)
		sg_fail(st, SG_ERR_VALUE, "noise model n_exposures must be at least 1, got %d",
				m->n_exposures);
	else if (!(isfinite(m->read_noise) && m->read_noise >= 0))
		sg_fail(st, SG_ERR_VALUE, "noise model read_noise must be a finite number >= 0 electrons, got %g",
				m->read_noise);
	else
		return true;
	return false;
}

/* Blank-sky noise σ per pixel (e-/s): sqrt(sky·T + n·σ_read²) / T. */
double
sg_noise_sky_sigma(const sg_noise_model *m, double pixel_scale)
{
	double		t = m->exposure_time * m->n_exposures;
	double		sky = sky_per_pixel(m, pixel_scale);

	return sqrt(sky * t + m->n_exposures * m->read_noise * m->read_noise) / t;
}

/*
 * One noisy pixel: the signal s plus the zero-mean Poisson fluctuation of
 * (max(s, 0) + sky)·T electrons and the read noise, divided by T.  The
 * result equals counts/T − sky for s >= 0 and keeps a negative s unbiased.
 */
static double
noisy_pixel(double s, double sky, double t, double read_sigma, sg_rng *rng)
{
	double		mean = (fmax(s, 0.0) + sky) * t;
	double		electrons = sg_rng_poisson(rng, mean) - mean;

	if (read_sigma > 0)
		electrons += read_sigma * sg_rng_normal(rng);
	return s + electrons / t;
}

/* Add noise to band b of img (noise-free input, NaN stays NaN); sets its noise_sigma. */
bool
sg_noise_add(const sg_noise_model *m, sg_image *img, int band, sg_rng *rng,
			 sg_status *st)
{
	double		t,
				sky,
				read_sigma,
				sigma;
	float	   *pix;
	size_t		n;

	if (!sg_noise_check(m, st))
		return false;
	if (band < 0 || band >= img->nbands)
	{
		sg_fail(st, SG_ERR_VALUE, "band index %d is out of range (the image has %d bands)",
				band, img->nbands);
		return false;
	}
	t = m->exposure_time * m->n_exposures;
	sky = sky_per_pixel(m, img->pixel_scale);
	read_sigma = m->read_noise * sqrt((double) m->n_exposures);
	pix = sg_image_band_pixels(img, band);
	n = (size_t) img->nx * img->ny;
	for (size_t i = 0; i < n; i++)
		if (!isnan(pix[i]))
			pix[i] = (float) noisy_pixel(pix[i], sky, t, read_sigma, rng);
	sigma = sg_noise_sky_sigma(m, img->pixel_scale);
	/* a noiseless model (no sky, no read noise) leaves σ unknown */
	img->bands[band].noise_sigma = isfinite(sigma) && sigma > 0 ? sigma : NAN;
	return true;
}
