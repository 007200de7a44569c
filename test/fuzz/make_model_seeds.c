/*
 * make_model_seeds.c — writes the seed corpus of fuzz_model into a
 * directory: a few small, valid weights files covering both tasks, both
 * activations, each pooling kind, projection shortcuts and no stages.
 * Run once when the format changes:
 *
 *   make core
 *   cc -std=c11 -D_DEFAULT_SOURCE -Iinclude test/fuzz/make_model_seeds.c \
 *      build/libsglens_core.a -lcfitsio -lpng -lfftw3 -lopenblas -lz -lm \
 *      -o build/make_model_seeds
 *   build/make_model_seeds test/fuzz/corpus/model
 */
#include <stdio.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/nn.h"

/* Build, encode and save one model; false on failure. */
static bool
seed(const char *dir, const char *file, const sg_nn_spec *spec,
	 sg_nn_task task, const char *const *bands, uint64_t rng_seed)
{
	sg_status	st;
	sg_nn_info	info;
	sg_nn_model *m;
	char		path[4096];
	bool		ok;

	memset(&info, 0, sizeof(info));
	info.task = task;
	snprintf(info.name, sizeof(info.name), "seed-%s", file);
	strcpy(info.version, "1.0");
	info.nbands = spec->in_channels;
	for (int b = 0; b < info.nbands; b++)
		strcpy(info.bands[b], bands[b]);
	info.pixel_scale = 0.2;
	info.norm = SG_NN_NORM_NOISE;
	sg_status_clear(&st);
	m = sg_nn_model_new(spec, rng_seed, &st);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ok = m != NULL && sg_nn_save_file(m, &info, path, &st);
	if (!ok)
		fprintf(stderr, "%s: %s\n", path, st.message);
	sg_nn_model_free(m);
	return ok;
}

int
main(int argc, char **argv)
{
	static const char *const gri[] = {"g", "r", "i"};
	static const char *const vis[] = {"VIS"};
	sg_nn_spec	s;
	bool		ok = true;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	/* stem only, 1 band */
	memset(&s, 0, sizeof(s));
	s.in_channels = 1;
	s.in_size = 8;
	s.stem_channels = 2;
	s.stem_kernel = 3;
	s.act = SG_NN_ACT_ELU;
	s.n_outputs = 1;
	ok &= seed(argv[1], "stem_only.sgw", &s, SG_NN_TASK_CLASSIFICATION, vis, 1);
	/* two stages with a projection, average pooling, 3 bands */
	s.in_channels = 3;
	s.in_size = 12;
	s.stem_kernel = 5;
	s.stem_pool = SG_NN_POOL_AVG;
	s.nstages = 2;
	s.stages[0] = (sg_nn_stage) {2, 1, false};
	s.stages[1] = (sg_nn_stage) {4, 1, true};
	ok &= seed(argv[1], "two_stages.sgw", &s, SG_NN_TASK_CLASSIFICATION, gri, 2);
	/* regression (2 means, 2 log-variances), ReLU, max pooling */
	s.act = SG_NN_ACT_RELU;
	s.stem_pool = SG_NN_POOL_MAX;
	s.n_outputs = 4;
	s.nstages = 1;
	s.stages[0] = (sg_nn_stage) {3, 2, true};
	ok &= seed(argv[1], "regression.sgw", &s, SG_NN_TASK_REGRESSION, gri, 3);
	return ok ? 0 : 1;
}
