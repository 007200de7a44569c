/* sample_fn.c — simulate_lens_sample(): rows of the population sampler. */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/sampler.h"
#include "sglens/simulate.h"
#include "sgpg_scene.h"

PG_FUNCTION_INFO_V1(sglens_simulate_lens_sample);
PG_FUNCTION_INFO_V1(sglens_sample_seed);

typedef struct sample_state
{
	sg_survey	survey;
	sg_simulate_options opt;
	uint64		seed;
	int64		first_id;
	double		lens_fraction;
} sample_state;

/* sg_sample_seed(seed, id): the noise seed the sampler used for row id. */
Datum
sglens_sample_seed(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64((int64) sg_member_seed((uint64) PG_GETARG_INT64(0), PG_GETARG_INT64(1)));
}

/* Read the arguments into the per-query state. */
static sample_state *
init_state(FunctionCallInfo fcinfo)
{
	sample_state *s = palloc0(sizeof(sample_state));
	char	  **names = NULL;
	int			nnames = 0;

	if (!PG_ARGISNULL(7))
		names = sgpg_text_array(PG_GETARG_DATUM(7), &nnames, "bands");
	sgpg_survey_lookup(fcinfo->flinfo->fn_oid, sgpg_text(PG_GETARG_DATUM(1)), names, nnames, &s->survey);
	s->opt = sg_simulate_defaults();
	s->seed = (uint64) PG_GETARG_INT64(2);
	s->lens_fraction = PG_GETARG_FLOAT8(3);
	s->opt.size = PG_GETARG_INT32(4);
	s->opt.add_noise = PG_GETARG_BOOL(5);
	s->opt.supersampling = PG_GETARG_INT32(6);
	s->first_id = PG_GETARG_INT64(8);
	if (s->lens_fraction < 0 || s->lens_fraction > 1 || isnan(s->lens_fraction))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lens_fraction must be between 0 and 1, got %g", s->lens_fraction)));
	return s;
}

/* One row: (id, is_lens, kind, params, image). */
static HeapTuple
make_row(sample_state *s, int64 id, TupleDesc desc)
{
	sg_scene   *scene = palloc(sizeof(sg_scene));
	sg_sample_kind kind;
	sg_status	st;
	char	   *json;
	sg_image   *img;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	sg_status_clear(&st);
	if (!sg_sample_scene(&s->survey, s->seed, id, s->lens_fraction,
						 0.5 * s->opt.size * s->survey.pixel_scale, scene, &kind, &st))
		sgpg_report(&st, "cannot sample");
	json = sg_scene_to_json(scene, &s->survey, &st);
	sgpg_check(&st, "cannot sample");
	s->opt.seed = sg_member_seed(s->seed, id);
	img = sg_simulate(scene, &s->survey, &s->opt, &st);
	if (img == NULL)
		sgpg_report(&st, "cannot simulate");
	values[0] = Int64GetDatum(id);
	values[1] = BoolGetDatum(kind == SG_KIND_LENS);
	values[2] = CStringGetTextDatum(sg_sample_kind_name(kind));
	values[3] = DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
	values[4] = sgpg_image_datum(img);
	return heap_form_tuple(desc, values, nulls);
}

/*
 * simulate_lens_sample(n, survey, seed, lens_fraction, size, noise,
 * supersampling, bands, first_id): n members of the population.
 */
Datum
sglens_simulate_lens_sample(PG_FUNCTION_ARGS)
{
	FuncCallContext *fctx;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	desc;

		for (int i = 0; i < 9; i++)
			if (PG_ARGISNULL(i) && i != 7)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("only bands may be NULL in simulate_lens_sample")));
		fctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(fctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "simulate_lens_sample must return a composite type");
		fctx->tuple_desc = BlessTupleDesc(desc);
		fctx->user_fctx = init_state(fcinfo);
		if (PG_GETARG_INT32(0) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n must not be negative, got %d", PG_GETARG_INT32(0))));
		fctx->max_calls = PG_GETARG_INT32(0);
		MemoryContextSwitchTo(old);
	}
	fctx = SRF_PERCALL_SETUP();
	if (fctx->call_cntr < fctx->max_calls)
	{
		sample_state *s = fctx->user_fctx;
		HeapTuple	tup;

		CHECK_FOR_INTERRUPTS();
		tup = make_row(s, s->first_id + (int64) fctx->call_cntr, fctx->tuple_desc);
		SRF_RETURN_NEXT(fctx, HeapTupleGetDatum(tup));
	}
	SRF_RETURN_DONE(fctx);
}
