/*
 * sgimage_meta.c — metadata accessors.  They read only the header slice of a
 * stored image (sgpg_image_header), never its pixels.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pg_core.h"

PG_FUNCTION_INFO_V1(sgimage_width);
PG_FUNCTION_INFO_V1(sgimage_height);
PG_FUNCTION_INFO_V1(sgimage_nbands);
PG_FUNCTION_INFO_V1(sgimage_band_names);
PG_FUNCTION_INFO_V1(sgimage_pixel_scale);
PG_FUNCTION_INFO_V1(sgimage_ra);
PG_FUNCTION_INFO_V1(sgimage_dec);
PG_FUNCTION_INFO_V1(sgimage_band_field);
PG_FUNCTION_INFO_V1(sgimage_band_table);

/* Stamp width in pixels. */
Datum
sgimage_width(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_SGIMAGE_HEADER(0)->nx);
}

/* Stamp height in pixels. */
Datum
sgimage_height(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_SGIMAGE_HEADER(0)->ny);
}

/* Number of bands. */
Datum
sgimage_nbands(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_SGIMAGE_HEADER(0)->nbands);
}

/* Band names, in order. */
Datum
sgimage_band_names(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE_HEADER(0);
	Datum	   *names = palloc(sizeof(Datum) * img->nbands);

	for (int b = 0; b < img->nbands; b++)
		names[b] = CStringGetTextDatum(img->bands[b].name);
	PG_RETURN_ARRAYTYPE_P(construct_array(names, img->nbands, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/* Pixel scale in arcsec per pixel. */
Datum
sgimage_pixel_scale(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(PG_GETARG_SGIMAGE_HEADER(0)->pixel_scale);
}

/* Right ascension of the stamp centre (degrees), NULL when unknown. */
Datum
sgimage_ra(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE_HEADER(0);

	if (!(img->flags & SG_FLAG_HAS_CENTER))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(img->ra);
}

/* Declination of the stamp centre (degrees), NULL when unknown. */
Datum
sgimage_dec(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE_HEADER(0);

	if (!(img->flags & SG_FLAG_HAS_CENTER))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(img->dec);
}

/* The band index for a name, or an error naming the missing band. */
static int
band_index(const sg_image *img, const char *name)
{
	int			b = sg_image_find_band(img, name);

	if (b < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("image has no band \"%s\"", name)));
	return b;
}

/*
 * One per-band value: field 0 = zero point, 1 = PSF FWHM, 2 = noise sigma.
 * NULL when unknown.
 */
Datum
sgimage_band_field(PG_FUNCTION_ARGS)
{
	sg_image   *img = PG_GETARG_SGIMAGE_HEADER(0);
	int			b = band_index(img, sgpg_text(PG_GETARG_DATUM(1)));
	int			field = PG_GETARG_INT32(2);
	double		v;

	switch (field)
	{
		case 0:
			v = img->bands[b].zeropoint;
			break;
		case 1:
			v = img->bands[b].psf_fwhm;
			break;
		case 2:
			v = img->bands[b].noise_sigma;
			break;
		default:
			elog(ERROR, "unknown band field %d", field);
	}
	if (isnan(v))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(v);
}

/* A float8 datum, or a null flag for unknown (NaN). */
static Datum
optional_float8(double v, bool *isnull)
{
	*isnull = isnan(v);
	return Float8GetDatum(*isnull ? 0 : v);
}

/* One row per band: index, name, zero point, PSF FWHM, noise sigma. */
Datum
sgimage_band_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	sg_image   *img = PG_GETARG_SGIMAGE_HEADER(0);

	InitMaterializedSRF(fcinfo, 0);
	for (int b = 0; b < img->nbands; b++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = Int32GetDatum(b + 1);
		values[1] = CStringGetTextDatum(img->bands[b].name);
		values[2] = optional_float8(img->bands[b].zeropoint, &nulls[2]);
		values[3] = optional_float8(img->bands[b].psf_fwhm, &nulls[3]);
		values[4] = optional_float8(img->bands[b].noise_sigma, &nulls[4]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
