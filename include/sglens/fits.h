/*
 * fits.h — FITS input and output of sgimages through cfitsio, in memory, and
 * cutouts from large survey tile files on disk.
 */
#ifndef SGLENS_FITS_H
#define SGLENS_FITS_H

#include "sglens/image.h"

/* Largest FITS buffer we accept in memory (bytes). */
#define SG_FITS_MAX_BYTES ((size_t) 512 * 1024 * 1024)

typedef struct sg_fits_read_options
{
	const char *const *band_names;	/* names for the bands, or NULL */
	int			nband_names;	/* must equal the band count when given */
	double		pixel_scale;	/* arcsec/pixel; NaN = take it from the WCS */
} sg_fits_read_options;

/*
 * Read a FITS file held in memory.  Every image HDU with data becomes one
 * band (2-D) or one band per plane (3-D); all must share nx × ny.  Pixel
 * scale and centre come from the first image's WCS (CD matrix or CDELT),
 * band names from BANDn / FILTER / BAND keywords unless given.
 */
sg_image   *sg_fits_read(const void *buf, size_t len,
						 const sg_fits_read_options *opt, sg_status *st);

/*
 * Write an image as a FITS cube (NAXIS3 = nbands, or 2-D for one band) with a
 * TAN WCS centred on the stamp when its centre is known, and per-band
 * keywords.  Returns an sg_malloc'd buffer and its length.
 */
void	   *sg_fits_write(const sg_image *img, size_t *len, sg_status *st);

/*
 * Cut a size × size stamp centred on (ra, dec) out of a 2-D FITS tile file,
 * reading only the rows and columns needed.  Pixels outside the tile are
 * NaN.  hdu is 1-based (0 = first HDU with an image).  The caller has
 * already checked that the path is allowed; extended filename syntax is not
 * interpreted.
 */
sg_image   *sg_fits_cutout(const char *path, int hdu, double ra, double dec,
						   int size, const char *band_name, sg_status *st);

#endif
