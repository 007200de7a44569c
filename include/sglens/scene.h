/*
 * scene.h — building lens scenes: clumpy star-forming sources.
 */
#ifndef SGLENS_SCENE_H
#define SGLENS_SCENE_H

#include "sglens/render.h"
#include "sglens/rng.h"

/*
 * Turn source i of the scene into a clumpy source: it keeps (1 − fraction)
 * of its flux in every band, and n circular Gaussian clumps of width sigma
 * (arcsec) share the rest equally, placed at random inside the source's
 * half-light ellipse.  Needs room for n more source profiles.
 */
bool		sg_scene_add_clumps(sg_scene *scene, int i, int nbands, int n,
								double fraction, double sigma, sg_rng *rng,
								sg_status *st);

#endif
