/*
 * bench_fit.c — time of a lens fit (sg_fit_lens) against stamp size.
 *
 *   build/bench/bench_fit [repeats]
 *
 * For square LSST g,r,i stamps of 32 to 128 pixels (0.2"/px) of one lens
 * (SIE θ_E = 1.2", shear, a Sérsic source of magnitude 22.5, a de
 * Vaucouleurs lens light of magnitude 19.5), fits from a start 10% off in
 * θ_E with a Gaussian prior (as 'cnn+fit' does) and from the automatic start
 * (as 'fit' does), and prints the median wall-clock time, iterations and
 * model evaluations of each.  One thread; run it on an idle core.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/fit.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"
#include "bench_stats.h"
#include "lens_fixture.h"

#define truth fixture_truth

int
main(int argc, char **argv)
{
	static const int sizes[] = {32, 48, 64, 96, 128};
	int			repeats = argc > 1 ? atoi(argv[1]) : 5;
	sg_status	st = {0};
	sg_survey	sv;
	sg_scene   *sc = malloc(sizeof(sg_scene));
	double	   *t = malloc(repeats * sizeof(double));

	if (!sg_survey_preset("LSST", &sv, &st) || !sg_survey_select_bands(&sv, "g,r,i", &st))
		return 1;
	fixture_scene(&sv, 22.5, 19.5, sc);
	printf("| stamp | start | median time | iterations | evaluations | θ_E |\n|---|---|---|---|---|---|\n");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int automatic = 0; automatic < 2; automatic++)
		{
			sg_fit_options o = sg_fit_defaults();
			sg_fit_result res;

			for (int b = 0; b < sv.nbands; b++)
				o.exposure[b] = sv.bands[b].exposure_time * sv.bands[b].n_exposures;
			if (!automatic)
			{
				o.has_start = o.has_prior = true;
				memcpy(o.start, truth, sizeof(truth));
				o.start[0] *= 1.1;
				memcpy(o.prior_mean, o.start, sizeof(truth));
				for (int k = 0; k < SG_LENS_NPARAMS; k++)
					o.prior_sigma[k] = k == 0 ? 0.15 : 0.05;
			}
			for (int r = 0; r < repeats; r++)
			{
				sg_simulate_options so = sg_simulate_defaults();
				sg_image   *img;

				so.size = sizes[s];
				so.seed = 100 + r;
				img = sg_simulate(sc, &sv, &so, &st);
				if (img == NULL || !sg_fit_lens(img, &o, &res, &st))
				{
					fprintf(stderr, "bench_fit: %s\n", st.message);
					return 1;
				}
				t[r] = res.seconds;
				sg_free(img);
			}
			printf("| %dx%dx3 | %s | %.3f s | %d | %d | %.4f%s |\n", sizes[s], sizes[s],
				   automatic ? "automatic ('fit')" : "estimate + prior ('cnn+fit')",
				   bench_quantile(t, repeats, 0.5),
				   res.iterations, res.evaluations, res.params[0], res.converged ? "" : " (not converged)");
			fflush(stdout);
		}
	free(t);
	free(sc);
	return 0;
}
