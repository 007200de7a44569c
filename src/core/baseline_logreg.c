/*
 * baseline_logreg.c — training and scoring of the baseline (baseline.h).
 *
 * Features are standardised (mean 0, standard deviation 1 over the training
 * set; constant features get scale 1), then L2-regularised logistic
 * regression is fitted by L-BFGS (10 pairs, backtracking Armijo line
 * search) on the mean cross-entropy plus l2/2 |w|² (the bias is not
 * penalised).  Every sum runs in a fixed order in double precision, so a
 * model depends only on its data.
 */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "baseline_internal.h"

#define LBFGS_M 10
#define MAX_ITER 400
#define GRAD_TOL 1e-6
#define ARMIJO 1e-4

/* log(1 + e^z) without overflow. */
static double
softplus(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* Logistic function in double precision. */
static double
sigmoid(double z)
{
	return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* Objective at w (d weights, then the bias); its gradient into g. */
static double
objective(const float *x, const float *y, int n, int d, double l2,
		  const double *w, double *g, double *r)
{
	double		f = 0;

	for (int i = 0; i < n; i++)
	{
		const float *xi = x + (size_t) i * d;
		double		z = w[d];

		for (int j = 0; j < d; j++)
			z += xi[j] * w[j];
		f += softplus(z) - y[i] * z;
		r[i] = (sigmoid(z) - y[i]) / n;
	}
	f /= n;
	memset(g, 0, sizeof(double) * (d + 1));
	for (int i = 0; i < n; i++)
	{
		const float *xi = x + (size_t) i * d;

		for (int j = 0; j < d; j++)
			g[j] += r[i] * xi[j];
		g[d] += r[i];
	}
	for (int j = 0; j < d; j++)
	{
		f += 0.5 * l2 * w[j] * w[j];
		g[j] += l2 * w[j];
	}
	return f;
}

static double
dot(const double *a, const double *b, int n)
{
	double		s = 0;

	for (int i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* The L-BFGS direction −H g from the stored pairs (two-loop recursion). */
static void
direction(const double *g, int m, int newest, double *const *sv,
		  double *const *yv, const double *rho, double *q, double *alpha, int D)
{
	for (int k = 0; k < D; k++)
		q[k] = -g[k];
	for (int t = 0; t < m; t++)
	{
		int			i = (newest - t + LBFGS_M) % LBFGS_M;

		alpha[i] = rho[i] * dot(sv[i], q, D);
		for (int k = 0; k < D; k++)
			q[k] -= alpha[i] * yv[i][k];
	}
	if (m > 0)
	{
		double		gamma = dot(sv[newest], yv[newest], D) / dot(yv[newest], yv[newest], D);

		for (int k = 0; k < D; k++)
			q[k] *= gamma;
	}
	for (int t = m - 1; t >= 0; t--)
	{
		int			i = (newest - t + LBFGS_M) % LBFGS_M;
		double		beta = rho[i] * dot(yv[i], q, D);

		for (int k = 0; k < D; k++)
			q[k] += (alpha[i] - beta) * sv[i][k];
	}
}

/* Fit L2-regularised logistic regression by L-BFGS from w = 0. */
bool
baseline_logreg_fit(const float *x, const float *y, int n, int d, double l2,
					double *w, sg_status *st)
{
	int			D = d + 1,
				m = 0,
				newest = LBFGS_M - 1;
	double	   *buf = sg_calloc(sizeof(double) * ((size_t) D * (4 + 2 * LBFGS_M) + n));
	double	   *g,
			   *gn,
			   *wn,
			   *p,
			   *r,
			   *sv[LBFGS_M],
			   *yv[LBFGS_M],
				rho[LBFGS_M],
				alpha[LBFGS_M],
				f;

	if (buf == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory training the baseline");
		return false;
	}
	g = buf;
	gn = g + D;
	wn = gn + D;
	p = wn + D;
	for (int i = 0; i < LBFGS_M; i++)
	{
		sv[i] = p + D + (size_t) 2 * i * D;
		yv[i] = sv[i] + D;
	}
	r = p + D + (size_t) 2 * LBFGS_M * D;
	memset(w, 0, sizeof(double) * D);
	f = objective(x, y, n, d, l2, w, g, r);
	for (int it = 0; it < MAX_ITER; it++)
	{
		double		gmax = 0,
					slope,
					step,
					fn = f;
		bool		accepted = false;

		for (int k = 0; k < D; k++)
			gmax = fmax(gmax, fabs(g[k]));
		if (gmax < GRAD_TOL)
			break;
		direction(g, m, newest, sv, yv, rho, p, alpha, D);
		slope = dot(g, p, D);
		if (!(slope < 0))
		{
			/* not a descent direction: restart from steepest descent */
			m = 0;
			for (int k = 0; k < D; k++)
				p[k] = -g[k];
			slope = dot(g, p, D);
		}
		step = m == 0 ? 1.0 / sqrt(dot(g, g, D)) : 1.0;
		for (int ls = 0; ls < 40; ls++)
		{
			for (int k = 0; k < D; k++)
				wn[k] = w[k] + step * p[k];
			fn = objective(x, y, n, d, l2, wn, gn, r);
			if (fn <= f + ARMIJO * step * slope)
			{
				accepted = true;
				break;
			}
			step *= 0.5;
		}
		if (!accepted)
			break;
		newest = (newest + 1) % LBFGS_M;
		for (int k = 0; k < D; k++)
		{
			sv[newest][k] = wn[k] - w[k];
			yv[newest][k] = gn[k] - g[k];
		}
		rho[newest] = 1.0 / dot(yv[newest], sv[newest], D);
		if (!(rho[newest] > 0 && isfinite(rho[newest])))
			m = 0;				/* curvature lost: forget the history */
		else if (m < LBFGS_M)
			m++;
		memcpy(w, wn, sizeof(double) * D);
		memcpy(g, gn, sizeof(double) * D);
		if (f - fn < 1e-12 * fmax(1.0, fabs(f)))
		{
			f = fn;
			break;
		}
		f = fn;
	}
	sg_free(buf);
	return true;
}

/* Check info as a baseline input description (a classifier's). */
bool
baseline_info_check(const sg_nn_info *info, sg_status *st)
{
	sg_nn_spec	spec;

	memset(&spec, 0, sizeof(spec));
	spec.in_channels = info->nbands;
	spec.n_outputs = 1;
	if (info->task != SG_NN_TASK_CLASSIFICATION)
	{
		sg_fail(st, SG_ERR_VALUE, "a baseline model is a classifier (task code %d), not task code %d",
				(int) SG_NN_TASK_CLASSIFICATION, (int) info->task);
		return false;
	}
	if (info->nbands < 1 || info->nbands > SG_NN_MAX_BANDS)
	{
		sg_fail(st, SG_ERR_VALUE, "baseline number of bands %d is out of range [1, %d]",
				info->nbands, SG_NN_MAX_BANDS);
		return false;
	}
	return sg_nn_info_check(info, &spec, st);
}

/* A model with room for its vectors (contents unset). */
sg_baseline *
baseline_alloc(const sg_nn_info *info, int in_size, const sg_baseline_spec *spec,
			   sg_status *st)
{
	sg_baseline *m;
	size_t		nf;

	if (!baseline_info_check(info, st) ||
		!sg_baseline_spec_check(spec, info->nbands, in_size, st))
		return NULL;
	nf = sg_baseline_feature_count(spec, info->nbands, in_size);
	m = sg_calloc(sizeof(sg_baseline));
	if (m != NULL)
	{
		m->mean = sg_malloc(nf * sizeof(float));
		m->scale = sg_malloc(nf * sizeof(float));
		m->w = sg_malloc(nf * sizeof(float));
	}
	if (m == NULL || m->mean == NULL || m->scale == NULL || m->w == NULL)
	{
		sg_baseline_free(m);
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a baseline model");
		return NULL;
	}
	m->info = *info;
	m->in_size = in_size;
	m->spec = *spec;
	m->nfeat = (int) nf;
	return m;
}

/* Standardise the rows in place; means and scales into m. */
static void
standardise(sg_baseline *m, float *feat, int n)
{
	int			d = m->nfeat;

	for (int j = 0; j < d; j++)
	{
		double		s = 0,
					ss = 0,
					mu,
					sd;

		for (int i = 0; i < n; i++)
			s += feat[(size_t) i * d + j];
		mu = s / n;
		for (int i = 0; i < n; i++)
		{
			double		v = feat[(size_t) i * d + j] - mu;

			ss += v * v;
		}
		sd = sqrt(ss / n);
		m->mean[j] = (float) mu;
		m->scale[j] = sd > 1e-6 && isfinite(sd) ? (float) sd : 1.0f;
		for (int i = 0; i < n; i++)
		{
			float	   *v = &feat[(size_t) i * d + j];

			*v = (*v - m->mean[j]) / m->scale[j];
		}
	}
}

/* Train on precomputed feature rows (standardised in place). */
sg_baseline *
sg_baseline_train_features(const sg_nn_info *info, int in_size,
						   const sg_baseline_spec *spec, float *feat,
						   const float *y, int n, double l2, sg_status *st)
{
	sg_baseline *m;
	sg_baseline_spec def = sg_baseline_default_spec(in_size);
	double	   *w;

	if (spec == NULL)
		spec = &def;
	if (n < 2 || !(l2 >= 0 && isfinite(l2)))
	{
		sg_fail(st, SG_ERR_VALUE, "baseline training needs at least 2 examples and a finite l2 >= 0 (got %d, %g)",
				n, l2);
		return NULL;
	}
	m = baseline_alloc(info, in_size, spec, st);
	if (m == NULL)
		return NULL;
	w = sg_malloc(sizeof(double) * (m->nfeat + 1));
	if (w == NULL)
	{
		sg_baseline_free(m);
		sg_fail(st, SG_ERR_NOMEM, "out of memory training the baseline");
		return NULL;
	}
	standardise(m, feat, n);
	if (!baseline_logreg_fit(feat, y, n, m->nfeat, l2, w, st))
	{
		sg_free(w);
		sg_baseline_free(m);
		return NULL;
	}
	for (int j = 0; j < m->nfeat; j++)
		m->w[j] = (float) w[j];
	m->bias = (float) w[m->nfeat];
	m->l2 = l2;
	sg_free(w);
	return m;
}

/* Train on prepared inputs. */
sg_baseline *
sg_baseline_train(const sg_nn_info *info, int in_size, const sg_baseline_spec *spec,
				  const float *x, const float *y, int n, double l2, sg_status *st)
{
	size_t		nf;
	float	   *feat;
	sg_baseline *m = NULL;
	sg_baseline_spec def = sg_baseline_default_spec(in_size);

	if (spec == NULL)
		spec = &def;
	if (!baseline_info_check(info, st) ||
		!sg_baseline_spec_check(spec, info->nbands, in_size, st))
		return NULL;
	nf = sg_baseline_feature_count(spec, info->nbands, in_size);
	feat = sg_malloc(nf * (size_t) (n > 0 ? n : 1) * sizeof(float));
	if (feat == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for %d x %zu baseline features", n, nf);
		return NULL;
	}
	if (sg_baseline_features(spec, info->nbands, in_size, x, n, feat, st))
		m = sg_baseline_train_features(info, in_size, spec, feat, y, n, l2, st);
	sg_free(feat);
	return m;
}

/* Lens probabilities of raw feature rows. */
void
sg_baseline_score_features(const sg_baseline *m, const float *feat, int n,
						   float *prob)
{
	for (int i = 0; i < n; i++)
	{
		const float *f = feat + (size_t) i * m->nfeat;
		double		z = m->bias;

		for (int j = 0; j < m->nfeat; j++)
			z += (double) m->w[j] * ((f[j] - m->mean[j]) / m->scale[j]);
		prob[i] = (float) sigmoid(z);
	}
}

/* Lens probabilities of prepared inputs. */
bool
sg_baseline_score(const sg_baseline *m, const float *x, int n, float *prob,
				  sg_status *st)
{
	float	   *feat = sg_malloc(sizeof(float) * m->nfeat);
	size_t		plane = (size_t) m->info.nbands * m->in_size * m->in_size;
	bool		ok = feat != NULL;

	if (!ok)
		sg_fail(st, SG_ERR_NOMEM, "out of memory scoring with the baseline");
	for (int i = 0; ok && i < n; i++)
	{
		ok = sg_baseline_features(&m->spec, m->info.nbands, m->in_size, x + i * plane,
								  1, feat, st);
		if (ok)
			sg_baseline_score_features(m, feat, 1, &prob[i]);
	}
	sg_free(feat);
	return ok;
}

/* The model's input description. */
const sg_nn_info *
sg_baseline_info(const sg_baseline *m)
{
	return &m->info;
}

/* The model's input side in pixels. */
int
sg_baseline_in_size(const sg_baseline *m)
{
	return m->in_size;
}

/* The model's feature spec. */
const sg_baseline_spec *
sg_baseline_get_spec(const sg_baseline *m)
{
	return &m->spec;
}

/* Release a model (NULL is allowed). */
void
sg_baseline_free(sg_baseline *m)
{
	if (m == NULL)
		return;
	sg_free(m->mean);
	sg_free(m->scale);
	sg_free(m->w);
	sg_free(m);
}
