/*
 * image_wire.c — binary wire form of an sgimage (send/recv).
 *
 * All integers and IEEE floats big-endian:
 *   uint16 version, uint16 flags, int32 nx, int32 ny, int32 nbands,
 *   float64 pixel_scale, float64 ra, float64 dec,
 *   per band: uint8 name length, name bytes, float64 zeropoint,
 *             float64 psf_fwhm, float64 noise_sigma,
 *   then nbands*ny*nx float32 pixels.  Nothing may follow.
 */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/image_wire.h"

typedef struct writer
{
	unsigned char *p;
} writer;

static void
put_u16(writer *w, uint16_t v)
{
	*w->p++ = v >> 8;
	*w->p++ = v & 0xff;
}

static void
put_u32(writer *w, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		*w->p++ = (v >> s) & 0xff;
}

static void
put_f64(writer *w, double d)
{
	uint64_t	v;

	memcpy(&v, &d, 8);
	for (int s = 56; s >= 0; s -= 8)
		*w->p++ = (v >> s) & 0xff;
}

static void
put_f32(writer *w, float f)
{
	uint32_t	v;

	memcpy(&v, &f, 4);
	put_u32(w, v);
}

void *
sg_image_to_wire(const sg_image *img, size_t *len, sg_status *st)
{
	size_t		n = sg_image_npixels(img);
	size_t		size = 2 + 2 + 12 + 24 + n * 4;
	unsigned char *buf;
	writer		w;
	const float *pix = sg_image_pixels(img);

	for (int b = 0; b < img->nbands; b++)
		size += 1 + strlen(img->bands[b].name) + 24;
	buf = sg_malloc(size);
	if (buf == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory encoding an sgimage");
		return NULL;
	}
	w.p = buf;
	put_u16(&w, img->version);
	put_u16(&w, img->flags);
	put_u32(&w, (uint32_t) img->nx);
	put_u32(&w, (uint32_t) img->ny);
	put_u32(&w, (uint32_t) img->nbands);
	put_f64(&w, img->pixel_scale);
	put_f64(&w, img->ra);
	put_f64(&w, img->dec);
	for (int b = 0; b < img->nbands; b++)
	{
		size_t		nl = strlen(img->bands[b].name);

		*w.p++ = (unsigned char) nl;
		memcpy(w.p, img->bands[b].name, nl);
		w.p += nl;
		put_f64(&w, img->bands[b].zeropoint);
		put_f64(&w, img->bands[b].psf_fwhm);
		put_f64(&w, img->bands[b].noise_sigma);
	}
	for (size_t i = 0; i < n; i++)
		put_f32(&w, pix[i]);
	*len = size;
	return buf;
}

typedef struct reader
{
	const unsigned char *p;
	const unsigned char *end;
	bool		short_read;
} reader;

static bool
need(reader *r, size_t n)
{
	if ((size_t) (r->end - r->p) < n)
	{
		r->short_read = true;
		return false;
	}
	return true;
}

static uint16_t
get_u16(reader *r)
{
	uint16_t	v;

	if (!need(r, 2))
		return 0;
	v = (uint16_t) ((r->p[0] << 8) | r->p[1]);
	r->p += 2;
	return v;
}

static uint32_t
get_u32(reader *r)
{
	uint32_t	v = 0;

	if (!need(r, 4))
		return 0;
	for (int i = 0; i < 4; i++)
		v = (v << 8) | *r->p++;
	return v;
}

static double
get_f64(reader *r)
{
	uint64_t	v = 0;
	double		d;

	if (!need(r, 8))
		return NAN;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | *r->p++;
	memcpy(&d, &v, 8);
	return d;
}

/* Read the fixed header and allocate the image it describes. */
static sg_image *
read_fixed_header(reader *r, sg_status *st)
{
	uint16_t	version = get_u16(r);
	uint16_t	flags = get_u16(r);
	int32_t		nx = (int32_t) get_u32(r);
	int32_t		ny = (int32_t) get_u32(r);
	int32_t		nb = (int32_t) get_u32(r);
	double		scale = get_f64(r);
	double		ra = get_f64(r);
	double		dec = get_f64(r);
	sg_image   *img;

	if (r->short_read)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage binary data truncated in the header");
		return NULL;
	}
	if (version != SG_IMAGE_VERSION)
	{
		sg_fail(st, SG_ERR_BINARY, "unsupported sgimage binary version %u (this build reads version %d)",
				version, SG_IMAGE_VERSION);
		return NULL;
	}
	if (flags & ~SG_FLAG_HAS_CENTER)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage binary data has unknown flags 0x%x", flags);
		return NULL;
	}
	if (!sg_image_check_shape(nx, ny, nb, st))
		return NULL;
	/* the pixels must be present before we allocate room for them */
	if ((size_t) (r->end - r->p) < (size_t) nx * ny * nb * 4)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage binary data truncated: %zu bytes left for %d x %d x %d pixels",
				(size_t) (r->end - r->p), nx, ny, nb);
		return NULL;
	}
	img = sg_image_new(nx, ny, nb, scale, st);
	if (img != NULL && (flags & SG_FLAG_HAS_CENTER) && !sg_image_set_center(img, ra, dec, st))
	{
		sg_free(img);
		return NULL;
	}
	return img;
}

static bool
read_bands(reader *r, sg_image *img, sg_status *st)
{
	for (int b = 0; b < img->nbands; b++)
	{
		char		name[256];
		size_t		nl;

		if (!need(r, 1))
			break;
		nl = *r->p++;
		if (!need(r, nl))
			break;
		memcpy(name, r->p, nl);
		name[nl] = '\0';
		r->p += nl;
		if (strlen(name) != nl || !sg_image_set_band_name(img, b, name, st))
		{
			sg_fail(st, SG_ERR_BINARY, "band %d has an invalid name", b + 1);
			return false;
		}
		if (sg_image_find_band(img, name) != b)
		{
			sg_fail(st, SG_ERR_VALUE, "band name \"%s\" appears twice", name);
			return false;
		}
		img->bands[b].zeropoint = get_f64(r);
		img->bands[b].psf_fwhm = get_f64(r);
		img->bands[b].noise_sigma = get_f64(r);
	}
	if (r->short_read)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage binary data truncated in the band table");
		return false;
	}
	/* the full header check validates the metadata values */
	return sg_image_check_header(img, sg_image_size(img), true, st);
}

sg_image *
sg_image_from_wire(const unsigned char *buf, size_t len, sg_status *st)
{
	reader		r = {buf, buf + len, false};
	sg_image   *img = read_fixed_header(&r, st);
	float	   *pix;
	size_t		n;

	if (img == NULL)
		return NULL;
	if (!read_bands(&r, img, st))
	{
		sg_free(img);
		return NULL;
	}
	n = sg_image_npixels(img);
	if ((size_t) (r.end - r.p) != n * 4)
	{
		sg_fail(st, SG_ERR_BINARY, "sgimage binary data has %zu pixel bytes, expected %zu",
				(size_t) (r.end - r.p), n * 4);
		sg_free(img);
		return NULL;
	}
	pix = sg_image_pixels(img);
	for (size_t i = 0; i < n; i++)
	{
		uint32_t	v = get_u32(&r);

		memcpy(&pix[i], &v, 4);
	}
	if (!sg_image_check_pixels(img, st))
	{
		sg_free(img);
		return NULL;
	}
	return img;
}
