/*
 * nn_conv.c — 2-D convolution with 'same' padding, lowered to matrix
 * products: im2col turns each sample into a (cin·k·k) × (hout·wout) matrix,
 * so the layer is one cblas_sgemm per sample with the weights viewed as a
 * cout × (cin·k·k) matrix.  Backward: dW = dY colᵀ, dX = col2im(Wᵀ dY).
 * Where the processor has AVX-512, the forward pass and the backward pass's
 * dX of stride-1 layers run without im2col (nn_conv_direct.c).
 */
#include <cblas.h>
#include <string.h>

#include "nn_internal.h"
#include "simd_level.h"

nn_conv_geom
nn_conv_same(int cin, int h, int w, int cout, int k, int stride)
{
	nn_conv_geom g;

	g.cin = cin;
	g.h = h;
	g.w = w;
	g.cout = cout;
	g.k = k;
	g.stride = stride;
	g.pad = k / 2;
	g.hout = (h + 2 * g.pad - k) / stride + 1;
	g.wout = (w + 2 * g.pad - k) / stride + 1;
	return g;
}

/* True when the input itself is the lowered matrix (1×1, stride 1). */
static bool
conv_is_direct(const nn_conv_geom *g)
{
	return g->k == 1 && g->stride == 1 && g->pad == 0;
}

size_t
nn_conv_col_size(const nn_conv_geom *g)
{
	if (conv_is_direct(g))
		return 0;
	return (size_t) g->cin * g->k * g->k * g->hout * g->wout;
}

/*
 * Output rows [r0, r1) of one im2col row of a stride-1 'same' convolution
 * (hout = h, wout = w): dst[(oy − r0)·w + ox] = x[(oy + dy)·w + ox + dx],
 * 0 outside the image.  The valid rows are one shifted copy of the plane;
 * the columns that wrapped round from the neighbouring row are then zeroed.
 */
static void
shifted_rows(const float *x, int h, int w, int dy, int dx, int r0, int r1, float *dst)
{
	int			y0 = dy < 0 ? -dy : 0,
				y1 = dy > 0 ? h - dy : h;
	long		d0,
				d1,
				s0,
				n = (long) (r1 - r0) * w;

	y0 = y0 > r0 ? y0 : r0;
	y1 = y1 < r1 ? y1 : r1;
	if (y1 <= y0 || dx >= w || -dx >= w)
	{
		memset(dst, 0, sizeof(float) * n);
		return;
	}
	d0 = (long) (y0 - r0) * w;
	d1 = (long) (y1 - r0) * w;
	s0 = (long) (y0 + dy) * w + dx;
	memset(dst, 0, sizeof(float) * d0);
	memset(dst + d1, 0, sizeof(float) * (n - d1));
	/* the copy may start before the plane or end after it only in wrapped columns */
	if (s0 < 0)
	{
		d0 -= s0;
		s0 = 0;
	}
	if (s0 + (d1 - d0) > (long) h * w)
		d1 = d0 + (long) h * w - s0;
	memcpy(dst + d0, x + s0, sizeof(float) * (d1 - d0));
	for (int oy = y0; oy < y1; oy++)
	{
		float	   *row = dst + (long) (oy - r0) * w;

		for (int i = 0; i < dx; i++)
			row[w - dx + i] = 0.0f;
		for (int i = 0; i < -dx; i++)
			row[i] = 0.0f;
	}
}

/* im2col of output rows [r0, r1): a (cin·k·k) × ((r1 − r0)·wout) matrix. */
static void
im2col_rows(const nn_conv_geom *g, const float *x, int r0, int r1, float *col)
{
	int			n = (r1 - r0) * g->wout;
	bool		same = g->stride == 1 && g->hout == g->h && g->wout == g->w;

	for (int ci = 0; ci < g->cin; ci++)
	{
		const float *xc = x + (size_t) ci * g->h * g->w;

		for (int ky = 0; ky < g->k; ky++)
			for (int kx = 0; kx < g->k; kx++)
			{
				float	   *dst = col + ((size_t) (ci * g->k + ky) * g->k + kx) * n;

				if (same)
				{
					shifted_rows(xc, g->h, g->w, ky - g->pad, kx - g->pad, r0, r1, dst);
					continue;
				}
				for (int oy = r0; oy < r1; oy++)
				{
					int			iy = oy * g->stride - g->pad + ky;
					float	   *row = dst + (size_t) (oy - r0) * g->wout;

					if (iy < 0 || iy >= g->h)
					{
						memset(row, 0, sizeof(float) * g->wout);
						continue;
					}
					for (int ox = 0; ox < g->wout; ox++)
					{
						int			ix = ox * g->stride - g->pad + kx;

						row[ox] = (ix >= 0 && ix < g->w) ? xc[iy * g->w + ix] : 0.0f;
					}
				}
			}
	}
}

/*
 * For a stride-1 layer, the forward geometry that computes its dX: the
 * channels swapped, the same kernel size ('same' padding is symmetric).
 */
static nn_conv_geom
transposed(const nn_conv_geom *g)
{
	return nn_conv_same(g->cout, g->h, g->w, g->cin, g->k, 1);
}

/* True when the backward pass computes g's dX for a batch of n directly. */
static bool
direct_dx(const nn_conv_geom *g, int n)
{
	nn_conv_geom t = transposed(g);

	return g->stride == 1 && g->k > 1 && nn_conv_direct_applies(&t, n);
}

static size_t
max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

size_t
nn_conv_work_size(const nn_conv_geom *g)
{
	size_t		back = 0;

	if (g->stride == 1 && g->k > 1)
	{
		nn_conv_geom t = transposed(g);
		size_t		d = nn_conv_direct_work_size(&t);

		/* the flipped weights, then the direct path's own workspace */
		back = d ? (size_t) g->cout * g->cin * g->k * g->k + d : 0;
	}
	return max_size(max_size(nn_conv_col_size(g), nn_conv_direct_work_size(g)),
					max_size(back, nn_conv_small_work_size(g)));
}

/*
 * dX of a stride-1 layer as a forward convolution of dY: w'[ci][co][ky][kx]
 * = w[co][ci][k−1−ky][k−1−kx] (in work), then the direct path on the rest
 * of work.
 */
static void
backward_dx_direct(const nn_conv_geom *g, int n, const float *w, const float *dy, float *dx,
				   float *work)
{
	nn_conv_geom t = transposed(g);
	int			kk = g->k * g->k;
	float	   *flipped = work;

	for (int co = 0; co < g->cout; co++)
		for (int ci = 0; ci < g->cin; ci++)
			for (int i = 0; i < kk; i++)
				flipped[((size_t) ci * g->cout + co) * kk + (kk - 1 - i)] =
					w[((size_t) co * g->cin + ci) * kk + i];
	nn_conv_direct_accumulate(&t, n, dy, flipped, dx, work + (size_t) g->cout * g->cin * kk);
}

void
nn_im2col(const nn_conv_geom *g, const float *x, float *col)
{
	im2col_rows(g, x, 0, g->hout, col);
}

void
nn_col2im(const nn_conv_geom *g, const float *col, float *dx)
{
	int			hw_out = g->hout * g->wout;

	for (int ci = 0; ci < g->cin; ci++)
	{
		float	   *dc = dx + (size_t) ci * g->h * g->w;

		for (int ky = 0; ky < g->k; ky++)
			for (int kx = 0; kx < g->k; kx++)
			{
				const float *src = col + ((size_t) (ci * g->k + ky) * g->k + kx) * hw_out;

				for (int oy = 0; oy < g->hout; oy++)
				{
					int			iy = oy * g->stride - g->pad + ky;
					const float *row = src + (size_t) oy * g->wout;

					if (iy < 0 || iy >= g->h)
						continue;
					for (int ox = 0; ox < g->wout; ox++)
					{
						int			ix = ox * g->stride - g->pad + kx;

						if (ix >= 0 && ix < g->w)
							dc[iy * g->w + ix] += row[ox];
					}
				}
			}
	}
}

/*
 * Output rows per block of the forward pass: the block's im2col matrix
 * stays within CONV_BLOCK_BYTES (in L2 with room for the weights and the
 * output), so the matrix product reads it back from cache.
 */
#define CONV_BLOCK_BYTES (192 * 1024)

static int
block_rows(const nn_conv_geom *g)
{
	size_t		row_bytes = sizeof(float) * g->cin * g->k * g->k * g->wout;
	int			rows = (int) (CONV_BLOCK_BYTES / (row_bytes ? row_bytes : 1));

	return rows < 1 ? 1 : rows > g->hout ? g->hout : rows;
}

void
nn_conv_forward(const nn_conv_geom *g, int n, const float *x, const float *w,
				const float *b, sg_nn_act act, float *y, float *col)
{
	int			kk = g->cin * g->k * g->k;
	int			hw_out = g->hout * g->wout;
	size_t		in_per = (size_t) g->cin * g->h * g->w;
	size_t		out_per = (size_t) g->cout * hw_out;
	int			rows = block_rows(g);

	if (nn_conv_direct_applies(g, n))
	{
		nn_conv_direct_forward(g, n, x, w, b, act, y, col);
		return;
	}
	for (int i = 0; i < n; i++)
	{
		const float *xi = x + i * in_per;
		float	   *yi = y + i * out_per;

		if (conv_is_direct(g))
		{
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->cout, hw_out, kk,
						1.0f, w, kk, xi, hw_out, 0.0f, yi, hw_out);
			nn_bias_act_forward(act, g->cout, hw_out, hw_out, b, yi);
			continue;
		}
		for (int r0 = 0; r0 < g->hout; r0 += rows)
		{
			int			r1 = r0 + rows < g->hout ? r0 + rows : g->hout;
			int			cols = (r1 - r0) * g->wout;
			float	   *yb = yi + (size_t) r0 * g->wout;

			im2col_rows(g, xi, r0, r1, col);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->cout, cols, kk,
						1.0f, w, kk, col, cols, 0.0f, yb, hw_out);
			nn_bias_act_forward(act, g->cout, cols, hw_out, b, yb);
		}
	}
}

void
nn_conv_forward_packed(const nn_conv_geom *g, int n, const float *x, const float *w,
					   const float *packed, const float *b, sg_nn_act act, float *y, float *col)
{
	if (packed && sg_simd_level() > 1)
		nn_conv_small_forward(g, n, x, packed, b, act, y, col);
	else
		nn_conv_forward(g, n, x, w, b, act, y, col);
}

void
nn_conv_backward(const nn_conv_geom *g, int n, const float *x, const float *w,
				 const float *dy, float *dw, float *db, float *dx, float *col)
{
	int			kk = g->cin * g->k * g->k;
	int			hw_out = g->hout * g->wout;
	size_t		in_per = (size_t) g->cin * g->h * g->w;
	size_t		out_per = (size_t) g->cout * hw_out;
	bool		direct = conv_is_direct(g),
				dx_direct = dx != NULL && direct_dx(g, n);

	if (dw)
		memset(dw, 0, sizeof(float) * kk * g->cout);
	if (db)
	{
		for (int c = 0; c < g->cout; c++)
		{
			double		s = 0.0;

			for (int i = 0; i < n; i++)
			{
				const float *d = dy + i * out_per + (size_t) c * hw_out;

				for (int j = 0; j < hw_out; j++)
					s += d[j];
			}
			db[c] = (float) s;
		}
	}
	for (int i = 0; i < n; i++)
	{
		const float *xi = x + i * in_per;
		const float *dyi = dy + i * out_per;

		if (dw)
		{
			const float *lowered = xi;

			if (!direct)
			{
				nn_im2col(g, xi, col);
				lowered = col;
			}
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g->cout, kk, hw_out,
						1.0f, dyi, hw_out, lowered, hw_out, 1.0f, dw, kk);
		}
		if (dx == NULL || dx_direct)
			continue;
		if (direct)
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kk, hw_out, g->cout,
						1.0f, w, kk, dyi, hw_out, 1.0f, dx + i * in_per, hw_out);
		else
		{
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kk, hw_out, g->cout,
						1.0f, w, kk, dyi, hw_out, 0.0f, col, hw_out);
			nn_col2im(g, col, dx + i * in_per);
		}
	}
	/* after dW: the workspace is free again */
	if (dx_direct)
		backward_dx_direct(g, n, w, dy, dx, col);
}
