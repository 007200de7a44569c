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

bool
sg_nn_score_rotations(sg_nn_model *m, const float *x, int nbands, int size, float *prob,
					  sg_status *st)
{
	size_t		plane = (size_t) size * size;
	size_t		one = plane * nbands;
	float	   *batch = sg_malloc(sizeof(float) * one * 4);
	float		logits[4];
	double		sum = 0;
	bool		ok;

	if (batch == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a batch of rotated stamps");
		return false;
	}
	for (size_t i = 0; i < one; i++)
		batch[i] = x[i];
	for (int r = 1; r < 4; r++)
		for (int b = 0; b < nbands; b++)
			rotate90(batch + (r - 1) * one + b * plane, batch + r * one + b * plane, size);
	ok = sg_nn_forward(m, batch, 4, false, logits, st);
	sg_free(batch);
	if (!ok)
		return false;
	/* sum in a fixed order of probabilities sorted by value: rotating the
	 * stamp permutes the four logits, and a sorted sum is order-independent */
	for (int i = 1; i < 4; i++)
		for (int j = i; j > 0 && logits[j] < logits[j - 1]; j--)
		{
			float		t = logits[j];

			logits[j] = logits[j - 1];
			logits[j - 1] = t;
		}
	for (int i = 0; i < 4; i++)
		sum += sg_nn_sigmoid(logits[i]);
	*prob = (float) (sum / 4);
	return true;
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

bool
sg_nn_score_canonical(sg_nn_model *m, const float *x, int nbands, int size, float *prob,
					  sg_status *st)
{
	size_t		plane = (size_t) size * size;
	size_t		one = plane * nbands;
	float	   *buf = sg_malloc(sizeof(float) * one * 3);
	float	   *best = buf,
			   *cur = buf + one,
			   *next = buf + 2 * one,
				logit;
	double		best_sum;
	bool		ok;

	if (buf == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a rotated stamp");
		return false;
	}
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
	ok = sg_nn_forward(m, best, 1, false, &logit, st);
	sg_free(buf);
	if (!ok)
		return false;
	*prob = sg_nn_sigmoid(logit);
	return true;
}
