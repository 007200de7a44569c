/* sgpg_scene.h — lens scenes from jsonb, and survey presets from their tables. */
#ifndef SGLENS_SGPG_SCENE_H
#define SGLENS_SGPG_SCENE_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "sglens/render.h"
#include "sglens/survey.h"

/* The bands a scene is rendered in: names and AB zero points (NaN = unknown). */
typedef struct sgpg_bands
{
	int			nbands;
	const char *names[SG_MAX_BANDS];
	double		zeropoint[SG_MAX_BANDS];
} sgpg_bands;

/*
 * Parse lenstronomy-layout parameters {"lens": [...], "source": [...],
 * "lens_light": [...]} into a scene for the given bands; errors name the
 * offending field (e.g. source[0].R_sersic).  seed draws clump positions.
 */
void		sgpg_scene_from_jsonb(Jsonb *params, const sgpg_bands *bands,
								  uint64 seed, sg_scene *scene);

/*
 * Load a survey preset from the tables in the schema of the calling function
 * func_oid; with band_names, only those bands, in that order.
 */
void		sgpg_survey_lookup(Oid func_oid, const char *name, char **band_names,
							   int nnames, sg_survey *sv);

#endif
