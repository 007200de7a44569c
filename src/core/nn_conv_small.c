/*
 * nn_conv_small.c — convolutions whose output plane is small (at most 6×6,
 * the deep layers of the shipped networks) for inference, with AVX-512.
 *
 * On a 3×3 or 6×6 plane the direct path's vectors of 16 positions are
 * mostly padding, and im2col's matrix products have N = 9 or 36.  Here the
 * vector runs over 16 output channels instead: the weights are packed once,
 * when a model is folded, as [ci][tap][cout], and a register tile of 32
 * output channels × 9 output positions (18 accumulators) takes, per input
 * channel and tap, two weight vectors and one broadcast input value per
 * position.  Any stride works: each position reads the zero-padded input at
 * its own offset.  The bias starts the accumulators and the activation runs
 * on them before they are stored.  Results equal the other paths' to float
 * rounding.
 */
#include <stdbool.h>
#include <string.h>

#include "sglens/alloc.h"
#include "nn_internal.h"
#include "simd_avx512.h"
#include "simd_level.h"

/* Output positions per tile and the largest plane taken. */
#define SMALL_POSITIONS 9
#define SMALL_MAX_PLANE 36

/* Largest kernel side taken. */
#define SMALL_MAX_K 7

bool
nn_conv_small_fits(const nn_conv_geom *g)
{
	return g->hout * g->wout <= SMALL_MAX_PLANE && g->cout % 32 == 0 && g->k % 2 == 1 &&
		g->k <= SMALL_MAX_K && g->pad == g->k / 2 && g->stride >= 1 && g->stride <= 2;
}

size_t
nn_conv_small_work_size(const nn_conv_geom *g)
{
	if (!nn_conv_small_fits(g))
		return 0;
	return (size_t) g->cin * (g->h + 2 * g->pad) * (g->w + 2 * g->pad);
}

float *
nn_conv_small_pack(const nn_conv_geom *g, const float *w)
{
	int			kk = g->k * g->k;
	float	   *packed = sg_malloc(sizeof(float) * g->cout * g->cin * kk);

	if (packed == NULL)
		return NULL;
	for (int co = 0; co < g->cout; co++)
		for (int ci = 0; ci < g->cin; ci++)
			for (int t = 0; t < kk; t++)
				packed[((size_t) ci * kk + t) * g->cout + co] = w[((size_t) co * g->cin + ci) * kk + t];
	return packed;
}

#if SG_HAVE_AVX512

/*
 * One tile: output channels [co, co+32) at the positions whose input
 * offsets are base[0..8] (valid ones: the first nvalid), written to
 * y[c · plane + pos[p]].
 */
static SG_AVX512 void
tile(const nn_conv_geom *g, const float *in, long chan, const int *off, const int *base,
	 const int *pos, int nvalid, const float *packed, const float *bias, sg_nn_act act, int co,
	 float *y)
{
	int			kk = g->k * g->k,
				plane = g->hout * g->wout;
	__m512		a0[SMALL_POSITIONS],
				a1[SMALL_POSITIONS],
				b0 = bias ? _mm512_loadu_ps(bias + co) : _mm512_setzero_ps(),
				b1 = bias ? _mm512_loadu_ps(bias + co + 16) : _mm512_setzero_ps();
	float		out[32 * SMALL_POSITIONS];

#pragma GCC unroll 9
	for (int p = 0; p < SMALL_POSITIONS; p++)
	{
		a0[p] = b0;
		a1[p] = b1;
	}
	for (int ci = 0; ci < g->cin; ci++)
	{
		const float *xc = in + ci * chan;
		const float *wc = packed + (size_t) ci * kk * g->cout + co;

		for (int t = 0; t < kk; t++)
		{
			const float *xt = xc + off[t];
			__m512		w0 = _mm512_loadu_ps(wc + (size_t) t * g->cout),
						w1 = _mm512_loadu_ps(wc + (size_t) t * g->cout + 16);

#pragma GCC unroll 9
			for (int p = 0; p < SMALL_POSITIONS; p++)
			{
				__m512		xv = _mm512_set1_ps(xt[base[p]]);

				a0[p] = _mm512_fmadd_ps(w0, xv, a0[p]);
				a1[p] = _mm512_fmadd_ps(w1, xv, a1[p]);
			}
		}
	}
	for (int p = 0; p < SMALL_POSITIONS; p++)
	{
		if (act == SG_NN_ACT_ELU)
		{
			a0[p] = sg16_elu(a0[p]);
			a1[p] = sg16_elu(a1[p]);
		}
		else if (act == SG_NN_ACT_RELU)
		{
			a0[p] = _mm512_max_ps(a0[p], _mm512_setzero_ps());
			a1[p] = _mm512_max_ps(a1[p], _mm512_setzero_ps());
		}
		_mm512_storeu_ps(out + 32 * p, a0[p]);
		_mm512_storeu_ps(out + 32 * p + 16, a1[p]);
	}
	for (int p = 0; p < nvalid; p++)
		for (int c = 0; c < 32; c++)
			y[(size_t) (co + c) * plane + pos[p]] = out[32 * p + c];
}

void
nn_conv_small_forward(const nn_conv_geom *g, int n, const float *x, const float *packed,
					  const float *b, sg_nn_act act, float *y, float *work)
{
	int			hp = g->h + 2 * g->pad,
				wp = g->w + 2 * g->pad,
				plane = g->hout * g->wout,
				off[SMALL_MAX_K * SMALL_MAX_K];
	long		chan = (long) hp * wp;
	size_t		in_per = (size_t) g->cin * g->h * g->w,
				out_per = (size_t) g->cout * plane;

	for (int ky = 0; ky < g->k; ky++)
		for (int kx = 0; kx < g->k; kx++)
			off[ky * g->k + kx] = ky * wp + kx;
	for (int s = 0; s < n; s++)
	{
		const float *xs = x + s * in_per;

		memset(work, 0, sizeof(float) * g->cin * chan);
		for (int ci = 0; ci < g->cin; ci++)
			for (int r = 0; r < g->h; r++)
				memcpy(work + ci * chan + (long) (r + g->pad) * wp + g->pad,
					   xs + ((size_t) ci * g->h + r) * g->w, sizeof(float) * g->w);
		for (int p0 = 0; p0 < plane; p0 += SMALL_POSITIONS)
		{
			int			base[SMALL_POSITIONS],
						pos[SMALL_POSITIONS],
						nvalid = plane - p0 < SMALL_POSITIONS ? plane - p0 : SMALL_POSITIONS;

			/* a short last tile repeats its first position and drops the copies */
			for (int p = 0; p < SMALL_POSITIONS; p++)
			{
				int			q = p0 + (p < nvalid ? p : 0);

				pos[p] = q;
				base[p] = (q / g->wout) * g->stride * wp + (q % g->wout) * g->stride;
			}
			for (int co = 0; co < g->cout; co += 32)
				tile(g, work, chan, off, base, pos, nvalid, packed, b, act, co, y + s * out_per);
		}
	}
}

#else							/* !SG_HAVE_AVX512 */

void
nn_conv_small_forward(const nn_conv_geom *g, int n, const float *x, const float *packed,
					  const float *b, sg_nn_act act, float *y, float *work)
{
	(void) g, (void) n, (void) x, (void) packed, (void) b, (void) act, (void) y, (void) work;
}

#endif
