/*
 * metrics.h — figures of merit of a lens finder, as defined by the 2019
 * strong-lens finding challenge (Metcalf et al. 2019): area under the ROC
 * curve, TPR0 (the highest true-positive rate reached before the first false
 * positive) and TPR10 (before the tenth false positive), and ROC curves as a
 * PNG plot.
 */
#ifndef SGLENS_METRICS_H
#define SGLENS_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "sglens/status.h"

/* Area under the ROC curve (ties count one half); NaN without both classes. */
double		sg_auroc(const float *score, const bool *label, size_t n);

/*
 * The highest true-positive rate at a threshold that admits fewer than k
 * false positives (k = 1: TPR0, k = 10: TPR10); tied scores are resolved
 * against the finder.
 */
double		sg_tpr_before_fp(const float *score, const bool *label, size_t n, int k);

typedef struct sg_roc_curve
{
	const char *label;
	const float *score;
	const bool *is_lens;
	size_t		n;
} sg_roc_curve;

/* A PNG plot (width × height pixels) of the ROC curves, FPR on a log axis. */
void	   *sg_roc_png(const sg_roc_curve *curves, int ncurves, int width, int height,
					   size_t *len, sg_status *st);

#endif
