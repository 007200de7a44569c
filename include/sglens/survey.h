/*
 * survey.h — a survey's observing set-up (one row of sglens_survey and its
 * bands), as the simulator uses it.  Units: see noise.h.
 */
#ifndef SGLENS_SURVEY_H
#define SGLENS_SURVEY_H

#include "sglens/image.h"
#include "sglens/noise.h"

typedef struct sg_survey_band
{
	char		name[SG_BAND_NAME_LEN];
	double		zeropoint;		/* AB mag of 1 e-/s */
	double		sky_mag;		/* AB mag per arcsec² */
	double		psf_fwhm;		/* arcsec */
	double		exposure_time;	/* s per exposure */
	int			n_exposures;
} sg_survey_band;

typedef struct sg_survey
{
	char		name[64];
	double		pixel_scale;	/* arcsec/pixel */
	double		read_noise;		/* e- per pixel per exposure */
	double		gain;			/* e-/ADU (informational: pixels are e-/s) */
	int			nbands;
	sg_survey_band bands[SG_MAX_BANDS];
} sg_survey;

/* Validate a survey description (names the bad field). */
bool		sg_survey_check(const sg_survey *sv, sg_status *st);

/* The noise model of band b. */
sg_noise_model sg_survey_noise(const sg_survey *sv, int b);

/* Index of the band with this name, or -1. */
int			sg_survey_find_band(const sg_survey *sv, const char *name);

#endif
