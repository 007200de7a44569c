/*
 * fits_write.c — write an sgimage as a FITS file in memory.
 *
 * One band: a 2-D image with BAND, ZP, PSF_FWHM, NOISE; several bands: a cube
 * (NAXIS3 = nbands) with BANDn, ZPn, FWHMn, NOISEn.  BITPIX -32, pixels
 * written bit for bit.  A known centre gives a north-up, east-left TAN WCS
 * whose reference pixel is the stamp centre; PIXSCALE always holds the exact
 * pixel scale.  Doubles are written with 17 significant digits, so
 * sg_fits_read gives back the same image.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fits_internal.h"
#include "sglens/alloc.h"

/* Significant digits for doubles in keywords (negative: %G format). */
#define EXACT_DIGITS (-17)

/* Write a double keyword unless the value is unknown (NaN). */
static void
put_double(fitsfile *f, const char *key, double value, const char *comment, int *status)
{
	if (!isnan(value))
		fits_write_key_dbl(f, key, value, EXACT_DIGITS, comment, status);
}

/* Write a string keyword. */
static void
put_string(fitsfile *f, const char *key, const char *value, const char *comment,
		   int *status)
{
	fits_write_key_str(f, key, value, comment, status);
}

/* TAN WCS with the reference pixel at the stamp centre, north up, east left. */
static void
put_wcs(fitsfile *f, const sg_image *img, int *status)
{
	double		deg = img->pixel_scale / 3600.0;

	put_string(f, "CTYPE1", "RA---TAN", "gnomonic projection", status);
	put_string(f, "CTYPE2", "DEC--TAN", "gnomonic projection", status);
	put_string(f, "CUNIT1", "deg", NULL, status);
	put_string(f, "CUNIT2", "deg", NULL, status);
	put_double(f, "CRPIX1", (img->nx + 1) / 2.0, "stamp centre", status);
	put_double(f, "CRPIX2", (img->ny + 1) / 2.0, "stamp centre", status);
	put_double(f, "CRVAL1", img->ra, "[deg] RA of the stamp centre", status);
	put_double(f, "CRVAL2", img->dec, "[deg] Dec of the stamp centre", status);
	put_double(f, "CD1_1", -deg, NULL, status);
	put_double(f, "CD1_2", 0.0, NULL, status);
	put_double(f, "CD2_1", 0.0, NULL, status);
	put_double(f, "CD2_2", deg, NULL, status);
	put_string(f, "RADESYS", "ICRS", NULL, status);
	put_double(f, "EQUINOX", 2000.0, NULL, status);
}

/* Per-band keywords, in the names sg_fits_read looks for first. */
static void
put_bands(fitsfile *f, const sg_image *img, int *status)
{
	bool		cube = img->nbands > 1;

	for (int b = 0; b < img->nbands; b++)
	{
		const sg_band *band = &img->bands[b];
		int			plane = cube ? b + 1 : 0;
		char		key[FLEN_KEYWORD];

		sg_fits_key_name(key, "BAND", plane);
		put_string(f, key, band->name, "band name", status);
		sg_fits_key_name(key, "ZP", plane);
		put_double(f, key, band->zeropoint, "AB magnitude of flux 1", status);
		sg_fits_key_name(key, cube ? "FWHM" : "PSF_FWHM", plane);
		put_double(f, key, band->psf_fwhm, "[arcsec] PSF FWHM", status);
		sg_fits_key_name(key, "NOISE", plane);
		put_double(f, key, band->noise_sigma, "background sigma per pixel", status);
	}
}

/* Create the image HDU, its keywords and its pixels. */
static void
put_image(fitsfile *f, const sg_image *img, int *status)
{
	long		naxes[3] = {img->nx, img->ny, img->nbands};

	fits_create_img(f, FLOAT_IMG, img->nbands > 1 ? 3 : 2, naxes, status);
	fits_write_key_lng(f, "SGLENSV", SG_FITS_FORMAT_VERSION, "sglens FITS layout version",
					   status);
	if (img->flags & SG_FLAG_HAS_CENTER)
		put_wcs(f, img, status);
	put_double(f, "PIXSCALE", img->pixel_scale, "[arcsec/pixel] pixel scale", status);
	put_bands(f, img, status);
	/* cfitsio converts through its own buffer: our pixels are not modified */
	fits_write_img(f, TFLOAT, 1, (LONGLONG) sg_image_npixels(img),
				   (void *) sg_image_pixels(img), status);
}

/* Copy the first len bytes of cfitsio's buffer into an sg_malloc'd one. */
static void *
copy_out(const void *mem, size_t len, sg_status *st)
{
	void	   *out = sg_malloc(len);

	if (out == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a FITS file of %zu bytes", len);
		return NULL;
	}
	memcpy(out, mem, len);
	return out;
}

/* Write an image as FITS in memory (see fits.h). */
void *
sg_fits_write(const sg_image *img, size_t *len, sg_status *st)
{
	size_t		data_bytes = sg_image_npixels(img) * sizeof(float);
	size_t		memsize = 4 * 2880 + (data_bytes + 2879) / 2880 * 2880;
	void	   *mem;
	void	   *out = NULL;
	fitsfile   *f = NULL;
	LONGLONG	head = 0;
	LONGLONG	data = 0;
	LONGLONG	end = 0;
	int			status = 0;
	int			close_status = 0;

	if (!sg_image_check_header(img, sg_image_size(img), true, st))
		return NULL;
	/* cfitsio grows this buffer with realloc, so it is not sg_malloc'd */
	mem = calloc(1, memsize);	/* zeroed: cfitsio scans fill bytes it has not written */
	if (mem == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a FITS file of %zu bytes", memsize);
		return NULL;
	}
	fits_create_memfile(&f, &mem, &memsize, 1 << 20, realloc, &status);
	put_image(f, img, &status);
	fits_get_hduaddrll(f, &head, &data, &end, &status);
	if (f != NULL)
		fits_close_file(f, &close_status);
	if (status == 0)
		status = close_status;
	if (status > 0 || end <= 0 || (size_t) end > memsize)
		sg_fits_fail(st, status == MEMORY_ALLOCATION ? SG_ERR_NOMEM : SG_ERR_INTERNAL,
					 status, true, "cannot write the image as FITS");
	else
	{
		out = copy_out(mem, (size_t) end, st);
		if (out != NULL)
			*len = (size_t) end;
	}
	fits_clear_errmsg();
	free(mem);
	return out;
}
