/*
 * make_test_models.c — tiny, untrained lens finders for the regression tests
 * (deterministic from fixed seeds): a ground-like one for g, r, i at
 * 0.2"/pixel and a space-like one for VIS at 0.1"/pixel, 16×16 input; and a
 * tiny untrained lens modeller for g, r, i at 0.2"/pixel.
 * Usage: make_test_models DIR
 */
#include <stdio.h>
#include <string.h>

#include "sglens/dataset.h"
#include "sglens/nn.h"

/* Write one tiny network (a classifier, or a modeller) for the given bands and pixel scale. */
static int
write_model(const char *dir, const char *name, const char *const *bands, int nbands,
			double scale, unsigned long long seed, bool modeller)
{
	sg_nn_spec	spec;
	sg_nn_info	info;
	sg_status	st;
	sg_nn_model *m;
	char		path[1024];

	memset(&spec, 0, sizeof(spec));
	spec.in_channels = nbands;
	spec.in_size = 16;
	spec.stem_channels = 4;
	spec.stem_kernel = 3;
	spec.stem_pool = SG_NN_POOL_MAX;
	spec.act = SG_NN_ACT_ELU;
	spec.nstages = 1;
	spec.stages[0].channels = 8;
	spec.stages[0].units = 1;
	spec.stages[0].downsample = true;
	spec.n_outputs = modeller ? 2 * SG_LENS_NPARAMS : 1;
	memset(&info, 0, sizeof(info));
	info.task = modeller ? SG_NN_TASK_REGRESSION : SG_NN_TASK_CLASSIFICATION;
	snprintf(info.name, sizeof(info.name), "%s", name);
	snprintf(info.version, sizeof(info.version), "test-1");
	info.nbands = nbands;
	for (int b = 0; b < nbands; b++)
		snprintf(info.bands[b], sizeof(info.bands[b]), "%s", bands[b]);
	info.pixel_scale = scale;
	info.norm = SG_NN_NORM_NOISE;
	sg_status_clear(&st);
	m = sg_nn_model_new(&spec, seed, &st);
	snprintf(path, sizeof(path), "%s/%s.sgw", dir, name);
	if (m == NULL || !sg_nn_save_file(m, &info, path, &st))
	{
		fprintf(stderr, "make_test_models: %s\n", st.message);
		return 1;
	}
	sg_nn_model_free(m);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *ground[] = {"g", "r", "i"};
	const char *space[] = {"VIS"};

	if (argc != 2)
	{
		fprintf(stderr, "usage: make_test_models DIR\n");
		return 2;
	}
	return write_model(argv[1], "sglens-test-ground", ground, 3, 0.2, 11, false) |
		write_model(argv[1], "sglens-test-space", space, 1, 0.1, 12, false) |
		write_model(argv[1], "sglens-test-modeller", ground, 3, 0.2, 13, true);
}
