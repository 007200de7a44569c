/*
 * sampler.h — a population of realistic lenses and hard non-lenses for
 * training, testing and injection.  The distributions are documented in
 * docs/simulate.md; every draw comes from (seed, id), so a row can be
 * regenerated on its own and the population is the same in any order or
 * degree of parallelism.
 */
#ifndef SGLENS_SAMPLER_H
#define SGLENS_SAMPLER_H

#include <stdint.h>

#include "sglens/render.h"
#include "sglens/survey.h"

typedef enum sg_sample_kind
{
	SG_KIND_LENS,				/* galaxy-scale lens: SIE + shear, Sérsic source */
	SG_KIND_PLAIN,				/* the same kind of galaxy without a lensed source */
	SG_KIND_COMPANION,			/* galaxy with nearby companions / neighbours */
	SG_KIND_RING,				/* star-forming ring galaxy (blue clumps on a ring) */
	SG_KIND_MERGER,				/* two overlapping galaxies with a tidal feature */
	SG_KIND_EDGE_ON,			/* edge-on disk */
	SG_KIND_BLUE_CLUMPS,		/* galaxy with scattered blue clumps */
	SG_KIND_ARC_NEIGHBOUR,		/* galaxy with a tangentially aligned elongated blue neighbour */
	SG_N_KINDS
} sg_sample_kind;

/* Name of a kind ("lens", "companion", ...). */
const char *sg_sample_kind_name(sg_sample_kind kind);

/*
 * Draw member id of the population for seed: a lens with probability
 * lens_fraction, else a non-lens of a uniformly chosen kind.  Light
 * amplitudes are set per survey band from magnitudes and colours; everything
 * is placed within half_width arcsec of the centre (half the stamp side).
 */
bool		sg_sample_scene(const sg_survey *sv, uint64_t seed, int64_t id,
							double lens_fraction, double half_width,
							sg_scene *scene, sg_sample_kind *kind,
							sg_status *st);

/*
 * The scene as lenstronomy-layout JSON text (sg_malloc'd) with amplitudes per
 * band, which simulate_lens() renders back exactly.
 */
char	   *sg_scene_to_json(const sg_scene *scene, const sg_survey *sv,
							 sg_status *st);

#endif
