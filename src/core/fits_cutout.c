/*
 * fits_cutout.c — cut a stamp out of a large 2-D FITS tile on disk, reading
 * only the rows and columns the stamp needs.
 *
 * The stamp's centre pixel (index (size-1)/2, 0-based) is the tile pixel
 * nearest the target; the stamp's sky centre is the world position of its
 * geometric centre, the same point the FITS writer puts at CRPIX.  Tile
 * files are configured by the administrator, so tile-compressed images are
 * accepted here.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "fits_internal.h"
#include "sglens/alloc.h"

/* The part of the tile a stamp covers, in 1-based tile pixels. */
typedef struct cutout_box
{
	long		x0;				/* tile column of stamp column 0 */
	long		y0;				/* tile row of stamp row 0 */
	long		first[3];		/* overlap with the tile, inclusive */
	long		last[3];
} cutout_box;

/* Open a tile file without cfitsio's extended filename syntax (see fits_internal.h). */
fitsfile *
sg_fits_open_tile(const char *path, sg_status *st)
{
	struct stat sb;
	fitsfile   *f = NULL;
	int			status = 0;

	if (stat(path, &sb) != 0)
	{
		int			err = errno;

		sg_fail(st, SG_ERR_IO, "could not open the FITS tile file");
		sg_fail_detail(st, "%s", strerror(err));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode))
	{
		sg_fail(st, SG_ERR_IO, "the FITS tile is not a regular file");
		return NULL;
	}
	if (fits_open_diskfile(&f, path, READONLY, &status) > 0)
	{
		/* cfitsio's message stack names the path: leave it out */
		if (status == FILE_NOT_OPENED)
			sg_fits_fail(st, SG_ERR_IO, status, false, "could not open the FITS tile file");
		else
			sg_fits_fail(st, SG_ERR_BINARY, status, false, "the tile is not a readable FITS file");
		sg_fits_close(f);
		return NULL;
	}
	return f;
}

/* True if the current HDU holds a 2-D image. */
static bool
is_2d_image(const sg_fits_dims *dims)
{
	return dims->naxis >= 2 && dims->nplanes == 1;
}

/* Move to the requested HDU, or the first 2-D image when hdu is 0 (see fits_internal.h). */
bool
sg_fits_select_image(fitsfile *f, int hdu, sg_fits_dims *dims, sg_status *st)
{
	for (int h = hdu > 0 ? hdu : 1; h <= SG_FITS_MAX_HDUS; h++)
	{
		int			status = 0;
		int			type;

		if (fits_movabs_hdu(f, h, &type, &status) > 0)
		{
			if (status == END_OF_FILE || status == BAD_HDU_NUM)
			{
				fits_clear_errmsg();
				if (hdu > 0)
					sg_fail(st, SG_ERR_NOT_FOUND, "HDU %d does not exist in the FITS tile", hdu);
				else
					sg_fail(st, SG_ERR_NOT_FOUND, "the FITS tile has no 2-D image");
			}
			else
				sg_fits_fail(st, SG_ERR_BINARY, status, true,
							 "malformed FITS tile: cannot read HDU %d", h);
			return false;
		}
		if (!sg_fits_image_dims(f, dims, st))
			return false;
		if (is_2d_image(dims))
			return true;
		if (hdu > 0)
		{
			sg_fail(st, SG_ERR_VALUE, "HDU %d of the FITS tile is not a 2-D image", hdu);
			return false;
		}
	}
	sg_fail(st, SG_ERR_NOT_FOUND, "the FITS tile has no 2-D image in its first %d HDUs",
			SG_FITS_MAX_HDUS);
	return false;
}

/* One axis of the box: stamp start and overlap with 1..n; false if none. */
static bool
box_axis(double target, int size, long n, long *start, long *first, long *last)
{
	double		nearest = floor(target + 0.5);
	double		lo = nearest - (size - 1) / 2;
	double		hi = lo + size - 1;

	if (!(lo <= (double) n && hi >= 1.0))
		return false;
	*start = (long) lo;
	*first = (long) fmax(lo, 1.0);
	*last = (long) fmin(hi, (double) n);
	return true;
}

/* The stamp around (ra, dec) and its overlap with the tile. */
static bool
locate(const sg_fits_wcs *wcs, const sg_fits_dims *dims, double ra, double dec,
	   int size, cutout_box *box, sg_status *st)
{
	double		x;
	double		y;

	if (sg_fits_world_to_pix(wcs, ra, dec, &x, &y) != 0 ||
		!box_axis(x, size, dims->nx, &box->x0, &box->first[0], &box->last[0]) ||
		!box_axis(y, size, dims->ny, &box->y0, &box->first[1], &box->last[1]))
	{
		fits_clear_errmsg();
		sg_fail(st, SG_ERR_OUT_OF_FOOTPRINT,
				"position (%.6f, %.6f) is outside the FITS tile", ra, dec);
		return false;
	}
	box->first[2] = box->last[2] = 1;
	return true;
}

/* Read the overlap into the stamp; the rest stays NaN. */
static bool
fill_stamp(fitsfile *f, const sg_fits_dims *dims, const cutout_box *box, sg_image *img,
		   sg_status *st)
{
	long		w = box->last[0] - box->first[0] + 1;
	long		h = box->last[1] - box->first[1] + 1;
	float	   *pix = sg_image_pixels(img);
	float	   *tmp = sg_malloc((size_t) w * (size_t) h * sizeof(float));

	if (tmp == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory reading a %ld x %ld section", w, h);
		return false;
	}
	for (size_t i = 0; i < sg_image_npixels(img); i++)
		pix[i] = NAN;
	if (!sg_fits_read_section(f, dims, box->first, box->last, tmp, st))
	{
		sg_free(tmp);
		return false;
	}
	for (long r = 0; r < h; r++)
		memcpy(pix + (box->first[1] - box->y0 + r) * img->nx + (box->first[0] - box->x0),
			   tmp + r * w, (size_t) w * sizeof(float));
	sg_free(tmp);
	return true;
}

/* Cut the stamp from an open tile. */
static sg_image *
cut(fitsfile *f, int hdu, double ra, double dec, int size, const char *band_name,
	sg_status *st)
{
	sg_fits_dims dims;
	sg_fits_wcs wcs;
	cutout_box	box;
	sg_image   *img;
	double		scale;

	if (!sg_fits_select_image(f, hdu, &dims, st) || !sg_fits_read_wcs(f, &wcs, st))
		return NULL;
	if (!wcs.celestial)
	{
		sg_fail(st, SG_ERR_VALUE, "the FITS tile has no celestial WCS");
		return NULL;
	}
	if (!sg_fits_pixel_scale(f, &wcs, NAN, &scale, st) ||
		!locate(&wcs, &dims, ra, dec, size, &box, st))
		return NULL;
	img = sg_image_new(size, size, 1, scale, st);
	if (img == NULL)
		return NULL;
	sg_fits_band_keywords(f, 0, &img->bands[0]);
	if (!fill_stamp(f, &dims, &box, img, st) ||
		!sg_fits_set_center(img, &wcs, box.x0 + (size - 1) / 2.0, box.y0 + (size - 1) / 2.0, st) ||
		!sg_fits_name_band(img, 0, band_name, st) || !sg_image_check_pixels(img, st))
	{
		sg_free(img);
		return NULL;
	}
	return img;
}

/* Cut a size × size stamp around (ra, dec) out of a FITS tile (see fits.h). */
sg_image *
sg_fits_cutout(const char *path, int hdu, double ra, double dec, int size,
			   const char *band_name, sg_status *st)
{
	fitsfile   *f;
	sg_image   *img;

	if (band_name != NULL && band_name[0] == '\0')
		band_name = NULL;
	if (path == NULL || path[0] == '\0')
	{
		sg_fail(st, SG_ERR_VALUE, "a FITS tile path is required");
		return NULL;
	}
	if (hdu < 0)
	{
		sg_fail(st, SG_ERR_VALUE, "HDU number must be 0 (first image) or positive, got %d", hdu);
		return NULL;
	}
	if (!(isfinite(ra) && isfinite(dec) && fabs(dec) <= 90))
	{
		sg_fail(st, SG_ERR_VALUE, "invalid sky position (%g, %g)", ra, dec);
		return NULL;
	}
	if (!sg_image_check_shape(size, size, 1, st) ||
		(band_name != NULL && !sg_band_name_valid(band_name, st)))
		return NULL;
	f = sg_fits_open_tile(path, st);
	if (f == NULL)
		return NULL;
	img = cut(f, hdu, ra, dec, size, band_name, st);
	sg_fits_close(f);
	return img;
}
