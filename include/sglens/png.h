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
 * Colour composite of three bands (0-based indices into img; blue, green,
 * red; they need not differ) with the Lupton asinh stretch applied to the
 * mean intensity, so colours are preserved.  Masked (NaN) pixels are drawn
 * black.  Image row 0 is the bottom row of the PNG (north up when the WCS is
 * standard).  s may be NULL for sg_png_default_stretch().  Returns the PNG
 * bytes (*len of them; free with sg_free), or NULL with st set: SG_ERR_VALUE
 * for a band index out of range or a bad parameter, SG_ERR_NOMEM.  Formulas
 * and defaults: docs/png.md.
 */
void	   *sg_png_rgb(const sg_image *img, int band_blue, int band_green,
					   int band_red, const sg_png_stretch *s, size_t *len,
					   sg_status *st);

/* Greyscale PNG of one band with the same asinh stretch (same contract). */
void	   *sg_png_grey(const sg_image *img, int band, const sg_png_stretch *s,
						size_t *len, sg_status *st);

#endif
