/*
 * fits_read.c — read a FITS file held in memory into an sgimage.
 *
 * Two passes over the HDUs: the first checks every image's size against the
 * documented limits, and that its data is present, before anything is
 * allocated; the second reads pixels and band keywords.
 *
 * The input is untrusted.  cfitsio (4.2) reads whole 2880-byte records and
 * its memory driver does not check the buffer end, so a buffer whose length
 * is not a multiple of 2880 is copied into a zero-padded one; and since a
 * truncated image would then be read from that padding (or, for whole
 * records, fail), every image's data extent is checked against the real
 * length first.  Each header is checked before cfitsio parses it: only
 * printable ASCII, and plain integers for the structural keywords (BITPIX,
 * NAXISn, PCOUNT, GCOUNT, TFIELDS <= 999, THEAP).  Otherwise cfitsio 4.2
 * parses a binary table whose NAXIS1 is, e.g., "h 4" or holds a NUL byte
 * with an uninitialised count and calls calloc with an absurd size.
 * Tile-compressed images are refused: cfitsio's decompressors are a large
 * attack surface for untrusted uploads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fits_internal.h"
#include "sglens/alloc.h"

/* Which HDUs hold the bands. */
typedef struct read_plan
{
	int			nhdus;
	int			hdu[SG_MAX_BANDS];	/* HDU numbers, 1-based */
	sg_fits_dims dims[SG_MAX_BANDS];
	int			nbands;
	long		nx;
	long		ny;
} read_plan;

/* True if the bytes from offset end to len are only zero or blank fill. */
static bool
only_fill_after(const void *buf, size_t len, LONGLONG end)
{
	const unsigned char *bytes = buf;

	for (size_t i = end < 0 ? 0 : (size_t) end; i < len; i++)
		if (bytes[i] != 0 && bytes[i] != ' ')
			return false;
	return true;
}

/* FITS records are 2880 bytes of 80-byte header cards. */
#define FITS_BLOCK 2880
#define FITS_CARD 80

/* Largest NAXIS and TFIELDS the FITS standard allows. */
#define FITS_MAX_COUNT 999

/* Keywords that shape an HDU; cfitsio misbehaves if their values are bad. */
static bool
structural_keyword(const unsigned char *card)
{
	static const char *const names[] = {
		"BITPIX  ", "NAXIS   ", "PCOUNT  ", "GCOUNT  ", "TFIELDS ", "THEAP   ", NULL
	};

	for (int i = 0; names[i] != NULL; i++)
		if (memcmp(card, names[i], 8) == 0)
			return true;
	/* NAXISn */
	if (memcmp(card, "NAXIS", 5) != 0 || card[5] < '1' || card[5] > '9')
		return false;
	for (int i = 6; i < 8; i++)
		if (card[i] != ' ' && (card[i] < '0' || card[i] > '9'))
			return false;
	return true;
}

/* The card's value as a plain integer ("= [sign]digits [/ comment]"). */
static bool
integer_value(const unsigned char *card, long long *value)
{
	char		text[24];
	size_t		n = 0;
	int			i = 10;
	int			digits = 0;

	if (card[8] != '=' || card[9] != ' ')
		return false;
	while (i < FITS_CARD && card[i] == ' ')
		i++;
	if (i < FITS_CARD && (card[i] == '+' || card[i] == '-'))
		text[n++] = (char) card[i++];
	for (; i < FITS_CARD && card[i] >= '0' && card[i] <= '9'; i++, digits++)
		if (digits < 18)
			text[n++] = (char) card[i];
	while (i < FITS_CARD && card[i] == ' ')
		i++;
	if (digits == 0 || digits > 18 || (i < FITS_CARD && card[i] != '/'))
		return false;
	text[n] = '\0';
	*value = strtoll(text, NULL, 10);
	return true;
}

/* A structural keyword with a value cfitsio can use safely. */
static bool
structural_value_ok(const unsigned char *card)
{
	long long	v;

	if (!integer_value(card, &v))
		return false;
	if (memcmp(card, "BITPIX  ", 8) == 0)
		return true;
	if (memcmp(card, "NAXIS   ", 8) == 0 || memcmp(card, "TFIELDS ", 8) == 0)
		return v >= 0 && v <= FITS_MAX_COUNT;
	return v >= 0;
}

/*
 * Check the header of HDU hdu, starting at byte start, before cfitsio
 * parses it.  A header without END is left to cfitsio to report.
 */
static bool
header_ok(const void *buf, size_t len, LONGLONG start, int hdu, sg_status *st)
{
	const unsigned char *bytes = buf;

	for (size_t pos = (size_t) start; start >= 0 && pos + FITS_CARD <= len; pos += FITS_CARD)
	{
		const unsigned char *card = bytes + pos;

		for (int i = 0; i < FITS_CARD; i++)
			if (card[i] < 32 || card[i] > 126)
			{
				sg_fail(st, SG_ERR_BINARY, "malformed FITS data: the header of HDU %d contains byte 0x%02x; headers must be printable ASCII",
						hdu, card[i]);
				return false;
			}
		if (structural_keyword(card) && !structural_value_ok(card))
		{
			int			keylen = 8;

			while (card[keylen - 1] == ' ')
				keylen--;
			sg_fail(st, SG_ERR_BINARY, "malformed FITS data: HDU %d has an invalid %.*s value",
					hdu, keylen, (const char *) card);
			return false;
		}
		if (memcmp(card, "END     ", 8) == 0)
			break;
	}
	return true;
}

/* Add the image of HDU hdu to the plan, checking its size first. */
static bool
plan_add(read_plan *plan, int hdu, const sg_fits_dims *dims, LONGLONG data_start,
		 size_t len, sg_status *st)
{
	LONGLONG	data_bytes;

	if (dims->compressed)
	{
		sg_fail(st, SG_ERR_VALUE, "HDU %d holds a tile-compressed image, which is not supported; uncompress it first (e.g. funpack)",
				hdu);
		return false;
	}
	if (!sg_image_check_shape(dims->nx, dims->ny, dims->nplanes, st))
		return false;
	if (plan->nhdus > 0 && (dims->nx != plan->nx || dims->ny != plan->ny))
	{
		sg_fail(st, SG_ERR_VALUE, "HDU %d is %ld x %ld pixels but HDU %d is %ld x %ld; all images must have the same size",
				hdu, dims->nx, dims->ny, plan->hdu[0], plan->nx, plan->ny);
		return false;
	}
	if (!sg_image_check_shape(dims->nx, dims->ny, plan->nbands + dims->nplanes, st))
		return false;
	data_bytes = (LONGLONG) dims->nx * dims->ny * dims->nplanes * (abs(dims->bitpix) / 8);
	if (data_start < 0 || data_start + data_bytes > (LONGLONG) len)
	{
		sg_fail(st, SG_ERR_BINARY, "truncated FITS data: the image of HDU %d ends at byte %lld but the data has %zu bytes",
				hdu, (long long) (data_start + data_bytes), len);
		return false;
	}
	plan->hdu[plan->nhdus] = hdu;
	plan->dims[plan->nhdus] = *dims;
	plan->nhdus++;
	plan->nbands += (int) dims->nplanes;
	plan->nx = dims->nx;
	plan->ny = dims->ny;
	return true;
}

/* First pass: find the image HDUs and check their sizes. */
static bool
plan_hdus(fitsfile *f, const void *buf, size_t len, read_plan *plan, sg_status *st)
{
	LONGLONG	end = 0;

	memset(plan, 0, sizeof(*plan));
	for (int hdu = 1;; hdu++)
	{
		LONGLONG	head;
		LONGLONG	data;
		sg_fits_dims dims;
		int			status = 0;
		int			type;

		/* the end, unless something other than fill follows the last HDU */
		if (hdu > 1 && only_fill_after(buf, len, end))
			break;
		if (hdu > SG_FITS_MAX_HDUS)
		{
			sg_fail(st, SG_ERR_LIMIT, "FITS data has more than %d HDUs", SG_FITS_MAX_HDUS);
			return false;
		}
		if (hdu > 1 && !header_ok(buf, len, end, hdu, st))
			return false;
		if (fits_movabs_hdu(f, hdu, &type, &status) > 0)
		{
			sg_fits_fail(st, SG_ERR_BINARY, status, true,
						 "malformed or truncated FITS data: cannot read HDU %d", hdu);
			return false;
		}
		if (fits_get_hduaddrll(f, &head, &data, &end, &status) > 0)
		{
			sg_fits_fail(st, SG_ERR_BINARY, status, true,
						 "malformed FITS data: cannot locate HDU %d", hdu);
			return false;
		}
		if (!sg_fits_image_dims(f, &dims, st))
			return false;
		if (dims.naxis != 0 && !plan_add(plan, hdu, &dims, data, len, st))
			return false;
	}
	fits_clear_errmsg();
	if (plan->nbands == 0)
	{
		sg_fail(st, SG_ERR_VALUE, "FITS data contains no image");
		return false;
	}
	return true;
}

/* Second pass: pixels and band keywords of every planned HDU. */
static bool
read_bands(fitsfile *f, const read_plan *plan, sg_image *img, sg_status *st)
{
	int			b = 0;

	for (int i = 0; i < plan->nhdus; i++)
	{
		const sg_fits_dims *dims = &plan->dims[i];
		long		first[3] = {1, 1, 1};
		long		last[3] = {dims->nx, dims->ny, dims->nplanes};

		if (!sg_fits_move(f, plan->hdu[i], st) ||
			!sg_fits_read_section(f, dims, first, last, sg_image_band_pixels(img, b), st))
			return false;
		for (int p = 0; p < dims->nplanes; p++)
			sg_fits_band_keywords(f, dims->naxis >= 3 ? p + 1 : 0, &img->bands[b + p]);
		b += (int) dims->nplanes;
	}
	return true;
}

/* Band names from the options, the keywords or b1, b2, ...; all distinct. */
static bool
name_bands(sg_image *img, const sg_fits_read_options *opt, sg_status *st)
{
	for (int b = 0; b < img->nbands; b++)
	{
		const char *given = opt->band_names ? opt->band_names[b] : NULL;

		if (opt->band_names && given == NULL)
		{
			sg_fail(st, SG_ERR_VALUE, "band name %d is null", b + 1);
			return false;
		}
		if (!sg_fits_name_band(img, b, given, st))
			return false;
		for (int o = 0; o < b; o++)
			if (strcmp(img->bands[o].name, img->bands[b].name) == 0)
			{
				sg_fail(st, SG_ERR_VALUE, "band name \"%s\" appears twice", img->bands[b].name);
				return false;
			}
	}
	return true;
}

/* Plan, then build the image from an open file. */
static sg_image *
read_image(fitsfile *f, const void *buf, size_t len, const sg_fits_read_options *opt,
		   sg_status *st)
{
	read_plan	plan;
	sg_fits_wcs wcs;
	sg_image   *img;
	double		scale;

	if (!plan_hdus(f, buf, len, &plan, st))
		return NULL;
	if (opt->band_names && opt->nband_names != plan.nbands)
	{
		sg_fail(st, SG_ERR_VALUE, "%d band names given for a FITS file with %d bands",
				opt->nband_names, plan.nbands);
		return NULL;
	}
	/* pixel scale and centre come from the first image's WCS */
	if (!sg_fits_move(f, plan.hdu[0], st) || !sg_fits_read_wcs(f, &wcs, st) ||
		!sg_fits_pixel_scale(f, &wcs, opt->pixel_scale, &scale, st))
		return NULL;
	img = sg_image_new((int) plan.nx, (int) plan.ny, plan.nbands, scale, st);
	if (img == NULL)
		return NULL;
	if ((wcs.celestial &&
		 !sg_fits_set_center(img, &wcs, (plan.nx + 1) / 2.0, (plan.ny + 1) / 2.0, st)) ||
		!read_bands(f, &plan, img, st) || !name_bands(img, opt, st) ||
		!sg_image_check_pixels(img, st))
	{
		sg_free(img);
		return NULL;
	}
	return img;
}

/* Open a memory buffer; mem and memsize must outlive the file. */
static fitsfile *
open_memory(void **mem, size_t *memsize, sg_status *st)
{
	fitsfile   *f = NULL;
	int			status = 0;

	if (fits_open_memfile(&f, "sglens.fits", READONLY, mem, memsize, 0, NULL, &status) > 0)
	{
		sg_fits_fail(st, SG_ERR_BINARY, status, true, "not a readable FITS file");
		sg_fits_close(f);
		return NULL;
	}
	return f;
}

/* Read a FITS file held in memory (see fits.h). */
sg_image *
sg_fits_read(const void *buf, size_t len, const sg_fits_read_options *opt, sg_status *st)
{
	sg_fits_read_options defaults = {NULL, 0, NAN};
	void	   *padded = NULL;
	void	   *mem = (void *) buf; /* cfitsio never writes a READONLY file */
	size_t		memsize = len;
	fitsfile   *f;
	sg_image   *img = NULL;

	if (opt == NULL)
		opt = &defaults;
	if (buf == NULL || len == 0)
	{
		sg_fail(st, SG_ERR_BINARY, "FITS data is empty");
		return NULL;
	}
	if (len > SG_FITS_MAX_BYTES)
	{
		sg_fail(st, SG_ERR_LIMIT, "FITS data of %zu bytes exceeds the limit of %zu bytes",
				len, SG_FITS_MAX_BYTES);
		return NULL;
	}
	if (len % FITS_BLOCK != 0)
	{
		memsize = (len / FITS_BLOCK + 1) * FITS_BLOCK;
		padded = sg_calloc(memsize);
		if (padded == NULL)
		{
			sg_fail(st, SG_ERR_NOMEM, "out of memory copying %zu bytes of FITS data", len);
			return NULL;
		}
		memcpy(padded, buf, len);
		mem = padded;
	}
	if (!header_ok(buf, len, 0, 1, st))
	{
		sg_free(padded);
		return NULL;
	}
	f = open_memory(&mem, &memsize, st);
	if (f != NULL)
		img = read_image(f, buf, len, opt, st);
	sg_fits_close(f);
	sg_free(padded);
	return img;
}
