/*
 * sampler_sed.c — colours of the sampler's galaxy types, as magnitude offsets
 * from the i band interpolated in wavelength.  Band names map to effective
 * wavelengths; an unknown name is treated as i.
 *
 * Templates (observed frame, AB, offsets m(λ) − m_i): a red early-type galaxy
 * at z ≈ 0.5 (the typical deflector) and a blue star-forming galaxy at
 * z ≈ 1.5–2 (the typical lensed source, nearly flat in f_ν).  Values follow
 * the broad-band colours of such galaxies in SDSS/DES/HSC; they are
 * approximate by design and jittered per object.
 */
#include <math.h>
#include <string.h>

#include "sampler_internal.h"

typedef struct band_wavelength
{
	const char *name;
	double		nm;
} band_wavelength;

static const band_wavelength wavelengths[] = {
	{"NUV", 290}, {"u", 360}, {"g", 480}, {"r", 620}, {"VIS", 715}, {"i", 760},
	{"z", 870}, {"y", 1000}, {"Y", 1000}, {"J", 1250}, {"H", 1650}, {"NISP-Y", 1080},
	{"NISP-J", 1370}, {"NISP-H", 1770}, {NULL, 0}
};

static const double template_nm[] = {290, 360, 480, 620, 760, 870, 1000, 1250, 1650};
static const double red_offsets[] = {4.5, 3.2, 2.2, 0.7, 0.0, -0.35, -0.55, -0.8, -1.0};
static const double blue_offsets[] = {0.6, 0.3, 0.1, 0.0, 0.0, -0.05, -0.1, -0.15, -0.2};

/* Effective wavelength (nm) of a band name. */
static double
band_nm(const char *name)
{
	for (int i = 0; wavelengths[i].name; i++)
		if (strcmp(wavelengths[i].name, name) == 0)
			return wavelengths[i].nm;
	return 760;
}

/* Piecewise-linear interpolation of a template at nm. */
static double
interpolate(const double *offsets, double nm)
{
	int			n = (int) (sizeof(template_nm) / sizeof(template_nm[0]));

	if (nm <= template_nm[0])
		return offsets[0];
	for (int i = 1; i < n; i++)
		if (nm <= template_nm[i])
		{
			double		t = (nm - template_nm[i - 1]) / (template_nm[i] - template_nm[i - 1]);

			return offsets[i - 1] + t * (offsets[i] - offsets[i - 1]);
		}
	return offsets[n - 1];
}

double
sg_sed_offset(sg_sed sed, const char *band)
{
	double		nm = band_nm(band);

	return interpolate(sed == SG_SED_RED ? red_offsets : blue_offsets, nm);
}
