/*
 * baseline.h — the classic lens finder: HOG-style edge features plus
 * radial and colour features of the network input (nn_input.h), scored by
 * L2-regularised logistic regression, like the "edges/gradients + logistic
 * regression" entries of the 2019 lens-finding challenge.  It takes the same
 * input as the CNN models (sg_nn_info: bands, pixel scale, normalisation,
 * and an input size), so the two can be compared stamp for stamp.
 * Features, training and the file format ("SGLBASE1"): docs/baseline.md.
 */
#ifndef SGLENS_BASELINE_H
#define SGLENS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "sglens/nn.h"
#include "sglens/status.h"

#define SG_BASELINE_MAX_FEATURES (1 << 20)
#define SG_BASELINE_MAX_FILE (64 * 1024 * 1024)

/* How features are computed from an nbands × size × size input. */
typedef struct sg_baseline_spec
{
	int			cell;			/* HOG cell side, pixels (2..32) */
	int			bins;			/* unsigned orientation bins over 0..180° (2..36) */
	int			block;			/* block side, cells (1..4), stride one cell */
	int			annuli;			/* radial rings out to size/2 (1..32) */
	int			sectors;		/* azimuthal sectors per ring (2..32) */
} sg_baseline_spec;

typedef struct sg_baseline sg_baseline;

/*
 * The default spec for an input size: 6-pixel cells (8 from 64 pixels up),
 * 9 bins, 2 × 2 blocks, 8 rings of 8 sectors.
 */
sg_baseline_spec sg_baseline_default_spec(int in_size);

/* Check a spec against the input shape; names the bad field. */
bool		sg_baseline_spec_check(const sg_baseline_spec *spec, int nbands,
								   int in_size, sg_status *st);

/* Number of features of one input (0 for an invalid spec). */
size_t		sg_baseline_feature_count(const sg_baseline_spec *spec, int nbands,
									  int in_size);

/*
 * Features of n inputs x (n × nbands × size × size, from
 * sg_nn_prepare_input) into feat (n × sg_baseline_feature_count floats).
 */
bool		sg_baseline_features(const sg_baseline_spec *spec, int nbands,
								 int in_size, const float *x, int n, float *feat,
								 sg_status *st);

/*
 * Train on n precomputed feature rows (overwritten: they are standardised
 * in place) with labels y (1 lens, 0 not) and L2 penalty l2 on the
 * standardised weights; deterministic.  info must describe a
 * classification input whose band count matches the features; spec NULL
 * means sg_baseline_default_spec(in_size).
 */
sg_baseline *sg_baseline_train_features(const sg_nn_info *info, int in_size,
										const sg_baseline_spec *spec, float *feat,
										const float *y, int n, double l2,
										sg_status *st);

/* Train on n prepared inputs x (features computed here; x is not changed; spec may be NULL). */
sg_baseline *sg_baseline_train(const sg_nn_info *info, int in_size,
							   const sg_baseline_spec *spec, const float *x,
							   const float *y, int n, double l2, sg_status *st);

/* Lens probabilities of n prepared inputs x into prob. */
bool		sg_baseline_score(const sg_baseline *m, const float *x, int n,
							  float *prob, sg_status *st);

/* Lens probabilities of n precomputed (not standardised) feature rows. */
void		sg_baseline_score_features(const sg_baseline *m, const float *feat,
									   int n, float *prob);

/* The model's input description (bands, pixel scale, normalisation). */
const sg_nn_info *sg_baseline_info(const sg_baseline *m);

/* The model's input side in pixels. */
int			sg_baseline_in_size(const sg_baseline *m);

/* The model's feature spec. */
const sg_baseline_spec *sg_baseline_get_spec(const sg_baseline *m);

/* Encode a model as an SGLBASE1 file in memory (sg_malloc'd, *len bytes). */
void	   *sg_baseline_write(const sg_baseline *m, size_t *len, sg_status *st);

/* Decode an SGLBASE1 file; clear errors for truncated, corrupt or invalid data. */
sg_baseline *sg_baseline_read(const void *buf, size_t len, sg_status *st);

/* Write a model file to path. */
bool		sg_baseline_save_file(const sg_baseline *m, const char *path,
								  sg_status *st);

/* Read a model file from path. */
sg_baseline *sg_baseline_load_file(const char *path, sg_status *st);

/* Release a model (NULL is allowed). */
void		sg_baseline_free(sg_baseline *m);

#endif
