/*
 * sgimage_footprint.c — sg_tile_info(): where a survey tile file on the
 * server lies on the sky (size, band, pixel scale, centre and outline), read
 * from its header.  The same access rules as sg_cutout apply
 * (sglens.tile_directories).  The geography footprint and the tile registry
 * are SQL (sql/extension/98_tile_footprints.sql).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pg_core.h"
#include "sglens/footprint.h"
#include "sgpg_tiles.h"

PG_FUNCTION_INFO_V1(sgimage_tile_info);

/* A float8[] of n values. */
static Datum
float8_array(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * sg_tile_info(path, hdu): the tile's image HDU, width, height, band (NULL if
 * its header names none), pixel scale, centre and outline vertices.
 */
Datum
sgimage_tile_info(PG_FUNCTION_ARGS)
{
	char	   *path = sgpg_resolve_tile_path(sgpg_text(PG_GETARG_DATUM(0)));
	int			hdu = PG_GETARG_INT32(1);
	sg_tile_info *info = palloc(sizeof(sg_tile_info));
	TupleDesc	desc;
	Datum		values[9];
	bool		nulls[9] = {false};
	sg_status	st;

	if (hdu < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hdu must be 0 (first image) or a 1-based HDU number, got %d", hdu)));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("sg_tile_info must be called where a record is accepted")));
	sg_status_clear(&st);
	if (!sg_fits_tile_info(path, hdu, info, &st))
		sgpg_report(&st, "cannot read tile footprint");
	values[0] = Int32GetDatum(info->hdu);
	values[1] = Int32GetDatum((int32) info->nx);
	values[2] = Int32GetDatum((int32) info->ny);
	if (info->band[0] != '\0')
		values[3] = CStringGetTextDatum(info->band);
	else
		nulls[3] = true;
	values[4] = Float8GetDatum(info->pixel_scale);
	values[5] = Float8GetDatum(info->center_ra);
	values[6] = Float8GetDatum(info->center_dec);
	values[7] = float8_array(info->ra, info->nvertices);
	values[8] = float8_array(info->dec, info->nvertices);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
