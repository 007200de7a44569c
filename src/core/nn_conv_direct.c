/*
 * nn_conv_direct.c — 'same' convolutions of stride 1 and 2 computed directly
 * with AVX-512, without im2col, for the forward pass (inference and
 * training) and, as a convolution of dY with the flipped weights, for the
 * backward pass's dX of stride-1 layers (nn_conv.c).
 *
 * im2col copies every input value k² times and OpenBLAS then packs that
 * copy again; with the few output channels of these networks (16–128) each
 * copied value feeds only 2·cout flops, so the copies, not the products,
 * set the pace (37–59 GFLOP/s against a ~155 GFLOP/s core).  Here the
 * input is copied once into zero-padded planes laid out so that every tap
 * (ky, kx) of the kernel is one constant offset into a flat array:
 *
 *   - each row holds p = k/2 zeros and then the w pixels (row width
 *     wp = w + p; a tap past the right edge reads the next row's zeros);
 *   - the samples of a chunk follow each other with p zero rows between
 *     them (shared as one sample's bottom and the next one's top padding),
 *     so that small deep planes of several samples (the four rotations of a
 *     stamp) fill whole vectors.
 *
 * Output position q (sample s, row y, column x at q = (s (h+p) + y) wp + x)
 * is then Σ_ci Σ_t w[co][ci][t] · in[ci][q + off_t], off_t = ky wp + kx.
 * A register tile of C output channels × V vectors of 16 positions keeps
 * C·V ≤ 24 accumulators in zmm registers; per tap it loads V input vectors
 * and broadcasts C weights.  Positions in padding columns and rows are
 * computed and dropped when the tile is copied out; the bias starts the
 * accumulators and the activation runs on them before they are stored.
 * Results equal the im2col path's to float rounding (a different summation
 * order).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nn_internal.h"
#include "simd_avx512.h"
#include "simd_level.h"

/* Largest kernel side taken (taps fit the offset table). */
#define DIRECT_MAX_K 7

/* Workspace the samples of one chunk may fill (floats: 256 kB, in L2). */
#define DIRECT_CHUNK_FLOATS (64 * 1024)

/*
 * Layout of one chunk of samples.  A stride-s layer reads input row
 * s·y + ky − p, i.e. row i = y + di of phase plane a with
 * s·di + a = ky − p; so the input is split into s² phase planes
 * P_ab[i][j] = x[s i + a][s j + b] of the output's size, each laid out as
 * above with P = ⌈p / s⌉ padding, and tap (ky, kx) is a constant offset into
 * one of them.  For s = 1 there is one phase plane, the input itself.
 */
typedef struct direct_layout
{
	int			P;				/* padding rows and columns, ⌈p / stride⌉ */
	int			wp;				/* padded row width, wout + P */
	long		sample_rows;	/* rows per sample with its top padding, hout + P */
	long		plane;			/* floats per phase plane, (S (hout+P) + P) wp */
	long		chan;			/* floats per input channel, stride² planes */
	long		n;				/* output positions computed, ((S−1)(hout+P) + hout) wp */
	long		npad;			/* n rounded up to whole vectors */
} direct_layout;

static direct_layout
layout_of(const nn_conv_geom *g, int samples)
{
	direct_layout l;

	l.P = (g->pad + g->stride - 1) / g->stride;
	l.wp = g->wout + l.P;
	l.sample_rows = g->hout + l.P;
	l.plane = (samples * l.sample_rows + l.P) * l.wp;
	l.chan = l.plane * g->stride * g->stride;
	l.n = ((samples - 1) * l.sample_rows + g->hout) * l.wp;
	l.npad = (l.n + 15) / 16 * 16;
	return l;
}

/* Floats of padded input for a chunk, with slack for the last tile's reads. */
static size_t
input_floats(const nn_conv_geom *g, const direct_layout *l)
{
	return (size_t) g->cin * l->chan + 2 * l->P + 16;
}

/* Floats of workspace for a chunk: the padded input and the output tiles. */
static size_t
chunk_floats(const nn_conv_geom *g, int samples)
{
	direct_layout l = layout_of(g, samples);

	return input_floats(g, &l) + (size_t) g->cout * l.npad;
}

/* Samples per chunk: as many as fit DIRECT_CHUNK_FLOATS, at least one. */
static int
chunk_samples(const nn_conv_geom *g, int n)
{
	int			s = 1;

	while (s < n && chunk_floats(g, s + 1) <= DIRECT_CHUNK_FLOATS)
		s++;
	return s;
}

/* True for the geometries this file computes, whatever the processor. */
static bool
geometry_fits(const nn_conv_geom *g)
{
	return (g->stride == 2 || (g->stride == 1 && g->k > 1)) && g->k % 2 == 1 &&
		g->k <= DIRECT_MAX_K && g->pad == g->k / 2 &&
		g->hout == (g->h + g->stride - 1) / g->stride &&
		g->wout == (g->w + g->stride - 1) / g->stride && g->cout % 4 == 0;
}

bool
nn_conv_direct_applies(const nn_conv_geom *g, int n)
{
#if SG_HAVE_AVX512
	int			S;

	if (!geometry_fits(g) || sg_simd_level() < 2)
		return false;
	if (g->stride == 1)
		return true;
	/*
	 * Strided layers gain only with whole tiles of three vectors: a small
	 * output plane (the 1×1 projections, or 3×3 outputs of one sample)
	 * runs faster as im2col and a matrix product (bench_model, per layer).
	 */
	S = chunk_samples(g, n);
	return g->k > 1 && layout_of(g, S).n >= 40;
#else
	(void) g, (void) n;
	return false;
#endif
}

size_t
nn_conv_direct_work_size(const nn_conv_geom *g)
{
	if (!geometry_fits(g))
		return 0;
	return chunk_floats(g, chunk_samples(g, INT32_MAX));
}

#if SG_HAVE_AVX512

/*
 * One register tile: C output channels (weights w, C rows of stride wrow)
 * × V vectors of output positions starting at in + 0 and stored at out
 * (C rows of stride ostride).  Inlined with constant C and V, so the
 * accumulators stay in registers.
 */
static inline __attribute__((always_inline)) SG_AVX512 void
tile(const int C, const int V, const float *in, long chan, int cin, const int *off, int ntaps,
	 const float *w, long wrow, const float *bias, sg_nn_act act, float *out, long ostride)
{
	__m512		acc[24];

#pragma GCC unroll 24
	for (int c = 0; c < C; c++)
#pragma GCC unroll 3
		for (int v = 0; v < V; v++)
			acc[c * V + v] = _mm512_set1_ps(bias ? bias[c] : 0.0f);
	for (int ci = 0; ci < cin; ci++)
	{
		const float *xc = in + ci * chan;
		const float *wc = w + (long) ci * ntaps;

		for (int t = 0; t < ntaps; t++)
		{
			__m512		xv[3];

#pragma GCC unroll 3
			for (int v = 0; v < V; v++)
				xv[v] = _mm512_loadu_ps(xc + off[t] + 16 * v);
#pragma GCC unroll 24
			for (int c = 0; c < C; c++)
			{
				__m512		wv = _mm512_set1_ps(wc[c * wrow + t]);

#pragma GCC unroll 3
				for (int v = 0; v < V; v++)
					acc[c * V + v] = _mm512_fmadd_ps(wv, xv[v], acc[c * V + v]);
			}
		}
	}
#pragma GCC unroll 24
	for (int c = 0; c < C; c++)
#pragma GCC unroll 3
		for (int v = 0; v < V; v++)
		{
			__m512		y = acc[c * V + v];

			if (act == SG_NN_ACT_ELU)
				y = sg16_elu(y);
			else if (act == SG_NN_ACT_RELU)
				y = _mm512_max_ps(y, _mm512_setzero_ps());
			_mm512_storeu_ps(out + c * ostride + 16 * v, y);
		}
}

typedef void (*tile_fn) (const float *in, long chan, int cin, const int *off, int ntaps,
						 const float *w, long wrow, const float *bias, sg_nn_act act,
						 float *out, long ostride);

#define TILE(C, V) \
static SG_AVX512 void \
tile_##C##x##V(const float *in, long chan, int cin, const int *off, int ntaps, \
			   const float *w, long wrow, const float *bias, sg_nn_act act, \
			   float *out, long ostride) \
{ \
	tile(C, V, in, chan, cin, off, ntaps, w, wrow, bias, act, out, ostride); \
}

TILE(4, 1)
TILE(4, 2)
TILE(4, 3)
TILE(8, 1)
TILE(8, 2)
TILE(8, 3)
TILE(12, 1)
TILE(12, 2)
TILE(16, 1)
TILE(24, 1)

/* The tile of C channels × V vectors (one that exists: C·V ≤ 24, C a multiple of 4, V ≤ 3). */
static tile_fn
tile_for(int C, int V)
{
	static const tile_fn tiles[6][3] = {
		{tile_4x1, tile_4x2, tile_4x3},
		{tile_8x1, tile_8x2, tile_8x3},
		{tile_12x1, tile_12x2, NULL},
		{tile_16x1, NULL, NULL},
		{NULL, NULL, NULL},
		{tile_24x1, NULL, NULL},
	};

	return tiles[C / 4 - 1][V - 1];
}

/* Channels per tile for V vectors: the most (at most 24/V) of those with a tile that divide cout. */
static int
channels_per_tile(int cout, int V)
{
	static const int choices[3][5] = {{24, 16, 12, 8, 4}, {12, 8, 4}, {8, 4}};

	for (int i = 0; i < 5 && choices[V - 1][i] > 0; i++)
		if (cout % choices[V - 1][i] == 0)
			return choices[V - 1][i];
	return 4;
}

/* Copy samples [0, S) of x into the padded phase planes of in (layout l). */
static void
pad_input(const nn_conv_geom *g, const direct_layout *l, int S, const float *x, float *in)
{
	size_t		per = (size_t) g->cin * g->h * g->w;
	int			st = g->stride;

	memset(in, 0, sizeof(float) * input_floats(g, l));
	for (int ci = 0; ci < g->cin; ci++)
		for (int a = 0; a < st; a++)
			for (int b = 0; b < st; b++)
				for (int s = 0; s < S; s++)
				{
					const float *src = x + s * per + (size_t) ci * g->h * g->w;
					float	   *dst = in + ci * l->chan + (a * st + b) * l->plane +
						(s * l->sample_rows + l->P) * l->wp + l->P;

					for (int i = 0; i * st + a < g->h; i++)
					{
						const float *row = src + (size_t) (i * st + a) * g->w;
						float	   *d = dst + (long) i * l->wp;

						if (st == 1)
							memcpy(d, row, sizeof(float) * g->w);
						else
							for (int j = 0; j * st + b < g->w; j++)
								d[j] = row[j * st + b];
					}
				}
}

/* Copy (or add, when add) the computed rows of samples [0, S) out of the tiles into y (NCHW). */
static void
copy_out(const nn_conv_geom *g, const direct_layout *l, int S, const float *out, bool add,
		 float *y)
{
	size_t		hw = (size_t) g->hout * g->wout;

	for (int s = 0; s < S; s++)
		for (int co = 0; co < g->cout; co++)
		{
			const float *src = out + co * l->npad + s * l->sample_rows * l->wp;
			float	   *dst = y + ((size_t) s * g->cout + co) * hw;

			for (int r = 0; r < g->hout; r++)
			{
				float	   *d = dst + (size_t) r * g->wout;
				const float *o = src + (long) r * l->wp;

				if (!add)
					memcpy(d, o, sizeof(float) * g->wout);
				else
					for (int i = 0; i < g->wout; i++)
						d[i] += o[i];
			}
		}
}

/* Convolve one chunk of S samples into y (added to it when add). */
static void
chunk_forward(const nn_conv_geom *g, int S, const float *x, const float *w, const float *b,
			  sg_nn_act act, bool add, float *y, float *work)
{
	direct_layout l = layout_of(g, S);
	float	   *in = work,
			   *out = work + input_floats(g, &l);
	int			off[DIRECT_MAX_K * DIRECT_MAX_K],
				ntaps = g->k * g->k;
	int			V = l.npad >= 48 ? 3 : (int) (l.npad / 16);
	int			C = channels_per_tile(g->cout, V);
	long		wrow = (long) g->cin * ntaps;

	for (int ky = 0; ky < g->k; ky++)
		for (int kx = 0; kx < g->k; kx++)
		{
			int			st = g->stride,
						ry = ky - g->pad,
						rx = kx - g->pad,
						a = ((ry % st) + st) % st,
						b = ((rx % st) + st) % st;

			/* row (ry − a)/st and column (rx − b)/st of phase plane (a, b), from the tap at the padded origin */
			off[ky * g->k + kx] = (a * st + b) * l.plane + ((ry - a) / st + l.P) * l.wp +
				(rx - b) / st + l.P;
		}
	pad_input(g, &l, S, x, in);
	for (int co = 0; co < g->cout; co += C)
	{
		const float *wc = w + co * wrow;
		const float *bc = b ? b + co : NULL;

		for (long q = 0; q < l.npad; q += 16 * V)
		{
			int			v = l.npad - q >= 16 * V ? V : (int) ((l.npad - q) / 16);
			int			c = v == V ? C : channels_per_tile(C, v);

			/* a tail with fewer vectors may take fewer channels per tile */
			for (int c0 = 0; c0 < C; c0 += c)
				tile_for(c, v) (in + q, l.chan, g->cin, off, ntaps, wc + c0 * wrow, wrow,
								bc ? bc + c0 : NULL, act, out + (co + c0) * l.npad + q, l.npad);
		}
	}
	copy_out(g, &l, S, out, add, y);
}

/* The batch in chunks of samples. */
static void
run_chunks(const nn_conv_geom *g, int n, const float *x, const float *w, const float *b,
		   sg_nn_act act, bool add, float *y, float *work)
{
	size_t		in_per = (size_t) g->cin * g->h * g->w;
	size_t		out_per = (size_t) g->cout * g->hout * g->wout;
	int			S = chunk_samples(g, n);

	for (int i = 0; i < n; i += S)
	{
		int			s = n - i < S ? n - i : S;

		chunk_forward(g, s, x + i * in_per, w, b, act, add, y + i * out_per, work);
	}
}

void
nn_conv_direct_forward(const nn_conv_geom *g, int n, const float *x, const float *w,
					   const float *b, sg_nn_act act, float *y, float *work)
{
	run_chunks(g, n, x, w, b, act, false, y, work);
}

void
nn_conv_direct_accumulate(const nn_conv_geom *g, int n, const float *x, const float *w,
						  float *y, float *work)
{
	run_chunks(g, n, x, w, NULL, SG_NN_ACT_NONE, true, y, work);
}

#else							/* !SG_HAVE_AVX512 */

void
nn_conv_direct_forward(const nn_conv_geom *g, int n, const float *x, const float *w,
					   const float *b, sg_nn_act act, float *y, float *work)
{
	(void) g, (void) n, (void) x, (void) w, (void) b, (void) act, (void) y, (void) work;
}

void
nn_conv_direct_accumulate(const nn_conv_geom *g, int n, const float *x, const float *w,
						  float *y, float *work)
{
	(void) g, (void) n, (void) x, (void) w, (void) y, (void) work;
}

#endif
