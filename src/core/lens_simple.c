/*
 * lens_simple.c — the singular isothermal sphere (α = θ_E (x, y)/r), the
 * point mass (α = θ_E² (x, y)/r²) and external shear
 * (α = (γ1 x + γ2 y, γ2 x − γ1 y) about (center_x, center_y), which play the
 * role of lenstronomy's ra_0, dec_0 and are normally 0).
 *
 * Squared radii are softened by SG_SOFT2 so the centre gives α = 0.
 */
#include "lens_internal.h"
#include "lens_vecmath.h"

/* Add the SIS deflection at SG_BLOCK points. */
void
sg_sis_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					 const double *restrict y, double *restrict ax,
					 double *restrict ay)
{
	const double cx = pp->cx,
				cy = pp->cy,
				theta_e = pp->scale;

	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		dx = x[k] - cx;
		double		dy = y[k] - cy;
		double		f = theta_e / sg_vsqrt(dx * dx + dy * dy + SG_SOFT2);

		ax[k] += f * dx;
		ay[k] += f * dy;
	}
}

/* Add the point-mass deflection at SG_BLOCK points. */
void
sg_point_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					   const double *restrict y, double *restrict ax,
					   double *restrict ay)
{
	const double cx = pp->cx,
				cy = pp->cy,
				theta_e2 = pp->scale;

	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		dx = x[k] - cx;
		double		dy = y[k] - cy;
		double		f = theta_e2 / (dx * dx + dy * dy + SG_SOFT2);

		ax[k] += f * dx;
		ay[k] += f * dy;
	}
}

/* Add the external-shear deflection at SG_BLOCK points. */
void
sg_shear_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					   const double *restrict y, double *restrict ax,
					   double *restrict ay)
{
	const double cx = pp->cx,
				cy = pp->cy,
				g1 = pp->g1,
				g2 = pp->g2;

	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		dx = x[k] - cx;
		double		dy = y[k] - cy;

		ax[k] += g1 * dx + g2 * dy;
		ay[k] += g2 * dx - g1 * dy;
	}
}

/* Add the external-shear deflection on a tile to ax, ay (float). */
void
sg_shear_deflect_tile(const sg_mass_prep *pp, const float *dx, const float *dy,
					  const sg_tile *t)
{
	const float g1 = (float) pp->g1,
				g2 = (float) pp->g2;

	for (int r = 0; r < t->nrows; r++)
	{
		float	   *restrict ax = t->ax + (size_t) r * t->width;
		float	   *restrict ay = t->ay + (size_t) r * t->width;
		const float g2dy = g2 * dy[r],
					g1dy = g1 * dy[r];

		for (int i = 0; i < t->width; i++)
		{
			ax[i] += g1 * dx[i] + g2dy;
			ay[i] += g2 * dx[i] - g1dy;
		}
	}
}
