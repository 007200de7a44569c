/*
 * test_nn.c — unit tests of the neural-network engine: every layer's
 * gradients against central finite differences, whole residual models,
 * batch-norm folding, determinism, cancellation, Adam, and a training
 * smoke test (bright centre vs bright ring, 8×8) whose loss must fall.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/nn.h"
#include "sglens/nn_predict.h"
#include "sglens/nn_score.h"
#include "sglens/rng.h"
#include "unit.h"
#include "../../src/core/nn_internal.h"
#include "../../src/core/simd_level.h"

#define GRAD_TOL 1e-2

static sg_rng rng;

/* Fill a with uniform values in [lo, hi). */
static void
fill(float *a, size_t n, double lo, double hi)
{
	for (size_t i = 0; i < n; i++)
		a[i] = (float) sg_rng_range(&rng, lo, hi);
}

/* Σ r_i y_i in double. */
static double
dot(const float *r, const float *y, size_t n)
{
	double		s = 0.0;

	for (size_t i = 0; i < n; i++)
		s += (double) r[i] * y[i];
	return s;
}

/* Central difference of loss() in a[i] with step h. */
static double
central_diff(double (*loss) (void *), void *ctx, float *a, size_t i, float h)
{
	float		save = a[i],
				up = save + h,
				dn = save - h;
	double		lp,
				lm;

	a[i] = up;
	lp = loss(ctx);
	a[i] = dn;
	lm = loss(ctx);
	a[i] = save;
	return (lp - lm) / ((double) up - (double) dn);
}

/* One-sided difference of loss() in a[i]: forward for h > 0, backward for h < 0. */
static double
one_sided_diff(double (*loss) (void *), void *ctx, float *a, size_t i, float h)
{
	float		save = a[i],
				moved = save + h;
	double		l0 = loss(ctx),
				l1;

	a[i] = moved;
	l1 = loss(ctx);
	a[i] = save;
	return (l1 - l0) / ((double) moved - (double) save);
}

static long kink_retried;		/* elements whose step had to be reduced */

/*
 * Relative error ‖numeric − analytic‖ / max(‖numeric‖, ‖analytic‖, floor)
 * of the gradient g of loss() with respect to the n floats of a.  The floor
 * keeps a gradient that is truly zero (a bias feeding a training-mode batch
 * norm) from comparing float noise with float noise.  With kinks=true
 * (ReLU, max pooling), a step can straddle a kink of the loss; the
 * difference is then retried with central steps h/2 and h/4 and with
 * one-sided steps ±h/2 (the side away from the kink sees only the smooth
 * piece the analytic gradient belongs to), and the one nearest the analytic
 * value kept (a wrong gradient matches on no side at no step), counted in
 * kink_retried.
 */
static double
grad_error_floor(double (*loss) (void *), void *ctx, float *a, size_t n,
				 const float *g, float h, double floor_norm, bool kinks)
{
	double		d2 = 0.0,
				n2 = 0.0,
				a2 = 0.0;

	for (size_t i = 0; i < n; i++)
	{
		double		num = central_diff(loss, ctx, a, i, h);

		if (kinks && fabs(num - g[i]) > 0.005 * fabs(g[i]) + 2e-5)
		{
			kink_retried++;
			for (int k = 0; k < 4; k++)
			{
				double		alt = k < 2 ? central_diff(loss, ctx, a, i, h / (float) (2 << k)) :
					one_sided_diff(loss, ctx, a, i, k == 2 ? h / 2 : -h / 2);

				if (fabs(alt - g[i]) < fabs(num - g[i]))
					num = alt;
			}
		}
		d2 += (num - g[i]) * (num - g[i]);
		n2 += num * num;
		a2 += (double) g[i] * g[i];
	}
	if (n2 == 0.0 && a2 == 0.0 && floor_norm == 0.0)
		return 0.0;
	return sqrt(d2) / fmax(fmax(sqrt(n2), sqrt(a2)), floor_norm);
}

/* Relative gradient error without a floor. */
static double
grad_error(double (*loss) (void *), void *ctx, float *a, size_t n,
		   const float *g, float h)
{
	return grad_error_floor(loss, ctx, a, n, g, h, 0.0, false);
}

/* ---- convolution ---- */

typedef struct conv_case
{
	nn_conv_geom g;
	int			n;
	float	   *x,
			   *w,
			   *b,
			   *y,
			   *r,
			   *col;
} conv_case;

static double
conv_loss(void *ctx)
{
	conv_case  *c = ctx;

	nn_conv_forward(&c->g, c->n, c->x, c->w, c->b, SG_NN_ACT_NONE, c->y, c->col);
	return dot(c->r, c->y, (size_t) c->n * c->g.cout * c->g.hout * c->g.wout);
}

/* dX, dW, db of one convolution geometry. */
static void
check_conv(int n, int cin, int h, int w, int cout, int k, int stride)
{
	conv_case	c;
	size_t		nx = (size_t) n * cin * h * w,
				nw = (size_t) cout * cin * k * k,
				ny;
	float	   *dx,
			   *dw,
			   *db;
	double		ex,
				ew,
				eb;

	c.g = nn_conv_same(cin, h, w, cout, k, stride);
	c.n = n;
	ny = (size_t) n * cout * c.g.hout * c.g.wout;
	c.x = malloc(sizeof(float) * nx);
	c.w = malloc(sizeof(float) * nw);
	c.b = malloc(sizeof(float) * cout);
	c.y = malloc(sizeof(float) * ny);
	c.r = malloc(sizeof(float) * ny);
	c.col = malloc(sizeof(float) * (nn_conv_work_size(&c.g) + 1));
	dx = calloc(nx, sizeof(float));
	dw = malloc(sizeof(float) * nw);
	db = malloc(sizeof(float) * cout);
	fill(c.x, nx, -1, 1);
	fill(c.w, nw, -0.5, 0.5);
	fill(c.b, cout, -0.5, 0.5);
	fill(c.r, ny, -1, 1);
	conv_loss(&c);
	nn_conv_backward(&c.g, n, c.x, c.w, c.r, dw, db, dx, c.col);
	ex = grad_error(conv_loss, &c, c.x, nx, dx, 1e-2f);
	ew = grad_error(conv_loss, &c, c.w, nw, dw, 1e-2f);
	eb = grad_error(conv_loss, &c, c.b, cout, db, 1e-2f);
	CHECK(ex < GRAD_TOL);
	CHECK(ew < GRAD_TOL);
	CHECK(eb < GRAD_TOL);
	if (ex >= GRAD_TOL || ew >= GRAD_TOL || eb >= GRAD_TOL)
		fprintf(stderr, "conv k%d s%d: dx %g dw %g db %g\n", k, stride, ex, ew, eb);
	/* output size is ceil(h / stride) */
	CHECK(c.g.hout == (h + stride - 1) / stride && c.g.wout == (w + stride - 1) / stride);
	free(c.x);
	free(c.w);
	free(c.b);
	free(c.y);
	free(c.r);
	free(c.col);
	free(dx);
	free(dw);
	free(db);
}

/* A k×k convolution of a random image against a direct sum. */
static void
check_conv_known(int k, int stride)
{
	nn_conv_geom g = nn_conv_same(2, 5, 4, 3, k, stride);
	int			p = k / 2;
	float		x[40],
				w[3 * 2 * 25],
				b[3] = {0.5f, -1.0f, 2.0f},
				y[3 * 5 * 4],
				col[2 * 25 * 20];
	double		maxerr = 0.0;

	fill(x, 40, -1, 1);
	fill(w, 3 * 2 * k * k, -1, 1);
	nn_conv_forward(&g, 1, x, w, b, SG_NN_ACT_NONE, y, col);
	for (int co = 0; co < 3; co++)
		for (int oy = 0; oy < g.hout; oy++)
			for (int ox = 0; ox < g.wout; ox++)
			{
				double		s = b[co];

				for (int ci = 0; ci < 2; ci++)
					for (int ky = 0; ky < k; ky++)
						for (int kx = 0; kx < k; kx++)
						{
							int			iy = oy * stride - p + ky,
										ix = ox * stride - p + kx;

							if (iy >= 0 && iy < 5 && ix >= 0 && ix < 4)
								s += (double) w[((co * 2 + ci) * k + ky) * k + kx] * x[(ci * 5 + iy) * 4 + ix];
						}
				maxerr = fmax(maxerr, fabs(s - y[(co * g.hout + oy) * g.wout + ox]));
			}
	CHECK(g.hout == (5 + stride - 1) / stride && g.wout == (4 + stride - 1) / stride);
	CHECK(maxerr < 1e-5);
}

static void
test_conv_known(void)
{
	for (int k = 1; k <= 5; k += 2)
		for (int s = 1; s <= 2; s++)
			check_conv_known(k, s);
}

/* Largest |got − want| over the largest |want| (infinite when got has a non-finite value). */
static double
relative_difference(const float *got, const float *want, size_t n)
{
	double		diff = 0,
				top = 0;

	for (size_t i = 0; i < n; i++)
	{
		diff = isfinite(got[i]) ? fmax(diff, fabs(got[i] - want[i])) : INFINITY;
		top = fmax(top, fabs(want[i]));
	}
	return diff / top;
}

/*
 * The direct AVX-512 convolution (nn_conv_direct.c), or with small the
 * small-plane one from packed weights (nn_conv_small.c), against the im2col
 * path (SIMD level capped at 1) on one geometry, with bias and an
 * activation: equal to float rounding.  Returns the largest difference
 * relative to the largest output.
 */
static double
kernel_vs_im2col(int n, int cin, int h, int w, int cout, int k, int stride, sg_nn_act act,
				 bool small)
{
	nn_conv_geom g = nn_conv_same(cin, h, w, cout, k, stride);
	size_t		nx = (size_t) n * cin * h * w,
				ny = (size_t) n * cout * g.hout * g.wout;
	float	   *x = malloc(sizeof(float) * nx),
			   *wt = malloc(sizeof(float) * cout * cin * k * k),
			   *b = malloc(sizeof(float) * cout),
			   *y0 = malloc(sizeof(float) * ny),
			   *y1 = malloc(sizeof(float) * ny),
			   *col = malloc(sizeof(float) * nn_conv_work_size(&g));
	double		e;

	fill(x, nx, -1, 1);
	fill(wt, (size_t) cout * cin * k * k, -0.5, 0.5);
	fill(b, cout, -0.5, 0.5);
	sg_simd_force(1);
	nn_conv_forward(&g, n, x, wt, b, act, y0, col);
	sg_simd_force(-1);
	/* stale workspace must not leak into the result */
	for (size_t i = 0; i < nn_conv_work_size(&g); i++)
		col[i] = NAN;
	/* the kernel itself, also on the shapes nn_conv_forward leaves to im2col for speed */
	if (small)
	{
		float	   *packed = nn_conv_small_pack(&g, wt);

		CHECK(nn_conv_small_fits(&g));
		if (sg_simd_level() > 1)
			nn_conv_small_forward(&g, n, x, packed, b, act, y1, col);
		else
			nn_conv_forward(&g, n, x, wt, b, act, y1, col);
		sg_free(packed);
	}
	else if (sg_simd_level() > 1 && nn_conv_direct_work_size(&g) > 0)
		nn_conv_direct_forward(&g, n, x, wt, b, act, y1, col);
	else
		nn_conv_forward(&g, n, x, wt, b, act, y1, col);
	e = relative_difference(y1, y0, ny);
	free(x);
	free(wt);
	free(b);
	free(y0);
	free(y1);
	free(col);
	return e;
}

/* dX of the backward pass, direct (AVX-512) against im2col, added onto a non-zero dx: the largest difference relative to the largest dX. */
static double
direct_dx_vs_im2col(int n, int cin, int h, int cout, int k)
{
	nn_conv_geom g = nn_conv_same(cin, h, h, cout, k, 1);
	size_t		nx = (size_t) n * cin * h * h,
				ny = (size_t) n * cout * h * h;
	float	   *x = malloc(sizeof(float) * nx),
			   *wt = malloc(sizeof(float) * cout * cin * k * k),
			   *dy = malloc(sizeof(float) * ny),
			   *dx0 = malloc(sizeof(float) * nx),
			   *dx1 = malloc(sizeof(float) * nx),
			   *col = malloc(sizeof(float) * nn_conv_work_size(&g));
	double		e;

	fill(x, nx, -1, 1);
	fill(wt, (size_t) cout * cin * k * k, -0.5, 0.5);
	fill(dy, ny, -1, 1);
	fill(dx0, nx, -1, 1);
	memcpy(dx1, dx0, sizeof(float) * nx);
	sg_simd_force(1);
	nn_conv_backward(&g, n, x, wt, dy, NULL, NULL, dx0, col);
	sg_simd_force(-1);
	nn_conv_backward(&g, n, x, wt, dy, NULL, NULL, dx1, col);
	e = relative_difference(dx1, dx0, nx);
	free(x);
	free(wt);
	free(dy);
	free(dx0);
	free(dx1);
	free(col);
	return e;
}

static void
test_conv_direct(void)
{
	/* the shipped networks' layers, then odd shapes: every tile width, odd sides, kernels wider than the image, chunks of samples */
	static const int cases[][7] = {
		{1, 3, 48, 48, 16, 5, 1}, {4, 16, 24, 24, 16, 3, 1}, {4, 32, 12, 12, 32, 3, 1},
		{4, 64, 6, 6, 64, 3, 1}, {4, 128, 3, 3, 128, 3, 1}, {1, 128, 3, 3, 128, 3, 1},
		{4, 16, 24, 24, 32, 3, 2}, {4, 64, 6, 6, 128, 3, 2}, {4, 16, 24, 24, 32, 1, 2},
		{1, 1, 64, 64, 16, 5, 1}, {5, 2, 7, 5, 12, 3, 1}, {2, 1, 3, 2, 20, 7, 1},
		{33, 4, 6, 6, 8, 3, 1}, {3, 3, 5, 4, 24, 3, 1}, {2, 5, 1, 9, 4, 5, 1},
		{40, 8, 2, 2, 36, 3, 1}, {3, 3, 7, 5, 8, 3, 2}, {2, 2, 9, 6, 4, 5, 2},
		{6, 3, 5, 7, 12, 1, 2}, {2, 2, 1, 1, 4, 7, 2},
	};
	double		worst = 0;
	nn_conv_geom g = nn_conv_same(16, 24, 24, 16, 3, 1);
	sg_rng		saved = rng;	/* leave the later tests' random inputs as they were */

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const int  *c = cases[i];
		static const sg_nn_act acts[3] = {SG_NN_ACT_ELU, SG_NN_ACT_RELU, SG_NN_ACT_NONE};
		double		e = kernel_vs_im2col(c[0], c[1], c[2], c[3], c[4], c[5], c[6], acts[i % 3], false);

		if (!(e < 1e-5))
			fprintf(stderr, "direct conv n%d %d->%d %dx%d k%d stride %d: relative difference %g\n",
					c[0], c[1], c[4], c[2], c[3], c[5], c[6], e);
		CHECK(e < 1e-5);
		worst = fmax(worst, e);
	}
	{
		double		e = fmax(fmax(direct_dx_vs_im2col(4, 16, 24, 16, 3), direct_dx_vs_im2col(4, 128, 3, 128, 3)),
							 fmax(direct_dx_vs_im2col(3, 8, 7, 12, 5), direct_dx_vs_im2col(33, 4, 6, 8, 3)));

		printf("direct dX of the backward pass: worst relative difference from im2col %.1e\n", e);
		CHECK(e < 1e-5);
	}
	{
		/* the shipped networks' deep layers (3×3 and 6×6 outputs, strides 1 and 2, 1×1 projections), then a 2×2 output, a 5×5 kernel and ReLU / none */
		static const int small[][6] = {
			{1, 128, 3, 128, 3, 1}, {4, 64, 6, 128, 3, 2}, {3, 32, 12, 64, 1, 2},
			{2, 64, 6, 64, 3, 1}, {2, 8, 2, 32, 5, 1}, {1, 3, 7, 96, 3, 2},
		};
		static const sg_nn_act small_acts[6] = {SG_NN_ACT_ELU, SG_NN_ACT_ELU, SG_NN_ACT_NONE,
		SG_NN_ACT_ELU, SG_NN_ACT_RELU, SG_NN_ACT_NONE};
		double		e = 0;

		for (int i = 0; i < 6; i++)
			e = fmax(e, kernel_vs_im2col(small[i][0], small[i][1], small[i][2], small[i][2], small[i][3],
										 small[i][4], small[i][5], small_acts[i], true));
		printf("small-plane convolution: worst relative difference from im2col %.1e\n", e);
		CHECK(e < 1e-5);
	}
	/* a 12×12 output or 16 output channels do not fit it */
	g = nn_conv_same(32, 12, 12, 64, 3, 1);
	CHECK(!nn_conv_small_fits(&g) && nn_conv_small_work_size(&g) == 0);
	g = nn_conv_same(32, 6, 6, 16, 3, 1);
	CHECK(!nn_conv_small_fits(&g));
	rng = saved;
	printf("direct convolution (%s on this processor): worst relative difference from im2col %.1e\n",
		   nn_conv_direct_applies(&g, 1) ? "in use" : "not available", worst);
	/* 1×1 of stride 1 (a plain matrix product already), stride 3 and cout % 4 != 0 never take it */
	g = nn_conv_same(16, 24, 24, 16, 1, 1);
	CHECK(!nn_conv_direct_applies(&g, 1) && nn_conv_direct_work_size(&g) == 0);
	g = nn_conv_same(16, 24, 24, 16, 3, 3);
	CHECK(!nn_conv_direct_applies(&g, 1) && nn_conv_direct_work_size(&g) == 0);
	g = nn_conv_same(16, 24, 24, 6, 3, 1);
	CHECK(!nn_conv_direct_applies(&g, 1));
	if (sg_simd_level() > 1)
	{
		/* a strided layer with a small output takes it only when a batch fills the tiles */
		g = nn_conv_same(64, 6, 6, 128, 3, 2);
		CHECK(!nn_conv_direct_applies(&g, 1) && nn_conv_direct_applies(&g, 4));
		g = nn_conv_same(16, 24, 24, 32, 3, 2);
		CHECK(nn_conv_direct_applies(&g, 1));
	}
}

static void
test_conv_grad(void)
{
	check_conv(2, 3, 7, 6, 4, 3, 1);
	check_conv(2, 3, 7, 6, 4, 3, 2);
	check_conv(2, 3, 6, 5, 4, 1, 1);
	check_conv(2, 3, 7, 6, 4, 1, 2);
	check_conv(1, 2, 6, 6, 3, 5, 1);
	/* channel counts that the direct path takes forward and for dX (AVX-512) */
	check_conv(2, 4, 7, 6, 8, 3, 1);
	check_conv(3, 8, 5, 5, 4, 5, 1);
	check_conv(2, 4, 8, 8, 8, 3, 2);
	check_conv(3, 1, 8, 8, 2, 7, 2);
}

/* ---- element-wise, batch norm, pooling, dense ---- */

typedef struct layer_case
{
	int			kind;			/* 0 act, 1 bn, 2 pool, 3 gap, 4 dense */
	int			n,
				c,
				h,
				w,
				nout;
	sg_nn_act	act;
	sg_nn_pool	pool;
	float	   *x,
			   *p1,
			   *p2,
			   *y,
			   *r,
			   *save,
			   *rm,
			   *rv;
	size_t		ny;
} layer_case;

static double
layer_loss(void *ctx)
{
	layer_case *c = ctx;
	size_t		nx = (size_t) c->n * c->c * c->h * c->w;

	switch (c->kind)
	{
		case 0:
			nn_act_forward(c->act, nx, c->x, c->y);
			break;
		case 1:
			nn_bn_forward_train(c->n, c->c, c->h * c->w, c->x, c->p1, c->p2, c->y,
								c->save, c->save + c->c, c->rm, c->rv);
			break;
		case 2:
			nn_pool_forward(c->pool, c->n, c->c, c->h, c->w, c->x, c->y);
			break;
		case 3:
			nn_gap_forward(c->n, c->c, c->h * c->w, c->x, c->y);
			break;
		case 4:
			nn_dense_forward(c->n, c->c, c->nout, c->x, c->p1, c->p2, c->y);
			break;
	}
	return dot(c->r, c->y, c->ny);
}

/* Check dx (and the parameter gradients) of one layer case. */
static void
check_layer(layer_case *c, const char *what)
{
	size_t		nx = (size_t) c->n * c->c * c->h * c->w;
	size_t		np = c->kind == 4 ? (size_t) c->nout * c->c : (size_t) c->c;
	size_t		nb = c->kind == 4 ? (size_t) c->nout : (size_t) c->c;
	float	   *dx = calloc(nx, sizeof(float));
	float	   *g1 = calloc(np, sizeof(float));
	float	   *g2 = calloc(nb, sizeof(float));
	double		ex,
				e1 = 0.0,
				e2 = 0.0;

	layer_loss(c);
	switch (c->kind)
	{
		case 0:
			nn_act_backward(c->act, nx, c->y, c->r, dx);
			break;
		case 1:
			nn_bn_backward(c->n, c->c, c->h * c->w, c->x, c->p1, c->save, c->save + c->c,
						   c->r, g1, g2, dx);
			break;
		case 2:
			nn_pool_backward(c->pool, c->n, c->c, c->h, c->w, c->x, c->y, c->r, dx);
			break;
		case 3:
			nn_gap_backward(c->n, c->c, c->h * c->w, c->r, dx);
			break;
		case 4:
			nn_dense_backward(c->n, c->c, c->nout, c->x, c->p1, c->r, g1, g2, dx);
			break;
	}
	ex = grad_error(layer_loss, c, c->x, nx, dx, 1e-3f);
	if (c->kind == 1 || c->kind == 4)
	{
		e1 = grad_error(layer_loss, c, c->p1, np, g1, 1e-3f);
		e2 = grad_error(layer_loss, c, c->p2, nb, g2, 1e-3f);
	}
	CHECK(ex < GRAD_TOL);
	CHECK(e1 < GRAD_TOL);
	CHECK(e2 < GRAD_TOL);
	if (ex >= GRAD_TOL || e1 >= GRAD_TOL || e2 >= GRAD_TOL)
		fprintf(stderr, "%s: dx %g dp1 %g dp2 %g\n", what, ex, e1, e2);
	free(dx);
	free(g1);
	free(g2);
}

/* A layer case of the given kind with random inputs. */
static layer_case
make_case(int kind, int n, int c, int h, int w, size_t ny)
{
	layer_case	lc;
	size_t		nx = (size_t) n * c * h * w;

	memset(&lc, 0, sizeof(lc));
	lc.kind = kind;
	lc.n = n;
	lc.c = c;
	lc.h = h;
	lc.w = w;
	lc.ny = ny;
	lc.x = malloc(sizeof(float) * nx);
	lc.y = malloc(sizeof(float) * ny);
	lc.r = malloc(sizeof(float) * ny);
	fill(lc.x, nx, -2, 2);
	fill(lc.r, ny, -1, 1);
	return lc;
}

static void
free_case(layer_case *lc)
{
	free(lc->x);
	free(lc->y);
	free(lc->r);
	free(lc->p1);
	free(lc->p2);
	free(lc->save);
	free(lc->rm);
	free(lc->rv);
}

static void
test_layer_grads(void)
{
	layer_case	lc;

	/* ELU and ReLU, inputs kept away from the kink of ReLU */
	for (int a = SG_NN_ACT_ELU; a <= SG_NN_ACT_RELU; a++)
	{
		lc = make_case(0, 2, 3, 4, 5, 120);
		for (int i = 0; i < 120; i++)
			lc.x[i] += lc.x[i] >= 0 ? 0.05f : -0.05f;
		lc.act = a;
		check_layer(&lc, a == SG_NN_ACT_ELU ? "elu" : "relu");
		free_case(&lc);
	}
	/* batch norm in training mode */
	lc = make_case(1, 3, 4, 3, 5, 180);
	lc.p1 = malloc(sizeof(float) * 4);
	lc.p2 = malloc(sizeof(float) * 4);
	lc.save = malloc(sizeof(float) * 8);
	lc.rm = calloc(4, sizeof(float));
	lc.rv = calloc(4, sizeof(float));
	fill(lc.p1, 4, 0.5, 1.5);
	fill(lc.p2, 4, -0.5, 0.5);
	check_layer(&lc, "batch norm");
	free_case(&lc);
	/* pooling on odd and even sides */
	for (int p = SG_NN_POOL_MAX; p <= SG_NN_POOL_AVG; p++)
	{
		lc = make_case(2, 2, 3, 5, 6, 2 * 3 * 3 * 3);
		lc.pool = p;
		check_layer(&lc, p == SG_NN_POOL_MAX ? "max pool" : "avg pool");
		free_case(&lc);
	}
	/* global average pooling */
	lc = make_case(3, 2, 3, 4, 5, 6);
	check_layer(&lc, "global average pooling");
	free_case(&lc);
	/* dense */
	lc = make_case(4, 3, 7, 1, 1, 15);
	lc.nout = 5;
	lc.p1 = malloc(sizeof(float) * 35);
	lc.p2 = malloc(sizeof(float) * 5);
	fill(lc.p1, 35, -1, 1);
	fill(lc.p2, 5, -1, 1);
	check_layer(&lc, "dense");
	free_case(&lc);
}

/* Batch norm: batch statistics give zero mean, unit variance; running stats move. */
static void
test_bn_stats(void)
{
	float		x[2 * 2 * 8],
				y[32],
				g[2] = {1, 1},
				b[2] = {0, 0},
				save[4],
				rm[2] = {0, 0},
				rv[2] = {1, 1};
	double		s = 0.0,
				ss = 0.0;

	fill(x, 32, 3, 7);
	nn_bn_forward_train(2, 2, 8, x, g, b, y, save, save + 2, rm, rv);
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 8; j++)
		{
			s += y[i * 16 + j];
			ss += y[i * 16 + j] * y[i * 16 + j];
		}
	CHECK_CLOSE(s / 16, 0.0, 1e-6);
	CHECK_CLOSE(ss / 16, 1.0, 1e-3);
	CHECK_CLOSE(rm[0], 0.1 * save[0], 1e-6);
	CHECK(rv[1] > 0.9f);
}

/* ---- losses ---- */

typedef struct loss_case
{
	float	   *out,
			   *t;
	int			n,
				k;
	bool		gauss;
} loss_case;

static double
loss_value(void *ctx)
{
	loss_case  *c = ctx;

	if (c->gauss)
		return sg_nn_loss_gauss_nll(c->out, c->t, c->n, c->k, NULL);
	return sg_nn_loss_bce(c->out, c->t, c->n, NULL);
}

static void
test_losses(void)
{
	float		z[6] = {-3.0f, -0.5f, 0.0f, 0.7f, 2.0f, 30.0f},
				y[6] = {0, 1, 1, 0, 1, 1},
				dz[6],
				out[3 * 4],
				t[3 * 2],
				dout[12];
	loss_case	c = {z, y, 6, 1, false};

	sg_nn_loss_bce(z, y, 6, dz);
	CHECK(grad_error(loss_value, &c, z, 6, dz, 1e-3f) < 1e-3);
	/* known values: log 2 at z = 0, −log σ(30) ≈ 0 without overflow */
	CHECK_CLOSE(sg_nn_loss_bce(z + 2, y + 2, 1, NULL), log(2.0), 1e-7);
	CHECK_CLOSE(sg_nn_loss_bce(z + 5, y + 5, 1, NULL), 9.357623e-14, 1e-15);
	CHECK_CLOSE(sg_nn_sigmoid(0.0f), 0.5, 0);
	CHECK(sg_nn_sigmoid(-200.0f) == 0.0f && sg_nn_sigmoid(200.0f) == 1.0f);

	fill(out, 12, -1, 1);
	fill(t, 6, -2, 2);
	c.out = out;
	c.t = t;
	c.n = 3;
	c.k = 2;
	c.gauss = true;
	sg_nn_loss_gauss_nll(out, t, 3, 2, dout);
	CHECK(grad_error(loss_value, &c, out, 12, dout, 1e-3f) < 1e-3);
	/* perfect mean, unit variance: loss 0 */
	{
		float		o[2] = {1.5f, 0.0f},
					tt[1] = {1.5f};

		CHECK_CLOSE(sg_nn_loss_gauss_nll(o, tt, 1, 1, NULL), 0.0, 1e-12);
	}
	/* β-NLL: the same loss value, each term's gradient times σ^(2β) = e^(β s) */
	{
		float		dbeta[12];
		double		worst = 0;

		CHECK(sg_nn_loss_gauss_nll_beta(out, t, 3, 2, 0.5, dbeta) == sg_nn_loss_gauss_nll(out, t, 3, 2, NULL));
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 2; j++)
			{
				double		w = exp(0.5 * out[i * 4 + 2 + j]);

				worst = fmax(worst, fabs(dbeta[i * 4 + j] - w * dout[i * 4 + j]));
				worst = fmax(worst, fabs(dbeta[i * 4 + 2 + j] - w * dout[i * 4 + 2 + j]));
			}
		CHECK(worst < 1e-6);
		sg_nn_loss_gauss_nll_beta(out, t, 3, 2, 0.0, dbeta);
		CHECK(memcmp(dbeta, dout, sizeof(dbeta)) == 0);
	}
}

/* ---- whole models ---- */

typedef struct model_case
{
	sg_nn_model *m;
	float	   *x,
			   *t,
			   *out;
	int			batch;
	bool		gauss;
} model_case;

static double
model_loss(void *ctx)
{
	model_case *c = ctx;
	const sg_nn_spec *s = sg_nn_model_spec(c->m);
	sg_status	st;

	sg_status_clear(&st);
	if (!sg_nn_forward(c->m, c->x, c->batch, true, c->out, &st))
		return NAN;
	if (c->gauss)
		return sg_nn_loss_gauss_nll(c->out, c->t, c->batch, s->n_outputs / 2, NULL);
	return sg_nn_loss_bce(c->out, c->t, c->batch, NULL);
}

/* Every parameter gradient of a whole model against finite differences. */
static void
check_model(const sg_nn_spec *spec, bool gauss, uint64_t seed, float h)
{
	sg_status	st;
	model_case	c;
	int			np,
				nbad = 0,
				nchecked = 0;
	size_t		nin = (size_t) spec->in_channels * spec->in_size * spec->in_size;
	size_t		total = 0;
	sg_nn_param *p;
	float	   *dout;

	sg_status_clear(&st);
	c.m = sg_nn_model_new(spec, seed, &st);
	CHECK(c.m != NULL);
	if (c.m == NULL)
		return;
	c.batch = 3;
	c.gauss = gauss;
	c.x = malloc(sizeof(float) * nin * c.batch);
	c.t = malloc(sizeof(float) * spec->n_outputs * c.batch);
	c.out = malloc(sizeof(float) * spec->n_outputs * c.batch);
	dout = malloc(sizeof(float) * spec->n_outputs * c.batch);
	fill(c.x, nin * c.batch, -1, 1);
	for (int i = 0; i < spec->n_outputs * c.batch; i++)
		c.t[i] = gauss ? (float) sg_rng_normal(&rng) : (float) (i % 2);
	p = sg_nn_model_params(c.m, &np);
	/* random BN affine parameters, so their gradients are not trivial */
	for (int i = 0; i < np; i++)
		if (strstr(p[i].name, ".gamma") || strstr(p[i].name, ".beta") ||
			strstr(p[i].name, ".bias"))
			fill(p[i].data, p[i].size, strstr(p[i].name, ".gamma") ? 0.5 : -0.5, 1.5);
	model_loss(&c);
	if (gauss)
		sg_nn_loss_gauss_nll(c.out, c.t, c.batch, spec->n_outputs / 2, dout);
	else
		sg_nn_loss_bce(c.out, c.t, c.batch, dout);
	CHECK(sg_nn_backward(c.m, dout, &st));
	for (int i = 0; i < np; i++)
	{
		float	   *g;
		double		e;

		total += p[i].size;
		if (p[i].grad == NULL)
			continue;
		g = malloc(sizeof(float) * p[i].size);
		memcpy(g, p[i].grad, sizeof(float) * p[i].size);
		e = grad_error_floor(model_loss, &c, p[i].data, p[i].size, g, h, 1e-2,
							 spec->act == SG_NN_ACT_RELU);
		nchecked++;
		if (e >= GRAD_TOL)
		{
			nbad++;
			fprintf(stderr, "model gradient of %s: relative error %g\n", p[i].name, e);
		}
		free(g);
	}
	CHECK(nbad == 0);
	CHECK(nchecked > 10);
	CHECK(total == sg_nn_spec_param_count(spec));
	free(c.x);
	free(c.t);
	free(c.out);
	free(dout);
	sg_nn_model_free(c.m);
}

/* A small residual model: 2 stages, downsampling, projection shortcuts. */
static sg_nn_spec
small_spec(void)
{
	sg_nn_spec	s;

	memset(&s, 0, sizeof(s));
	s.in_channels = 2;
	s.in_size = 8;
	s.stem_channels = 3;
	s.stem_kernel = 3;
	s.stem_pool = SG_NN_POOL_NONE;
	s.act = SG_NN_ACT_ELU;
	s.nstages = 2;
	s.stages[0] = (sg_nn_stage) {3, 1, false};
	s.stages[1] = (sg_nn_stage) {4, 2, true};
	s.n_outputs = 1;
	return s;
}

static void
test_model_grads(void)
{
	sg_nn_spec	s = small_spec();

	check_model(&s, false, 11, 5e-3f);
	/* regression head (2 means, 2 log-variances), average pooling stem, 5×5 kernel */
	s.stem_pool = SG_NN_POOL_AVG;
	s.stem_kernel = 5;
	s.in_size = 9;
	s.stages[0] = (sg_nn_stage) {4, 1, true};
	s.nstages = 1;
	s.n_outputs = 4;
	check_model(&s, true, 12, 5e-3f);
	/* ReLU and max pooling */
	s = small_spec();
	s.act = SG_NN_ACT_RELU;
	s.stem_pool = SG_NN_POOL_MAX;
	kink_retried = 0;
	check_model(&s, false, 13, 1e-3f);
	printf("ReLU model gradient check: %ld of %zu elements retried with smaller steps\n",
		   kink_retried, sg_nn_spec_param_count(&s));
	CHECK(kink_retried < (long) sg_nn_spec_param_count(&s) / 4);
}

/* dst = src (planes × size × size) turned by 90° counter-clockwise, as sgimage's sg_rotate90. */
static void
turn90(const float *src, float *dst, int planes, int size)
{
	for (int b = 0; b < planes; b++)
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
				dst[((size_t) b * size + size - 1 - x) * size + y] = src[((size_t) b * size + y) * size + x];
}

/*
 * Orientation-free scores: the four-rotation mean equals the mean of the
 * sigmoids of four passes and is the same (to rounding) for a turned stamp;
 * the canonical one-pass score is bit-identical for every turn and equals
 * one of the four rotations' probabilities; the adaptive score is one or
 * the other as its threshold says.
 */
static void
test_orientation_free_scores(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *m;
	float		x[4][2 * 8 * 8],
				mean[4],
				canon[4],
				logit[4];
	double		want = 0;
	bool		canon_is_a_rotation = false;

	sg_status_clear(&st);
	m = sg_nn_model_new(&s, 21, &st);
	fill(x[0], 2 * 8 * 8, -1, 1);
	for (int r = 1; r < 4; r++)
		turn90(x[r - 1], x[r], 2, 8);
	for (int r = 0; r < 4; r++)
	{
		CHECK(sg_nn_forward(m, x[r], 1, false, &logit[r], &st));
		want += sg_nn_sigmoid(logit[r]) / 4;
		CHECK(sg_nn_score_rotations(m, x[r], 2, 8, &mean[r], &st));
		CHECK(sg_nn_score_canonical(m, x[r], 2, 8, &canon[r], &st));
	}
	for (int r = 0; r < 4; r++)
	{
		CHECK(fabs(mean[r] - want) < 1e-6);
		CHECK(canon[r] == canon[0]);
		canon_is_a_rotation = canon_is_a_rotation || canon[0] == sg_nn_sigmoid(logit[r]);
	}
	CHECK(canon_is_a_rotation);
	for (int r = 0; r < 4; r++)
	{
		float		p;
		int			passes = 0;

		/* adaptive: below the threshold the canonical pass, at or above it the four-rotation mean */
		CHECK(sg_nn_score_adaptive(m, x[r], 2, 8, canon[0] + 1e-3f, &p, &passes, &st));
		CHECK(p == canon[0] && passes == 1);
		CHECK(sg_nn_score_adaptive(m, x[r], 2, 8, canon[0], &p, &passes, &st));
		CHECK(fabs(p - want) < 1e-6 && passes == 4);
		CHECK(sg_nn_score_adaptive(m, x[r], 2, 8, 0, &p, NULL, &st));
		CHECK(fabs(p - mean[0]) < 1e-6);
	}
	sg_nn_model_free(m);
}

/* Randomise the batch-norm tensors of a model. */
static void
randomise_bn(sg_nn_model *m)
{
	int			np;
	sg_nn_param *p = sg_nn_model_params(m, &np);

	for (int i = 0; i < np; i++)
	{
		const char *dot = strrchr(p[i].name, '.');

		if (strcmp(dot, ".gamma") == 0 || strcmp(dot, ".var") == 0)
			fill(p[i].data, p[i].size, 0.5, 2.0);
		else if (strcmp(dot, ".beta") == 0 || strcmp(dot, ".mean") == 0 ||
				 strcmp(dot, ".bias") == 0)
			fill(p[i].data, p[i].size, -0.5, 0.5);
	}
}

/* Folded and unfolded inference agree; folded models refuse training. */
static void
test_fold(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *m,
			   *f;
	float		x[5 * 2 * 8 * 8],
				a[5],
				b[5],
				one;
	double		maxdiff = 0.0;
	int			np;
	sg_nn_param *p;

	s.stem_pool = SG_NN_POOL_MAX;
	s.stages[1].units = 3;
	sg_status_clear(&st);
	m = sg_nn_model_new(&s, 5, &st);
	randomise_bn(m);
	fill(x, sizeof(x) / sizeof(x[0]), -1, 1);
	f = sg_nn_model_fold(m, &st);
	CHECK(f != NULL && sg_nn_model_is_folded(f) && !sg_nn_model_is_folded(m));
	CHECK(sg_nn_forward(m, x, 5, false, a, &st));
	CHECK(sg_nn_forward(f, x, 5, false, b, &st));
	for (int i = 0; i < 5; i++)
		maxdiff = fmax(maxdiff, fabs(a[i] - b[i]) / fmax(1.0, fabs(a[i])));
	CHECK(maxdiff < 1e-5);
	if (maxdiff >= 1e-5)
		fprintf(stderr, "fold: max relative difference %g\n", maxdiff);
	/* a folded model has no batch norm left, and fewer tensors */
	p = sg_nn_model_params(f, &np);
	for (int i = 0; i < np; i++)
		CHECK(strstr(p[i].name, ".gamma") == NULL && p[i].grad == NULL);
	/* a sample alone gives the same output as inside a batch */
	CHECK(sg_nn_forward(f, x + 3 * 128, 1, false, &one, &st));
	CHECK_CLOSE(one, b[3], 1e-6);
	CHECK(!sg_nn_forward(f, x, 5, true, a, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "folded");
	sg_status_clear(&st);
	CHECK(sg_nn_model_fold(f, &st) == NULL);
	sg_status_clear(&st);
	CHECK(!sg_nn_backward(f, a, &st));
	sg_status_clear(&st);
	CHECK(!sg_nn_backward(m, a, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "without a training forward");
	sg_status_clear(&st);
	CHECK(!sg_nn_forward(m, x, 0, false, a, &st));
	sg_nn_model_free(f);
	sg_nn_model_free(m);
}

/* ---- training ---- */

/* An 8×8 image: bright centre (label 1) or bright ring (label 0), noisy. */
static void
toy_image(sg_rng *r, float *img, float *label)
{
	bool		centre = sg_rng_uniform(r) < 0.5;
	double		cx = 3.5 + sg_rng_range(r, -0.7, 0.7),
				cy = 3.5 + sg_rng_range(r, -0.7, 0.7),
				amp = sg_rng_range(r, 0.5, 2.0);

	for (int y = 0; y < 8; y++)
		for (int x = 0; x < 8; x++)
		{
			double		d = hypot(x - cx, y - cy);
			double		v = centre ? exp(-d * d / 2.0) : exp(-(d - 2.8) * (d - 2.8) / 0.5);

			img[y * 8 + x] = (float) (amp * v + 0.2 * sg_rng_normal(r));
		}
	*label = centre ? 1.0f : 0.0f;
}

/* The tiny CNN of the smoke test. */
static sg_nn_spec
toy_spec(void)
{
	sg_nn_spec	s;

	memset(&s, 0, sizeof(s));
	s.in_channels = 1;
	s.in_size = 8;
	s.stem_channels = 4;
	s.stem_kernel = 3;
	s.act = SG_NN_ACT_ELU;
	s.nstages = 1;
	s.stages[0] = (sg_nn_stage) {8, 1, true};
	s.n_outputs = 1;
	return s;
}

/* Train steps steps of batch 16 from seed; mean loss of the first and last 20. */
static sg_nn_model *
train_toy(uint64_t seed, int steps, double *first, double *last)
{
	sg_nn_spec	s = toy_spec();
	sg_status	st;
	sg_nn_model *m;
	sg_nn_adam *adam;
	sg_nn_adam_options o = sg_nn_adam_defaults();
	sg_rng		data;
	float		x[16 * 64],
				y[16],
				z[16],
				dz[16];
	int			np;
	sg_nn_param *params;

	sg_status_clear(&st);
	m = sg_nn_model_new(&s, seed, &st);
	o.lr = 1e-2f;
	o.weight_decay = 1e-4f;
	params = sg_nn_model_params(m, &np);
	adam = sg_nn_adam_new(params, np, &o, &st);
	sg_rng_seed(&data, seed, 99);
	*first = *last = 0.0;
	for (int step = 0; step < steps; step++)
	{
		double		loss;

		for (int i = 0; i < 16; i++)
			toy_image(&data, x + i * 64, y + i);
		if (!sg_nn_forward(m, x, 16, true, z, &st))
			break;
		loss = sg_nn_loss_bce(z, y, 16, dz);
		if (!sg_nn_backward(m, dz, &st))
			break;
		sg_nn_adam_step(adam);
		if (step < 20)
			*first += loss / 20;
		if (step >= steps - 20)
			*last += loss / 20;
	}
	CHECK(st.code == SG_OK);
	CHECK(sg_nn_adam_steps(adam) == steps);
	sg_nn_adam_free(adam);
	return m;
}

/* Smoke test: the loss falls and the held-out accuracy is high. */
static void
test_training(void)
{
	double		first,
				last;
	sg_nn_model *m = train_toy(1, 300, &first, &last);
	sg_nn_model *f;
	sg_status	st;
	sg_rng		r;
	float		x[200 * 64],
				y[200],
				z[200];
	int			right = 0;

	printf("training smoke test: loss %.4f -> %.4f\n", first, last);
	CHECK(last < 0.5 * first);
	CHECK(last < 0.2);
	sg_status_clear(&st);
	f = sg_nn_model_fold(m, &st);
	sg_rng_seed(&r, 12345, 0);
	for (int i = 0; i < 200; i++)
		toy_image(&r, x + i * 64, y + i);
	CHECK(sg_nn_forward(f, x, 200, false, z, &st));
	for (int i = 0; i < 200; i++)
		right += (sg_nn_sigmoid(z[i]) > 0.5f) == (y[i] > 0.5f);
	printf("training smoke test: held-out accuracy %d/200\n", right);
	CHECK(right >= 190);
	sg_nn_model_free(f);
	sg_nn_model_free(m);
}

/* Same seed: same initial weights and the same trajectory, bit for bit. */
static void
test_determinism(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *a,
			   *b,
			   *c;
	sg_nn_param *pa,
			   *pb,
			   *pc;
	int			na,
				nb,
				nc;
	bool		same = true,
				differ = false;
	double		f1,
				l1,
				f2,
				l2;

	sg_status_clear(&st);
	a = sg_nn_model_new(&s, 77, &st);
	b = sg_nn_model_new(&s, 77, &st);
	c = sg_nn_model_new(&s, 78, &st);
	pa = sg_nn_model_params(a, &na);
	pb = sg_nn_model_params(b, &nb);
	pc = sg_nn_model_params(c, &nc);
	CHECK(na == nb && na == nc);
	for (int i = 0; i < na; i++)
	{
		same &= memcmp(pa[i].data, pb[i].data, sizeof(float) * pa[i].size) == 0;
		if (strstr(pa[i].name, ".weight"))
			differ |= memcmp(pa[i].data, pc[i].data, sizeof(float) * pa[i].size) != 0;
	}
	CHECK(same);
	CHECK(differ);
	sg_nn_model_free(a);
	sg_nn_model_free(b);
	sg_nn_model_free(c);

	a = train_toy(3, 40, &f1, &l1);
	b = train_toy(3, 40, &f2, &l2);
	pa = sg_nn_model_params(a, &na);
	pb = sg_nn_model_params(b, &nb);
	same = f1 == f2 && l1 == l2;
	for (int i = 0; i < na; i++)
		same &= memcmp(pa[i].data, pb[i].data, sizeof(float) * pa[i].size) == 0;
	CHECK(same);
	sg_nn_model_free(a);
	sg_nn_model_free(b);
}

/* ---- Adam ---- */

static void
test_adam(void)
{
	float		w[5] = {0},
				g[5],
				target[5] = {1.0f, -2.0f, 0.5f, 3.0f, -0.25f},
				scale[5] = {1.0f, 10.0f, 0.1f, 2.0f, 100.0f};
	sg_nn_param p;
	sg_nn_adam_options o = sg_nn_adam_defaults();
	sg_nn_adam *a;
	sg_status	st;
	double		maxerr = 0.0;
	int			dims[1] = {5};

	nn_param_init(&p, "w", 1, dims, false);
	p.data = w;
	p.grad = g;
	o.lr = 0.05f;
	sg_status_clear(&st);
	a = sg_nn_adam_new(&p, 1, &o, &st);
	/* f = Σ s_i (w_i − t_i)²: the first step moves each coordinate by lr */
	for (int step = 0; step < 3000; step++)
	{
		for (int i = 0; i < 5; i++)
			g[i] = 2.0f * scale[i] * (w[i] - target[i]);
		sg_nn_adam_step(a);
		if (step == 0)
			for (int i = 0; i < 5; i++)
				CHECK_CLOSE(fabs(w[i]), 0.05, 1e-6);
	}
	for (int i = 0; i < 5; i++)
		maxerr = fmax(maxerr, fabs(w[i] - target[i]));
	CHECK(maxerr < 1e-3);
	sg_nn_adam_free(a);

	/* decoupled weight decay with a zero gradient: w ← w (1 − lr·λ) */
	p.decay = true;
	w[0] = 1.0f;
	memset(g, 0, sizeof(g));
	o.lr = 0.1f;
	o.weight_decay = 0.5f;
	a = sg_nn_adam_new(&p, 1, &o, &st);
	sg_nn_adam_step(a);
	CHECK_CLOSE(w[0], 0.95, 1e-7);
	sg_nn_adam_free(a);
	o.lr = -1.0f;
	CHECK(sg_nn_adam_new(&p, 1, &o, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "Adam");
}

/* ---- specs, cancellation, allocations ---- */

static void
test_spec_check(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;

	sg_status_clear(&st);
	CHECK(sg_nn_spec_check(&s, &st));
	s.stem_kernel = 4;
	CHECK(!sg_nn_spec_check(&s, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "even");
	s = small_spec();
	s.stages[1].channels = 513;
	sg_status_clear(&st);
	CHECK(sg_nn_model_new(&s, 1, &st) == NULL);
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "stage 1 channels");
	s = small_spec();
	s.in_channels = SG_NN_MAX_INPUT_PLANES + 1;
	sg_status_clear(&st);
	CHECK(!sg_nn_spec_check(&s, &st));
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "input channels");
	s = small_spec();
	s.in_size = 0;
	sg_status_clear(&st);
	CHECK(!sg_nn_spec_check(&s, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "input size");
	/* many wide stages: over the weight budget */
	s = small_spec();
	s.nstages = 8;
	for (int i = 0; i < 8; i++)
		s.stages[i] = (sg_nn_stage) {512, 16, false};
	sg_status_clear(&st);
	CHECK(!sg_nn_spec_check(&s, &st));
	CHECK_FAILS_WITH(st, SG_ERR_LIMIT, "weights");
}

static int	stop_after;

static bool
stop_cb(void *ctx)
{
	int		   *calls = ctx;

	return ++*calls > stop_after;
}

static void
test_cancel(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *m;
	float		x[2 * 128],
				z[2];
	int			calls = 0;

	sg_status_clear(&st);
	m = sg_nn_model_new(&s, 1, &st);
	fill(x, 256, -1, 1);
	stop_after = 5;
	sg_nn_model_set_should_stop(m, stop_cb, &calls);
	CHECK(!sg_nn_forward(m, x, 2, true, z, &st));
	CHECK_FAILS_WITH(st, SG_ERR_CANCELLED, "cancelled");
	CHECK(calls == 6);
	/* an interrupted training pass leaves nothing to back-propagate */
	sg_status_clear(&st);
	CHECK(!sg_nn_backward(m, z, &st));
	sg_nn_model_set_should_stop(m, NULL, NULL);
	sg_status_clear(&st);
	CHECK(sg_nn_forward(m, x, 2, true, z, &st));
	CHECK(sg_nn_backward(m, z, &st));
	sg_nn_model_free(m);
}

static long live_blocks;

static void *
count_alloc(size_t size, void *ctx)
{
	(void) ctx;
	live_blocks++;
	return malloc(size ? size : 1);
}

static void *
count_realloc(void *p, size_t size, void *ctx)
{
	(void) ctx;
	return realloc(p, size ? size : 1);
}

static void
count_free(void *p, void *ctx)
{
	(void) ctx;
	live_blocks--;
	free(p);
}

/* Every block the engine takes through the hook is given back. */
static void
test_allocations(void)
{
	sg_allocator al = {count_alloc, count_realloc, count_free, NULL};
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *m,
			   *f;
	sg_nn_adam *a;
	float		x[4 * 128],
				z[4];
	int			np;
	sg_nn_param *p;

	sg_set_allocator(&al);
	sg_status_clear(&st);
	m = sg_nn_model_new(&s, 1, &st);
	fill(x, 512, -1, 1);
	CHECK(sg_nn_forward(m, x, 4, true, z, &st));
	CHECK(sg_nn_backward(m, z, &st));
	p = sg_nn_model_params(m, &np);
	a = sg_nn_adam_new(p, np, &(sg_nn_adam_options) {1e-3f, 0.9f, 0.999f, 1e-8f, 0}, &st);
	sg_nn_adam_step(a);
	CHECK(sg_nn_forward(m, x, 4, false, z, &st));
	CHECK(sg_nn_model_work_bytes(m) > 0);
	f = sg_nn_model_fold(m, &st);
	CHECK(sg_nn_forward(f, x, 4, false, z, &st));
	CHECK(live_blocks > 0);
	sg_nn_adam_free(a);
	sg_nn_model_free(f);
	sg_nn_model_free(m);
	CHECK(live_blocks == 0);
	sg_set_allocator(NULL);
}

/* A stem kernel wider than the input (found by fuzzing): forward must stay in bounds. */
static void
test_kernel_wider_than_input(void)
{
	for (int size = 1; size <= 3; size++)
	{
		sg_nn_spec	spec;
		sg_status	st;
		sg_nn_model *m;
		float		x[9] = {1, -2, 3, 0.5f, 0, -1, 2, 1, 0};
		float		out = NAN;

		memset(&spec, 0, sizeof(spec));
		spec.in_channels = 1;
		spec.in_size = size;
		spec.stem_channels = 2;
		spec.stem_kernel = 7;
		spec.act = SG_NN_ACT_ELU;
		spec.n_outputs = 1;
		sg_status_clear(&st);
		m = sg_nn_model_new(&spec, 5, &st);
		CHECK(m != NULL);
		if (m == NULL)
			continue;
		CHECK(sg_nn_forward(m, x, 1, false, &out, &st));
		CHECK(isfinite(out));
		sg_nn_model_free(m);
	}
}

/* im2col against its definition, for odd and even kernels, strides 1 and 2, kernels wider than the image. */
static void
test_im2col(void)
{
	static const int shapes[][5] = {	/* cin, h, w, k, stride */
		{2, 7, 5, 3, 1}, {1, 6, 6, 5, 1}, {3, 4, 9, 7, 1}, {2, 3, 2, 5, 1}, {2, 8, 8, 3, 2},
		{1, 5, 7, 1, 1}, {2, 6, 5, 2, 1}, {1, 9, 9, 5, 2}
	};
	int			bad = 0;

	for (size_t t = 0; t < sizeof(shapes) / sizeof(shapes[0]); t++)
	{
		const int  *sh = shapes[t];
		nn_conv_geom g = nn_conv_same(sh[0], sh[1], sh[2], 4, sh[3], sh[4]);
		size_t		n = (size_t) g.cin * g.k * g.k * g.hout * g.wout;
		float	   *x = malloc(sizeof(float) * g.cin * g.h * g.w),
				   *col = malloc(sizeof(float) * (n ? n : 1));

		for (int i = 0; i < g.cin * g.h * g.w; i++)
			x[i] = (float) (i + 1);
		if (n == 0)
		{
			free(x);
			free(col);
			continue;
		}
		nn_im2col(&g, x, col);
		for (int ci = 0; ci < g.cin; ci++)
			for (int ky = 0; ky < g.k; ky++)
				for (int kx = 0; kx < g.k; kx++)
					for (int oy = 0; oy < g.hout; oy++)
						for (int ox = 0; ox < g.wout; ox++)
						{
							int			iy = oy * g.stride - g.pad + ky,
										ix = ox * g.stride - g.pad + kx;
							float		want = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w ?
								x[(ci * g.h + iy) * g.w + ix] : 0.0f;
							size_t		at = (((size_t) (ci * g.k + ky) * g.k + kx) * g.hout + oy) * g.wout + ox;

							bad += col[at] != want;
						}
		free(x);
		free(col);
	}
	CHECK(bad == 0);
}

/* Worst relative error of nn_act_forward's ELU against expm1 over [−100, 0] and near 0. */
static double
elu_worst_error(void)
{
	enum
	{
		N = 2000001, SMALL = 120
	};
	float	   *x = malloc((N + SMALL) * sizeof(float)),
			   *y = malloc((N + SMALL) * sizeof(float));
	double		worst = 0;
	int			n = 0;

	for (int i = 0; i < N; i++)
		x[n++] = -100.0f * (float) i / (N - 1);
	for (float v = -1e-3f; v < 0 && n < N + SMALL; v *= 0.5f)
		x[n++] = v;
	nn_act_forward(SG_NN_ACT_ELU, n, x, y);
	for (int i = 0; i < n; i++)
	{
		double		want = expm1((double) x[i]);

		worst = fmax(worst, fabs((double) y[i] - want) / fmax(fabs(want), 1e-30));
	}
	free(x);
	free(y);
	return worst;
}

/* The ELU's own e^x − 1 agrees with expm1, on the portable and the AVX2 path. */
static void
test_elu_accuracy(void)
{
	float		edge[5] = {2.5f, 0.0f, -200.0f, -0.5f, 1e30f},
				out[5];
	double		portable,
				vector;

	sg_simd_force(0);
	portable = elu_worst_error();
	sg_simd_force(-1);
	vector = elu_worst_error();
	if (sg_simd_level() > 1)
	{
		/* the 16-lane ELU gives the 8-lane one's bits (odd length: the tails too) */
		enum
		{
		N = 1001};
		static float x[N],
					y8[N],
					y16[N];

		for (int i = 0; i < N; i++)
			x[i] = -100.0f + 101.0f * i / N;
		nn_elu_avx2(N, x, 0.25f, y8);
		nn_elu_avx512(N, x, 0.25f, y16);
		CHECK(memcmp(y8, y16, sizeof(y8)) == 0);
	}
	printf("ELU e^x - 1: worst relative error %.2e (portable), %.2e (SIMD level %d) over [-100, 0]\n",
		   portable, vector, sg_simd_level());
	CHECK(portable < 4e-7 && vector < 4e-7);
	CHECK(nn_elu(2.5f) == 2.5f && nn_elu(0.0f) == 0.0f && nn_elu(-200.0f) == -1.0f);
	nn_act_forward(SG_NN_ACT_ELU, 5, edge, out);
	CHECK(out[0] == 2.5f && out[1] == 0.0f && out[2] == -1.0f && out[4] == 1e30f);
	CHECK(fabs(out[3] - expm1(-0.5)) < 4e-7 * fabs(expm1(-0.5)));
}

/*
 * The vector input transform 10·asinh(x·s) against double-precision libm
 * asinh over 1e-30 .. 1e30 of both signs: a few float ulp; NaN gives 0.
 */
static void
test_input_asinh(void)
{
	enum
	{
	N = 6011};
	static float x[N],
				y[N];
	double		worst = 0;

	if (sg_simd_level() < 1)
	{
		printf("input asinh: no AVX2 on this processor, the portable libm path is in use\n");
		return;
	}
	for (int i = 0; i < N - 3; i++)
		x[i] = (float) ((i % 2 ? -1 : 1) * pow(10.0, -30.0 + 60.0 * i / (N - 4)));
	x[N - 3] = 0.0f;
	x[N - 2] = NAN;
	x[N - 1] = 3e38f;
	/* odd length: the row's tail goes through the vector code too */
	nn_asinh_scaled_avx2(N, x, 0.25f, 10.0f, y);
	for (int i = 0; i < N - 2; i++)
	{
		double		want = 10.0 * asinh((double) x[i] * 0.25f);
		double		e = fabs(y[i] - want) / fmax(fabs(want), 1e-37);

		worst = fmax(worst, e);
	}
	printf("input asinh: worst relative error %.1e over |x| in [1e-30, 1e30]\n", worst);
	CHECK(worst < 1e-6);
	CHECK(y[N - 3] == 0.0f && y[N - 2] == 0.0f);
	CHECK(fabs(y[N - 1] - 10.0 * asinh(3e38 * 0.25)) < 1e-5 * 10.0 * asinh(3e38 * 0.25));
}

/*
 * A modeller's predictions before and after sg_nn_calibrate_lens: each mean
 * times its scale, each σ times its scale; a finder has no modeller head.
 */
static void
test_calibrate_lens(void)
{
	sg_nn_spec	s = small_spec();
	sg_status	st;
	sg_nn_model *m;
	float		x[2 * 8 * 8];
	double		mean0[SG_LENS_NPARAMS],
				sigma0[SG_LENS_NPARAMS],
				mean1[SG_LENS_NPARAMS],
				sigma1[SG_LENS_NPARAMS],
				ms[SG_LENS_NPARAMS] = {1.0315, 1, 1, 1, 1, 1, 0.5},
				ss[SG_LENS_NPARAMS] = {0.92, 0.93, 1, 0.77, 0.75, 1, 1.5},
				bad[SG_LENS_NPARAMS] = {1, 1, 0, 1, 1, 1, 1};
	bool		ok = true;

	sg_status_clear(&st);
	s.n_outputs = 2 * SG_LENS_NPARAMS;
	m = sg_nn_model_new(&s, 5, &st);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	fill(x, 2 * 8 * 8, -1, 1);
	CHECK(sg_nn_predict_lens(m, x, mean0, sigma0, &st));
	CHECK(sg_nn_calibrate_lens(m, ms, ss, &st));
	CHECK(sg_nn_predict_lens(m, x, mean1, sigma1, &st));
	for (int k = 0; k < SG_LENS_NPARAMS; k++)
		ok = ok && fabs(mean1[k] - ms[k] * mean0[k]) <= 1e-5 * (fabs(mean0[k]) + 1e-3) &&
			fabs(sigma1[k] - ss[k] * sigma0[k]) <= 1e-5 * sigma0[k];
	CHECK(ok);
	/* a zero scale, and a finder, are refused */
	CHECK(!sg_nn_calibrate_lens(m, bad, ss, &st) && st.code == SG_ERR_VALUE);
	sg_nn_model_free(m);
	s.n_outputs = 1;
	m = sg_nn_model_new(&s, 5, &st);
	CHECK(m != NULL && !sg_nn_calibrate_lens(m, ms, ss, &st) && st.code == SG_ERR_VALUE);
	sg_nn_model_free(m);
}

int
main(void)
{
	sg_rng_seed(&rng, 2024, 0);
	test_elu_accuracy();
	test_input_asinh();
	test_im2col();
	test_orientation_free_scores();
	test_kernel_wider_than_input();
	test_conv_known();
	test_conv_direct();
	test_conv_grad();
	test_layer_grads();
	test_bn_stats();
	test_losses();
	test_model_grads();
	test_calibrate_lens();
	test_fold();
	test_adam();
	test_spec_check();
	test_cancel();
	test_allocations();
	test_determinism();
	test_training();
	return UNIT_REPORT("test_nn");
}
