/*
 * fits_footprint.c — the outline of a survey tile on the sky, from the
 * header of its FITS file (shape and WCS; no pixels are read).
 *
 * The outline follows the outer edge of the tile's pixels: FITS pixel
 * centres are at whole 1-based coordinates, so the edge runs along 0.5 and
 * n + 0.5.  Under a TAN projection a straight line in pixel space is a great
 * circle on the sky, so the four corners are the exact outline when joined
 * by great-circle arcs (as PostGIS geography joins them); other zenithal
 * projections get SG_TILE_EDGE_VERTICES vertices per edge.
 */
#include <math.h>
#include <string.h>

#include "fits_internal.h"
#include "sglens/footprint.h"

#define DEG (M_PI / 180.0)

/* An angle in degrees reduced to [0, 360). */
static double
normalise_ra(double ra)
{
	double		r = fmod(ra, 360.0);

	if (r < 0)
		r += 360.0;
	return r >= 360.0 ? 0.0 : r;
}

/* Great-circle separation in degrees (Vincenty's formula). */
static double
separation_deg(double ra1, double dec1, double ra2, double dec2)
{
	double		dra = (ra2 - ra1) * DEG;
	double		s1 = sin(dec1 * DEG),
				c1 = cos(dec1 * DEG);
	double		s2 = sin(dec2 * DEG),
				c2 = cos(dec2 * DEG);
	double		x = c2 * sin(dra);
	double		y = c1 * s2 - s1 * c2 * cos(dra);

	return atan2(sqrt(x * x + y * y), s1 * s2 + c1 * c2 * cos(dra)) / DEG;
}

/* Sky position of FITS pixel (x, y), ra in [0, 360); false if it has none. */
static bool
pixel_position(const sg_fits_wcs *wcs, double x, double y, double *ra, double *dec,
			   sg_status *st)
{
	if (sg_fits_pix_to_world(wcs, x, y, ra, dec) != 0 || !(fabs(*dec) <= 90.0))
	{
		fits_clear_errmsg();
		sg_fail(st, SG_ERR_VALUE, "tile pixel position (%g, %g) has no sky position in the tile's WCS",
				x, y);
		return false;
	}
	*ra = normalise_ra(*ra);
	return true;
}

/* The outline vertices, counter-clockwise in pixel coordinates. */
static bool
outline(const sg_fits_wcs *wcs, sg_tile_info *info, sg_status *st)
{
	const double corner[5][2] = {
		{0.5, 0.5}, {info->nx + 0.5, 0.5}, {info->nx + 0.5, info->ny + 0.5},
		{0.5, info->ny + 0.5}, {0.5, 0.5}
	};
	int			per_edge = strcmp(wcs->proj, "-TAN") == 0 ? 1 : SG_TILE_EDGE_VERTICES;

	info->nvertices = 0;
	for (int e = 0; e < 4; e++)
		for (int j = 0; j < per_edge; j++)
		{
			double		t = (double) j / per_edge;
			double		x = corner[e][0] + t * (corner[e + 1][0] - corner[e][0]);
			double		y = corner[e][1] + t * (corner[e + 1][1] - corner[e][1]);
			int			v = info->nvertices++;

			if (!pixel_position(wcs, x, y, &info->ra[v], &info->dec[v], st))
				return false;
			if (separation_deg(info->center_ra, info->center_dec, info->ra[v],
							   info->dec[v]) > SG_TILE_MAX_RADIUS)
			{
				sg_fail(st, SG_ERR_LIMIT,
						"the tile reaches more than %g degrees from its centre", SG_TILE_MAX_RADIUS);
				sg_fail_detail(st, "A footprint must be much smaller than a hemisphere.");
				return false;
			}
		}
	return true;
}

/* Read the footprint of the current HDU. */
static bool
read_info(fitsfile *f, int hdu, sg_tile_info *info, sg_status *st)
{
	sg_fits_dims dims;
	sg_fits_wcs wcs;
	sg_band		band;

	if (!sg_fits_select_image(f, hdu, &dims, st) || !sg_fits_read_wcs(f, &wcs, st))
		return false;
	if (!wcs.celestial)
	{
		sg_fail(st, SG_ERR_VALUE, "the FITS tile has no celestial WCS");
		return false;
	}
	fits_get_hdu_num(f, &info->hdu);
	info->nx = dims.nx;
	info->ny = dims.ny;
	if (!sg_fits_pixel_scale(f, &wcs, NAN, &info->pixel_scale, st))
		return false;
	memset(&band, 0, sizeof(band));
	sg_fits_band_keywords(f, 0, &band);
	memcpy(info->band, band.name, sizeof(info->band));
	return pixel_position(&wcs, (dims.nx + 1) / 2.0, (dims.ny + 1) / 2.0,
						  &info->center_ra, &info->center_dec, st) &&
		outline(&wcs, info, st);
}

/* A tile's shape, band, pixel scale, centre and outline (see footprint.h). */
bool
sg_fits_tile_info(const char *path, int hdu, sg_tile_info *info, sg_status *st)
{
	fitsfile   *f;
	bool		ok;

	memset(info, 0, sizeof(*info));
	if (path == NULL || path[0] == '\0')
	{
		sg_fail(st, SG_ERR_VALUE, "a FITS tile path is required");
		return false;
	}
	if (hdu < 0)
	{
		sg_fail(st, SG_ERR_VALUE, "HDU number must be 0 (first image) or positive, got %d", hdu);
		return false;
	}
	f = sg_fits_open_tile(path, st);
	if (f == NULL)
		return false;
	ok = read_info(f, hdu, info, st);
	sg_fits_close(f);
	return ok;
}
