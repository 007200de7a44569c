/*
 * sglens_modeleval.c — held-out evaluation of lens modelling.
 *
 *   sglens-modeleval --survey LSST --bands g,r,i --size 48 --seed 9101
 *                     --n 2000 --rows FILE [--weights MODELLER.sgw]
 *                     [--methods cnn,fit,cnn+fit] [--max-iterations N]
 *                     [--max-knots K] [--statistical-errors] [--calibrate OUT.sgw]
 *                     [--light FILE]
 *
 * Simulates members 0 .. n−1 of a population of lenses (the sampler with
 * lens fraction 1, never used in training), models each with every method
 * the way lens_model() does, and appends one tab-separated row per member
 * and method to FILE:
 *   id method arc_snr clumps seconds converged chi2 knots truth×7 estimate×7 error×7
 * (clumps: 1 when the source is a clumpy star-forming galaxy, 0 when smooth;
 * knots: source knots the fit added).  With --calibrate the 'cnn' rows are
 * the network's own estimates, which the calibration scales; otherwise, as
 * in lens_model, a model trained without the lens light has the fitted
 * light's centre and ellipticity folded in (sg_nn_add_lens_light).
 * With --light, a modeller trained without the lens light also writes, per
 * member, to that file (overwritten): id, the subtraction's arc_snr, the
 * truth×7, the network's own mean×7 and σ×7, and the fitted light's e1, e2,
 * center_x, center_y and their statistical 1σ (the input of
 * bench/light_floor.py, which measures sg_nn_add_lens_light's constants;
 * give it a fresh rows FILE, as only members modelled now get a row).
 * Rows already in FILE are kept and not recomputed, so a killed run goes on
 * where it stopped.  Then it prints, as Markdown, per method and arc S/N
 * bin (and for smooth and clumpy sources at S/N >= 20): the fraction converged, the median and 68% interval of the θ_E
 * relative error, the median absolute errors of e1, e2, the centre and the
 * shear, how often the quoted 1σ errors cover the truth, and the median time.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_common.h"
#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/fit.h"
#include "sglens/nn_input.h"
#include "sglens/nn_predict.h"
#include "sglens/simulate.h"
#include "sglens/survey_presets.h"

#define K SG_LENS_NPARAMS
#define NMETHODS 3

static const char *const method_names[NMETHODS] = {"cnn", "fit", "cnn+fit"};

typedef struct options
{
	const char *survey;
	const char *bands;
	const char *weights;
	const char *rows;
	const char *methods;
	int			size;
	int			n;
	int			max_iterations;
	int			max_knots;
	bool		statistical;	/* write the fit's statistical errors, without the floors */
	const char *calibrated;		/* write the CNN calibrated on these lenses here */
	const char *light;			/* write the network's own and the light's estimates here */
	uint64_t	seed;
} options;

typedef struct row
{
	int			id;
	int			method;
	double		snr,
				seconds;
	int			clumpy;			/* 1: clumpy source, 0: smooth */
	int			converged;		/* 1, 0, or −1 (not a fit) */
	double		chi2;
	int			knots;			/* source knots in the fit (0 for 'cnn') */
	double		truth[K],
				est[K],
				err[K];
} row;

static void
usage(void)
{
	fprintf(stderr,
			"usage: sglens-modeleval --survey NAME --bands a,b --size N --seed S --n N --rows FILE\n"
			"       [--weights MODELLER.sgw] [--methods cnn,fit,cnn+fit] [--max-iterations N]\n"
			"       [--max-knots K] [--statistical-errors] [--calibrate OUT.sgw] [--light FILE]\n");
	exit(2);
}

static void
parse_options(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"survey", 1, 0, 'S'}, {"bands", 1, 0, 'b'}, {"size", 1, 0, 'z'},
		{"seed", 1, 0, 's'}, {"n", 1, 0, 'n'}, {"rows", 1, 0, 'r'},
		{"weights", 1, 0, 'w'}, {"methods", 1, 0, 'm'}, {"max-iterations", 1, 0, 'i'},
		{"max-knots", 1, 0, 'k'}, {"statistical-errors", 0, 0, 'E'}, {"calibrate", 1, 0, 'C'},
		{"light", 1, 0, 'L'}, {0, 0, 0, 0}
	};
	int			c;

	*o = (options)
	{
		.methods = "cnn,fit,cnn+fit", .size = 48, .n = 2000, .max_iterations = 400,
			.max_knots = SG_FIT_MAX_KNOTS, .seed = 9101
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'S':
				o->survey = optarg;
				break;
			case 'b':
				o->bands = optarg;
				break;
			case 'z':
				o->size = atoi(optarg);
				break;
			case 's':
				o->seed = strtoull(optarg, NULL, 10);
				break;
			case 'n':
				o->n = atoi(optarg);
				break;
			case 'r':
				o->rows = optarg;
				break;
			case 'w':
				o->weights = optarg;
				break;
			case 'm':
				o->methods = optarg;
				break;
			case 'i':
				o->max_iterations = atoi(optarg);
				break;
			case 'k':
				o->max_knots = atoi(optarg);
				break;
			case 'E':
				o->statistical = true;
				break;
			case 'C':
				o->calibrated = optarg;
				break;
			case 'L':
				o->light = optarg;
				break;
			default:
				usage();
		}
	}
	if (!o->survey || !o->bands || !o->rows || o->n < 1 || o->size < 16)
		usage();
}

/* Whether the comma-separated list has the method. */
static bool
wants(const options *o, int method)
{
	char		list[256];

	snprintf(list, sizeof(list), ",%s,", o->methods);
	for (char *p = list; (p = strstr(p, method_names[method])) != NULL; p++)
		if (p[-1] == ',' && p[strlen(method_names[method])] == ',')
			return true;
	return false;
}

/* Read the rows already computed; *n gets their count. */
static row *
read_rows(const char *path, int *n)
{
	FILE	   *f = fopen(path, "r");
	row		   *rows = NULL;
	int			cap = 0;
	char		method[16];

	*n = 0;
	if (f == NULL)
		return NULL;
	for (;;)
	{
		row			r;
		int			got;

		got = fscanf(f, "%d %15s %lf %d %lf %d %lf %d", &r.id, method, &r.snr, &r.clumpy, &r.seconds,
					 &r.converged, &r.chi2, &r.knots) - 1;
		for (int k = 0; got == 7 && k < 3 * K; k++)
			got += fscanf(f, "%lf", k < K ? &r.truth[k] : k < 2 * K ? &r.est[k - K] : &r.err[k - 2 * K]) - 1;
		if (got != 7)
			break;
		r.method = -1;
		for (int m = 0; m < NMETHODS; m++)
			if (strcmp(method, method_names[m]) == 0)
				r.method = m;
		if (r.method < 0)
			continue;
		if (*n == cap)
		{
			cap = cap ? 2 * cap : 1024;
			rows = realloc(rows, cap * sizeof(row));
		}
		rows[(*n)++] = r;
	}
	fclose(f);
	return rows;
}

static void
write_row(FILE *f, const row *r)
{
	fprintf(f, "%d\t%s\t%.4g\t%d\t%.4g\t%d\t%.6g\t%d", r->id, method_names[r->method], r->snr,
			r->clumpy, r->seconds, r->converged, r->chi2, r->knots);
	for (int k = 0; k < K; k++)
		fprintf(f, "\t%.6g", r->truth[k]);
	for (int k = 0; k < K; k++)
		fprintf(f, "\t%.6g", r->est[k]);
	for (int k = 0; k < K; k++)
		fprintf(f, "\t%.6g", r->err[k]);
	fprintf(f, "\n");
	fflush(f);
}

static bool
done_already(const row *rows, int n, int id, int method)
{
	for (int i = n - 1; i >= 0; i--)
		if (rows[i].id == id && rows[i].method == method)
			return true;
	return false;
}

/*
 * One --light row: the network's own estimate of member id and the fitted
 * light's, before sg_nn_add_lens_light combines them.
 */
static void
write_light_row(FILE *f, int id, const double *truth, const double *mean, const double *sigma,
				const sg_fit_result *light)
{
	static const int light_params[] = {15, 16, 3, 4};	/* e1, e2, center_x, center_y */

	fprintf(f, "%d\t%.5g", id, light->arc_snr);
	for (int k = 0; k < 3 * K; k++)
		fprintf(f, "\t%.6g", k < K ? truth[k] : k < 2 * K ? mean[k - K] : sigma[k - 2 * K]);
	for (int k = 0; k < 8; k++)
		fprintf(f, "\t%.6g", k < 4 ? light->params[light_params[k]] :
				light->stat_errors[light_params[k - 4]]);
	fprintf(f, "\n");
}

/* Model member id with every wanted method; append the rows. */
static void
model_member(const options *o, const sg_survey *sv, sg_dataset_spec *spec, sg_nn_model *cnn,
			 int id, const row *rows, int nrows, FILE *out, FILE *light_out)
{
	sg_status	st = {0};
	sg_scene   *scene = malloc(sizeof(sg_scene));
	sg_sample_kind kind;
	sg_simulate_options so = sg_simulate_defaults();
	sg_fit_options fo = sg_fit_defaults();
	sg_dataset_meta meta;
	float	   *x = malloc((size_t) sg_nn_input_planes(&spec->info) * o->size * o->size * sizeof(float));
	float		y[K];
	double		mean[K],
				sigma[K];
	sg_image   *img;
	sg_fit_result light;
	bool		have_cnn = false;
	double		prepare_seconds = 0;
	sg_dataset_spec meta_spec = *spec;

	/* the member's truth and S/N (the plain input is enough; the CNN's own
	 * input is prepared from the stamp below, timed) */
	meta_spec.info.norm = SG_NN_NORM_NOISE;
	if (!sg_dataset_fill(&meta_spec, id, 1, NULL, 0, x, y, &meta, &st) ||
		!sg_sample_scene(sv, o->seed, id, 1.0, 0.5 * o->size * sv->pixel_scale, scene, &kind, &st))
		tool_die("simulating", &st);
	so.size = o->size;
	so.seed = sg_member_seed(o->seed, id);
	img = sg_simulate(scene, sv, &so, &st);
	if (img == NULL)
		tool_die("simulating", &st);
	/* the CNN's input, from the stamp, timed as lens_model prepares it (the
	 * dataset simulates the same stamp) */
	if (cnn)
	{
		double		t0 = tool_now();

		if (!sg_nn_prepare_input_fit(img, &spec->info, o->size, NULL, x, &light, &st))
			tool_die("CNN input", &st);
		prepare_seconds = tool_now() - t0;
	}
	for (int b = 0; b < sv->nbands; b++)
		fo.exposure[b] = sv->bands[b].exposure_time * sv->bands[b].n_exposures;
	fo.max_iterations = o->max_iterations;
	fo.max_knots = o->max_knots;
	for (int m = 0; m < NMETHODS; m++)
	{
		row			r = {.id = id,.method = m,.snr = meta.arc_snr,.clumpy = scene->n_source > 1,
		.converged = -1,.chi2 = NAN};
		double		t0 = tool_now();

		if (!wants(o, m) || (m != 1 && cnn == NULL) || done_already(rows, nrows, id, m))
			continue;
		memcpy(r.truth, meta.params, sizeof(r.truth));
		if (m != 1 && !have_cnn)
		{
			if (!sg_nn_predict_lens(cnn, x, mean, sigma, &st))
				tool_die("CNN", &st);
			if (light_out && light.nbands > 0)
				write_light_row(light_out, id, meta.params, mean, sigma, &light);
			/* as lens_model does, but the calibration scales the network's own */
			if (!o->calibrated)
				sg_nn_add_lens_light(&spec->info, &light, mean, sigma);
			have_cnn = true;
		}
		if (m == 0)
		{
			memcpy(r.est, mean, sizeof(mean));
			memcpy(r.err, sigma, sizeof(sigma));
		}
		else
		{
			sg_fit_result res;

			fo.has_start = fo.has_prior = m == 2;
			memcpy(fo.start, mean, sizeof(mean));
			memcpy(fo.prior_mean, mean, sizeof(mean));
			memcpy(fo.prior_sigma, sigma, sizeof(sigma));
			if (!sg_fit_lens(img, &fo, &res, &st))
				tool_die("fit", &st);
			memcpy(r.est, res.params, sizeof(r.est));
			memcpy(r.err, o->statistical ? res.stat_errors : res.errors, sizeof(r.err));
			r.converged = res.converged;
			r.chi2 = res.chi2_reduced;
			r.knots = res.n_knots;
		}
		r.seconds = tool_now() - t0 + (m != 1 ? prepare_seconds : 0);
		write_row(out, &r);
	}
	sg_free(img);
	free(scene);
	free(x);
}

/* The q-quantile of v[0..n) (sorted in place); NaN when empty. */
static double
quantile(double *v, int n, double q)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(double), tool_cmp_double);
	return v[(int) fmin(n - 1, floor(q * n))];
}

/*
 * One Markdown row of statistics over the rows of a method within an S/N
 * bin (and with clumpy 0 or 1, only smooth or clumpy sources; −1: all).
 */
static void
summary_row(const row *rows, int n, int method, double lo, double hi, int clumpy, const char *bin)
{
	double	   *rel = malloc(n * sizeof(double)),
			   *e1 = malloc(n * sizeof(double)),
			   *e2 = malloc(n * sizeof(double)),
			   *cen = malloc(n * sizeof(double)),
			   *shear = malloc(n * sizeof(double)),
			   *secs = malloc(n * sizeof(double));
	int			m = 0,
				total = 0,
				covered[K] = {0};
	double		cov_min = 1,
				cov_max = 0;

	for (int i = 0; i < n; i++)
	{
		const row  *r = &rows[i];

		if (r->method != method || !(r->snr >= lo && r->snr < hi) || (clumpy >= 0 && r->clumpy != clumpy))
			continue;
		total++;
		secs[total - 1] = r->seconds;
		if (r->converged == 0)
			continue;
		rel[m] = r->est[0] / r->truth[0] - 1;
		e1[m] = fabs(r->est[1] - r->truth[1]);
		e2[m] = fabs(r->est[2] - r->truth[2]);
		cen[m] = hypot(r->est[3] - r->truth[3], r->est[4] - r->truth[4]);
		shear[m] = hypot(r->est[5] - r->truth[5], r->est[6] - r->truth[6]);
		for (int k = 0; k < K; k++)
			covered[k] += fabs(r->est[k] - r->truth[k]) <= r->err[k];
		m++;
	}
	for (int k = 0; k < K && m > 0; k++)
	{
		cov_min = fmin(cov_min, (double) covered[k] / m);
		cov_max = fmax(cov_max, (double) covered[k] / m);
	}
	if (total == 0)
		printf("| %s | %s | 0 | | | | | | | | | |\n", method_names[method], bin);
	else
	{
		double		q16 = quantile(rel, m, 0.16),
					q84 = quantile(rel, m, 0.84),
					med = quantile(rel, m, 0.5);

		for (int i = 0; i < m; i++)
			rel[i] = fabs(rel[i]);
		printf("| %s | %s | %d | %.0f%% | %+.4f | [%+.3f, %+.3f] | %.4f | %.3f / %.3f | %.3f\" | %.3f | %.0f%% (%.0f–%.0f%%) | %.3g s |\n",
			   method_names[method], bin, total, 100.0 * m / total, med, q16, q84,
			   quantile(rel, m, 0.5), quantile(e1, m, 0.5), quantile(e2, m, 0.5),
			   quantile(cen, m, 0.5), quantile(shear, m, 0.5),
			   m ? 100.0 * covered[0] / m : NAN, 100 * cov_min, 100 * cov_max,
			   quantile(secs, total, 0.5));
	}
	free(rel);
	free(e1);
	free(e2);
	free(cen);
	free(shear);
	free(secs);
}

static void
print_summary(const options *o, const row *rows, int n)
{
	static const double edges[] = {0, 10, 20, 50, 100, INFINITY};
	static const char *const names[] = {"< 10", "10–20", "20–50", "50–100", ">= 100"};

	printf("Held-out lenses: members 0..%d of the %s %s population with seed %llu, %dx%d stamps, "
		   "lens light present; %d rows in %s.\n\n", o->n - 1, o->survey, o->bands,
		   (unsigned long long) o->seed, o->size, o->size, n, o->rows);
	printf("θ_E rel. error = estimate / truth − 1 (median, 16th–84th percentile, median |·|); "
		   "other columns are median absolute errors; coverage = how often |estimate − truth| "
		   "<= the quoted 1σ (θ_E, then the range over the seven parameters; 68%% is calibrated). "
		   "Statistics are over converged fits ('cnn' always counts).\n\n");
	printf("| method | arc S/N | stamps | converged | θ_E rel. error | 68%% interval | median |rel.| | e1 / e2 | centre | shear | 1σ coverage | time |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (int m = 0; m < NMETHODS; m++)
	{
		bool		any = false;

		for (int i = 0; i < n && !any; i++)
			any = rows[i].method == m;
		if (!any)
			continue;
		for (int b = 0; b < 5; b++)
			summary_row(rows, n, m, edges[b], edges[b + 1], -1, names[b]);
		summary_row(rows, n, m, 20, INFINITY, -1, "**>= 20**");
		summary_row(rows, n, m, 20, INFINITY, 0, ">= 20, smooth source");
		summary_row(rows, n, m, 20, INFINITY, 1, ">= 20, clumpy source");
		summary_row(rows, n, m, -INFINITY, INFINITY, -1, "all");
	}
}

/*
 * --calibrate: fit two corrections of the CNN on these lenses ('cnn' rows,
 * calibration seeds, never the evaluation's) and write the modeller with
 * them folded into its last dense layer: θ_E's mean scaled by a = the
 * median of truth / estimate (the CNN's estimates are pulled low and
 * toward the population's mean), and each σ scaled by s_k, the 68.27th
 * percentile of |error| / σ after that scaling, so that the quoted 1σ
 * covers 68.27% of these lenses (sg_nn_calibrate_lens).
 */
static void
write_calibrated(const options *o, const row *rows, int nrows)
{
	sg_status	st = {0};
	sg_nn_info	info;
	sg_nn_model *m = sg_nn_load_file(o->weights, &info, &st);
	double	   *v = malloc(sizeof(double) * (nrows + 1)),
				a,
				s[K],
				scale[K];
	int			n = 0;

	if (m == NULL)
		tool_die(o->weights, &st);
	for (int i = 0; i < nrows; i++)
		if (rows[i].method == 0)
			v[n++] = rows[i].truth[0] / rows[i].est[0];
	if (n < 100)
	{
		fprintf(stderr, "sglens-modeleval: --calibrate needs at least 100 'cnn' rows, got %d\n", n);
		exit(2);
	}
	a = quantile(v, n, 0.5);
	for (int k = 0; k < K; k++)
	{
		n = 0;
		for (int i = 0; i < nrows; i++)
			if (rows[i].method == 0)
				v[n++] = fabs(rows[i].est[k] * (k == 0 ? a : 1) - rows[i].truth[k]) / rows[i].err[k];
		s[k] = quantile(v, n, 0.6827);
	}
	for (int k = 0; k < K; k++)
		scale[k] = k == 0 ? a : 1.0;
	if (!sg_nn_calibrate_lens(m, scale, s, &st))
		tool_die(o->weights, &st);
	if (!sg_nn_save_file(m, &info, o->calibrated, &st))
		tool_die(o->calibrated, &st);
	printf("calibrated on %d lenses: theta_E x %.4f; sigma x", n, a);
	for (int k = 0; k < K; k++)
		printf(" %.3f", s[k]);
	printf(" (theta_E, e1, e2, center_x, center_y, gamma1, gamma2); wrote %s\n", o->calibrated);
	free(v);
	sg_nn_model_free(m);
}

int
main(int argc, char **argv)
{
	options		o;
	sg_status	st = {0};
	sg_survey	sv;
	sg_nn_info	info;
	sg_nn_model *cnn = NULL;
	sg_dataset_spec spec;
	row		   *rows;
	int			nrows;
	FILE	   *out,
			   *light = NULL;

	tool_init("sglens-modeleval");
	parse_options(argc, argv, &o);
	if (!sg_survey_preset(o.survey, &sv, &st) || !sg_survey_select_bands(&sv, o.bands, &st))
		tool_die("survey", &st);
	tool_finder_info("eval", "1", &sv, &info);
	info.task = SG_NN_TASK_REGRESSION;
	if (o.weights)
	{
		sg_nn_model *raw = sg_nn_load_file(o.weights, &info, &st);

		if (raw == NULL || (cnn = sg_nn_model_fold(raw, &st)) == NULL)
			tool_die(o.weights, &st);
		if (sg_nn_model_spec(raw)->in_size != o.size)
		{
			fprintf(stderr, "sglens-modeleval: the model takes %d pixels, not --size %d\n",
					sg_nn_model_spec(raw)->in_size, o.size);
			return 2;
		}
		sg_nn_model_free(raw);
	}
	spec = (sg_dataset_spec)
	{
		&sv, info, o.size, o.size, o.seed, 1.0, 2
	};
	rows = read_rows(o.rows, &nrows);
	out = fopen(o.rows, "a");
	if (out == NULL)
		tool_die(o.rows, NULL);
	if (o.light && (light = fopen(o.light, "w")) == NULL)
		tool_die(o.light, NULL);
	for (int id = 0; id < o.n; id++)
		model_member(&o, &sv, &spec, cnn, id, rows, nrows, out, light);
	fclose(out);
	if (light && fclose(light) != 0)
		tool_die(o.light, NULL);
	free(rows);
	rows = read_rows(o.rows, &nrows);
	print_summary(&o, rows, nrows);
	if (o.calibrated)
		write_calibrated(&o, rows, nrows);
	free(rows);
	sg_nn_model_free(cnn);
	return 0;
}
