/* simulate.c — survey images of lens scenes, and injection into real stamps. */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/simulate.h"

sg_simulate_options
sg_simulate_defaults(void)
{
	sg_simulate_options o = {64, 2, true, 0, 0.0, NULL};

	return o;
}

/* The PSF of one band: Gaussian, or Moffat when beta > 1. */
static sg_psf
band_psf(double fwhm, double beta)
{
	sg_psf		psf;

	memset(&psf, 0, sizeof(psf));
	psf.type = beta > 1 ? SG_PSF_MOFFAT : SG_PSF_GAUSSIAN;
	psf.fwhm = fwhm;
	psf.beta = beta;
	return psf;
}

/* Check options that do not depend on the survey. */
static bool
check_options(const sg_simulate_options *opt, sg_status *st)
{
	if (opt->size < 4 || opt->size > 2048)
	{
		sg_fail(st, SG_ERR_VALUE, "size must be between 4 and 2048 pixels, got %d", opt->size);
		return false;
	}
	if (opt->supersampling < 1 || opt->supersampling > 16)
	{
		sg_fail(st, SG_ERR_VALUE, "supersampling must be between 1 and 16, got %d",
				opt->supersampling);
		return false;
	}
	if (opt->psf_beta != 0 && !(opt->psf_beta > 1 && isfinite(opt->psf_beta)))
	{
		sg_fail(st, SG_ERR_VALUE, "Moffat psf_beta must be greater than 1, got %g", opt->psf_beta);
		return false;
	}
	return true;
}

sg_image *
sg_simulate(const sg_scene *scene, const sg_survey *sv, const sg_simulate_options *opt,
			sg_status *st)
{
	sg_image   *img;

	if (!check_options(opt, st) || !sg_survey_check(sv, st))
		return NULL;
	img = sg_image_new(opt->size, opt->size, sv->nbands, sv->pixel_scale, st);
	if (img == NULL)
		return NULL;
	for (int b = 0; b < sv->nbands; b++)
	{
		sg_image_set_band_name(img, b, sv->bands[b].name, st);
		img->bands[b].zeropoint = sv->bands[b].zeropoint;
		img->bands[b].psf_fwhm = sv->bands[b].psf_fwhm;
	}
	if (!sg_render(scene, img, opt->supersampling, st))
		goto fail;
	for (int b = 0; b < sv->nbands; b++)
	{
		sg_psf		psf = band_psf(sv->bands[b].psf_fwhm, opt->psf_beta);

		if (opt->psf_image)
		{
			if (!sg_psf_from_image(opt->psf_image, sv->bands[b].name, sv->pixel_scale, "survey", &psf, st))
				goto fail;
			img->bands[b].psf_fwhm = NAN;	/* a pixelised PSF has no single FWHM */
		}
		if (!sg_psf_convolve(&psf, img, b, st))
			goto fail;
		if (opt->add_noise)
		{
			sg_noise_model m = sg_survey_noise(sv, b);
			sg_rng		rng;

			sg_rng_seed(&rng, opt->seed, (uint64_t) b);
			if (!sg_noise_add(&m, img, b, &rng, st))
				goto fail;
		}
	}
	return img;
fail:
	sg_free(img);
	return NULL;
}

sg_image *
sg_inject(const sg_image *stamp, const sg_scene *scene, int supersampling, sg_status *st)
{
	sg_scene   *lensed_only;
	sg_image   *arc = NULL;
	sg_image   *out = NULL;
	size_t		plane = (size_t) stamp->nx * stamp->ny;

	for (int b = 0; b < stamp->nbands; b++)
		if (isnan(stamp->bands[b].psf_fwhm))
		{
			sg_fail(st, SG_ERR_VALUE, "band \"%s\" of the stamp has no PSF FWHM; set it with sg_set_band",
					stamp->bands[b].name);
			return NULL;
		}
	lensed_only = sg_malloc(sizeof(sg_scene));
	if (lensed_only == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	*lensed_only = *scene;
	lensed_only->n_lens_light = 0;
	arc = sg_image_copy(stamp, st);
	if (arc == NULL || !sg_render(lensed_only, arc, supersampling, st))
		goto done;
	for (int b = 0; b < stamp->nbands; b++)
	{
		sg_psf		psf = band_psf(stamp->bands[b].psf_fwhm, 0);

		if (!sg_psf_convolve(&psf, arc, b, st))
			goto done;
	}
	out = sg_image_copy(stamp, st);
	if (out != NULL)
	{
		float	   *dst = sg_image_pixels(out);
		const float *add = sg_image_pixels(arc);

		for (size_t i = 0; i < plane * stamp->nbands; i++)
			dst[i] += add[i];	/* NaN (masked) stays NaN */
	}
done:
	sg_free(arc);
	sg_free(lensed_only);
	return out;
}
