/*
 * png_internal.h — shared between png_stretch.c (the asinh stretch) and
 * png_write.c (the libpng encoder).  Not part of the public interface.
 */
#ifndef SGLENS_PNG_INTERNAL_H
#define SGLENS_PNG_INTERNAL_H

#include <stdbool.h>

#include "sglens/png.h"

/* Check user-supplied stretch parameters; names the bad one on failure. */
bool		sg_png_check_stretch(const sg_png_stretch *s, sg_status *st);

/*
 * Stretch bands red, green and blue of img into nx × ny interleaved 8-bit
 * R,G,B pixels in image order (row 0 is the bottom row).  The parameters
 * must have passed sg_png_check_stretch and the band indices must be valid.
 * Returns an sg_malloc'd buffer, or NULL with st set.
 */
unsigned char *sg_png_stretch_rgb(const sg_image *img, int band_red,
								  int band_green, int band_blue,
								  const sg_png_stretch *s, sg_status *st);

/* The same for one band: nx × ny 8-bit grey values in image order. */
unsigned char *sg_png_stretch_grey(const sg_image *img, int band,
								   const sg_png_stretch *s, sg_status *st);

/*
 * Encode nx × ny 8-bit pixels, grey (channels 1) or interleaved R,G,B
 * (channels 3), in image order (row 0 is the bottom row of the PNG), as a
 * PNG.  Returns the sg_malloc'd bytes (*len of them), or NULL with st set.
 */
void	   *sg_png_encode(unsigned char *pixels, int nx, int ny, int channels,
						  size_t *len, sg_status *st);

#endif
