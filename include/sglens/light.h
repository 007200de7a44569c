/*
 * light.h — surface-brightness profiles (per arcsec², in the image's flux
 * units per band).
 *
 * SERSIC_ELLIPSE: amp = surface brightness at R_sersic, R = sqrt(q x'² + y'²/q),
 * b_n = 1.9992 n − 0.3271 (lenstronomy's convention); SERSIC is the circular
 * case; GAUSSIAN is a circular Gaussian with total flux amp and width sigma
 * (used for compact star-forming clumps).  Values are computed in float
 * (relative error ~1e-6).  Valid ranges: R_sersic > 0, n_sersic in [0.2, 10],
 * sqrt(e1² + e2²) < 1, sigma > 0, all finite.
 */
#ifndef SGLENS_LIGHT_H
#define SGLENS_LIGHT_H

#include <stddef.h>

#include "sglens/image.h"
#include "sglens/status.h"

typedef enum sg_light_type
{
	SG_LIGHT_SERSIC_ELLIPSE,
	SG_LIGHT_SERSIC,
	SG_LIGHT_GAUSSIAN
} sg_light_type;

typedef struct sg_light_profile
{
	sg_light_type type;
	double		amp[SG_MAX_BANDS];	/* per band (see above for meaning) */
	double		r_sersic;		/* arcsec */
	double		n_sersic;
	double		e1,
				e2;
	double		center_x,
				center_y;
	double		sigma;			/* GAUSSIAN width, arcsec */
} sg_light_profile;

/* Validate a profile's shape parameters (names the bad field on failure). */
bool		sg_light_check(const sg_light_profile *p, sg_status *st);

/*
 * Add the surface brightness of profile p in band b (amp[b] × its shape) at
 * n points (x[i], y[i]) to out[i].
 */
void		sg_light_add(const sg_light_profile *p, int band, const double *x,
						 const double *y, size_t n, float *out);

/* Total flux of the profile in band b for its amp (analytic). */
double		sg_light_total_flux(const sg_light_profile *p, int band);

/* The amp that gives total flux `flux` for this profile's shape. */
double		sg_light_amp_for_flux(const sg_light_profile *p, double flux);

/* Sérsic b_n in lenstronomy's approximation. */
double		sg_sersic_bn(double n);

#endif
