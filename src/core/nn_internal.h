/*
 * nn_internal.h — layer kernels and the model graph of the neural-network
 * engine.  Kernels work on raw float arrays in NCHW order; every backward
 * kernel ADDS its input gradient into dx (a value feeding two nodes gets
 * the sum), and parameter gradients are overwritten unless stated.
 */
#ifndef SGLENS_NN_INTERNAL_H
#define SGLENS_NN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sglens/nn.h"

/* Declared here too: the netlib cblas.h alternative lacks it. */
void		openblas_set_num_threads(int num_threads);

/* ---- tensors (nn_tensor.c) ---- */

/* Allocate n floats; NULL on failure. */
float	   *nn_alloc_floats(size_t n);

/* Allocate n zeroed floats; NULL on failure. */
float	   *nn_zalloc_floats(size_t n);

/* Product of dims with overflow check against limit; 0 on overflow. */
size_t		nn_count(const int *dims, int ndim, size_t limit);

/* Fill a parameter's metadata (name, shape, size). */
void		nn_param_init(sg_nn_param *p, const char *name, int ndim,
						  const int *dims, bool decay);

/* ---- convolution (nn_conv.c) ---- */

typedef struct nn_conv_geom
{
	int			cin,
				h,
				w;				/* input per sample */
	int			cout,
				k,
				stride,
				pad;
	int			hout,
				wout;
} nn_conv_geom;

/* Geometry of a 'same' convolution (pad k/2, output ceil(h/stride)). */
nn_conv_geom nn_conv_same(int cin, int h, int w, int cout, int k, int stride);

/* Floats of the im2col workspace for one sample (0 when not needed). */
size_t		nn_conv_col_size(const nn_conv_geom *g);

/* Floats of workspace nn_conv_forward and nn_conv_backward need (the larger of im2col's and the direct path's). */
size_t		nn_conv_work_size(const nn_conv_geom *g);

/* Lower one sample: col is (cin k k) × (hout wout). */
void		nn_im2col(const nn_conv_geom *g, const float *x, float *col);

/* Scatter-add col back onto one sample's dx. */
void		nn_col2im(const nn_conv_geom *g, const float *col, float *dx);

/* y = conv(x, w) + b, then act; b may be NULL; col is the workspace. */
void		nn_conv_forward(const nn_conv_geom *g, int n, const float *x,
							const float *w, const float *b, sg_nn_act act,
							float *y, float *col);

/*
 * True when nn_conv_forward computes g for a batch of n directly: AVX-512,
 * odd k ≤ 7, cout % 4 = 0, and stride 1 (k > 1) or stride 2 with k > 1 and
 * an output of at least 40 positions per chunk of samples.
 */
bool		nn_conv_direct_applies(const nn_conv_geom *g, int n);

/* Floats of workspace the direct path needs for g at any batch size (0 when it never applies to g). */
size_t		nn_conv_direct_work_size(const nn_conv_geom *g);

/* The direct forward convolution (nn_conv_direct.c), only when nn_conv_direct_applies(g). */
void		nn_conv_direct_forward(const nn_conv_geom *g, int n, const float *x,
								   const float *w, const float *b, sg_nn_act act,
								   float *y, float *work);

/* y += conv(x, w) without bias or activation, directly (the backward pass's dX); only when nn_conv_direct_applies(g, n). */
void		nn_conv_direct_accumulate(const nn_conv_geom *g, int n, const float *x,
									  const float *w, float *y, float *work);

/* True for the geometries nn_conv_small.c computes: output plane ≤ 36 positions, cout % 32 = 0, odd k ≤ 7, stride 1 or 2. */
bool		nn_conv_small_fits(const nn_conv_geom *g);

/* Floats of workspace the small-plane path needs (0 when g does not fit it). */
size_t		nn_conv_small_work_size(const nn_conv_geom *g);

/* The weights packed [ci][tap][cout] for nn_conv_small_forward (sg_malloc'd; NULL when out of memory). */
float	   *nn_conv_small_pack(const nn_conv_geom *g, const float *w);

/* y = act(conv(x) + b) of a small-plane layer from packed weights (AVX-512; only when sg_simd_level() > 1). */
void		nn_conv_small_forward(const nn_conv_geom *g, int n, const float *x,
								  const float *packed, const float *b, sg_nn_act act,
								  float *y, float *work);

/* nn_conv_forward, or the small-plane path when packed (nn_conv_small_pack of w; may be NULL) and AVX-512 are there. */
void		nn_conv_forward_packed(const nn_conv_geom *g, int n, const float *x,
								   const float *w, const float *packed, const float *b,
								   sg_nn_act act, float *y, float *col);

/* dw, db (may be NULL) overwritten; dx (may be NULL) accumulated. */
void		nn_conv_backward(const nn_conv_geom *g, int n, const float *x,
							 const float *w, const float *dy, float *dw,
							 float *db, float *dx, float *col);

/* ---- layers (nn_layers.c) ---- */

/* Element-wise activation y = act(x) (may be in place). */
void		nn_act_forward(sg_nn_act act, size_t n, const float *x, float *y);

/* ELU (α = 1) of one value, as nn_act_forward computes it (exposed for tests). */
float		nn_elu(float x);

/* ELU of x[i] + bias for n values with AVX2 + FMA (nn_elu_avx2.c); only when sg_simd_level() > 0. */
void		nn_elu_avx2(size_t n, const float *x, float bias, float *y);

/* ELU of x[i] + bias for n values with AVX-512F (nn_elu_avx512.c), the same bits as nn_elu_avx2; only when sg_simd_level() > 1. */
void		nn_elu_avx512(size_t n, const float *x, float bias, float *y);

/* y = gain·asinh(x·scale), NaN → 0, for n values with AVX2 + FMA (nn_input_avx2.c); only when sg_simd_level() > 0. */
void		nn_asinh_scaled_avx2(size_t n, const float *x, float scale, float gain, float *y);

/*
 * y[r·ld + i] = act(y[r·ld + i] + bias[r]) for rows × cols values, in place
 * (a convolution's bias and activation in one pass; bias may be NULL).
 */
void		nn_bias_act_forward(sg_nn_act act, int rows, int cols, int ld, const float *bias,
								float *y);

/* dx += act'(x) dy, using the activation's output y. */
void		nn_act_backward(sg_nn_act act, size_t n, const float *y,
							const float *dy, float *dx);

/* Batch norm with batch statistics; saves mean and 1/σ, updates running. */
void		nn_bn_forward_train(int n, int c, int hw, const float *x,
								const float *gamma, const float *beta,
								float *y, float *mean, float *invstd,
								float *run_mean, float *run_var);

/* Batch norm with the running statistics. */
void		nn_bn_forward_eval(int n, int c, int hw, const float *x,
							   const float *gamma, const float *beta,
							   const float *run_mean, const float *run_var,
							   float *y);

/* Backward of a training batch norm: dgamma, dbeta overwritten, dx added. */
void		nn_bn_backward(int n, int c, int hw, const float *x,
						   const float *gamma, const float *mean,
						   const float *invstd, const float *dy,
						   float *dgamma, float *dbeta, float *dx);

/* Per-channel scale and shift of a batch norm's running statistics. */
void		nn_bn_fold(int c, const float *gamma, const float *beta,
					   const float *run_mean, const float *run_var,
					   float *scale, float *shift);

/* y = act(scale_c x + shift_c) per channel (a folded batch norm). */
void		nn_affine_forward(int n, int c, int hw, const float *x,
							  const float *scale, const float *shift,
							  sg_nn_act act, float *y);

/* y = a + b. */
void		nn_add_forward(size_t n, const float *a, const float *b, float *y);

/* 2×2 stride-2 pooling ('same': output ceil(h/2), edge windows clipped). */
void		nn_pool_forward(sg_nn_pool kind, int n, int c, int h, int w,
							const float *x, float *y);

/* dx += pooling backward (max: to the first maximum of each window). */
void		nn_pool_backward(sg_nn_pool kind, int n, int c, int h, int w,
							 const float *x, const float *y, const float *dy,
							 float *dx);

/* Global average pooling: y is n × c. */
void		nn_gap_forward(int n, int c, int hw, const float *x, float *y);

/* dx += broadcast dy / hw. */
void		nn_gap_backward(int n, int c, int hw, const float *dy, float *dx);

/* y = x wᵀ + b, w is nout × nin. */
void		nn_dense_forward(int n, int nin, int nout, const float *x,
							 const float *w, const float *b, float *y);

/* dw, db overwritten; dx (may be NULL) accumulated. */
void		nn_dense_backward(int n, int nin, int nout, const float *x,
							  const float *w, const float *dy, float *dw,
							  float *db, float *dx);

/* ---- the model graph (nn_graph.c, nn_model.c, nn_pass.c, nn_fold.c) ---- */

typedef enum nn_op
{
	NN_CONV,
	NN_BN,
	NN_ACT,
	NN_AFFINE,
	NN_ADD,
	NN_POOL,
	NN_GAP,
	NN_DENSE
} nn_op;

typedef struct nn_node
{
	nn_op		op;
	int			in[2];			/* value ids; in[1] only for NN_ADD */
	int			out;
	sg_nn_act	act;			/* NN_ACT, and fused into NN_CONV / NN_AFFINE */
	sg_nn_pool	pool;			/* NN_POOL */
	nn_conv_geom geom;			/* NN_CONV */
	int			pw,
				pb;				/* weight/bias, gamma/beta, scale/shift; -1 none */
	int			prm,
				prv;			/* NN_BN running mean and variance */
	float	   *save;			/* NN_BN: mean then 1/σ of the last batch */
	float	   *packed;			/* NN_CONV of a folded model: weights for nn_conv_small.c, or NULL */
	bool		need_dx;		/* propagate a gradient to the input */
} nn_node;

typedef struct nn_value
{
	int			c,
				h,
				w;
	size_t		per;			/* floats per sample */
	int			slot_train;		/* buffer slot in training passes */
	int			slot_eval;		/* buffer slot in inference passes */
	int			last_use;		/* index of the last node reading it */
} nn_value;

typedef struct nn_slots
{
	int			n;
	size_t	   *per;			/* floats per sample of each slot */
	float	  **buf;
	int			batch;			/* capacity in samples (0 = none) */
} nn_slots;

struct sg_nn_model
{
	sg_nn_spec	spec;
	bool		folded;
	int			nparams;
	int			cap_params;
	sg_nn_param *params;
	int			nnodes;
	int			cap_nodes;
	nn_node    *nodes;
	int			nvalues;
	int			cap_values;
	nn_value   *values;			/* value 0 is the input */
	int			output;
	nn_slots	train;
	nn_slots	train_grad;
	nn_slots	eval;
	float	   *col;
	size_t		col_size;
	int			trained_batch;	/* batch of the last training forward, or 0 */
	sg_nn_should_stop should_stop;
	void	   *stop_ctx;
};

/* An empty model shell for spec (no nodes yet). */
sg_nn_model *nn_model_alloc(const sg_nn_spec *spec, bool folded, sg_status *st);

/* Add a value of the given shape; its id or -1 when out of memory. */
int			nn_add_value(sg_nn_model *m, int c, int h, int w, sg_status *st);

/* Add a parameter (data and grad allocated); its index or -1. */
int			nn_add_param(sg_nn_model *m, const char *name, int ndim,
						 const int *dims, bool trainable, bool decay,
						 sg_status *st);

/* Append a node; its index or -1. */
int			nn_add_node(sg_nn_model *m, const nn_node *node, sg_status *st);

/* A node with no parameters, applying op to value in. */
nn_node		nn_node_of(nn_op op, int in);

/* Append node n producing a new value of shape c×h×w; the value id or -1. */
int			nn_emit(sg_nn_model *m, nn_node *n, int c, int h, int w, sg_status *st);

/* Release a plan's buffers (keeping its layout). */
void		nn_slots_release(nn_slots *sl);

/* Build the training graph of m->spec (parameters zeroed). */
bool		nn_build_graph(sg_nn_model *m, sg_status *st);

/* Finish a built graph: value lifetimes and buffer plans. */
bool		nn_plan(sg_nn_model *m, sg_status *st);

/* Find a parameter by name; -1 if absent. */
int			nn_find_param(const sg_nn_model *m, const char *name);

/* Deterministic initial weights from seed. */
void		nn_init_weights(sg_nn_model *m, uint64_t seed);

/* Fail with a message when the cancel callback asks to stop. */
bool		nn_check_stop(sg_nn_model *m, sg_status *st);

#endif
