/* simulate_fn.c — simulate_lens() and sg_inject_lens(). */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "pg_core.h"
#include "sglens/alloc.h"
#include "sglens/simulate.h"
#include "sgpg_scene.h"

PG_FUNCTION_INFO_V1(sglens_simulate_lens);
PG_FUNCTION_INFO_V1(sglens_inject_lens);

/* The band names and zero points of a survey, for parsing magnitudes. */
static void
survey_bands(const sg_survey *sv, sgpg_bands *bands)
{
	bands->nbands = sv->nbands;
	for (int b = 0; b < sv->nbands; b++)
	{
		bands->names[b] = sv->bands[b].name;
		bands->zeropoint[b] = sv->bands[b].zeropoint;
	}
}

/*
 * simulate_lens(params, survey, size, seed, noise, supersampling, bands,
 * psf_beta, ra, dec, psf): a survey image of a lens scene.
 */
Datum
sglens_simulate_lens(PG_FUNCTION_ARGS)
{
	sg_simulate_options opt = sg_simulate_defaults();
	sg_survey	sv;
	sgpg_bands	bands;
	sg_scene   *scene = palloc(sizeof(sg_scene));
	char	  **names = NULL;
	int			nnames = 0;
	sg_status	st;
	sg_image   *img;

	for (int i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	if (!PG_ARGISNULL(6))
		names = sgpg_text_array(PG_GETARG_DATUM(6), &nnames, "bands");
	sgpg_survey_lookup(fcinfo->flinfo->fn_oid, sgpg_text(PG_GETARG_DATUM(1)), names, nnames, &sv);
	opt.size = PG_GETARG_INT32(2);
	opt.seed = (uint64) PG_GETARG_INT64(3);
	opt.add_noise = PG_GETARG_BOOL(4);
	opt.supersampling = PG_GETARG_INT32(5);
	opt.psf_beta = PG_ARGISNULL(7) ? 0 : PG_GETARG_FLOAT8(7);
	opt.psf_image = PG_ARGISNULL(10) ? NULL : PG_GETARG_SGIMAGE(10);
	if (opt.psf_image && opt.psf_beta != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("give either psf_beta (Moffat PSF) or a psf image, not both")));
	survey_bands(&sv, &bands);
	sgpg_scene_from_jsonb(PG_GETARG_JSONB_P(0), &bands, opt.seed, scene);
	sg_status_clear(&st);
	img = sg_simulate(scene, &sv, &opt, &st);
	if (img == NULL)
		sgpg_report(&st, "cannot simulate");
	if (!PG_ARGISNULL(8) || !PG_ARGISNULL(9))
	{
		if (PG_ARGISNULL(8) || PG_ARGISNULL(9) ||
			!sg_image_set_center(img, PG_GETARG_FLOAT8(8), PG_GETARG_FLOAT8(9), &st))
			sg_fail(&st, SG_ERR_VALUE, "give both ra and dec of the stamp centre");
		sgpg_check(&st, "cannot simulate");
	}
	PG_RETURN_SGIMAGE(img);
}

/* sg_inject_lens(img, params, seed, supersampling): add a lensed source to a stamp. */
Datum
sglens_inject_lens(PG_FUNCTION_ARGS)
{
	sg_image   *stamp;
	sgpg_bands	bands;
	sg_scene   *scene = palloc(sizeof(sg_scene));
	sg_status	st;
	sg_image   *out;

	for (int i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			PG_RETURN_NULL();
	stamp = PG_GETARG_SGIMAGE(0);
	bands.nbands = stamp->nbands;
	for (int b = 0; b < stamp->nbands; b++)
	{
		bands.names[b] = stamp->bands[b].name;
		bands.zeropoint[b] = stamp->bands[b].zeropoint;
	}
	sgpg_scene_from_jsonb(PG_GETARG_JSONB_P(1), &bands, (uint64) PG_GETARG_INT64(2), scene);
	if (scene->n_lens_light > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("injection adds only lensed sources; the stamp already holds the lens light"),
				 errhint("Remove \"lens_light\" from the parameters.")));
	sg_status_clear(&st);
	out = sg_inject(stamp, scene, PG_GETARG_INT32(3), &st);
	if (out == NULL)
		sgpg_report(&st, "cannot inject lens");
	PG_RETURN_SGIMAGE(out);
}
