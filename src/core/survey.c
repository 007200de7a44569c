/* survey.c — validation and noise models of survey descriptions. */
#include <math.h>
#include <string.h>

#include "sglens/survey.h"

bool
sg_survey_check(const sg_survey *sv, sg_status *st)
{
	if (!(isfinite(sv->pixel_scale) && sv->pixel_scale > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "survey %s: pixel_scale must be positive", sv->name);
		return false;
	}
	if (!(isfinite(sv->read_noise) && sv->read_noise >= 0))
	{
		sg_fail(st, SG_ERR_VALUE, "survey %s: read_noise must be non-negative", sv->name);
		return false;
	}
	if (sv->nbands < 1 || sv->nbands > SG_MAX_BANDS)
	{
		sg_fail(st, SG_ERR_VALUE, "survey %s has %d bands (1 to %d allowed)", sv->name,
				sv->nbands, SG_MAX_BANDS);
		return false;
	}
	for (int b = 0; b < sv->nbands; b++)
	{
		sg_noise_model m = sg_survey_noise(sv, b);

		if (!sg_band_name_valid(sv->bands[b].name, st) || !sg_noise_check(&m, st))
			return false;
		if (!(isfinite(sv->bands[b].psf_fwhm) && sv->bands[b].psf_fwhm > 0))
		{
			sg_fail(st, SG_ERR_VALUE, "survey %s band %s: psf_fwhm must be positive",
					sv->name, sv->bands[b].name);
			return false;
		}
	}
	return true;
}

sg_noise_model
sg_survey_noise(const sg_survey *sv, int b)
{
	sg_noise_model m;

	m.zeropoint = sv->bands[b].zeropoint;
	m.sky_mag = sv->bands[b].sky_mag;
	m.exposure_time = sv->bands[b].exposure_time;
	m.n_exposures = sv->bands[b].n_exposures;
	m.read_noise = sv->read_noise;
	return m;
}

int
sg_survey_find_band(const sg_survey *sv, const char *name)
{
	for (int b = 0; b < sv->nbands; b++)
		if (strcmp(sv->bands[b].name, name) == 0)
			return b;
	return -1;
}
