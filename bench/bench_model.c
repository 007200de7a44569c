/*
 * bench_model.c — inference speed of a weights file on the sglens engine:
 * the folded model, one pass (no rotation averaging), batch 1 and batch 64,
 * one thread.  The PyTorch peer of the same architecture is
 * bench/torch_peer.py.
 *
 *   build/bench/bench_model MODEL.sgw [seconds per case]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sglens/nn.h"

char	   *openblas_get_corename(void);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	sg_nn_info	info;
	sg_nn_model *raw,
			   *m;
	double		seconds = argc > 2 ? atof(argv[2]) : 5;

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
		size_t		n_in = (size_t) batch * info.nbands * side * side;
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
		free(x);
		free(out);
	}
	sg_nn_model_free(m);
	sg_nn_model_free(raw);
	return 0;
}
