/*
 * test_dataset.c — training data from the population sampler (dataset.h),
 * the built-in survey presets (survey_presets.h), and a training smoke test:
 * a tiny net trained for a few hundred steps on sampled stamps must lower
 * its loss.
 */
#include <stdlib.h>

#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/render.h"
#include "sglens/survey_presets.h"
#include "unit.h"

/* A dataset spec for a survey preset and its bands. */
static sg_dataset_spec
make_spec(sg_survey *sv, const char *survey, const char *bands, int in_size, int stamp_size)
{
	sg_dataset_spec spec;
	sg_status	st = {0};

	CHECK(sg_survey_preset(survey, sv, &st));
	CHECK(sg_survey_select_bands(sv, bands, &st));
	memset(&spec, 0, sizeof(spec));
	spec.survey = sv;
	spec.info.task = SG_NN_TASK_CLASSIFICATION;
	strcpy(spec.info.name, "test");
	strcpy(spec.info.version, "1");
	spec.info.nbands = sv->nbands;
	for (int b = 0; b < sv->nbands; b++)
		strcpy(spec.info.bands[b], sv->bands[b].name);
	spec.info.pixel_scale = sv->pixel_scale;
	spec.info.norm = SG_NN_NORM_NOISE;
	spec.in_size = in_size;
	spec.stamp_size = stamp_size;
	spec.seed = 42;
	spec.lens_fraction = 0.5;
	spec.supersampling = 1;
	return spec;
}

static void
test_presets(void)
{
	sg_survey	sv;
	sg_status	st = {0};

	CHECK(sg_survey_preset_count() == 6);
	for (int i = 0; i < sg_survey_preset_count(); i++)
	{
		sg_status	s2 = {0};

		CHECK(sg_survey_preset(sg_survey_preset_name(i), &sv, &s2));
		CHECK(sg_survey_check(&sv, &s2));
	}
	CHECK(sg_survey_preset("LSST", &sv, &st));
	CHECK(sv.nbands == 6);
	CHECK_CLOSE(sv.pixel_scale, 0.2, 0);
	CHECK_CLOSE(sv.bands[3].zeropoint, 28.17, 0);
	CHECK(sg_survey_select_bands(&sv, "i,g", &st));
	CHECK(sv.nbands == 2 && strcmp(sv.bands[0].name, "i") == 0 && strcmp(sv.bands[1].name, "g") == 0);
	CHECK(sg_survey_preset("Euclid", &sv, &st));
	CHECK(sv.nbands == 1 && sv.bands[0].n_exposures == 4);
	CHECK(!sg_survey_select_bands(&sv, "g", &st));
	CHECK_FAILS_WITH(st, SG_ERR_NOT_FOUND, "no band \"g\"");
	sg_status_clear(&st);
	CHECK(!sg_survey_preset("SDSS", &sv, &st));
	CHECK_FAILS_WITH(st, SG_ERR_NOT_FOUND, "SDSS");
	CHECK(sg_survey_preset("DES", &sv, &st));
	sg_status_clear(&st);
	CHECK(!sg_survey_select_bands(&sv, "g,g", &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "twice");
}

static void
test_member_seed(void)
{
	CHECK(sg_member_seed(1, 0) != sg_member_seed(1, 1));
	CHECK(sg_member_seed(1, 0) != sg_member_seed(2, 0));
	CHECK(sg_member_seed(7, 123) == sg_member_seed(7, 123));
}

static void
test_transform(void)
{
	enum
	{
		S = 6, O = 4
	};
	float		in[2 * S * S],
				a[2 * S * S],
				b[2 * S * S],
				c[2 * O * O];

	for (int i = 0; i < 2 * S * S; i++)
		in[i] = (float) i;
	/* flipping twice and rotating four times are the identity */
	sg_dataset_transform(in, 2, S, S, 0, 0, 1, 0, a);
	sg_dataset_transform(a, 2, S, S, 0, 0, 1, 0, b);
	CHECK(memcmp(in, b, sizeof(in)) == 0);
	CHECK(memcmp(in, a, sizeof(in)) != 0);
	memcpy(a, in, sizeof(in));
	for (int k = 0; k < 4; k++)
	{
		sg_dataset_transform(a, 2, S, S, 0, 0, 0, 1, b);
		if (k == 0)
			CHECK(memcmp(b, in, sizeof(in)) != 0);
		memcpy(a, b, sizeof(in));
	}
	CHECK(memcmp(in, a, sizeof(in)) == 0);
	/* rot 2 = flip, rot 2, flip */
	sg_dataset_transform(in, 2, S, S, 0, 0, 0, 2, a);
	CHECK(a[0] == in[S * S - 1] && a[S * S] == in[2 * S * S - 1]);
	/* a shifted crop reads the shifted window */
	sg_dataset_transform(in, 2, S, O, 1, -1, 0, 0, c);
	CHECK(c[0] == in[(1 - 1) * S + 1 + 1]);
	CHECK(c[O * O + O + 1] == in[S * S + (2 - 1) * S + 2 + 1]);
}

/* Move a light profile's centre and ellipticity as the lens parameters move. */
static void
transform_light(sg_light_profile *l, double scale, int dx, int dy, int flip, int rot)
{
	double		p[SG_LENS_NPARAMS] = {1, l->e1, l->e2, l->center_x, l->center_y, 0, 0};

	sg_dataset_transform_params(p, scale, dx, dy, flip, rot);
	l->e1 = p[1];
	l->e2 = p[2];
	l->center_x = p[3];
	l->center_y = p[4];
}

/*
 * Transforming the pixels of a rendered lens and rendering the lens with
 * transformed parameters give the same image, for all 8 symmetries and
 * shifts: the augmentation moves the regression targets correctly.
 */
static void
test_transform_params(void)
{
	enum
	{
		S = 40, O = 32
	};
	const double scale = 0.2;
	sg_scene   *sc = calloc(1, sizeof(sg_scene)),
			   *tc = calloc(1, sizeof(sg_scene));
	sg_status	st = {0};
	sg_image   *a = sg_image_new(S, S, 1, scale, &st),
			   *b = sg_image_new(O, O, 1, scale, &st);
	float	   *t = malloc(O * O * sizeof(float));
	double		p[SG_LENS_NPARAMS],
				q[SG_LENS_NPARAMS];

	sc->n_mass = 2;
	sc->mass[0] = (sg_mass_profile) {.type = SG_MASS_SIE, .theta_e = 1.1, .e1 = 0.15, .e2 = -0.08,
	.center_x = 0.13, .center_y = -0.21};
	sc->mass[1] = (sg_mass_profile) {.type = SG_MASS_SHEAR, .gamma1 = 0.06, .gamma2 = 0.03};
	sc->n_source = 1;
	sc->source[0] = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .amp = {5}, .r_sersic = 0.3,
	.n_sersic = 1, .e1 = 0.2, .e2 = 0.1, .center_x = 0.25, .center_y = 0.1};
	sc->n_lens_light = 1;
	sc->lens_light[0] = (sg_light_profile) {.type = SG_LIGHT_SERSIC_ELLIPSE, .amp = {3}, .r_sersic = 0.8,
	.n_sersic = 2, .e1 = -0.1, .e2 = 0.12, .center_x = 0.13, .center_y = -0.21};
	CHECK(sg_render(sc, a, 2, &st));
	CHECK(sg_dataset_scene_params(sc, p));
	CHECK(p[0] == 1.1 && p[2] == -0.08 && p[5] == 0.06 && p[6] == 0.03);
	for (int k = 0; k < 8 * 3; k++)
	{
		int			flip = k & 1,
					rot = (k >> 1) & 3,
					dx = k / 8 - 1,
					dy = 2 - 2 * (k / 8);
		double		diff = 0,
					peak = 0;

		memcpy(q, p, sizeof(p));
		sg_dataset_transform_params(q, scale, dx, dy, flip, rot);
		*tc = *sc;
		tc->mass[0].e1 = q[1];
		tc->mass[0].e2 = q[2];
		tc->mass[0].center_x = q[3];
		tc->mass[0].center_y = q[4];
		tc->mass[1].gamma1 = q[5];
		tc->mass[1].gamma2 = q[6];
		/* the shear's own origin moves with the pixels too */
		memset(q, 0, sizeof(q));
		sg_dataset_transform_params(q, scale, dx, dy, flip, rot);
		tc->mass[1].center_x = q[3];
		tc->mass[1].center_y = q[4];
		transform_light(&tc->source[0], scale, dx, dy, flip, rot);
		transform_light(&tc->lens_light[0], scale, dx, dy, flip, rot);
		CHECK(sg_render(tc, b, 2, &st));
		sg_dataset_transform(sg_image_band_pixels(a, 0), 1, S, O, dx, dy, flip, rot, t);
		for (int i = 0; i < O * O; i++)
		{
			diff = fmax(diff, fabs(t[i] - sg_image_band_pixels(b, 0)[i]));
			peak = fmax(peak, fabs(t[i]));
		}
		CHECK(diff < 1e-5 * peak);
	}
	free(t);
	sg_free(a);
	sg_free(b);
	free(sc);
	free(tc);
}

static void
test_fill(const char *survey, const char *bands, int in, int stamp)
{
	enum
	{
		N = 24
	};
	sg_survey	sv;
	sg_dataset_spec spec = make_spec(&sv, survey, bands, in, stamp);
	size_t		plane = (size_t) sv.nbands * in * in;
	float	   *x1 = malloc(N * plane * sizeof(float)),
			   *x2 = malloc(N * plane * sizeof(float)),
			   *xa = malloc(N * plane * sizeof(float)),
			   *t = malloc(plane * sizeof(float));
	float		y1[N],
				y2[N],
				ya[N];
	sg_dataset_meta meta[N];
	sg_status	st = {0};
	sg_rng		rng;
	int			lenses = 0;

	CHECK(sg_dataset_fill(&spec, 100, N, NULL, 0, x1, y1, meta, &st));
	/* the same members again, and from another first id: deterministic */
	CHECK(sg_dataset_fill(&spec, 100, N, NULL, 0, x2, y2, NULL, &st));
	CHECK(memcmp(x1, x2, N * plane * sizeof(float)) == 0);
	CHECK(memcmp(y1, y2, sizeof(y1)) == 0);
	CHECK(sg_dataset_fill(&spec, 105, 3, NULL, 0, x2, y2, NULL, &st));
	CHECK(memcmp(x1 + 5 * plane, x2, 3 * plane * sizeof(float)) == 0);
	for (int i = 0; i < N; i++)
	{
		CHECK(y1[i] == (meta[i].is_lens ? 1.0f : 0.0f));
		CHECK((meta[i].kind == SG_KIND_LENS) == meta[i].is_lens);
		if (meta[i].is_lens)
		{
			lenses++;
			CHECK(meta[i].theta_e >= 0.35 && meta[i].theta_e <= 2.8);
			CHECK(meta[i].source_mag > 20 && meta[i].source_mag < 30);
			CHECK(meta[i].arc_snr >= 0 && isfinite(meta[i].arc_snr));
		}
		else
		{
			CHECK(meta[i].theta_e == 0);
			CHECK(isnan(meta[i].source_mag) && isnan(meta[i].arc_snr));
		}
	}
	CHECK(lenses > 4 && lenses < N - 4);
	/* pixels are finite and noise-normalised: background about unit σ */
	for (size_t i = 0; i < N * plane; i++)
		if (!isfinite(x1[i]))
		{
			CHECK(isfinite(x1[i]));
			break;
		}
	/* augmentation without shifts is one of the eight symmetries */
	sg_rng_seed(&rng, 9, 0);
	CHECK(sg_dataset_fill(&spec, 100, N, &rng, 0, xa, ya, NULL, &st));
	CHECK(memcmp(y1, ya, sizeof(y1)) == 0);
	for (int i = 0; i < N; i++)
	{
		bool		found = false;

		for (int k = 0; k < 8 && !found; k++)
		{
			sg_dataset_transform(x1 + i * plane, sv.nbands, in, in, 0, 0, k & 1, k >> 1, t);
			found = memcmp(t, xa + i * plane, plane * sizeof(float)) == 0;
		}
		CHECK(found);
	}
	/* shifts need room in the stamp */
	CHECK(!sg_dataset_fill(&spec, 0, 1, &rng, (stamp - in) / 2 + 1, xa, ya, NULL, &st));
	CHECK_FAILS_WITH(st, SG_ERR_VALUE, "no room");
	CHECK(sg_dataset_fill(&spec, 0, 4, &rng, (stamp - in) / 2, xa, ya, NULL, &st));
	free(x1);
	free(x2);
	free(xa);
	free(t);
}

/* Train a tiny net on small sampled stamps: the loss must fall. */
static void
test_train_smoke(void)
{
	enum
	{
		B = 32, STEPS = 300, IN = 24
	};
	sg_survey	sv;
	sg_dataset_spec spec = make_spec(&sv, "LSST", "g,r,i", IN, IN + 4);
	sg_nn_spec	ns;
	sg_status	st = {0};
	sg_nn_model *m;
	sg_nn_param *params;
	sg_nn_adam *adam;
	sg_nn_adam_options opt = sg_nn_adam_defaults();
	size_t		plane = (size_t) 3 * IN * IN;
	float	   *x = malloc(B * plane * sizeof(float));
	float		y[B],
				z[B],
				dz[B];
	double		first = 0,
				last = 0;
	int			np;

	memset(&ns, 0, sizeof(ns));
	ns.in_channels = 3;
	ns.in_size = IN;
	ns.stem_channels = 8;
	ns.stem_kernel = 3;
	ns.stem_pool = SG_NN_POOL_MAX;
	ns.act = SG_NN_ACT_ELU;
	ns.nstages = 2;
	ns.stages[0] = (sg_nn_stage) {8, 1, false};
	ns.stages[1] = (sg_nn_stage) {16, 1, true};
	ns.n_outputs = 1;
	m = sg_nn_model_new(&ns, 3, &st);
	CHECK(m != NULL);
	if (m == NULL)
		return;
	params = sg_nn_model_params(m, &np);
	opt.lr = 3e-3f;
	adam = sg_nn_adam_new(params, np, &opt, &st);
	spec.lens_fraction = 0.5;
	for (int s = 0; s < STEPS; s++)
	{
		sg_rng		rng;
		double		loss;

		sg_rng_seed(&rng, 5, (uint64_t) s);
		/* a small dataset of 16 batches, seen repeatedly with augmentation */
		if (!sg_dataset_fill(&spec, (int64_t) (s % 16) * B, B, &rng, 2, x, y, NULL, &st) ||
			!sg_nn_forward(m, x, B, true, z, &st))
			break;
		loss = sg_nn_loss_bce(z, y, B, dz);
		if (!sg_nn_backward(m, dz, &st))
			break;
		sg_nn_adam_step(adam);
		if (s < 30)
			first += loss / 30;
		if (s >= STEPS - 30)
			last += loss / 30;
	}
	CHECK(st.code == SG_OK);
	printf("smoke training: mean loss %.3f over the first 30 steps, %.3f over the last 30\n",
		   first, last);
	CHECK(last < first - 0.1);
	sg_nn_adam_free(adam);
	sg_nn_model_free(m);
	free(x);
}

int
main(void)
{
	test_presets();
	test_member_seed();
	test_transform();
	test_transform_params();
	test_fill("LSST", "g,r,i", 32, 40);
	test_fill("Euclid", "VIS", 48, 52);
	test_train_smoke();
	return UNIT_REPORT("test_dataset");
}
