/*
 * bench_subtract.c — the lens-light subtraction a subtraction-trained
 * modeller runs before its network (sg_nn_prepare_input_fit with
 * SG_NN_NORM_SUBTRACTED), on population lenses: its time, and how well the
 * fitted light measures the mass's centre and ellipticity (the constants
 * of sg_nn_add_lens_light, nn_predict.h).
 *
 *   build/bench/bench_subtract [N [space|ground]]
 *
 * For N members (default 500) of the calibration populations (seed 9202
 * Euclid VIS, 64×64, 0.1"/px; seed 9201 LSST g,r,i, 48×48, 0.2"/px; never
 * used by the evaluations), prints the median and 90th percentile of the
 * preparation time, the lens-light fit's median iterations and model
 * evaluations, and per component of the light's centre and ellipticity
 * against the mass's: the 68th percentile of |light − mass| and how often
 * the 1σ that sg_nn_add_lens_light gives the light (for the true θ_E, where
 * lens_model has the network's) covers the mass.  One thread; run it on
 * an idle core.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/nn_predict.h"
#include "sglens/sampler.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"
#include "bench_stats.h"


static void
die(const char *what, const sg_status *st)
{
	fprintf(stderr, "bench_subtract: %s: %s\n", what, st->message);
	exit(1);
}

/* Time the subtraction on n members of survey's population; print one row. */
static void
bench_survey(const char *survey, const char *bands, int size, uint64_t seed, int n)
{
	sg_status	st = {0};
	sg_survey	sv;
	sg_scene   *scene = malloc(sizeof(sg_scene));
	sg_nn_info	info = {0};
	double	   *t = malloc(n * sizeof(double)),
			   *iters = malloc(n * sizeof(double)),
			   *evals = malloc(n * sizeof(double)),
			   *d_centre = malloc(2 * n * sizeof(double)),
			   *d_e = malloc(2 * n * sizeof(double));
	int			covered_centre = 0,
				covered_e = 0;
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
		sg_fit_result light;
		sg_image   *img;
		double		t0,
					mass[SG_LENS_NPARAMS];

		if (!sg_sample_scene(&sv, seed, id, 1.0, 0.5 * size * sv.pixel_scale, scene, &kind, &st) ||
			!sg_dataset_scene_params(scene, mass))
			die("sampling", &st);
		so.size = size;
		so.seed = sg_member_seed(seed, id);
		if ((img = sg_simulate(scene, &sv, &so, &st)) == NULL)
			die("simulating", &st);
		t0 = bench_now();
		if (!sg_nn_prepare_input_fit(img, &info, size, NULL, x, &light, &st))
			die("preparing", &st);
		t[id] = bench_now() - t0;
		iters[id] = light.iterations;
		evals[id] = light.evaluations;
		/* the light against the mass: centre (3, 4 of both), e1, e2 (15, 16 and 1, 2) */
		for (int k = 0; k < 2; k++)
		{
			double		dc = fabs(light.params[3 + k] - mass[3 + k]),
						de = fabs(light.params[15 + k] - mass[1 + k]);

			d_centre[2 * id + k] = dc / sv.pixel_scale;
			d_e[2 * id + k] = de;
			covered_centre += dc <= sg_nn_light_sigma(&light, 3 + k, sv.pixel_scale, mass[0]);
			covered_e += de <= sg_nn_light_sigma(&light, 1 + k, sv.pixel_scale, mass[0]);
		}
		sg_free(img);
	}
	printf("| %s %s %dx%d | %d | %.2f ms | %.2f ms | %.0f | %.0f | %.3f px, %.0f%% | %.4f, %.0f%% |\n",
		   survey, bands, size, size, n, 1e3 * bench_quantile(t, n, 0.5),
		   1e3 * bench_quantile(t, n, 0.9), bench_quantile(iters, n, 0.5),
		   bench_quantile(evals, n, 0.5), bench_quantile(d_centre, 2 * n, 0.6827),
		   50.0 * covered_centre / n, bench_quantile(d_e, 2 * n, 0.6827), 50.0 * covered_e / n);
	free(scene);
	free(t);
	free(iters);
	free(evals);
	free(d_centre);
	free(d_e);
	free(x);
}

int
main(int argc, char **argv)
{
	int			n = argc > 1 ? atoi(argv[1]) : 500;
	const char *which = argc > 2 ? argv[2] : "both";

	if (n < 1 || argc > 3 || (strcmp(which, "both") && strcmp(which, "space") && strcmp(which, "ground")))
	{
		fprintf(stderr, "usage: bench_subtract [N [space|ground]]\n");
		return 1;
	}
	printf("| stamps | lenses | median time | 90th pct. | LM iterations | evaluations | "
		   "light − mass centre: 68th pct., 1σ coverage | e: 68th pct., 1σ coverage |\n"
		   "|---|---|---|---|---|---|---|---|\n");
	if (strcmp(which, "ground") != 0)
		bench_survey("Euclid", "VIS", 64, 9202, n);
	if (strcmp(which, "space") != 0)
		bench_survey("LSST", "g,r,i", 48, 9201, n);
	return 0;
}
