/*
 * make_baseline_seeds.c — writes the seed corpus of fuzz_baseline into a
 * directory: small valid SGLBASE1 files (one band and three bands, with and
 * without colour features, different feature specs), trained on tiny
 * synthetic inputs so the weights are not all zero.  Run once when the
 * format changes:
 *
 *   make core
 *   cc -std=c11 -D_DEFAULT_SOURCE -Iinclude test/fuzz/make_baseline_seeds.c \
 *      build/libsglens_core.a -lcfitsio -lpng -lfftw3 -lopenblas -lz -lm \
 *      -o build/make_baseline_seeds
 *   build/make_baseline_seeds test/fuzz/corpus/baseline
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/baseline.h"

/* Train a model on n inputs of alternating labels and save it; false on failure. */
static bool
seed(const char *dir, const char *file, int nbands, int size,
	 const sg_baseline_spec *spec)
{
	static const char *const names[] = {"g", "r", "i"};
	sg_nn_info	info;
	sg_status	st;
	sg_baseline *m;
	int			n = 8;
	size_t		plane = (size_t) nbands * size * size;
	float	   *x = malloc(sizeof(float) * plane * n),
				y[8];
	char		path[4096];
	bool		ok;

	memset(&info, 0, sizeof(info));
	info.task = SG_NN_TASK_CLASSIFICATION;
	snprintf(info.name, sizeof(info.name), "seed-%s", file);
	strcpy(info.version, "1");
	info.nbands = nbands;
	for (int b = 0; b < nbands; b++)
		strcpy(info.bands[b], nbands == 1 ? "VIS" : names[b]);
	info.pixel_scale = nbands == 1 ? 0.1 : 0.2;
	info.norm = SG_NN_NORM_NOISE;
	for (int i = 0; i < n; i++)
	{
		y[i] = (float) (i % 2);
		for (size_t p = 0; p < plane; p++)
			x[i * plane + p] = (float) ((p * 7 + (size_t) i * 13) % 11) * (i % 2 ? 1.0f : 0.3f);
	}
	sg_status_clear(&st);
	m = sg_baseline_train(&info, size, spec, x, y, n, 0.1, &st);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ok = m != NULL && sg_baseline_save_file(m, path, &st);
	if (!ok)
		fprintf(stderr, "%s: %s\n", path, st.message);
	sg_baseline_free(m);
	free(x);
	return ok;
}

int
main(int argc, char **argv)
{
	sg_baseline_spec a = {4, 9, 2, 2, 4},
				b = {3, 4, 1, 3, 2},
				c = {2, 2, 1, 1, 2};
	bool		ok = true;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	ok &= seed(argv[1], "one_band.sgb", 1, 12, &a);
	ok &= seed(argv[1], "three_bands.sgb", 3, 12, &b);
	ok &= seed(argv[1], "tiny.sgb", 2, 4, &c);
	return ok ? 0 : 1;
}
