/*
 * nn_layers.c — the layers other than convolution: activations (ELU, ReLU),
 * batch norm (training, running statistics, folding), the per-channel
 * affine map of a folded batch norm, residual add, 2×2 pooling, global
 * average pooling, dense, and the losses (sigmoid + binary cross-entropy,
 * Gaussian negative log-likelihood).  Sums run in double.
 */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nn_internal.h"
#include "simd_level.h"

/*
 * e^x − 1 for x <= 0 in float, branch-light and without a libm call (ELU's
 * negative side; libm's expm1f took a quarter of a forward pass): a Taylor
 * polynomial for x > −0.5 (no cancellation near 0), else 2^n e^r − 1 with
 * x = n ln 2 + r, |r| <= ln2/2, e^r by a degree-7 polynomial; relative
 * error a few 1e-7 (test_nn checks it against expm1).
 */
static inline float
elu_negative(float x)
{
	if (x > -0.5f)
		return x * (1.0f + x * (1.0f / 2 + x * (1.0f / 6 + x * (1.0f / 24 + x * (1.0f / 120 +
				 x * (1.0f / 720 + x * (1.0f / 5040 + x * (1.0f / 40320))))))));
	if (x < -87.0f)
		return -1.0f;
	{
		float		n = nearbyintf(x * 1.44269504088896341f);
		float		r = (x - n * 0.693145751953125f) - n * 1.42860682030941723e-6f;
		float		p = 1.0f + r * (1.0f + r * (1.0f / 2 + r * (1.0f / 6 + r * (1.0f / 24 +
							r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
		union
		{
			uint32_t	u;
			float		f;
		}			scale;

		scale.u = (uint32_t) ((int32_t) n + 127) << 23;
		return p * scale.f - 1.0f;
	}
}

float
nn_elu(float x)
{
	return x > 0.0f ? x : elu_negative(x);
}

void
nn_act_forward(sg_nn_act act, size_t n, const float *x, float *y)
{
	switch (act)
	{
		case SG_NN_ACT_ELU:
			if (sg_simd_level() > 1)
				nn_elu_avx512(n, x, 0.0f, y);
			else if (sg_simd_level() > 0)
				nn_elu_avx2(n, x, 0.0f, y);
			else
				for (size_t i = 0; i < n; i++)
					y[i] = x[i] > 0.0f ? x[i] : elu_negative(x[i]);
			break;
		case SG_NN_ACT_RELU:
			for (size_t i = 0; i < n; i++)
				y[i] = x[i] > 0.0f ? x[i] : 0.0f;
			break;
		case SG_NN_ACT_NONE:
			if (y != x)
				memmove(y, x, n * sizeof(float));
			break;
	}
}

void
nn_bias_act_forward(sg_nn_act act, int rows, int cols, int ld, const float *bias, float *y)
{
	int			simd = act == SG_NN_ACT_ELU ? sg_simd_level() : 0;

	for (int r = 0; r < rows; r++)
	{
		float	   *yr = y + (size_t) r * ld;
		float		b = bias ? bias[r] : 0.0f;

		if (simd > 1)
			nn_elu_avx512(cols, yr, b, yr);
		else if (simd)
			nn_elu_avx2(cols, yr, b, yr);
		else if (act == SG_NN_ACT_ELU)
			for (int i = 0; i < cols; i++)
				yr[i] = nn_elu(yr[i] + b);
		else if (act == SG_NN_ACT_RELU)
			for (int i = 0; i < cols; i++)
				yr[i] = yr[i] + b > 0.0f ? yr[i] + b : 0.0f;
		else if (bias)
			for (int i = 0; i < cols; i++)
				yr[i] += b;
	}
}

void
nn_act_backward(sg_nn_act act, size_t n, const float *y, const float *dy,
				float *dx)
{
	switch (act)
	{
		case SG_NN_ACT_ELU:
			/* ELU'(x) = 1 for x > 0, else e^x = y + 1 */
			for (size_t i = 0; i < n; i++)
				dx[i] += y[i] > 0.0f ? dy[i] : dy[i] * (y[i] + 1.0f);
			break;
		case SG_NN_ACT_RELU:
			for (size_t i = 0; i < n; i++)
				dx[i] += y[i] > 0.0f ? dy[i] : 0.0f;
			break;
		case SG_NN_ACT_NONE:
			for (size_t i = 0; i < n; i++)
				dx[i] += dy[i];
			break;
	}
}

void
nn_bn_forward_train(int n, int c, int hw, const float *x, const float *gamma,
					const float *beta, float *y, float *mean, float *invstd,
					float *run_mean, float *run_var)
{
	double		m = (double) n * hw;

	for (int ch = 0; ch < c; ch++)
	{
		double		s = 0.0,
					ss = 0.0,
					mu,
					var;
		float		fm,
					fi;

		for (int i = 0; i < n; i++)
		{
			const float *p = x + ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
				s += p[j];
		}
		mu = s / m;
		for (int i = 0; i < n; i++)
		{
			const float *p = x + ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
				ss += (p[j] - mu) * (p[j] - mu);
		}
		var = ss / m;
		fm = (float) mu;
		fi = (float) (1.0 / sqrt(var + SG_NN_BN_EPS));
		mean[ch] = fm;
		invstd[ch] = fi;
		for (int i = 0; i < n; i++)
		{
			const float *p = x + ((size_t) i * c + ch) * hw;
			float	   *q = y + ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
				q[j] = gamma[ch] * ((p[j] - fm) * fi) + beta[ch];
		}
		run_mean[ch] = (1.0f - SG_NN_BN_MOMENTUM) * run_mean[ch] + SG_NN_BN_MOMENTUM * fm;
		run_var[ch] = (1.0f - SG_NN_BN_MOMENTUM) * run_var[ch] +
			SG_NN_BN_MOMENTUM * (float) (m > 1.0 ? ss / (m - 1.0) : var);
	}
}

void
nn_bn_fold(int c, const float *gamma, const float *beta, const float *run_mean,
		   const float *run_var, float *scale, float *shift)
{
	for (int ch = 0; ch < c; ch++)
	{
		double		s = gamma[ch] / sqrt((double) run_var[ch] + SG_NN_BN_EPS);

		scale[ch] = (float) s;
		shift[ch] = (float) (beta[ch] - run_mean[ch] * s);
	}
}

void
nn_affine_forward(int n, int c, int hw, const float *x, const float *scale,
				  const float *shift, sg_nn_act act, float *y)
{
	for (int i = 0; i < n; i++)
		for (int ch = 0; ch < c; ch++)
		{
			const float *p = x + ((size_t) i * c + ch) * hw;
			float	   *q = y + ((size_t) i * c + ch) * hw;
			float		a = scale[ch],
						b = shift[ch];

			for (int j = 0; j < hw; j++)
				q[j] = a * p[j] + b;
			if (act != SG_NN_ACT_NONE)
				nn_act_forward(act, hw, q, q);
		}
}

void
nn_bn_forward_eval(int n, int c, int hw, const float *x, const float *gamma,
				   const float *beta, const float *run_mean,
				   const float *run_var, float *y)
{
	for (int ch = 0; ch < c; ch++)
	{
		float		scale,
					shift;

		nn_bn_fold(1, gamma + ch, beta + ch, run_mean + ch, run_var + ch,
				   &scale, &shift);
		for (int i = 0; i < n; i++)
		{
			const float *p = x + ((size_t) i * c + ch) * hw;
			float	   *q = y + ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
				q[j] = scale * p[j] + shift;
		}
	}
}

void
nn_bn_backward(int n, int c, int hw, const float *x, const float *gamma,
			   const float *mean, const float *invstd, const float *dy,
			   float *dgamma, float *dbeta, float *dx)
{
	double		m = (double) n * hw;

	for (int ch = 0; ch < c; ch++)
	{
		double		sdy = 0.0,
					sdyx = 0.0;
		float		mu = mean[ch],
					is = invstd[ch],
					k,
					a,
					b;

		for (int i = 0; i < n; i++)
		{
			size_t		o = ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
			{
				sdy += dy[o + j];
				sdyx += (double) dy[o + j] * ((x[o + j] - mu) * is);
			}
		}
		dbeta[ch] = (float) sdy;
		dgamma[ch] = (float) sdyx;
		/* dx = γ/σ (dy − mean(dy) − x̂ mean(dy x̂)) */
		k = gamma[ch] * is;
		a = (float) (sdy / m);
		b = (float) (sdyx / m);
		for (int i = 0; i < n; i++)
		{
			size_t		o = ((size_t) i * c + ch) * hw;

			for (int j = 0; j < hw; j++)
				dx[o + j] += k * (dy[o + j] - a - (x[o + j] - mu) * is * b);
		}
	}
}

void
nn_add_forward(size_t n, const float *a, const float *b, float *y)
{
	for (size_t i = 0; i < n; i++)
		y[i] = a[i] + b[i];
}

/* Window [lo, hi) of output index o along a side of length len. */
static void
pool_window(int o, int len, int *lo, int *hi)
{
	*lo = 2 * o;
	*hi = 2 * o + 2 < len ? 2 * o + 2 : len;
}

/* 2×2 pooling of planes with even sides: every window is full. */
static void
pool_even(sg_nn_pool kind, size_t planes, int h, int w, const float *x, float *y)
{
	int			wo = w / 2;

	for (size_t p = 0; p < planes * (h / 2); p++)
	{
		const float *r0 = x + 2 * p * w,
				   *r1 = r0 + w;
		float	   *out = y + p * wo;

		if (kind == SG_NN_POOL_MAX)
			for (int ox = 0; ox < wo; ox++)
			{
				float		a = r0[2 * ox] > r0[2 * ox + 1] ? r0[2 * ox] : r0[2 * ox + 1],
							b = r1[2 * ox] > r1[2 * ox + 1] ? r1[2 * ox] : r1[2 * ox + 1];

				out[ox] = a > b ? a : b;
			}
		else
			for (int ox = 0; ox < wo; ox++)
				out[ox] = ((r0[2 * ox] + r0[2 * ox + 1]) + (r1[2 * ox] + r1[2 * ox + 1])) / 4.0f;
	}
}

void
nn_pool_forward(sg_nn_pool kind, int n, int c, int h, int w, const float *x,
				float *y)
{
	int			ho = (h + 1) / 2,
				wo = (w + 1) / 2;

	if (h % 2 == 0 && w % 2 == 0)
	{
		pool_even(kind, (size_t) n * c, h, w, x, y);
		return;
	}
	for (size_t p = 0; p < (size_t) n * c; p++)
	{
		const float *xp = x + p * h * w;
		float	   *yp = y + p * ho * wo;

		for (int oy = 0; oy < ho; oy++)
			for (int ox = 0; ox < wo; ox++)
			{
				int			y0,
							y1,
							x0,
							x1;
				float		acc;

				pool_window(oy, h, &y0, &y1);
				pool_window(ox, w, &x0, &x1);
				acc = kind == SG_NN_POOL_MAX ? xp[y0 * w + x0] : 0.0f;
				for (int iy = y0; iy < y1; iy++)
					for (int ix = x0; ix < x1; ix++)
					{
						float		v = xp[iy * w + ix];

						if (kind == SG_NN_POOL_MAX)
							acc = v > acc ? v : acc;
						else
							acc += v;
					}
				if (kind != SG_NN_POOL_MAX)
					acc /= (float) ((y1 - y0) * (x1 - x0));
				yp[oy * wo + ox] = acc;
			}
	}
}

void
nn_pool_backward(sg_nn_pool kind, int n, int c, int h, int w, const float *x,
				 const float *y, const float *dy, float *dx)
{
	int			ho = (h + 1) / 2,
				wo = (w + 1) / 2;

	for (size_t p = 0; p < (size_t) n * c; p++)
	{
		const float *xp = x + p * h * w;
		float	   *dxp = dx + p * h * w;

		for (int oy = 0; oy < ho; oy++)
			for (int ox = 0; ox < wo; ox++)
			{
				size_t		o = p * ho * wo + oy * wo + ox;
				int			y0,
							y1,
							x0,
							x1;
				bool		done = false;

				pool_window(oy, h, &y0, &y1);
				pool_window(ox, w, &x0, &x1);
				for (int iy = y0; iy < y1 && !done; iy++)
					for (int ix = x0; ix < x1 && !done; ix++)
					{
						if (kind != SG_NN_POOL_MAX)
							dxp[iy * w + ix] += dy[o] / (float) ((y1 - y0) * (x1 - x0));
						else if (xp[iy * w + ix] == y[o])
						{
							dxp[iy * w + ix] += dy[o];
							done = true;
						}
					}
			}
	}
}

void
nn_gap_forward(int n, int c, int hw, const float *x, float *y)
{
	for (size_t p = 0; p < (size_t) n * c; p++)
	{
		double		s = 0.0;

		for (int j = 0; j < hw; j++)
			s += x[p * hw + j];
		y[p] = (float) (s / hw);
	}
}

void
nn_gap_backward(int n, int c, int hw, const float *dy, float *dx)
{
	for (size_t p = 0; p < (size_t) n * c; p++)
	{
		float		g = dy[p] / (float) hw;

		for (int j = 0; j < hw; j++)
			dx[p * hw + j] += g;
	}
}

void
nn_dense_forward(int n, int nin, int nout, const float *x, const float *w,
				 const float *b, float *y)
{
	for (int i = 0; i < n; i++)
		for (int o = 0; o < nout; o++)
			y[(size_t) i * nout + o] = b ? b[o] : 0.0f;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, nout, nin,
				1.0f, x, nin, w, nin, 1.0f, y, nout);
}

void
nn_dense_backward(int n, int nin, int nout, const float *x, const float *w,
				  const float *dy, float *dw, float *db, float *dx)
{
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nout, nin, n,
				1.0f, dy, nout, x, nin, 0.0f, dw, nin);
	if (db)
		for (int o = 0; o < nout; o++)
		{
			double		s = 0.0;

			for (int i = 0; i < n; i++)
				s += dy[(size_t) i * nout + o];
			db[o] = (float) s;
		}
	if (dx)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, nin, nout,
					1.0f, dy, nout, w, nin, 1.0f, dx, nin);
}

float
sg_nn_sigmoid(float z)
{
	if (z >= 0.0f)
		return 1.0f / (1.0f + expf(-z));
	else
	{
		float		e = expf(z);

		return e / (1.0f + e);
	}
}

double
sg_nn_loss_bce(const float *z, const float *y, int n, float *dz)
{
	double		loss = 0.0;

	for (int i = 0; i < n; i++)
	{
		double		zi = z[i];

		/* −y log σ(z) − (1−y) log(1−σ(z)), without overflow */
		loss += (zi > 0.0 ? zi : 0.0) - zi * y[i] + log1p(exp(-fabs(zi)));
		if (dz)
			dz[i] = (sg_nn_sigmoid(z[i]) - y[i]) / (float) n;
	}
	return n > 0 ? loss / n : 0.0;
}

double
sg_nn_loss_gauss_nll(const float *out, const float *target, int batch, int k,
					 float *dout)
{
	return sg_nn_loss_gauss_nll_beta(out, target, batch, k, 0.0, dout);
}

double
sg_nn_loss_gauss_nll_beta(const float *out, const float *target, int batch, int k, double beta,
						  float *dout)
{
	double		loss = 0.0;

	for (int i = 0; i < batch; i++)
		for (int j = 0; j < k; j++)
		{
			size_t		im = (size_t) i * 2 * k + j;
			size_t		is = im + k;
			double		r = (double) target[(size_t) i * k + j] - out[im];
			double		e = exp(-(double) out[is]);

			/* the term's weight σ^(2β), held constant (not differentiated) */
			double		w = beta == 0.0 ? 1.0 : exp(beta * out[is]);

			loss += 0.5 * (out[is] + r * r * e);
			if (dout)
			{
				dout[im] = (float) (-w * r * e / batch);
				dout[is] = (float) (w * 0.5 * (1.0 - r * r * e) / batch);
			}
		}
	return batch > 0 ? loss / batch : 0.0;
}
