/*
 * registry_fn.c — registering models: reading a weights file's header for
 * the registry row, the shipped model files, and which BLAS kernel runs.
 */
#include "postgres.h"

#include <cblas.h>
#include <ctype.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/baseline.h"
#include "sgpg_models.h"
#include "../core/simd_level.h"

PG_FUNCTION_INFO_V1(sglens_model_header);
PG_FUNCTION_INFO_V1(sglens_shipped_model);
PG_FUNCTION_INFO_V1(sglens_blas_info);

/*
 * sg_model_header(weights): (name, version, kind, bands, input_size,
 * pixel_scale, task) of a weights file, after checking the whole file; the
 * task is 'modeller' for a regression network, else 'finder'.
 */
Datum
sglens_model_header(PG_FUNCTION_ARGS)
{
	bytea	   *w = PG_GETARG_BYTEA_PP(0);
	const char *data = VARDATA_ANY(w);
	size_t		len = VARSIZE_ANY_EXHDR(w);
	sg_nn_info	info;
	int			in_size = 0;
	bool		baseline = len >= 8 && memcmp(data, "SGLBASE1", 8) == 0;
	sg_status	st;
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {false, false, false, false, false, false, false};
	Datum	   *bands;

	sg_status_clear(&st);
	if (baseline)
	{
		sg_baseline *b = sg_baseline_read(data, len, &st);

		if (b == NULL)
			sgpg_report(&st, "invalid baseline model file");
		info = *sg_baseline_info(b);
		in_size = sg_baseline_in_size(b);
		sg_baseline_free(b);
	}
	else
	{
		sg_nn_model *m = sg_nn_read(data, len, &info, &st);

		if (m == NULL)
			sgpg_report(&st, "invalid weights file");
		in_size = sg_nn_model_spec(m)->in_size;
		sg_nn_model_free(m);
	}
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "sg_model_header must return a record");
	bands = palloc(sizeof(Datum) * info.nbands);
	for (int b = 0; b < info.nbands; b++)
		bands[b] = CStringGetTextDatum(info.bands[b]);
	values[0] = CStringGetTextDatum(info.name);
	values[1] = CStringGetTextDatum(info.version);
	values[2] = CStringGetTextDatum(baseline ? "baseline" : "cnn");
	values[3] = PointerGetDatum(construct_array(bands, info.nbands, TEXTOID, -1, false, TYPALIGN_INT));
	values[4] = Int32GetDatum(in_size);
	values[5] = Float8GetDatum(info.pixel_scale);
	values[6] = CStringGetTextDatum(!baseline && info.task == SG_NN_TASK_REGRESSION ? "modeller" : "finder");
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* sg_shipped_model(file): the bytes of a model file shipped with the extension. */
Datum
sglens_shipped_model(PG_FUNCTION_ARGS)
{
	char	   *file = sgpg_text(PG_GETARG_DATUM(0));
	char		sharedir[MAXPGPATH];
	char	   *path;
	FILE	   *f;
	long		size;
	bytea	   *out;

	for (const char *c = file; *c; c++)
		if (!(isalnum((unsigned char) *c) || *c == '-' || *c == '_' || *c == '.') || (c == file && *c == '.'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not the name of a shipped model file", file)));
	get_share_path(my_exec_path, sharedir);
	path = psprintf("%s/extension/%s", sharedir, file);
	f = AllocateFile(path, PG_BINARY_R);
	if (f == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open shipped model \"%s\": %m", file)));
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > 64 * 1024 * 1024 ||
		fseek(f, 0, SEEK_SET) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_IO_ERROR),
				 errmsg("shipped model \"%s\" has an unusable size", file)));
	out = palloc(VARHDRSZ + size);
	SET_VARSIZE(out, VARHDRSZ + size);
	if (fread(VARDATA(out), 1, size, f) != (size_t) size)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read shipped model \"%s\": %m", file)));
	FreeFile(f);
	PG_RETURN_BYTEA_P(out);
}

/* sg_blas_info(): which OpenBLAS kernel and thread count this backend uses, and sglens's own kernels. */
Datum
sglens_blas_info(PG_FUNCTION_ARGS)
{
	static const char *const own[3] = {
		"portable", "AVX2", "AVX-512 (direct convolutions)"
	};

	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s; core %s; %d thread(s); sglens kernels %s",
											  openblas_get_config(), openblas_get_corename(),
											  openblas_get_num_threads(), own[sg_simd_level()])));
}
