/*
 * fit_lm.c — a Levenberg–Marquardt least-squares solver with forward-
 * difference Jacobians, projection onto the allowed region, and the
 * covariance at the optimum.  Linear algebra is OpenBLAS (cblas) and its
 * LAPACK (Cholesky: dposv, dpotrf, dpotri).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "fit_internal.h"
#include "sglens/alloc.h"

/* LAPACK's Fortran entry points (in OpenBLAS), with the hidden length of uplo (dposv: fit_internal.h). */
extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
					size_t uplo_len);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
					size_t uplo_len);

/* Largest Marquardt damping tried before the point counts as stationary. */
#define LM_LAMBDA_MAX 1e10
/* A step lowering χ² by less than this (absolute) ends the search. */
#define LM_DCHI2_TOL 1e-3

double
sg_fit_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

typedef struct lm_work
{
	double	   *r,
			   *rt,
			   *J,
			   *A,
			   *M,
			   *g,
			   *delta,
			   *pt;
} lm_work;

static double
sum_sq(const double *r, int n)
{
	return cblas_ddot(n, r, 1, r, 1);
}

/* Evaluate the residuals at p; counts evaluations. */
static bool
evaluate(const lm_problem *pb, const double *p, double *r, lm_outcome *out, sg_status *st)
{
	out->evaluations++;
	return pb->residual(pb->ctx, p, r, st);
}

/* row = (row − r) / h: a parameter's forward differences from its residuals row. */
static FIT_PIXEL_LOOP void
difference_row(double *row, const double *r, double h, int n)
{
	for (int i = 0; i < n; i++)
		row[i] = (row[i] - r[i]) / h;
}

/*
 * Forward-difference Jacobian at p with residuals r, stored transposed
 * (np × nr, row-major: one row of residual derivatives per parameter), so
 * that each parameter's residuals are evaluated straight into their row.
 */
static bool
jacobian(const lm_problem *pb, const double *p, const double *r, lm_work *w, lm_outcome *out,
		 sg_status *st)
{
	for (int j = 0; j < pb->np; j++)
	{
		double	   *row = w->J + (size_t) j * pb->nr;
		double		h;

		memcpy(w->pt, p, pb->np * sizeof(double));
		w->pt[j] += pb->step[j];
		if (pb->project)
			pb->project(pb->ctx, w->pt);
		if (w->pt[j] == p[j])
		{
			/* at an upper bound: step the other way */
			w->pt[j] = p[j] - pb->step[j];
			if (pb->project)
				pb->project(pb->ctx, w->pt);
		}
		h = w->pt[j] - p[j];
		if (h == 0)
		{
			memset(row, 0, pb->nr * sizeof(double));
			continue;
		}
		if (!evaluate(pb, w->pt, row, out, st))
			return false;
		difference_row(row, r, h, pb->nr);
	}
	return true;
}

/* A = JᵀJ and g = Jᵀr. */
static void
normal_equations(const lm_problem *pb, lm_work *w)
{
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, pb->np, pb->np, pb->nr, 1.0,
				w->J, pb->nr, w->J, pb->nr, 0.0, w->A, pb->np);
	cblas_dgemv(CblasRowMajor, CblasNoTrans, pb->np, pb->nr, 1.0, w->J, pb->nr, w->r, 1, 0.0,
				w->g, 1);
}

/* Solve (A + λ diag A) δ = −g; false when the damped matrix is not positive definite. */
static bool
damped_step(const lm_problem *pb, lm_work *w, double lambda)
{
	int			n = pb->np,
				one = 1,
				info = 0;
	double		dmax = 0;

	for (int j = 0; j < n; j++)
		dmax = fmax(dmax, w->A[j * n + j]);
	memcpy(w->M, w->A, (size_t) n * n * sizeof(double));
	for (int j = 0; j < n; j++)
	{
		w->M[j * n + j] += lambda * fmax(w->A[j * n + j], 1e-12 * dmax + 1e-300);
		w->delta[j] = -w->g[j];
	}
	dposv_("U", &n, &one, w->M, &n, w->delta, &n, &info, 1);
	return info == 0;
}

/* The covariance (JᵀJ)⁻¹ from the current normal matrix, or NULL if singular. */
static double *
covariance(const lm_problem *pb, const lm_work *w)
{
	int			n = pb->np,
				info = 0;
	double	   *c = sg_malloc((size_t) n * n * sizeof(double));

	if (c == NULL)
		return NULL;
	memcpy(c, w->A, (size_t) n * n * sizeof(double));
	dpotrf_("U", &n, c, &n, &info, 1);
	if (info == 0)
		dpotri_("U", &n, c, &n, &info, 1);
	if (info != 0)
	{
		sg_free(c);
		return NULL;
	}
	/* column-major upper = row-major lower: mirror to a full matrix */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			c[j * n + i] = c[i * n + j];
	return c;
}

static lm_work
work_new(int np, int nr)
{
	lm_work		w;

	w.r = sg_malloc(nr * sizeof(double));
	w.rt = sg_malloc(nr * sizeof(double));
	w.J = sg_malloc((size_t) nr * np * sizeof(double));
	w.A = sg_malloc((size_t) np * np * sizeof(double));
	w.M = sg_malloc((size_t) np * np * sizeof(double));
	w.g = sg_malloc(np * sizeof(double));
	w.delta = sg_malloc(np * sizeof(double));
	w.pt = sg_malloc(np * sizeof(double));
	return w;
}

static void
work_free(lm_work *w)
{
	sg_free(w->r);
	sg_free(w->rt);
	sg_free(w->J);
	sg_free(w->A);
	sg_free(w->M);
	sg_free(w->g);
	sg_free(w->delta);
	sg_free(w->pt);
}

bool
lm_solve(const lm_problem *pb, double *p, bool want_cov, lm_outcome *out, sg_status *st)
{
	lm_work		w = work_new(pb->np, pb->nr);
	double		lambda = 1e-3,
				tol = pb->dchi2_tol > 0 ? pb->dchi2_tol : LM_DCHI2_TOL;
	int			iteration = 0;
	bool		ok = true,
				fresh_jacobian = false;

	memset(out, 0, sizeof(*out));
	if (!w.r || !w.rt || !w.J || !w.A || !w.M || !w.g || !w.delta || !w.pt)
	{
		work_free(&w);
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		return false;
	}
	if (pb->project)
		pb->project(pb->ctx, p);
	ok = evaluate(pb, p, w.r, out, st);
	out->chi2 = ok ? sum_sq(w.r, pb->nr) : NAN;
	while (ok && !out->converged)
	{
		bool		accepted = false;
		double		decrease = 0;

		if (iteration >= pb->max_iterations ||
			(pb->deadline > 0 && sg_fit_clock() > pb->deadline))
		{
			out->budget = true;
			break;
		}
		iteration++;
		out->iterations++;
		if (!(ok = jacobian(pb, p, w.r, &w, out, st)))
			break;
		normal_equations(pb, &w);
		fresh_jacobian = true;
		while (!accepted && lambda <= LM_LAMBDA_MAX)
		{
			double		chi2t;

			if (!damped_step(pb, &w, lambda))
			{
				lambda *= 10;
				continue;
			}
			for (int j = 0; j < pb->np; j++)
				w.pt[j] = p[j] + w.delta[j];
			if (pb->project)
				pb->project(pb->ctx, w.pt);
			if (!(ok = evaluate(pb, w.pt, w.rt, out, st)))
				break;
			chi2t = sum_sq(w.rt, pb->nr);
			if (chi2t < out->chi2)
			{
				decrease = out->chi2 - chi2t;
				memcpy(p, w.pt, pb->np * sizeof(double));
				memcpy(w.r, w.rt, pb->nr * sizeof(double));
				out->chi2 = chi2t;
				lambda = fmax(lambda / 5, 1e-9);
				accepted = true;
				fresh_jacobian = false;
			}
			else
				lambda *= 4;
		}
		/* no downhill step at any damping, or a negligible one: stationary */
		if (ok && (!accepted || decrease < tol || decrease < 1e-9 * out->chi2))
			out->converged = true;
	}
	if (ok && want_cov)
	{
		if (!fresh_jacobian && !(pb->cov_at_last_jacobian && iteration > 0))
		{
			ok = jacobian(pb, p, w.r, &w, out, st);
			if (ok)
				normal_equations(pb, &w);
		}
		if (ok)
			out->cov = covariance(pb, &w);
	}
	work_free(&w);
	return ok;
}
