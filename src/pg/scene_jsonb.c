/*
 * scene_jsonb.c — lens scenes from jsonb parameters in lenstronomy's layout.
 *
 * Mass profiles ("lens"): SIE, SIS, POINT_MASS, SHEAR, EPL.  Light profiles
 * ("source", "lens_light"): SERSIC_ELLIPSE, SERSIC, GAUSSIAN, each with
 * either "amp" or "mag" (a number for all bands or an object per band);
 * sources may carry "clumps": {"n", "fraction", "sigma"}.  Unknown keys are
 * errors, so typos do not pass silently.
 */
#include "postgres.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "pg_core.h"
#include "sglens/scene.h"
#include "sgpg_scene.h"

/* Raise an invalid_parameter_value error about one field. */
#define PARAM_ERROR(...) \
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg(__VA_ARGS__)))

/* The value of key in an object container, or NULL. */
static JsonbValue *
get_key(JsonbContainer *obj, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	return findJsonbValueFromContainer(obj, JB_FOBJECT, &k);
}

/* A number as double; field names the place for errors. */
static double
number_value(JsonbValue *v, const char *field)
{
	double		d;

	if (v->type != jbvNumeric)
		PARAM_ERROR("%s must be a number", field);
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!isfinite(d))
		PARAM_ERROR("%s must be finite", field);
	return d;
}

/* A required (or defaulted, when dflt is not NaN) number field of an object. */
static double
get_number(JsonbContainer *obj, const char *key, double dflt, const char *where)
{
	JsonbValue *v = get_key(obj, key);
	char	   *field = psprintf("%s.%s", where, key);

	if (v == NULL)
	{
		if (isnan(dflt))
			PARAM_ERROR("%s is missing", field);
		return dflt;
	}
	return number_value(v, field);
}

/* Fail when the object has a key outside the allowed list. */
static void
check_keys(JsonbContainer *obj, const char *const *allowed, const char *where)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known = false;

		if (tok != WJB_KEY)
			continue;
		for (int i = 0; allowed[i]; i++)
			if ((int) strlen(allowed[i]) == v.val.string.len &&
				strncmp(allowed[i], v.val.string.val, v.val.string.len) == 0)
				known = true;
		if (!known)
			PARAM_ERROR("%s has an unknown key \"%.*s\"", where, v.val.string.len, v.val.string.val);
	}
}

/* The "type" string of a profile object. */
static char *
get_type(JsonbContainer *obj, const char *where)
{
	JsonbValue *v = get_key(obj, "type");

	if (v == NULL || v->type != jbvString)
		PARAM_ERROR("%s.type must be a string naming the profile", where);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static void
parse_mass(JsonbContainer *obj, const char *where, sg_mass_profile *p)
{
	static const char *const sie_keys[] = {"type", "theta_E", "e1", "e2", "center_x", "center_y", NULL};
	static const char *const sis_keys[] = {"type", "theta_E", "center_x", "center_y", NULL};
	static const char *const shear_keys[] = {"type", "gamma1", "gamma2", NULL};
	static const char *const epl_keys[] = {"type", "theta_E", "gamma", "e1", "e2", "center_x", "center_y", NULL};
	char	   *type = get_type(obj, where);
	sg_status	st;

	memset(p, 0, sizeof(*p));
	if (strcmp(type, "SHEAR") == 0)
	{
		check_keys(obj, shear_keys, where);
		p->type = SG_MASS_SHEAR;
		p->gamma1 = get_number(obj, "gamma1", NAN, where);
		p->gamma2 = get_number(obj, "gamma2", NAN, where);
	}
	else
	{
		if (strcmp(type, "SIE") == 0)
			p->type = SG_MASS_SIE;
		else if (strcmp(type, "SIS") == 0)
			p->type = SG_MASS_SIS;
		else if (strcmp(type, "POINT_MASS") == 0)
			p->type = SG_MASS_POINT;
		else if (strcmp(type, "EPL") == 0)
			p->type = SG_MASS_EPL;
		else
			PARAM_ERROR("%s.type \"%s\" is not a known mass profile (SIE, SIS, POINT_MASS, SHEAR, EPL)",
						where, type);
		check_keys(obj, p->type == SG_MASS_SIE ? sie_keys : p->type == SG_MASS_EPL ? epl_keys : sis_keys,
				   where);
		p->theta_e = get_number(obj, "theta_E", NAN, where);
		p->center_x = get_number(obj, "center_x", 0, where);
		p->center_y = get_number(obj, "center_y", 0, where);
		if (p->type == SG_MASS_SIE || p->type == SG_MASS_EPL)
		{
			p->e1 = get_number(obj, "e1", 0, where);
			p->e2 = get_number(obj, "e2", 0, where);
		}
		if (p->type == SG_MASS_EPL)
			p->gamma = get_number(obj, "gamma", NAN, where);
	}
	sg_status_clear(&st);
	if (!sg_mass_check(p, &st))
		PARAM_ERROR("%s: %s", where, st.message);
}

/* Per-band values of "amp" or "mag": a number for all bands, or {band: value}. */
static void
per_band_values(JsonbValue *v, const sgpg_bands *bands, const char *field, double *out)
{
	if (v->type == jbvNumeric)
	{
		double		d = number_value(v, field);

		for (int b = 0; b < bands->nbands; b++)
			out[b] = d;
		return;
	}
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		PARAM_ERROR("%s must be a number or an object of per-band numbers", field);
	for (int b = 0; b < bands->nbands; b++)
	{
		JsonbValue *bv = get_key(v->val.binary.data, bands->names[b]);

		if (bv == NULL)
			PARAM_ERROR("%s has no value for band %s", field, bands->names[b]);
		out[b] = number_value(bv, psprintf("%s.%s", field, bands->names[b]));
	}
}

/* Set amp per band from "amp" or, through the zero points, from "mag". */
static void
parse_brightness(JsonbContainer *obj, const sgpg_bands *bands, const char *where,
				 sg_light_profile *p)
{
	JsonbValue *amp = get_key(obj, "amp");
	JsonbValue *mag = get_key(obj, "mag");
	double		values[SG_MAX_BANDS];

	if ((amp == NULL) == (mag == NULL))
		PARAM_ERROR("%s needs exactly one of \"amp\" and \"mag\"", where);
	if (amp)
	{
		per_band_values(amp, bands, psprintf("%s.amp", where), p->amp);
		return;
	}
	per_band_values(mag, bands, psprintf("%s.mag", where), values);
	for (int b = 0; b < bands->nbands; b++)
	{
		if (isnan(bands->zeropoint[b]))
			PARAM_ERROR("%s.mag needs the zero point of band %s, which is unknown", where,
						bands->names[b]);
		p->amp[b] = sg_light_amp_for_flux(p, pow(10.0, -0.4 * (values[b] - bands->zeropoint[b])));
	}
}

static void
parse_light(JsonbContainer *obj, const sgpg_bands *bands, bool is_source, const char *where,
			sg_light_profile *p, JsonbValue **clumps)
{
	static const char *const sersic_ell_keys[] = {"type", "amp", "mag", "R_sersic", "n_sersic", "e1", "e2",
	"center_x", "center_y", "clumps", NULL};
	static const char *const sersic_keys[] = {"type", "amp", "mag", "R_sersic", "n_sersic", "center_x",
	"center_y", "clumps", NULL};
	static const char *const gauss_keys[] = {"type", "amp", "mag", "sigma", "center_x", "center_y", NULL};
	char	   *type = get_type(obj, where);
	sg_status	st;

	memset(p, 0, sizeof(*p));
	if (strcmp(type, "SERSIC_ELLIPSE") == 0)
		p->type = SG_LIGHT_SERSIC_ELLIPSE;
	else if (strcmp(type, "SERSIC") == 0)
		p->type = SG_LIGHT_SERSIC;
	else if (strcmp(type, "GAUSSIAN") == 0)
		p->type = SG_LIGHT_GAUSSIAN;
	else
		PARAM_ERROR("%s.type \"%s\" is not a known light profile (SERSIC_ELLIPSE, SERSIC, GAUSSIAN)",
					where, type);
	check_keys(obj, p->type == SG_LIGHT_SERSIC_ELLIPSE ? sersic_ell_keys :
			   p->type == SG_LIGHT_SERSIC ? sersic_keys : gauss_keys, where);
	p->center_x = get_number(obj, "center_x", 0, where);
	p->center_y = get_number(obj, "center_y", 0, where);
	if (p->type == SG_LIGHT_GAUSSIAN)
		p->sigma = get_number(obj, "sigma", NAN, where);
	else
	{
		p->r_sersic = get_number(obj, "R_sersic", NAN, where);
		p->n_sersic = get_number(obj, "n_sersic", NAN, where);
	}
	if (p->type == SG_LIGHT_SERSIC_ELLIPSE)
	{
		p->e1 = get_number(obj, "e1", 0, where);
		p->e2 = get_number(obj, "e2", 0, where);
	}
	sg_status_clear(&st);
	if (!sg_light_check(p, &st))
		PARAM_ERROR("%s: %s", where, st.message);
	parse_brightness(obj, bands, where, p);
	*clumps = get_key(obj, "clumps");
	if (*clumps && !is_source)
		PARAM_ERROR("%s: clumps are only for lensed sources", where);
}

/* The profile objects of one list ("lens", "source", "lens_light"). */
static int
list_items(JsonbContainer *root, const char *key, JsonbContainer **items)
{
	JsonbValue *v = get_key(root, key);
	int			n;

	if (v == NULL)
		return 0;
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		PARAM_ERROR("\"%s\" must be an array of profiles", key);
	n = JsonContainerSize(v->val.binary.data);
	if (n > SG_MAX_PROFILES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("\"%s\" has %d profiles; the limit is %d", key, n, SG_MAX_PROFILES)));
	for (int i = 0; i < n; i++)
	{
		JsonbValue *item = getIthJsonbValueFromContainer(v->val.binary.data, i);

		if (item->type != jbvBinary || !JsonContainerIsObject(item->val.binary.data))
			PARAM_ERROR("%s[%d] must be an object", key, i);
		items[i] = item->val.binary.data;
	}
	return n;
}

/* Expand a source's "clumps" object into Gaussian clumps. */
static void
add_clumps(sg_scene *scene, int i, JsonbValue *clumps, const sgpg_bands *bands, sg_rng *rng)
{
	static const char *const keys[] = {"n", "fraction", "sigma", NULL};
	char	   *where = psprintf("source[%d].clumps", i);
	JsonbContainer *obj;
	double		n;
	sg_status	st;

	if (clumps->type != jbvBinary || !JsonContainerIsObject(clumps->val.binary.data))
		PARAM_ERROR("%s must be an object {\"n\", \"fraction\", \"sigma\"}", where);
	obj = clumps->val.binary.data;
	check_keys(obj, keys, where);
	n = get_number(obj, "n", NAN, where);
	if (n != floor(n))
		PARAM_ERROR("%s.n must be a whole number", where);
	sg_status_clear(&st);
	if (!sg_scene_add_clumps(scene, i, bands->nbands, (int) n, get_number(obj, "fraction", NAN, where),
							 get_number(obj, "sigma", NAN, where), rng, &st))
		PARAM_ERROR("%s: %s", where, st.message);
}

void
sgpg_scene_from_jsonb(Jsonb *params, const sgpg_bands *bands, uint64 seed, sg_scene *scene)
{
	static const char *const top_keys[] = {"lens", "source", "lens_light", NULL};
	JsonbContainer *items[SG_MAX_PROFILES];
	JsonbValue *clumps[SG_MAX_PROFILES];
	int			n;
	sg_rng		rng;

	if (!JB_ROOT_IS_OBJECT(params))
		PARAM_ERROR("params must be an object {\"lens\": [...], \"source\": [...], \"lens_light\": [...]}");
	check_keys(&params->root, top_keys, "params");
	memset(scene, 0, sizeof(*scene));
	scene->n_mass = list_items(&params->root, "lens", items);
	for (int i = 0; i < scene->n_mass; i++)
		parse_mass(items[i], psprintf("lens[%d]", i), &scene->mass[i]);
	n = list_items(&params->root, "lens_light", items);
	for (int i = 0; i < n; i++)
		parse_light(items[i], bands, false, psprintf("lens_light[%d]", i), &scene->lens_light[i], &clumps[i]);
	scene->n_lens_light = n;
	n = list_items(&params->root, "source", items);
	for (int i = 0; i < n; i++)
		parse_light(items[i], bands, true, psprintf("source[%d]", i), &scene->source[i], &clumps[i]);
	scene->n_source = n;
	sg_rng_seed(&rng, seed, UINT64_C(0xC1A4B5));
	for (int i = 0; i < n; i++)
		if (clumps[i])
			add_clumps(scene, i, clumps[i], bands, &rng);
}
