/*
 * footprint.h — where a survey tile lies on the sky: its size, band, pixel
 * scale, centre and outline, read from the FITS header and WCS only (no
 * pixels).
 */
#ifndef SGLENS_FOOTPRINT_H
#define SGLENS_FOOTPRINT_H

#include <stdbool.h>

#include "sglens/image.h"

/*
 * Outline vertices per tile edge.  A TAN (gnomonic) projection maps great
 * circles to straight lines, so its four corners joined by great-circle arcs
 * are the exact outline; other projections get this many vertices per edge.
 */
#define SG_TILE_EDGE_VERTICES 16
#define SG_TILE_OUTLINE_MAX (4 * SG_TILE_EDGE_VERTICES)

/* Largest angle (degrees) between a tile's centre and its outline. */
#define SG_TILE_MAX_RADIUS 45.0

typedef struct sg_tile_info
{
	int			hdu;			/* the image's HDU, 1-based */
	long		nx;
	long		ny;
	double		pixel_scale;	/* arcsec/pixel */
	char		band[SG_BAND_NAME_LEN]; /* from BAND/FILTER, "" if none */
	double		center_ra;		/* sky position of the tile's centre point */
	double		center_dec;
	int			nvertices;
	double		ra[SG_TILE_OUTLINE_MAX];	/* outline, ICRS degrees, ra in [0, 360) */
	double		dec[SG_TILE_OUTLINE_MAX];
} sg_tile_info;

/*
 * Read a tile's header: HDU hdu (1-based; 0 = the first 2-D image), its
 * shape, band keyword, pixel scale, centre and the outer edge of its pixels
 * on the sky, counter-clockwise in pixel coordinates from the corner of
 * pixel (1, 1).  The caller has already checked that the path is allowed.
 */
bool		sg_fits_tile_info(const char *path, int hdu, sg_tile_info *info,
							  sg_status *st);

#endif
