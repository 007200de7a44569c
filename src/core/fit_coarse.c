/*
 * fit_coarse.c — a 2×2-binned copy of a fit's stamp, on which the lens-light
 * subtraction runs its first round (de Vaucouleurs profile, nothing clipped
 * yet); the rounds that clip and the last fit stay on the stamp itself.
 *
 * Binning sums each 2×2 block of pixels (NaN when any of the four is), so
 * the noise model carries over exactly: the background σ doubles and the
 * Poisson term of a sum is the sum over the exposure time, which is the
 * formula the fine model already uses.  The binned stamp's pixel (X, Y)
 * is centred where fine pixels 2X..2X+1, 2Y..2Y+1 are, so positions in
 * arcsec agree.  It is rendered at twice the supersampling, so each
 * binned pixel is sampled where its four fine pixels were, and convolved
 * with each band's Gaussian PSF at its own pixel scale: a model
 * evaluation costs a fraction of the fine one, and the fine rounds start
 * near their optimum: the subtraction takes a quarter to a third less time,
 * with the same accuracy of the modellers that follow it (bench/RESULTS.md,
 * "The subtraction's first round on a binned stamp").
 */
#include <string.h>

#include "fit_internal.h"
#include "sglens/alloc.h"

/* The 2×2 sums of img, or NULL (st set) when out of memory. */
static sg_image *
bin_image(const sg_image *img, sg_status *st)
{
	int			cx = img->nx / 2,
				cy = img->ny / 2;
	sg_image   *bin = sg_image_new(cx, cy, img->nbands, 2 * img->pixel_scale, st);

	if (bin == NULL)
		return NULL;
	for (int b = 0; b < img->nbands; b++)
	{
		const float *d = sg_image_band_pixels(img, b);
		float	   *o = sg_image_band_pixels(bin, b);

		bin->bands[b] = img->bands[b];
		bin->bands[b].noise_sigma = 2 * img->bands[b].noise_sigma;
		for (int y = 0; y < cy; y++)
			for (int x = 0; x < cx; x++)
			{
				const float *q = d + (size_t) (2 * y) * img->nx + 2 * x;

				/* a NaN in any of the four makes the sum NaN: masked */
				o[(size_t) y * cx + x] = q[0] + q[1] + q[img->nx] + q[img->nx + 1];
			}
	}
	return bin;
}

bool
fit_coarse_init(fit_model *coarse, const fit_model *fm, const sg_fit_options *opt,
				sg_status *st)
{
	sg_fit_options copt = *opt;
	sg_status	cst = {0};
	sg_image   *bin;

	memset(coarse, 0, sizeof(*coarse));
	if (fm->nx % 2 != 0 || fm->ny % 2 != 0 || fm->nx < 32 || fm->ny < 32 ||
		opt->psf_image != NULL || 2 * opt->supersampling > 8)
		return true;
	bin = bin_image(fm->img, st);
	if (bin == NULL)
		return false;
	copt.supersampling = 2 * opt->supersampling;
	if (!fit_model_init(coarse, bin, &copt, &cst))
	{
		/* only running out of memory is an error: otherwise no binned round */
		fit_model_free(coarse);
		sg_free(bin);
		if (cst.code != SG_ERR_NOMEM)
			return true;
		*st = cst;
		return false;
	}
	coarse->owned_img = bin;
	coarse->dchi2_tol = fm->dchi2_tol;
	return true;
}
