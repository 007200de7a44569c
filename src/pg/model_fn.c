/*
 * model_fn.c — lens_model(): lens parameters of a stamp from a CNN modeller,
 * a likelihood fit, or the fit started from (and with a prior from) the CNN;
 * lens_light_subtract() and lens_model_residual().
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "pg_core.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/nn_predict.h"
#include "sglens/sampler.h"
#include "sgpg_models.h"
#include "sgpg_scene.h"

PG_FUNCTION_INFO_V1(sglens_lens_model);
PG_FUNCTION_INFO_V1(sglens_lens_light_subtract);
PG_FUNCTION_INFO_V1(sglens_lens_model_residual);

/* Columns of lens_model_result. */
enum
{
	COL_PARAMS = 0,				/* 7 pairs: value, error */
	COL_CHI2 = 2 * SG_LENS_NPARAMS,
	COL_CONVERGED,
	COL_ITERATIONS,
	COL_METHOD,
	COL_MODEL,
	COL_NOTE,
	COL_JSON,
	N_COLS
};

typedef enum method
{
	METHOD_CNN,
	METHOD_FIT,
	METHOD_CNN_FIT
} method;

static method
parse_method(const char *s)
{
	if (strcmp(s, "cnn") == 0)
		return METHOD_CNN;
	if (strcmp(s, "fit") == 0)
		return METHOD_FIT;
	if (strcmp(s, "cnn+fit") == 0)
		return METHOD_CNN_FIT;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown lens_model method \"%s\"", s),
			 errhint("Use 'cnn', 'fit' or 'cnn+fit'.")));
	return METHOD_CNN;			/* not reached */
}

/* Fit options from the shared arguments: psf (arg psf_arg), survey exposures, budgets. */
static sg_fit_options
fit_options(FunctionCallInfo fcinfo, const sg_image *img, int psf_arg, int survey_arg,
			int iterations_arg, int budget_arg)
{
	sg_fit_options opt = sg_fit_defaults();

	opt.psf_image = PG_ARGISNULL(psf_arg) ? NULL : PG_GETARG_SGIMAGE(psf_arg);
	if (survey_arg >= 0 && !PG_ARGISNULL(survey_arg))
	{
		char	   *names[SG_MAX_BANDS];
		sg_survey	sv;

		for (int b = 0; b < img->nbands; b++)
			names[b] = (char *) img->bands[b].name;
		sgpg_survey_lookup(fcinfo->flinfo->fn_oid, sgpg_text(PG_GETARG_DATUM(survey_arg)), names,
						   img->nbands, &sv);
		for (int b = 0; b < img->nbands; b++)
			opt.exposure[b] = sv.bands[b].exposure_time * sv.bands[b].n_exposures;
	}
	if (iterations_arg >= 0 && !PG_ARGISNULL(iterations_arg))
	{
		opt.max_iterations = PG_GETARG_INT32(iterations_arg);
		if (opt.max_iterations < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_iterations must be at least 1")));
	}
	if (budget_arg >= 0 && !PG_ARGISNULL(budget_arg))
	{
		opt.time_budget = PG_GETARG_FLOAT8(budget_arg);
		if (!(opt.time_budget > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time_budget must be a positive number of seconds")));
	}
	opt.should_stop = sgpg_should_stop;
	return opt;
}

/*
 * The CNN's estimate (means, σ) of the lens parameters of img; for a model
 * that sees the stamp without its lens light, with the fitted light's centre
 * and ellipticity folded in (sg_nn_add_lens_light).
 */
static sgpg_model *
cnn_estimate(FunctionCallInfo fcinfo, const sg_image *img, const char *name,
			 const char *version, const sg_fit_options *fit, double *mean, double *sigma)
{
	sgpg_model *e = sgpg_model_for(fcinfo->flinfo, SGPG_TASK_MODELLER, img, name, version);
	float	   *x = palloc(sizeof(float) * sg_nn_input_planes(&e->info) * e->in_size * e->in_size);
	MemoryContext old;
	sg_status	st;
	sg_fit_result light;
	bool		ok;

	sg_status_clear(&st);
	/* a model that takes the lens light apart fits it with lens_model's psf */
	if (!sg_nn_prepare_input_fit(img, &e->info, e->in_size, fit, x, &light, &st))
	{
		CHECK_FOR_INTERRUPTS();
		sgpg_report(&st, psprintf("stamp does not fit model %s", e->name));
	}
	old = MemoryContextSwitchTo(sgpg_model_context());
	ok = sg_nn_predict_lens(e->model, x, mean, sigma, &st);
	MemoryContextSwitchTo(old);
	if (!ok)
	{
		CHECK_FOR_INTERRUPTS();
		sgpg_report(&st, psprintf("model %s failed", e->name));
	}
	sg_nn_add_lens_light(&e->info, &light, mean, sigma);
	return e;
}

/* The bands of img as a survey for sg_scene_to_json (names only). */
static void
image_bands(const sg_image *img, sg_survey *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->nbands = img->nbands;
	sv->pixel_scale = img->pixel_scale;
	for (int b = 0; b < img->nbands; b++)
		strlcpy(sv->bands[b].name, img->bands[b].name, sizeof(sv->bands[b].name));
}

/* A scene as jsonb in lenstronomy's layout. */
static Datum
scene_jsonb(const sg_scene *scene, const sg_image *img)
{
	sg_survey	sv;
	sg_status	st;
	char	   *json;

	image_bands(img, &sv);
	sg_status_clear(&st);
	json = sg_scene_to_json(scene, &sv, &st);
	if (json == NULL)
		sgpg_report(&st, "cannot write the model parameters");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

/*
 * lens_model(img, method, model, psf, survey, max_iterations, time_budget,
 * version): the lens_model_result of a stamp.
 */
Datum
sglens_lens_model(PG_FUNCTION_ARGS)
{
	sg_image   *img;
	method		m;
	double		mean[SG_LENS_NPARAMS],
				sigma[SG_LENS_NPARAMS];
	sgpg_model *cnn = NULL;
	sg_fit_options opt;
	sg_fit_result res;
	sg_scene   *scene = palloc0(sizeof(sg_scene));
	TupleDesc	desc;
	Datum		values[N_COLS];
	bool		nulls[N_COLS];
	sg_status	st;
	const char *name,
			   *version;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	name = PG_ARGISNULL(2) ? NULL : sgpg_text(PG_GETARG_DATUM(2));
	version = PG_ARGISNULL(7) ? NULL : sgpg_text(PG_GETARG_DATUM(7));
	if (version && !name)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a model version needs a model name")));
	img = PG_GETARG_SGIMAGE(0);
	m = parse_method(sgpg_text(PG_GETARG_DATUM(1)));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "lens_model must return a composite");
	memset(nulls, 0, sizeof(nulls));
	opt = fit_options(fcinfo, img, 3, 4, 5, 6);
	if (m != METHOD_FIT)
		cnn = cnn_estimate(fcinfo, img, name, version, &opt, mean, sigma);
	if (m == METHOD_CNN)
	{
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
		{
			values[COL_PARAMS + 2 * k] = Float8GetDatum(mean[k]);
			values[COL_PARAMS + 2 * k + 1] = Float8GetDatum(sigma[k]);
		}
		nulls[COL_CHI2] = nulls[COL_CONVERGED] = nulls[COL_ITERATIONS] = nulls[COL_NOTE] = true;
		memset(&res, 0, sizeof(res));
		memcpy(res.params, mean, sizeof(mean));
		res.nbands = 0;
		sg_fit_scene(&res, scene);
		scene->n_source = scene->n_lens_light = 0;
	}
	else
	{
		if (m == METHOD_CNN_FIT)
		{
			opt.has_start = opt.has_prior = true;
			memcpy(opt.start, mean, sizeof(mean));
			memcpy(opt.prior_mean, mean, sizeof(mean));
			memcpy(opt.prior_sigma, sigma, sizeof(sigma));
		}
		sg_status_clear(&st);
		if (!sg_fit_lens(img, &opt, &res, &st))
		{
			CHECK_FOR_INTERRUPTS();
			sgpg_report(&st, "cannot fit the lens model");
		}
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
		{
			values[COL_PARAMS + 2 * k] = Float8GetDatum(res.params[k]);
			values[COL_PARAMS + 2 * k + 1] = Float8GetDatum(res.errors[k]);
			nulls[COL_PARAMS + 2 * k + 1] = isnan(res.errors[k]);
		}
		values[COL_CHI2] = Float8GetDatum(res.chi2_reduced);
		nulls[COL_CHI2] = isnan(res.chi2_reduced);
		values[COL_CONVERGED] = BoolGetDatum(res.converged);
		values[COL_ITERATIONS] = Int32GetDatum(res.iterations);
		values[COL_NOTE] = CStringGetTextDatum(res.note);
		nulls[COL_NOTE] = res.converged;
		sg_fit_scene(&res, scene);
	}
	values[COL_METHOD] = CStringGetTextDatum(m == METHOD_CNN ? "cnn" : m == METHOD_FIT ? "fit" : "cnn+fit");
	if (cnn)
		values[COL_MODEL] = CStringGetTextDatum(psprintf("%s %s", cnn->name, cnn->version));
	nulls[COL_MODEL] = cnn == NULL;
	values[COL_JSON] = scene_jsonb(scene, img);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* lens_light_subtract(img, psf): the stamp minus a fitted Sérsic lens light. */
Datum
sglens_lens_light_subtract(PG_FUNCTION_ARGS)
{
	sg_image   *img,
			   *sub;
	sg_fit_options opt;
	sg_status	st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	img = PG_GETARG_SGIMAGE(0);
	opt = fit_options(fcinfo, img, 1, -1, -1, -1);
	sg_status_clear(&st);
	sub = sg_subtract_lens_light(img, &opt, NULL, &st);
	if (sub == NULL)
	{
		CHECK_FOR_INTERRUPTS();
		sgpg_report(&st, "cannot fit the lens light");
	}
	PG_RETURN_SGIMAGE(sub);
}

/* lens_model_residual(img, params, psf): the stamp minus the rendered model. */
Datum
sglens_lens_model_residual(PG_FUNCTION_ARGS)
{
	sg_image   *img,
			   *model;
	sg_fit_options opt;
	sgpg_bands	bands;
	sg_scene   *scene = palloc0(sizeof(sg_scene));
	sg_status	st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	img = PG_GETARG_SGIMAGE(0);
	opt = fit_options(fcinfo, img, 2, -1, -1, -1);
	bands.nbands = img->nbands;
	for (int b = 0; b < img->nbands; b++)
	{
		bands.names[b] = img->bands[b].name;
		bands.zeropoint[b] = img->bands[b].zeropoint;
	}
	sgpg_scene_from_jsonb(PG_GETARG_JSONB_P(1), &bands, 0, scene);
	sg_status_clear(&st);
	model = sg_fit_render(img, scene, &opt, &st);
	if (model == NULL)
		sgpg_report(&st, "cannot render the model");
	for (int b = 0; b < img->nbands; b++)
	{
		float	   *mp = sg_image_band_pixels(model, b);
		const float *d = sg_image_band_pixels(img, b);

		for (size_t i = 0; i < (size_t) img->nx * img->ny; i++)
			mp[i] = d[i] - mp[i];
	}
	PG_RETURN_SGIMAGE(model);
}
