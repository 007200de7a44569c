/* sampler_internal.h — shared by the sampler's files (core-internal). */
#ifndef SGLENS_SAMPLER_INTERNAL_H
#define SGLENS_SAMPLER_INTERNAL_H

#include "sglens/rng.h"
#include "sglens/sampler.h"

typedef enum sg_sed
{
	SG_SED_RED,					/* early-type galaxy at z ≈ 0.5 */
	SG_SED_BLUE					/* star-forming galaxy at z ≈ 1.5–2 */
} sg_sed;

/* Magnitude offset m(band) − m_i of a template. */
double		sg_sed_offset(sg_sed sed, const char *band);

#endif
