/*
 * nn_score.h — the lens probability of a prepared input, averaged over the
 * four 90° rotations of the stamp (one batch of 4 through the network), so a
 * score does not depend on how the stamp is oriented.
 */
#ifndef SGLENS_NN_SCORE_H
#define SGLENS_NN_SCORE_H

#include "sglens/nn.h"

/*
 * Probability that x (nbands × size × size, from sg_nn_prepare_input) shows
 * a lens: the mean of the sigmoid outputs for x rotated by 0, 90, 180 and
 * 270 degrees.  The model must be a classifier taking this input.
 */
bool		sg_nn_score_rotations(sg_nn_model *m, const float *x, int nbands, int size,
								  float *prob, sg_status *st);

/*
 * The same probability from one pass: x turned by the multiple of 90° that
 * puts the most flux (all bands) into the lower-left quadrant; rotating the
 * stamp does not change which orientation that is, so the score is exactly
 * rotation-invariant (but for exact ties, where the first rotation wins).
 */
bool		sg_nn_score_canonical(sg_nn_model *m, const float *x, int nbands, int size,
								  float *prob, sg_status *st);

/* The one-pass score from which lens_score()'s default (adaptive) scoring runs all four rotations. */
#define SG_NN_ADAPTIVE_THRESHOLD 0.1f

/*
 * One canonical pass (as sg_nn_score_canonical); where that probability is
 * at least threshold, the mean over the four rotations instead (as
 * sg_nn_score_rotations, the canonical pass reused as one of them).  The
 * choice depends only on the rotation-invariant one-pass score, so the
 * result is rotation-invariant too.  *passes (if not NULL) gets 1 or 4.
 */
bool		sg_nn_score_adaptive(sg_nn_model *m, const float *x, int nbands, int size,
								 float threshold, float *prob, int *passes, sg_status *st);

/*
 * The score as lens_score's passes argument asks: 4 (sg_nn_score_rotations),
 * 1 (sg_nn_score_canonical) or 0 (sg_nn_score_adaptive with threshold).
 * *used (if not NULL) gets the passes run.
 */
bool		sg_nn_score(sg_nn_model *m, const float *x, int nbands, int size, int passes,
						float threshold, float *prob, int *used, sg_status *st);

#endif
