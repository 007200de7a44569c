/*
 * modeller_light.c — does a lens modeller's θ_E follow the lens galaxy's
 * light instead of the arcs?
 *
 *   build/bench/modeller_light MODEL.sgw SURVEY BANDS N SEED
 *
 * For members 0..N−1 of the population (SEED, lenses only) with arc S/N >=
 * 20, renders each lens twice with the same noise: as sampled, and with its
 * lens light made 2.5 times brighter (1 magnitude) — the mass, the source
 * and the arcs unchanged.  A modeller that reads θ_E from the arcs gives the
 * same θ_E for both; one that leans on the sampler's light–θ_E relation
 * (m = 19.7 − 5 log θ_E, so 1 magnitude brighter ~ θ_E × 1.58) gives more.
 * Prints, for the modeller ('cnn') and for the fit started from it with
 * its estimate as the prior ('cnn+fit'), the median and 16th–84th
 * percentiles of θ_E(brighter) / θ_E(as sampled) and the median |relative
 * error| of both.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/nn_predict.h"
#include "sglens/sampler.h"
#include "sglens/simulate.h"
#include "modeller_bench.h"

#define BRIGHTER 2.5			/* lens light flux factor */

/*
 * θ_E of the modeller (est[0]) and of 'cnn+fit' (est[1], the fit from the
 * modeller's estimate with it as a prior) on scene with member noise.
 */
static void
theta_of(const modeller_bench *b, const sg_scene *scene, uint64_t noise_seed, float *x,
		 double *est)
{
	sg_simulate_options so = sg_simulate_defaults();
	sg_fit_options fo = sg_fit_defaults();
	sg_fit_result res;
	sg_status	st = {0};
	double		mean[SG_LENS_NPARAMS],
				sigma[SG_LENS_NPARAMS];
	sg_image   *img;

	so.size = b->size;
	so.seed = noise_seed;
	img = sg_simulate(scene, &b->survey, &so, &st);
	if (img == NULL || !sg_nn_prepare_input(img, &b->info, b->size, x, &st) ||
		!sg_nn_predict_lens(b->model, x, mean, sigma, &st))
		mb_die(b, "rendering or predicting", &st);
	for (int k = 0; k < b->survey.nbands; k++)
		fo.exposure[k] = b->survey.bands[k].exposure_time * b->survey.bands[k].n_exposures;
	fo.has_start = fo.has_prior = true;
	memcpy(fo.start, mean, sizeof(mean));
	memcpy(fo.prior_mean, mean, sizeof(mean));
	memcpy(fo.prior_sigma, sigma, sizeof(sigma));
	if (!sg_fit_lens(img, &fo, &res, &st))
		mb_die(b, "fit", &st);
	est[0] = mean[0];
	est[1] = res.params[0];
	sg_free(img);
}

/* Print the ratio and error line of method `name`. */
static void
report(const char *name, double *ratio, double *err_as, double *err_bright, int n)
{
	printf("  %-7s theta_E(brighter) / theta_E(as sampled): median %.3f, 16th-84th %.3f-%.3f; "
		   "median |rel. error| %.2f%% as sampled, %.2f%% brighter\n", name,
		   bench_quantile(ratio, n, 0.5), bench_quantile(ratio, n, 0.16), bench_quantile(ratio, n, 0.84),
		   100 * bench_quantile(err_as, n, 0.5), 100 * bench_quantile(err_bright, n, 0.5));
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	modeller_bench b;
	sg_dataset_spec meta_spec;
	sg_dataset_meta meta;
	sg_scene   *scene = malloc(sizeof(sg_scene));
	sg_sample_kind kind;
	double	   *ratio[2],
			   *err_as[2],
			   *err_bright[2];
	float	   *x,
				y[SG_LENS_NPARAMS];
	int			kept = 0;

	mb_open(&b, "modeller_light", argc, argv);
	/* the members' S/N and truth; the plain input is enough for that */
	meta_spec = b.spec;
	meta_spec.info.norm = SG_NN_NORM_NOISE;
	x = malloc((size_t) sg_nn_input_planes(&b.info) * b.size * b.size * sizeof(float));
	for (int k = 0; k < 2; k++)
	{
		ratio[k] = malloc(b.n * sizeof(double));
		err_as[k] = malloc(b.n * sizeof(double));
		err_bright[k] = malloc(b.n * sizeof(double));
	}
	for (int id = 0; id < b.n; id++)
	{
		double		as_sampled[2],
					brighter[2];

		if (!sg_dataset_fill(&meta_spec, id, 1, NULL, 0, x, y, &meta, &st))
			mb_die(&b, "simulating", &st);
		if (!(meta.arc_snr >= 20))
			continue;
		if (!sg_sample_scene(&b.survey, b.seed, id, 1.0, 0.5 * b.size * b.survey.pixel_scale, scene,
							 &kind, &st))
			mb_die(&b, "sampling", &st);
		theta_of(&b, scene, sg_member_seed(b.seed, id), x, as_sampled);
		for (int p = 0; p < scene->n_lens_light; p++)
			for (int k = 0; k < b.survey.nbands; k++)
				scene->lens_light[p].amp[k] *= BRIGHTER;
		theta_of(&b, scene, sg_member_seed(b.seed, id), x, brighter);
		for (int k = 0; k < 2; k++)
		{
			ratio[k][kept] = brighter[k] / as_sampled[k];
			err_as[k][kept] = fabs(as_sampled[k] / meta.theta_e - 1);
			err_bright[k][kept] = fabs(brighter[k] / meta.theta_e - 1);
		}
		kept++;
	}
	printf("%s on %s %s, population seed %s, %d lenses with arc S/N >= 20, lens light x %.1f:\n",
		   argv[1], argv[2], argv[3], argv[5], kept, BRIGHTER);
	report("cnn", ratio[0], err_as[0], err_bright[0], kept);
	report("cnn+fit", ratio[1], err_as[1], err_bright[1], kept);
	free(scene);
	sg_nn_model_free(b.model);
	return 0;
}
