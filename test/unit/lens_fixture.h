/*
 * lens_fixture.h — the reference lens of the fit tests and benchmark: SIE
 * (θ_E = 1.2", e1 = 0.12, e2 = −0.06, centre (0.05, −0.03)) + shear
 * (0.03, −0.02), a Sérsic source (R = 0.25", n = 1) and a de Vaucouleurs lens
 * light (R = 1", n = 4) on the mass centre, with magnitudes per band.
 */
#ifndef SGLENS_LENS_FIXTURE_H
#define SGLENS_LENS_FIXTURE_H

#include <math.h>
#include <string.h>

#include "sglens/dataset.h"
#include "sglens/render.h"
#include "sglens/survey.h"

static const double fixture_truth[SG_LENS_NPARAMS] = {1.2, 0.12, -0.06, 0.05, -0.03, 0.03, -0.02};

/* The reference lens in survey sv's bands; m_src > 90 leaves the source out. */
static inline void
fixture_scene(const sg_survey *sv, double m_src, double m_light, sg_scene *sc)
{
	const double *t = fixture_truth;

	memset(sc, 0, sizeof(*sc));
	sc->n_mass = 2;
	sc->mass[0] = (sg_mass_profile) {.type = SG_MASS_SIE, .theta_e = t[0], .e1 = t[1],
	.e2 = t[2], .center_x = t[3], .center_y = t[4]};
	sc->mass[1] = (sg_mass_profile) {.type = SG_MASS_SHEAR, .gamma1 = t[5], .gamma2 = t[6]};
	sc->n_source = m_src > 90 ? 0 : 1;
	sc->source[0] = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .r_sersic = 0.25,
	.n_sersic = 1, .e1 = 0.1, .e2 = 0.15, .center_x = 0.12, .center_y = 0.08};
	sc->n_lens_light = 1;
	sc->lens_light[0] = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .r_sersic = 1.0,
	.n_sersic = 4, .e1 = 0.1, .e2 = -0.05, .center_x = t[3], .center_y = t[4]};
	for (int b = 0; b < sv->nbands; b++)
	{
		double		zp = sv->bands[b].zeropoint;

		sc->source[0].amp[b] = sg_light_amp_for_flux(&sc->source[0], pow(10, -0.4 * (m_src - zp)));
		sc->lens_light[0].amp[b] = sg_light_amp_for_flux(&sc->lens_light[0],
														 pow(10, -0.4 * (m_light - zp)));
	}
}

#endif
