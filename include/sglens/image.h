/*
 * image.h — the multi-band stamp ("sgimage") of the core library.
 *
 * An image is one flat, self-contained buffer: a fixed header, a table of
 * band metadata, then nbands × ny × nx float32 pixels (band-major, then
 * row-major; row 0 is the bottom row, as in FITS).  The same bytes are the
 * PostgreSQL datum: the first 4 bytes are reserved for the host's length
 * word, which the core never reads.  Sizes are multiples of 8, so pixels are
 * 8-byte aligned.  Byte order is the machine's (like every PostgreSQL type);
 * the text and binary wire forms are portable.
 *
 * Unknown metadata values are NaN.  NaN pixels mean "masked"; ±Inf pixels are
 * never stored.
 */
#ifndef SGLENS_IMAGE_H
#define SGLENS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sglens/status.h"

#define SG_IMAGE_VERSION 1

/* Documented limits (see docs/sgimage.md). */
#define SG_MAX_BANDS 16
#define SG_BAND_NAME_LEN 16		/* bytes including the terminating NUL */
#define SG_MAX_SIDE 8192		/* pixels along x or y */
#define SG_MAX_PIXELS (32 * 1024 * 1024)	/* nx*ny*nbands: 128 MiB of data */

#define SG_FLAG_HAS_CENTER 0x0001

typedef struct sg_band
{
	char		name[SG_BAND_NAME_LEN];
	double		zeropoint;		/* AB magnitude of flux 1; NaN = unknown */
	double		psf_fwhm;		/* arcsec; NaN = unknown */
	double		noise_sigma;	/* background σ per pixel, pixel units; NaN = unknown */
} sg_band;

typedef struct sg_image
{
	uint32_t	host_length;	/* reserved for the host (varlena length) */
	uint16_t	version;		/* SG_IMAGE_VERSION */
	uint16_t	flags;			/* SG_FLAG_* */
	int32_t		nx;				/* columns */
	int32_t		ny;				/* rows */
	int32_t		nbands;
	int32_t		reserved;		/* zero */
	double		pixel_scale;	/* arcsec per pixel, > 0 */
	double		ra;				/* degrees, ICRS, of the stamp centre (if flagged) */
	double		dec;
	sg_band		bands[];		/* nbands entries, then the pixels */
} sg_image;

/* Bytes of the header plus band table for nbands bands. */
size_t		sg_image_header_size(int nbands);

/* Total bytes of an image of the given shape (0 if the shape is invalid). */
size_t		sg_image_total_size(int nx, int ny, int nbands);

/* Check a shape against the limits; names the offending value on failure. */
bool		sg_image_check_shape(long nx, long ny, long nbands, sg_status *st);

/* Allocate an image with zero pixels and unknown metadata; NULL on error. */
sg_image   *sg_image_new(int nx, int ny, int nbands, double pixel_scale,
						 sg_status *st);

/* Pointer to the first pixel. */
float	   *sg_image_pixels(const sg_image *img);

/* Pointer to the first pixel of band b. */
float	   *sg_image_band_pixels(const sg_image *img, int b);

/* Number of pixels (nx*ny*nbands). */
size_t		sg_image_npixels(const sg_image *img);

/* Total size in bytes of this image. */
size_t		sg_image_size(const sg_image *img);

/*
 * Validate a header found in a buffer of len bytes.  With whole=true the
 * buffer must be exactly the full image; otherwise only the header and band
 * table need to be present (metadata read from a slice).
 */
bool		sg_image_check_header(const sg_image *img, size_t len, bool whole,
								  sg_status *st);

/* Fail if any pixel is ±Inf (NaN is allowed). */
bool		sg_image_check_pixels(const sg_image *img, sg_status *st);

/* Check a band name: 1..15 characters of [A-Za-z0-9_.+-]. */
bool		sg_band_name_valid(const char *name, sg_status *st);

/* Set band b's name (validated). */
bool		sg_image_set_band_name(sg_image *img, int b, const char *name,
								   sg_status *st);

/* Index of the band with this name, or -1. */
int			sg_image_find_band(const sg_image *img, const char *name);

/* Set the sky centre (validated: ra in [0,360), dec in [-90,90]). */
bool		sg_image_set_center(sg_image *img, double ra, double dec,
								sg_status *st);

/* Copy an image. */
sg_image   *sg_image_copy(const sg_image *img, sg_status *st);

/* A new image holding the named bands, in the order given. */
sg_image   *sg_image_select_bands(const sg_image *img, const char *const *names,
								  int nnames, sg_status *st);

/*
 * Merge stamps of equal size, pixel scale and centre into one multi-band
 * stamp; band names must be distinct.
 */
sg_image   *sg_image_merge(const sg_image *const *imgs, int nimgs,
						   sg_status *st);

/*
 * Centre crop to width × height; the centre pixel position must not move, so
 * (nx - width) and (ny - height) must be even.
 */
sg_image   *sg_image_crop_center(const sg_image *img, int width, int height,
								 sg_status *st);

/*
 * Change flux units by a factor k > 0: pixels and noise σ are multiplied by k,
 * zero points grow by 2.5 log10 k, so magnitudes stay the same.
 */
sg_image   *sg_image_scale_flux(const sg_image *img, double k, sg_status *st);

/* Rotate by quarter turns × 90° counter-clockwise (x → y); non-square stamps swap sides. */
sg_image   *sg_image_rotate90(const sg_image *img, int quarter_turns, sg_status *st);

/* Byte-wise equality of two images (header, metadata and pixel bits). */
bool		sg_image_equal(const sg_image *a, const sg_image *b);

#endif
