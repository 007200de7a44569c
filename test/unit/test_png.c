/* test_png.c — unit tests of the PNG previews (asinh stretch and libpng writer). */
#include <fenv.h>
#include <float.h>
#include <png.h>
#include <stdint.h>
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/image.h"
#include "sglens/png.h"
#include "unit.h"

/* A decoded PNG: pixels top row first, as libpng returns them. */
typedef struct decoded
{
	int			width;
	int			height;
	int			channels;
	int			colour_type;	/* from the IHDR chunk */
	int			bit_depth;
	unsigned char *pix;
} decoded;

/* Bands 0, 1, 2 are blue, green, red in the tests. */
enum
{
	BLUE, GREEN, RED
};

/* An image of nb bands filled with value. */
static sg_image *
new_image(int nx, int ny, int nb, float value)
{
	sg_status	st;
	sg_image   *img;
	const char *names[] = {"g", "r", "i", "z"};

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nb, 0.2, &st);
	for (int b = 0; b < nb; b++)
	{
		float	   *p = sg_image_band_pixels(img, b);

		sg_image_set_band_name(img, b, names[b], &st);
		for (int i = 0; i < nx * ny; i++)
			p[i] = value;
	}
	return img;
}

/* Pixel (x, y) of band b; y = 0 is the bottom row. */
static float *
px(sg_image *img, int b, int x, int y)
{
	return sg_image_band_pixels(img, b) + (size_t) y * img->nx + x;
}

/* A big-endian 32-bit value. */
static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* Decode a PNG with libpng's simplified API; false if libpng rejects it. */
static bool
decode(const unsigned char *data, size_t len, decoded *d)
{
	png_image	im;

	memset(d, 0, sizeof(*d));
	if (len < 33 || png_sig_cmp(data, 0, 8) != 0 || memcmp(data + 12, "IHDR", 4) != 0)
		return false;
	d->width = (int) be32(data + 16);
	d->height = (int) be32(data + 20);
	d->bit_depth = data[24];
	d->colour_type = data[25];
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, data, len))
		return false;
	/* read in the file's own format, so no conversion happens */
	im.format = (im.format & PNG_FORMAT_FLAG_COLOR) ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
	if ((png_uint_32) d->width != im.width || (png_uint_32) d->height != im.height)
	{
		png_image_free(&im);
		return false;
	}
	d->channels = (int) PNG_IMAGE_PIXEL_CHANNELS(im.format);
	d->pix = malloc(PNG_IMAGE_SIZE(im));
	if (!png_image_finish_read(&im, NULL, d->pix, 0, NULL))
	{
		free(d->pix);
		d->pix = NULL;
		return false;
	}
	return true;
}

/* Decoded pixel at image column x, image row y (y = 0 is the bottom). */
static const unsigned char *
at(const decoded *d, int x, int y)
{
	return d->pix + ((size_t) (d->height - 1 - y) * d->width + x) * d->channels;
}

/* Write a colour PNG and decode it; false (with a failed check) on error. */
static bool
rgb(const sg_image *img, const sg_png_stretch *s, decoded *d)
{
	sg_status	st;
	size_t		len;
	unsigned char *png;
	bool		ok;

	sg_status_clear(&st);
	png = sg_png_rgb(img, BLUE, GREEN, RED, s, &len, &st);
	CHECK(png != NULL && st.code == SG_OK);
	if (png == NULL)
		return false;
	ok = decode(png, len, d);
	CHECK(ok);
	sg_free(png);
	return ok;
}

/* Write a greyscale PNG of band 0 and decode it. */
static bool
grey(const sg_image *img, const sg_png_stretch *s, decoded *d)
{
	sg_status	st;
	size_t		len;
	unsigned char *png;
	bool		ok;

	sg_status_clear(&st);
	png = sg_png_grey(img, 0, s, &len, &st);
	CHECK(png != NULL && st.code == SG_OK);
	if (png == NULL)
		return false;
	ok = decode(png, len, d);
	CHECK(ok);
	sg_free(png);
	return ok;
}

/* Explicit parameters. */
static sg_png_stretch
params(double q, double stretch, double minimum)
{
	sg_png_stretch s;

	s.q = q;
	s.stretch = stretch;
	s.minimum = minimum;
	return s;
}

/* Deterministic pseudo-random numbers in [0, 1). */
static double
uniform(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double) (*state >> 11) / 9007199254740992.0;
}

/* Roughly Gaussian noise (sum of 12 uniforms) of mean m and σ sigma. */
static float
noise(uint64_t *state, double m, double sigma)
{
	double		sum = 0;

	for (int i = 0; i < 12; i++)
		sum += uniform(state);
	return (float) (m + sigma * (sum - 6));
}

static void
test_defaults(void)
{
	sg_png_stretch s = sg_png_default_stretch();

	CHECK(s.q == 8);
	CHECK(isnan(s.stretch) && isnan(s.minimum));
}

static void
test_header(void)
{
	sg_image   *img = new_image(7, 4, 3, 1.0f);
	decoded		d;

	*px(img, RED, 3, 2) = 50;
	if (rgb(img, NULL, &d))
	{
		CHECK(d.width == 7 && d.height == 4);
		CHECK(d.colour_type == PNG_COLOR_TYPE_RGB && d.bit_depth == 8);
		CHECK(d.channels == 3);
		free(d.pix);
	}
	if (grey(img, NULL, &d))
	{
		CHECK(d.width == 7 && d.height == 4);
		CHECK(d.colour_type == PNG_COLOR_TYPE_GRAY && d.bit_depth == 8);
		CHECK(d.channels == 1);
		free(d.pix);
	}
	sg_free(img);
}

/* A source bright in one band only comes out in that band's colour. */
static void
test_brightest_band(void)
{
	sg_image   *img = new_image(9, 9, 3, 0);
	uint64_t	seed = 42;
	decoded		d;

	for (int b = 0; b < 3; b++)
		for (int i = 0; i < 81; i++)
			sg_image_band_pixels(img, b)[i] = noise(&seed, 10, 1);
	*px(img, RED, 2, 2) += 40;
	*px(img, GREEN, 4, 4) += 40;
	*px(img, BLUE, 6, 6) += 40;
	if (rgb(img, NULL, &d))
	{
		const unsigned char *r = at(&d, 2, 2);
		const unsigned char *g = at(&d, 4, 4);
		const unsigned char *b = at(&d, 6, 6);

		CHECK(r[0] > 200 && r[0] > 3 * r[1] && r[0] > 3 * r[2]);
		CHECK(g[1] > 200 && g[1] > 3 * g[0] && g[1] > 3 * g[2]);
		CHECK(b[2] > 200 && b[2] > 3 * b[0] && b[2] > 3 * b[1]);
		free(d.pix);
	}
	sg_free(img);
}

/* Image row 0 is the bottom PNG row; columns are not mirrored. */
static void
test_orientation(void)
{
	sg_image   *img = new_image(6, 4, 3, 0);
	sg_png_stretch s = params(8, 0.01, 0);
	decoded		d;

	for (int b = 0; b < 3; b++)
		*px(img, b, 1, 0) = 100;
	*px(img, RED, 5, 3) = 100;	/* top right, red */
	if (rgb(img, &s, &d))
	{
		CHECK(d.pix[((size_t) (d.height - 1) * d.width + 1) * 3] == 255);	/* last PNG row */
		CHECK(d.pix[(size_t) 1 * 3] == 0);	/* first PNG row is dark there */
		CHECK(d.pix[(size_t) 5 * 3] == 255);	/* first PNG row, column 5: red */
		CHECK(d.pix[(size_t) 5 * 3 + 1] == 0);
		CHECK(at(&d, 1, 0)[1] == 255 && at(&d, 0, 0)[0] == 0);
		free(d.pix);
	}
	for (int b = 0; b < 3; b++)
		*px(img, b, 5, 3) = 0;
	if (grey(img, &s, &d))
	{
		CHECK(d.pix[(size_t) (d.height - 1) * d.width + 1] == 255);
		CHECK(d.pix[1] == 0);
		free(d.pix);
	}
	sg_free(img);
}

/* Masked pixels are black, whatever the other bands hold. */
static void
test_nan_black(void)
{
	sg_image   *img = new_image(5, 5, 3, 20);
	sg_png_stretch s = params(8, 0.01, 0);
	decoded		d;

	*px(img, GREEN, 2, 3) = NAN;
	*px(img, RED, 0, 0) = NAN;
	if (rgb(img, &s, &d))
	{
		const unsigned char *m = at(&d, 2, 3);
		const unsigned char *o = at(&d, 1, 3);

		CHECK(m[0] == 0 && m[1] == 0 && m[2] == 0);
		CHECK(at(&d, 0, 0)[0] == 0 && at(&d, 0, 0)[2] == 0);
		CHECK(o[0] == 255 && o[1] == 255 && o[2] == 255);
		free(d.pix);
	}
	*px(img, BLUE, 4, 4) = NAN;
	if (grey(img, NULL, &d))	/* automatic: constant background → black */
	{
		CHECK(at(&d, 4, 4)[0] == 0);
		free(d.pix);
	}
	if (grey(img, &s, &d))
	{
		CHECK(at(&d, 4, 4)[0] == 0 && at(&d, 3, 4)[0] == 255);
		free(d.pix);
	}
	sg_free(img);
}

/* Every byte of a decoded image is zero. */
static bool
all_black(const decoded *d)
{
	for (size_t i = 0; i < (size_t) d->width * d->height * d->channels; i++)
		if (d->pix[i] != 0)
			return false;
	return true;
}

/* Constant and all-NaN images: a valid black PNG, no FP exceptions. */
static void
test_degenerate(void)
{
	sg_image   *con = new_image(8, 5, 3, 3.25f);
	sg_image   *nan = new_image(8, 5, 3, NAN);
	sg_image   *one = new_image(1, 1, 1, 7);
	decoded		d;

	feclearexcept(FE_ALL_EXCEPT);
	if (rgb(con, NULL, &d))
	{
		CHECK(d.width == 8 && d.height == 5 && all_black(&d));
		free(d.pix);
	}
	if (rgb(nan, NULL, &d))
	{
		CHECK(all_black(&d));
		free(d.pix);
	}
	if (grey(nan, NULL, &d))
	{
		CHECK(all_black(&d));
		free(d.pix);
	}
	if (grey(con, NULL, &d))
	{
		CHECK(all_black(&d));
		free(d.pix);
	}
	CHECK(!fetestexcept(FE_INVALID | FE_DIVBYZERO));
	if (grey(one, NULL, &d))
	{
		CHECK(d.width == 1 && d.height == 1 && all_black(&d));
		free(d.pix);
	}
	sg_free(con);
	sg_free(nan);
	sg_free(one);
}

/* A saturated source keeps its hue: pure red stays red, 2:1 stays 2:1. */
static void
test_saturation_hue(void)
{
	sg_image   *img = new_image(4, 2, 3, 0);
	sg_png_stretch s = params(8, 0.01, 0);
	decoded		d;

	*px(img, RED, 0, 0) = 1000;
	*px(img, RED, 1, 0) = 1000;
	*px(img, GREEN, 1, 0) = 500;
	*px(img, RED, 2, 0) = 1e6;
	*px(img, GREEN, 2, 0) = 1e6;
	*px(img, BLUE, 2, 0) = 1e6;
	*px(img, RED, 3, 1) = 0.002f;	/* faint: linear regime, not saturated */
	*px(img, GREEN, 3, 1) = 0.001f;
	if (rgb(img, &s, &d))
	{
		const unsigned char *red = at(&d, 0, 0);
		const unsigned char *orange = at(&d, 1, 0);
		const unsigned char *white = at(&d, 2, 0);
		const unsigned char *faint = at(&d, 3, 1);

		CHECK(red[0] == 255 && red[1] == 0 && red[2] == 0);
		CHECK(orange[0] == 255 && orange[1] == 128 && orange[2] == 0);
		CHECK(white[0] == 255 && white[1] == 255 && white[2] == 255);
		CHECK(faint[0] < 255 && faint[2] == 0);
		CHECK_CLOSE((double) faint[1] / faint[0], 0.5, 0.02);
		free(d.pix);
	}
	sg_free(img);
}

/* Bytes against hand-computed values of the documented formulas. */
static void
test_formula(void)
{
	sg_image   *img = new_image(3, 1, 3, 1);
	sg_png_stretch s = params(2, 10, 1);
	decoded		d;

	/* grey: asinh(2 × (6 - 1) / 10) / 2 = asinh(1) / 2 = 0.440687 → 112.38 */
	*px(img, 0, 0, 0) = 6;
	*px(img, 0, 1, 0) = 1;		/* at the minimum: black */
	*px(img, 0, 2, 0) = 0.5f;	/* below: black */
	if (grey(img, &s, &d))
	{
		CHECK(at(&d, 0, 0)[0] == 112);
		CHECK(at(&d, 0, 0)[0] == lround(255 * asinh(1.0) / 2));
		CHECK(at(&d, 1, 0)[0] == 0 && at(&d, 2, 0)[0] == 0);
		free(d.pix);
	}

	/*
	 * colour: r = 7, g = 4, b = 1 minus 1 → 6, 3, 0; I = 3;
	 * f(3) = asinh(0.6) / 2 = 0.284412; R = 6 f / 3 = 0.568825 → 145.05,
	 * G = 3 f / 3 = 0.284412 → 72.53, B = 0.
	 */
	*px(img, RED, 0, 0) = 7;
	*px(img, GREEN, 0, 0) = 4;
	*px(img, BLUE, 0, 0) = 1;
	if (rgb(img, &s, &d))
	{
		CHECK(at(&d, 0, 0)[0] == 145 && at(&d, 0, 0)[1] == 73 && at(&d, 0, 0)[2] == 0);
		free(d.pix);
	}
	sg_free(img);
}

/* Automatic minimum (median) and stretch (5 × 1.4826 × MAD) by hand. */
static void
test_auto_by_hand(void)
{
	sg_image   *img = new_image(5, 5, 1, 0);
	sg_image   *even = new_image(4, 1, 1, 0);
	sg_png_stretch s = sg_png_default_stretch();
	sg_png_stretch fixed = params(8, 1, NAN);
	decoded		d;

	/*
	 * values 0..24: median 12, |v - 12| has median 6, σ = 8.8956, stretch =
	 * 44.478; v = 24 → asinh(8 × 12 / 44.478) / 8 = 0.189033 → 48.2
	 */
	for (int i = 0; i < 25; i++)
		sg_image_band_pixels(img, 0)[i] = (float) i;
	if (grey(img, &s, &d))
	{
		CHECK(at(&d, 4, 4)[0] == 48);
		CHECK(at(&d, 2, 2)[0] == 0 && at(&d, 0, 0)[0] == 0);
		CHECK(at(&d, 3, 2)[0] == lround(255 * asinh(8 * 1 / (5 * 1.4826 * 6)) / 8));
		free(d.pix);
	}

	/* even count: median of 0, 1, 3, 10 is 2 */
	sg_image_band_pixels(even, 0)[0] = 10;
	sg_image_band_pixels(even, 0)[1] = 1;
	sg_image_band_pixels(even, 0)[2] = 3;
	sg_image_band_pixels(even, 0)[3] = 0;
	if (grey(even, &fixed, &d))
	{
		CHECK(at(&d, 1, 0)[0] == 0 && at(&d, 3, 0)[0] == 0);
		CHECK(at(&d, 2, 0)[0] == lround(255 * asinh(8.0) / 8));
		CHECK(at(&d, 0, 0)[0] == lround(255 * asinh(64.0) / 8));
		free(d.pix);
	}
	sg_free(img);
	sg_free(even);
}

/* A noise-free image (σ = 0) scales its brightest pixel to exactly white. */
static void
test_noise_free(void)
{
	sg_image   *img = new_image(9, 9, 3, 0);
	decoded		d;

	*px(img, 0, 4, 4) = 50;
	*px(img, 0, 4, 5) = 5;
	if (grey(img, NULL, &d))
	{
		CHECK(at(&d, 4, 4)[0] == 255 && at(&d, 4, 5)[0] > 0 && at(&d, 4, 5)[0] < 255);
		CHECK(at(&d, 0, 0)[0] == 0);
		free(d.pix);
	}
	for (int b = 0; b < 3; b++)
		*px(img, b, 4, 4) = 50;
	if (rgb(img, NULL, &d))
	{
		CHECK(at(&d, 4, 4)[0] == 255 && at(&d, 4, 4)[1] == 255 && at(&d, 4, 4)[2] == 255);
		CHECK(at(&d, 0, 0)[0] == 0);
		free(d.pix);
	}
	sg_free(img);
}

static int
cmp_float(const void *a, const void *b)
{
	float		x = *(const float *) a;
	float		y = *(const float *) b;

	return (x > y) - (x < y);
}

/* Median by sorting, with the same arithmetic as the library. */
static double
sorted_median(float *v, size_t n)
{
	qsort(v, n, sizeof(float), cmp_float);
	if (n % 2)
		return v[n / 2];
	return 0.5 * ((double) v[n / 2 - 1] + v[n / 2]);
}

/* 5 × 1.4826 × MAD of v, by sorting. */
static double
sorted_stretch(float *v, size_t n)
{
	double		med = sorted_median(v, n);

	for (size_t i = 0; i < n; i++)
		v[i] = (float) fabs((double) v[i] - med);
	return 5 * (1.4826 * sorted_median(v, n));
}

/* Both PNGs decode to the same pixels. */
static bool
same_pixels(const decoded *a, const decoded *b)
{
	return a->width == b->width && a->height == b->height && a->channels == b->channels &&
		memcmp(a->pix, b->pix, (size_t) a->width * a->height * a->channels) == 0;
}

/* Automatic parameters equal explicit ones computed by sorting. */
static void
test_auto_matches_sorting(void)
{
	const int	nx = 61,
				ny = 40,
				n = nx * ny;
	sg_image   *img = new_image(nx, ny, 3, 0);
	float	   *v = malloc(sizeof(float) * n);
	uint64_t	seed = 7;
	double		minimum[3];
	size_t		m = 0;
	decoded		a,
				b;

	for (int band = 0; band < 3; band++)
		for (int i = 0; i < n; i++)
			/* integer-valued: many ties for the selection */
			sg_image_band_pixels(img, band)[i] = roundf(noise(&seed, 100 + band, 3));
	*px(img, BLUE, 3, 3) = NAN;
	*px(img, RED, 30, 20) += 500;
	for (int band = 0; band < 3; band++)
	{
		const float *p = sg_image_band_pixels(img, band);

		m = 0;
		for (int i = 0; i < n; i++)
			if (isfinite(p[i]))
				v[m++] = p[i];
		minimum[band] = sorted_median(v, m);
	}
	/* one minimum for all bands in the explicit call: the bands agree here */
	CHECK(minimum[0] == 100 && minimum[1] == 101 && minimum[2] == 102);
	for (int band = 0; band < 3; band++)
		for (int i = 0; i < n; i++)
			sg_image_band_pixels(img, band)[i] -= (float) band;
	m = 0;
	for (int i = 0; i < n; i++)
	{
		double		s = 0;
		bool		ok = true;

		for (int band = 0; band < 3; band++)
		{
			ok = ok && isfinite(sg_image_band_pixels(img, band)[i]);
			s += sg_image_band_pixels(img, band)[i];
		}
		if (ok)
			v[m++] = (float) (s / 3);
	}
	{
		sg_png_stretch explicit = params(8, sorted_stretch(v, m), 100);
		sg_png_stretch automatic = sg_png_default_stretch();

		CHECK(explicit.stretch > 5 && explicit.stretch < 20);
		if (rgb(img, &automatic, &a))
		{
			if (rgb(img, &explicit, &b))
			{
				CHECK(same_pixels(&a, &b));
				CHECK(at(&a, 30, 20)[0] == 255);
				free(b.pix);
			}
			free(a.pix);
		}
	}
	free(v);
	sg_free(img);
}

/* Greyscale automatic parameters equal explicit ones computed by sorting. */
static void
test_grey_auto_matches_sorting(void)
{
	const int	n = 97 * 31;
	sg_image   *img = new_image(97, 31, 1, 0);
	float	   *p = sg_image_band_pixels(img, 0);
	float	   *v = malloc(sizeof(float) * n);
	uint64_t	seed = 99;
	size_t		m = 0;
	double		med;
	decoded		a,
				b;

	for (int i = 0; i < n; i++)
		p[i] = noise(&seed, -3.5, 0.25);
	p[17] = NAN;
	for (int i = 0; i < n; i++)
		if (isfinite(p[i]))
			v[m++] = p[i];
	med = sorted_median(v, m);
	{
		sg_png_stretch explicit = params(3, sorted_stretch(v, m), med);
		sg_png_stretch automatic = params(3, NAN, NAN);

		if (grey(img, &automatic, &a))
		{
			if (grey(img, &explicit, &b))
			{
				CHECK(same_pixels(&a, &b));
				free(b.pix);
			}
			free(a.pix);
		}
	}
	free(v);
	sg_free(img);
}

/* Bad parameters and band indices fail with SG_ERR_VALUE. */
static void
test_errors(void)
{
	sg_image   *img = new_image(4, 4, 3, 1);
	sg_status	st;
	size_t		len = 99;
	sg_png_stretch s;

	sg_status_clear(&st);
	s = params(0, NAN, NAN);
	CHECK(sg_png_rgb(img, 0, 1, 2, &s, &len, &st) == NULL && len == 0);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "q");
	sg_status_clear(&st);
	s = params(-1, NAN, NAN);
	CHECK(sg_png_grey(img, 0, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter q");
	sg_status_clear(&st);
	s = params(NAN, NAN, NAN);
	CHECK(sg_png_rgb(img, 0, 1, 2, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter q");
	sg_status_clear(&st);
	s = params(INFINITY, NAN, NAN);
	CHECK(sg_png_rgb(img, 0, 1, 2, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter q");
	sg_status_clear(&st);
	s = params(8, 0, NAN);
	CHECK(sg_png_rgb(img, 0, 1, 2, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter stretch");
	sg_status_clear(&st);
	s = params(8, INFINITY, NAN);
	CHECK(sg_png_grey(img, 0, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter stretch");
	sg_status_clear(&st);
	s = params(8, NAN, -INFINITY);
	CHECK(sg_png_grey(img, 0, &s, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "parameter minimum");

	sg_status_clear(&st);
	CHECK(sg_png_rgb(img, 0, 1, 3, NULL, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "red band index 3");
	sg_status_clear(&st);
	CHECK(sg_png_rgb(img, -1, 1, 2, NULL, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "blue band index -1");
	sg_status_clear(&st);
	CHECK(sg_png_grey(img, 3, NULL, &len, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "band index 3");

	/* the same band three times is allowed: a grey composite */
	{
		unsigned char *png;
		decoded		d;

		*px(img, 1, 2, 2) = 30;
		sg_status_clear(&st);
		png = sg_png_rgb(img, 1, 1, 1, NULL, &len, &st);
		CHECK(png != NULL && st.code == SG_OK);
		if (png && decode(png, len, &d))
		{
			const unsigned char *c = at(&d, 2, 2);

			CHECK(c[0] == 255 && c[1] == 255 && c[2] == 255);
			free(d.pix);
		}
		sg_free(png);
	}
	sg_free(img);
}

/* Extreme but valid parameters give finite, sensible bytes. */
static void
test_extreme_parameters(void)
{
	sg_image   *img = new_image(3, 1, 3, 0);
	double		qs[] = {1e-300, 1e-6, 1e6, 1e300};
	double		stretches[] = {DBL_MIN / 4, 1e-300, 1e300, DBL_MAX};
	decoded		d;

	for (int b = 0; b < 3; b++)
		*px(img, b, 0, 0) = 3e38f;
	*px(img, RED, 1, 0) = 1e-38f;
	*px(img, GREEN, 2, 0) = -3e38f;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
		{
			sg_png_stretch s = params(qs[i], stretches[j], j % 2 ? 0 : -1e308);

			if (rgb(img, &s, &d))
			{
				/* a grey source stays grey at any brightness */
				CHECK(at(&d, 0, 0)[0] == at(&d, 0, 0)[1] && at(&d, 0, 0)[1] == at(&d, 0, 0)[2]);
				free(d.pix);
			}
			if (grey(img, &s, &d))
				free(d.pix);
		}
	sg_free(img);
}

static long live_blocks;
static long budget;

static void *
counting_alloc(size_t size, void *ctx)
{
	void	   *p;

	(void) ctx;
	if (budget-- <= 0)
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		live_blocks++;
	return p;
}

static void *
counting_realloc(void *ptr, size_t size, void *ctx)
{
	(void) ctx;
	if (budget-- <= 0)
		return NULL;
	return realloc(ptr, size ? size : 1);
}

static void
counting_free(void *ptr, void *ctx)
{
	(void) ctx;
	if (ptr)
		live_blocks--;
	free(ptr);
}

/*
 * Fail the n-th allocation for every n until the call succeeds: each failure
 * is SG_ERR_NOMEM and leaves no core allocation behind (this also covers
 * libpng's longjmp out of the write callback).
 */
static void
test_out_of_memory(void)
{
	sg_allocator counting = {counting_alloc, counting_realloc, counting_free, NULL};
	sg_image   *img = new_image(300, 200, 3, 0);
	uint64_t	seed = 3;
	int			failures = 0;
	bool		clean = true;

	for (int b = 0; b < 3; b++)
		for (int i = 0; i < 300 * 200; i++)
			sg_image_band_pixels(img, b)[i] = noise(&seed, 0, 1);	/* poorly compressible */
	sg_set_allocator(&counting);
	for (int colour = 0; colour < 2; colour++)
		for (long n = 0; n < 10000; n++)
		{
			sg_status	st;
			size_t		len;
			void	   *png;

			sg_status_clear(&st);
			live_blocks = 0;
			budget = n;
			png = colour ? sg_png_rgb(img, 0, 1, 2, NULL, &len, &st)
				: sg_png_grey(img, 2, NULL, &len, &st);
			if (png != NULL)
			{
				sg_free(png);
				clean = clean && live_blocks == 0;
				break;
			}
			failures++;
			clean = clean && st.code == SG_ERR_NOMEM && live_blocks == 0;
		}
	sg_set_allocator(NULL);
	CHECK(failures > 10);
	CHECK(clean);
	sg_free(img);
}

int
main(void)
{
	test_defaults();
	test_header();
	test_brightest_band();
	test_orientation();
	test_nan_black();
	test_degenerate();
	test_saturation_hue();
	test_formula();
	test_auto_by_hand();
	test_noise_free();
	test_auto_matches_sorting();
	test_grey_auto_matches_sorting();
	test_errors();
	test_extreme_parameters();
	test_out_of_memory();
	return UNIT_REPORT("png");
}
