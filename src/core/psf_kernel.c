/*
 * psf_kernel.c — checks of PSF parameters and the normalised kernels the
 * convolution uses: pixel-integrated Gaussian (separable, exact through erf
 * differences), supersampled Moffat, and caller-given pixel kernels.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "psf_internal.h"

/* Largest Moffat β accepted (β → ∞ is a Gaussian; use that instead). */
#define MOFFAT_MAX_BETA 1000.0
/* A Moffat kernel's radius is capped at this many stamp sides (side ≤ 4×). */
#define MOFFAT_CAP_SIDES 2
/* Midpoint sampling is used where its error is below this fraction of the peak. */
#define MOFFAT_MIDPOINT_TOL 1e-7
/* Most Gauss-Legendre cells per pixel side. */
#define MOFFAT_MAX_CELLS 31

static bool
check_fwhm(const sg_psf *psf, const char *what, sg_status *st)
{
	if (!(isfinite(psf->fwhm) && psf->fwhm > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "%s PSF fwhm must be a positive finite number of arcsec, got %g",
				what, psf->fwhm);
		return false;
	}
	return true;
}

static bool
check_moffat(const sg_psf *psf, sg_status *st)
{
	if (!check_fwhm(psf, "Moffat", st))
		return false;
	if (!(isfinite(psf->beta) && psf->beta > 1 && psf->beta <= MOFFAT_MAX_BETA))
	{
		sg_fail(st, SG_ERR_VALUE, "Moffat PSF beta must be greater than 1 and at most %g, got %g",
				MOFFAT_MAX_BETA, psf->beta);
		return false;
	}
	return true;
}

static bool
check_kernel_side(int n, const char *field, sg_status *st)
{
	if (n < 1 || n > SG_PSF_MAX_KERNEL || n % 2 == 0)
	{
		sg_fail(st, SG_ERR_VALUE, "pixel PSF %s must be an odd number from 1 to %d, got %d",
				field, SG_PSF_MAX_KERNEL, n);
		return false;
	}
	return true;
}

static bool
check_pixel(const sg_psf *psf, sg_status *st)
{
	double		sum = 0;

	if (!check_kernel_side(psf->kx, "kx", st) || !check_kernel_side(psf->ky, "ky", st))
		return false;
	if (psf->kernel == NULL)
	{
		sg_fail(st, SG_ERR_VALUE, "pixel PSF kernel is missing");
		return false;
	}
	for (int i = 0; i < psf->kx * psf->ky; i++)
	{
		if (!isfinite(psf->kernel[i]))
		{
			sg_fail(st, SG_ERR_VALUE, "pixel PSF kernel value at row %d, column %d (counted from 1) is not finite",
					i / psf->kx + 1, i % psf->kx + 1);
			return false;
		}
		sum += psf->kernel[i];
	}
	if (!(sum > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "pixel PSF kernel must have a positive sum, got %g", sum);
		return false;
	}
	return true;
}

/* Validate PSF parameters; the message names the offending field. */
bool
sg_psf_check(const sg_psf *psf, sg_status *st)
{
	switch (psf->type)
	{
		case SG_PSF_NONE:
			return true;
		case SG_PSF_GAUSSIAN:
			return check_fwhm(psf, "Gaussian", st);
		case SG_PSF_MOFFAT:
			return check_moffat(psf, st);
		case SG_PSF_PIXEL:
			return check_pixel(psf, st);
	}
	sg_fail(st, SG_ERR_VALUE, "PSF type %d is unknown", (int) psf->type);
	return false;
}

/* Moffat α = FWHM / (2 sqrt(2^(1/β) − 1)), with expm1 for large β. */
bool
sg_psf_from_image(const sg_image *psf_img, const char *band, double pixel_scale, const char *what,
				  sg_psf *psf, sg_status *st)
{
	int			k = psf_img->nbands == 1 ? 0 : sg_image_find_band(psf_img, band);

	if (k < 0)
	{
		sg_fail(st, SG_ERR_NOT_FOUND, "the PSF image has no band \"%s\"", band);
		return false;
	}
	if (fabs(psf_img->pixel_scale - pixel_scale) > 1e-6 * pixel_scale)
	{
		sg_fail(st, SG_ERR_VALUE, "the PSF image has pixel scale %g but the %s %g",
				psf_img->pixel_scale, what, pixel_scale);
		return false;
	}
	memset(psf, 0, sizeof(*psf));
	psf->type = SG_PSF_PIXEL;
	psf->kx = psf_img->nx;
	psf->ky = psf_img->ny;
	psf->kernel = sg_image_band_pixels(psf_img, k);
	return sg_psf_check(psf, st);
}

double
sg_moffat_alpha(double fwhm, double beta)
{
	return fwhm / (2.0 * sqrt(expm1(M_LN2 / beta)));
}

/* Allocate k2d (and fx, fy when separable) for half-widths hx, hy. */
static bool
kernel_alloc(sg_kernel *k, int hx, int hy, bool separable, sg_status *st)
{
	size_t		n2 = (size_t) (2 * hx + 1) * (2 * hy + 1);

	memset(k, 0, sizeof(*k));
	k->hx = hx;
	k->hy = hy;
	k->separable = separable;
	k->k2d = sg_malloc(n2 * sizeof(float));
	if (separable)
	{
		k->fx = sg_malloc((size_t) (2 * hx + 1) * sizeof(float));
		k->fy = sg_malloc((size_t) (2 * hy + 1) * sizeof(float));
	}
	if (k->k2d == NULL || (separable && (k->fx == NULL || k->fy == NULL)))
	{
		sg_kernel_free(k);
		sg_fail(st, SG_ERR_NOMEM, "out of memory allocating a %d x %d PSF kernel",
				2 * hx + 1, 2 * hy + 1);
		return false;
	}
	return true;
}

/* Release a kernel's arrays. */
void
sg_kernel_free(sg_kernel *k)
{
	sg_free(k->k2d);
	sg_free(k->fx);
	sg_free(k->fy);
	memset(k, 0, sizeof(*k));
}

/* Flux outside the square |x|,|y| <= a·s of a 2-D Gaussian (s = σ√2). */
static double
gauss_square_tail(double a)
{
	double		e = erfc(a);

	return 2.0 * e - e * e;
}

/*
 * The a with gauss_square_tail(a) = SG_GAUSS_TAIL, by bisection; a constant,
 * computed on first use (every caller computes the same value, so the
 * unsynchronised cache is harmless even in a threaded host).
 */
static double
gauss_tail_root(void)
{
	static double root;
	double		lo = 2.0,
				hi = 6.0;

	if (root > 0)
		return root;
	for (int i = 0; i < 60; i++)
	{
		double		mid = 0.5 * (lo + hi);

		if (gauss_square_tail(mid) > SG_GAUSS_TAIL)
			lo = mid;
		else
			hi = mid;
	}
	root = hi;
	return hi;
}

/*
 * Half-width R (pixels) of a Gaussian kernel of σ√2 = s whose square
 * |x|,|y| <= R + 1/2 holds all but SG_GAUSS_TAIL of the flux.
 */
static double
gauss_radius(double s)
{
	return fmax(0.0, ceil(gauss_tail_root() * s - 0.5));
}

/*
 * Fractions of a 1-D Gaussian (σ√2 = s) in pixels 0..h (pixel i centred on
 * i; pixel −i holds the same): an erf difference near the centre, an erfc
 * difference in the tail, so neither subtracts two numbers close to 1.
 * Neighbouring pixels share a boundary, whose erf or erfc is computed once.
 */
static void
gauss_pixels(double *g, int h, double s)
{
	double		lo = 0.5 / s,
				erf_lo = erf(lo),
				erfc_lo = lo < 1.0 ? 0 : erfc(lo);

	g[0] = erf_lo;
	for (int i = 1; i <= h; i++)
	{
		double		hi = (i + 0.5) / s;

		if (lo < 1.0)
		{
			double		erf_hi = erf(hi);

			g[i] = 0.5 * (erf_hi - erf_lo);
			erf_lo = erf_hi;
			erfc_lo = hi < 1.0 ? 0 : erfc(hi);
		}
		else
		{
			double		erfc_hi = erfc(hi);

			g[i] = 0.5 * (erfc_lo - erfc_hi);
			erfc_lo = erfc_hi;
		}
		lo = hi;
	}
}

/* Fill f[0..2h] with the 1-D pixel fractions g (by |offset|) divided by norm. */
static void
gauss_fill(float *f, int h, const double *g, double norm)
{
	for (int i = -h; i <= h; i++)
		f[i + h] = (float) (g[abs(i)] / norm);
}

static bool
build_gaussian(const sg_psf *psf, double scale, int nx, int ny,
			   sg_kernel *k, sg_status *st)
{
	double		sigma = psf->fwhm / (2.0 * sqrt(2.0 * M_LN2)) / scale;
	/* beyond 1e12 pixels the clipped kernel is flat anyway; avoid inf/inf */
	double		s = fmin(sigma * M_SQRT2, 1e12);
	double		r = gauss_radius(s);
	double		norm = erf((r + 0.5) / s);	/* 1-D flux inside |x| <= R + 1/2 */
	int			hx = (int) fmin(r, nx - 1);
	int			hy = (int) fmin(r, ny - 1);
	int			wx = 2 * hx + 1;
	double	   *g;

	if (!kernel_alloc(k, hx, hy, true, st))
		return false;
	g = sg_malloc((size_t) (hx > hy ? hx + 1 : hy + 1) * sizeof(double));
	if (g == NULL)
	{
		sg_kernel_free(k);
		sg_fail(st, SG_ERR_NOMEM, "out of memory building a Gaussian PSF kernel");
		return false;
	}
	gauss_pixels(g, hx > hy ? hx : hy, s);
	gauss_fill(k->fx, hx, g, norm);
	gauss_fill(k->fy, hy, g, norm);
	sg_free(g);
	for (int y = 0; y < 2 * hy + 1; y++)
		for (int x = 0; x < wx; x++)
			k->k2d[y * wx + x] = (float) ((double) k->fy[y] * k->fx[x]);
	return true;
}

/* Moffat profile (peak 1) at squared radius r2, zero beyond r2max. */
static inline double
moffat_value(double r2, double a2, double beta, double r2max)
{
	if (r2 > r2max)
		return 0.0;
	return exp(-beta * log1p(r2 / a2));
}

/*
 * Radius (pixels) enclosing 1 - SG_MOFFAT_TAIL of a Moffat's flux, capped;
 * at least one pixel, so that a very narrow profile keeps its core.
 */
static double
moffat_radius(double a, double beta, double cap)
{
	double		t = log(1.0 / SG_MOFFAT_TAIL) / (beta - 1.0);
	double		r;

	if (t > 700.0)
		return cap;
	r = a * sqrt(expm1(t));
	return fmin(fmax(r, 1.0), cap);
}

/* Average of the profile over pixel (i, j): m × m cells of 3×3 Gauss-Legendre points. */
static double
moffat_gl(int i, int j, int m, double a2, double beta, double r2max)
{
	static const double node[3] = {-0.77459666924148338, 0.0, 0.77459666924148338};
	static const double weight[3] = {5.0 / 18, 8.0 / 18, 5.0 / 18};	/* sum 1 */
	double		h = 1.0 / m;
	double		sum = 0;

	for (int cy = 0; cy < m; cy++)
		for (int cx = 0; cx < m; cx++)
		{
			double		x0 = i - 0.5 + (cx + 0.5) * h;
			double		y0 = j - 0.5 + (cy + 0.5) * h;

			for (int v = 0; v < 3; v++)
			{
				double		y = y0 + 0.5 * h * node[v];

				for (int u = 0; u < 3; u++)
				{
					double		x = x0 + 0.5 * h * node[u];

					sum += weight[u] * weight[v] * moffat_value(x * x + y * y, a2, beta, r2max);
				}
			}
		}
	return sum / ((double) m * m);
}

/* A Moffat profile sampled on the pixel grid (all lengths in pixels). */
typedef struct moffat_grid
{
	double		a2;				/* α² */
	double		beta;
	double		r2max;			/* truncation radius² */
	double		r_gl;			/* pixels nearer than this use Gauss-Legendre */
} moffat_grid;

/* Squared local scale of the profile at radius r: (α² + r²) / (β + 1). */
static double
moffat_scale2(const moffat_grid *g, double r)
{
	return (g->a2 + r * r) / (g->beta + 1.0);
}

/*
 * Radius beyond which the midpoint rule's error on a unit pixel — about
 * |∇²I|/24, with |∇²I| <= I / scale² — stays below MOFFAT_MIDPOINT_TOL of the
 * peak.  The bound falls with radius, so bisection finds it.
 */
static double
moffat_gl_radius(const moffat_grid *g)
{
	double		lo = 0,
				hi = sqrt(g->r2max) + 2.0;

	for (int it = 0; it < 50; it++)
	{
		double		mid = 0.5 * (lo + hi);
		double		bound = moffat_value(mid * mid, g->a2, g->beta, INFINITY) /
			(24.0 * moffat_scale2(g, mid));

		if (bound > MOFFAT_MIDPOINT_TOL)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/*
 * Pixel (i, j): the centre value where the midpoint rule is good enough
 * (nearest point of the pixel beyond r_gl), otherwise Gauss-Legendre cells
 * at most half the local scale of the profile wide.
 */
static double
moffat_pixel(const moffat_grid *g, int i, int j)
{
	double		r2 = (double) i * i + (double) j * j;
	double		rn = fmax(0.0, sqrt(r2) - M_SQRT1_2);
	int			m;

	if (rn >= g->r_gl)
		return moffat_value(r2, g->a2, g->beta, g->r2max);
	m = (int) ceil(0.5 / sqrt(moffat_scale2(g, rn)));
	m = m < 1 ? 1 : (m > MOFFAT_MAX_CELLS ? MOFFAT_MAX_CELLS : m);
	m |= 1;						/* odd: one point sits on the pixel centre */
	return moffat_gl(i, j, m, g->a2, g->beta, g->r2max);
}

/*
 * Fill quadrant q[j * (h+1) + i] (i, j >= 0) using the profile's 8-fold
 * symmetry; return the sum over the whole (2h+1)² kernel.
 */
static double
moffat_quadrant(double *q, int h, const moffat_grid *g)
{
	double		total = 0;

	for (int j = 0; j <= h; j++)
		for (int i = 0; i <= j; i++)
		{
			double		v = moffat_pixel(g, i, j);

			q[j * (h + 1) + i] = v;
			q[i * (h + 1) + j] = v;
			total += v * (i ? 2 : 1) * (j ? 2 : 1) * (i != j ? 2 : 1);
		}
	return total;
}

static bool
build_moffat(const sg_psf *psf, double scale, int nx, int ny,
			 sg_kernel *k, sg_status *st)
{
	/* below 1e-6 pixel the kernel is a delta function anyway; avoid 0/0 */
	double		a = fmax(sg_moffat_alpha(psf->fwhm, psf->beta) / scale, 1e-6);
	double		cap = (double) MOFFAT_CAP_SIDES * (nx > ny ? nx : ny);
	double		r = moffat_radius(a, psf->beta, cap);
	int			h = (int) ceil(r);
	moffat_grid g;
	double	   *q;
	double		total;
	int			wx;

	q = sg_malloc((size_t) (h + 1) * (h + 1) * sizeof(double));
	if (q == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory building a Moffat PSF kernel");
		return false;
	}
	g.a2 = a * a;
	g.beta = psf->beta;
	g.r2max = r * r;
	g.r_gl = moffat_gl_radius(&g);
	total = moffat_quadrant(q, h, &g);
	if (!kernel_alloc(k, h < nx - 1 ? h : nx - 1, h < ny - 1 ? h : ny - 1, false, st))
	{
		sg_free(q);
		return false;
	}
	wx = 2 * k->hx + 1;
	for (int dy = -k->hy; dy <= k->hy; dy++)
		for (int dx = -k->hx; dx <= k->hx; dx++)
			k->k2d[(dy + k->hy) * wx + dx + k->hx] =
				(float) (q[abs(dy) * (h + 1) + abs(dx)] / total);
	sg_free(q);
	return true;
}

static bool
build_pixel(const sg_psf *psf, int nx, int ny, sg_kernel *k, sg_status *st)
{
	int			px = psf->kx / 2,
				py = psf->ky / 2;
	double		total = 0;
	int			wx;

	for (int i = 0; i < psf->kx * psf->ky; i++)
		total += psf->kernel[i];
	if (!kernel_alloc(k, px < nx - 1 ? px : nx - 1, py < ny - 1 ? py : ny - 1, false, st))
		return false;
	wx = 2 * k->hx + 1;
	for (int dy = -k->hy; dy <= k->hy; dy++)
		for (int dx = -k->hx; dx <= k->hx; dx++)
			k->k2d[(dy + k->hy) * wx + dx + k->hx] =
				(float) (psf->kernel[(dy + py) * psf->kx + dx + px] / total);
	return true;
}

/* Build the normalised kernel of a checked PSF for a stamp of nx × ny pixels. */
bool
sg_kernel_build(const sg_psf *psf, double pixel_scale, int nx, int ny,
				sg_kernel *k, sg_status *st)
{
	memset(k, 0, sizeof(*k));
	switch (psf->type)
	{
		case SG_PSF_GAUSSIAN:
			return build_gaussian(psf, pixel_scale, nx, ny, k, st);
		case SG_PSF_MOFFAT:
			return build_moffat(psf, pixel_scale, nx, ny, k, st);
		case SG_PSF_PIXEL:
			return build_pixel(psf, nx, ny, k, st);
		case SG_PSF_NONE:
			break;
	}
	sg_fail(st, SG_ERR_INTERNAL, "no kernel for PSF type %d", (int) psf->type);
	return false;
}
