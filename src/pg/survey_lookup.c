/* survey_lookup.c — survey presets from the sglens_survey tables (SPI). */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "pg_core.h"
#include "sgpg_scene.h"

/* "schema"."table" for a table of this extension (in the calling function's schema). */
static char *
qualified(Oid func_oid, const char *table)
{
	return quote_qualified_identifier(get_namespace_name(get_func_namespace(func_oid)), table);
}

/* Fill the survey-wide fields; error when the survey does not exist. */
static void
load_survey_row(Oid func_oid, const char *name, sg_survey *sv)
{
	Datum		arg = CStringGetTextDatum(name);
	char	   *q = psprintf("SELECT pixel_scale, read_noise, gain FROM %s WHERE name = $1",
							 qualified(func_oid, "sglens_survey"));
	bool		isnull;

	if (SPI_execute_with_args(q, 1, (Oid[]) {TEXTOID}, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "survey lookup failed");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("unknown survey \"%s\"", name),
				 errhint("Survey presets are the rows of sglens_survey.")));
	memset(sv, 0, sizeof(*sv));
	strlcpy(sv->name, name, sizeof(sv->name));
	sv->pixel_scale = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	sv->read_noise = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	sv->gain = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
}

/* Copy one band row of the current SPI result into sv->bands[b]. */
static void
copy_band(int row, sg_survey *sv, int b)
{
	HeapTuple	tup = SPI_tuptable->vals[row];
	TupleDesc	desc = SPI_tuptable->tupdesc;
	bool		isnull;
	sg_survey_band *band = &sv->bands[b];

	strlcpy(band->name, TextDatumGetCString(SPI_getbinval(tup, desc, 1, &isnull)), SG_BAND_NAME_LEN);
	band->zeropoint = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
	band->sky_mag = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
	band->psf_fwhm = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
	band->exposure_time = DatumGetFloat8(SPI_getbinval(tup, desc, 5, &isnull));
	band->n_exposures = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
}

void
sgpg_survey_lookup(Oid func_oid, const char *name, char **band_names, int nnames, sg_survey *sv)
{
	MemoryContext caller = CurrentMemoryContext;
	sg_survey	tmp;
	Datum		arg = CStringGetTextDatum(name);
	char	   *q;
	sg_status	st;

	SPI_connect();
	load_survey_row(func_oid, name, &tmp);
	q = psprintf("SELECT band, zeropoint, sky_mag, psf_fwhm, exposure_time, n_exposures "
				 "FROM %s WHERE survey = $1 ORDER BY band_order", qualified(func_oid, "sglens_survey_band"));
	if (SPI_execute_with_args(q, 1, (Oid[]) {TEXTOID}, &arg, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "survey band lookup failed");
	if (SPI_processed > SG_MAX_BANDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survey \"%s\" has more than %d bands", name, SG_MAX_BANDS)));
	tmp.nbands = (int) SPI_processed;
	for (int b = 0; b < tmp.nbands; b++)
		copy_band(b, &tmp, b);
	SPI_finish();
	MemoryContextSwitchTo(caller);

	*sv = tmp;
	if (band_names)
	{
		sv->nbands = nnames;
		for (int i = 0; i < nnames; i++)
		{
			int			b = sg_survey_find_band(&tmp, band_names[i]);

			if (b < 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("survey \"%s\" has no band \"%s\"", name, band_names[i])));
			sv->bands[i] = tmp.bands[b];
		}
	}
	sg_status_clear(&st);
	if (!sg_survey_check(sv, &st))
		sgpg_report(&st, "invalid survey preset");
}
