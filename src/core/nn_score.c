/* nn_score.c — rotation-averaged lens probabilities. */
#include <math.h>

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
