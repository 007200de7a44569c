/*
 * render.c — noise-free rendering of a lens scene by ray shooting.
 *
 * Rays are ordered pixel by pixel (the s² sub-pixel centres of a pixel are
 * consecutive) and processed in blocks of whole pixels, at most SG_BLOCK
 * rays.  For each block: the deflections of all mass profiles are summed,
 * the source plane positions β = θ − Σα formed, every light profile's shape
 * evaluated once (float) and added to each band with that band's amp, and
 * each pixel set to the sum of its s² values × pixel_scale²/s² (mean
 * surface brightness × pixel area = flux per pixel).  All per-ray loops have
 * the fixed length SG_BLOCK and no branches, so the compiler can vectorise
 * them; a partial block is padded and the padding ignored.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lens_internal.h"
#include "sglens/alloc.h"
#include "sglens/render.h"

typedef struct render_work
{
	const sg_scene *scene;
	int			nbands;
	int			s2;				/* rays per pixel */
	sg_mass_prep *mass;			/* n_mass prepared profiles */
	sg_light_prep *source;		/* n_source */
	sg_light_prep *lens_light;	/* n_lens_light */
	double	   *ox,
			   *oy;				/* s² sub-pixel offsets, arcsec */
	double	   *x,
			   *y,
			   *ax,
			   *ay,
			   *bx,
			   *by;				/* SG_BLOCK each */
	float	   *shape;			/* SG_BLOCK */
	float	   *acc;			/* nbands × SG_BLOCK */
	void	   *mem;
} render_work;

/* Check one mass profile, prefixing the message with its position. */
static bool
check_mass(const sg_mass_profile *p, int i, sg_status *st)
{
	sg_status	tmp;

	sg_status_clear(&tmp);
	if (sg_mass_check(p, &tmp))
		return true;
	sg_fail(st, tmp.code, "lens profile %d: %s", i + 1, tmp.message);
	return false;
}

/* Check one light profile and its amps in the image's bands. */
static bool
check_light(const sg_light_profile *p, const char *what, int i, int nbands,
			sg_status *st)
{
	sg_status	tmp;

	sg_status_clear(&tmp);
	if (!sg_light_check(p, &tmp))
	{
		sg_fail(st, tmp.code, "%s profile %d: %s", what, i + 1, tmp.message);
		return false;
	}
	for (int b = 0; b < nbands; b++)
		if (!isfinite(p->amp[b]))
		{
			sg_fail(st, SG_ERR_VALUE, "%s profile %d: amp of band %d must be finite, got %g",
					what, i + 1, b + 1, p->amp[b]);
			return false;
		}
	return true;
}

static bool
check_count(int n, const char *what, sg_status *st)
{
	if (n < 0 || n > SG_MAX_PROFILES)
	{
		sg_fail(st, SG_ERR_LIMIT, "a scene holds 0 to %d %s profiles, got %d",
				SG_MAX_PROFILES, what, n);
		return false;
	}
	return true;
}

static bool
check_scene(const sg_scene *sc, int nbands, sg_status *st)
{
	if (!check_count(sc->n_mass, "lens", st) ||
		!check_count(sc->n_source, "source", st) ||
		!check_count(sc->n_lens_light, "lens light", st))
		return false;
	for (int i = 0; i < sc->n_mass; i++)
		if (!check_mass(&sc->mass[i], i, st))
			return false;
	for (int i = 0; i < sc->n_source; i++)
		if (!check_light(&sc->source[i], "source", i, nbands, st))
			return false;
	for (int i = 0; i < sc->n_lens_light; i++)
		if (!check_light(&sc->lens_light[i], "lens light", i, nbands, st))
			return false;
	return true;
}

/* Carve the next `size` bytes (64-byte aligned) out of *p. */
static void *
carve(char **p, size_t size)
{
	void	   *r = *p;

	*p += (size + 63) & ~(size_t) 63;
	return r;
}

/* One allocation for all scratch arrays; false when out of memory. */
static bool
work_alloc(render_work *w, const sg_scene *sc, int nbands, int s)
{
	size_t		sizes[] = {
		(size_t) sc->n_mass * sizeof(sg_mass_prep),
		(size_t) sc->n_source * sizeof(sg_light_prep),
		(size_t) sc->n_lens_light * sizeof(sg_light_prep),
		2 * (size_t) s * s * sizeof(double), 6 * SG_BLOCK * sizeof(double),
		SG_BLOCK * sizeof(float), (size_t) nbands * SG_BLOCK * sizeof(float)
	};
	size_t		total = 64;
	char	   *p;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		total += (sizes[i] + 63) & ~(size_t) 63;
	w->mem = sg_malloc(total);
	if (w->mem == NULL)
		return false;
	p = (char *) (((uintptr_t) w->mem + 63) & ~(uintptr_t) 63);
	w->mass = carve(&p, sizes[0]);
	w->source = carve(&p, sizes[1]);
	w->lens_light = carve(&p, sizes[2]);
	w->ox = carve(&p, sizes[3]);
	w->oy = w->ox + (size_t) s * s;
	w->x = carve(&p, sizes[4]);
	w->y = w->x + SG_BLOCK;
	w->ax = w->y + SG_BLOCK;
	w->ay = w->ax + SG_BLOCK;
	w->bx = w->ay + SG_BLOCK;
	w->by = w->bx + SG_BLOCK;
	w->shape = carve(&p, sizes[5]);
	w->acc = carve(&p, sizes[6]);
	return true;
}

/* Offsets of the s² sub-pixel centres from the pixel centre (row-major). */
static void
subpixel_setup(render_work *w, int s, double scale)
{
	for (int j = 0; j < s; j++)
		for (int i = 0; i < s; i++)
		{
			w->ox[j * s + i] = ((i + 0.5) / s - 0.5) * scale;
			w->oy[j * s + i] = ((j + 0.5) / s - 0.5) * scale;
		}
}

static void
prepare_profiles(render_work *w, const sg_scene *sc)
{
	for (int i = 0; i < sc->n_mass; i++)
		sg_mass_prepare(&sc->mass[i], &w->mass[i]);
	for (int i = 0; i < sc->n_source; i++)
		sg_light_prepare(&sc->source[i], &w->source[i]);
	for (int i = 0; i < sc->n_lens_light; i++)
		sg_light_prepare(&sc->lens_light[i], &w->lens_light[i]);
}

/* acc[b][k] += amp[b] · shape[k] for every band. */
static void
add_bands(float *restrict acc, const float *restrict shape, const double *amp,
		  int nbands)
{
	for (int b = 0; b < nbands; b++)
	{
		float		a = (float) amp[b];
		float	   *restrict row = acc + (size_t) b * SG_BLOCK;

		if (a == 0)
			continue;
		for (int k = 0; k < SG_BLOCK; k++)
			row[k] += a * shape[k];
	}
}

/* Source-plane positions β = θ − α of the block. */
static void
shoot_block(render_work *w)
{
	double	   *restrict ax = w->ax;
	double	   *restrict ay = w->ay;
	double	   *restrict bx = w->bx;
	double	   *restrict by = w->by;
	const double *restrict x = w->x;
	const double *restrict y = w->y;

	memset(ax, 0, SG_BLOCK * sizeof(double));
	memset(ay, 0, SG_BLOCK * sizeof(double));
	for (int i = 0; i < w->scene->n_mass; i++)
		sg_mass_deflect_block_fast(&w->mass[i], x, y, ax, ay);
	for (int k = 0; k < SG_BLOCK; k++)
	{
		bx[k] = x[k] - ax[k];
		by[k] = y[k] - ay[k];
	}
}

/* Evaluate the light of one block of rays into acc (nbands × SG_BLOCK). */
static void
light_block(render_work *w)
{
	const sg_scene *sc = w->scene;

	memset(w->acc, 0, (size_t) w->nbands * SG_BLOCK * sizeof(float));
	for (int i = 0; i < sc->n_source; i++)
	{
		sg_light_shape_block(&w->source[i], w->bx, w->by, w->shape);
		add_bands(w->acc, w->shape, sc->source[i].amp, w->nbands);
	}
	for (int i = 0; i < sc->n_lens_light; i++)
	{
		sg_light_shape_block(&w->lens_light[i], w->x, w->y, w->shape);
		add_bands(w->acc, w->shape, sc->lens_light[i].amp, w->nbands);
	}
}

/* Ray positions of the pixels col .. col + run − 1 of one row, from ray k. */
static int
fill_run(render_work *w, const sg_image *img, int row, int col, int run, int k)
{
	double		scale = img->pixel_scale;
	double		yc = (row - 0.5 * (img->ny - 1)) * scale;
	double		x0 = -0.5 * (img->nx - 1);

	if (w->s2 == 1)
	{
		for (int i = 0; i < run; i++, k++)
		{
			w->x[k] = (x0 + col + i) * scale;
			w->y[k] = yc;
		}
		return k;
	}
	for (int i = 0; i < run; i++)
	{
		double		xc = (x0 + col + i) * scale;

		for (int j = 0; j < w->s2; j++, k++)
		{
			w->x[k] = xc + w->ox[j];
			w->y[k] = yc + w->oy[j];
		}
	}
	return k;
}

/* Ray positions of npix pixels starting at pixel index p0; pad the block. */
static void
fill_rays(render_work *w, const sg_image *img, size_t p0, int npix)
{
	int			col = (int) (p0 % img->nx);
	int			row = (int) (p0 / img->nx);
	int			k = 0;

	while (npix > 0)
	{
		int			run = img->nx - col < npix ? img->nx - col : npix;

		k = fill_run(w, img, row, col, run, k);
		npix -= run;
		col = 0;
		row++;
	}
	for (; k < SG_BLOCK; k++)
		w->x[k] = w->y[k] = 0.0;
}

/* Set npix pixels from p0 on to the area-weighted sums of their rays. */
static void
store_pixels(const render_work *w, sg_image *img, size_t p0, int npix, float area)
{
	size_t		plane = (size_t) img->nx * img->ny;

	for (int b = 0; b < w->nbands; b++)
	{
		float	   *band = sg_image_pixels(img) + b * plane + p0;
		const float *acc = w->acc + (size_t) b * SG_BLOCK;

		if (w->s2 == 1)
		{
			for (int p = 0; p < npix; p++)
				band[p] = acc[p] * area;
			continue;
		}
		for (int p = 0; p < npix; p++)
		{
			float		sum = 0;

			for (int j = 0; j < w->s2; j++)
				sum += acc[p * w->s2 + j];
			band[p] = sum * area;
		}
	}
}

/* Walk the image in blocks of whole pixels. */
static void
render_pixels(render_work *w, sg_image *img, int s)
{
	size_t		npix = (size_t) img->nx * img->ny;
	int			per_block = SG_BLOCK / w->s2;
	float		area = (float) (img->pixel_scale * img->pixel_scale / ((double) s * s));

	for (size_t p0 = 0; p0 < npix; p0 += per_block)
	{
		int			n = npix - p0 < (size_t) per_block ? (int) (npix - p0) : per_block;

		fill_rays(w, img, p0, n);
		shoot_block(w);
		light_block(w);
		store_pixels(w, img, p0, n, area);
	}
}

/*
 * Render the scene into every band of img (whose size, pixel scale and band
 * count are set), replacing its pixels.  supersampling in 1..16.
 */
bool
sg_render(const sg_scene *scene, sg_image *img, int supersampling, sg_status *st)
{
	render_work w;
	int			s = supersampling;

	if (s < 1 || s > 16)
	{
		sg_fail(st, SG_ERR_VALUE, "supersampling must be between 1 and 16, got %d", s);
		return false;
	}
	if (!sg_image_check_shape(img->nx, img->ny, img->nbands, st) ||
		!check_scene(scene, img->nbands, st))
		return false;
	memset(&w, 0, sizeof(w));
	w.scene = scene;
	w.nbands = img->nbands;
	w.s2 = s * s;
	if (!work_alloc(&w, scene, img->nbands, s))
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory allocating render buffers");
		return false;
	}
	prepare_profiles(&w, scene);
	subpixel_setup(&w, s, img->pixel_scale);
	render_pixels(&w, img, s);
	sg_free(w.mem);
	return true;
}
