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

#include "sglens/dataset.h"
#include "sglens/nn.h"
#include "sglens/nn_predict.h"
#include "sglens/survey_presets.h"

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

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), compare_double);
	return n ? v[n / 2] : NAN;
}

static void
die(const char *what, const sg_status *st)
{
	fprintf(stderr, "modeller_tta: %s: %s\n", what, st ? st->message : "bad arguments");
	exit(1);
}

/*
 * Pass t (0..7: flip = t / 4, quarter turns = t % 4) of stamp x: the estimate
 * turned back to the stamp's frame (undo the turn, then the flip).
 */
static void
predict_pass(sg_nn_model *m, const float *x, float *work, int planes, int size, double scale,
			 int t, double *mean, double *sigma)
{
	sg_status	st = {0};
	int			flip = t / 4,
				rot = t % 4;

	sg_dataset_transform(x, planes, size, size, 0, 0, flip, rot, work);
	if (!sg_nn_predict_lens(m, work, mean, sigma, &st))
		die("prediction", &st);
	sg_dataset_transform_params(mean, scale, 0, 0, 0, (4 - rot) % 4);
	sg_dataset_transform_params(mean, scale, 0, 0, flip, 0);
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	sg_nn_info	info;
	sg_survey	sv;
	sg_nn_model *m;
	sg_dataset_spec spec;
	sg_dataset_meta meta;
	errors		err[VARIANTS];
	float	   *x,
			   *work,
				y[K];
	int			n,
				size,
				planes,
				kept = 0;

	if (argc != 6 || (n = atoi(argv[4])) < 1)
		die("usage: modeller_tta MODEL.sgw SURVEY BANDS N SEED", NULL);
	if ((m = sg_nn_load_file(argv[1], &info, &st)) == NULL)
		die(argv[1], &st);
	if (info.task != SG_NN_TASK_REGRESSION)
		die("not a lens modeller", NULL);
	if (!sg_survey_preset(argv[2], &sv, &st) || !sg_survey_select_bands(&sv, argv[3], &st))
		die("survey", &st);
	size = sg_nn_model_spec(m)->in_size;
	planes = sg_nn_input_planes(&info);
	spec = (sg_dataset_spec)
	{
		&sv, info, size, size, strtoull(argv[5], NULL, 10), 1.0, 2
	};
	x = malloc((size_t) planes * size * size * sizeof(float));
	work = malloc((size_t) planes * size * size * sizeof(float));
	for (int v = 0; v < VARIANTS; v++)
		err[v] = (errors)
	{
		malloc(n * sizeof(double)), malloc(n * sizeof(double)), malloc(n * sizeof(double)), 0
	};
	for (int id = 0; id < n; id++)
	{
		double		sum[K] = {0},
					var[K] = {0};

		if (!sg_dataset_fill(&spec, id, 1, NULL, 0, x, y, &meta, &st))
			die("simulating", &st);
		if (!(meta.arc_snr >= 20))
			continue;
		for (int t = 0, v = 0; t < 8; t++)
		{
			double		mean[K],
						sigma[K];

			predict_pass(m, x, work, planes, size, sv.pixel_scale, t, mean, sigma);
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
		   argv[2], argv[3], argv[5], kept, n);
	printf("| passes | θ_E median abs. rel. error | e1 / e2 median abs. error | θ_E 1σ coverage |\n");
	printf("|---|---|---|---|\n");
	for (int v = 0; v < VARIANTS; v++)
		printf("| %d | %.2f%% | %.4f / %.4f | %.0f%% |\n", passes_of[v], 100 * median(err[v].theta, kept),
			   median(err[v].e1, kept), median(err[v].e2, kept), 100.0 * err[v].covered / kept);
	sg_nn_model_free(m);
	return 0;
}
