/*
 * sky_fn.c — angular separation on the celestial sphere and the small
 * helpers that map ICRS (ra, dec) to and from PostGIS geography longitudes.
 *
 * The geography functions themselves are SQL (sql/extension/95_sky.sql) so
 * that PostgreSQL inlines them and PostGIS's index support sees ST_DWithin.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/float.h"

PG_FUNCTION_INFO_V1(sglens_sky_lon);
PG_FUNCTION_INFO_V1(sglens_lon_ra);
PG_FUNCTION_INFO_V1(sglens_separation);

#define SKY_DEG (M_PI / 180.0)
#define SKY_ARCSEC_PER_RAD (180.0 * 3600.0 / M_PI)

/* Raise 22023 unless dec is a declination in [-90, 90]. */
static void
check_dec(double dec, const char *what)
{
	if (!(dec >= -90.0 && dec <= 90.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a declination in [-90, 90] degrees, not %s", what,
						float8out_internal(dec))));
}

/* Raise 22023 unless x is a finite angle. */
static void
check_finite_angle(double x, const char *what)
{
	if (!isfinite(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite angle in degrees, not %s", what,
						float8out_internal(x))));
}

/* A longitude reduced to [-180, 180) without rounding error. */
static double
centred_lon(double x)
{
	double		r = fmod(x, 360.0);	/* exact */

	if (r >= 180.0)
		r -= 360.0;				/* exact for r in [180, 360) */
	else if (r < -180.0)
		r += 360.0;				/* exact for r in (-360, -180) */
	return r;
}

/*
 * The difference b - a of two longitudes in [-180, 180] degrees.  Close
 * longitudes are subtracted where their difference is exact: near 0 in
 * [-180, 180), near 180 in [0, 360) (where adding 360 to a longitude below
 * -90 loses nothing).
 */
static double
lon_difference(double a, double b)
{
	double		ca = centred_lon(a),
				cb = centred_lon(b);
	double		d = cb - ca;

	if (d > 180.0 || d < -180.0)
	{
		d = (cb < 0.0 ? cb + 360.0 : cb) - (ca < 0.0 ? ca + 360.0 : ca);
		if (d > 180.0)
			d -= 360.0;
		else if (d < -180.0)
			d += 360.0;
	}
	return d;
}

/*
 * Great-circle angle in radians between (lon1, lat1) and (lon2, lat2), in
 * degrees, by Vincenty's atan2 form, which keeps full relative precision for
 * tiny separations and full absolute precision for nearly antipodal ones.
 * The north component uses sin(lat2 - lat1) + 2 sin lat1 cos lat2 sin^2(dlon/2),
 * which equals cos lat1 sin lat2 - sin lat1 cos lat2 cos dlon without the
 * cancellation of that form when the points are close.
 */
static double
sphere_angle(double lon1, double lat1, double lon2, double lat2)
{
	double		dlon = lon_difference(lon1, lon2) * SKY_DEG;
	double		p1 = lat1 * SKY_DEG;
	double		p2 = lat2 * SKY_DEG;
	double		sin1 = sin(p1),
				cos1 = cos(p1),
				sin2 = sin(p2),
				cos2 = cos(p2);
	double		sh = sin(0.5 * dlon);
	double		east = cos2 * sin(dlon);
	double		north = sin((lat2 - lat1) * SKY_DEG) + 2.0 * sin1 * cos2 * sh * sh;
	double		along = sin1 * sin2 + cos1 * cos2 * cos(dlon);

	return atan2(hypot(east, north), along);
}

/* Validate (ra, dec) and return ra as a geography longitude in [-180, 180). */
Datum
sglens_sky_lon(PG_FUNCTION_ARGS)
{
	double		ra = PG_GETARG_FLOAT8(0);
	double		dec = PG_GETARG_FLOAT8(1);

	if (!(ra >= 0.0 && ra < 360.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ra must be a right ascension in [0, 360) degrees, not %s",
						float8out_internal(ra))));
	check_dec(dec, "dec");
	/* exact: ra - 360 has no rounding error for ra in [180, 360) */
	PG_RETURN_FLOAT8(ra >= 180.0 ? ra - 360.0 : ra);
}

/* A geography longitude (any finite angle) as a right ascension in [0, 360). */
Datum
sglens_lon_ra(PG_FUNCTION_ARGS)
{
	double		lon = PG_GETARG_FLOAT8(0);
	double		ra;

	check_finite_angle(lon, "longitude");
	ra = fmod(lon, 360.0);
	if (ra < 0.0)
		ra += 360.0;
	/* a tiny negative longitude rounds to 360, which is ra 0 */
	if (ra >= 360.0)
		ra = 0.0;
	PG_RETURN_FLOAT8(ra + 0.0);	/* no -0 */
}

/* Angular separation in arcsec between (ra1, dec1) and (ra2, dec2), in degrees. */
Datum
sglens_separation(PG_FUNCTION_ARGS)
{
	double		ra1 = PG_GETARG_FLOAT8(0);
	double		dec1 = PG_GETARG_FLOAT8(1);
	double		ra2 = PG_GETARG_FLOAT8(2);
	double		dec2 = PG_GETARG_FLOAT8(3);

	check_finite_angle(ra1, "ra1");
	check_dec(dec1, "dec1");
	check_finite_angle(ra2, "ra2");
	check_dec(dec2, "dec2");
	PG_RETURN_FLOAT8(sphere_angle(ra1, dec1, ra2, dec2) * SKY_ARCSEC_PER_RAD);
}
