/*
 * make_fits_seeds.c — writes the seed corpus of fuzz_fits into a directory:
 * two files from sg_fits_write and two built with cfitsio to reach the
 * reader's other paths (extensions, tables, scaled integers, CDELT/PC WCS).
 * Run once when the reader changes:
 *
 *   make core
 *   cc -std=c11 -D_DEFAULT_SOURCE -Iinclude test/fuzz/make_fits_seeds.c \
 *      build/libsglens_core.a -lcfitsio -lpng -lm -o build/make_fits_seeds
 *   build/make_fits_seeds test/fuzz/corpus/fits
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fitsio.h>

#include "sglens/alloc.h"
#include "sglens/fits.h"

/* Write len bytes to dir/name; false on failure. */
static bool
save(const char *dir, const char *name, const void *buf, size_t len)
{
	char		path[4096];
	FILE	   *out;
	bool		ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = fopen(path, "wb");
	if (out == NULL)
		return false;
	ok = fwrite(buf, 1, len, out) == len;
	return fclose(out) == 0 && ok;
}

/* A small image with a few special pixels. */
static sg_image *
small_image(int nx, int ny, int nbands, bool centre)
{
	static const char *const names[] = {"g", "r", "i"};
	sg_status	st;
	sg_image   *img;
	float	   *pix;

	sg_status_clear(&st);
	img = sg_image_new(nx, ny, nbands, 0.2, &st);
	if (img == NULL)
		return NULL;
	pix = sg_image_pixels(img);
	for (size_t i = 0; i < sg_image_npixels(img); i++)
		pix[i] = (float) i * 0.5f - 3.0f;
	pix[1] = NAN;
	for (int b = 0; b < nbands; b++)
	{
		sg_image_set_band_name(img, b, names[b], &st);
		img->bands[b].zeropoint = 22.5;
		img->bands[b].psf_fwhm = 0.8 + b * 0.1;
	}
	if (centre)
		sg_image_set_center(img, 359.99, -30.5, &st);
	return img;
}

/* Save an image written by sg_fits_write. */
static bool
save_written(const char *dir, const char *name, sg_image *img)
{
	sg_status	st;
	size_t		len = 0;
	void	   *buf;
	bool		ok;

	sg_status_clear(&st);
	buf = img ? sg_fits_write(img, &len, &st) : NULL;
	ok = buf != NULL && save(dir, name, buf, len);
	sg_free(buf);
	sg_free(img);
	return ok;
}

/* Close a memory file and save it. */
static bool
save_memfile(const char *dir, const char *name, fitsfile *f, void **mem, int *status)
{
	LONGLONG	head;
	LONGLONG	data;
	LONGLONG	end = 0;

	fits_get_hduaddrll(f, &head, &data, &end, status);
	fits_close_file(f, status);
	return *status == 0 && save(dir, name, *mem, (size_t) end);
}

/* Empty primary, a float image, a table, a scaled int16 image with BLANK. */
static bool
save_extensions(const char *dir)
{
	static char *ttype[] = {"FLUX"};
	static char *tform[] = {"1E"};
	long		naxes[2] = {5, 4};
	float		f32[20];
	short		i16[20];
	void	   *mem = malloc(2880);
	size_t		size = 2880;
	fitsfile   *f = NULL;
	int			status = 0;
	bool		ok;

	for (int i = 0; i < 20; i++)
	{
		f32[i] = (float) i / 3.0f;
		i16[i] = (short) (i * 100 - 1000);
	}
	i16[7] = -32768;
	fits_create_memfile(&f, &mem, &size, 2880, realloc, &status);
	fits_create_img(f, BYTE_IMG, 0, NULL, &status);
	fits_create_img(f, FLOAT_IMG, 2, naxes, &status);
	fits_write_key_str(f, "CTYPE1", "RA---TAN", NULL, &status);
	fits_write_key_str(f, "CTYPE2", "DEC--TAN", NULL, &status);
	fits_write_key_dbl(f, "CRVAL1", 10.5, -17, NULL, &status);
	fits_write_key_dbl(f, "CRVAL2", 41.2, -17, NULL, &status);
	fits_write_key_dbl(f, "CRPIX1", 1.0, -17, NULL, &status);
	fits_write_key_dbl(f, "CRPIX2", 1.0, -17, NULL, &status);
	fits_write_key_dbl(f, "CD1_1", -5e-5, -17, NULL, &status);
	fits_write_key_dbl(f, "CD2_2", 5e-5, -17, NULL, &status);
	fits_write_key_str(f, "FILTER", "g DECam SDSS c0001", NULL, &status);
	fits_write_key_dbl(f, "MAGZP", 30.0, -17, NULL, &status);
	fits_write_img(f, TFLOAT, 1, 20, f32, &status);
	fits_create_tbl(f, BINARY_TBL, 0, 1, ttype, tform, NULL, "CAT", &status);
	fits_create_img(f, SHORT_IMG, 2, naxes, &status);
	fits_write_key_dbl(f, "BSCALE", 0.25, -17, NULL, &status);
	fits_write_key_dbl(f, "BZERO", 10.0, -17, NULL, &status);
	fits_write_key_lng(f, "BLANK", -32768, NULL, &status);
	fits_write_key_str(f, "BAND", "r", NULL, &status);
	fits_write_key_dbl(f, "SKYSIG", 0.02, -17, NULL, &status);
	fits_set_bscale(f, 1.0, 0.0, &status);
	fits_write_img(f, TSHORT, 1, 20, i16, &status);
	ok = save_memfile(dir, "extensions.fits", f, &mem, &status);
	free(mem);
	return ok;
}

/* An int32 image with a CDELT + PC, SIN WCS and FK5 frame. */
static bool
save_cdelt_pc(const char *dir)
{
	long		naxes[2] = {6, 3};
	int			i32[18];
	void	   *mem = malloc(2880);
	size_t		size = 2880;
	fitsfile   *f = NULL;
	int			status = 0;
	bool		ok;

	for (int i = 0; i < 18; i++)
		i32[i] = i * i - 40;
	fits_create_memfile(&f, &mem, &size, 2880, realloc, &status);
	fits_create_img(f, LONG_IMG, 2, naxes, &status);
	fits_write_key_str(f, "CTYPE1", "RA---SIN", NULL, &status);
	fits_write_key_str(f, "CTYPE2", "DEC--SIN", NULL, &status);
	fits_write_key_dbl(f, "CRVAL1", 200.0, -17, NULL, &status);
	fits_write_key_dbl(f, "CRVAL2", 89.9, -17, NULL, &status);
	fits_write_key_dbl(f, "CRPIX1", 3.5, -17, NULL, &status);
	fits_write_key_dbl(f, "CRPIX2", 2.0, -17, NULL, &status);
	fits_write_key_dbl(f, "CDELT1", -1e-4, -17, NULL, &status);
	fits_write_key_dbl(f, "CDELT2", 1e-4, -17, NULL, &status);
	fits_write_key_dbl(f, "PC1_1", 0.8, -17, NULL, &status);
	fits_write_key_dbl(f, "PC1_2", -0.6, -17, NULL, &status);
	fits_write_key_dbl(f, "PC2_1", 0.6, -17, NULL, &status);
	fits_write_key_dbl(f, "PC2_2", 0.8, -17, NULL, &status);
	fits_write_key_str(f, "RADESYS", "FK5", NULL, &status);
	fits_write_key_dbl(f, "EQUINOX", 2000.0, -17, NULL, &status);
	fits_write_key_dbl(f, "SEEING", 1.1, -17, NULL, &status);
	fits_write_img(f, TINT, 1, 18, i32, &status);
	ok = save_memfile(dir, "cdelt_pc.fits", f, &mem, &status);
	free(mem);
	return ok;
}

int
main(int argc, char **argv)
{
	if (argc != 2)
	{
		fprintf(stderr, "usage: make_fits_seeds DIR\n");
		return 2;
	}
	if (!save_written(argv[1], "one_band.fits", small_image(9, 7, 1, true)) ||
		!save_written(argv[1], "cube_no_centre.fits", small_image(6, 5, 3, false)) ||
		!save_extensions(argv[1]) || !save_cdelt_pc(argv[1]))
	{
		fprintf(stderr, "make_fits_seeds: could not write the seeds\n");
		return 1;
	}
	return 0;
}
