/* scene.c — clumpy star-forming sources for lens scenes. */
#include <math.h>

#include "sglens/scene.h"

/* A random point inside the ellipse R <= r of profile p (uniform in area). */
static void
point_in_ellipse(const sg_light_profile *p, double r, sg_rng *rng, double *x, double *y)
{
	double		q,
				phi,
				rad = r * sqrt(sg_rng_uniform(rng)),
				t = 2 * M_PI * sg_rng_uniform(rng);
	double		xp,
				yp;

	if (p->type == SG_LIGHT_SERSIC_ELLIPSE)
		sg_ellipticity_to_q_phi(p->e1, p->e2, &q, &phi);
	else
	{
		q = 1;
		phi = 0;
	}
	/* R = sqrt(q x'^2 + y'^2 / q): semi-axes r/sqrt(q) along x', r sqrt(q) along y' */
	xp = rad * cos(t) / sqrt(q);
	yp = rad * sin(t) * sqrt(q);
	*x = p->center_x + xp * cos(phi) - yp * sin(phi);
	*y = p->center_y + xp * sin(phi) + yp * cos(phi);
}

bool
sg_scene_add_clumps(sg_scene *scene, int i, int nbands, int n, double fraction,
					double sigma, sg_rng *rng, sg_status *st)
{
	sg_light_profile *src = &scene->source[i];

	if (n < 1 || n > 32)
	{
		sg_fail(st, SG_ERR_VALUE, "clumps.n must be between 1 and 32, got %d", n);
		return false;
	}
	if (!(fraction > 0 && fraction < 1))
	{
		sg_fail(st, SG_ERR_VALUE, "clumps.fraction must be between 0 and 1, got %g", fraction);
		return false;
	}
	if (!(sigma > 0 && isfinite(sigma)))
	{
		sg_fail(st, SG_ERR_VALUE, "clumps.sigma must be positive, got %g", sigma);
		return false;
	}
	if (src->type == SG_LIGHT_GAUSSIAN)
	{
		sg_fail(st, SG_ERR_VALUE, "clumps need a SERSIC or SERSIC_ELLIPSE source");
		return false;
	}
	if (scene->n_source + n > SG_MAX_PROFILES)
	{
		sg_fail(st, SG_ERR_LIMIT, "too many source profiles with clumps (limit %d)", SG_MAX_PROFILES);
		return false;
	}
	for (int k = 0; k < n; k++)
	{
		sg_light_profile *c = &scene->source[scene->n_source++];

		*c = *src;
		c->type = SG_LIGHT_GAUSSIAN;
		c->sigma = sigma;
		point_in_ellipse(src, src->r_sersic, rng, &c->center_x, &c->center_y);
		for (int b = 0; b < nbands; b++)
			c->amp[b] = fraction * sg_light_total_flux(src, b) / n;
	}
	for (int b = 0; b < nbands; b++)
		src->amp[b] *= 1 - fraction;
	return true;
}
