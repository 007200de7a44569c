/*
 * noise.h — the noise of a survey exposure stack, in e-/s pixel units.
 *
 * Pixels are in electrons per second (flux = 10^(−0.4 (m − zp))).  The
 * sky per pixel is 10^(−0.4 (sky_mag − zp)) × scale² e-/s; the total
 * exposure is T = exposure_time × n_exposures; a pixel with source signal S
 * (e-/s) gets Poisson noise on (S + sky)·T electrons and Gaussian read noise
 * of σ_read per exposure, then is divided by T; the sky level is subtracted
 * again, so the background averages zero.  Blank-sky σ per pixel is
 * sqrt(sky·T + n_exposures·σ_read²) / T.
 */
#ifndef SGLENS_NOISE_H
#define SGLENS_NOISE_H

#include "sglens/image.h"
#include "sglens/rng.h"

typedef struct sg_noise_model
{
	double		zeropoint;		/* AB mag of 1 e-/s */
	double		sky_mag;		/* AB mag per arcsec² */
	double		exposure_time;	/* seconds per exposure */
	int			n_exposures;
	double		read_noise;		/* electrons per pixel per exposure */
} sg_noise_model;

/* Validate a noise model. */
bool		sg_noise_check(const sg_noise_model *m, sg_status *st);

/* Blank-sky noise σ per pixel (e-/s) of the model at this pixel scale. */
double		sg_noise_sky_sigma(const sg_noise_model *m, double pixel_scale);

/* Add noise to band b of img (noise-free input); sets its noise_sigma. */
bool		sg_noise_add(const sg_noise_model *m, sg_image *img, int band,
						 sg_rng *rng, sg_status *st);

#endif
