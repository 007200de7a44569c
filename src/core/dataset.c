/*
 * dataset.c — network inputs, labels and physical quantities of members of
 * a sampled population (see dataset.h).
 */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/dataset.h"
#include "sglens/nn_input.h"
#include "sglens/psf.h"
#include "sglens/simulate.h"

const char *const sg_lens_param_names[SG_LENS_NPARAMS] = {
	"theta_E", "e1", "e2", "center_x", "center_y", "gamma1", "gamma2"
};

uint64_t
sg_member_seed(uint64_t seed, int64_t id)
{
	uint64_t	z = seed + 0x9E3779B97F4A7C15ULL * (uint64_t) (id + 1);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The deepest band (largest 5σ point-source limit), as the sampler picks it. */
static int
reference_band(const sg_survey *sv)
{
	int			ref = 0;
	double		best = -INFINITY;

	for (int b = 0; b < sv->nbands; b++)
	{
		sg_noise_model m = sg_survey_noise(sv, b);
		double		sigma = sg_noise_sky_sigma(&m, sv->pixel_scale);
		double		npix = M_PI * pow(sv->bands[b].psf_fwhm / sv->pixel_scale, 2);
		double		lim = sv->bands[b].zeropoint - 2.5 * log10(5 * sigma * sqrt(npix));

		if (lim > best)
		{
			best = lim;
			ref = b;
		}
	}
	return ref;
}

void
sg_dataset_transform(const float *in, int nbands, int in_side, int out_side,
					 int dx, int dy, int flip, int rot, float *out)
{
	int			off = (in_side - out_side) / 2;
	int			last = out_side - 1;

	for (int b = 0; b < nbands; b++)
	{
		const float *src = in + (size_t) b * in_side * in_side;
		float	   *dst = out + (size_t) b * out_side * out_side;

		for (int y = 0; y < out_side; y++)
			for (int x = 0; x < out_side; x++)
			{
				int			u = flip ? last - x : x,
							v = y,
							t;

				for (int k = 0; k < (rot & 3); k++)
				{
					t = u;
					u = v;
					v = last - t;
				}
				dst[(size_t) y * out_side + x] =
					src[(size_t) (v + off + dy) * in_side + u + off + dx];
			}
	}
}

void
sg_dataset_transform_params(double *p, double scale, int dx, int dy, int flip, int rot)
{
	double		x = p[3] - dx * scale,
				y = p[4] - dy * scale;
	double		sign2 = (rot & 1) ? -1.0 : 1.0;

	/* the inverse of the pixel map: undo the turns (+90° each), then the flip */
	for (int k = 0; k < (rot & 3); k++)
	{
		double		t = x;

		x = -y;
		y = t;
	}
	if (flip)
		x = -x;
	p[3] = x;
	p[4] = y;
	p[1] *= sign2;
	p[2] *= flip ? -sign2 : sign2;
	p[5] *= sign2;
	p[6] *= flip ? -sign2 : sign2;
}

bool
sg_dataset_scene_params(const sg_scene *scene, double *p)
{
	bool		found = false;

	memset(p, 0, SG_LENS_NPARAMS * sizeof(double));
	for (int i = 0; i < scene->n_mass; i++)
	{
		const sg_mass_profile *m = &scene->mass[i];

		if (m->type == SG_MASS_SIE && !found)
		{
			p[0] = m->theta_e;
			p[1] = m->e1;
			p[2] = m->e2;
			p[3] = m->center_x;
			p[4] = m->center_y;
			found = true;
		}
		else if (m->type == SG_MASS_SHEAR)
		{
			p[5] += m->gamma1;
			p[6] += m->gamma2;
		}
	}
	return found;
}

/*
 * S/N of the lensed source light alone in band ref: noise-free render with
 * the band's Gaussian PSF, summed over the central in_size² pixels brighter
 * than σ as sqrt(Σ (flux/σ)²).
 */
static double
arc_snr(const sg_scene *scene, const sg_dataset_spec *spec, int ref, double sigma,
		sg_status *st)
{
	const sg_survey *sv = spec->survey;
	sg_scene   *src = sg_malloc(sizeof(sg_scene));
	sg_image   *img = NULL;
	sg_psf		psf;
	double		sum = 0;
	int			n = spec->stamp_size,
				off = (spec->stamp_size - spec->in_size) / 2;
	const float *pix;

	if (src == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory");
		return NAN;
	}
	*src = *scene;
	src->n_lens_light = 0;
	img = sg_image_new(n, n, sv->nbands, sv->pixel_scale, st);
	if (img == NULL || !sg_render(src, img, spec->supersampling, st))
		goto fail;
	memset(&psf, 0, sizeof(psf));
	psf.type = SG_PSF_GAUSSIAN;
	psf.fwhm = sv->bands[ref].psf_fwhm;
	if (!sg_psf_convolve(&psf, img, ref, st))
		goto fail;
	pix = sg_image_band_pixels(img, ref);
	for (int y = off; y < off + spec->in_size; y++)
		for (int x = off; x < off + spec->in_size; x++)
		{
			double		f = pix[(size_t) y * n + x] / sigma;

			if (f > 1)
				sum += f * f;
		}
	sg_free(img);
	sg_free(src);
	return sqrt(sum);
fail:
	sg_free(img);
	sg_free(src);
	return NAN;
}

/* The physical quantities of one member. */
static bool
fill_meta(const sg_dataset_spec *spec, const sg_scene *scene, sg_sample_kind kind,
		  const sg_image *img, sg_dataset_meta *meta, sg_status *st)
{
	const sg_survey *sv = spec->survey;
	int			ref = reference_band(sv);
	double		flux = 0;

	meta->is_lens = kind == SG_KIND_LENS;
	meta->kind = kind;
	meta->theta_e = 0;
	meta->source_mag = NAN;
	meta->arc_snr = NAN;
	memset(meta->params, 0, sizeof(meta->params));
	if (!meta->is_lens)
		return true;
	sg_dataset_scene_params(scene, meta->params);
	meta->theta_e = scene->mass[0].theta_e;
	for (int i = 0; i < scene->n_source; i++)
		flux += sg_light_total_flux(&scene->source[i], ref);
	meta->source_mag = sv->bands[ref].zeropoint - 2.5 * log10(flux);
	meta->arc_snr = arc_snr(scene, spec, ref, img->bands[ref].noise_sigma, st);
	return !isnan(meta->arc_snr);
}

/* Check the spec and the augmentation margin. */
static bool
check_spec(const sg_dataset_spec *spec, int max_shift, sg_status *st)
{
	if (spec->survey == NULL || spec->in_size < 1 || spec->stamp_size < spec->in_size ||
		(spec->stamp_size - spec->in_size) % 2)
	{
		sg_fail(st, SG_ERR_VALUE, "dataset: stamp_size %d must be >= in_size %d with the same parity",
				spec->stamp_size, spec->in_size);
		return false;
	}
	if (max_shift < 0 || spec->stamp_size < spec->in_size + 2 * max_shift)
	{
		sg_fail(st, SG_ERR_VALUE, "dataset: stamp_size %d leaves no room for shifts of %d pixels around %d",
				spec->stamp_size, max_shift, spec->in_size);
		return false;
	}
	if (spec->info.nbands < 1 || spec->info.nbands > SG_NN_MAX_BANDS)
	{
		sg_fail(st, SG_ERR_VALUE, "dataset: the model info has %d bands", spec->info.nbands);
		return false;
	}
	return true;
}

/* One member into x (nbands × in_size²), its label and meta. */
static bool
fill_one(const sg_dataset_spec *spec, int64_t id, sg_rng *augment, int max_shift,
		 float *x, float *y, sg_dataset_meta *meta, sg_scene *scene, float *work,
		 sg_status *st)
{
	sg_sample_kind kind;
	sg_simulate_options opt = sg_simulate_defaults();
	double		half = 0.5 * spec->stamp_size * spec->survey->pixel_scale;
	int			side = augment ? spec->in_size + 2 * max_shift : spec->in_size;
	bool		regression = spec->info.task == SG_NN_TASK_REGRESSION;
	double		params[SG_LENS_NPARAMS];
	sg_image   *img;
	bool		ok;

	if (!sg_sample_scene(spec->survey, spec->seed, id, spec->lens_fraction, half, scene, &kind, st))
		return false;
	opt.size = spec->stamp_size;
	opt.supersampling = spec->supersampling;
	opt.add_noise = true;
	opt.seed = sg_member_seed(spec->seed, id);
	if (regression && (kind != SG_KIND_LENS || !sg_dataset_scene_params(scene, params)))
	{
		sg_fail(st, SG_ERR_VALUE, "dataset: member %lld is not a lens; a modeller's data needs lens_fraction 1",
				(long long) id);
		return false;
	}
	img = sg_simulate(scene, spec->survey, &opt, st);
	if (img == NULL)
		return false;
	ok = sg_nn_prepare_input(img, &spec->info, side, augment ? work : x, st);
	if (ok && augment)
	{
		int			dx = max_shift ? (int) (sg_rng_uniform(augment) * (2 * max_shift + 1)) - max_shift : 0;
		int			dy = max_shift ? (int) (sg_rng_uniform(augment) * (2 * max_shift + 1)) - max_shift : 0;
		int			flip = sg_rng_uniform(augment) < 0.5;
		int			rot = (int) (sg_rng_uniform(augment) * 4);

		sg_dataset_transform(work, sg_nn_input_planes(&spec->info), side, spec->in_size, dx, dy, flip, rot, x);
		if (regression)
			sg_dataset_transform_params(params, spec->survey->pixel_scale, dx, dy, flip, rot);
	}
	if (regression)
		for (int k = 0; k < SG_LENS_NPARAMS; k++)
			y[k] = (float) params[k];
	else
		*y = kind == SG_KIND_LENS ? 1.0f : 0.0f;
	if (ok && meta)
		ok = fill_meta(spec, scene, kind, img, meta, st);
	sg_free(img);
	return ok;
}

bool
sg_dataset_fill(const sg_dataset_spec *spec, int64_t first_id, int n, sg_rng *augment,
				int max_shift, float *x, float *y, sg_dataset_meta *meta, sg_status *st)
{
	size_t		plane;
	int			labels = spec->info.task == SG_NN_TASK_REGRESSION ? SG_LENS_NPARAMS : 1;
	sg_scene   *scene;
	float	   *work = NULL;
	bool		ok = true;

	if (!check_spec(spec, max_shift, st))
		return false;
	plane = (size_t) sg_nn_input_planes(&spec->info) * spec->in_size * spec->in_size;
	scene = sg_malloc(sizeof(sg_scene));
	if (augment)
	{
		int			side = spec->in_size + 2 * max_shift;

		work = sg_malloc((size_t) sg_nn_input_planes(&spec->info) * side * side * sizeof(float));
	}
	if (scene == NULL || (augment && work == NULL))
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory");
		ok = false;
	}
	for (int i = 0; ok && i < n; i++)
		ok = fill_one(spec, first_id + i, augment, max_shift, x + i * plane, y + i * labels,
					  meta ? meta + i : NULL, scene, work, st);
	sg_free(work);
	sg_free(scene);
	return ok;
}
