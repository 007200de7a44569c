/*
 * lens_sie.c — the singular isothermal ellipsoid (SIE).
 *
 * Convergence κ = ½ θ_E / sqrt(q x'² + y'²/q) in the frame rotated by φ
 * (lenstronomy's product-averaged θ_E).  Written as κ = ½ b / ψ with
 * ψ = sqrt(q² x'² + y'²) and b = θ_E √q, the deflection (Keeton & Kochanek
 * 1998, Kormann et al. 1994) is
 *   α_x' = b/q' atan(q' x'/ψ),   α_y' = b/q' atanh(q' y'/ψ),  q' = sqrt(1 − q²).
 * The atanh is evaluated as ½ log1p(δ) with
 *   δ = 2 q'|y'| (ψ + q'|y'|) / (q² r²),   r² = x'² + y'²,
 * which follows from ψ² − q'² y'² = q² r² and has no cancellation, so the
 * formula stays accurate as q → 1 (q' → 0: atan(q'u)/q' and log1p(δ)/q' are
 * both evaluated to full relative precision).  Only q' below SG_SIE_MIN_QP
 * (|e| < ~1e-200, including e = 0) switches to the SIS formula, once per
 * profile.  Squared radii are softened by SG_SOFT2 (x'² → x'² + ε² in both ψ²
 * and r², keeping the identity exact), so the centre gives α = 0.
 */
#include <math.h>

#include "lens_internal.h"
#include "lens_vecmath.h"

/* Prepare an SIE (falls back to the SIS kernel for q' ~ 0). */
void
sg_sie_prepare(const sg_mass_profile *p, sg_mass_prep *pp)
{
	double		e = hypot(p->e1, p->e2);
	double		phi = 0.5 * atan2(p->e2, p->e1);

	pp->q = (1.0 - e) / (1.0 + e);
	/* sqrt((1 − q)(1 + q)) with 1 − q = 2e/(1 + e), 1 + q = 2/(1 + e) */
	pp->qp = 2.0 * sqrt(e) / (1.0 + e);
	pp->cphi = cos(phi);
	pp->sphi = sin(phi);
	if (pp->qp < SG_SIE_MIN_QP)
	{
		pp->type = SG_MASS_SIS;
		pp->scale = p->theta_e;
		return;
	}
	pp->scale = p->theta_e * sqrt(pp->q) / pp->qp;
}

/*
 * Add the SIE deflection at SG_BLOCK points.  The work is split into short
 * passes over the block (geometry, sqrt, atan, log1p, rotation back): each
 * pass body is a short dependency chain, so the processor overlaps many
 * iterations instead of waiting on one long chain.
 */
void
sg_sie_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					 const double *restrict y, double *restrict ax,
					 double *restrict ay)
{
	const double cx = pp->cx,
				cy = pp->cy,
				c = pp->cphi,
				s = pp->sphi;
	const double q2 = pp->q * pp->q,
				qp = pp->qp,
				scale = pp->scale;
	double		num[SG_BLOCK],	/* q' x' */
				yp[SG_BLOCK],	/* y' */
				psi[SG_BLOCK],	/* ψ² then ψ */
				qr2[SG_BLOCK],	/* q² r² */
				at[SG_BLOCK],	/* atan(q' x'/ψ) */
				lg[SG_BLOCK];	/* 2 atanh(q'|y'|/ψ) */

	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		dx = x[k] - cx;
		double		dy = y[k] - cy;
		double		xp = c * dx + s * dy;
		double		v = c * dy - s * dx;
		double		xs2 = xp * xp + SG_SOFT2;

		num[k] = qp * xp;
		yp[k] = v;
		psi[k] = q2 * xs2 + v * v;
		qr2[k] = q2 * (xs2 + v * v);
	}
	for (int k = 0; k < SG_BLOCK; k++)
		psi[k] = sg_vsqrt(psi[k]);
	for (int k = 0; k < SG_BLOCK; k++)
		at[k] = sg_vatan2p(num[k], psi[k]);
	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		u = qp * sg_vabs(yp[k]);

		lg[k] = sg_vlog1p(2.0 * u * (psi[k] + u) / qr2[k]);
	}
	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		axp = scale * at[k];
		double		ayp = sg_vcopysign(0.5 * scale * lg[k], yp[k]);

		ax[k] += c * axp - s * ayp;
		ay[k] += s * axp + c * ayp;
	}
}

/*
 * The SIE deflection in float at SG_BLOCK points given as offsets (x, y)
 * from the centre, overwritten with α: the formulas and passes of
 * sg_sie_deflect_block with 4-wide float arithmetic.  The caller ensures
 * q' >= SG_SIE_FLOAT_MIN_QP, so every constant is a normal float.
 */
static void
sie_float_passes(const sg_mass_prep *pp, float *restrict x, float *restrict y)
{
	const float c = (float) pp->cphi,
				s = (float) pp->sphi,
				q2 = (float) (pp->q * pp->q),
				qp = (float) pp->qp,
				scale = (float) pp->scale;
	float		num[SG_BLOCK],
				yp[SG_BLOCK],
				psi[SG_BLOCK],
				qr2[SG_BLOCK],
				at[SG_BLOCK],
				lg[SG_BLOCK];

	for (int k = 0; k < SG_BLOCK; k++)
	{
		float		xp = c * x[k] + s * y[k];
		float		v = c * y[k] - s * x[k];
		float		xs2 = xp * xp + (float) SG_SOFT2;

		num[k] = qp * xp;
		yp[k] = v;
		psi[k] = q2 * xs2 + v * v;
		qr2[k] = q2 * (xs2 + v * v);
	}
	for (int k = 0; k < SG_BLOCK; k++)
		psi[k] = sg_vsqrtf(psi[k]);
	for (int k = 0; k < SG_BLOCK; k++)
		at[k] = sg_vatan2pf(num[k], psi[k]);
	for (int k = 0; k < SG_BLOCK; k++)
	{
		float		u = qp * sg_vabsf(yp[k]);

		lg[k] = sg_vlog1pf(2.0f * u * (psi[k] + u) / qr2[k]);
	}
	for (int k = 0; k < SG_BLOCK; k++)
	{
		float		axp = scale * at[k];
		float		ayp = sg_vcopysignf(0.5f * scale * lg[k], yp[k]);

		x[k] = c * axp - s * ayp;
		y[k] = s * axp + c * ayp;
	}
}

/*
 * The SIE deflection in float at SG_BLOCK points (for rendering; relative
 * error ~1e-6 of θ_E), added to the double ax, ay.
 */
void
sg_sie_deflect_block_float(const sg_mass_prep *pp, const double *restrict x,
						   const double *restrict y, double *restrict ax,
						   double *restrict ay)
{
	float		fx[SG_BLOCK],
				fy[SG_BLOCK];

	for (int k = 0; k < SG_BLOCK; k++)
	{
		fx[k] = (float) (x[k] - pp->cx);
		fy[k] = (float) (y[k] - pp->cy);
	}
	sie_float_passes(pp, fx, fy);
	for (int k = 0; k < SG_BLOCK; k++)
	{
		ax[k] += fx[k];
		ay[k] += fy[k];
	}
}

/* Whether a prepared mass profile has a float tile kernel (SIE, SHEAR). */
bool
sg_mass_has_tile_kernel(const sg_mass_prep *pp)
{
	return (pp->type == SG_MASS_SIE && pp->qp >= SG_SIE_FLOAT_MIN_QP) ||
		pp->type == SG_MASS_SHEAR;
}

/* Add the SIE deflection (q' >= SG_SIE_FLOAT_MIN_QP) on a tile to ax, ay. */
void
sg_sie_deflect_tile(const sg_mass_prep *pp, const float *dx, const float *dy,
					const sg_tile *t)
{
	float		fx[SG_BLOCK],
				fy[SG_BLOCK];
	int			n = t->nrows * t->width;

	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->width; i++)
		{
			fx[r * t->width + i] = dx[i];
			fy[r * t->width + i] = dy[r];
		}
	for (int k = n; k < SG_BLOCK; k++)
		fx[k] = fy[k] = 1.0f;
	sie_float_passes(pp, fx, fy);
	for (int k = 0; k < n; k++)
	{
		t->ax[k] += fx[k];
		t->ay[k] += fy[k];
	}
}

/* SIE convergence at (x, y) (infinite at the centre). */
double
sg_sie_convergence(const sg_mass_profile *p, double x, double y)
{
	double		q,
				phi,
				xp,
				yp;

	sg_ellipticity_to_q_phi(p->e1, p->e2, &q, &phi);
	sg_rotate_in(cos(phi), sin(phi), x - p->center_x, y - p->center_y, &xp, &yp);
	return 0.5 * p->theta_e / sqrt(q * xp * xp + yp * yp / q);
}
