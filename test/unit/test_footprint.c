/*
 * test_footprint.c — tile outlines on the sky from FITS headers.  Tiles are
 * written with cfitsio to a temporary directory; expected positions come
 * from independent gnomonic (TAN) and orthographic (SIN) deprojections.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fitsio.h>

#include "sglens/footprint.h"
#include "unit.h"

#define DEG (M_PI / 180.0)

static char dir[] = "/tmp/sglens_footprint_XXXXXX";

/* A tile's WCS and shape, as written to its header. */
typedef struct tile_spec
{
	const char *proj;			/* "TAN", "SIN" or NULL for a LINEAR WCS */
	long		nx;
	long		ny;
	double		ra0;
	double		dec0;
	double		crpix1;
	double		crpix2;
	double		scale;			/* arcsec/pixel */
	double		rotation;		/* degrees, east of north */
	const char *filter;			/* FILTER keyword or NULL */
	bool		empty_primary;	/* the image in HDU 2 */
} tile_spec;

/* The CD matrix of a spec (north up, east left, rotated). */
static void
spec_cd(const tile_spec *t, double cd[4])
{
	double		s = t->scale / 3600.0;
	double		c = cos(t->rotation * DEG);
	double		r = sin(t->rotation * DEG);

	cd[0] = -s * c;
	cd[1] = s * r;
	cd[2] = s * r;
	cd[3] = s * c;
}

/* Write a tile (cfitsio fills its pixels with zeros) with the spec's header; returns its path. */
static const char *
write_tile(const char *name, const tile_spec *t)
{
	static char path[4200];
	fitsfile   *f;
	int			status = 0;
	long		naxes[2] = {t->nx, t->ny};
	double		cd[4];
	char		ctype[2][FLEN_VALUE];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fits_create_diskfile(&f, path, &status);
	if (t->empty_primary)
		fits_create_img(f, BYTE_IMG, 0, naxes, &status);
	fits_create_img(f, BYTE_IMG, 2, naxes, &status);
	if (t->proj != NULL)
	{
		snprintf(ctype[0], sizeof(ctype[0]), "RA---%s", t->proj);
		snprintf(ctype[1], sizeof(ctype[1]), "DEC--%s", t->proj);
	}
	else
	{
		snprintf(ctype[0], sizeof(ctype[0]), "LINEAR");
		snprintf(ctype[1], sizeof(ctype[1]), "LINEAR");
	}
	spec_cd(t, cd);
	fits_update_key_str(f, "CTYPE1", ctype[0], NULL, &status);
	fits_update_key_str(f, "CTYPE2", ctype[1], NULL, &status);
	fits_update_key_dbl(f, "CRVAL1", t->ra0, -17, NULL, &status);
	fits_update_key_dbl(f, "CRVAL2", t->dec0, -17, NULL, &status);
	fits_update_key_dbl(f, "CRPIX1", t->crpix1, -17, NULL, &status);
	fits_update_key_dbl(f, "CRPIX2", t->crpix2, -17, NULL, &status);
	fits_update_key_dbl(f, "CD1_1", cd[0], -17, NULL, &status);
	fits_update_key_dbl(f, "CD1_2", cd[1], -17, NULL, &status);
	fits_update_key_dbl(f, "CD2_1", cd[2], -17, NULL, &status);
	fits_update_key_dbl(f, "CD2_2", cd[3], -17, NULL, &status);
	if (t->filter != NULL)
		fits_update_key_str(f, "FILTER", t->filter, NULL, &status);
	fits_close_file(f, &status);
	CHECK(status == 0);
	return path;
}

/*
 * Independent deprojections of intermediate world coordinates (xi, eta),
 * degrees, around (ra0, dec0): gnomonic for TAN, orthographic for SIN.
 */
static void
deproject(const char *proj, double ra0, double dec0, double xi, double eta,
		  double *ra, double *dec)
{
	double		x = xi * DEG;
	double		y = eta * DEG;
	double		d0 = dec0 * DEG;

	if (strcmp(proj, "TAN") == 0)
	{
		double		den = cos(d0) - y * sin(d0);

		*ra = atan2(x, den) / DEG;
		*dec = atan2(sin(d0) + y * cos(d0), sqrt(x * x + den * den)) / DEG;
	}
	else
	{
		double		rho = sqrt(x * x + y * y);
		double		c = asin(rho);

		*ra = atan2(x * sin(c), rho * cos(d0) * cos(c) - y * sin(d0) * sin(c)) / DEG;
		*dec = asin(cos(c) * sin(d0) + (rho > 0 ? y * sin(c) * cos(d0) / rho : 0)) / DEG;
	}
	*ra = fmod(ra0 + *ra + 720.0, 360.0);
}

/* Sky position of FITS pixel (x, y) of a spec. */
static void
pixel_to_sky(const tile_spec *t, double x, double y, double *ra, double *dec)
{
	double		cd[4];
	double		dx = x - t->crpix1;
	double		dy = y - t->crpix2;

	spec_cd(t, cd);
	deproject(t->proj, t->ra0, t->dec0, cd[0] * dx + cd[1] * dy, cd[2] * dx + cd[3] * dy,
			  ra, dec);
}

/* Difference of two right ascensions in arcsec, across ra = 0. */
static double
dra_arcsec(double a, double b)
{
	double		d = fmod(a - b + 540.0, 360.0) - 180.0;

	return d * 3600.0;
}

/* Every vertex matches the independent deprojection of its pixel position. */
static void
check_outline(const tile_spec *t, const sg_tile_info *info, int per_edge)
{
	const double corner[5][2] = {
		{0.5, 0.5}, {t->nx + 0.5, 0.5}, {t->nx + 0.5, t->ny + 0.5}, {0.5, t->ny + 0.5}, {0.5, 0.5}
	};
	double		worst = 0;
	bool		in_range = true;

	CHECK(info->nvertices == 4 * per_edge);
	for (int e = 0; e < 4; e++)
		for (int j = 0; j < per_edge && e * per_edge + j < info->nvertices; j++)
		{
			int			v = e * per_edge + j;
			double		f = (double) j / per_edge;
			double		ra;
			double		dec;

			pixel_to_sky(t, corner[e][0] + f * (corner[e + 1][0] - corner[e][0]),
						 corner[e][1] + f * (corner[e + 1][1] - corner[e][1]), &ra, &dec);
			worst = fmax(worst, fabs(dra_arcsec(info->ra[v], ra)) * cos(dec * DEG));
			worst = fmax(worst, fabs(info->dec[v] - dec) * 3600.0);
			in_range &= info->ra[v] >= 0 && info->ra[v] < 360;
		}
	CHECK(in_range);
	CHECK_CLOSE(worst, 0, 1e-5);
}

/* Read a tile's info, expecting success. */
static bool
read_ok(const char *path, int hdu, sg_tile_info *info)
{
	sg_status	st;
	bool		ok;

	sg_status_clear(&st);
	ok = sg_fits_tile_info(path, hdu, info, &st);
	if (!ok)
		fprintf(stderr, "sg_fits_tile_info: %s\n", st.message);
	CHECK(ok);
	return ok;
}

static void
test_tan_tile(void)
{
	tile_spec	t = {"TAN", 200, 150, 210.5, 54.25, 100.5, 75.5, 0.25, 0, "i HSC", true};
	const char *path = write_tile("tan.fits", &t);
	sg_tile_info info;
	double		ra;
	double		dec;

	if (!read_ok(path, 0, &info))
		return;
	CHECK(info.hdu == 2);
	CHECK(info.nx == 200 && info.ny == 150);
	CHECK_CLOSE(info.pixel_scale, 0.25, 1e-12);
	CHECK(strcmp(info.band, "i") == 0);
	/* CRPIX is the centre point ((nx + 1) / 2, (ny + 1) / 2) */
	CHECK_CLOSE(info.center_ra, 210.5, 1e-9);
	CHECK_CLOSE(info.center_dec, 54.25, 1e-9);
	check_outline(&t, &info, 1);
	/* the first vertex is the outer corner of pixel (1, 1): south-east */
	pixel_to_sky(&t, 0.5, 0.5, &ra, &dec);
	CHECK_CLOSE(info.ra[0], ra, 1e-9);
	CHECK(info.ra[0] > 210.5 && info.dec[0] < 54.25);
	/* HDU 2 named explicitly */
	if (read_ok(path, 2, &info))
		CHECK(info.hdu == 2);
}

static void
test_rotated_across_ra0(void)
{
	/* 30 degrees rotated, centred 18" east of ra = 0: the tile spans ra = 0 */
	tile_spec	t = {"TAN", 301, 201, 0.005, -30.0, 151, 101, 0.2, 30, NULL, false};
	const char *path = write_tile("ra0.fits", &t);
	sg_tile_info info;
	int			low = 0;
	int			high = 0;

	if (!read_ok(path, 0, &info))
		return;
	CHECK(info.hdu == 1);
	CHECK(info.band[0] == '\0');
	CHECK_CLOSE(info.center_ra, 0.005, 1e-9);
	check_outline(&t, &info, 1);
	for (int v = 0; v < info.nvertices; v++)
	{
		low += info.ra[v] < 1;
		high += info.ra[v] > 359;
	}
	CHECK(low > 0 && high > 0 && low + high == 4);
}

static void
test_sin_tile(void)
{
	/* SIN: straight pixel edges are not great circles, so each edge is sampled */
	tile_spec	t = {"SIN", 400, 300, 120.0, 10.0, 200.5, 150.5, 18.0, 10, "r", false};
	const char *path = write_tile("sin.fits", &t);
	sg_tile_info info;

	if (!read_ok(path, 0, &info))
		return;
	CHECK(strcmp(info.band, "r") == 0);
	check_outline(&t, &info, SG_TILE_EDGE_VERTICES);
}

static void
test_pole(void)
{
	/* a tile whose pixels cover the north pole */
	tile_spec	t = {"TAN", 201, 201, 45.0, 89.99, 101, 101, 0.4, 0, "g", false};
	const char *path = write_tile("pole.fits", &t);
	sg_tile_info info;
	double		min_ra = 360;
	double		max_ra = 0;

	if (!read_ok(path, 0, &info))
		return;
	check_outline(&t, &info, 1);
	for (int v = 0; v < info.nvertices; v++)
	{
		min_ra = fmin(min_ra, info.ra[v]);
		max_ra = fmax(max_ra, info.ra[v]);
		CHECK(info.dec[v] < 90 && info.dec[v] > 89.9);
	}
	/* the corners lie all around the pole */
	CHECK(max_ra - min_ra > 180);
}

static void
test_errors(void)
{
	tile_spec	linear = {NULL, 20, 20, 0, 0, 10, 10, 1, 0, NULL, false};
	tile_spec	huge = {"TAN", 200, 200, 10, 0, 100.5, 100.5, 3600, 0, NULL, false};
	tile_spec	beyond = {"SIN", 200, 200, 10, 0, 100.5, 100.5, 3600, 0, NULL, false};
	tile_spec	ok = {"TAN", 20, 20, 10, 0, 10.5, 10.5, 1, 0, NULL, false};
	sg_tile_info info;
	sg_status	st;
	char		path[4200];

	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(write_tile("linear.fits", &linear), 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "no celestial WCS");

	/* 200 degrees of TAN pixels: the corners are ~70 degrees out */
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(write_tile("huge.fits", &huge), 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "more than 45 degrees");

	/* SIN pixels beyond the projection's horizon have no sky position */
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(write_tile("beyond.fits", &beyond), 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "has no sky position");

	write_tile("ok.fits", &ok);
	snprintf(path, sizeof(path), "%s/ok.fits", dir);
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(path, 3, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_NOT_FOUND, "HDU 3 does not exist");
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(path, -1, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "HDU number");

	snprintf(path, sizeof(path), "%s/missing.fits", dir);
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(path, 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_IO, "could not open");
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info(dir, 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_IO, "not a regular file");
	sg_status_clear(&st);
	CHECK(!sg_fits_tile_info("", 0, &info, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "path is required");
}

/* Delete the temporary tiles. */
static void
cleanup(void)
{
	const char *names[] = {"tan.fits", "ra0.fits", "sin.fits", "pole.fits", "linear.fits",
	"huge.fits", "beyond.fits", "ok.fits"};
	char		path[4200];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	{
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
	{
		perror("mkdtemp");
		return 1;
	}
	test_tan_tile();
	test_rotated_across_ra0();
	test_sin_tile();
	test_pole();
	test_errors();
	cleanup();
	return UNIT_REPORT("footprint");
}
