/*
 * scene_json.c — a scene as lenstronomy-layout JSON text, with amplitudes per
 * band and numbers printed with 17 significant digits (exact round trip).
 */
#include <math.h>

#include "sglens/alloc.h"
#include "sglens/sampler.h"
#include "strbuf.h"

/* Append ", \"key\": value". */
static void
put_number(sg_strbuf *buf, const char *key, double v)
{
	sg_strbuf_printf(buf, ", \"%s\": %.17g", key, v);
}

static void
put_mass(sg_strbuf *buf, const sg_mass_profile *p)
{
	static const char *const names[] = {"SIE", "SIS", "POINT_MASS", "SHEAR", "EPL"};

	sg_strbuf_printf(buf, "{\"type\": \"%s\"", names[p->type]);
	if (p->type == SG_MASS_SHEAR)
	{
		put_number(buf, "gamma1", p->gamma1);
		put_number(buf, "gamma2", p->gamma2);
	}
	else
	{
		put_number(buf, "theta_E", p->theta_e);
		if (p->type == SG_MASS_EPL)
			put_number(buf, "gamma", p->gamma);
		if (p->type == SG_MASS_SIE || p->type == SG_MASS_EPL)
		{
			put_number(buf, "e1", p->e1);
			put_number(buf, "e2", p->e2);
		}
		put_number(buf, "center_x", p->center_x);
		put_number(buf, "center_y", p->center_y);
	}
	sg_strbuf_append(buf, "}");
}

static void
put_light(sg_strbuf *buf, const sg_light_profile *p, const sg_survey *sv)
{
	static const char *const names[] = {"SERSIC_ELLIPSE", "SERSIC", "GAUSSIAN"};

	sg_strbuf_printf(buf, "{\"type\": \"%s\", \"amp\": {", names[p->type]);
	for (int b = 0; b < sv->nbands; b++)
		sg_strbuf_printf(buf, "%s\"%s\": %.17g", b ? ", " : "", sv->bands[b].name, p->amp[b]);
	sg_strbuf_append(buf, "}");
	if (p->type == SG_LIGHT_GAUSSIAN)
		put_number(buf, "sigma", p->sigma);
	else
	{
		put_number(buf, "R_sersic", p->r_sersic);
		put_number(buf, "n_sersic", p->n_sersic);
	}
	if (p->type == SG_LIGHT_SERSIC_ELLIPSE)
	{
		put_number(buf, "e1", p->e1);
		put_number(buf, "e2", p->e2);
	}
	put_number(buf, "center_x", p->center_x);
	put_number(buf, "center_y", p->center_y);
	sg_strbuf_append(buf, "}");
}

/* Append "\"key\": [ ... ]" for a list of light profiles. */
static void
put_light_list(sg_strbuf *buf, const char *key, const sg_light_profile *list, int n,
			   const sg_survey *sv)
{
	sg_strbuf_printf(buf, "\"%s\": [", key);
	for (int i = 0; i < n; i++)
	{
		if (i)
			sg_strbuf_append(buf, ", ");
		put_light(buf, &list[i], sv);
	}
	sg_strbuf_append(buf, "]");
}

char *
sg_scene_to_json(const sg_scene *scene, const sg_survey *sv, sg_status *st)
{
	sg_strbuf	buf = {NULL, 0, 0, false};

	sg_strbuf_append(&buf, "{\"lens\": [");
	for (int i = 0; i < scene->n_mass; i++)
	{
		if (i)
			sg_strbuf_append(&buf, ", ");
		put_mass(&buf, &scene->mass[i]);
	}
	sg_strbuf_append(&buf, "], ");
	put_light_list(&buf, "source", scene->source, scene->n_source, sv);
	sg_strbuf_append(&buf, ", ");
	put_light_list(&buf, "lens_light", scene->lens_light, scene->n_lens_light, sv);
	sg_strbuf_append(&buf, "}");
	if (buf.failed)
	{
		sg_free(buf.data);
		sg_fail(st, SG_ERR_NOMEM, "out of memory writing scene JSON");
		return NULL;
	}
	return buf.data;
}
