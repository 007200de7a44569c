/*
 * bench_nn.c — forward-pass speed of a DeepLens-like residual CNN on the
 * core engine: input 3×64×64, 7×7 stem of 32 channels, stages of 32, 64 and
 * 128 channels with 2 pre-activation units each, global average pooling,
 * one logit.  Times the folded (inference) model at batch 1 and batch 32
 * and a training step (forward + backward + Adam) at batch 32, and prints
 * stamps per second and GFLOP/s (2 × multiply-adds of convs and dense).
 * The OpenBLAS kernel is chosen at library load from OPENBLAS_CORETYPE, so
 * `make bench_nn` runs the program with and without it.
 *
 *   build/bench/bench_nn [seconds per case]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sglens/nn.h"

char	   *openblas_get_corename(void);

/* Monotonic time in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Threads of this process (entries of /proc/self/task). */
static int
thread_count(void)
{
	DIR		   *d = opendir("/proc/self/task");
	struct dirent *e;
	int			n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Run forward passes of batch for at least secs; best seconds per pass. */
static double
time_forward(sg_nn_model *m, const float *x, int batch, float *out, double secs)
{
	sg_status	st;
	double		best = 1e30,
				start = now();
	int			reps = 0;

	sg_status_clear(&st);
	while (reps < 3 || now() - start < secs)
	{
		double		t0 = now();

		if (!sg_nn_forward(m, x, batch, false, out, &st))
		{
			fprintf(stderr, "forward failed: %s\n", st.message);
			exit(1);
		}
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
		reps++;
	}
	return best;
}

/* Mean seconds of a training step of batch (forward, backward, Adam). */
static double
time_train(sg_nn_model *m, const float *x, int batch, double secs)
{
	sg_status	st;
	sg_nn_adam_options o = sg_nn_adam_defaults();
	sg_nn_adam *adam;
	sg_nn_param *p;
	float	   *out = malloc(sizeof(float) * batch),
			   *y = malloc(sizeof(float) * batch),
			   *dz = malloc(sizeof(float) * batch);
	double		start;
	int			n,
				reps = 0;

	sg_status_clear(&st);
	p = sg_nn_model_params(m, &n);
	adam = sg_nn_adam_new(p, n, &o, &st);
	for (int i = 0; i < batch; i++)
		y[i] = (float) (i % 2);
	start = now();
	while (reps < 2 || now() - start < secs)
	{
		if (!sg_nn_forward(m, x, batch, true, out, &st))
			exit(1);
		sg_nn_loss_bce(out, y, batch, dz);
		if (!sg_nn_backward(m, dz, &st))
			exit(1);
		sg_nn_adam_step(adam);
		reps++;
	}
	start = (now() - start) / reps;
	sg_nn_adam_free(adam);
	free(out);
	free(y);
	free(dz);
	return start;
}

int
main(int argc, char **argv)
{
	double		secs = argc > 1 ? atof(argv[1]) : 2.0;
	sg_nn_spec	s = {3, 64, 32, 7, SG_NN_POOL_NONE, SG_NN_ACT_ELU, 3,
	{{32, 2, false}, {64, 2, true}, {128, 2, true}}, 1};
	sg_status	st;
	sg_nn_model *m,
			   *f;
	size_t		nin = 3 * 64 * 64;
	float	   *x = malloc(sizeof(float) * nin * 32),
				out[32];
	double		flops,
				t1,
				t32,
				tt;
	const char *ct = getenv("OPENBLAS_CORETYPE");
	const char *nt = getenv("OPENBLAS_NUM_THREADS");

	sg_status_clear(&st);
	m = sg_nn_model_new(&s, 1, &st);
	f = m ? sg_nn_model_fold(m, &st) : NULL;
	if (f == NULL)
	{
		fprintf(stderr, "bench_nn: %s\n", st.message);
		return 1;
	}
	for (size_t i = 0; i < nin * 32; i++)
		x[i] = (float) ((i * 2654435761u) % 1000) / 500.0f - 1.0f;
	flops = sg_nn_model_flops(f);
	printf("bench_nn: OpenBLAS core %s (OPENBLAS_CORETYPE=%s, OPENBLAS_NUM_THREADS=%s), %d threads in process\n",
		   openblas_get_corename(), ct ? ct : "unset", nt ? nt : "unset", thread_count());
	printf("model: 3x64x64, stem 7x7x32, stages 32/64/128 x 2 units; %.1f MFLOP per stamp, %zu weights\n",
		   flops * 1e-6, sg_nn_spec_param_count(&s));
	t1 = time_forward(f, x, 1, out, secs);
	printf("inference batch  1: %8.3f ms/stamp %8.0f stamps/s %6.1f GFLOP/s\n",
		   t1 * 1e3, 1.0 / t1, flops / t1 * 1e-9);
	t32 = time_forward(f, x, 32, out, secs);
	printf("inference batch 32: %8.3f ms/stamp %8.0f stamps/s %6.1f GFLOP/s (work memory %.1f MiB)\n",
		   t32 / 32 * 1e3, 32 / t32, 32 * flops / t32 * 1e-9,
		   sg_nn_model_work_bytes(f) / 1048576.0);
	tt = time_train(m, x, 32, secs);
	printf("training step b 32: %8.3f ms/stamp %8.0f stamps/s (forward+backward+Adam)\n",
		   tt / 32 * 1e3, 32 / tt);
	sg_nn_model_free(f);
	sg_nn_model_free(m);
	free(x);
	return 0;
}
