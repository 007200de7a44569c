/*
 * lens_common.c — mass-profile validation, ellipticity conversion, and the
 * dispatch of deflection and convergence to the per-profile kernels.
 */
#include <math.h>
#include <string.h>

#include "lens_internal.h"
#include "sglens/lens.h"

/* Axis ratio q and position angle φ (radians) from e1, e2. */
void
sg_ellipticity_to_q_phi(double e1, double e2, double *q, double *phi)
{
	double		e = hypot(e1, e2);

	*q = (1.0 - e) / (1.0 + e);
	*phi = 0.5 * atan2(e2, e1);
}

static bool
check_finite(double v, const char *name, sg_status *st)
{
	if (!isfinite(v))
	{
		sg_fail(st, SG_ERR_VALUE, "%s must be a finite number, got %g", name, v);
		return false;
	}
	return true;
}

static bool
check_theta_e(const sg_mass_profile *p, sg_status *st)
{
	if (!(isfinite(p->theta_e) && p->theta_e > 0))
	{
		sg_fail(st, SG_ERR_VALUE,
				"theta_E must be a positive finite number of arcsec, got %g",
				p->theta_e);
		return false;
	}
	return true;
}

static bool
check_ellipticity(double e1, double e2, sg_status *st)
{
	double		e;

	if (!check_finite(e1, "e1", st) || !check_finite(e2, "e2", st))
		return false;
	e = hypot(e1, e2);
	if (!(e < 1.0))
	{
		sg_fail(st, SG_ERR_VALUE,
				"ellipticity sqrt(e1^2 + e2^2) must be below 1 (axis ratio q > 0), got %g (e1 = %g, e2 = %g)",
				e, e1, e2);
		return false;
	}
	return true;
}

/* Validate a profile's parameters (names the bad field on failure). */
bool
sg_mass_check(const sg_mass_profile *p, sg_status *st)
{
	if ((unsigned) p->type > (unsigned) SG_MASS_EPL)
	{
		sg_fail(st, SG_ERR_VALUE, "unknown mass profile type %d", (int) p->type);
		return false;
	}
	if (!check_finite(p->center_x, "center_x", st) ||
		!check_finite(p->center_y, "center_y", st))
		return false;
	if (p->type == SG_MASS_SHEAR)
		return check_finite(p->gamma1, "gamma1", st) &&
			check_finite(p->gamma2, "gamma2", st);
	if (!check_theta_e(p, st))
		return false;
	if ((p->type == SG_MASS_SIE || p->type == SG_MASS_EPL) &&
		!check_ellipticity(p->e1, p->e2, st))
		return false;
	if (p->type == SG_MASS_EPL && !(isfinite(p->gamma) && p->gamma > 1.0 && p->gamma < 3.0))
	{
		sg_fail(st, SG_ERR_VALUE,
				"gamma (EPL power-law slope) must be between 1 and 3 (exclusive), got %g",
				p->gamma);
		return false;
	}
	return true;
}

/* Prepare a validated mass profile for the block kernels. */
void
sg_mass_prepare(const sg_mass_profile *p, sg_mass_prep *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->type = p->type;
	pp->cx = p->center_x;
	pp->cy = p->center_y;
	pp->cphi = 1.0;
	pp->q = 1.0;
	pp->theta_e = p->theta_e;
	switch (p->type)
	{
		case SG_MASS_SIE:
			sg_sie_prepare(p, pp);
			break;
		case SG_MASS_SIS:
			pp->scale = p->theta_e;
			break;
		case SG_MASS_POINT:
			pp->scale = p->theta_e * p->theta_e;
			break;
		case SG_MASS_SHEAR:
			pp->g1 = p->gamma1;
			pp->g2 = p->gamma2;
			break;
		case SG_MASS_EPL:
			sg_epl_prepare(p, pp);
			break;
	}
}

/* Add the deflection of a prepared profile at SG_BLOCK points. */
void
sg_mass_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					  const double *restrict y, double *restrict ax,
					  double *restrict ay)
{
	switch (pp->type)
	{
		case SG_MASS_SIE:
			sg_sie_deflect_block(pp, x, y, ax, ay);
			break;
		case SG_MASS_SIS:
			sg_sis_deflect_block(pp, x, y, ax, ay);
			break;
		case SG_MASS_POINT:
			sg_point_deflect_block(pp, x, y, ax, ay);
			break;
		case SG_MASS_SHEAR:
			sg_shear_deflect_block(pp, x, y, ax, ay);
			break;
		case SG_MASS_EPL:
			sg_epl_deflect_block(pp, x, y, ax, ay);
			break;
	}
}

/* Add the deflection at SG_BLOCK points, in float where that is faster. */
void
sg_mass_deflect_block_fast(const sg_mass_prep *pp, const double *restrict x,
						   const double *restrict y, double *restrict ax,
						   double *restrict ay)
{
	if (pp->type == SG_MASS_SIE)
	{
		if (pp->qp >= SG_SIE_FLOAT_MIN_QP)
			sg_sie_deflect_block_float(pp, x, y, ax, ay);
		else
		{
			sg_mass_prep sis = *pp;

			sis.type = SG_MASS_SIS;
			sis.scale = pp->theta_e;
			sg_sis_deflect_block(&sis, x, y, ax, ay);
		}
		return;
	}
	sg_mass_deflect_block(pp, x, y, ax, ay);
}

/*
 * Add the deflection of profile p at n points (x[i], y[i]) to (ax[i], ay[i]).
 * Whole blocks are evaluated in place; the last partial block through a
 * padded copy.
 */
void
sg_mass_deflection(const sg_mass_profile *p, const double *x, const double *y,
				   size_t n, double *ax, double *ay)
{
	sg_mass_prep pp;
	double		bx[SG_BLOCK],
				by[SG_BLOCK],
				bax[SG_BLOCK],
				bay[SG_BLOCK];
	size_t		i = 0;
	size_t		rest;

	sg_mass_prepare(p, &pp);
	for (; i + SG_BLOCK <= n; i += SG_BLOCK)
		sg_mass_deflect_block(&pp, x + i, y + i, ax + i, ay + i);
	rest = n - i;
	if (rest == 0)
		return;
	for (size_t k = 0; k < SG_BLOCK; k++)
	{
		bx[k] = k < rest ? x[i + k] : 0.0;
		by[k] = k < rest ? y[i + k] : 0.0;
		bax[k] = 0.0;
		bay[k] = 0.0;
	}
	sg_mass_deflect_block(&pp, bx, by, bax, bay);
	for (size_t k = 0; k < rest; k++)
	{
		ax[i + k] += bax[k];
		ay[i + k] += bay[k];
	}
}

/* Convergence κ of profile p at (x, y) (for tests and diagnostics). */
double
sg_mass_convergence(const sg_mass_profile *p, double x, double y)
{
	double		dx = x - p->center_x;
	double		dy = y - p->center_y;

	switch (p->type)
	{
		case SG_MASS_SIE:
			return sg_sie_convergence(p, x, y);
		case SG_MASS_SIS:
			return 0.5 * p->theta_e / hypot(dx, dy);
		case SG_MASS_POINT:
			return (dx == 0 && dy == 0) ? INFINITY : 0.0;
		case SG_MASS_SHEAR:
			return 0.0;
		case SG_MASS_EPL:
			return sg_epl_convergence(p, x, y);
	}
	return NAN;
}
