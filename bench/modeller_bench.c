/* modeller_bench.c — the modeller benchmarks' shared start (modeller_bench.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sglens/survey_presets.h"
#include "modeller_bench.h"

void
mb_die(const modeller_bench *b, const char *what, const sg_status *st)
{
	fprintf(stderr, "%s: %s: %s\n", b->program, what, st ? st->message : "bad arguments");
	exit(1);
}

void
mb_open(modeller_bench *b, const char *program, int argc, char **argv)
{
	sg_status	st = {0};

	b->program = program;
	if (argc != 6 || (b->n = atoi(argv[4])) < 1)
	{
		fprintf(stderr, "usage: %s MODEL.sgw SURVEY BANDS N SEED\n", program);
		exit(1);
	}
	b->seed = strtoull(argv[5], NULL, 10);
	if ((b->model = sg_nn_load_file(argv[1], &b->info, &st)) == NULL)
		mb_die(b, argv[1], &st);
	if (b->info.task != SG_NN_TASK_REGRESSION)
		mb_die(b, "not a lens modeller", NULL);
	if (!sg_survey_preset(argv[2], &b->survey, &st) ||
		!sg_survey_select_bands(&b->survey, argv[3], &st))
		mb_die(b, "survey", &st);
	b->size = sg_nn_model_spec(b->model)->in_size;
	b->spec = (sg_dataset_spec)
	{
		&b->survey, b->info, b->size, b->size, b->seed, 1.0, 2
	};
}
