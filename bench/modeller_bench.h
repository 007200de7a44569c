/*
 * modeller_bench.h — what the modeller benchmarks (modeller_tta,
 * modeller_light) share: the command line MODEL.sgw SURVEY BANDS N SEED, the
 * held-out population it names, and dying with a message (quantiles:
 * bench_stats.h).
 */
#ifndef SGLENS_BENCH_MODELLER_BENCH_H
#define SGLENS_BENCH_MODELLER_BENCH_H

#include "sglens/dataset.h"
#include "sglens/nn.h"
#include "sglens/survey.h"
#include "bench_stats.h"

/* A loaded modeller and the population of lenses it is checked on. */
typedef struct modeller_bench
{
	const char *program;
	sg_nn_model *model;
	sg_nn_info	info;
	sg_survey	survey;
	sg_dataset_spec spec;		/* lenses only, model input size, supersampling 2 */
	int			size;			/* network input side, pixels */
	int			n;				/* members 0..n−1 */
	uint64_t	seed;
} modeller_bench;

/* Print "program: what: message" and exit 1. */
void		mb_die(const modeller_bench *b, const char *what, const sg_status *st);

/* Parse MODEL.sgw SURVEY BANDS N SEED into b (dies with a usage line on bad arguments). */
void		mb_open(modeller_bench *b, const char *program, int argc, char **argv);

#endif
