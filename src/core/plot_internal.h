/*
 * plot_internal.h — a tiny raster canvas for plots written as PNG
 * (roc_png.c): 8-bit RGB pixels, y = 0 at the bottom, solid and thick lines,
 * filled rectangles, and text in a built-in 5 × 7 bitmap font (plot_font.c:
 * A–Z, digits, space and - . , : = ( ) / _ + % ? ' *; lower case is drawn as
 * upper case, anything else as '?').  Not part of the public interface.
 */
#ifndef SGLENS_PLOT_INTERNAL_H
#define SGLENS_PLOT_INTERNAL_H

#include <stdbool.h>

#include "sglens/status.h"

#define SG_PLOT_GLYPH_W 5
#define SG_PLOT_GLYPH_H 7
#define SG_PLOT_ADVANCE 6		/* glyph width plus one column of space */

typedef struct sg_rgb
{
	unsigned char r,
				g,
				b;
} sg_rgb;

typedef struct sg_canvas
{
	int			width;
	int			height;
	unsigned char *pix;			/* width × height × 3, row 0 at the bottom */
} sg_canvas;

/* Allocate a canvas filled with one colour; false with st set on failure. */
bool		sg_canvas_init(sg_canvas *c, int width, int height, sg_rgb fill,
						   sg_status *st);

/* Release a canvas's pixels. */
void		sg_canvas_free(sg_canvas *c);

/* Set one pixel (ignored outside the canvas). */
void		sg_canvas_set(sg_canvas *c, int x, int y, sg_rgb colour);

/* Fill the rectangle x0..x1 × y0..y1 (inclusive, any order, clipped). */
void		sg_canvas_rect(sg_canvas *c, int x0, int y0, int x1, int y1,
						   sg_rgb colour);

/* A straight line of thickness t pixels between two points (clipped). */
void		sg_canvas_line(sg_canvas *c, int x0, int y0, int x1, int y1,
						   int t, sg_rgb colour);

/* Width in pixels of text drawn at the given integer scale. */
int			sg_canvas_text_width(const char *text, int scale);

/* Draw text with its bottom-left corner at (x, y), glyphs scaled by scale. */
void		sg_canvas_text(sg_canvas *c, int x, int y, const char *text,
						   int scale, sg_rgb colour);

/* Draw text rotated a quarter turn anticlockwise, reading upwards from (x, y). */
void		sg_canvas_text_up(sg_canvas *c, int x, int y, const char *text,
							  int scale, sg_rgb colour);

#endif
