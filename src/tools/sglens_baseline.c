/*
 * sglens_baseline.c — trains and evaluates the classic baseline finder
 * (baseline.h, docs/baseline.md).
 *
 *   sglens-baseline --name NAME --survey LSST --bands g,r,i --input 48
 *                   --seed 1001 --n 20000 --test-seed 9001 --test-n 10000
 *                   --l2 1e-2 --out FILE [--scores OUT] [--png ROC.png]
 *
 * Training uses members 0 .. n−1 of the population of --seed (half lenses,
 * stamps of exactly the input size, no augmentation); evaluation uses
 * members 0 .. test-n−1 of the population of --test-seed, never seen in
 * training — the same held-out set as sglens-eval, whose --baseline option
 * reads the scores this tool writes with --scores (one per line).  Prints
 * AUROC, TPR0 and TPR10 and the time taken.  Deterministic for its
 * arguments.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool_common.h"
#include "sglens/alloc.h"
#include "sglens/baseline.h"
#include "sglens/dataset.h"
#include "sglens/metrics.h"
#include "sglens/survey_presets.h"

#define CHUNK 500

typedef struct options
{
	const char *name;
	const char *version;
	const char *survey;
	const char *bands;
	const char *out;
	const char *scores;
	const char *png;
	int			input;
	int			n;
	int			test_n;
	int			supersampling;
	uint64_t	seed;
	uint64_t	test_seed;
	double		l2;
} options;

static void
usage(void)
{
	fprintf(stderr,
			"usage: sglens-baseline --name NAME --survey NAME --bands a,b --input N --out FILE\n"
			"       [--version V] [--seed S] [--n N] [--test-seed S] [--test-n N] [--l2 X]\n"
			"       [--supersampling S] [--scores OUT] [--png ROC.png]\n");
	exit(2);
}

/* Parse the command line. */
static void
parse(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"name", 1, 0, 'm'}, {"version", 1, 0, 'v'}, {"survey", 1, 0, 'S'},
		{"bands", 1, 0, 'b'}, {"input", 1, 0, 'i'}, {"out", 1, 0, 'o'},
		{"seed", 1, 0, 's'}, {"n", 1, 0, 'n'}, {"test-seed", 1, 0, 't'},
		{"test-n", 1, 0, 'N'}, {"l2", 1, 0, 'l'}, {"supersampling", 1, 0, 'u'},
		{"scores", 1, 0, 'c'}, {"png", 1, 0, 'p'}, {0, 0, 0, 0}
	};
	int			c;

	*o = (options) {
		.version = "v1", .input = 48, .n = 20000, .test_n = 10000, .supersampling = 2,
			.seed = 1001, .test_seed = 9001, .l2 = 1e-2
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'm': o->name = optarg; break;
			case 'v': o->version = optarg; break;
			case 'S': o->survey = optarg; break;
			case 'b': o->bands = optarg; break;
			case 'i': o->input = atoi(optarg); break;
			case 'o': o->out = optarg; break;
			case 's': o->seed = strtoull(optarg, NULL, 10); break;
			case 'n': o->n = atoi(optarg); break;
			case 't': o->test_seed = strtoull(optarg, NULL, 10); break;
			case 'N': o->test_n = atoi(optarg); break;
			case 'l': o->l2 = atof(optarg); break;
			case 'u': o->supersampling = atoi(optarg); break;
			case 'c': o->scores = optarg; break;
			case 'p': o->png = optarg; break;
			default: usage();
		}
	}
	if (!o->name || !o->survey || !o->out || o->n < 2 || o->test_n < 2 || o->input < 8)
		usage();
	if (o->seed == o->test_seed)
	{
		fprintf(stderr, "sglens-baseline: the test population must differ from the training one\n");
		exit(2);
	}
}

/* Simulate members 0 .. n−1 in chunks; their features into feat, labels into y. */
static void
make_features(const sg_dataset_spec *ds, const sg_baseline_spec *bs, int n,
			  float *feat, float *y)
{
	size_t		nf = sg_baseline_feature_count(bs, ds->info.nbands, ds->in_size),
				plane = (size_t) ds->info.nbands * ds->in_size * ds->in_size;
	float	   *x = malloc(sizeof(float) * plane * CHUNK);
	sg_status	st;

	if (x == NULL)
		tool_die("out of memory", NULL);
	sg_status_clear(&st);
	for (int i = 0; i < n; i += CHUNK)
	{
		int			k = n - i < CHUNK ? n - i : CHUNK;

		if (!sg_dataset_fill(ds, i, k, NULL, 0, x, y + i, NULL, &st))
			tool_die("simulating stamps", &st);
		if (!sg_baseline_features(bs, ds->info.nbands, ds->in_size, x, k,
								  feat + (size_t) i * nf, &st))
			tool_die("features", &st);
	}
	free(x);
}

/* Write one score per line. */
static void
write_scores(const char *path, const float *p, int n)
{
	FILE	   *f = fopen(path, "w");

	if (f == NULL)
		tool_die(path, NULL);
	for (int i = 0; i < n; i++)
		fprintf(f, "%.9g\n", p[i]);
	if (fclose(f) != 0)
		tool_die(path, NULL);
}

/* Write the ROC curve of the held-out set as a PNG. */
static void
write_png(const char *path, const char *label, const float *p, const bool *lens, int n)
{
	sg_roc_curve c = {label, p, lens, (size_t) n};
	sg_status	st;
	size_t		len;
	void	   *png;
	FILE	   *f;

	sg_status_clear(&st);
	png = sg_roc_png(&c, 1, 800, 600, &len, &st);
	if (png == NULL)
		tool_die("ROC plot", &st);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(png, 1, len, f) != len || fclose(f) != 0)
		tool_die(path, NULL);
	sg_free(png);
}

int
main(int argc, char **argv)
{
	options		o;
	sg_survey	sv;
	sg_status	st;
	sg_dataset_spec ds;
	sg_baseline_spec bs;
	sg_baseline *m;
	size_t		nf;
	float	   *feat,
			   *y,
			   *p;
	bool	   *lens;
	double		t0 = tool_now(),
				t1,
				t2;

	tool_init("sglens-baseline");

	parse(argc, argv, &o);
	sg_status_clear(&st);
	if (!sg_survey_preset(o.survey, &sv, &st) || (o.bands && !sg_survey_select_bands(&sv, o.bands, &st)))
		tool_die("survey", &st);
	memset(&ds, 0, sizeof(ds));
	ds.survey = &sv;
	tool_finder_info(o.name, o.version, &sv, &ds.info);
	ds.in_size = ds.stamp_size = o.input;
	ds.seed = o.seed;
	ds.lens_fraction = 0.5;
	ds.supersampling = o.supersampling;
	bs = sg_baseline_default_spec(o.input);
	nf = sg_baseline_feature_count(&bs, sv.nbands, o.input);
	printf("%s: %s %s, %d px at %g\"/px, %zu features; training on %d stamps of population %llu\n",
		   o.name, o.survey, o.bands ? o.bands : "(all bands)", o.input, sv.pixel_scale, nf,
		   o.n, (unsigned long long) o.seed);
	fflush(stdout);
	feat = malloc(sizeof(float) * nf * (size_t) (o.n > o.test_n ? o.n : o.test_n));
	y = malloc(sizeof(float) * (size_t) (o.n > o.test_n ? o.n : o.test_n));
	p = malloc(sizeof(float) * (size_t) o.test_n);
	lens = malloc(sizeof(bool) * (size_t) o.test_n);
	if (!feat || !y || !p || !lens)
		tool_die("out of memory", NULL);
	make_features(&ds, &bs, o.n, feat, y);
	t1 = tool_now();
	printf("simulated and featurised %d stamps in %.1f s\n", o.n, t1 - t0);
	fflush(stdout);
	m = sg_baseline_train_features(&ds.info, o.input, &bs, feat, y, o.n, o.l2, &st);
	if (m == NULL)
		tool_die("training", &st);
	t2 = tool_now();
	printf("trained (l2 %g) in %.1f s\n", o.l2, t2 - t1);
	if (!sg_baseline_save_file(m, o.out, &st))
		tool_die("saving", &st);
	/* held-out evaluation */
	ds.seed = o.test_seed;
	make_features(&ds, &bs, o.test_n, feat, y);
	sg_baseline_score_features(m, feat, o.test_n, p);
	for (int i = 0; i < o.test_n; i++)
		lens[i] = y[i] > 0.5f;
	printf("held-out population %llu, %d stamps: AUROC %.4f, TPR0 %.3f, TPR10 %.3f\n",
		   (unsigned long long) o.test_seed, o.test_n, sg_auroc(p, lens, o.test_n),
		   sg_tpr_before_fp(p, lens, o.test_n, 1), sg_tpr_before_fp(p, lens, o.test_n, 10));
	printf("total %.1f s (training set %.1f s, fit %.1f s, evaluation %.1f s)\n",
		   tool_now() - t0, t1 - t0, t2 - t1, tool_now() - t2);
	if (o.scores)
		write_scores(o.scores, p, o.test_n);
	if (o.png)
		write_png(o.png, o.name, p, lens, o.test_n);
	sg_baseline_free(m);
	free(feat);
	free(y);
	free(p);
	free(lens);
	return 0;
}
