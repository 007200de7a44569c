/* image_ops.c — band selection, merging and centre cropping of sgimages. */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/image.h"

/* Copy the non-pixel header fields (scale, centre, flags) from src to dst. */
static void
copy_geometry(sg_image *dst, const sg_image *src)
{
	dst->pixel_scale = src->pixel_scale;
	dst->flags = src->flags;
	dst->ra = src->ra;
	dst->dec = src->dec;
}

sg_image *
sg_image_select_bands(const sg_image *img, const char *const *names, int nnames,
					  sg_status *st)
{
	sg_image   *out;
	size_t		plane = (size_t) img->nx * img->ny;

	if (nnames < 1)
	{
		sg_fail(st, SG_ERR_VALUE, "select at least one band");
		return NULL;
	}
	out = sg_image_new(img->nx, img->ny, nnames, img->pixel_scale, st);
	if (out == NULL)
		return NULL;
	copy_geometry(out, img);
	for (int i = 0; i < nnames; i++)
	{
		int			b = sg_image_find_band(img, names[i]);

		if (b < 0)
		{
			sg_fail(st, SG_ERR_NOT_FOUND, "image has no band \"%.40s\"", names[i]);
			sg_fail_detail(st, "the image has %d band(s)", img->nbands);
			sg_free(out);
			return NULL;
		}
		for (int j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0)
			{
				sg_fail(st, SG_ERR_VALUE, "band \"%s\" is selected twice", names[i]);
				sg_free(out);
				return NULL;
			}
		out->bands[i] = img->bands[b];
		memcpy(sg_image_band_pixels(out, i), sg_image_band_pixels(img, b),
			   plane * sizeof(float));
	}
	return out;
}

/* Two positions agree when closer than 1e-3 pixel. */
static bool
same_center(const sg_image *a, const sg_image *b)
{
	double		d2r = M_PI / 180.0;
	double		dra = fabs(a->ra - b->ra);
	double		sep;

	if (dra > 180)
		dra = 360 - dra;
	sep = hypot(dra * cos(a->dec * d2r), a->dec - b->dec) * 3600.0;
	return sep <= 1e-3 * a->pixel_scale;
}

/* Check that img can join the stamp started by first. */
static bool
check_mergeable(const sg_image *first, const sg_image *img, int index, sg_status *st)
{
	if (img->nx != first->nx || img->ny != first->ny)
	{
		sg_fail(st, SG_ERR_VALUE, "stamp %d is %d x %d but stamp 1 is %d x %d",
				index + 1, img->nx, img->ny, first->nx, first->ny);
		return false;
	}
	if (fabs(img->pixel_scale - first->pixel_scale) > 1e-6 * first->pixel_scale)
	{
		sg_fail(st, SG_ERR_VALUE, "stamp %d has pixel scale %.9g but stamp 1 has %.9g",
				index + 1, img->pixel_scale, first->pixel_scale);
		return false;
	}
	if ((img->flags & SG_FLAG_HAS_CENTER) && (first->flags & SG_FLAG_HAS_CENTER) &&
		!same_center(first, img))
	{
		sg_fail(st, SG_ERR_VALUE, "stamp %d is centred at (%.9g, %.9g), stamp 1 at (%.9g, %.9g)",
				index + 1, img->ra, img->dec, first->ra, first->dec);
		return false;
	}
	return true;
}

sg_image *
sg_image_merge(const sg_image *const *imgs, int nimgs, sg_status *st)
{
	const sg_image *first;
	sg_image   *out;
	int			total = 0;
	int			b = 0;
	size_t		plane;

	if (nimgs < 1)
	{
		sg_fail(st, SG_ERR_VALUE, "merge needs at least one stamp");
		return NULL;
	}
	first = imgs[0];
	for (int i = 0; i < nimgs; i++)
	{
		if (!check_mergeable(first, imgs[i], i, st))
			return NULL;
		total += imgs[i]->nbands;
		if (total > SG_MAX_BANDS)
		{
			sg_fail(st, SG_ERR_LIMIT, "merged stamp would have more than %d bands", SG_MAX_BANDS);
			return NULL;
		}
	}
	out = sg_image_new(first->nx, first->ny, total, first->pixel_scale, st);
	if (out == NULL)
		return NULL;
	plane = (size_t) first->nx * first->ny;
	for (int i = 0; i < nimgs; i++)
	{
		if ((imgs[i]->flags & SG_FLAG_HAS_CENTER) && !(out->flags & SG_FLAG_HAS_CENTER))
			copy_geometry(out, imgs[i]);
		for (int k = 0; k < imgs[i]->nbands; k++, b++)
		{
			if (sg_image_find_band(out, imgs[i]->bands[k].name) >= 0)
			{
				sg_fail(st, SG_ERR_VALUE, "band \"%s\" appears in more than one stamp",
						imgs[i]->bands[k].name);
				sg_free(out);
				return NULL;
			}
			out->bands[b] = imgs[i]->bands[k];
			memcpy(sg_image_band_pixels(out, b), sg_image_band_pixels(imgs[i], k),
				   plane * sizeof(float));
		}
	}
	out->pixel_scale = first->pixel_scale;
	return out;
}

sg_image *
sg_image_crop_center(const sg_image *img, int width, int height, sg_status *st)
{
	sg_image   *out;
	int			x0,
				y0;

	if (width < 1 || height < 1 || width > img->nx || height > img->ny)
	{
		sg_fail(st, SG_ERR_VALUE, "cannot crop a %d x %d stamp to %d x %d",
				img->nx, img->ny, width, height);
		return NULL;
	}
	if ((img->nx - width) % 2 != 0 || (img->ny - height) % 2 != 0)
	{
		sg_fail(st, SG_ERR_VALUE, "cropping %d x %d to %d x %d would move the centre by half a pixel",
				img->nx, img->ny, width, height);
		sg_fail_detail(st, "choose a size with the same parity as the stamp");
		return NULL;
	}
	out = sg_image_new(width, height, img->nbands, img->pixel_scale, st);
	if (out == NULL)
		return NULL;
	copy_geometry(out, img);
	x0 = (img->nx - width) / 2;
	y0 = (img->ny - height) / 2;
	for (int b = 0; b < img->nbands; b++)
	{
		const float *src = sg_image_band_pixels(img, b);
		float	   *dst = sg_image_band_pixels(out, b);

		out->bands[b] = img->bands[b];
		for (int y = 0; y < height; y++)
			memcpy(dst + (size_t) y * width, src + (size_t) (y + y0) * img->nx + x0,
				   (size_t) width * sizeof(float));
	}
	return out;
}

sg_image *
sg_image_scale_flux(const sg_image *img, double k, sg_status *st)
{
	sg_image   *out;
	float	   *pix;
	size_t		n = sg_image_npixels(img);

	if (!(isfinite(k) && k > 0))
	{
		sg_fail(st, SG_ERR_VALUE, "flux scale factor must be positive and finite, got %g", k);
		return NULL;
	}
	out = sg_image_copy(img, st);
	if (out == NULL)
		return NULL;
	pix = sg_image_pixels(out);
	for (size_t i = 0; i < n; i++)
	{
		pix[i] = (float) (pix[i] * k);
		if (isinf(pix[i]))
		{
			sg_fail(st, SG_ERR_VALUE, "scaling by %g makes pixels overflow float32", k);
			sg_free(out);
			return NULL;
		}
	}
	for (int b = 0; b < out->nbands; b++)
	{
		out->bands[b].noise_sigma *= k;
		out->bands[b].zeropoint += 2.5 * log10(k);
	}
	return out;
}

sg_image *
sg_image_rotate90(const sg_image *img, int quarter_turns, sg_status *st)
{
	int			q = ((quarter_turns % 4) + 4) % 4;
	int			nx = q % 2 ? img->ny : img->nx;
	int			ny = q % 2 ? img->nx : img->ny;
	sg_image   *out = sg_image_new(nx, ny, img->nbands, img->pixel_scale, st);

	if (out == NULL)
		return NULL;
	copy_geometry(out, img);
	for (int b = 0; b < img->nbands; b++)
	{
		const float *src = sg_image_band_pixels(img, b);
		float	   *dst = sg_image_band_pixels(out, b);

		out->bands[b] = img->bands[b];
		for (int y = 0; y < img->ny; y++)
			for (int x = 0; x < img->nx; x++)
			{
				/* counter-clockwise with y up: (x, y) → (−y, x) about the centre */
				int			u = q == 0 ? x : q == 1 ? img->ny - 1 - y : q == 2 ? img->nx - 1 - x : y;
				int			v = q == 0 ? y : q == 1 ? x : q == 2 ? img->ny - 1 - y : img->nx - 1 - x;

				dst[(size_t) v * nx + u] = src[(size_t) y * img->nx + x];
			}
	}
	return out;
}
