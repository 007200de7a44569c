/*
 * bench_subtract.c — time of the lens-light subtraction a subtraction-trained
 * modeller runs before its network (sg_nn_prepare_input with
 * SG_NN_NORM_SUBTRACTED), on held-out population lenses.
 *
 *   build/bench/bench_subtract [N [space|ground]]
 *
 * For N members (default 200) of the seed-9102 population of Euclid VIS
 * (64×64, 0.1"/px) and of LSST g,r,i (48×48, 0.2"/px), prints the median and
 * 90th percentile of the preparation time and the median Levenberg–Marquardt
 * iterations and model evaluations of the lens-light fit.  One thread; run it
 * on an idle core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/sampler.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"

#define SEED 9102

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
quantile(double *v, int n, double q)
{
	qsort(v, n, sizeof(double), cmp);
	return v[(int) (q * (n - 1) + 0.5)];
}

static void
die(const char *what, const sg_status *st)
{
	fprintf(stderr, "bench_subtract: %s: %s\n", what, st->message);
	exit(1);
}

/* Time the subtraction on n members of survey's population; print one row. */
static void
bench_survey(const char *survey, const char *bands, int size, int n)
{
	sg_status	st = {0};
	sg_survey	sv;
	sg_scene   *scene = malloc(sizeof(sg_scene));
	sg_nn_info	info = {0};
	double	   *t = malloc(n * sizeof(double)),
			   *iters = malloc(n * sizeof(double)),
			   *evals = malloc(n * sizeof(double));
	float	   *x;

	if (!sg_survey_preset(survey, &sv, &st) || !sg_survey_select_bands(&sv, bands, &st))
		die(survey, &st);
	info.task = SG_NN_TASK_REGRESSION;
	info.nbands = sv.nbands;
	for (int b = 0; b < sv.nbands; b++)
		strcpy(info.bands[b], sv.bands[b].name);
	info.pixel_scale = sv.pixel_scale;
	info.norm = SG_NN_NORM_SUBTRACTED;
	x = malloc((size_t) sv.nbands * size * size * sizeof(float));
	for (int id = 0; id < n; id++)
	{
		sg_simulate_options so = sg_simulate_defaults();
		sg_sample_kind kind;
		sg_fit_options fo = sg_fit_defaults();
		sg_fit_result res;
		sg_image   *img,
				   *sub;
		double		t0;

		if (!sg_sample_scene(&sv, SEED, id, 1.0, 0.5 * size * sv.pixel_scale, scene, &kind, &st))
			die("sampling", &st);
		so.size = size;
		so.seed = sg_member_seed(SEED, id);
		if ((img = sg_simulate(scene, &sv, &so, &st)) == NULL)
			die("simulating", &st);
		t0 = now();
		if (!sg_nn_prepare_input(img, &info, size, x, &st))
			die("preparing", &st);
		t[id] = now() - t0;
		/* the same fit again, for its iteration and evaluation counts */
		fo.supersampling = 1;
		if ((sub = sg_subtract_lens_light(img, &fo, &res, &st)) == NULL)
			die("subtracting", &st);
		iters[id] = res.iterations;
		evals[id] = res.evaluations;
		sg_free(sub);
		sg_free(img);
	}
	printf("| %s %s %dx%d | %d | %.2f ms | %.2f ms | %.0f | %.0f |\n", survey, bands, size, size, n,
		   1e3 * quantile(t, n, 0.5), 1e3 * quantile(t, n, 0.9), quantile(iters, n, 0.5),
		   quantile(evals, n, 0.5));
	free(scene);
	free(t);
	free(iters);
	free(evals);
	free(x);
}

int
main(int argc, char **argv)
{
	int			n = argc > 1 ? atoi(argv[1]) : 200;
	const char *which = argc > 2 ? argv[2] : "both";

	if (n < 1 || argc > 3 || (strcmp(which, "both") && strcmp(which, "space") && strcmp(which, "ground")))
	{
		fprintf(stderr, "usage: bench_subtract [N [space|ground]]\n");
		return 1;
	}
	printf("| stamps | lenses | median time | 90th pct. | LM iterations | evaluations |\n"
		   "|---|---|---|---|---|---|\n");
	if (strcmp(which, "ground") != 0)
		bench_survey("Euclid", "VIS", 64, n);
	if (strcmp(which, "space") != 0)
		bench_survey("LSST", "g,r,i", 48, n);
	return 0;
}
