/* nn_input.c — stamps to network inputs (see nn_input.h for the transform). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/fit.h"
#include "sglens/lens.h"
#include "sglens/nn_input.h"
#include "nn_internal.h"
#include "simd_level.h"

#define BORDER 4
#define SOFTENING 10.0

static int
compare_float(const void *a, const void *b)
{
	float		x = *(const float *) a,
				y = *(const float *) b;

	return (x > y) - (x < y);
}

/* Median of n floats (sorted in place). */
static double
median(float *v, size_t n)
{
	qsort(v, n, sizeof(float), compare_float);
	return n % 2 ? v[n / 2] : 0.5 * ((double) v[n / 2 - 1] + v[n / 2]);
}

double
sg_nn_robust_sigma(const sg_image *img, int b)
{
	const float *pix = sg_image_band_pixels(img, b);
	int			w = img->nx < 2 * BORDER + 1 || img->ny < 2 * BORDER + 1 ? 0 : BORDER;
	float	   *v = sg_malloc((size_t) img->nx * img->ny * sizeof(float));
	size_t		n = 0;
	double		med,
				mad;

	if (v == NULL)
		return NAN;
	for (int y = 0; y < img->ny; y++)
		for (int x = 0; x < img->nx; x++)
		{
			bool		edge = w == 0 || x < w || y < w || x >= img->nx - w || y >= img->ny - w;
			float		p = pix[(size_t) y * img->nx + x];

			if (edge && !isnan(p))
				v[n++] = p;
		}
	if (n == 0)
	{
		sg_free(v);
		return NAN;
	}
	med = median(v, n);
	for (size_t i = 0; i < n; i++)
		v[i] = fabsf(v[i] - (float) med);
	mad = median(v, n);
	sg_free(v);
	return 1.4826 * mad;
}

/* Check the stamp against the model's input spec; band indices into idx. */
static bool
check_stamp(const sg_image *img, const sg_nn_info *info, int size, int *idx, sg_status *st)
{
	if (fabs(img->pixel_scale - info->pixel_scale) > SG_NN_SCALE_TOLERANCE * info->pixel_scale)
	{
		sg_fail(st, SG_ERR_VALUE, "model %s expects %g arcsec/pixel but the stamp has %g",
				info->name, info->pixel_scale, img->pixel_scale);
		return false;
	}
	if (img->nx < size || img->ny < size)
	{
		sg_fail(st, SG_ERR_VALUE, "model %s needs a stamp of at least %d x %d pixels, got %d x %d",
				info->name, size, size, img->nx, img->ny);
		return false;
	}
	if ((img->nx - size) % 2 || (img->ny - size) % 2)
	{
		sg_fail(st, SG_ERR_VALUE, "a %d x %d stamp cannot be centre-cropped to %d x %d without moving its centre by half a pixel",
				img->nx, img->ny, size, size);
		return false;
	}
	for (int b = 0; b < info->nbands; b++)
	{
		idx[b] = sg_image_find_band(img, info->bands[b]);
		if (idx[b] < 0)
		{
			sg_fail(st, SG_ERR_NOT_FOUND, "model %s needs band \"%s\", which the stamp does not have",
					info->name, info->bands[b]);
			return false;
		}
	}
	return true;
}

/* The noise σ of each of the model's bands (idx into img): metadata, else robust. */
static bool
band_sigmas(const sg_image *img, const sg_nn_info *info, const int *idx, double *sigma,
			sg_status *st)
{
	for (int b = 0; b < info->nbands; b++)
	{
		sigma[b] = img->bands[idx[b]].noise_sigma;
		if (isnan(sigma[b]))
			sigma[b] = sg_nn_robust_sigma(img, idx[b]);
		if (!(sigma[b] > 0 && isfinite(sigma[b])))
		{
			sg_fail(st, SG_ERR_VALUE, "band \"%s\" has no usable noise level (blank or constant border); set its noise sigma with sg_set_band",
					info->bands[b]);
			return false;
		}
	}
	return true;
}

/* The centre size × size of each band idx of img, in units of sigma, compressed. */
static void
fill_planes(const sg_image *img, const sg_nn_info *info, const int *idx, const double *sigma,
			int size, float *out)
{
	int			x0 = (img->nx - size) / 2,
				y0 = (img->ny - size) / 2;

	for (int b = 0; b < info->nbands; b++)
	{
		const float *src = sg_image_band_pixels(img, idx[b]);
		float	   *dst = out + (size_t) b * size * size;
		double		scale = 1.0 / (SOFTENING * sigma[b]);

		if (sg_simd_level() > 0)
		{
			for (int y = 0; y < size; y++)
				nn_asinh_scaled_avx2(size, src + (size_t) (y + y0) * img->nx + x0, (float) scale,
									 SOFTENING, dst + (size_t) y * size);
			continue;
		}
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++)
			{
				float		p = src[(size_t) (y + y0) * img->nx + x + x0];

				dst[(size_t) y * size + x] = isnan(p) ? 0.0f : (float) (SOFTENING * asinh(p * scale));
			}
	}
}

/*
 * The centre size × size of img minus its fitted lens light (fitted on that
 * crop, so a larger stamp costs no more), as SUBTRACTED and MARKED models
 * see it; res gets the fitted lens light (fit.h).
 */
static sg_image *
subtracted(const sg_image *img, int size, const sg_fit_options *fit, sg_fit_result *res,
		   sg_status *st)
{
	sg_fit_options opt = sg_fit_defaults();
	sg_image   *crop = NULL,
			   *sub;

	opt.supersampling = 1;
	if (fit)
	{
		opt.psf_image = fit->psf_image;
		opt.should_stop = fit->should_stop;
	}
	if (img->nx > size || img->ny > size)
	{
		crop = sg_image_crop_center(img, size, size, st);
		if (crop == NULL)
			return NULL;
	}
	sub = sg_subtract_lens_light(crop ? crop : img, &opt, res, st);
	sg_free(crop);
	return sub;
}

/*
 * The lens marker plane (nn_input.h) of a size × size crop at scale
 * arcsec/pixel, from the fitted lens light's centre (params 3, 4) and
 * ellipticity (params 15, 16).
 */
static void
fill_marker(const sg_fit_result *light, int size, double scale, float *out)
{
	double		q,
				phi,
				c,
				s,
				inv_s2 = 1.0 / (SG_NN_MARKER_SIGMA * SG_NN_MARKER_SIGMA * scale * scale);

	sg_ellipticity_to_q_phi(light->params[15], light->params[16], &q, &phi);
	c = cos(phi);
	s = sin(phi);
	for (int r = 0; r < size; r++)
		for (int k = 0; k < size; k++)
		{
			double		x = (k - 0.5 * (size - 1)) * scale - light->params[3],
						y = (r - 0.5 * (size - 1)) * scale - light->params[4],
						xp = c * x + s * y,
						yp = c * y - s * x,
						rho2 = (q * xp * xp + yp * yp / q) * inv_s2;

			out[(size_t) r * size + k] = (float) (10.0 * exp(-0.5 * rho2));
		}
}

bool
sg_nn_prepare_input(const sg_image *img, const sg_nn_info *info, int size, float *out,
					sg_status *st)
{
	return sg_nn_prepare_input_fit(img, info, size, NULL, out, NULL, st);
}

bool
sg_nn_prepare_input_fit(const sg_image *img, const sg_nn_info *info, int size,
						const sg_fit_options *fit, float *out, sg_fit_result *light_out,
						sg_status *st)
{
	int			idx[SG_NN_MAX_BANDS];
	double		sigma[SG_NN_MAX_BANDS];
	sg_fit_result light;
	sg_image   *sub;

	if (light_out)
		light_out->nbands = 0;
	if (!check_stamp(img, info, size, idx, st) || !band_sigmas(img, info, idx, sigma, st))
		return false;
	if (info->norm != SG_NN_NORM_SUBTRACTED && info->norm != SG_NN_NORM_MARKED)
	{
		fill_planes(img, info, idx, sigma, size, out);
		return true;
	}
	/* the lensed light in the stamp's noise units (and where the lens is) */
	if ((sub = subtracted(img, size, fit, &light, st)) == NULL)
		return false;
	fill_planes(sub, info, idx, sigma, size, out);
	if (info->norm == SG_NN_NORM_MARKED)
		fill_marker(&light, size, img->pixel_scale, out + (size_t) info->nbands * size * size);
	sg_free(sub);
	if (light_out)
		*light_out = light;
	return true;
}
