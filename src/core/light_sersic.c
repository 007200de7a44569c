/*
 * light_sersic.c — Sérsic (elliptical and circular) and Gaussian surface
 * brightness, their total fluxes, and the block kernel the renderer uses.
 *
 * Sérsic: I(R) = amp exp(−b_n ((R/R_s)^(1/n) − 1)), R = sqrt(q x'² + y'²/q)
 * (R = r for SERSIC), b_n = 1.9992 n − 0.3271.  Total flux
 * amp · 2π n R_s² e^(b_n) b_n^(−2n) Γ(2n), independent of q in this radius
 * convention (the map (√q x', y'/√q) preserves area).  R is floored at
 * 1e-18 R_s only to keep log() finite (SG_SERSIC_FLOOR2); I itself is finite
 * at R = 0.
 * Gaussian: I = amp/(2π σ²) exp(−r²/(2σ²)), amp = total flux.
 *
 * The kernel works in float (pixels are float; its relative error is about
 * 1e-6), with (R/R_s)^(1/n) computed as exp(log(R²/R_s²)/(2n)).
 */
#include <math.h>
#include <string.h>

#include "lens_internal.h"
#include "lens_vecmath.h"
#include "sglens/light.h"

/* Sérsic b_n in lenstronomy's approximation. */
double
sg_sersic_bn(double n)
{
	return 1.9992 * n - 0.3271;
}

static bool
light_finite(double v, const char *name, sg_status *st)
{
	if (!isfinite(v))
	{
		sg_fail(st, SG_ERR_VALUE, "%s must be a finite number, got %g", name, v);
		return false;
	}
	return true;
}

static bool
check_sersic(const sg_light_profile *p, sg_status *st)
{
	if (!(isfinite(p->r_sersic) && p->r_sersic > 0))
	{
		sg_fail(st, SG_ERR_VALUE,
				"R_sersic must be a positive finite number of arcsec, got %g", p->r_sersic);
		return false;
	}
	if (!(isfinite(p->n_sersic) && p->n_sersic >= 0.2 && p->n_sersic <= 10))
	{
		sg_fail(st, SG_ERR_VALUE, "n_sersic must be between 0.2 and 10, got %g",
				p->n_sersic);
		return false;
	}
	if (p->type != SG_LIGHT_SERSIC_ELLIPSE)
		return true;
	if (!light_finite(p->e1, "e1", st) || !light_finite(p->e2, "e2", st))
		return false;
	if (!(hypot(p->e1, p->e2) < 1.0))
	{
		sg_fail(st, SG_ERR_VALUE,
				"ellipticity sqrt(e1^2 + e2^2) must be below 1 (axis ratio q > 0), got %g (e1 = %g, e2 = %g)",
				hypot(p->e1, p->e2), p->e1, p->e2);
		return false;
	}
	return true;
}

/* Validate a profile's shape parameters (names the bad field on failure). */
bool
sg_light_check(const sg_light_profile *p, sg_status *st)
{
	if ((unsigned) p->type > (unsigned) SG_LIGHT_GAUSSIAN)
	{
		sg_fail(st, SG_ERR_VALUE, "unknown light profile type %d", (int) p->type);
		return false;
	}
	if (!light_finite(p->center_x, "center_x", st) ||
		!light_finite(p->center_y, "center_y", st))
		return false;
	if (p->type == SG_LIGHT_GAUSSIAN)
	{
		if (!(isfinite(p->sigma) && p->sigma > 0))
		{
			sg_fail(st, SG_ERR_VALUE,
					"sigma must be a positive finite number of arcsec, got %g", p->sigma);
			return false;
		}
		return true;
	}
	return check_sersic(p, st);
}

/* Total flux of the profile's shape for amp = 1. */
static double
unit_flux(const sg_light_profile *p)
{
	double		n,
				bn;

	if (p->type == SG_LIGHT_GAUSSIAN)
		return 1.0;
	n = p->n_sersic;
	bn = sg_sersic_bn(n);
	return 2.0 * M_PI * n * p->r_sersic * p->r_sersic *
		exp(bn - 2.0 * n * log(bn) + lgamma(2.0 * n));
}

/* Total flux of the profile in band b for its amp (analytic). */
double
sg_light_total_flux(const sg_light_profile *p, int band)
{
	return p->amp[band] * unit_flux(p);
}

/* The amp that gives total flux `flux` for this profile's shape. */
double
sg_light_amp_for_flux(const sg_light_profile *p, double flux)
{
	return flux / unit_flux(p);
}

/* Prepare a validated light profile for the block kernels. */
void
sg_light_prepare(const sg_light_profile *p, sg_light_prep *lp)
{
	double		q = 1.0,
				phi = 0.0,
				rs2 = p->r_sersic * p->r_sersic;

	memset(lp, 0, sizeof(*lp));
	lp->type = p->type;
	lp->cx = p->center_x;
	lp->cy = p->center_y;
	if (p->type == SG_LIGHT_SERSIC_ELLIPSE)
		sg_ellipticity_to_q_phi(p->e1, p->e2, &q, &phi);
	lp->cphi = (float) cos(phi);
	lp->sphi = (float) sin(phi);
	if (p->type == SG_LIGHT_GAUSSIAN)
	{
		lp->ax2 = lp->ay2 = (float) (0.5 / (p->sigma * p->sigma));
		lp->norm = (float) (1.0 / (2.0 * M_PI * p->sigma * p->sigma));
		return;
	}
	lp->ax2 = (float) (q / rs2);
	lp->ay2 = (float) (1.0 / (q * rs2));
	lp->inv_2n = (float) (0.5 / p->n_sersic);
	lp->bn = (float) (sg_sersic_bn(p->n_sersic) / M_LN2);
}

/*
 * Sérsic shape at SG_BLOCK points given as offsets (x, y) from the centre,
 * in three short passes (see lens_sie.c).
 */
static void
sersic_offsets(const sg_light_prep *lp, const float *restrict x,
			   const float *restrict y, float *restrict out)
{
	const float c = lp->cphi,
				s = lp->sphi,
				ax2 = lp->ax2,
				ay2 = lp->ay2,
				inv_2n = lp->inv_2n,
				bn = lp->bn;
	float		t[SG_BLOCK];

	for (int k = 0; k < SG_BLOCK; k++)
	{
		float		xp = c * x[k] + s * y[k];
		float		yp = c * y[k] - s * x[k];

		t[k] = ax2 * xp * xp + ay2 * yp * yp + (float) SG_SERSIC_FLOOR2;
	}
	/* (R/R_s)^(1/n) = 2^(log2(R²/R_s²)/(2n)) */
	for (int k = 0; k < SG_BLOCK; k++)
		t[k] = sg_vexp2f(inv_2n * sg_vlog2f(t[k]));
	/* exp(b_n − b_n t) = 2^(b_n log2(e) (1 − t)) */
	for (int k = 0; k < SG_BLOCK; k++)
		out[k] = sg_vexp2f(bn - bn * t[k]);
}

/* Gaussian shape at SG_BLOCK offsets from the centre. */
static void
gaussian_offsets(const sg_light_prep *lp, const float *restrict x,
				 const float *restrict y, float *restrict out)
{
	const float a = lp->ax2,
				norm = lp->norm;

	for (int k = 0; k < SG_BLOCK; k++)
		out[k] = norm * sg_vexpf(-a * (x[k] * x[k] + y[k] * y[k]));
}

/* The shape of a prepared profile at SG_BLOCK offsets from its centre. */
static void
shape_offsets(const sg_light_prep *lp, const float *restrict x,
			  const float *restrict y, float *restrict out)
{
	if (lp->type == SG_LIGHT_GAUSSIAN)
		gaussian_offsets(lp, x, y, out);
	else
		sersic_offsets(lp, x, y, out);
}

/*
 * Surface brightness for unit amp (Sérsic) or unit total flux (Gaussian) of
 * a prepared profile at SG_BLOCK points, written to out[].
 */
void
sg_light_shape_block(const sg_light_prep *lp, const double *restrict x,
					 const double *restrict y, float *restrict out)
{
	float		fx[SG_BLOCK],
				fy[SG_BLOCK];

	for (int k = 0; k < SG_BLOCK; k++)
	{
		fx[k] = (float) (x[k] - lp->cx);
		fy[k] = (float) (y[k] - lp->cy);
	}
	shape_offsets(lp, fx, fy, out);
}

/*
 * Add amp[b] × the profile's shape on a tile to band b of acc, at the ray
 * offsets minus the deflection when lensed (portable kernel).
 */
void
sg_light_tile(const sg_light_prep *lp, const float *dx, const float *dy,
			  bool lensed, const float *amp, const sg_tile *t)
{
	float		fx[SG_BLOCK],
				fy[SG_BLOCK],
				sh[SG_BLOCK];
	int			n = t->nrows * t->width;

	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->width; i++)
		{
			fx[r * t->width + i] = dx[i];
			fy[r * t->width + i] = dy[r];
		}
	for (int k = n; k < SG_BLOCK; k++)
		fx[k] = fy[k] = 1.0f;
	if (lensed)
		for (int k = 0; k < n; k++)
		{
			fx[k] -= t->ax[k];
			fy[k] -= t->ay[k];
		}
	shape_offsets(lp, fx, fy, sh);
	for (int b = 0; b < t->nbands; b++)
	{
		float	   *restrict acc = t->acc + (size_t) b * SG_BLOCK;
		const float a = amp[b];

		if (a == 0)
			continue;
		for (int k = 0; k < SG_BLOCK; k++)
			acc[k] += a * sh[k];
	}
}

/* Add the surface brightness of profile p in band b at n points to out[i]. */
void
sg_light_add(const sg_light_profile *p, int band, const double *x,
			 const double *y, size_t n, float *out)
{
	sg_light_prep lp;
	double		bx[SG_BLOCK],
				by[SG_BLOCK];
	float		sh[SG_BLOCK];
	float		amp = (float) p->amp[band];

	sg_light_prepare(p, &lp);
	for (size_t i = 0; i < n; i += SG_BLOCK)
	{
		size_t		m = n - i < SG_BLOCK ? n - i : SG_BLOCK;

		for (size_t k = 0; k < SG_BLOCK; k++)
		{
			bx[k] = k < m ? x[i + k] : 0.0;
			by[k] = k < m ? y[i + k] : 0.0;
		}
		sg_light_shape_block(&lp, bx, by, sh);
		for (size_t k = 0; k < m; k++)
			out[i + k] += amp * sh[k];
	}
}
