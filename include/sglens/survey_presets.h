/*
 * survey_presets.h — the survey presets shipped with sglens (LSST, Euclid,
 * CSST, HSC, DES, KiDS) as a built-in table for tools that run without a
 * database.  The numbers are those of sql/extension/70_survey_presets.sql;
 * a regression test keeps the two copies equal.
 */
#ifndef SGLENS_SURVEY_PRESETS_H
#define SGLENS_SURVEY_PRESETS_H

#include "sglens/survey.h"

/* Number of shipped presets. */
int			sg_survey_preset_count(void);

/* Name of preset i (0 .. count−1), or NULL. */
const char *sg_survey_preset_name(int i);

/* The preset of this name (case-sensitive, as in SQL) with all its bands. */
bool		sg_survey_preset(const char *name, sg_survey *out, sg_status *st);

/*
 * Keep only the named bands of sv, in the order given (comma-separated
 * list, e.g. "g,r,i"); names a band the survey lacks or repeats.
 */
bool		sg_survey_select_bands(sg_survey *sv, const char *bands, sg_status *st);

#endif
