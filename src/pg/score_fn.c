/* score_fn.c — lens_score(): the probability that a stamp shows a lens. */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "pg_core.h"
#include "sglens/baseline.h"
#include "sglens/nn_input.h"
#include "sglens/nn_score.h"
#include "sgpg_models.h"

PG_FUNCTION_INFO_V1(sglens_lens_score);

/* lens_score's passes argument when NULL: one pass, four where it is not clearly negative */
#define PASSES_ADAPTIVE 0

/*
 * The model's probability for one prepared input: a CNN's mean over the
 * four 90° rotations (passes 4), its one pass in the canonical orientation
 * (passes 1), or that pass and, where it gives at least
 * SG_NN_ADAPTIVE_THRESHOLD, the four-rotation mean (PASSES_ADAPTIVE).
 */
static float
run_model(sgpg_model *e, const float *x, int passes)
{
	MemoryContext old;
	sg_status	st;
	float		out = NAN;
	bool		ok;

	sg_status_clear(&st);
	/* buffers the model grows must outlive this call */
	old = MemoryContextSwitchTo(sgpg_model_context());
	if (e->kind == SGPG_MODEL_CNN)
		ok = sg_nn_score(e->model, x, sg_nn_input_planes(&e->info), e->in_size, passes,
						 SG_NN_ADAPTIVE_THRESHOLD, &out, NULL, &st);
	else
		ok = sg_baseline_score(e->model, x, 1, &out, &st);
	MemoryContextSwitchTo(old);
	if (!ok)
	{
		CHECK_FOR_INTERRUPTS();
		sgpg_report(&st, psprintf("model %s failed", e->name));
	}
	return out;
}

/*
 * lens_score(img, model[, version], passes): probability in [0, 1] that img
 * is a lens, from the named model (or the default finder for the stamp).
 */
Datum
sglens_lens_score(PG_FUNCTION_ARGS)
{
	sg_image   *img;
	const char *name;
	const char *version;
	int			passes;
	sgpg_model *e;
	float	   *x;
	sg_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	img = PG_GETARG_SGIMAGE(0);
	name = PG_NARGS() > 1 && !PG_ARGISNULL(1) ? sgpg_text(PG_GETARG_DATUM(1)) : NULL;
	/* (img, model, passes) or (img, model, version, passes) */
	version = PG_NARGS() > 3 && !PG_ARGISNULL(2) ? sgpg_text(PG_GETARG_DATUM(2)) : NULL;
	passes = PG_ARGISNULL(PG_NARGS() - 1) ? PASSES_ADAPTIVE : PG_GETARG_INT32(PG_NARGS() - 1);
	if (passes != PASSES_ADAPTIVE && passes != 1 && passes != 4)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("passes must be 4 (the mean over the four rotations), 1 (one pass in the canonical orientation) or NULL (one pass, four where it is not clearly negative), got %d",
						passes)));
	if (version && !name)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a model version needs a model name")));
	e = sgpg_model_for(fcinfo->flinfo, SGPG_TASK_FINDER, img, name, version);
	x = palloc(sizeof(float) * sg_nn_input_planes(&e->info) * e->in_size * e->in_size);
	sg_status_clear(&st);
	if (!sg_nn_prepare_input(img, &e->info, e->in_size, x, &st))
		sgpg_report(&st, psprintf("stamp does not fit model %s", e->name));
	PG_RETURN_FLOAT4(run_model(e, x, passes));
}
