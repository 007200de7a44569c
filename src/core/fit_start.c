/*
 * fit_start.c — starting points of a lens fit: the lens light fitted alone
 * with the arcs clipped, and the source found by tracing the arc pixels
 * back to the source plane (choosing θ_E where they trace back most
 * compactly when no estimate is given).
 */
#include <math.h>
#include <string.h>

#include "fit_internal.h"
#include "sglens/alloc.h"

/* Clipping threshold (band-combined S/N of a positive residual) and rounds. */
#define CLIP_SNR 4.0
#define CLIP_FRACTION 0.25
#define CLIP_ROUNDS 3
/* Fewest clipped pixels that count as lensed light. */
#define MIN_ARC_PIXELS 4

/* Position (arcsec) of pixel (x, y). */
static void
pixel_position(const fit_model *fm, int x, int y, double *px, double *py)
{
	double		s = fm->img->pixel_scale;

	*px = (x - 0.5 * (fm->nx - 1)) * s;
	*py = (y - 0.5 * (fm->ny - 1)) * s;
}

/*
 * Band-combined S/N of pixel i in a per-band array v (weighted values):
 * Σ_b v_b / sqrt(nb).
 */
static double
combined(const fit_model *fm, const double *v, size_t i)
{
	double		sum = 0;

	for (int b = 0; b < fm->nb; b++)
		sum += v[(size_t) b * fm->npix + i];
	return sum / sqrt(fm->nb);
}

/* Light centre, size and ellipticity from the moments of the central light. */
static void
light_moments(fit_model *fm, double *p)
{
	double		sw = 0,
				sx = 0,
				sy = 0,
				sxx = 0,
				syy = 0,
				sxy = 0,
				r_max = 0.3 * fm->half_width;

	for (int y = 0; y < fm->ny; y++)
		for (int x = 0; x < fm->nx; x++)
		{
			size_t		i = (size_t) y * fm->nx + x;
			double		px,
						py,
						t = 0;

			pixel_position(fm, x, y, &px, &py);
			if (hypot(px, py) > r_max)
				continue;
			for (int b = 0; b < fm->nb; b++)
			{
				float		d = sg_image_band_pixels(fm->img, b)[i];

				if (!isnan(d))
					t += d * fm->inv_sigma[(size_t) b * fm->npix + i];
			}
			if (t < 2)
				continue;
			sw += t;
			sx += t * px;
			sy += t * py;
			sxx += t * px * px;
			syy += t * py * py;
			sxy += t * px * py;
		}
	p[3] = p[4] = 0;
	p[13] = 0.5;
	p[15] = p[16] = 0;
	if (sw > 0)
	{
		double		mx = sx / sw,
					my = sy / sw,
					qxx = sxx / sw - mx * mx,
					qyy = syy / sw - my * my,
					qxy = sxy / sw - mx * my,
					tr = qxx + qyy;

		p[3] = mx;
		p[4] = my;
		if (tr > 0)
		{
			double		c1 = (qxx - qyy) / tr,
						c2 = 2 * qxy / tr,
						chi = hypot(c1, c2),
						e = chi / (1 + sqrt(fmax(1 - chi * chi, 0)));

			p[13] = fmin(fmax(sqrt(tr), 0.2), 2.0);
			if (chi > 0)
			{
				p[15] = e * c1 / chi;
				p[16] = e * c2 / chi;
			}
		}
	}
	p[14] = 4;
}

/* Band-combined S/N of the lens-light model at pixel i. */
static double
combined_model(const fit_model *fm, size_t i)
{
	double		sum = 0;

	for (int b = 0; b < fm->nb; b++)
		sum += fm->amp[FIT_COMPONENT_LIGHT][b] * sg_image_band_pixels(fm->shape[FIT_COMPONENT_LIGHT], b)[i] *
			fm->inv_sigma[(size_t) b * fm->npix + i];
	return sum / sqrt(fm->nb);
}

/*
 * Clip pixels that belong to significant positive residuals: the residual
 * S/N summed over the 3×3 box around the pixel (divided by 3, the S/N of
 * that sum) exceeds CLIP_SNR, the pixel's own S/N exceeds CLIP_SNR / 2,
 * and both exceed CLIP_FRACTION of the model (so that a profile mismatch in
 * the bright core is not taken for an arc); then dilated by one pixel.
 * Single noise peaks do not pass.
 */
static int
clip_outliers(fit_model *fm, const double *r)
{
	/* z and hot with a border of zeros, so that no 3×3 box needs a bounds check */
	int			stride = fm->nx + 2;
	size_t		npad = (size_t) stride * (fm->ny + 2);
	float	   *z = sg_malloc(2 * npad * sizeof(float));
	float	   *hot;
	int			n = 0;

	if (z == NULL)
		return 0;
	hot = z + npad;
	memset(z, 0, 2 * npad * sizeof(float));
	for (int y = 0; y < fm->ny; y++)
		for (int x = 0; x < fm->nx; x++)
			z[(size_t) (y + 1) * stride + x + 1] = (float) combined(fm, r, (size_t) y * fm->nx + x);
	for (int y = 0; y < fm->ny; y++)
		for (int x = 0; x < fm->nx; x++)
		{
			size_t		i = (size_t) y * fm->nx + x,
						c = (size_t) (y + 1) * stride + x + 1;
			double		box = 0,
						model;

			if (!(fm->clip[i] > 0 && z[c] > 0.5 * CLIP_SNR))
				continue;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++)
					box += z[c + dy * stride + dx];
			box /= 3;
			model = CLIP_FRACTION * combined_model(fm, i);
			hot[c] = box > CLIP_SNR && z[c] > model && box > model;
		}
	for (int y = 0; y < fm->ny; y++)
		for (int x = 0; x < fm->nx; x++)
		{
			size_t		i = (size_t) y * fm->nx + x,
						c = (size_t) (y + 1) * stride + x + 1;
			bool		near = false;

			if (!(fm->clip[i] > 0))
				continue;
			for (int dy = -1; dy <= 1; dy++)
				for (int dx = -1; dx <= 1; dx++)
					near = near || hot[c + dy * stride + dx] > 0;
			if (near)
			{
				fm->clip[i] = 0;
				n++;
			}
		}
	sg_free(z);
	return n;
}

bool
fit_lens_light(fit_model *fm, fit_model *coarse, double *p, double deadline, lm_outcome *out,
			   sg_status *st)
{
	int			nr = (int) (fm->npix * fm->nb);
	double	   *r = sg_malloc(nr * sizeof(double));
	bool		ok = r != NULL,
				use_coarse = coarse != NULL && coarse->img != NULL;
	/* the first round keeps n = 4 (an early-type lens), so that bright arcs
	 * cannot flatten the profile before they are clipped */
	fit_stage	stage = FIT_LENS_LIGHT_N4;

	if (!ok)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory in the fit");
		return false;
	}
	light_moments(fm, p);
	for (size_t i = 0; i < fm->npix; i++)
		fm->clip[i] = 1;
	for (int round = 0; ok && round < CLIP_ROUNDS; round++)
	{
		bool		on_coarse = use_coarse && round == 0;
		int			clipped;

		/* with fm->light_cov each fine round leaves its covariance, the last one stays */
		sg_free(out->cov);
		out->cov = NULL;
		ok = fit_run_stage(on_coarse ? coarse : fm, stage, p, 40, deadline,
						   fm->light_cov && !on_coarse, out, st);
		if (!ok)
			break;
		/*
		 * residuals with the clip: clipped pixels stay clipped, so only the
		 * others count.  After the binned round they are the stamp's own
		 * model's at the binned optimum, whose R_sersic is small (the binned
		 * model misses the cusp): a bright light loses some of its wings to
		 * the clip too, but the arcs are clipped early, which measured
		 * better (bench/RESULTS.md, "The fitted light's errors")
		 */
		ok = fit_model_residuals(fm, p, r, st);
		if (!ok)
			break;
		clipped = clip_outliers(fm, r);
		if (clipped == 0 && !on_coarse)
			break;
		if (clipped == 0)
			round = CLIP_ROUNDS - 2;	/* nothing more to clip: this stage's fine fit */
		else
			stage = FIT_LENS_LIGHT;
	}
	sg_free(r);
	return ok;
}

double
fit_brightest_residual(const fit_model *fm, const double *r, double *x, double *y)
{
	double		best = -INFINITY;

	*x = *y = 0;
	for (int v = 1; v + 1 < fm->ny; v++)
		for (int u = 1; u + 1 < fm->nx; u++)
		{
			double		box = 0;

			for (int dv = -1; dv <= 1; dv++)
				for (int du = -1; du <= 1; du++)
					box += combined(fm, r, (size_t) (v + dv) * fm->nx + u + du);
			box /= 3;
			if (box > best)
			{
				best = box;
				pixel_position(fm, u, v, x, y);
			}
		}
	return best;
}

/* Weighted centre and spread of the arc pixels traced back through p's mass. */
static double
trace_back(const double *p, const double *ax, const double *ay,
		   const double *wt, int n, double *bx_mean, double *by_mean, double *work)
{
	sg_scene	sc_mass;
	double	   *dx = work,
			   *dy = work + n;
	double		sw = 0,
				mx = 0,
				my = 0,
				var = 0;

	fit_params_scene(p, 0, NULL, NULL, &sc_mass);
	memset(dx, 0, 2 * n * sizeof(double));
	for (int k = 0; k < sc_mass.n_mass; k++)
		sg_mass_deflection(&sc_mass.mass[k], ax, ay, n, dx, dy);
	for (int i = 0; i < n; i++)
	{
		sw += wt[i];
		mx += wt[i] * (ax[i] - dx[i]);
		my += wt[i] * (ay[i] - dy[i]);
	}
	mx /= sw;
	my /= sw;
	for (int i = 0; i < n; i++)
		var += wt[i] * (pow(ax[i] - dx[i] - mx, 2) + pow(ay[i] - dy[i] - my, 2));
	*bx_mean = mx;
	*by_mean = my;
	return var / sw;
}

int
fit_source_start(fit_model *fm, double *p, bool scan_theta_e)
{
	int			n = 0;
	double	   *ax = sg_malloc(fm->npix * sizeof(double)),
			   *ay = sg_malloc(fm->npix * sizeof(double)),
			   *wt = sg_malloc(fm->npix * sizeof(double)),
			   *work = sg_malloc(2 * fm->npix * sizeof(double));
	double		bx,
				by,
				var;

	if (!ax || !ay || !wt || !work)
		n = 0;
	else
		for (int y = 0; y < fm->ny; y++)
			for (int x = 0; x < fm->nx; x++)
			{
				size_t		i = (size_t) y * fm->nx + x;
				double		t = 0;

				if (fm->clip[i] > 0)
					continue;
				for (int b = 0; b < fm->nb; b++)
				{
					float		d = sg_image_band_pixels(fm->img, b)[i];
					float		m = fm->amp[FIT_COMPONENT_LIGHT][b] * sg_image_band_pixels(fm->shape[FIT_COMPONENT_LIGHT], b)[i];

					if (!isnan(d))
						t += (d - m) * fm->inv_sigma[(size_t) b * fm->npix + i];
				}
				if (t <= 0)
					continue;
				pixel_position(fm, x, y, &ax[n], &ay[n]);
				wt[n++] = t;
			}
	if (n >= MIN_ARC_PIXELS)
	{
		if (scan_theta_e)
		{
			double		best = INFINITY,
						best_theta = p[0];

			for (int k = 0; k <= 60; k++)
			{
				double		theta = 0.2 * pow(fm->half_width / 0.2, k / 60.0);

				p[0] = theta;
				var = trace_back(p, ax, ay, wt, n, &bx, &by, work);
				if (var < best)
				{
					best = var;
					best_theta = theta;
				}
			}
			p[0] = best_theta;
		}
		var = trace_back(p, ax, ay, wt, n, &bx, &by, work);
		p[7] = bx;
		p[8] = by;
		p[9] = fmin(fmax(sqrt(var), 0.05), 0.5);
	}
	else
	{
		/* no arcs stand out of the lens light (a ring close to a bright lens):
		 * a compact source just off the mass centre, where its images form a
		 * ring at θ_E */
		n = 0;
		p[7] = p[3] + 0.05 * p[0];
		p[8] = p[4] + 0.05 * p[0];
		p[9] = 0.2;
	}
	p[10] = 1;
	p[11] = p[12] = 0;
	sg_free(ax);
	sg_free(ay);
	sg_free(wt);
	sg_free(work);
	return n;
}
