/* plot_raster.c — canvas, pixels, rectangles and lines (plot_internal.h). */
#include <stdlib.h>

#include "sglens/alloc.h"
#include "plot_internal.h"

/* Allocate a canvas filled with one colour. */
bool
sg_canvas_init(sg_canvas *c, int width, int height, sg_rgb fill, sg_status *st)
{
	size_t		n = (size_t) width * height;

	c->width = width;
	c->height = height;
	c->pix = sg_malloc(n * 3);
	if (c->pix == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a %d x %d plot", width, height);
		return false;
	}
	for (size_t i = 0; i < n; i++)
	{
		c->pix[3 * i] = fill.r;
		c->pix[3 * i + 1] = fill.g;
		c->pix[3 * i + 2] = fill.b;
	}
	return true;
}

/* Release a canvas's pixels. */
void
sg_canvas_free(sg_canvas *c)
{
	sg_free(c->pix);
	c->pix = NULL;
}

/* Set one pixel (ignored outside the canvas). */
void
sg_canvas_set(sg_canvas *c, int x, int y, sg_rgb colour)
{
	unsigned char *p;

	if (x < 0 || y < 0 || x >= c->width || y >= c->height)
		return;
	p = c->pix + 3 * ((size_t) y * c->width + x);
	p[0] = colour.r;
	p[1] = colour.g;
	p[2] = colour.b;
}

/* Fill a rectangle (inclusive corners in any order, clipped). */
void
sg_canvas_rect(sg_canvas *c, int x0, int y0, int x1, int y1, sg_rgb colour)
{
	int			xa = x0 < x1 ? x0 : x1,
				xb = x0 < x1 ? x1 : x0,
				ya = y0 < y1 ? y0 : y1,
				yb = y0 < y1 ? y1 : y0;

	if (xa < 0)
		xa = 0;
	if (ya < 0)
		ya = 0;
	if (xb >= c->width)
		xb = c->width - 1;
	if (yb >= c->height)
		yb = c->height - 1;
	for (int y = ya; y <= yb; y++)
		for (int x = xa; x <= xb; x++)
			sg_canvas_set(c, x, y, colour);
}

/* Bresenham's line, stamping a t × t square at each step. */
void
sg_canvas_line(sg_canvas *c, int x0, int y0, int x1, int y1, int t,
			   sg_rgb colour)
{
	int			dx = abs(x1 - x0),
				dy = -abs(y1 - y0),
				sx = x0 < x1 ? 1 : -1,
				sy = y0 < y1 ? 1 : -1,
				err = dx + dy,
				lo = -(t - 1) / 2,
				hi = t / 2,
				e2;

	for (;;)
	{
		if (t <= 1)
			sg_canvas_set(c, x0, y0, colour);
		else
			sg_canvas_rect(c, x0 + lo, y0 + lo, x0 + hi, y0 + hi, colour);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy)
		{
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx)
		{
			err += dx;
			y0 += sy;
		}
	}
}
