/*
 * metrics_internal.h — shared between metrics.c (figures of merit) and
 * roc_png.c (the ROC plot).  Not part of the public interface.
 */
#ifndef SGLENS_METRICS_INTERNAL_H
#define SGLENS_METRICS_INTERNAL_H

#include "sglens/metrics.h"

/* One operating point of a finder: rates at a score threshold. */
typedef struct sg_roc_point
{
	double		fpr;			/* false-positive rate */
	double		tpr;			/* true-positive rate */
} sg_roc_point;

/*
 * The ROC curve of scores against labels: (0, 0), then one point per
 * distinct score from the highest down (NaN scores rank lowest), ending at
 * (1, 1).  *npoints gets the count; the array is sg_malloc'd.  Fails with
 * SG_ERR_VALUE unless both classes are present.
 */
sg_roc_point *sg_roc_points(const float *score, const bool *label, size_t n,
							size_t *npoints, sg_status *st);

#endif
