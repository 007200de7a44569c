/*
 * baseline_internal.h — the baseline model's layout, shared by
 * baseline_logreg.c (training, scoring) and baseline_file.c (the SGLBASE1
 * format).  Not part of the public interface.
 */
#ifndef SGLENS_BASELINE_INTERNAL_H
#define SGLENS_BASELINE_INTERNAL_H

#include "sglens/baseline.h"

struct sg_baseline
{
	sg_nn_info	info;			/* input description; task is classification */
	int			in_size;
	sg_baseline_spec spec;
	int			nfeat;
	double		l2;				/* the penalty it was trained with */
	float	   *mean;			/* nfeat feature means */
	float	   *scale;			/* nfeat feature standard deviations (> 0) */
	float	   *w;				/* nfeat weights of the standardised features */
	float		bias;
};

/* Check info as the input description of a baseline model. */
bool		baseline_info_check(const sg_nn_info *info, sg_status *st);

/* A model with room for its vectors (contents unset); NULL with st set. */
sg_baseline *baseline_alloc(const sg_nn_info *info, int in_size,
							const sg_baseline_spec *spec, sg_status *st);

/*
 * Fit L2-regularised logistic regression by L-BFGS: n rows of d
 * (standardised) features x, labels y; w gets d weights then the bias.
 */
bool		baseline_logreg_fit(const float *x, const float *y, int n, int d,
								double l2, double *w, sg_status *st);

#endif
