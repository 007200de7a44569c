/*
 * sglens_eval.c — held-out evaluation of a lens-finding model.
 *
 *   sglens-eval --weights FILE --survey LSST [--n 10000] [--seed 9001]
 *               [--png roc.png] [--baseline SCORES] [--scores OUT]
 *               [--canonical | --adaptive T]
 *
 * Simulates n members of a population (half lenses; the other half the
 * sampler's non-lenses, hard negatives included) never used in training,
 * scores them the way lens_score() does (folded model, mean over the four
 * 90° rotations) and prints, as Markdown: AUROC, TPR0 and TPR10 overall;
 * the same binned by Einstein radius and by the arc's signal-to-noise ratio
 * (the lenses of a bin against all non-lenses); and the false-positive rate
 * at p > 0.5 per kind of non-lens.  --png draws the ROC curve; --baseline
 * adds another finder's curve from a file of scores (one per line, for
 * members 0 .. n−1 of the same population), e.g. the classic baseline's;
 * --scores writes this model's scores in that format; --canonical scores
 * with one pass in the canonical orientation (sg_nn_score_canonical);
 * --adaptive T with one pass, and four where that pass gives at least T
 * (sg_nn_score_adaptive), and reports the mean number of passes.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_common.h"
#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/metrics.h"
#include "sglens/nn_score.h"
#include "sglens/survey_presets.h"

#define CHUNK 250

typedef struct options
{
	const char *weights;
	const char *survey;
	const char *png;
	const char *baseline;
	const char *scores_out;
	const char *label;
	bool		canonical;		/* one pass in the canonical orientation, not four rotations */
	float		adaptive;		/* > 0: four passes where one gives at least this */
	int			n;
	int			supersampling;
	uint64_t	seed;
} options;

typedef struct results
{
	int			n;
	float	   *score;
	long		passes;			/* summed over the members */
	bool	   *label;
	sg_dataset_meta *meta;
} results;

static void
usage(void)
{
	fprintf(stderr,
			"usage: sglens-eval --weights FILE --survey NAME [--n N] [--seed S]\n"
			"       [--supersampling S] [--png FILE] [--baseline SCORES] [--scores OUT]\n"
			"       [--label TEXT] [--canonical | --adaptive T]\n");
	exit(2);
}

static void
parse_options(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"weights", 1, 0, 'w'}, {"survey", 1, 0, 'S'}, {"n", 1, 0, 'n'},
		{"seed", 1, 0, 's'}, {"supersampling", 1, 0, 'u'}, {"png", 1, 0, 'p'},
		{"baseline", 1, 0, 'b'}, {"scores", 1, 0, 'o'}, {"label", 1, 0, 'l'},
		{"canonical", 0, 0, 'c'}, {"adaptive", 1, 0, 'a'}, {0, 0, 0, 0}
	};
	int			c;

	*o = (options)
	{
		.n = 10000, .supersampling = 2, .seed = 9001, .label = "CNN"
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'w':
				o->weights = optarg;
				break;
			case 'S':
				o->survey = optarg;
				break;
			case 'n':
				o->n = atoi(optarg);
				break;
			case 's':
				o->seed = strtoull(optarg, NULL, 10);
				break;
			case 'u':
				o->supersampling = atoi(optarg);
				break;
			case 'p':
				o->png = optarg;
				break;
			case 'b':
				o->baseline = optarg;
				break;
			case 'o':
				o->scores_out = optarg;
				break;
			case 'l':
				o->label = optarg;
				break;
			case 'c':
				o->canonical = true;
				break;
			case 'a':
				o->adaptive = strtof(optarg, NULL);
				if (!(o->adaptive > 0 && o->adaptive <= 1))
					usage();
				break;
			default:
				usage();
		}
	}
	if (!o->weights || !o->survey || o->n < 2)
		usage();
}

/* The survey restricted to the model's bands, in the model's order. */
static void
model_survey(const options *o, const sg_nn_info *info, sg_survey *sv)
{
	char		list[SG_NN_MAX_BANDS * SG_BAND_NAME_LEN] = "";
	sg_status	st = {0};

	for (int b = 0; b < info->nbands; b++)
	{
		if (b)
			strcat(list, ",");
		strcat(list, info->bands[b]);
	}
	if (!sg_survey_preset(o->survey, sv, &st) || !sg_survey_select_bands(sv, list, &st))
		tool_die("survey", &st);
}

/* Simulate and score every member, CHUNK at a time. */
static void
score_all(const options *o, sg_nn_model *m, const sg_nn_info *info, results *r)
{
	sg_survey	sv;
	sg_dataset_spec spec;
	sg_status	st = {0};
	int			size = sg_nn_model_spec(m)->in_size;
	size_t		plane = (size_t) sg_nn_input_planes(info) * size * size;
	float	   *x = malloc(CHUNK * plane * sizeof(float));
	float		y[CHUNK];

	model_survey(o, info, &sv);
	spec = (sg_dataset_spec)
	{
		&sv, *info, size, size, o->seed, 0.5, o->supersampling
	};
	r->n = o->n;
	r->passes = 0;
	r->score = malloc(o->n * sizeof(float));
	r->label = malloc(o->n * sizeof(bool));
	r->meta = malloc(o->n * sizeof(sg_dataset_meta));
	for (int i = 0; i < o->n; i += CHUNK)
	{
		int			k = o->n - i < CHUNK ? o->n - i : CHUNK;

		if (!sg_dataset_fill(&spec, i, k, NULL, 0, x, y, r->meta + i, &st))
			tool_die("simulating the held-out set", &st);
		for (int j = 0; j < k; j++)
		{
			int			used;

			if (!sg_nn_score(m, x + j * plane, sg_nn_input_planes(info), size,
							 o->adaptive > 0 ? 0 : o->canonical ? 1 : 4, o->adaptive,
							 &r->score[i + j], &used, &st))
				tool_die("scoring", &st);
			r->passes += used;
			r->label[i + j] = y[j] > 0.5f;
		}
	}
	free(x);
}

/* One Markdown row: the lenses selected by keep[] against all non-lenses. */
static void
print_row(const char *name, const results *r, const bool *keep)
{
	float	   *s = malloc(r->n * sizeof(float));
	bool	   *l = malloc(r->n * sizeof(bool));
	size_t		n = 0;
	int			lenses = 0;

	for (int i = 0; i < r->n; i++)
		if (!r->label[i] || keep[i])
		{
			s[n] = r->score[i];
			l[n] = r->label[i];
			lenses += r->label[i];
			n++;
		}
	if (lenses == 0)
		printf("| %s | 0 | – | – | – |\n", name);
	else
		printf("| %s | %d | %.4f | %.3f | %.3f |\n", name, lenses, sg_auroc(s, l, n),
			   sg_tpr_before_fp(s, l, n, 1), sg_tpr_before_fp(s, l, n, 10));
	free(s);
	free(l);
}

/* Rows for lenses with lo <= value < hi, for a list of bin edges. */
static void
print_bins(const char *what, const char *unit, const results *r, const double *edges,
		   int nedges, bool use_theta)
{
	bool	   *keep = malloc(r->n * sizeof(bool));

	printf("\n| %s | lenses | AUROC | TPR0 | TPR10 |\n|---|---|---|---|---|\n", what);
	for (int e = 0; e <= nedges; e++)
	{
		double		lo = e == 0 ? -INFINITY : edges[e - 1],
					hi = e == nedges ? INFINITY : edges[e];
		char		name[64];

		for (int i = 0; i < r->n; i++)
		{
			double		v = use_theta ? r->meta[i].theta_e : r->meta[i].arc_snr;

			keep[i] = r->label[i] && v >= lo && v < hi;
		}
		if (e == 0)
			snprintf(name, sizeof(name), "< %g%s", hi, unit);
		else if (e == nedges)
			snprintf(name, sizeof(name), ">= %g%s", lo, unit);
		else
			snprintf(name, sizeof(name), "%g–%g%s", lo, hi, unit);
		print_row(name, r, keep);
	}
	free(keep);
}

/* False-positive rate at p > 0.5 for each kind of non-lens. */
static void
print_kinds(const results *r)
{
	printf("\n| non-lens kind | stamps | FPR at p > 0.5 | median score |\n|---|---|---|---|\n");
	for (int k = 1; k < SG_N_KINDS; k++)
	{
		int			n = 0,
					fp = 0;
		float	   *v = malloc(r->n * sizeof(float));

		for (int i = 0; i < r->n; i++)
			if (r->meta[i].kind == (sg_sample_kind) k)
			{
				v[n++] = r->score[i];
				fp += r->score[i] > 0.5f;
			}
		for (int i = 1; i < n; i++)		/* insertion sort: a few thousand */
			for (int j = i; j > 0 && v[j - 1] > v[j]; j--)
			{
				float		t = v[j];

				v[j] = v[j - 1];
				v[j - 1] = t;
			}
		if (n)
			printf("| %s | %d | %.4f | %.2g |\n", sg_sample_kind_name(k), n, (double) fp / n, v[n / 2]);
		free(v);
	}
}

/* Read n scores (one per line) written for the same population. */
static float *
read_scores(const char *path, int n)
{
	FILE	   *f = fopen(path, "r");
	float	   *s;

	if (f == NULL)
	{
		fprintf(stderr, "sglens-eval: no baseline scores at %s; skipping the baseline\n", path);
		return NULL;
	}
	s = malloc(n * sizeof(float));
	for (int i = 0; i < n; i++)
		if (fscanf(f, "%f", &s[i]) != 1)
		{
			fprintf(stderr, "sglens-eval: %s has fewer than %d scores; skipping the baseline\n", path, n);
			free(s);
			fclose(f);
			return NULL;
		}
	fclose(f);
	return s;
}

/* The ROC plot of this model and, when given, the baseline. */
static void
write_png(const options *o, const results *r, const sg_nn_info *info)
{
	sg_roc_curve c[2];
	int			nc = 1;
	float	   *base = o->baseline ? read_scores(o->baseline, r->n) : NULL;
	sg_status	st = {0};
	size_t		len;
	void	   *png;
	FILE	   *f;

	c[0] = (sg_roc_curve)
	{
		info->name, r->score, r->label, (size_t) r->n
	};
	if (base)
	{
		c[1] = (sg_roc_curve)
		{
			"classic baseline", base, r->label, (size_t) r->n
		};
		nc = 2;
		printf("\nclassic baseline: AUROC %.4f, TPR0 %.3f, TPR10 %.3f\n",
			   sg_auroc(base, r->label, r->n), sg_tpr_before_fp(base, r->label, r->n, 1),
			   sg_tpr_before_fp(base, r->label, r->n, 10));
	}
	png = sg_roc_png(c, nc, 800, 600, &len, &st);
	if (png == NULL)
		tool_die("ROC plot", &st);
	f = fopen(o->png, "wb");
	if (f == NULL || fwrite(png, 1, len, f) != len || fclose(f) != 0)
		tool_die(o->png, NULL);
	sg_free(png);
	free(base);
}

int
main(int argc, char **argv)
{
	static const double theta_edges[] = {0.8, 1.2, 1.8};
	static const double snr_edges[] = {20, 50, 100, 200};
	options		o;
	sg_status	st = {0};
	sg_nn_info	info;
	sg_nn_model *raw,
			   *m;
	results		r;
	bool	   *all;
	double		t0 = tool_now();

	tool_init("sglens-eval");

	parse_options(argc, argv, &o);
	raw = sg_nn_load_file(o.weights, &info, &st);
	if (raw == NULL)
		tool_die(o.weights, &st);
	m = sg_nn_model_fold(raw, &st);
	if (m == NULL)
		tool_die("folding", &st);
	score_all(&o, m, &info, &r);
	printf("Model `%s` version %s (%s, bands", info.name, info.version, o.weights);
	for (int b = 0; b < info.nbands; b++)
		printf(" %s", info.bands[b]);
	printf(", %g\"/px, %dx%d input, %.1f MFLOP/stamp): %d held-out stamps of the %s "
		   "population with seed %llu (%.0f s)\n",
		   info.pixel_scale, sg_nn_model_spec(m)->in_size, sg_nn_model_spec(m)->in_size,
		   sg_nn_model_flops(m) / 1e6, r.n, o.survey, (unsigned long long) o.seed, tool_now() - t0);
	printf("\nScores: %s; %.3f passes per stamp on average.\n",
		   o.adaptive > 0 ? "one pass in the canonical orientation, the mean over the four rotations where that gives at least the threshold" :
		   o.canonical ? "one pass in the canonical orientation" : "the mean over the four rotations",
		   (double) r.passes / r.n);
	if (o.adaptive > 0)
		printf("Threshold: %g.\n", o.adaptive);
	all = malloc(r.n * sizeof(bool));
	for (int i = 0; i < r.n; i++)
		all[i] = true;
	printf("\n| lenses | number | AUROC | TPR0 | TPR10 |\n|---|---|---|---|---|\n");
	print_row("all", &r, all);
	print_bins("θ_E", "\"", &r, theta_edges, 3, true);
	print_bins("arc S/N", "", &r, snr_edges, 4, false);
	print_kinds(&r);
	fflush(stdout);
	if (o.png)
		write_png(&o, &r, &info);
	if (o.scores_out)
	{
		FILE	   *f = fopen(o.scores_out, "w");

		if (f == NULL)
			tool_die(o.scores_out, NULL);
		for (int i = 0; i < r.n; i++)
			fprintf(f, "%.9g\n", r.score[i]);
		fclose(f);
	}
	sg_nn_model_free(m);
	sg_nn_model_free(raw);
	free(all);
	return 0;
}
