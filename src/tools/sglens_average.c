/*
 * sglens_average.c — average the weights of several checkpoints of one
 * training run (stochastic weight averaging, Izmailov et al. 2018).
 *
 *   sglens-average OUT.sgw IN1.sgw IN2.sgw ...
 *
 * Every input must have the same architecture; every parameter, the
 * batch norms' running statistics included, becomes the mean over the
 * inputs.  The metadata (name, version, input spec) is the last input's.
 * Averaging the checkpoints of the last part of a run, where the learning
 * rate is small and the weights wander around one minimum, gives weights
 * nearer its centre than any single checkpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool_common.h"

/* Add model m's parameters to sum, in double; its tensors must be first's (names and sizes). */
static void
accumulate(sg_nn_model *m, const sg_nn_param *first, int nfirst, double **sum, const char *path)
{
	int			n;
	sg_nn_param *p = sg_nn_model_params(m, &n);

	for (int i = 0; i < n || i < nfirst; i++)
		if (i >= n || i >= nfirst || p[i].size != first[i].size ||
			strcmp(p[i].name, first[i].name) != 0)
		{
			fprintf(stderr, "sglens-average: %s has another architecture than the first input\n", path);
			exit(1);
		}
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < p[i].size; k++)
			sum[i][k] += p[i].data[k];
}

int
main(int argc, char **argv)
{
	sg_status	st = {0};
	sg_nn_info	info;
	sg_nn_model *first,
			   *last;
	sg_nn_param *p;
	double	  **sum;
	int			nparams,
				ninputs = argc - 2;

	tool_init("sglens-average");
	if (ninputs < 1)
	{
		fprintf(stderr, "usage: sglens-average OUT.sgw IN1.sgw [IN2.sgw ...]\n");
		return 2;
	}
	first = last = sg_nn_load_file(argv[2], &info, &st);
	if (first == NULL)
		tool_die(argv[2], &st);
	p = sg_nn_model_params(first, &nparams);
	sum = calloc(nparams, sizeof(double *));
	for (int i = 0; i < nparams; i++)
		sum[i] = calloc(p[i].size, sizeof(double));
	for (int a = 2; a < argc; a++)
	{
		if (a > 2)
		{
			if (last != first)
				sg_nn_model_free(last);
			last = sg_nn_load_file(argv[a], &info, &st);
			if (last == NULL)
				tool_die(argv[a], &st);
		}
		accumulate(last, p, nparams, sum, argv[a]);
	}
	p = sg_nn_model_params(last, &nparams);
	for (int i = 0; i < nparams; i++)
	{
		for (size_t k = 0; k < p[i].size; k++)
			p[i].data[k] = (float) (sum[i][k] / ninputs);
		free(sum[i]);
	}
	free(sum);
	if (!sg_nn_save_file(last, &info, argv[1], &st))
		tool_die(argv[1], &st);
	printf("%s: the mean of %d checkpoints of %s %s\n", argv[1], ninputs, info.name, info.version);
	if (last != first)
		sg_nn_model_free(last);
	sg_nn_model_free(first);
	return 0;
}
