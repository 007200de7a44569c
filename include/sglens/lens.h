/*
 * lens.h — mass profiles and their deflection angles (lens plane, arcsec).
 *
 * Parameters follow lenstronomy's definitions (DESIGN §2): ellipticity
 * e1 = (1-q)/(1+q) cos 2φ, e2 = (1-q)/(1+q) sin 2φ; SIE convergence
 * κ = ½ θ_E / sqrt(q x'² + y'²/q) in the frame rotated by φ (θ_E is the
 * product-averaged Einstein radius); SHEAR α = (γ1 x + γ2 y, γ2 x − γ1 y).
 * EPL (Tessore & Metcalf 2015): κ = (3 − γ)/2 (θ_E / sqrt(q x'² + y'²/q))^(γ−1),
 * γ in (1, 3); γ = 2 is the SIE.  All deflections are exact closed forms or
 * converged series evaluated to ~1e-15 relative (the SIE stays exact as
 * q → 1); the centre of a singular profile deflects by 0, not NaN.
 */
#ifndef SGLENS_LENS_H
#define SGLENS_LENS_H

#include <stddef.h>

#include "sglens/status.h"

typedef enum sg_mass_type
{
	SG_MASS_SIE,				/* theta_e, e1, e2, center_x, center_y */
	SG_MASS_SIS,				/* theta_e, center_x, center_y */
	SG_MASS_POINT,				/* theta_e (Einstein radius of the point mass), center */
	SG_MASS_SHEAR,				/* gamma1, gamma2; about (center_x, center_y),
								 * lenstronomy's (ra_0, dec_0), normally 0 */
	SG_MASS_EPL					/* theta_e, gamma (3D slope, 2 = SIE), e1, e2, center */
} sg_mass_type;

typedef struct sg_mass_profile
{
	sg_mass_type type;
	double		theta_e;
	double		e1,
				e2;
	double		center_x,
				center_y;
	double		gamma;			/* EPL slope */
	double		gamma1,
				gamma2;			/* SHEAR */
} sg_mass_profile;

/* Validate a profile's parameters (names the bad field on failure). */
bool		sg_mass_check(const sg_mass_profile *p, sg_status *st);

/*
 * Add the deflection of profile p (valid per sg_mass_check) at n points
 * (x[i], y[i]) to (ax[i], ay[i]); ax, ay must not overlap x, y.  Points are
 * processed in fixed-size vectorised blocks without per-point branches;
 * q → 1 is handled without division by zero.
 */
void		sg_mass_deflection(const sg_mass_profile *p, const double *x,
							   const double *y, size_t n, double *ax, double *ay);

/*
 * Convergence κ of profile p at (x, y) (for tests and diagnostics); +∞ at
 * the centre of SIE/SIS/EPL/POINT, 0 for SHEAR and elsewhere for POINT.
 */
double		sg_mass_convergence(const sg_mass_profile *p, double x, double y);

/* Axis ratio q and position angle φ (radians) from e1, e2. */
void		sg_ellipticity_to_q_phi(double e1, double e2, double *q, double *phi);

#endif
