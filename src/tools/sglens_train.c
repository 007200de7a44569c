/*
 * sglens_train.c — the command-line trainer of lens finders and modellers.
 *
 *   sglens-train --model NAME --survey LSST --bands g,r,i --input 48
 *                --seed S --steps N --batch B --lr 2e-3 --out FILE
 *                --checkpoint DIR [--resume] [--task finder|modeller]
 *
 * A finder (the default) learns lens / not a lens with the cross-entropy of
 * one logit on a population with half lenses.  A modeller learns the
 * SG_LENS_NPARAMS lens parameters (dataset.h) of a population of lenses
 * only, as a mean and a log-variance each, with the Gaussian negative
 * log-likelihood; the augmentation moves the targets with the pixels.
 * --lens-light subtract trains on stamps whose fitted lens light was
 * subtracted, --lens-light marked on those and a plane marking where the
 * lens galaxy is and how it is oriented (the model then asks for the same at
 * inference; nn_input.h); --subtract-lens-light is the second.  The default,
 * keep, takes the stamps as they are.  --nll-beta B weights each term's
 * gradient by its σ^(2B) (β-NLL; the default 0 is the plain NLL).
 *
 * Every batch is fresh members of the population (seed): step s uses ids
 * s·B .. s·B+B−1, augmented (flips, 90° rotations, shifts of up to --shift
 * pixels) with a generator seeded from (seed, step), so a run never repeats a
 * stamp and is the same however often it is interrupted.  A held-out set of
 * another population (seed + 1) is scored every --eval-every steps.  The
 * learning rate warms up linearly and then follows a cosine to lr/50.
 *
 * Checkpoints (every --checkpoint-every steps, in DIR): NAME.sgw, the model
 * in the weights format, and NAME.state, the optimiser:
 *   "SGTRAIN1" (8 bytes), u64 next step, u64 Adam step count t,
 *   u32 tensor count n, then per tensor with a gradient: u64 size, size f32
 *   first moments, size f32 second moments; then u64 FNV-1a hash of all the
 *   preceding bytes.  All little-endian as on x86-64 (native order).
 * Both are written to temporary names and renamed, state last; --resume
 * continues from them bit for bit (--stop-at N ends a run early after
 * step N's checkpoint, as a kill would).
 *
 * A second thread simulates the next batch while the network trains on
 * this one (a batch depends only on the seed and the step, so the run is
 * the same bits as without it); with the lens light fitted for every stamp,
 * making a batch costs as much as training on it.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tool_common.h"
#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/metrics.h"
#include "sglens/survey_presets.h"

typedef struct options
{
	const char *model;
	const char *survey;
	const char *bands;
	const char *version;
	const char *out;
	const char *ckpt_dir;
	const char *stages;
	bool		modeller;
	sg_nn_norm	norm;			/* input: stamp, subtracted or marked */
	int			input;
	int			shift;
	int			stem;
	int			stem_kernel;
	int			supersampling;
	uint64_t	seed;
	long		steps;
	int			batch;
	double		lr;
	double		weight_decay;
	double		nll_beta;		/* β of the modeller's β-NLL gradient */
	long		warmup;
	long		eval_every;
	long		ckpt_every;
	long		stop_at;
	int			eval_n;
	bool		resume;
} options;

/* Adam whose moments the trainer can checkpoint (same update as sg_nn_adam). */
typedef struct adam
{
	sg_nn_param *params;
	int			n;
	float	  **m;
	float	  **v;
	uint64_t	t;
} adam;

static void
usage(void)
{
	fprintf(stderr,
			"usage: sglens-train --model NAME --survey NAME --bands a,b,c --input N --seed S\n"
			"         --steps N --batch B --lr LR --out FILE --checkpoint DIR [--resume]\n"
			"       [--version V] [--shift PX] [--stem C] [--stem-kernel K]\n"
			"       [--stages C:U[d],...] [--supersampling S] [--weight-decay W] [--warmup N]\n"
			"       [--eval-every N] [--eval-n N] [--checkpoint-every N] [--stop-at N]\n"
			"       [--task finder|modeller] [--lens-light keep|subtract|marked]\n"
			"       [--nll-beta B]\n");
	exit(2);
}

static void
parse_options(int argc, char **argv, options *o)
{
	static const struct option longopts[] = {
		{"model", 1, 0, 'm'}, {"survey", 1, 0, 'S'}, {"bands", 1, 0, 'b'},
		{"input", 1, 0, 'i'}, {"seed", 1, 0, 's'}, {"steps", 1, 0, 'n'},
		{"batch", 1, 0, 'B'}, {"lr", 1, 0, 'l'}, {"out", 1, 0, 'o'},
		{"checkpoint", 1, 0, 'c'}, {"resume", 0, 0, 'r'}, {"version", 1, 0, 'v'},
		{"shift", 1, 0, 'x'}, {"stem", 1, 0, 'C'}, {"stem-kernel", 1, 0, 'K'},
		{"stages", 1, 0, 'g'}, {"supersampling", 1, 0, 'u'},
		{"weight-decay", 1, 0, 'w'}, {"warmup", 1, 0, 'W'}, {"eval-every", 1, 0, 'e'},
		{"eval-n", 1, 0, 'E'}, {"checkpoint-every", 1, 0, 'k'}, {"stop-at", 1, 0, 'T'},
		{"task", 1, 0, 't'}, {"subtract-lens-light", 0, 0, 'L'},
		{"lens-light", 1, 0, 'H'}, {"nll-beta", 1, 0, 'N'}, {0, 0, 0, 0}
	};
	int			c;

	*o = (options)
	{
		.version = "1", .norm = SG_NN_NORM_NOISE, .stages = "16:1,32:1d,64:1d", .input = 48, .shift = 4, .stem = 16,
			.stem_kernel = 5, .supersampling = 2, .seed = 1, .steps = 1000, .batch = 32,
			.lr = 2e-3, .weight_decay = 1e-4, .warmup = 200, .eval_every = 500,
			.ckpt_every = 250, .eval_n = 1000
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 'm':
				o->model = optarg;
				break;
			case 'S':
				o->survey = optarg;
				break;
			case 'b':
				o->bands = optarg;
				break;
			case 'i':
				o->input = atoi(optarg);
				break;
			case 's':
				o->seed = strtoull(optarg, NULL, 10);
				break;
			case 'n':
				o->steps = atol(optarg);
				break;
			case 'B':
				o->batch = atoi(optarg);
				break;
			case 'l':
				o->lr = atof(optarg);
				break;
			case 'o':
				o->out = optarg;
				break;
			case 'c':
				o->ckpt_dir = optarg;
				break;
			case 'r':
				o->resume = true;
				break;
			case 'v':
				o->version = optarg;
				break;
			case 'x':
				o->shift = atoi(optarg);
				break;
			case 'C':
				o->stem = atoi(optarg);
				break;
			case 'K':
				o->stem_kernel = atoi(optarg);
				break;
			case 'g':
				o->stages = optarg;
				break;
			case 'u':
				o->supersampling = atoi(optarg);
				break;
			case 'w':
				o->weight_decay = atof(optarg);
				break;
			case 'W':
				o->warmup = atol(optarg);
				break;
			case 'e':
				o->eval_every = atol(optarg);
				break;
			case 'E':
				o->eval_n = atoi(optarg);
				break;
			case 'k':
				o->ckpt_every = atol(optarg);
				break;
			case 'N':
				o->nll_beta = atof(optarg);
				break;
			case 'T':
				o->stop_at = atol(optarg);
				break;
			case 'L':
				o->norm = SG_NN_NORM_SUBTRACTED;
				break;
			case 'H':
				if (strcmp(optarg, "keep") == 0)
					o->norm = SG_NN_NORM_NOISE;
				else if (strcmp(optarg, "subtract") == 0)
					o->norm = SG_NN_NORM_SUBTRACTED;
				else if (strcmp(optarg, "marked") == 0)
					o->norm = SG_NN_NORM_MARKED;
				else
					usage();
				break;
			case 't':
				if (strcmp(optarg, "modeller") != 0 && strcmp(optarg, "finder") != 0)
					usage();
				o->modeller = strcmp(optarg, "modeller") == 0;
				break;
			default:
				usage();
		}
	}
	if (!o->model || !o->survey || !o->out || o->batch < 1 || o->steps < 1 || o->input < 8 ||
		!(o->lr > 0) || o->shift < 0 || o->eval_n < 2 || o->eval_every < 1 || o->ckpt_every < 1 ||
		!(o->nll_beta >= 0 && o->nll_beta <= 1))
		usage();
}

/* The architecture: stages "C:U[d],..." (channels, units, d = downsample). */
static void
build_spec(const options *o, int planes, sg_nn_spec *spec)
{
	const char *p = o->stages;
	sg_status	st = {0};

	memset(spec, 0, sizeof(*spec));
	spec->in_channels = planes;
	spec->in_size = o->input;
	spec->stem_channels = o->stem;
	spec->stem_kernel = o->stem_kernel;
	spec->stem_pool = SG_NN_POOL_MAX;
	spec->act = SG_NN_ACT_ELU;
	spec->n_outputs = o->modeller ? 2 * SG_LENS_NPARAMS : 1;
	while (*p && spec->nstages < SG_NN_MAX_STAGES)
	{
		sg_nn_stage *s = &spec->stages[spec->nstages++];
		char	   *end;

		s->channels = (int) strtol(p, &end, 10);
		if (*end != ':')
			usage();
		s->units = (int) strtol(end + 1, &end, 10);
		s->downsample = *end == 'd';
		if (*end == 'd')
			end++;
		p = *end == ',' ? end + 1 : end;
	}
	if (!sg_nn_spec_check(spec, &st))
		tool_die("architecture", &st);
}

static void
adam_init(adam *a, sg_nn_param *params, int n)
{
	a->params = params;
	a->n = n;
	a->t = 0;
	a->m = calloc(n, sizeof(float *));
	a->v = calloc(n, sizeof(float *));
	for (int i = 0; i < n; i++)
		if (params[i].grad)
		{
			a->m[i] = calloc(params[i].size, sizeof(float));
			a->v[i] = calloc(params[i].size, sizeof(float));
		}
}

/* One AdamW step (β 0.9, 0.999, ε 1e-8; decay on decay-flagged tensors). */
static void
adam_step(adam *a, float lr, float wd)
{
	const float b1 = 0.9f,
				b2 = 0.999f;
	float		bc1,
				bc2;

	a->t++;
	bc1 = (float) (1.0 - pow(b1, (double) a->t));
	bc2 = (float) (1.0 - pow(b2, (double) a->t));
	for (int i = 0; i < a->n; i++)
	{
		sg_nn_param *p = &a->params[i];
		float		decay = p->decay ? lr * wd : 0.0f;

		if (p->grad == NULL)
			continue;
		for (size_t j = 0; j < p->size; j++)
		{
			float		g = p->grad[j];

			a->m[i][j] = b1 * a->m[i][j] + (1.0f - b1) * g;
			a->v[i][j] = b2 * a->v[i][j] + (1.0f - b2) * g * g;
			p->data[j] -= decay * p->data[j] +
				lr * (a->m[i][j] / bc1) / (sqrtf(a->v[i][j] / bc2) + 1e-8f);
		}
	}
}

static uint64_t
fnv(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* fwrite that also hashes. */
static bool
put(FILE *f, uint64_t *h, const void *buf, size_t len)
{
	*h = fnv(*h, buf, len);
	return fwrite(buf, 1, len, f) == len;
}

/* fread that also hashes. */
static bool
get(FILE *f, uint64_t *h, void *buf, size_t len)
{
	if (fread(buf, 1, len, f) != len)
		return false;
	*h = fnv(*h, buf, len);
	return true;
}

static void
path_of(char *buf, size_t len, const options *o, const char *ext)
{
	snprintf(buf, len, "%s/%s%s", o->ckpt_dir, o->model, ext);
}

/* Write the checkpoint: weights, then optimiser state (atomic renames). */
static void
save_checkpoint(const options *o, sg_nn_model *m, const sg_nn_info *info, const adam *a,
				uint64_t next_step)
{
	char		w[1024],
				wt[1100],
				s[1024],
				stmp[1100];
	sg_status	st = {0};
	FILE	   *f;
	uint64_t	h = 0xcbf29ce484222325ULL;
	uint32_t	n = (uint32_t) a->n;
	bool		ok;

	path_of(w, sizeof(w), o, ".sgw");
	path_of(s, sizeof(s), o, ".state");
	snprintf(wt, sizeof(wt), "%s.tmp", w);
	snprintf(stmp, sizeof(stmp), "%s.tmp", s);
	if (!sg_nn_save_file(m, info, wt, &st))
		tool_die("checkpoint weights", &st);
	f = fopen(stmp, "wb");
	if (f == NULL)
		tool_die(stmp, NULL);
	ok = put(f, &h, "SGTRAIN1", 8) && put(f, &h, &next_step, 8) && put(f, &h, &a->t, 8) &&
		put(f, &h, &n, 4);
	for (int i = 0; ok && i < a->n; i++)
	{
		uint64_t	size = a->params[i].size;

		if (a->params[i].grad == NULL)
			continue;
		ok = put(f, &h, &size, 8) && put(f, &h, a->m[i], size * 4) &&
			put(f, &h, a->v[i], size * 4);
	}
	ok = ok && fwrite(&h, 8, 1, f) == 1;
	if (fclose(f) != 0 || !ok || rename(wt, w) != 0 || rename(stmp, s) != 0)
		tool_die("writing the checkpoint", NULL);
}

/* Read the optimiser state; returns the next step. */
static uint64_t
load_state(const options *o, adam *a)
{
	char		s[1024],
				magic[8];
	FILE	   *f;
	uint64_t	h = 0xcbf29ce484222325ULL,
				next = 0,
				want;
	uint32_t	n = 0;
	bool		ok;

	path_of(s, sizeof(s), o, ".state");
	f = fopen(s, "rb");
	if (f == NULL)
		tool_die(s, NULL);
	ok = get(f, &h, magic, 8) && memcmp(magic, "SGTRAIN1", 8) == 0 && get(f, &h, &next, 8) &&
		get(f, &h, &a->t, 8) && get(f, &h, &n, 4) && n == (uint32_t) a->n;
	for (int i = 0; ok && i < a->n; i++)
	{
		uint64_t	size = 0;

		if (a->params[i].grad == NULL)
			continue;
		ok = get(f, &h, &size, 8) && size == a->params[i].size &&
			get(f, &h, a->m[i], size * 4) && get(f, &h, a->v[i], size * 4);
	}
	ok = ok && fread(&want, 8, 1, f) == 1 && want == h;
	fclose(f);
	if (!ok)
	{
		fprintf(stderr, "sglens-train: %s is truncated, corrupt or from another model\n", s);
		exit(1);
	}
	return next;
}

/* One training batch being made by the second thread. */
typedef struct batch_job
{
	pthread_t	thread;
	const sg_dataset_spec *spec;
	const options *o;
	uint64_t	step;
	float	   *x,
			   *y;
	bool		ok;
	sg_status	st;
} batch_job;

/* Make batch job->step: members step·B .. step·B+B−1, augmented from (seed, step). */
static void *
make_batch(void *arg)
{
	batch_job  *job = arg;
	sg_rng		aug;

	sg_rng_seed(&aug, job->o->seed, 0x5eed0000ULL + job->step);
	sg_status_clear(&job->st);
	job->ok = sg_dataset_fill(job->spec, (int64_t) job->step * job->o->batch, job->o->batch, &aug,
							  job->o->shift, job->x, job->y, NULL, &job->st);
	return NULL;
}

/* Start making batch step into job's buffers. */
static void
start_batch(batch_job *job, uint64_t step)
{
	job->step = step;
	if (pthread_create(&job->thread, NULL, make_batch, job) != 0)
		tool_die("starting the batch thread", NULL);
}

/* Wait for the batch being made; stop the run if it failed. */
static void
finish_batch(batch_job *job)
{
	if (pthread_join(job->thread, NULL) != 0)
		tool_die("joining the batch thread", NULL);
	if (!job->ok)
		tool_die("training batch", &job->st);
}

/* Learning rate at step: linear warm-up, then cosine from lr to lr/50. */
static float
schedule(const options *o, long step)
{
	double		lo = o->lr / 50,
				t;

	if (step < o->warmup)
		return (float) (o->lr * (step + 1) / o->warmup);
	t = (double) (step - o->warmup) / fmax(1.0, (double) (o->steps - o->warmup));
	return (float) (lo + 0.5 * (o->lr - lo) * (1 + cos(M_PI * fmin(t, 1.0))));
}

/*
 * Run a modeller on the held-out set; print the mean negative
 * log-likelihood, the median relative error of theta_E, and each
 * parameter's RMS error and mean predicted σ.
 */
static void
evaluate_modeller(sg_nn_model *m, const float *x, const float *y, int n, size_t plane,
				  long step, double t0)
{
	const int	k = SG_LENS_NPARAMS;
	float	   *out = malloc((size_t) n * 2 * k * sizeof(float));
	double	   *rel = malloc(n * sizeof(double));
	double		sq[SG_LENS_NPARAMS] = {0},
				sig[SG_LENS_NPARAMS] = {0};
	sg_status	st = {0};

	for (int i = 0; i < n; i += 64)
	{
		int			b = n - i < 64 ? n - i : 64;

		if (!sg_nn_forward(m, x + i * plane, b, false, out + (size_t) i * 2 * k, &st))
			tool_die("held-out forward", &st);
	}
	for (int i = 0; i < n; i++)
	{
		const float *o = out + (size_t) i * 2 * k;

		for (int j = 0; j < k; j++)
		{
			double		r = o[j] - y[i * k + j];

			sq[j] += r * r / n;
			sig[j] += exp(0.5 * o[k + j]) / n;
		}
		rel[i] = fabs(o[0] / y[i * k] - 1);
	}
	qsort(rel, n, sizeof(double), tool_cmp_double);
	printf("eval step %ld: held-out NLL %.4f theta_E median |rel. error| %.4f (%.0f s)\n", step,
		   sg_nn_loss_gauss_nll(out, y, n, k, NULL), rel[n / 2], tool_now() - t0);
	for (int j = 0; j < k; j++)
		printf("  %-9s RMS error %.4f, mean predicted sigma %.4f\n", sg_lens_param_names[j],
			   sqrt(sq[j]), sig[j]);
	fflush(stdout);
	free(out);
	free(rel);
}

/* Score the held-out set in batches; print AUROC, TPR0, TPR10. */
static void
evaluate(sg_nn_model *m, const float *x, const float *y, int n, size_t plane, long step,
		 double t0)
{
	float	   *score = calloc(n, sizeof(float));
	bool	   *label = malloc(n * sizeof(bool));
	sg_status	st = {0};
	double		loss;

	for (int i = 0; i < n; i += 64)
	{
		int			k = n - i < 64 ? n - i : 64;

		if (!sg_nn_forward(m, x + i * plane, k, false, score + i, &st))
			tool_die("held-out forward", &st);
	}
	loss = sg_nn_loss_bce(score, y, n, NULL);
	for (int i = 0; i < n; i++)
		label[i] = y[i] > 0.5f;
	printf("eval step %ld: held-out loss %.4f AUROC %.5f TPR0 %.3f TPR10 %.3f (%.0f s)\n",
		   step, loss, sg_auroc(score, label, n), sg_tpr_before_fp(score, label, n, 1),
		   sg_tpr_before_fp(score, label, n, 10), tool_now() - t0);
	fflush(stdout);
	free(score);
	free(label);
}

int
main(int argc, char **argv)
{
	options		o;
	sg_status	st = {0};
	sg_survey	sv;
	sg_nn_spec	spec;
	sg_nn_info	info;
	sg_dataset_spec train,
				held;
	sg_nn_model *m;
	sg_nn_param *params;
	int			nparams;
	adam		opt;
	size_t		plane;
	float	   *x,
			   *y,
			   *z,
			   *dz,
			   *hx,
			   *hy;
	uint64_t	step = 0;
	double		t0 = tool_now(),
				loss_sum = 0;
	int			loss_n = 0,
				labels,
				cur = 0;
	batch_job	jobs[2];

	tool_init("sglens-train");

	parse_options(argc, argv, &o);
	if (!sg_survey_preset(o.survey, &sv, &st) || (o.bands && !sg_survey_select_bands(&sv, o.bands, &st)))
		tool_die("survey", &st);
	tool_finder_info(o.model, o.version, &sv, &info);
	info.norm = o.norm;
	build_spec(&o, sg_nn_input_planes(&info), &spec);
	if (o.modeller)
		info.task = SG_NN_TASK_REGRESSION;
	labels = o.modeller ? SG_LENS_NPARAMS : 1;
	train = (sg_dataset_spec)
	{
		&sv, info, o.input, o.input + 2 * o.shift, o.seed, o.modeller ? 1.0 : 0.5, o.supersampling
	};
	held = train;
	held.seed = o.seed + 1;
	held.stamp_size = o.input;
	if (o.ckpt_dir && mkdir(o.ckpt_dir, 0777) != 0 && errno != EEXIST)
		tool_die(o.ckpt_dir, NULL);
	if (o.resume)
	{
		char		w[1024];

		if (!o.ckpt_dir)
			usage();
		path_of(w, sizeof(w), &o, ".sgw");
		m = sg_nn_load_file(w, NULL, &st);
	}
	else
		m = sg_nn_model_new(&spec, o.seed, &st);
	if (m == NULL)
		tool_die("model", &st);
	params = sg_nn_model_params(m, &nparams);
	adam_init(&opt, params, nparams);
	if (o.resume)
		step = load_state(&o, &opt);
	plane = (size_t) sg_nn_input_planes(&info) * o.input * o.input;
	for (int k = 0; k < 2; k++)
		jobs[k] = (batch_job)
	{
		.spec = &train,.o = &o,.x = malloc(o.batch * plane * sizeof(float)),
			.y = malloc((size_t) o.batch * labels * sizeof(float))
	};
	z = malloc((size_t) o.batch * spec.n_outputs * sizeof(float));
	dz = malloc((size_t) o.batch * spec.n_outputs * sizeof(float));
	hx = malloc(o.eval_n * plane * sizeof(float));
	hy = malloc((size_t) o.eval_n * labels * sizeof(float));
	printf("sglens-train: model %s, %s %s, input %dx%dx%d, %.1f MFLOP/stamp, %zu floats, "
		   "batch %d, steps %ld, from step %llu\n",
		   o.model, sv.name, o.bands ? o.bands : "(all bands)", o.input, o.input,
		   sg_nn_input_planes(&info),
		   sg_nn_model_flops(m) / 1e6, sg_nn_spec_param_count(&spec), o.batch, o.steps,
		   (unsigned long long) step);
	if (!sg_dataset_fill(&held, 0, o.eval_n, NULL, 0, hx, hy, NULL, &st))
		tool_die("held-out set", &st);
	printf("held-out set of %d stamps ready (%.1f s)\n", o.eval_n, tool_now() - t0);
	fflush(stdout);
	if (step < (uint64_t) o.steps)
		start_batch(&jobs[cur], step);
	for (; step < (uint64_t) o.steps; step++)
	{
		float		lr = schedule(&o, (long) step);
		bool		stopping = o.stop_at > 0 && step + 1 == (uint64_t) o.stop_at;

		finish_batch(&jobs[cur]);
		x = jobs[cur].x;
		y = jobs[cur].y;
		cur = 1 - cur;
		if (step + 1 < (uint64_t) o.steps && !stopping)
			start_batch(&jobs[cur], step + 1);
		if (!sg_nn_forward(m, x, o.batch, true, z, &st))
			tool_die("forward", &st);
		loss_sum += o.modeller ? sg_nn_loss_gauss_nll_beta(z, y, o.batch, SG_LENS_NPARAMS, o.nll_beta, dz)
			: sg_nn_loss_bce(z, y, o.batch, dz);
		loss_n++;
		if (!sg_nn_backward(m, dz, &st))
			tool_die("backward", &st);
		adam_step(&opt, lr, (float) o.weight_decay);
		if ((step + 1) % 50 == 0)
		{
			printf("step %llu: loss %.4f lr %.2e (%.0f s)\n", (unsigned long long) step + 1,
				   loss_sum / loss_n, lr, tool_now() - t0);
			fflush(stdout);
			loss_sum = 0;
			loss_n = 0;
		}
		if ((step + 1) % o.eval_every == 0 || step + 1 == (uint64_t) o.steps)
			(o.modeller ? evaluate_modeller : evaluate) (m, hx, hy, o.eval_n, plane, (long) step + 1, t0);
		if (o.ckpt_dir && ((step + 1) % o.ckpt_every == 0 || step + 1 == (uint64_t) o.steps))
			save_checkpoint(&o, m, &info, &opt, step + 1);
		if (stopping && step + 1 < (uint64_t) o.steps)
		{
			printf("stopped at step %ld as asked; continue with --resume\n", o.stop_at);
			return 0;
		}
	}
	if (!sg_nn_save_file(m, &info, o.out, &st))
		tool_die(o.out, &st);
	printf("wrote %s after %.0f s\n", o.out, tool_now() - t0);
	sg_nn_model_free(m);
	return 0;
}
