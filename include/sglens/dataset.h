/*
 * dataset.h — training and evaluation data straight from the population
 * sampler: simulated stamps prepared as network inputs (nn_input.h), with
 * labels and the physical quantities results are binned by.  Member id of a
 * (seed, survey) population is always the same stamp.
 */
#ifndef SGLENS_DATASET_H
#define SGLENS_DATASET_H

#include <stdint.h>

#include "sglens/nn.h"
#include "sglens/rng.h"
#include "sglens/sampler.h"
#include "sglens/survey.h"

/*
 * The regression targets of a lens modeller, in this order: the SIE's
 * theta_E (arcsec), e1, e2, center_x, center_y (arcsec) and the external
 * shear's gamma1, gamma2 (lenstronomy's definitions, DESIGN §2).
 */
#define SG_LENS_NPARAMS 7
extern const char *const sg_lens_param_names[SG_LENS_NPARAMS];

typedef struct sg_dataset_spec
{
	const sg_survey *survey;	/* the bands to simulate (the model's bands) */
	sg_nn_info	info;			/* model input: bands, pixel scale, normalisation */
	int			in_size;		/* network input side, pixels */
	int			stamp_size;		/* simulated side, >= in_size, same parity */
	uint64_t	seed;			/* population seed */
	double		lens_fraction;
	int			supersampling;
} sg_dataset_spec;

typedef struct sg_dataset_meta
{
	bool		is_lens;
	sg_sample_kind kind;
	double		theta_e;		/* arcsec; 0 for non-lenses */
	double		source_mag;		/* unlensed source magnitude in the reference band; NaN for non-lenses */
	double		arc_snr;		/* S/N of the lensed source light in the reference band (NaN for non-lenses) */
	double		params[SG_LENS_NPARAMS];	/* true lens parameters (lenses; 0 otherwise) */
} sg_dataset_meta;

/*
 * The noise seed of member id of the population for seed (a splitmix64
 * finaliser of seed + golden-ratio × (id + 1)); sample_lenses() uses it too.
 */
uint64_t	sg_member_seed(uint64_t seed, int64_t id);

/*
 * The augmentation geometry on prepared planes: from nbands planes of
 * in_side² take the out_side² window centred and shifted by (dx, dy), flip it
 * left-right when flip, then rotate by rot × 90°, into out.
 */
void		sg_dataset_transform(const float *in, int nbands, int in_side, int out_side,
								 int dx, int dy, int flip, int rot, float *out);

/*
 * The lens parameters p (SG_LENS_NPARAMS, arcsec) of a stamp after
 * sg_dataset_transform with the same (dx, dy, flip, rot) on pixels of
 * scale arcsec: the centre moves and turns with the pixels, the
 * ellipticity and shear (spin-2) change sign under a 90° turn and e2, gamma2
 * under a flip.
 */
void		sg_dataset_transform_params(double *p, double scale, int dx, int dy,
										int flip, int rot);

/*
 * The lens parameters of a sampled lens scene (its SIE and SHEAR profiles);
 * false when the scene has no SIE.
 */
bool		sg_dataset_scene_params(const sg_scene *scene, double *p);

/*
 * Make members first_id .. first_id+n−1: inputs into x (n × nbands ×
 * in_size²); labels into y: for a finder (info.task classification) one
 * per member (1 lens, 0 not), for a modeller (regression) the
 * SG_LENS_NPARAMS lens parameters of each member, transformed with the
 * augmentation (every member must then be a lens: lens_fraction 1); and,
 * when meta is not NULL,
 * their physical quantities.  With augment not NULL, each stamp is flipped,
 * rotated by a multiple of 90° and shifted by up to max_shift pixels at
 * random (stamp_size must leave room: stamp_size >= in_size + 2 max_shift).
 */
bool		sg_dataset_fill(const sg_dataset_spec *spec, int64_t first_id, int n,
							sg_rng *augment, int max_shift, float *x, float *y,
							sg_dataset_meta *meta, sg_status *st);

#endif
