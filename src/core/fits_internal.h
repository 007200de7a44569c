/*
 * fits_internal.h — helpers shared by fits_read.c, fits_write.c and
 * fits_cutout.c: cfitsio error text, image dimensions, the celestial WCS,
 * band keywords and pixel reading.  Not part of the public interface.
 */
#ifndef SGLENS_FITS_INTERNAL_H
#define SGLENS_FITS_INTERNAL_H

#include <stdbool.h>

#include <fitsio.h>

#include "sglens/fits.h"

/* Most HDUs we visit in one file (guards against files of empty HDUs). */
#define SG_FITS_MAX_HDUS 1000

/* Format version written in the SGLENSV keyword. */
#define SG_FITS_FORMAT_VERSION 1

/* Shape of the image in the current HDU. */
typedef struct sg_fits_dims
{
	int			bitpix;			/* physical BITPIX (negative: floating point) */
	int			naxis;			/* 0 when the HDU has no pixels */
	long		nx;
	long		ny;
	long		nplanes;		/* NAXIS3, or 1 */
	bool		compressed;		/* a tile-compressed image */
} sg_fits_dims;

/*
 * A celestial WCS reduced to what we need: a supported zenithal projection
 * of RA/Dec with a reference point and a linear CD matrix (degrees/pixel).
 * Pixel coordinates are FITS ones: 1-based, (1,1) the centre of the first
 * pixel.
 */
typedef struct sg_fits_wcs
{
	bool		celestial;		/* false: no usable celestial WCS */
	char		proj[5];		/* cfitsio projection code, e.g. "-TAN" */
	double		crval[2];		/* degrees */
	double		crpix[2];
	double		cd[2][2];		/* degrees per pixel */
	double		cdinv[2][2];
	double		scale;			/* arcsec/pixel, sqrt(|det CD|) * 3600 */
} sg_fits_wcs;

/*
 * Record a cfitsio failure: the message from fmt, and in the detail the text
 * of status (and, when stack is true, cfitsio's error messages).
 */
void		sg_fits_fail(sg_status *st, sg_code code, int status, bool stack,
						 const char *fmt,...)
			__attribute__((format(printf, 5, 6)));

/*
 * Open a FITS tile file on disk read-only, as a plain file name (cfitsio's
 * extended filename syntax is not interpreted); only regular files.
 */
fitsfile   *sg_fits_open_tile(const char *path, sg_status *st);

/*
 * Move to HDU hdu (1-based) of a tile, which must hold a 2-D image, or to
 * the first HDU holding one when hdu is 0; dims gets its shape.
 */
bool		sg_fits_select_image(fitsfile *f, int hdu, sg_fits_dims *dims, sg_status *st);

/* Close a file (NULL allowed), ignoring errors, and clear cfitsio's messages. */
void		sg_fits_close(fitsfile *f);

/* Move to HDU hdu (1-based); a failure is malformed data. */
bool		sg_fits_move(fitsfile *f, int hdu, sg_status *st);

/* Shape of the image in the current HDU; naxis = 0 if it has no pixels. */
bool		sg_fits_image_dims(fitsfile *f, sg_fits_dims *dims, sg_status *st);

/* Read the celestial WCS of the current HDU (celestial = false if none). */
bool		sg_fits_read_wcs(fitsfile *f, sg_fits_wcs *wcs, sg_status *st);

/* Sky position of FITS pixel (x, y); returns a cfitsio status (0 = ok). */
int			sg_fits_pix_to_world(const sg_fits_wcs *wcs, double x, double y,
								 double *ra, double *dec);

/* FITS pixel of a sky position; returns a cfitsio status (0 = ok). */
int			sg_fits_world_to_pix(const sg_fits_wcs *wcs, double ra, double dec,
								 double *x, double *y);

/*
 * Pixel scale in arcsec: the given one unless NaN, else the PIXSCALE keyword
 * when it agrees with the WCS (or there is no WCS), else the WCS scale.
 */
bool		sg_fits_pixel_scale(fitsfile *f, const sg_fits_wcs *wcs, double given,
								double *scale, sg_status *st);

/* Set the image centre to the sky position of FITS pixel (x, y). */
bool		sg_fits_set_center(sg_image *img, const sg_fits_wcs *wcs, double x,
							   double y, sg_status *st);

/* Keyword name: root, or root followed by the cube plane number (plane > 0). */
void		sg_fits_key_name(char key[FLEN_KEYWORD], const char *root, int plane);

/*
 * Band metadata from the current header: plane 0 reads the keywords of a
 * 2-D image (BAND, FILTER, MAGZP, ...), plane n >= 1 those of cube plane n
 * (BANDn, ZPn, ...).  name gets a valid band name or "" if none was found;
 * unknown or unusable values are NaN.
 */
void		sg_fits_band_keywords(fitsfile *f, int plane, sg_band *band);

/*
 * Name band b: the given name if not NULL, else the name found in the
 * keywords (already in the band), else "b<b+1>".
 */
bool		sg_fits_name_band(sg_image *img, int b, const char *given,
							  sg_status *st);

/*
 * Read pixels [x1..x2] × [y1..y2] × [p1..p2] (1-based, inclusive) of the
 * current image as floats into dst.  BSCALE/BZERO are applied, BLANK
 * integers become NaN, floating-point pixels are copied bit for bit.
 */
bool		sg_fits_read_section(fitsfile *f, const sg_fits_dims *dims,
								 const long first[3], const long last[3],
								 float *dst, sg_status *st);

#endif
