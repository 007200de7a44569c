/*
 * bench_model.c — inference speed of a weights file on the sglens engine:
 * the folded model, one pass (no rotation averaging), batch 1 and batch 64,
 * one thread; then, for a finder, lens_score()'s whole core path per stamp
 * (input preparation from a 64×64 LSST stamp with noise metadata, then
 * four passes, the adaptive default and one pass); and the convolution layers alone (im2col, matrix product, bias
 * and activation of each, as the folded model runs them, at batch 1 and at
 * batch 4 as lens_score's four rotations), whose GFLOP/s are compared with
 * the single-core ceilings measured in the same run: sgemm on 1024³ and the
 * core's FMA peak (fma_peak.h), and with the ~155 GFLOP/s DESIGN §6 quotes
 * for the machine class.  The PyTorch peer
 * of the same architecture is bench/torch_peer.py.
 *
 *   build/bench/bench_model MODEL.sgw [seconds per case]
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fma_peak.h"

#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/nn.h"
#include "sglens/nn_input.h"
#include "sglens/nn_score.h"
#include "sglens/sampler.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"
#include "../src/core/nn_internal.h"

char	   *openblas_get_corename(void);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Stamps the core path cycles through: members 1..SCORE_STAMPS of the population bench/lens_score_sql.sh stores. */
#define SCORE_STAMPS 256

/* The population's stamps 1..SCORE_STAMPS, lenses with probability lens_fraction. */
static void
population_stamps(const sg_nn_info *info, int size, double lens_fraction, sg_image **img)
{
	sg_status	st = {0};
	sg_survey	sv;
	sg_simulate_options so = sg_simulate_defaults();
	char		bands[SG_NN_MAX_BANDS * (SG_BAND_NAME_LEN + 1)] = "";

	for (int b = 0; b < info->nbands; b++)
	{
		strcat(bands, b ? "," : "");
		strcat(bands, info->bands[b]);
	}
	so.supersampling = 1;
	so.size = size;
	if (!sg_survey_preset(info->pixel_scale < 0.15 ? "Euclid" : "LSST", &sv, &st) ||
		!sg_survey_select_bands(&sv, bands, &st))
	{
		fprintf(stderr, "bench_model: %s\n", st.message);
		exit(1);
	}
	for (int i = 0; i < SCORE_STAMPS; i++)
	{
		sg_scene	scene;
		sg_sample_kind kind;

		so.seed = sg_member_seed(4242, i + 1);
		if (!sg_sample_scene(&sv, 4242, i + 1, lens_fraction, 0.5 * so.size * sv.pixel_scale, &scene, &kind, &st) ||
			(img[i] = sg_simulate(&scene, &sv, &so, &st)) == NULL)
		{
			fprintf(stderr, "bench_model: %s\n", st.message);
			exit(1);
		}
	}
}

/* lens_score()'s ways of scoring, as its passes argument: 4, 0 (NULL: adaptive) and 1. */
static const int score_modes[] = {4, 0, 1};

/* Score stamps img[] (cycling) for the given time with passes argument mode (4, 1, 0); print stamps/s and passes used. */
static void
time_scoring(sg_nn_model *m, const sg_nn_info *info, sg_image **img, int mode,
			 double lens_fraction, double seconds)
{
	sg_status	st = {0};
	int			side = sg_nn_model_spec(m)->in_size;
	float	   *x = malloc((size_t) sg_nn_input_planes(info) * side * side * sizeof(float)),
				p = 0;
	long		n = 0,
				passes = 0;
	double		t0 = now(),
				dt;

	do
	{
		int			used = 0;

		if (!sg_nn_prepare_input(img[n % SCORE_STAMPS], info, side, x, &st) ||
			!sg_nn_score(m, x, sg_nn_input_planes(info), side, mode, SG_NN_ADAPTIVE_THRESHOLD, &p, &used, &st))
		{
			fprintf(stderr, "bench_model: %s\n", st.message);
			exit(1);
		}
		passes += used;
		n++;
	} while ((dt = now() - t0) < seconds);
	printf("lens_score core path (%dx%d population stamps, lens fraction %g, crop, noise scaling, ",
		   img[0]->nx, img[0]->ny, lens_fraction);
	if (mode == 0)
		printf("adaptive: 1 pass, 4 where it gives >= %g", SG_NN_ADAPTIVE_THRESHOLD);
	else
		printf("passes %d: %s", mode, mode == 4 ? "the mean over 4 rotations" : "canonical orientation");
	printf("): %.1f stamps/s (%.3f ms, %.2f passes/stamp)\n", n / dt, dt / n * 1e3, (double) passes / n);
	free(x);
}

/*
 * lens_score()'s core path, with 4 passes, adaptive and with 1, on stamps
 * like those bench/lens_score_sql.sh stores (population seed 4242, half
 * lenses, supersampling 1, 16 pixels wider than the model's input: 64×64
 * LSST g,r,i for the ground finder, the figure its SQL rates are compared
 * with; 80×80 Euclid VIS for the space finder); then adaptive on a
 * survey-like population with 1% lenses.
 */
static void
score_path(sg_nn_model *m, const sg_nn_info *info, double seconds)
{
	sg_image   *img[SCORE_STAMPS];
	int			size = sg_nn_model_spec(m)->in_size + 16;

	population_stamps(info, size, 0.5, img);
	for (int i = 0; i < 3; i++)
		time_scoring(m, info, img, score_modes[i], 0.5, seconds);
	for (int i = 0; i < SCORE_STAMPS; i++)
		sg_free(img[i]);
	population_stamps(info, size, 0.01, img);
	time_scoring(m, info, img, 0, 0.01, seconds);
	for (int i = 0; i < SCORE_STAMPS; i++)
		sg_free(img[i]);
}

/* The convolutions of a spec's network, in order (nn_graph.c builds the same): returns their count. */
static int
conv_layers(const sg_nn_spec *s, nn_conv_geom *g)
{
	int			n = 0,
				c = s->in_channels,
				size = s->in_size;

	g[n++] = nn_conv_same(c, size, size, s->stem_channels, s->stem_kernel, 1);
	c = s->stem_channels;
	if (s->stem_pool != SG_NN_POOL_NONE)
		size = (size + 1) / 2;
	for (int i = 0; i < s->nstages; i++)
		for (int u = 0; u < s->stages[i].units; u++)
		{
			int			stride = u == 0 && s->stages[i].downsample ? 2 : 1,
						cout = s->stages[i].channels;

			g[n] = nn_conv_same(c, size, size, cout, 3, stride);
			if (stride != 1 || c != cout)
				g[n + 2] = nn_conv_same(c, size, size, cout, 1, stride);
			size = g[n].hout;
			g[n + 1] = nn_conv_same(cout, size, size, cout, 3, 1);
			n += stride != 1 || c != cout ? 3 : 2;
			c = cout;
		}
	return n;
}

/*
 * The single-core ceiling measured now: cblas_sgemm on 1024³ (the machine
 * class measured 150–155 GFLOP/s when it was first benchmarked; a shared or
 * slower host gives less, and the convolutions are compared with both).
 */
static double
sgemm_ceiling(double seconds)
{
	const int	n = 1024;
	float	   *a = malloc(sizeof(float) * n * n),
			   *b = malloc(sizeof(float) * n * n),
			   *c = malloc(sizeof(float) * n * n);
	double		t0,
				dt,
				best = 0;

	for (long i = 0; i < (long) n * n; i++)
	{
		a[i] = (float) (i % 7) * 1e-3f;
		b[i] = (float) (i % 5) * 1e-3f;
	}
	t0 = now();
	do
	{
		double		t1 = now(),
					rate;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
		rate = 2.0 * n * n * n / (now() - t1);
		best = rate > best ? rate : best;
	} while ((dt = now() - t0) < seconds);
	free(a);
	free(b);
	free(c);
	printf("sgemm 1024^3 now: %.1f GFLOP/s (best call)\n", best / 1e9);
	return best;
}

/* Time each convolution layer of the model's network alone (batch of `batch`, bias and ELU; per-layer lines for batch 1). */
static void
conv_path(const sg_nn_spec *s, double pass_seconds, double seconds, int batch, double ceiling,
		  double peak)
{
	nn_conv_geom g[3 * SG_NN_MAX_STAGES * 8 + 1];
	int			n = conv_layers(s, g);
	double		total_flop = 0,
				total_time = 0;

	for (int i = 0; i < n; i++)
	{
		size_t		nx = (size_t) batch * g[i].cin * g[i].h * g[i].w,
					ny = (size_t) batch * g[i].cout * g[i].hout * g[i].wout,
					nw = (size_t) g[i].cout * g[i].cin * g[i].k * g[i].k,
					ncol = nn_conv_work_size(&g[i]);
		float	   *x = malloc(nx * sizeof(float)),
				   *y = malloc(ny * sizeof(float)),
				   *w = malloc(nw * sizeof(float)),
				   *b = malloc(g[i].cout * sizeof(float)),
				   *col = malloc((ncol ? ncol : 1) * sizeof(float));
		double		flop = 2.0 * batch * nw * g[i].hout * g[i].wout,
					t0,
					dt;
		long		calls = 0;
		float	   *packed;

		for (size_t j = 0; j < nx; j++)
			x[j] = (float) (j % 89) / 89.0f - 0.5f;
		for (size_t j = 0; j < nw; j++)
			w[j] = (float) (j % 13) / 130.0f - 0.05f;
		for (int j = 0; j < g[i].cout; j++)
			b[j] = 0.01f * j;
		t0 = now();
		/* as the folded model runs it: small planes from packed weights */
		packed = nn_conv_small_fits(&g[i]) ? nn_conv_small_pack(&g[i], w) : NULL;
		do
		{
			nn_conv_forward_packed(&g[i], batch, x, w, packed, b, SG_NN_ACT_ELU, y, col);
			calls++;
		} while ((dt = now() - t0) < seconds / n);
		sg_free(packed);
		dt /= calls;
		if (batch == 1)
			printf("  conv %2d: %3d -> %3d, %dx%d, %dx%d, stride %d: %7.1f us, %5.1f GFLOP/s\n", i, g[i].cin,
			   g[i].cout, g[i].k, g[i].k, g[i].h, g[i].w, g[i].stride, dt * 1e6, flop / dt / 1e9);
		total_flop += flop;
		total_time += dt;
		free(x);
		free(y);
		free(w);
		free(b);
		free(col);
	}
	printf("convolutions alone, batch %d: %.1f MFLOP per stamp in %.3f ms, %.1f GFLOP/s "
		   "(%.0f%% of the sgemm ceiling now, %.0f%% of the FMA peak now, %.0f%% of 155 GFLOP/s)",
		   batch, total_flop / batch / 1e6, total_time / batch * 1e3, total_flop / total_time / 1e9,
		   100 * total_flop / total_time / ceiling, 100 * total_flop / total_time / peak,
		   100 * total_flop / total_time / 155e9);
	if (batch == 1)
		printf(", %.0f%% of the pass", 100 * total_time / pass_seconds);
	printf("\n");
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	sg_nn_info	info;
	sg_nn_model *raw,
			   *m;
	double		seconds = argc > 2 ? atof(argv[2]) : 5,
				pass_seconds = 0,
				ceiling,
				peak;
	const char *vectors;

	if (argc < 2)
	{
		fprintf(stderr, "usage: bench_model MODEL.sgw [seconds]\n");
		return 2;
	}
	raw = sg_nn_load_file(argv[1], &info, &st);
	m = raw ? sg_nn_model_fold(raw, &st) : NULL;
	if (m == NULL)
	{
		fprintf(stderr, "bench_model: %s\n", st.message);
		return 1;
	}
	printf("%s %s: input %dx%dx%d, %.1f MFLOP per stamp, OpenBLAS kernel %s\n", info.name,
		   info.version, info.nbands, sg_nn_model_spec(m)->in_size, sg_nn_model_spec(m)->in_size,
		   sg_nn_model_flops(m) / 1e6, openblas_get_corename());
	for (int batch = 1; batch <= 64; batch *= 64)
	{
		int			side = sg_nn_model_spec(m)->in_size;
		size_t		n_in = (size_t) batch * sg_nn_input_planes(&info) * side * side;
		float	   *x = malloc(n_in * sizeof(float)),
				   *out = malloc((size_t) batch * sg_nn_model_spec(m)->n_outputs * sizeof(float));
		long		passes = 0;
		double		t0,
					dt;

		for (size_t i = 0; i < n_in; i++)
			x[i] = (float) (i % 97) / 97.0f - 0.5f;
		for (int i = 0; i < 3; i++)
			sg_nn_forward(m, x, batch, false, out, &st);
		t0 = now();
		do
		{
			if (!sg_nn_forward(m, x, batch, false, out, &st))
			{
				fprintf(stderr, "bench_model: %s\n", st.message);
				return 1;
			}
			passes++;
		} while ((dt = now() - t0) < seconds);
		printf("batch %3d: %9.1f stamps/s (%.3f ms per pass, %.1f GFLOP/s)\n", batch,
			   passes * batch / dt, dt / passes * 1e3, passes * batch * sg_nn_model_flops(m) / dt / 1e9);
		if (batch == 1)
			pass_seconds = dt / passes;
		free(x);
		free(out);
	}
	ceiling = sgemm_ceiling(seconds);
	peak = fma_peak(seconds, &vectors);
	printf("FMA peak now: %.1f GFLOP/s (%s); sgemm reaches %.0f%% of it\n", peak / 1e9, vectors,
		   100 * ceiling / peak);
	conv_path(sg_nn_model_spec(m), pass_seconds, seconds, 1, ceiling, peak);
	conv_path(sg_nn_model_spec(m), pass_seconds, seconds, 4, ceiling, peak);
	if (info.task == SG_NN_TASK_CLASSIFICATION)
		score_path(m, &info, seconds);
	sg_nn_model_free(m);
	sg_nn_model_free(raw);
	return 0;
}
