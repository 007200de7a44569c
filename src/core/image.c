/* image.c — layout, validation and metadata of the flat sgimage buffer. */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/image.h"

_Static_assert(sizeof(sg_image) == 48, "sg_image header must be 48 bytes");
_Static_assert(sizeof(sg_band) == 40, "sg_band must be 40 bytes");

size_t
sg_image_header_size(int nbands)
{
	return sizeof(sg_image) + (size_t) nbands * sizeof(sg_band);
}

bool
sg_image_check_shape(long nx, long ny, long nbands, sg_status *st)
{
	if (nx < 1 || ny < 1)
	{
		sg_fail(st, SG_ERR_VALUE, "image dimensions must be positive, got %ld x %ld",
				nx, ny);
		return false;
	}
	if (nbands < 1)
	{
		sg_fail(st, SG_ERR_VALUE, "an image needs at least one band, got %ld", nbands);
		return false;
	}
	if (nx > SG_MAX_SIDE || ny > SG_MAX_SIDE)
	{
		sg_fail(st, SG_ERR_LIMIT, "image size %ld x %ld exceeds the limit of %d pixels per side",
				nx, ny, SG_MAX_SIDE);
		return false;
	}
	if (nbands > SG_MAX_BANDS)
	{
		sg_fail(st, SG_ERR_LIMIT, "%ld bands exceed the limit of %d bands",
				nbands, SG_MAX_BANDS);
		return false;
	}
	if ((long long) nx * ny * nbands > SG_MAX_PIXELS)
	{
		sg_fail(st, SG_ERR_LIMIT, "%lld pixels exceed the limit of %d pixels per image",
				(long long) nx * ny * nbands, SG_MAX_PIXELS);
		return false;
	}
	return true;
}

size_t
sg_image_total_size(int nx, int ny, int nbands)
{
	size_t		npix;

	if (nx < 1 || ny < 1 || nbands < 1 || nx > SG_MAX_SIDE || ny > SG_MAX_SIDE ||
		nbands > SG_MAX_BANDS)
		return 0;
	npix = (size_t) nx * (size_t) ny * (size_t) nbands;
	if (npix > SG_MAX_PIXELS)
		return 0;
	/* round the pixel block up to 8 bytes so the whole size is 8-aligned */
	return sg_image_header_size(nbands) + ((npix * sizeof(float) + 7) & ~(size_t) 7);
}

static void
band_reset(sg_band *band)
{
	memset(band->name, 0, sizeof(band->name));
	band->zeropoint = NAN;
	band->psf_fwhm = NAN;
	band->noise_sigma = NAN;
}

sg_image *
sg_image_new(int nx, int ny, int nbands, double pixel_scale, sg_status *st)
{
	sg_image   *img;
	size_t		size;

	if (!sg_image_check_shape(nx, ny, nbands, st))
		return NULL;
	if (!(isfinite(pixel_scale) && pixel_scale > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "pixel scale must be a positive number of arcsec per pixel, got %g",
				pixel_scale);
		return NULL;
	}
	size = sg_image_total_size(nx, ny, nbands);
	img = sg_calloc(size);
	if (img == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory allocating a %d x %d x %d image",
				nx, ny, nbands);
		return NULL;
	}
	img->version = SG_IMAGE_VERSION;
	img->nx = nx;
	img->ny = ny;
	img->nbands = nbands;
	img->pixel_scale = pixel_scale;
	img->ra = NAN;
	img->dec = NAN;
	for (int b = 0; b < nbands; b++)
		band_reset(&img->bands[b]);
	return img;
}

float *
sg_image_pixels(const sg_image *img)
{
	return (float *) ((char *) img + sg_image_header_size(img->nbands));
}

float *
sg_image_band_pixels(const sg_image *img, int b)
{
	return sg_image_pixels(img) + (size_t) b * img->nx * img->ny;
}

size_t
sg_image_npixels(const sg_image *img)
{
	return (size_t) img->nx * img->ny * img->nbands;
}

size_t
sg_image_size(const sg_image *img)
{
	return sg_image_total_size(img->nx, img->ny, img->nbands);
}

bool
sg_band_name_valid(const char *name, sg_status *st)
{
	size_t		len = strlen(name);

	if (len == 0 || len >= SG_BAND_NAME_LEN)
	{
		sg_fail(st, SG_ERR_VALUE, "band name \"%.40s\" must have 1 to %d characters",
				name, SG_BAND_NAME_LEN - 1);
		return false;
	}
	for (size_t i = 0; i < len; i++)
	{
		char		c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-'))
		{
			sg_fail(st, SG_ERR_VALUE, "band name \"%.40s\" may only contain letters, digits and _.+-",
					name);
			return false;
		}
	}
	return true;
}

bool
sg_image_set_band_name(sg_image *img, int b, const char *name, sg_status *st)
{
	if (!sg_band_name_valid(name, st))
		return false;
	memset(img->bands[b].name, 0, SG_BAND_NAME_LEN);
	memcpy(img->bands[b].name, name, strlen(name));
	return true;
}

int
sg_image_find_band(const sg_image *img, const char *name)
{
	for (int b = 0; b < img->nbands; b++)
		if (strcmp(img->bands[b].name, name) == 0)
			return b;
	return -1;
}

bool
sg_image_set_center(sg_image *img, double ra, double dec, sg_status *st)
{
	if (!(isfinite(ra) && ra >= 0 && ra < 360))
	{
		sg_fail(st, SG_ERR_VALUE, "ra must be in [0, 360) degrees, got %.17g", ra);
		return false;
	}
	if (!(isfinite(dec) && dec >= -90 && dec <= 90))
	{
		sg_fail(st, SG_ERR_VALUE, "dec must be in [-90, 90] degrees, got %.17g", dec);
		return false;
	}
	img->ra = ra;
	img->dec = dec;
	img->flags |= SG_FLAG_HAS_CENTER;
	return true;
}

/* Metadata value that may be unknown (NaN) but never infinite. */
static bool
check_optional(double v, const char *what, int b, bool positive, sg_status *st)
{
	if (isnan(v))
		return true;
	if (!isfinite(v) || (positive && v <= 0))
	{
		sg_fail(st, SG_ERR_VALUE, "band %d: %s must be %s, got %g", b + 1, what,
				positive ? "a positive number or unknown" : "finite or unknown", v);
		return false;
	}
	return true;
}

bool
sg_image_check_header(const sg_image *img, size_t len, bool whole, sg_status *st)
{
	size_t		need;

	if (len < sizeof(sg_image))
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage data truncated: %zu bytes is shorter than the header",
				len);
		return false;
	}
	if (img->version != SG_IMAGE_VERSION)
	{
		sg_fail(st, SG_ERR_BINARY, "unsupported sgimage format version %u (this build reads version %d)",
				img->version, SG_IMAGE_VERSION);
		return false;
	}
	if (img->flags & ~SG_FLAG_HAS_CENTER || img->reserved != 0)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage header has unknown flags");
		return false;
	}
	if (!sg_image_check_shape(img->nx, img->ny, img->nbands, st))
		return false;
	need = whole ? sg_image_total_size(img->nx, img->ny, img->nbands)
		: sg_image_header_size(img->nbands);
	if ((whole && len != need) || (!whole && len < need))
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage data has %zu bytes, expected %zu for %d x %d x %d",
				len, need, img->nx, img->ny, img->nbands);
		return false;
	}
	if (!(isfinite(img->pixel_scale) && img->pixel_scale > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "pixel scale must be positive, got %g", img->pixel_scale);
		return false;
	}
	if (img->flags & SG_FLAG_HAS_CENTER)
	{
		sg_image	probe = *img;

		if (!sg_image_set_center(&probe, img->ra, img->dec, st))
			return false;
	}
	for (int b = 0; b < img->nbands; b++)
	{
		const sg_band *band = &img->bands[b];

		if (memchr(band->name, '\0', SG_BAND_NAME_LEN) == NULL)
		{
			sg_fail(st, SG_ERR_BINARY, "band %d: name is not terminated", b + 1);
			return false;
		}
		if (!sg_band_name_valid(band->name, st))
			return false;
		for (int o = 0; o < b; o++)
			if (strcmp(img->bands[o].name, band->name) == 0)
			{
				sg_fail(st, SG_ERR_VALUE, "band name \"%s\" appears twice", band->name);
				return false;
			}
		if (!check_optional(band->zeropoint, "zero point", b, false, st) ||
			!check_optional(band->psf_fwhm, "PSF FWHM", b, true, st) ||
			!check_optional(band->noise_sigma, "noise sigma", b, true, st))
			return false;
	}
	return true;
}

bool
sg_image_check_pixels(const sg_image *img, sg_status *st)
{
	const float *pix = sg_image_pixels(img);
	size_t		n = sg_image_npixels(img);

	for (size_t i = 0; i < n; i++)
		if (isinf(pix[i]))
		{
			size_t		plane = (size_t) img->nx * img->ny;

			sg_fail(st, SG_ERR_VALUE, "pixel (band %zu, row %zu, column %zu; counted from 1) is infinite; use NaN to mask a pixel",
					i / plane + 1, (i % plane) / img->nx + 1, i % img->nx + 1);
			return false;
		}
	return true;
}

sg_image *
sg_image_copy(const sg_image *img, sg_status *st)
{
	size_t		size = sg_image_size(img);
	sg_image   *out = sg_malloc(size);

	if (out == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory copying an image");
		return NULL;
	}
	memcpy(out, img, size);
	return out;
}

bool
sg_image_equal(const sg_image *a, const sg_image *b)
{
	size_t		size = sg_image_size(a);

	if (size != sg_image_size(b))
		return false;
	/* skip the host length word */
	return memcmp((const char *) a + 4, (const char *) b + 4, size - 4) == 0;
}
