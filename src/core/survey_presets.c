/*
 * survey_presets.c — the shipped survey presets as a C table (the same
 * numbers as sql/extension/70_survey_presets.sql; docs/surveys.md gives the
 * sources).
 */
#include <string.h>

#include "sglens/survey_presets.h"

typedef struct preset_band
{
	const char *survey;
	const char *band;
	double		zeropoint;
	double		sky_mag;
	double		psf_fwhm;
	double		exposure_time;
	int			n_exposures;
} preset_band;

typedef struct preset
{
	const char *name;
	double		pixel_scale;
	double		read_noise;
	double		gain;
} preset;

static const preset presets[] = {
	{"LSST", 0.2, 9.0, 1.6},
	{"Euclid", 0.1, 4.4, 3.4},
	{"CSST", 0.074, 5.0, 1.0},
	{"HSC", 0.168, 4.5, 3.0},
	{"DES", 0.263, 7.0, 4.0},
	{"KiDS", 0.214, 5.0, 2.5},
};

/* In band order within each survey. */
static const preset_band bands[] = {
	{"LSST", "u", 26.52, 23.05, 0.90, 30, 56},
	{"LSST", "g", 28.51, 22.25, 0.85, 15, 160},
	{"LSST", "r", 28.36, 21.20, 0.81, 15, 368},
	{"LSST", "i", 28.17, 20.46, 0.79, 15, 368},
	{"LSST", "z", 27.78, 19.61, 0.77, 15, 320},
	{"LSST", "y", 26.82, 18.60, 0.75, 15, 320},
	{"Euclid", "VIS", 25.45, 22.35, 0.16, 565, 4},
	{"CSST", "NUV", 24.67, 25.61, 0.18, 150, 4},
	{"CSST", "u", 25.11, 23.82, 0.18, 150, 2},
	{"CSST", "g", 26.23, 22.57, 0.18, 150, 2},
	{"CSST", "r", 26.04, 22.10, 0.18, 150, 2},
	{"CSST", "i", 25.85, 21.87, 0.19, 150, 2},
	{"CSST", "z", 25.27, 21.86, 0.22, 150, 2},
	{"CSST", "y", 23.76, 21.68, 0.23, 150, 4},
	{"HSC", "g", 28.24, 22.04, 0.79, 150, 4},
	{"HSC", "r", 28.29, 21.24, 0.75, 150, 4},
	{"HSC", "i", 28.13, 20.28, 0.61, 200, 6},
	{"HSC", "z", 27.26, 19.55, 0.68, 200, 6},
	{"HSC", "y", 26.82, 18.40, 0.68, 200, 6},
	{"DES", "g", 26.58, 22.01, 1.12, 90, 10},
	{"DES", "r", 26.78, 21.15, 0.96, 90, 10},
	{"DES", "i", 26.75, 19.89, 0.88, 90, 10},
	{"DES", "z", 26.48, 18.72, 0.84, 90, 10},
	{"DES", "Y", 25.40, 17.96, 0.90, 45, 10},
	{"KiDS", "g", 25.53, 22.20, 0.85, 180, 5},
	{"KiDS", "r", 25.38, 21.30, 0.70, 360, 5},
	{"KiDS", "i", 25.18, 19.23, 0.85, 240, 5},
};

#define N_PRESETS ((int) (sizeof(presets) / sizeof(presets[0])))
#define N_BANDS ((int) (sizeof(bands) / sizeof(bands[0])))

int
sg_survey_preset_count(void)
{
	return N_PRESETS;
}

const char *
sg_survey_preset_name(int i)
{
	return i >= 0 && i < N_PRESETS ? presets[i].name : NULL;
}

bool
sg_survey_preset(const char *name, sg_survey *out, sg_status *st)
{
	for (int i = 0; i < N_PRESETS; i++)
	{
		if (strcmp(presets[i].name, name) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		strcpy(out->name, presets[i].name);
		out->pixel_scale = presets[i].pixel_scale;
		out->read_noise = presets[i].read_noise;
		out->gain = presets[i].gain;
		for (int j = 0; j < N_BANDS; j++)
		{
			sg_survey_band *b;

			if (strcmp(bands[j].survey, name) != 0)
				continue;
			b = &out->bands[out->nbands++];
			strcpy(b->name, bands[j].band);
			b->zeropoint = bands[j].zeropoint;
			b->sky_mag = bands[j].sky_mag;
			b->psf_fwhm = bands[j].psf_fwhm;
			b->exposure_time = bands[j].exposure_time;
			b->n_exposures = bands[j].n_exposures;
		}
		return true;
	}
	sg_fail(st, SG_ERR_NOT_FOUND, "no survey preset \"%s\" (shipped: LSST, Euclid, CSST, HSC, DES, KiDS)",
			name);
	return false;
}

bool
sg_survey_select_bands(sg_survey *sv, const char *list, sg_status *st)
{
	sg_survey_band out[SG_MAX_BANDS];
	int			n = 0;
	const char *p = list;

	while (*p)
	{
		size_t		len = strcspn(p, ",");
		char		name[SG_BAND_NAME_LEN];
		int			b;

		if (len == 0 || len >= sizeof(name) || n >= SG_MAX_BANDS)
		{
			sg_fail(st, SG_ERR_VALUE, "bad band list \"%s\"", list);
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		b = sg_survey_find_band(sv, name);
		if (b < 0)
		{
			sg_fail(st, SG_ERR_NOT_FOUND, "survey %s has no band \"%s\"", sv->name, name);
			return false;
		}
		for (int k = 0; k < n; k++)
			if (strcmp(out[k].name, name) == 0)
			{
				sg_fail(st, SG_ERR_VALUE, "band \"%s\" is listed twice", name);
				return false;
			}
		out[n++] = sv->bands[b];
		p += len;
		if (*p == ',')
			p++;
	}
	if (n == 0)
	{
		sg_fail(st, SG_ERR_VALUE, "empty band list");
		return false;
	}
	memcpy(sv->bands, out, sizeof(out[0]) * n);
	sv->nbands = n;
	return true;
}
