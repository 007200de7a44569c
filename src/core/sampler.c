/*
 * sampler.c — the population sampler: galaxy-scale lenses and hard
 * non-lenses (docs/simulate.md lists every distribution).
 *
 * Magnitudes are drawn in the survey's deepest band (the reference band) and
 * carried to the other bands with the colour templates of sampler_sed.c.
 * Source magnitudes are set relative to the survey's 5σ limiting magnitude
 * m_lim (point source, aperture of radius FWHM), so the population is as
 * hard for a shallow survey as for a deep one.
 */
#include <math.h>
#include <string.h>

#include "sampler_internal.h"
#include "sglens/scene.h"

typedef struct draw
{
	const sg_survey *sv;
	sg_rng	   *rng;
	int			ref;			/* deepest band */
	double		m_lim;			/* its 5σ limiting magnitude */
	double		half_width;		/* arcsec */
	sg_scene   *scene;
} draw;

static const char *const kind_names[SG_N_KINDS] = {
	"lens", "plain", "companion", "ring", "merger", "edge_on", "blue_clumps", "arc_neighbour"
};

const char *
sg_sample_kind_name(sg_sample_kind kind)
{
	return kind >= 0 && kind < SG_N_KINDS ? kind_names[kind] : "unknown";
}

/* 5σ point-source limiting magnitude of band b (aperture radius = FWHM). */
static double
limiting_mag(const sg_survey *sv, int b)
{
	sg_noise_model m = sg_survey_noise(sv, b);
	double		sigma = sg_noise_sky_sigma(&m, sv->pixel_scale);
	double		npix = M_PI * pow(sv->bands[b].psf_fwhm / sv->pixel_scale, 2);

	return sv->bands[b].zeropoint - 2.5 * log10(5 * sigma * sqrt(npix));
}

/* Log-normal draw with a median and log-width, kept inside [lo, hi]. */
static double
lognormal(sg_rng *rng, double median, double sigma_ln, double lo, double hi)
{
	double		v = median * exp(sigma_ln * sg_rng_normal(rng));

	return fmin(fmax(v, lo), hi);
}

/* Ellipticity components of axis ratio q and angle phi. */
static void
set_ellipticity(double q, double phi, double *e1, double *e2)
{
	double		e = (1 - q) / (1 + q);

	*e1 = e * cos(2 * phi);
	*e2 = e * sin(2 * phi);
}

/* Set amplitudes from the reference-band magnitude and a colour template. */
static void
set_magnitude(draw *d, sg_light_profile *p, double m_ref, sg_sed sed)
{
	const sg_survey *sv = d->sv;
	double		off_ref = sg_sed_offset(sed, sv->bands[d->ref].name);

	for (int b = 0; b < sv->nbands; b++)
	{
		double		jitter = b == d->ref ? 0 : 0.08 * sg_rng_normal(d->rng);
		double		m = m_ref + sg_sed_offset(sed, sv->bands[b].name) - off_ref + jitter;

		p->amp[b] = sg_light_amp_for_flux(p, pow(10.0, -0.4 * (m - sv->bands[b].zeropoint)));
	}
}

/* Append an elliptical Sérsic light profile to the lens light (not lensed). */
static sg_light_profile *
add_sersic(draw *d, double x, double y, double r, double n, double q, double phi,
		   double m_ref, sg_sed sed)
{
	sg_light_profile *p = &d->scene->lens_light[d->scene->n_lens_light++];

	memset(p, 0, sizeof(*p));
	p->type = SG_LIGHT_SERSIC_ELLIPSE;
	p->center_x = x;
	p->center_y = y;
	p->r_sersic = r;
	p->n_sersic = n;
	set_ellipticity(q, phi, &p->e1, &p->e2);
	set_magnitude(d, p, m_ref, sed);
	return p;
}

/* Append a compact Gaussian clump to the lens light (not lensed). */
static void
add_clump(draw *d, double x, double y, double sigma, double m_ref)
{
	sg_light_profile *p = &d->scene->lens_light[d->scene->n_lens_light++];

	memset(p, 0, sizeof(*p));
	p->type = SG_LIGHT_GAUSSIAN;
	p->center_x = x;
	p->center_y = y;
	p->sigma = sigma;
	set_magnitude(d, p, m_ref, SG_SED_BLUE);
}

/* A random position at a radius between r_lo and r_hi (arcsec). */
static void
random_position(draw *d, double r_lo, double r_hi, double *x, double *y, double *angle)
{
	double		r = sg_rng_range(d->rng, r_lo, fmax(r_lo, fmin(r_hi, 0.8 * d->half_width)));

	*angle = sg_rng_range(d->rng, 0, 2 * M_PI);
	*x = r * cos(*angle);
	*y = r * sin(*angle);
}

/*
 * The deflector-like galaxy: θ_E log-normal (median 1.0", σ_ln 0.35), axis
 * ratio U(0.5, 1), light following the mass (R_sersic = θ_E·U(0.7, 1.5),
 * n = U(3, 5)), i-like magnitude 19.7 − 5 log10 θ_E + N(0, 0.4) (Faber–Jackson:
 * L ∝ σ⁴ ∝ θ_E²).  Returns θ_E; with_mass adds SIE + shear mass profiles.
 */
static double
add_deflector(draw *d, bool with_mass)
{
	double		scale = d->sv->pixel_scale;
	double		theta_e = lognormal(d->rng, 1.0, 0.35, fmax(0.35, 2.0 * scale), fmin(2.8, 0.5 * d->half_width));
	double		q = sg_rng_range(d->rng, 0.5, 1.0);
	double		phi = sg_rng_range(d->rng, 0, M_PI);
	double		cx = 0.3 * scale * sg_rng_normal(d->rng);
	double		cy = 0.3 * scale * sg_rng_normal(d->rng);
	double		q_light = fmin(fmax(q + 0.08 * sg_rng_normal(d->rng), 0.4), 1.0);
	double		phi_light = phi + 0.17 * sg_rng_normal(d->rng);
	double		r_light = fmin(fmax(theta_e * sg_rng_range(d->rng, 0.7, 1.5), 0.3), 4.0);
	double		m_light = 19.7 - 5 * log10(theta_e) + 0.4 * sg_rng_normal(d->rng);

	add_sersic(d, cx, cy, r_light, sg_rng_range(d->rng, 3, 5), q_light, phi_light, m_light, SG_SED_RED);
	if (with_mass)
	{
		sg_mass_profile *sie = &d->scene->mass[d->scene->n_mass++];
		sg_mass_profile *shear = &d->scene->mass[d->scene->n_mass++];
		double		g1 = 0.03 * sg_rng_normal(d->rng);
		double		g2 = 0.03 * sg_rng_normal(d->rng);
		double		g = hypot(g1, g2);

		memset(sie, 0, sizeof(*sie));
		sie->type = SG_MASS_SIE;
		sie->theta_e = theta_e;
		sie->center_x = cx;
		sie->center_y = cy;
		set_ellipticity(q, phi, &sie->e1, &sie->e2);
		memset(shear, 0, sizeof(*shear));
		shear->type = SG_MASS_SHEAR;
		shear->gamma1 = g > 0.15 ? g1 * 0.15 / g : g1;
		shear->gamma2 = g > 0.15 ? g2 * 0.15 / g : g2;
	}
	return theta_e;
}

/*
 * The lensed source: unlensed reference magnitude U(m_lim − 4.5, m_lim − 0.8),
 * R_sersic log-normal (median 0.25", σ_ln 0.4, in [0.05, 0.8]), n U(0.5, 2),
 * axis ratio U(0.4, 1), position uniform in area within 0.8 θ_E of the lens
 * centre (inside or near the caustics); half of the sources are clumpy
 * (2–6 clumps holding 10–40% of the flux).
 */
static bool
add_source(draw *d, double theta_e, sg_status *st)
{
	sg_scene   *sc = d->scene;
	sg_light_profile *p = &sc->source[sc->n_source++];
	double		r = 0.8 * theta_e * sqrt(sg_rng_uniform(d->rng));
	double		a = sg_rng_range(d->rng, 0, 2 * M_PI);

	memset(p, 0, sizeof(*p));
	p->type = SG_LIGHT_SERSIC_ELLIPSE;
	p->center_x = sc->mass[0].center_x + r * cos(a);
	p->center_y = sc->mass[0].center_y + r * sin(a);
	p->r_sersic = lognormal(d->rng, 0.25, 0.4, 0.05, 0.8);
	p->n_sersic = sg_rng_range(d->rng, 0.5, 2.0);
	set_ellipticity(sg_rng_range(d->rng, 0.4, 1.0), sg_rng_range(d->rng, 0, M_PI), &p->e1, &p->e2);
	set_magnitude(d, p, sg_rng_range(d->rng, d->m_lim - 4.5, d->m_lim - 0.8), SG_SED_BLUE);
	if (sg_rng_uniform(d->rng) < 0.5)
	{
		int			n = 2 + (int) (sg_rng_uniform(d->rng) * 5);

		return sg_scene_add_clumps(sc, sc->n_source - 1, d->sv->nbands, n,
								   sg_rng_range(d->rng, 0.1, 0.4), fmax(0.3 * p->r_sersic, 0.02),
								   d->rng, st);
	}
	return true;
}

/* Companions and neighbours: 1–3 galaxies 1.2–4" away, 0.5–3 mag fainter. */
static void
add_companions(draw *d)
{
	int			k = 1 + (int) (sg_rng_uniform(d->rng) * 3);
	double		m_host = 19.7 + 0.5 * sg_rng_normal(d->rng);

	for (int i = 0; i < k; i++)
	{
		double		x,
					y,
					a;

		random_position(d, 1.2, 4.0, &x, &y, &a);
		add_sersic(d, x, y, sg_rng_range(d->rng, 0.2, 0.8), sg_rng_range(d->rng, 1, 4),
				   sg_rng_range(d->rng, 0.4, 1), sg_rng_range(d->rng, 0, M_PI),
				   m_host + sg_rng_range(d->rng, 0.5, 3), sg_rng_uniform(d->rng) < 0.5 ? SG_SED_RED : SG_SED_BLUE);
	}
}

/* Star-forming ring galaxy: red bulge, blue disk, 6–12 blue clumps on an inclined ring. */
static void
add_ring_galaxy(draw *d)
{
	double		m_bulge = sg_rng_range(d->rng, 19, 21.5);
	double		radius = sg_rng_range(d->rng, 0.8, fmin(2.2, 0.7 * d->half_width));
	double		q = sg_rng_range(d->rng, 0.5, 1);
	double		phi = sg_rng_range(d->rng, 0, M_PI);
	int			k = 6 + (int) (sg_rng_uniform(d->rng) * 7);
	double		m_ring = d->m_lim - sg_rng_range(d->rng, 1.5, 4);

	add_sersic(d, 0, 0, sg_rng_range(d->rng, 0.3, 0.8), sg_rng_range(d->rng, 2, 4), q, phi, m_bulge, SG_SED_RED);
	add_sersic(d, 0, 0, sg_rng_range(d->rng, 1, 2), 1, q, phi, m_bulge + sg_rng_range(d->rng, 0, 1.5), SG_SED_BLUE);
	for (int i = 0; i < k; i++)
	{
		double		t = 2 * M_PI * (i + 0.3 * sg_rng_uniform(d->rng)) / k;
		double		xp = radius * cos(t);
		double		yp = radius * q * sin(t);

		add_clump(d, xp * cos(phi) - yp * sin(phi), xp * sin(phi) + yp * cos(phi),
				  sg_rng_range(d->rng, 0.05, 0.15), m_ring + 2.5 * log10(k));
	}
}

/* Merger: two galaxies 0.4–1.5" apart and an elongated faint tidal tail. */
static void
add_merger(draw *d)
{
	double		x,
				y,
				a;

	add_deflector(d, false);
	random_position(d, 0.4, 1.5, &x, &y, &a);
	add_sersic(d, x, y, sg_rng_range(d->rng, 0.3, 1.0), sg_rng_range(d->rng, 1, 4),
			   sg_rng_range(d->rng, 0.4, 1), sg_rng_range(d->rng, 0, M_PI),
			   19.7 + sg_rng_range(d->rng, 0, 2), sg_rng_uniform(d->rng) < 0.5 ? SG_SED_RED : SG_SED_BLUE);
	random_position(d, 1.0, 2.5, &x, &y, &a);
	add_sersic(d, x, y, sg_rng_range(d->rng, 0.5, 1.5), sg_rng_range(d->rng, 0.5, 1),
			   sg_rng_range(d->rng, 0.1, 0.25), a + sg_rng_range(d->rng, -0.6, 0.6) + M_PI / 2,
			   d->m_lim - sg_rng_range(d->rng, 1, 3), SG_SED_BLUE);
}

/* Edge-on disk (q 0.08–0.25), with a small red bulge 60% of the time. */
static void
add_edge_on(draw *d)
{
	double		phi = sg_rng_range(d->rng, 0, M_PI);
	double		m = sg_rng_range(d->rng, 18.5, 22);

	add_sersic(d, 0, 0, sg_rng_range(d->rng, 0.8, fmin(2.5, 0.6 * d->half_width)), sg_rng_range(d->rng, 0.8, 1.2),
			   sg_rng_range(d->rng, 0.08, 0.25), phi, m, sg_rng_uniform(d->rng) < 0.7 ? SG_SED_BLUE : SG_SED_RED);
	if (sg_rng_uniform(d->rng) < 0.6)
		add_sersic(d, 0, 0, sg_rng_range(d->rng, 0.2, 0.5), sg_rng_range(d->rng, 2, 4),
				   sg_rng_range(d->rng, 0.6, 1), phi, m + sg_rng_range(d->rng, 0.5, 2), SG_SED_RED);
}

/* Blue clumps: 2–5 compact blue knots scattered 0.5–2.5" around the galaxy. */
static void
add_blue_clumps(draw *d)
{
	int			k = 2 + (int) (sg_rng_uniform(d->rng) * 4);

	add_deflector(d, false);
	for (int i = 0; i < k; i++)
	{
		double		x,
					y,
					a;

		random_position(d, 0.5, 2.5, &x, &y, &a);
		add_clump(d, x, y, sg_rng_range(d->rng, 0.04, 0.15), d->m_lim - sg_rng_range(d->rng, 0.8, 3.5));
	}
}

/* An elongated blue neighbour 0.8–2.5" away, aligned tangentially like an arc. */
static void
add_arc_neighbour(draw *d)
{
	double		x,
				y,
				a;

	add_deflector(d, false);
	random_position(d, 0.8, 2.5, &x, &y, &a);
	add_sersic(d, x, y, sg_rng_range(d->rng, 0.2, 0.6), sg_rng_range(d->rng, 0.5, 1.5),
			   sg_rng_range(d->rng, 0.15, 0.35), a + M_PI / 2 + 0.2 * sg_rng_normal(d->rng),
			   d->m_lim - sg_rng_range(d->rng, 1, 4), SG_SED_BLUE);
}

/* The reference (deepest) band and its limiting magnitude. */
static void
choose_reference(draw *d)
{
	d->ref = 0;
	d->m_lim = limiting_mag(d->sv, 0);
	for (int b = 1; b < d->sv->nbands; b++)
	{
		double		m = limiting_mag(d->sv, b);

		if (m > d->m_lim)
		{
			d->ref = b;
			d->m_lim = m;
		}
	}
}

bool
sg_sample_scene(const sg_survey *sv, uint64_t seed, int64_t id, double lens_fraction,
				double half_width, sg_scene *scene, sg_sample_kind *kind, sg_status *st)
{
	sg_rng		rng;
	draw		d = {sv, &rng, 0, 0, half_width, scene};

	if (!sg_survey_check(sv, st))
		return false;
	if (!(lens_fraction >= 0 && lens_fraction <= 1))
	{
		sg_fail(st, SG_ERR_VALUE, "lens_fraction must be between 0 and 1, got %g", lens_fraction);
		return false;
	}
	if (!(half_width > 0 && isfinite(half_width)))
	{
		sg_fail(st, SG_ERR_VALUE, "half_width must be positive, got %g", half_width);
		return false;
	}
	sg_rng_seed(&rng, seed, (uint64_t) id);
	memset(scene, 0, sizeof(*scene));
	choose_reference(&d);
	if (sg_rng_uniform(&rng) < lens_fraction)
		*kind = SG_KIND_LENS;
	else
		*kind = (sg_sample_kind) (1 + (int) (sg_rng_uniform(&rng) * (SG_N_KINDS - 1)));
	switch (*kind)
	{
		case SG_KIND_LENS:
			return add_source(&d, add_deflector(&d, true), st);
		case SG_KIND_PLAIN:
			add_deflector(&d, false);
			break;
		case SG_KIND_COMPANION:
			add_deflector(&d, false);
			add_companions(&d);
			break;
		case SG_KIND_RING:
			add_ring_galaxy(&d);
			break;
		case SG_KIND_MERGER:
			add_merger(&d);
			break;
		case SG_KIND_EDGE_ON:
			add_edge_on(&d);
			break;
		case SG_KIND_BLUE_CLUMPS:
			add_blue_clumps(&d);
			break;
		case SG_KIND_ARC_NEIGHBOUR:
		case SG_N_KINDS:
			add_arc_neighbour(&d);
			break;
	}
	return true;
}
