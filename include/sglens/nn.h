/*
 * nn.h — the neural-network engine of the core library: residual CNNs in
 * float32 NCHW on OpenBLAS (im2col + cblas_sgemm), training (forward,
 * backward, Adam) and inference (batch norm folded into the convolutions),
 * and the weights file format (docs/weights-format.md).
 *
 * A model is built from an sg_nn_spec:
 *
 *   input (in_channels × in_size × in_size)
 *   stem: conv k×k (stem_channels), optional 2×2 max/avg pooling
 *   stages: units of the pre-activation residual unit
 *           BN → act → conv3×3 (stride 2 in the first unit of a
 *           downsampling stage) → BN → act → conv3×3, plus a shortcut
 *           (identity, or a 1×1 conv of the pre-activated input when the
 *           stride or the channel count changes)
 *   head: BN → act → global average pooling → dense (n_outputs)
 *
 * The engine never starts threads of its own and sets OpenBLAS to one
 * thread when a model is created (OpenBLAS's pthread build still creates
 * its idle pool at library load unless OPENBLAS_NUM_THREADS=1 is in the
 * environment).  All memory goes through sg_malloc.  A model keeps its
 * activation buffers, so one model must not be used by two threads at once.
 */
#ifndef SGLENS_NN_H
#define SGLENS_NN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sglens/image.h"
#include "sglens/status.h"

/* Documented limits (docs/weights-format.md). */
#define SG_NN_MAX_STAGES 8
#define SG_NN_MAX_UNITS 16		/* residual units per stage */
#define SG_NN_MAX_CHANNELS 512
#define SG_NN_MAX_BANDS 16
#define SG_NN_MAX_INPUT_PLANES (SG_NN_MAX_BANDS + 1)	/* input channels */
#define SG_NN_MAX_INPUT 512		/* pixels per side */
#define SG_NN_MAX_OUTPUTS 64
#define SG_NN_MAX_KERNEL 7		/* stem kernel: 1, 3, 5 or 7 */
#define SG_NN_MAX_PARAMS (16 * 1024 * 1024)	/* float32 values of all tensors */
#define SG_NN_MAX_FILE (64 * 1024 * 1024)	/* bytes of a weights file */
#define SG_NN_NAME_LEN 64		/* model name, bytes including the NUL */
#define SG_NN_VERSION_LEN 32	/* model version, bytes including the NUL */
#define SG_NN_PARAM_NAME_LEN 48 /* tensor name, bytes including the NUL */

#define SG_NN_BN_EPS 1e-5f		/* batch-norm ε */
#define SG_NN_BN_MOMENTUM 0.1f	/* weight of a batch in the running stats */

typedef enum sg_nn_act
{
	SG_NN_ACT_NONE = 0,
	SG_NN_ACT_ELU = 1,			/* α = 1 */
	SG_NN_ACT_RELU = 2
} sg_nn_act;

typedef enum sg_nn_pool
{
	SG_NN_POOL_NONE = 0,
	SG_NN_POOL_MAX = 1,			/* 2×2, stride 2 */
	SG_NN_POOL_AVG = 2			/* 2×2, stride 2 */
} sg_nn_pool;

typedef enum sg_nn_task
{
	SG_NN_TASK_CLASSIFICATION = 1,	/* one logit, sigmoid → probability */
	SG_NN_TASK_REGRESSION = 2	/* k means then k log-variances */
} sg_nn_task;

typedef enum sg_nn_norm
{
	SG_NN_NORM_NONE = 0,		/* pixels used as they are */
	SG_NN_NORM_NOISE = 1,		/* each band divided by its noise σ (given or robust) */
	SG_NN_NORM_SUBTRACTED = 2,	/* the lens light subtracted first (fit.h,
								 * supersampling 1), then as NOISE */
	SG_NN_NORM_MARKED = 3		/* the bands as SUBTRACTED, then one plane
								 * marking where the fitted lens light is
								 * and how it is elongated (nn_input.h):
								 * nbands + 1 input planes */
} sg_nn_norm;

typedef struct sg_nn_stage
{
	int			channels;
	int			units;
	bool		downsample;		/* stride 2 in the first unit */
} sg_nn_stage;

/* The architecture of a model. */
typedef struct sg_nn_spec
{
	int			in_channels;
	int			in_size;		/* input is in_size × in_size pixels */
	int			stem_channels;
	int			stem_kernel;	/* odd, 1..SG_NN_MAX_KERNEL */
	sg_nn_pool	stem_pool;
	sg_nn_act	act;			/* activation of every unit and the head */
	int			nstages;
	sg_nn_stage stages[SG_NN_MAX_STAGES];
	int			n_outputs;
} sg_nn_spec;

/* What a model is for and what input it takes (stored in weights files). */
typedef struct sg_nn_info
{
	sg_nn_task	task;
	char		name[SG_NN_NAME_LEN];
	char		version[SG_NN_VERSION_LEN];
	int			nbands;			/* spec.in_channels = sg_nn_input_planes() */
	char		bands[SG_NN_MAX_BANDS][SG_BAND_NAME_LEN];
	double		pixel_scale;	/* arcsec per pixel */
	sg_nn_norm	norm;
} sg_nn_info;

/* One tensor of a model: a trainable parameter or a batch-norm running stat. */
typedef struct sg_nn_param
{
	char		name[SG_NN_PARAM_NAME_LEN];
	int			ndim;
	int			dims[4];
	size_t		size;			/* number of floats */
	float	   *data;
	float	   *grad;			/* NULL for running statistics */
	bool		decay;			/* weight decay applies (conv and dense weights) */
} sg_nn_param;

typedef struct sg_nn_model sg_nn_model;

/* Polled between layers: return true to stop the current pass. */
typedef bool (*sg_nn_should_stop) (void *ctx);

/* Check a spec against the limits; names the offending field on failure. */
bool		sg_nn_spec_check(const sg_nn_spec *spec, sg_status *st);

/* Number of floats in all tensors of a model of this (valid) spec. */
size_t		sg_nn_spec_param_count(const sg_nn_spec *spec);

/* A new model with deterministic initial weights drawn from seed. */
sg_nn_model *sg_nn_model_new(const sg_nn_spec *spec, uint64_t seed,
							 sg_status *st);

/* Release a model (NULL is allowed). */
void		sg_nn_model_free(sg_nn_model *m);

/* The model's architecture. */
const sg_nn_spec *sg_nn_model_spec(const sg_nn_model *m);

/* True for an inference-only (folded) model. */
bool		sg_nn_model_is_folded(const sg_nn_model *m);

/* The tensors of a model, in weights-file order; *n gets their count. */
sg_nn_param *sg_nn_model_params(sg_nn_model *m, int *n);

/* Install a cancel callback polled between layers (NULL to remove). */
void		sg_nn_model_set_should_stop(sg_nn_model *m, sg_nn_should_stop fn,
										void *ctx);

/*
 * Run the model on batch inputs x (batch × C × S × S floats, NCHW) and write
 * batch × n_outputs raw outputs (logits, or means then log-variances) to out.
 * training=true uses batch statistics, updates the running statistics and
 * keeps what sg_nn_backward needs; otherwise the running statistics are used.
 */
bool		sg_nn_forward(sg_nn_model *m, const float *x, int batch,
						  bool training, float *out, sg_status *st);

/*
 * Back-propagate dout (batch × n_outputs, the loss gradient of the outputs
 * of the last training forward) and store every parameter's gradient.
 */
bool		sg_nn_backward(sg_nn_model *m, const float *dout, sg_status *st);

/*
 * An inference-only copy of a model: each batch norm that follows a
 * convolution folded into it, the others turned into a per-channel affine
 * map fused with the following activation.
 */
sg_nn_model *sg_nn_model_fold(const sg_nn_model *m, sg_status *st);

/* Bytes of activation and workspace memory the model holds now. */
size_t		sg_nn_model_work_bytes(const sg_nn_model *m);

/* Multiply-adds ×2 of one forward pass of one input (convs and dense). */
double		sg_nn_model_flops(const sg_nn_model *m);

/* Logistic function. */
float		sg_nn_sigmoid(float z);

/*
 * Binary cross-entropy of logits z against labels y in [0, 1], mean over n;
 * dz (may be NULL) gets the gradient of the mean.
 */
double		sg_nn_loss_bce(const float *z, const float *y, int n, float *dz);

/*
 * Gaussian negative log-likelihood for batch rows of 2k outputs (k means,
 * then k log-variances) against batch × k targets:
 * mean over the batch of Σ 0.5 (s + (t − μ)² e^−s); dout may be NULL.
 */
double		sg_nn_loss_gauss_nll(const float *out, const float *target,
								 int batch, int k, float *dout);

/*
 * The same loss, with the gradient of each term weighted by its σ^(2β) held
 * constant (β-NLL, Seitzer et al. 2022): β = 0 is the plain NLL; β > 0 keeps
 * targets predicted with a tiny σ (a lens's centre) from drowning the
 * gradient of the others (θ_E) in the shared layers.  Returns the plain NLL.
 */
double		sg_nn_loss_gauss_nll_beta(const float *out, const float *target,
									  int batch, int k, double beta, float *dout);

/* Adam (optionally AdamW weight decay) over a list of parameters. */
typedef struct sg_nn_adam_options
{
	float		lr;				/* step size, e.g. 1e-3 */
	float		beta1;			/* 0.9 */
	float		beta2;			/* 0.999 */
	float		eps;			/* 1e-8 */
	float		weight_decay;	/* decoupled decay per step × lr; 0 = off */
} sg_nn_adam_options;

typedef struct sg_nn_adam sg_nn_adam;

/* The standard options (lr 1e-3, β1 0.9, β2 0.999, ε 1e-8, no decay). */
sg_nn_adam_options sg_nn_adam_defaults(void);

/* An optimiser for n parameters (those without a gradient are skipped). */
sg_nn_adam *sg_nn_adam_new(sg_nn_param *params, int n,
						   const sg_nn_adam_options *opt, sg_status *st);

/* One Adam step from the parameters' current gradients. */
void		sg_nn_adam_step(sg_nn_adam *a);

/* Number of steps taken. */
long		sg_nn_adam_steps(const sg_nn_adam *a);

/* Release an optimiser (NULL is allowed). */
void		sg_nn_adam_free(sg_nn_adam *a);

/* Input planes a model with info takes: its bands, and a marker plane for SG_NN_NORM_MARKED. */
int			sg_nn_input_planes(const sg_nn_info *info);

/* Check model metadata (task, names, bands, scale) against a spec. */
bool		sg_nn_info_check(const sg_nn_info *info, const sg_nn_spec *spec,
							 sg_status *st);

/* Encode a (not folded) model and its metadata as a weights file. */
void	   *sg_nn_write(sg_nn_model *m, const sg_nn_info *info, size_t *len,
						sg_status *st);

/* Decode a weights file; info (may be NULL) gets the metadata. */
sg_nn_model *sg_nn_read(const void *buf, size_t len, sg_nn_info *info,
						sg_status *st);

/* Write a weights file to path. */
bool		sg_nn_save_file(sg_nn_model *m, const sg_nn_info *info,
							const char *path, sg_status *st);

/* Read a weights file from path. */
sg_nn_model *sg_nn_load_file(const char *path, sg_nn_info *info,
							 sg_status *st);

#endif
