/*
 * modeller_tta.c — does averaging a lens modeller over the turns and flips
 * of a stamp make it more accurate?
 *
 *   build/bench/modeller_tta MODEL.sgw SURVEY BANDS N SEED
 *
 * For members 0..N−1 of the population (SEED, lenses only, as
 * `make modellers-eval` draws them) with arc S/N >= 20, predicts the lens
 * parameters of the stamp as it is, and of its 4 rotations and 8 rotations
 * and flips, each estimate turned back to the stamp's frame; prints the
 * median |relative error| of θ_E, the median absolute errors of e1 and e2
 * and how often the quoted 1σ of θ_E covers the truth, for the single pass
 * and for the means over 4 and 8 (σ² the mean of the passes' σ²).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/nn_predict.h"
#include "modeller_bench.h"

#define K SG_LENS_NPARAMS
#define VARIANTS 3				/* 1, 4 and 8 passes */

static const int passes_of[VARIANTS] = {1, 4, 8};

typedef struct errors
{
	double	   *theta,
			   *e1,
			   *e2;
	int			covered;
} errors;

/*
 * Pass t (0..7: flip = t / 4, quarter turns = t % 4) of stamp x: the estimate
 * turned back to the stamp's frame (undo the turn, then the flip).
 */
static void
predict_pass(const modeller_bench *b, const float *x, float *work, int planes, int t,
			 double *mean, double *sigma)
{
	sg_status	st = {0};
	int			flip = t / 4,
				rot = t % 4;

	sg_dataset_transform(x, planes, b->size, b->size, 0, 0, flip, rot, work);
	if (!sg_nn_predict_lens(b->model, work, mean, sigma, &st))
		mb_die(b, "prediction", &st);
	sg_dataset_transform_params(mean, b->survey.pixel_scale, 0, 0, 0, (4 - rot) % 4);
	sg_dataset_transform_params(mean, b->survey.pixel_scale, 0, 0, flip, 0);
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	modeller_bench b;
	sg_dataset_meta meta;
	errors		err[VARIANTS];
	float	   *x,
			   *work,
				y[K];
	int			planes,
				kept = 0;

	mb_open(&b, "modeller_tta", argc, argv);
	planes = sg_nn_input_planes(&b.info);
	x = malloc((size_t) planes * b.size * b.size * sizeof(float));
	work = malloc((size_t) planes * b.size * b.size * sizeof(float));
	for (int v = 0; v < VARIANTS; v++)
		err[v] = (errors)
	{
		malloc(b.n * sizeof(double)), malloc(b.n * sizeof(double)), malloc(b.n * sizeof(double)), 0
	};
	for (int id = 0; id < b.n; id++)
	{
		double		sum[K] = {0},
					var[K] = {0};

		if (!sg_dataset_fill(&b.spec, id, 1, NULL, 0, x, y, &meta, &st))
			mb_die(&b, "simulating", &st);
		if (!(meta.arc_snr >= 20))
			continue;
		for (int t = 0, v = 0; t < 8; t++)
		{
			double		mean[K],
						sigma[K];

			predict_pass(&b, x, work, planes, t, mean, sigma);
			for (int j = 0; j < K; j++)
			{
				sum[j] += mean[j];
				var[j] += sigma[j] * sigma[j];
			}
			if (t + 1 != passes_of[v])
				continue;
			err[v].theta[kept] = fabs(sum[0] / (t + 1) / meta.params[0] - 1);
			err[v].e1[kept] = fabs(sum[1] / (t + 1) - meta.params[1]);
			err[v].e2[kept] = fabs(sum[2] / (t + 1) - meta.params[2]);
			err[v].covered += fabs(sum[0] / (t + 1) - meta.params[0]) <= sqrt(var[0] / (t + 1));
			v++;
		}
		kept++;
	}
	printf("%s on %s %s, population seed %s, %d of %d lenses with arc S/N >= 20\n", argv[1],
		   argv[2], argv[3], argv[5], kept, b.n);
	printf("| passes | θ_E median abs. rel. error | e1 / e2 median abs. error | θ_E 1σ coverage |\n");
	printf("|---|---|---|---|\n");
	for (int v = 0; v < VARIANTS; v++)
		printf("| %d | %.2f%% | %.4f / %.4f | %.0f%% |\n", passes_of[v],
			   100 * bench_quantile(err[v].theta, kept, 0.5), bench_quantile(err[v].e1, kept, 0.5),
			   bench_quantile(err[v].e2, kept, 0.5), 100.0 * err[v].covered / kept);
	sg_nn_model_free(b.model);
	return 0;
}
