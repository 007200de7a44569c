/*
 * png.h — PNG previews of sgimages through libpng: colour composites with the
 * Lupton et al. (2004) asinh stretch, and single-band greyscale.
 */
#ifndef SGLENS_PNG_H
#define SGLENS_PNG_H

#include "sglens/image.h"

typedef struct sg_png_stretch
{
	double		q;				/* asinh softening (Lupton's Q), > 0 */
	double		stretch;		/* linear range of the stretch, > 0, in pixel units
								 * (NaN = automatic from the data) */
	double		minimum;		/* value mapped to black (NaN = automatic) */
} sg_png_stretch;

/* Default stretch: q = 8, automatic stretch and minimum. */
sg_png_stretch sg_png_default_stretch(void);

/*
 * Colour composite of three bands (indices into img; blue, green, red) with
 * the Lupton asinh stretch applied to the mean intensity, so colours are
 * preserved.  Masked (NaN) pixels are drawn black.  Image row 0 is the
 * bottom row of the PNG (north up when the WCS is standard).
 */
void	   *sg_png_rgb(const sg_image *img, int band_blue, int band_green,
					   int band_red, const sg_png_stretch *s, size_t *len,
					   sg_status *st);

/* Greyscale PNG of one band with the same asinh stretch. */
void	   *sg_png_grey(const sg_image *img, int band, const sg_png_stretch *s,
						size_t *len, sg_status *st);

#endif
