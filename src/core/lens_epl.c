/*
 * lens_epl.c — the elliptical power law (EPL), Tessore & Metcalf 2015.
 *
 * κ = (2 − t)/2 · (b / R)^t with t = γ − 1, R = sqrt(q² x'² + y'²) in the
 * frame rotated by φ, and b = θ_E √q (lenstronomy's convention: for γ = 2
 * this is the SIE).  With the elliptical angle φ_e (q x' = R cos φ_e,
 * y' = R sin φ_e) the complex deflection α_x' + i α_y' is
 *   2b/(1 + q) · (b/R)^(t−1) · Σ_n Ω_n,
 *   Ω_0 = e^{iφ_e},  Ω_n = −f (2n − 2 + t)/(2n + 2 − t) e^{2iφ_e} Ω_{n−1},
 * f = (1 − q)/(1 + q): the hypergeometric function 2F1(1, t/2; 2 − t/2; ·)
 * summed as a series (|Ω_n| <= f^n).  The number of terms is fixed per
 * profile so that f^N < 1e-16 (at most SG_EPL_MAX_TERMS; beyond
 * f ≈ 0.996, q ≈ 0.002, the truncation error grows above 1e-16).
 */
#include <math.h>

#include "lens_internal.h"
#include "lens_vecmath.h"

#define SG_EPL_MAX_TERMS 10000

/* Prepare an EPL profile: axis ratio, rotation, slope and series length. */
void
sg_epl_prepare(const sg_mass_profile *p, sg_mass_prep *pp)
{
	double		e = hypot(p->e1, p->e2);
	double		phi = 0.5 * atan2(p->e2, p->e1);
	double		n;

	pp->q = (1.0 - e) / (1.0 + e);
	pp->cphi = cos(phi);
	pp->sphi = sin(phi);
	pp->t = p->gamma - 1.0;
	pp->b = p->theta_e * sqrt(pp->q);
	pp->log_b = log(pp->b);
	pp->f = e;					/* (1 − q)/(1 + q) = |e| */
	pp->pref = 2.0 * pp->b / (1.0 + pp->q);
	n = e > 0 ? ceil(log(1e-16) / log(e)) : 0;
	pp->nterms = n > SG_EPL_MAX_TERMS ? SG_EPL_MAX_TERMS : (int) n;
}

/* Add the EPL deflection at SG_BLOCK points. */
void
sg_epl_deflect_block(const sg_mass_prep *pp, const double *restrict x,
					 const double *restrict y, double *restrict ax,
					 double *restrict ay)
{
	const double cx = pp->cx,
				cy = pp->cy,
				c = pp->cphi,
				s = pp->sphi,
				q = pp->q;
	const double t = pp->t,
				log_b = pp->log_b,
				pref = pp->pref,
				f = pp->f;
	double		amp[SG_BLOCK],
				e2r[SG_BLOCK],
				e2i[SG_BLOCK],
				tr[SG_BLOCK],
				ti[SG_BLOCK],
				sr[SG_BLOCK],
				si[SG_BLOCK];

	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		dx = x[k] - cx;
		double		dy = y[k] - cy;
		double		qx = q * (c * dx + s * dy);
		double		yp = c * dy - s * dx;
		double		r2 = qx * qx + yp * yp + SG_SOFT2;
		double		inv_r = 1.0 / sg_vsqrt(r2);
		double		cr = qx * inv_r;
		double		ci = yp * inv_r;

		amp[k] = pref * sg_vexp((t - 1.0) * (log_b - 0.5 * sg_vlog(r2)));
		e2r[k] = cr * cr - ci * ci;
		e2i[k] = 2.0 * cr * ci;
		tr[k] = sr[k] = cr;
		ti[k] = si[k] = ci;
	}
	for (int n = 1; n <= pp->nterms; n++)
	{
		double		coef = -f * (2.0 * n - 2.0 + t) / (2.0 * n + 2.0 - t);

		for (int k = 0; k < SG_BLOCK; k++)
		{
			double		nr = coef * (e2r[k] * tr[k] - e2i[k] * ti[k]);
			double		ni = coef * (e2r[k] * ti[k] + e2i[k] * tr[k]);

			tr[k] = nr;
			ti[k] = ni;
			sr[k] += nr;
			si[k] += ni;
		}
	}
	for (int k = 0; k < SG_BLOCK; k++)
	{
		double		axp = amp[k] * sr[k];
		double		ayp = amp[k] * si[k];

		ax[k] += c * axp - s * ayp;
		ay[k] += s * axp + c * ayp;
	}
}

/* EPL convergence at (x, y) (infinite at the centre). */
double
sg_epl_convergence(const sg_mass_profile *p, double x, double y)
{
	double		q,
				phi,
				xp,
				yp,
				t = p->gamma - 1.0;

	sg_ellipticity_to_q_phi(p->e1, p->e2, &q, &phi);
	sg_rotate_in(cos(phi), sin(phi), x - p->center_x, y - p->center_y, &xp, &yp);
	return 0.5 * (2.0 - t) *
		pow(p->theta_e * sqrt(q) / sqrt(q * q * xp * xp + yp * yp), t);
}
