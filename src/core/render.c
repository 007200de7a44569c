/*
 * render.c — noise-free rendering of a lens scene by ray shooting.
 *
 * The rays (the s² sub-pixel centres of every pixel) form a grid of
 * nx·s × ny·s sub-pixel columns and rows.  The image is cut into tiles of
 * whole pixels holding at most SG_BLOCK rays: each tile column (wpix pixel
 * columns) is walked down in blocks of rpix pixel rows.  Every profile
 * sees a tile through its float offsets from its centre, dx per sub-column
 * (computed once per tile column) and dy per sub-row (once per block), each
 * rounded once from the double difference.  For each block: the mass
 * profiles add their deflections (float; profiles without a float kernel
 * through their double kernel), every light profile adds amp[b] × its shape
 * to each band b (the source at θ − Σα, the lens light at θ), and each
 * pixel is set to the sum of its s² values × pixel_scale²/s² (mean surface
 * brightness × pixel area = flux per pixel).  The per-ray work is done by
 * the tile kernels of lens_sie.c, lens_simple.c and light_sersic.c, or
 * their AVX2 + FMA and AVX-512 variants (render_avx2.c, render_avx512.c)
 * where the processor has them (simd_level.h).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lens_internal.h"
#include "simd_level.h"
#include "sglens/alloc.h"
#include "sglens/render.h"

typedef void (*mass_tile_fn) (const sg_mass_prep *pp, const float *dx,
							  const float *dy, const sg_tile *t);
typedef void (*light_tile_fn) (const sg_light_prep *lp, const float *dx,
							   const float *dy, bool lensed, const float *amp,
							   const sg_tile *t);
typedef void (*pixels_fn) (const float *rows, int width, int s, int npx,
						   float area, float *out);

typedef struct render_work
{
	const sg_scene *scene;
	const sg_image *img;
	int			nbands;
	int			s;				/* supersampling */
	int			nprof;			/* n_mass + n_source + n_lens_light */
	int			wpix,
				rpix;			/* pixel columns per tile, pixel rows per block */
	int			width;			/* sub-columns per tile row, padded */
	mass_tile_fn sie,
				shear;
	light_tile_fn light;
	pixels_fn	pixels;
	sg_mass_prep *mass;			/* n_mass prepared profiles */
	sg_light_prep *source;		/* n_source */
	sg_light_prep *lens_light;	/* n_lens_light */
	float	   *amp;			/* nprof × nbands float amps (light only) */
	double	   *ox,
			   *oy;				/* s sub-pixel offsets along x and y, arcsec */
	double	   *xs,
			   *ys;				/* sub-column / sub-row positions of the tile */
	float	   *dx,
			   *dy;				/* nprof × SG_BLOCK offsets from each centre */
	double	   *x,
			   *y,
			   *dax,
			   *day;			/* SG_BLOCK each: double kernels' rays */
	sg_tile		tile;
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
work_alloc(render_work *w, const sg_scene *sc)
{
	size_t		np = (size_t) w->nprof;
	size_t		sizes[] = {
		(size_t) sc->n_mass * sizeof(sg_mass_prep),
		(size_t) sc->n_source * sizeof(sg_light_prep),
		(size_t) sc->n_lens_light * sizeof(sg_light_prep),
		np * w->nbands * sizeof(float),
		2 * (size_t) w->s * sizeof(double),
		2 * SG_BLOCK * sizeof(double),
		2 * np * SG_BLOCK * sizeof(float),
		4 * SG_BLOCK * sizeof(double),
		(2 + (size_t) w->nbands) * SG_BLOCK * sizeof(float)
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
	w->amp = carve(&p, sizes[3]);
	w->ox = carve(&p, sizes[4]);
	w->oy = w->ox + w->s;
	w->xs = carve(&p, sizes[5]);
	w->ys = w->xs + SG_BLOCK;
	w->dx = carve(&p, sizes[6]);
	w->dy = w->dx + np * SG_BLOCK;
	w->x = carve(&p, sizes[7]);
	w->y = w->x + SG_BLOCK;
	w->dax = w->y + SG_BLOCK;
	w->day = w->dax + SG_BLOCK;
	w->tile.ax = carve(&p, sizes[8]);
	w->tile.ay = w->tile.ax + SG_BLOCK;
	w->tile.acc = w->tile.ay + SG_BLOCK;
	return true;
}

/* Round n up to a multiple of SG_TILE_ALIGN. */
static int
tile_round(int n)
{
	return (n + SG_TILE_ALIGN - 1) / SG_TILE_ALIGN * SG_TILE_ALIGN;
}

/*
 * Tile shape: the widest run of whole pixels whose padded sub-columns times
 * s sub-rows fit in SG_BLOCK rays (one pixel always does, s <= 16), and as
 * many pixel rows as then fit.
 */
static void
tile_setup(render_work *w)
{
	int			s = w->s;

	w->wpix = w->img->nx < SG_BLOCK / s ? w->img->nx : SG_BLOCK / s;
	while (w->wpix > 1 && tile_round(w->wpix * s) * s > SG_BLOCK)
		w->wpix--;
	w->width = tile_round(w->wpix * s);
	w->rpix = SG_BLOCK / (w->width * s);
	if (w->rpix > w->img->ny)
		w->rpix = w->img->ny;
	w->tile.width = w->width;
	w->tile.nbands = w->nbands;
}

/* Offsets of the s sub-pixel centres from the pixel centre, arcsec. */
static void
subpixel_setup(render_work *w, double scale)
{
	int			s = w->s;

	for (int i = 0; i < s; i++)
	{
		w->ox[i] = ((i + 0.5) / s - 0.5) * scale;
		w->oy[i] = ((i + 0.5) / s - 0.5) * scale;
	}
}

/* Prepare the profiles and their float amps, and pick the tile kernels. */
static void
prepare_profiles(render_work *w, const sg_scene *sc)
{
	int			nm = sc->n_mass,
				ns = sc->n_source;

	for (int i = 0; i < nm; i++)
		sg_mass_prepare(&sc->mass[i], &w->mass[i]);
	for (int i = 0; i < ns; i++)
	{
		sg_light_prepare(&sc->source[i], &w->source[i]);
		for (int b = 0; b < w->nbands; b++)
			w->amp[(size_t) (nm + i) * w->nbands + b] = (float) sc->source[i].amp[b];
	}
	for (int i = 0; i < sc->n_lens_light; i++)
	{
		sg_light_prepare(&sc->lens_light[i], &w->lens_light[i]);
		for (int b = 0; b < w->nbands; b++)
			w->amp[(size_t) (nm + ns + i) * w->nbands + b] =
				(float) sc->lens_light[i].amp[b];
	}
	if (sg_simd_level() > 1)
	{
		w->sie = sg_sie_deflect_tile_avx512;
		w->shear = sg_shear_deflect_tile_avx2;
		w->light = sg_light_tile_avx512;
		w->pixels = sg_tile_pixels_avx2;
	}
	else if (sg_simd_level() > 0)
	{
		w->sie = sg_sie_deflect_tile_avx2;
		w->shear = sg_shear_deflect_tile_avx2;
		w->light = sg_light_tile_avx2;
		w->pixels = sg_tile_pixels_avx2;
	}
	else
	{
		w->sie = sg_sie_deflect_tile;
		w->shear = sg_shear_deflect_tile;
		w->light = sg_light_tile;
		w->pixels = sg_tile_pixels;
	}
}

/* Centre of profile k (masses, then sources, then lens lights). */
static void
profile_centre(const render_work *w, int k, double *cx, double *cy)
{
	const sg_scene *sc = w->scene;

	if (k < sc->n_mass)
	{
		*cx = w->mass[k].cx;
		*cy = w->mass[k].cy;
		return;
	}
	k -= sc->n_mass;
	if (k < sc->n_source)
	{
		*cx = w->source[k].cx;
		*cy = w->source[k].cy;
		return;
	}
	k -= sc->n_source;
	*cx = w->lens_light[k].cx;
	*cy = w->lens_light[k].cy;
}

/*
 * Sub-column positions of the tile from pixel column c0 (npix pixels; the
 * padding repeats the last one) and every profile's dx.
 */
static void
tile_columns(render_work *w, int c0, int npix)
{
	double		scale = w->img->pixel_scale;
	double		x0 = -0.5 * (w->img->nx - 1);
	int			s = w->s,
				m = 0;

	for (int c = c0; c < c0 + npix; c++)
	{
		double		xc = (x0 + c) * scale;

		for (int i = 0; i < s; i++, m++)
			w->xs[m] = s == 1 ? xc : xc + w->ox[i];
	}
	for (; m < w->width; m++)
		w->xs[m] = w->xs[m - 1];
	for (int k = 0; k < w->nprof; k++)
	{
		float	   *dx = w->dx + (size_t) k * SG_BLOCK;
		double		cx,
					cy;

		profile_centre(w, k, &cx, &cy);
		for (int i = 0; i < w->width; i++)
			dx[i] = (float) (w->xs[i] - cx);
	}
}

/* Sub-row positions of npix pixel rows from r0 and every profile's dy. */
static void
tile_rows(render_work *w, int r0, int npix)
{
	double		scale = w->img->pixel_scale;
	int			s = w->s,
				m = 0;

	for (int r = r0; r < r0 + npix; r++)
	{
		double		yc = (r - 0.5 * (w->img->ny - 1)) * scale;

		for (int j = 0; j < s; j++, m++)
			w->ys[m] = s == 1 ? yc : yc + w->oy[j];
	}
	w->tile.nrows = m;
	for (int k = 0; k < w->nprof; k++)
	{
		float	   *dy = w->dy + (size_t) k * SG_BLOCK;
		double		cx,
					cy;

		profile_centre(w, k, &cx, &cy);
		for (int j = 0; j < m; j++)
			dy[j] = (float) (w->ys[j] - cy);
	}
}

/* Add the deflection of a profile without a float kernel (double, padded). */
static void
deflect_double(render_work *w, const sg_mass_prep *pp)
{
	const sg_tile *t = &w->tile;
	int			n = t->nrows * t->width;

	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->width; i++)
		{
			w->x[r * t->width + i] = w->xs[i];
			w->y[r * t->width + i] = w->ys[r];
		}
	for (int k = n; k < SG_BLOCK; k++)
		w->x[k] = w->y[k] = 0.0;
	memset(w->dax, 0, SG_BLOCK * sizeof(double));
	memset(w->day, 0, SG_BLOCK * sizeof(double));
	sg_mass_deflect_block_fast(pp, w->x, w->y, w->dax, w->day);
	for (int k = 0; k < n; k++)
	{
		t->ax[k] += (float) w->dax[k];
		t->ay[k] += (float) w->day[k];
	}
}

/* Sum the deflections of all mass profiles on the tile into ax, ay. */
static void
shoot_tile(render_work *w)
{
	const sg_tile *t = &w->tile;
	size_t		n = (size_t) t->nrows * t->width;

	memset(t->ax, 0, n * sizeof(float));
	memset(t->ay, 0, n * sizeof(float));
	for (int i = 0; i < w->scene->n_mass; i++)
	{
		const sg_mass_prep *pp = &w->mass[i];
		const float *dx = w->dx + (size_t) i * SG_BLOCK;
		const float *dy = w->dy + (size_t) i * SG_BLOCK;

		if (!sg_mass_has_tile_kernel(pp))
			deflect_double(w, pp);
		else if (pp->type == SG_MASS_SIE)
			w->sie(pp, dx, dy, t);
		else
			w->shear(pp, dx, dy, t);
	}
}

/* Add the light of every profile on the tile to acc (nbands × SG_BLOCK). */
static void
light_tile(render_work *w)
{
	const sg_scene *sc = w->scene;
	const sg_tile *t = &w->tile;
	bool		lensed = sc->n_mass > 0;

	for (int b = 0; b < w->nbands; b++)
		memset(t->acc + (size_t) b * SG_BLOCK, 0,
			   (size_t) t->nrows * t->width * sizeof(float));
	for (int i = 0; i < sc->n_source + sc->n_lens_light; i++)
	{
		int			k = sc->n_mass + i;
		const sg_light_prep *lp = i < sc->n_source ? &w->source[i] :
			&w->lens_light[i - sc->n_source];

		w->light(lp, w->dx + (size_t) k * SG_BLOCK, w->dy + (size_t) k * SG_BLOCK,
				 lensed && i < sc->n_source, w->amp + (size_t) k * w->nbands, t);
	}
}

/*
 * out[c] = area × the sum of the s × s rays of pixel c (c < npx) of one
 * pixel row of a tile (sub-rows width apart): the s sub-rows summed in order
 * into sum (the fixed inner trip count lets -O2 vectorise that), then each
 * pixel's s values in order.  Reads the first npx·s values of each sub-row,
 * rounded up to a multiple of SG_TILE_ALIGN.
 */
void
sg_tile_pixels(const float *rows, int width, int s, int npx, float area,
			   float *out)
{
	float		sum[SG_BLOCK];
	int			n = (npx * s + SG_TILE_ALIGN - 1) / SG_TILE_ALIGN * SG_TILE_ALIGN;

	for (int m = 0; m < n; m += SG_TILE_ALIGN)
		for (int q = 0; q < SG_TILE_ALIGN; q++)
			sum[m + q] = rows[m + q];
	for (int j = 1; j < s; j++)
	{
		const float *rj = rows + (size_t) j * width;

		for (int m = 0; m < n; m += SG_TILE_ALIGN)
			for (int q = 0; q < SG_TILE_ALIGN; q++)
				sum[m + q] += rj[m + q];
	}
	if (s == 1)
		for (int c = 0; c < npx; c++)
			out[c] = sum[c] * area;
	else if (s == 2)
		for (int c = 0; c < npx; c++)
			out[c] = (sum[2 * c] + sum[2 * c + 1]) * area;
	else
		for (int c = 0; c < npx; c++)
		{
			float		v = 0;

			for (int i = 0; i < s; i++)
				v += sum[c * s + i];
			out[c] = v * area;
		}
}

/* Set the npx × npy pixels from (c0, r0) on to the area-weighted ray sums. */
static void
store_pixels(const render_work *w, sg_image *img, int c0, int r0, int npx,
			 int npy, float area)
{
	size_t		plane = (size_t) img->nx * img->ny;
	int			s = w->s,
				width = w->width;

	for (int b = 0; b < w->nbands; b++)
	{
		const float *acc = w->tile.acc + (size_t) b * SG_BLOCK;

		for (int r = 0; r < npy; r++)
			w->pixels(acc + (size_t) r * s * width, width, s, npx, area,
					  sg_image_pixels(img) + b * plane + (size_t) (r0 + r) * img->nx + c0);
	}
}

/* Walk the image tile column by tile column, block by block. */
static void
render_pixels(render_work *w, sg_image *img)
{
	float		area = (float) (img->pixel_scale * img->pixel_scale /
								((double) w->s * w->s));

	for (int c0 = 0; c0 < img->nx; c0 += w->wpix)
	{
		int			npx = img->nx - c0 < w->wpix ? img->nx - c0 : w->wpix;

		tile_columns(w, c0, npx);
		for (int r0 = 0; r0 < img->ny; r0 += w->rpix)
		{
			int			npy = img->ny - r0 < w->rpix ? img->ny - r0 : w->rpix;

			tile_rows(w, r0, npy);
			shoot_tile(w);
			light_tile(w);
			store_pixels(w, img, c0, r0, npx, npy, area);
		}
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
	w.img = img;
	w.nbands = img->nbands;
	w.s = s;
	w.nprof = scene->n_mass + scene->n_source + scene->n_lens_light;
	if (!work_alloc(&w, scene))
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory allocating render buffers");
		return false;
	}
	prepare_profiles(&w, scene);
	tile_setup(&w);
	subpixel_setup(&w, img->pixel_scale);
	render_pixels(&w, img);
	sg_free(w.mem);
	return true;
}
