/* nn_score.c — lens probabilities independent of a stamp's orientation. */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/nn_score.h"

/* dst = src rotated by 90° counter-clockwise (size × size plane). */
static void
rotate90(const float *src, float *dst, int size)
{
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++)
			dst[(size_t) (size - 1 - x) * size + y] = src[(size_t) y * size + x];
}

/*
 * batch[1..3] = batch[0] rotated by 90°, 180° and 270° (nbands planes of
 * size × size each).
 */
static void
rotate_batch(float *batch, int nbands, int size)
{
	size_t		plane = (size_t) size * size;
	size_t		one = plane * nbands;

	for (int r = 1; r < 4; r++)
		for (int b = 0; b < nbands; b++)
			rotate90(batch + (r - 1) * one + b * plane, batch + r * one + b * plane, size);
}

/*
 * The mean of the four rotations' probabilities, summed in a fixed order of
 * the logits sorted by value: rotating the stamp permutes the four logits,
 * and a sorted sum is order-independent.  Sorts logits in place.
 */
static float
mean_probability(float *logits)
{
	double		sum = 0;

	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0 && logits[j] < logits[j - 1]; j--)
		{
			float		t = logits[j];

			logits[j] = logits[j - 1];
			logits[j - 1] = t;
		}
	for (int i = 0; i < 4; i++)
		sum += sg_nn_sigmoid(logits[i]);
	return (float) (sum / 4);
}

bool
sg_nn_score_rotations(sg_nn_model *m, const float *x, int nbands, int size, float *prob,
					  sg_status *st)
{
	size_t		one = (size_t) size * size * nbands;
	float	   *batch = sg_malloc(sizeof(float) * one * 4);
	float		logits[4];
	bool		ok;

	if (batch == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a batch of rotated stamps");
		return false;
	}
	memcpy(batch, x, sizeof(float) * one);
	rotate_batch(batch, nbands, size);
	ok = sg_nn_forward(m, batch, 4, false, logits, st);
	sg_free(batch);
	if (ok)
		*prob = mean_probability(logits);
	return ok;
}

/* Sum of every band's pixels in the lower-left quadrant (the centre row and column of an odd side excluded). */
static double
quadrant_sum(const float *x, int nbands, int size)
{
	double		sum = 0;

	for (int b = 0; b < nbands; b++)
		for (int y = 0; y < size / 2; y++)
			for (int i = 0; i < size / 2; i++)
				sum += x[((size_t) b * size + y) * size + i];
	return sum;
}

/*
 * Write x turned to its canonical orientation into best (one × 1 floats):
 * the multiple of 90° that puts the most flux into the lower-left quadrant.
 * work holds 2 × one floats.
 */
static void
canonical_orientation(const float *x, int nbands, int size, float *best, float *work)
{
	size_t		plane = (size_t) size * size;
	size_t		one = plane * nbands;
	float	   *cur = work,
			   *next = work + one;
	double		best_sum;

	memcpy(best, x, sizeof(float) * one);
	memcpy(cur, x, sizeof(float) * one);
	best_sum = quadrant_sum(x, nbands, size);
	for (int r = 1; r < 4; r++)
	{
		float	   *t = cur;
		double		sum;

		for (int b = 0; b < nbands; b++)
			rotate90(cur + b * plane, next + b * plane, size);
		cur = next;
		next = t;
		sum = quadrant_sum(cur, nbands, size);
		if (sum > best_sum)
		{
			best_sum = sum;
			memcpy(best, cur, sizeof(float) * one);
		}
	}
}

bool
sg_nn_score_canonical(sg_nn_model *m, const float *x, int nbands, int size, float *prob,
					  sg_status *st)
{
	return sg_nn_score_adaptive(m, x, nbands, size, INFINITY, prob, NULL, st);
}

bool
sg_nn_score_adaptive(sg_nn_model *m, const float *x, int nbands, int size, float threshold,
					 float *prob, int *passes, sg_status *st)
{
	size_t		one = (size_t) size * size * nbands;

	/* the canonical stamp, then its three other rotations: one batch of four */
	float	   *batch = sg_malloc(sizeof(float) * one * 4);
	float		logits[4];
	bool		ok;

	if (batch == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for rotated stamps");
		return false;
	}
	canonical_orientation(x, nbands, size, batch, batch + one);
	ok = sg_nn_forward(m, batch, 1, false, logits, st);
	if (ok && passes)
		*passes = 1;
	if (ok && sg_nn_sigmoid(logits[0]) < threshold)
		*prob = sg_nn_sigmoid(logits[0]);
	else if (ok)
	{
		rotate_batch(batch, nbands, size);
		ok = sg_nn_forward(m, batch + one, 3, false, logits + 1, st);
		if (ok)
			*prob = mean_probability(logits);
		if (ok && passes)
			*passes = 4;
	}
	sg_free(batch);
	return ok;
}
