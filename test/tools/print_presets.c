/*
 * print_presets.c — the core library's built-in survey presets as CSV, one
 * line per band, to compare with the sglens_survey tables
 * (test/scripts/presets_consistency.sh).
 */
#include <stdio.h>

#include "sglens/survey_presets.h"

int
main(void)
{
	for (int i = 0; i < sg_survey_preset_count(); i++)
	{
		sg_survey	sv;
		sg_status	st;

		sg_status_clear(&st);
		if (!sg_survey_preset(sg_survey_preset_name(i), &sv, &st))
		{
			fprintf(stderr, "print_presets: %s\n", st.message);
			return 1;
		}
		for (int b = 0; b < sv.nbands; b++)
			printf("%s,%.17g,%.17g,%.17g,%s,%d,%.17g,%.17g,%.17g,%.17g,%d\n", sv.name, sv.pixel_scale,
				   sv.read_noise, sv.gain, sv.bands[b].name, b + 1, sv.bands[b].zeropoint,
				   sv.bands[b].sky_mag, sv.bands[b].psf_fwhm, sv.bands[b].exposure_time,
				   sv.bands[b].n_exposures);
	}
	return 0;
}
