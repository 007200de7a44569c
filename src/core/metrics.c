/*
 * metrics.c — figures of merit of a lens finder (metrics.h): AUROC, the
 * true-positive rate before the k-th false positive, and ROC points.
 *
 * Everything works on the examples sorted by score, highest first, in
 * groups of equal score (NaN scores form the lowest group).  A threshold
 * admits whole groups, so a positive tied with a negative can never be
 * counted without that negative: ties are resolved against the finder.
 */
#include <math.h>
#include <stdlib.h>

#include "sglens/alloc.h"
#include "metrics_internal.h"

typedef struct scored
{
	float		score;
	bool		label;
} scored;

/* Order by score, highest first; NaN after every number. */
static int
compare_desc(const void *a, const void *b)
{
	float		x = ((const scored *) a)->score,
				y = ((const scored *) b)->score;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x < y) - (x > y);
}

/* True when two sorted scores belong to the same tie group. */
static bool
same_score(float a, float b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* The examples sorted highest first; class counts into *pos and *neg. */
static scored *
sort_scores(const float *score, const bool *label, size_t n, size_t *pos,
			size_t *neg)
{
	scored	   *v = sg_malloc((n ? n : 1) * sizeof(scored));

	*pos = *neg = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
	{
		v[i].score = score[i];
		v[i].label = label[i];
		if (label[i])
			(*pos)++;
		else
			(*neg)++;
	}
	qsort(v, n, sizeof(scored), compare_desc);
	return v;
}

/* Count the positives and negatives of the tie group starting at i. */
static size_t
tie_group(const scored *v, size_t n, size_t i, size_t *p, size_t *q)
{
	size_t		j = i;

	*p = *q = 0;
	while (j < n && same_score(v[j].score, v[i].score))
	{
		if (v[j].label)
			(*p)++;
		else
			(*q)++;
		j++;
	}
	return j;
}

/* Area under the ROC curve: P(positive scores above negative), ties ½. */
double
sg_auroc(const float *score, const bool *label, size_t n)
{
	size_t		pos,
				neg,
				above = 0;
	double		pairs = 0.0;
	scored	   *v = sort_scores(score, label, n, &pos, &neg);

	if (v == NULL || pos == 0 || neg == 0)
	{
		sg_free(v);
		return NAN;
	}
	for (size_t i = 0; i < n;)
	{
		size_t		p,
					q;

		i = tie_group(v, n, i, &p, &q);
		pairs += (double) q * ((double) above + 0.5 * (double) p);
		above += p;
	}
	sg_free(v);
	return pairs / ((double) pos * (double) neg);
}

/* Highest TPR at a threshold admitting fewer than k false positives. */
double
sg_tpr_before_fp(const float *score, const bool *label, size_t n, int k)
{
	size_t		pos,
				neg,
				tp = 0,
				fp = 0;
	double		best = 0.0;
	scored	   *v;

	if (k < 1)
		return NAN;
	v = sort_scores(score, label, n, &pos, &neg);
	if (v == NULL || pos == 0)
	{
		sg_free(v);
		return NAN;
	}
	for (size_t i = 0; i < n;)
	{
		size_t		p,
					q;

		i = tie_group(v, n, i, &p, &q);
		tp += p;
		fp += q;
		if (fp >= (size_t) k)
			break;
		best = (double) tp / (double) pos;
	}
	sg_free(v);
	return best;
}

/* ROC points, one per distinct score, from (0, 0) to (1, 1). */
sg_roc_point *
sg_roc_points(const float *score, const bool *label, size_t n,
			  size_t *npoints, sg_status *st)
{
	size_t		pos,
				neg,
				tp = 0,
				fp = 0,
				m = 0;
	scored	   *v = sort_scores(score, label, n, &pos, &neg);
	sg_roc_point *pts = v ? sg_malloc((n + 1) * sizeof(sg_roc_point)) : NULL;

	*npoints = 0;
	if (pts == NULL)
	{
		sg_free(v);
		sg_fail(st, SG_ERR_NOMEM, "out of memory computing a ROC curve");
		return NULL;
	}
	if (pos == 0 || neg == 0)
	{
		sg_free(v);
		sg_free(pts);
		sg_fail(st, SG_ERR_VALUE, "a ROC curve needs both lenses and non-lenses (got %zu and %zu)",
				pos, neg);
		return NULL;
	}
	pts[m++] = (sg_roc_point) {0.0, 0.0};
	for (size_t i = 0; i < n;)
	{
		size_t		p,
					q;

		i = tie_group(v, n, i, &p, &q);
		tp += p;
		fp += q;
		pts[m++] = (sg_roc_point) {(double) fp / neg, (double) tp / pos};
	}
	sg_free(v);
	*npoints = m;
	return pts;
}
