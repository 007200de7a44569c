/*
 * png_stretch.c — the asinh stretch of Lupton, Blanton, Fekete et al. (2004,
 * PASP 116, 133) that turns float pixels into 8-bit PNG values.
 *
 * Colour (bands r, g, b; m_x is the minimum of band x):
 *
 *     r' = r - m_r,  g' = g - m_g,  b' = b - m_b
 *     I  = (r' + g' + b') / 3
 *     f(I) = asinh(q I / stretch) / q
 *     R = r' f(I) / I,  G = g' f(I) / I,  B = b' f(I) / I     (all 0 if I <= 0)
 *     if max(R, G, B) > 1: divide R, G and B by that maximum
 *     clip each to [0, 1], byte = round(255 × value)
 *
 * Scaling every channel by the same factor f(I)/I keeps the colour (the
 * ratios r':g':b') of a source however bright it is, and the final division
 * saturates to the colour instead of to white.  Since R/max(R,G,B) equals
 * r'/max(r',g',b'), the saturated branch is computed from the raw channels,
 * which stays finite for any parameters.
 *
 * Greyscale (one band x): value = asinh(q (x - m) / stretch) / q, clipped to
 * [0, 1], byte = round(255 × value).
 *
 * A pixel that is NaN in any of the bands used is drawn black.
 *
 * Automatic parameters (NaN in sg_png_stretch):
 *   minimum: per band, the median of the band's finite pixels (the sky
 *            level); 0 when the band has none.
 *   stretch: 5 σ, where σ = 1.4826 × MAD (median absolute deviation) of the
 *            mean image (the band itself for greyscale) over pixels finite in
 *            every band used.  If σ = 0 (a noise-free or constant image), the
 *            stretch that maps the brightest I to exactly 1,
 *            q I_max / sinh(q); and never less than DBL_MIN, so an all-NaN or
 *            constant image becomes black without a division by zero.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "png_internal.h"
#include "sglens/alloc.h"

#define MAD_TO_SIGMA 1.4826
#define STRETCH_SIGMAS 5.0

/* Resolved parameters: no NaN left. */
typedef struct stretch_params
{
	double		q;
	double		stretch;
	double		minimum[3];
} stretch_params;

/* Default stretch: q = 8, automatic stretch and minimum. */
sg_png_stretch
sg_png_default_stretch(void)
{
	sg_png_stretch s;

	s.q = 8.0;
	s.stretch = NAN;
	s.minimum = NAN;
	return s;
}

/* Check user-supplied stretch parameters; names the bad one on failure. */
bool
sg_png_check_stretch(const sg_png_stretch *s, sg_status *st)
{
	if (!(isfinite(s->q) && s->q > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "PNG stretch parameter q must be a positive finite number, got %g",
				s->q);
		return false;
	}
	if (!isnan(s->stretch) && !(isfinite(s->stretch) && s->stretch > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "PNG stretch parameter stretch must be a positive finite number or NULL for automatic, got %g",
				s->stretch);
		return false;
	}
	if (!isnan(s->minimum) && !isfinite(s->minimum))
	{
		sg_fail(st, SG_ERR_VALUE, "PNG stretch parameter minimum must be finite or NULL for automatic, got %g",
				s->minimum);
		return false;
	}
	return true;
}

/* Median of three values. */
static float
median3(float a, float b, float c)
{
	if (a < b)
		return b < c ? b : (a < c ? c : a);
	return a < c ? a : (b < c ? c : b);
}

/*
 * The k-th smallest (0-based) of a[0..n-1], n >= 1, by Hoare's selection
 * with a median-of-three pivot value.  Reorders a so that a[i] <= a[k] for
 * i < k and a[i] >= a[k] for i > k.  No NaN allowed.
 */
static float
select_kth(float *a, size_t n, size_t k)
{
	ptrdiff_t	lo = 0;
	ptrdiff_t	hi = (ptrdiff_t) n - 1;
	ptrdiff_t	kk = (ptrdiff_t) k;

	while (lo < hi)
	{
		float		pivot = median3(a[lo], a[lo + (hi - lo) / 2], a[hi]);
		ptrdiff_t	i = lo;
		ptrdiff_t	j = hi;

		while (i <= j)
		{
			while (a[i] < pivot)
				i++;
			while (pivot < a[j])
				j--;
			if (i <= j)
			{
				float		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (j < kk)
			lo = i;
		if (kk < i)
			hi = j;
	}
	return a[kk];
}

/* Median of a[0..n-1] (reorders a); NaN when n = 0. */
static double
median_of(float *a, size_t n)
{
	size_t		k = n / 2;
	double		upper;
	float		lower;

	if (n == 0)
		return NAN;
	upper = select_kth(a, n, k);
	if (n % 2 == 1)
		return upper;
	/* after selection a[0..k-1] <= a[k]: the lower middle is their maximum */
	lower = a[0];
	for (size_t i = 1; i < k; i++)
		if (a[i] > lower)
			lower = a[i];
	return 0.5 * ((double) lower + upper);
}

/* Median of the finite pixels of one band (0 if none); scratch holds npix. */
static double
band_median(const float *pix, size_t npix, float *scratch)
{
	size_t		n = 0;
	double		med;

	for (size_t i = 0; i < npix; i++)
		if (isfinite(pix[i]))
			scratch[n++] = pix[i];
	med = median_of(scratch, n);
	return isnan(med) ? 0.0 : med;
}

/* 1.4826 × the median absolute deviation of vals[0..n-1] (reorders vals). */
static double
robust_sigma(float *vals, size_t n)
{
	double		med = median_of(vals, n);

	if (n == 0)
		return 0.0;
	for (size_t i = 0; i < n; i++)
	{
		double		dev = fabs((double) vals[i] - med);

		vals[i] = (float) (dev < FLT_MAX ? dev : FLT_MAX);
	}
	return MAD_TO_SIGMA * median_of(vals, n);
}

/*
 * Automatic stretch from the statistic image vals[0..n-1] (reordered) and
 * the brightest background-subtracted value peak.
 */
static double
auto_stretch(float *vals, size_t n, double peak, double q)
{
	double		sigma = robust_sigma(vals, n);
	double		s = 0.0;

	if (sigma > 0)
		s = STRETCH_SIGMAS * sigma;
	else if (peak > 0)
		s = q * peak / sinh(q); /* asinh(q peak / s) / q = 1 */
	if (!(s >= DBL_MIN))
		s = DBL_MIN;
	if (!isfinite(s))
		s = DBL_MAX;
	return s;
}

/*
 * f(I) = asinh(q I / s) / q for I > 0, evaluated in logarithms when q I / s
 * over- or underflows.
 */
static double
lupton_f(double I, double q, double s)
{
	double		qi = q * I;
	double		x = qi / s;
	double		lx;

	if (isfinite(x) && qi >= DBL_MIN && x >= DBL_MIN)
		return asinh(x) / q;
	lx = log(q) + log(I) - log(s);
	if (lx > 700)
		return (M_LN2 + lx) / q;	/* asinh(x) = ln 2x for huge x */
	if (lx < -700)
		return I / s;			/* asinh(x) = x for tiny x */
	return asinh(exp(lx)) / q;
}

/* A value in [0, 1] (clipped; NaN counts as 0) as a rounded byte. */
static unsigned char
to_byte(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 1)
		return 255;
	return (unsigned char) lround(v * 255.0);
}

/* One colour pixel from background-subtracted channels c (R, G, B). */
static void
stretch_rgb_pixel(const double c[3], const stretch_params *p,
				  unsigned char *out)
{
	double		I = c[0] / 3 + c[1] / 3 + c[2] / 3;
	double		maxc;
	double		ratio;

	if (!(I > 0))
	{
		out[0] = out[1] = out[2] = 0;
		return;
	}
	maxc = fmax(c[0], fmax(c[1], c[2]));	/* >= I > 0 */
	ratio = lupton_f(I, p->q, p->stretch) / I;
	for (int i = 0; i < 3; i++)
	{
		if (maxc * ratio > 1)
			out[i] = to_byte(c[i] / maxc);	/* saturate to the colour */
		else
			out[i] = to_byte(c[i] * ratio);
	}
}

/* One grey pixel from a background-subtracted value x. */
static unsigned char
stretch_grey_pixel(double x, const stretch_params *p)
{
	if (!(x > 0))
		return 0;
	return to_byte(lupton_f(x, p->q, p->stretch));
}

/*
 * Fill scratch with the raw mean image (r+g+b)/3 over pixels finite in all
 * three bands; returns the count and sets *max_mean.
 */
static size_t
fill_mean_image(const float *const band[3], size_t npix, float *scratch,
				double *max_mean)
{
	size_t		n = 0;
	double		top = -DBL_MAX;

	for (size_t i = 0; i < npix; i++)
	{
		double		m;

		if (!(isfinite(band[0][i]) && isfinite(band[1][i]) && isfinite(band[2][i])))
			continue;
		m = ((double) band[0][i] + band[1][i] + band[2][i]) / 3;
		scratch[n++] = (float) m;
		if (m > top)
			top = m;
	}
	*max_mean = top;
	return n;
}

/* Resolve automatic colour parameters; scratch holds npix floats. */
static void
resolve_rgb(const float *const band[3], size_t npix, const sg_png_stretch *s,
			float *scratch, stretch_params *p)
{
	double		max_mean;
	size_t		n;

	p->q = s->q;
	for (int c = 0; c < 3; c++)
		p->minimum[c] = isnan(s->minimum) ? band_median(band[c], npix, scratch)
			: s->minimum;
	if (!isnan(s->stretch))
	{
		p->stretch = s->stretch;
		return;
	}
	/* the MAD is shift-invariant: use the raw mean image */
	n = fill_mean_image(band, npix, scratch, &max_mean);
	p->stretch = auto_stretch(scratch, n,
							  max_mean - (p->minimum[0] + p->minimum[1] + p->minimum[2]) / 3,
							  p->q);
}

/* Resolve automatic greyscale parameters; scratch holds npix floats. */
static void
resolve_grey(const float *pix, size_t npix, const sg_png_stretch *s,
			 float *scratch, stretch_params *p)
{
	size_t		n = 0;
	double		top = -DBL_MAX;

	p->q = s->q;
	p->minimum[0] = isnan(s->minimum) ? band_median(pix, npix, scratch) : s->minimum;
	p->minimum[1] = p->minimum[2] = p->minimum[0];
	if (!isnan(s->stretch))
	{
		p->stretch = s->stretch;
		return;
	}
	for (size_t i = 0; i < npix; i++)
		if (isfinite(pix[i]))
		{
			scratch[n++] = pix[i];
			if (pix[i] > top)
				top = pix[i];
		}
	p->stretch = auto_stretch(scratch, n, top - p->minimum[0], p->q);
}

/* Scratch space when any parameter is automatic; false on out of memory. */
static bool
get_scratch(const sg_png_stretch *s, size_t npix, float **scratch,
			sg_status *st)
{
	*scratch = NULL;
	if (!isnan(s->stretch) && !isnan(s->minimum))
		return true;
	*scratch = sg_malloc(npix * sizeof(float));
	if (*scratch == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory computing the PNG stretch");
		return false;
	}
	return true;
}

/* Stretch three bands to interleaved 8-bit R,G,B in image order. */
unsigned char *
sg_png_stretch_rgb(const sg_image *img, int band_red, int band_green,
				   int band_blue, const sg_png_stretch *s, sg_status *st)
{
	size_t		npix = (size_t) img->nx * img->ny;
	const float *band[3];
	stretch_params p;
	float	   *scratch;
	unsigned char *out;

	band[0] = sg_image_band_pixels(img, band_red);
	band[1] = sg_image_band_pixels(img, band_green);
	band[2] = sg_image_band_pixels(img, band_blue);
	if (!get_scratch(s, npix, &scratch, st))
		return NULL;
	resolve_rgb(band, npix, s, scratch, &p);
	sg_free(scratch);
	out = sg_malloc(npix * 3);
	if (out == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory rendering a %d x %d PNG",
				img->nx, img->ny);
		return NULL;
	}
	for (size_t i = 0; i < npix; i++)
	{
		double		c[3];

		if (!(isfinite(band[0][i]) && isfinite(band[1][i]) && isfinite(band[2][i])))
		{
			out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = 0;	/* masked */
			continue;
		}
		for (int k = 0; k < 3; k++)
			c[k] = (double) band[k][i] - p.minimum[k];
		stretch_rgb_pixel(c, &p, out + 3 * i);
	}
	return out;
}

/* Stretch one band to 8-bit grey values in image order. */
unsigned char *
sg_png_stretch_grey(const sg_image *img, int band, const sg_png_stretch *s,
					sg_status *st)
{
	size_t		npix = (size_t) img->nx * img->ny;
	const float *pix = sg_image_band_pixels(img, band);
	stretch_params p;
	float	   *scratch;
	unsigned char *out;

	if (!get_scratch(s, npix, &scratch, st))
		return NULL;
	resolve_grey(pix, npix, s, scratch, &p);
	sg_free(scratch);
	out = sg_malloc(npix);
	if (out == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory rendering a %d x %d PNG",
				img->nx, img->ny);
		return NULL;
	}
	for (size_t i = 0; i < npix; i++)
		out[i] = isfinite(pix[i]) ?
			stretch_grey_pixel((double) pix[i] - p.minimum[0], &p) : 0;
	return out;
}
