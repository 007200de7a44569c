/* nn_score.c — lens probabilities independent of a stamp's orientation. */
#include <math.h>
#include <stddef.h>
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

/* Room for a batch of four stamps of one floats each (NULL and *st set when out of memory). */
static float *
new_batch(size_t one, sg_status *st)
{
	float	   *batch = sg_malloc(sizeof(float) * one * 4);

	if (batch == NULL)
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a batch of rotated stamps");
	return batch;
}

/*
 * Fill batch[1..3] with the rotations of batch[0], run the network on the
 * stamps from batch[done] on (logits[0..done-1] are known) and set *prob
 * to the mean over the four.
 */
static bool
finish_rotations(sg_nn_model *m, float *batch, int nbands, int size, int done, float *logits,
				 float *prob, sg_status *st)
{
	size_t		one = (size_t) size * size * nbands;

	rotate_batch(batch, nbands, size);
	if (!sg_nn_forward(m, batch + done * one, 4 - done, false, logits + done, st))
		return false;
	*prob = mean_probability(logits);
	return true;
}

bool
sg_nn_score_rotations(sg_nn_model *m, const float *x, int nbands, int size, float *prob,
					  sg_status *st)
{
	size_t		one = (size_t) size * size * nbands;
	float	   *batch = new_batch(one, st);
	float		logits[4];
	bool		ok;

	if (batch == NULL)
		return false;
	memcpy(batch, x, sizeof(float) * one);
	ok = finish_rotations(m, batch, nbands, size, 0, logits, prob, st);
	sg_free(batch);
	return ok;
}

/*
 * Where pixel (row r, column c) of a size × size plane turned k times by
 * 90° (as rotate90) lies in the unturned plane: offset + r * row + c * col.
 */
typedef struct turned_plane
{
	ptrdiff_t	offset,
				row,
				col;
} turned_plane;

static turned_plane
turned(int size, int k)
{
	ptrdiff_t	n = size;

	switch (k)
	{
		case 1:
			return (turned_plane) {n - 1, -1, n};
		case 2:
			return (turned_plane) {n * n - 1, -n, -1};
		case 3:
			return (turned_plane) {(n - 1) * n, 1, -n};
		default:
			return (turned_plane) {0, n, 1};
	}
}

/*
 * Sum of every band's pixels in the lower-left quadrant of x turned k times
 * (the centre row and column of an odd side excluded), read in the turned
 * stamp's row order: the sum is the same, bit for bit, as that of the
 * turned stamp itself, so a turned input picks the same orientation.
 */
static double
quadrant_sum(const float *x, int nbands, int size, int k)
{
	turned_plane t = turned(size, k);
	double		sum = 0;

	for (int b = 0; b < nbands; b++)
	{
		const float *p = x + (size_t) b * size * size + t.offset;

		for (int y = 0; y < size / 2; y++)
			for (int i = 0; i < size / 2; i++)
				sum += p[y * t.row + i * t.col];
	}
	return sum;
}

/*
 * Write x turned to its canonical orientation into best (one stamp): the
 * multiple of 90° that puts the most flux into the lower-left quadrant
 * (the first of equal sums).
 */
static void
canonical_orientation(const float *x, int nbands, int size, float *best)
{
	int			k_best = 0;
	double		best_sum = quadrant_sum(x, nbands, size, 0);
	turned_plane t;

	for (int k = 1; k < 4; k++)
	{
		double		sum = quadrant_sum(x, nbands, size, k);

		if (sum > best_sum)
		{
			best_sum = sum;
			k_best = k;
		}
	}
	t = turned(size, k_best);
	for (int b = 0; b < nbands; b++)
	{
		const float *p = x + (size_t) b * size * size + t.offset;
		float	   *q = best + (size_t) b * size * size;

		for (int r = 0; r < size; r++)
			for (int c = 0; c < size; c++)
				q[(size_t) r * size + c] = p[r * t.row + c * t.col];
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
	float	   *batch = new_batch(one, st);
	float		logits[4];
	bool		ok;

	if (batch == NULL)
		return false;
	canonical_orientation(x, nbands, size, batch);
	ok = sg_nn_forward(m, batch, 1, false, logits, st);
	if (ok && passes)
		*passes = 1;
	if (ok && sg_nn_sigmoid(logits[0]) < threshold)
		*prob = sg_nn_sigmoid(logits[0]);
	else if (ok)
	{
		ok = finish_rotations(m, batch, nbands, size, 1, logits, prob, st);
		if (ok && passes)
			*passes = 4;
	}
	sg_free(batch);
	return ok;
}

bool
sg_nn_score(sg_nn_model *m, const float *x, int nbands, int size, int passes, float threshold,
			float *prob, int *used, sg_status *st)
{
	if (passes == 0)
		return sg_nn_score_adaptive(m, x, nbands, size, threshold, prob, used, st);
	if (used)
		*used = passes;
	return (passes == 1 ? sg_nn_score_canonical : sg_nn_score_rotations) (m, x, nbands, size, prob, st);
}
