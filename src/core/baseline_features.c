/*
 * baseline_features.c — the baseline's features of a network input
 * (docs/baseline.md).  Per band, in this order:
 *
 *  1. HOG: central-difference gradients (one-sided at the border), the
 *     unsigned orientation θ in [0°, 180°) voted by gradient magnitude into
 *     `bins` bins centred on k·180°/bins (linear interpolation between the
 *     two nearest, wrapping at 180°), per cell of cell × cell pixels on a
 *     centred grid of ⌊size/cell⌋² cells; then every block of block × block
 *     cells (stride one cell, row by row from the bottom) normalised with
 *     L2-Hys (v/√(|v|²+ε²), clip at 0.2, renormalise).
 *  2. Rings: pixels within size/2 of the centre in `annuli` rings of equal
 *     width, each split into `sectors` azimuthal sectors.  Per ring: the
 *     mean; the radial share of gradient power Σ(g·r̂)²/Σ|g|²; the outward
 *     rise Σ max(0, g·r̂)/Σ|g| (an arc or ring makes the light rise outward
 *     where a smooth galaxy only falls); the standard deviation of the sector
 *     means; the highest sector mean minus the ring mean; and a histogram
 *     of the gradient direction relative to the outward radial direction
 *     (8 bins over 360°, bin 0 centred on "outward", anticlockwise,
 *     weighted by magnitude, as shares of the ring's Σ|g|) — these do not
 *     change when the stamp is rotated, unlike the HOG cells.
 *
 * Then, with more than one band, colour per ring from the first band minus
 * the last (bluest minus reddest for g, r, i): the ring mean of the
 * difference, and its highest sector mean minus that ring mean (a blue arc
 * beside a red lens galaxy).
 */
#include <math.h>
#include <string.h>

#include "sglens/alloc.h"
#include "sglens/baseline.h"

#define HYS_CLIP 0.2
#define HYS_EPS 1e-3
#define REL_BINS 8				/* bins of the gradient direction relative to radial */
#define RING_FEATURES (5 + REL_BINS)
#define COLOUR_FEATURES 2

/* The default feature spec for an input size. */
sg_baseline_spec
sg_baseline_default_spec(int in_size)
{
	sg_baseline_spec s;

	s.cell = in_size >= 64 ? 8 : 6;
	s.bins = 9;
	s.block = 2;
	s.annuli = 8;
	s.sectors = 8;
	return s;
}

/* Fail unless lo <= v <= hi. */
static bool
check_range(const char *name, int v, int lo, int hi, sg_status *st)
{
	if (v < lo || v > hi)
	{
		sg_fail(st, SG_ERR_VALUE, "baseline %s %d is out of range [%d, %d]", name, v, lo, hi);
		return false;
	}
	return true;
}

/* Check a feature spec against the input shape; names the bad field. */
bool
sg_baseline_spec_check(const sg_baseline_spec *spec, int nbands, int in_size,
					   sg_status *st)
{
	if (!check_range("number of bands", nbands, 1, SG_NN_MAX_BANDS, st) ||
		!check_range("input size", in_size, 4, SG_NN_MAX_INPUT, st) ||
		!check_range("cell size", spec->cell, 2, 32, st) ||
		!check_range("orientation bins", spec->bins, 2, 36, st) ||
		!check_range("block size", spec->block, 1, 4, st) ||
		!check_range("rings", spec->annuli, 1, 32, st) ||
		!check_range("sectors", spec->sectors, 2, 32, st))
		return false;
	if (in_size / spec->cell < spec->block)
	{
		sg_fail(st, SG_ERR_VALUE, "baseline input of %d pixels holds %d cells of %d pixels, fewer than a block of %d",
				in_size, in_size / spec->cell, spec->cell, spec->block);
		return false;
	}
	if (sg_baseline_feature_count(spec, nbands, in_size) > SG_BASELINE_MAX_FEATURES)
	{
		sg_fail(st, SG_ERR_LIMIT, "baseline spec gives %zu features, over the limit of %d",
				sg_baseline_feature_count(spec, nbands, in_size), SG_BASELINE_MAX_FEATURES);
		return false;
	}
	return true;
}

/* HOG features of one band. */
static size_t
hog_count(const sg_baseline_spec *s, int in_size)
{
	size_t		nb = (size_t) (in_size / s->cell - s->block + 1);

	return nb * nb * s->block * s->block * s->bins;
}

/* Number of features of one input (0 for an invalid spec). */
size_t
sg_baseline_feature_count(const sg_baseline_spec *spec, int nbands, int in_size)
{
	if (spec->cell < 1 || spec->block < 1 || in_size / spec->cell < spec->block ||
		nbands < 1 || spec->annuli < 1 || spec->bins < 1)
		return 0;
	return (size_t) nbands * (hog_count(spec, in_size) + (size_t) RING_FEATURES * spec->annuli) +
		(nbands > 1 ? (size_t) COLOUR_FEATURES * spec->annuli : 0);
}

/* Work buffers for one band. */
typedef struct work
{
	float	   *gx;				/* size² gradients */
	float	   *gy;
	double	   *cells;			/* nc² × bins histograms */
	double	   *sector;			/* annuli × sectors sums, then means */
	int		   *nsector;		/* pixel counts */
} work;

/* Central differences, one-sided at the border. */
static void
gradients(const float *p, int s, float *gx, float *gy)
{
	for (int y = 0; y < s; y++)
		for (int x = 0; x < s; x++)
		{
			int			xl = x > 0 ? x - 1 : x,
						xr = x < s - 1 ? x + 1 : x,
						yd = y > 0 ? y - 1 : y,
						yu = y < s - 1 ? y + 1 : y;

			gx[y * s + x] = (p[y * s + xr] - p[y * s + xl]) / (float) (xr - xl);
			gy[y * s + x] = (p[yu * s + x] - p[yd * s + x]) / (float) (yu - yd);
		}
}

/* Orientation histograms of the cells. */
static void
cell_histograms(const sg_baseline_spec *sp, int s, const work *w)
{
	int			nc = s / sp->cell,
				off = (s - nc * sp->cell) / 2;
	double		width = M_PI / sp->bins;

	memset(w->cells, 0, sizeof(double) * nc * nc * sp->bins);
	for (int y = off; y < off + nc * sp->cell; y++)
		for (int x = off; x < off + nc * sp->cell; x++)
		{
			double		gx = w->gx[y * s + x],
						gy = w->gy[y * s + x],
						m = sqrt(gx * gx + gy * gy),
						t,
						pos,
						frac;
			double	   *h;
			int			k;

			if (m == 0)
				continue;
			t = atan2(gy, gx);
			if (t < 0)
				t += M_PI;
			if (t >= M_PI)
				t -= M_PI;
			pos = t / width;
			k = (int) floor(pos);
			frac = pos - k;
			h = w->cells + (size_t) (((y - off) / sp->cell) * nc + (x - off) / sp->cell) * sp->bins;
			h[k % sp->bins] += m * (1 - frac);
			h[(k + 1) % sp->bins] += m * frac;
		}
}

/* L2-Hys normalised blocks into out; returns the number written. */
static size_t
blocks(const sg_baseline_spec *sp, int s, const work *w, float *out)
{
	int			nc = s / sp->cell,
				nb = nc - sp->block + 1,
				len = sp->block * sp->block * sp->bins;
	size_t		n = 0;

	for (int by = 0; by < nb; by++)
		for (int bx = 0; bx < nb; bx++)
		{
			float	   *v = out + n;
			double		ss = 0,
						norm;
			int			k = 0;

			for (int cy = by; cy < by + sp->block; cy++)
				for (int cx = bx; cx < bx + sp->block; cx++)
					for (int b = 0; b < sp->bins; b++)
					{
						double		h = w->cells[(size_t) (cy * nc + cx) * sp->bins + b];

						v[k++] = (float) h;
						ss += h * h;
					}
			norm = sqrt(ss + HYS_EPS * HYS_EPS);
			ss = 0;
			for (k = 0; k < len; k++)
			{
				double		u = v[k] / norm;

				if (u > HYS_CLIP)
					u = HYS_CLIP;
				v[k] = (float) u;
				ss += u * u;
			}
			norm = sqrt(ss + HYS_EPS * HYS_EPS);
			for (k = 0; k < len; k++)
				v[k] = (float) (v[k] / norm);
			n += len;
		}
	return n;
}

/* Ring and sector of pixel (x, y), or false outside the last ring. */
static bool
ring_of(const sg_baseline_spec *sp, int s, int x, int y, int *ring, int *sect,
		double *rx, double *ry)
{
	double		c = 0.5 * (s - 1),
				dx = x - c,
				dy = y - c,
				r = sqrt(dx * dx + dy * dy),
				phi;
	int			k;

	if (r >= 0.5 * s)
		return false;
	*ring = (int) (r / (0.5 * s) * sp->annuli);
	if (*ring >= sp->annuli)
		*ring = sp->annuli - 1;
	phi = atan2(dy, dx) + M_PI;
	k = (int) (phi / (2 * M_PI) * sp->sectors);
	*sect = k >= sp->sectors ? sp->sectors - 1 : k;
	*rx = r > 0 ? dx / r : 0;
	*ry = r > 0 ? dy / r : 0;
	return true;
}

/* Per-sector means of plane p into w->sector; ring means into ringmean. */
static void
sector_means(const sg_baseline_spec *sp, int s, const float *p, const work *w,
			 double *ringmean)
{
	int			ns = sp->annuli * sp->sectors;
	int			count[32];

	memset(w->sector, 0, sizeof(double) * ns);
	memset(w->nsector, 0, sizeof(int) * ns);
	memset(count, 0, sizeof(count));
	for (int a = 0; a < sp->annuli; a++)
		ringmean[a] = 0;
	for (int y = 0; y < s; y++)
		for (int x = 0; x < s; x++)
		{
			int			a,
						k;
			double		rx,
						ry;

			if (!ring_of(sp, s, x, y, &a, &k, &rx, &ry))
				continue;
			w->sector[a * sp->sectors + k] += p[y * s + x];
			w->nsector[a * sp->sectors + k]++;
			ringmean[a] += p[y * s + x];
			count[a]++;
		}
	for (int i = 0; i < ns; i++)
		w->sector[i] = w->nsector[i] ? w->sector[i] / w->nsector[i] : 0;
	for (int a = 0; a < sp->annuli; a++)
		ringmean[a] = count[a] ? ringmean[a] / count[a] : 0;
}

/* Spread and peak (over the ring mean) of the sector means of ring a. */
static void
sector_stats(const sg_baseline_spec *sp, const work *w, int a, double mean,
			 float *spread, float *peak)
{
	double		ss = 0,
				best = -INFINITY;
	int			used = 0;

	for (int k = 0; k < sp->sectors; k++)
	{
		double		v = w->sector[a * sp->sectors + k];

		if (w->nsector[a * sp->sectors + k] == 0)
			continue;
		ss += (v - mean) * (v - mean);
		if (v > best)
			best = v;
		used++;
	}
	*spread = used ? (float) sqrt(ss / used) : 0.0f;
	*peak = used ? (float) (best - mean) : 0.0f;
}

/* The ring features of one band into out (annuli × RING_FEATURES). */
static void
ring_features(const sg_baseline_spec *sp, int s, const float *p, const work *w,
			  float *out)
{
	double		mean[32],
				rad2[32],
				pow2[32],
				rise[32],
				mag[32],
				rel[32][REL_BINS];

	sector_means(sp, s, p, w, mean);
	memset(rel, 0, sizeof(rel));
	for (int a = 0; a < sp->annuli; a++)
		rad2[a] = pow2[a] = rise[a] = mag[a] = 0;
	for (int y = 0; y < s; y++)
		for (int x = 0; x < s; x++)
		{
			int			a,
						k;
			double		rx,
						ry,
						gx = w->gx[y * s + x],
						gy = w->gy[y * s + x],
						gr,
						gt,
						m,
						pos,
						frac;
			int			bin;

			if (!ring_of(sp, s, x, y, &a, &k, &rx, &ry))
				continue;
			gr = gx * rx + gy * ry;
			gt = gy * rx - gx * ry;
			m = sqrt(gx * gx + gy * gy);
			rad2[a] += gr * gr;
			pow2[a] += m * m;
			rise[a] += gr > 0 ? gr : 0;
			mag[a] += m;
			if (m == 0 || (rx == 0 && ry == 0))
				continue;
			pos = atan2(gt, gr) / (2 * M_PI) * REL_BINS;
			if (pos < 0)
				pos += REL_BINS;
			bin = (int) floor(pos);
			frac = pos - bin;
			rel[a][bin % REL_BINS] += m * (1 - frac);
			rel[a][(bin + 1) % REL_BINS] += m * frac;
		}
	for (int a = 0; a < sp->annuli; a++)
	{
		float	   *f = out + a * RING_FEATURES;

		f[0] = (float) mean[a];
		f[1] = pow2[a] > 0 ? (float) (rad2[a] / pow2[a]) : 0.0f;
		f[2] = mag[a] > 0 ? (float) (rise[a] / mag[a]) : 0.0f;
		sector_stats(sp, w, a, mean[a], &f[3], &f[4]);
		for (int k = 0; k < REL_BINS; k++)
			f[5 + k] = mag[a] > 0 ? (float) (rel[a][k] / mag[a]) : 0.0f;
	}
}

/* Colour features: first band minus last, per ring. */
static void
colour_features(const sg_baseline_spec *sp, int s, const float *first,
				const float *last, const work *w, float *diff, float *out)
{
	double		mean[32];
	float		spread;

	for (int i = 0; i < s * s; i++)
		diff[i] = first[i] - last[i];
	sector_means(sp, s, diff, w, mean);
	for (int a = 0; a < sp->annuli; a++)
	{
		out[a * COLOUR_FEATURES] = (float) mean[a];
		sector_stats(sp, w, a, mean[a], &spread, &out[a * COLOUR_FEATURES + 1]);
	}
}

/* All features of one input. */
static void
one_input(const sg_baseline_spec *sp, int nbands, int s, const float *x,
		  const work *w, float *diff, float *out)
{
	size_t		plane = (size_t) s * s;

	for (int b = 0; b < nbands; b++)
	{
		const float *p = x + b * plane;

		gradients(p, s, w->gx, w->gy);
		cell_histograms(sp, s, w);
		out += blocks(sp, s, w, out);
		ring_features(sp, s, p, w, out);
		out += RING_FEATURES * sp->annuli;
	}
	if (nbands > 1)
		colour_features(sp, s, x, x + (nbands - 1) * plane, w, diff, out);
}

/* Features of n prepared inputs, one row each. */
bool
sg_baseline_features(const sg_baseline_spec *spec, int nbands, int in_size,
					 const float *x, int n, float *feat, sg_status *st)
{
	size_t		nf,
				plane = (size_t) in_size * in_size;
	int			nc;
	work		w;
	float	   *diff;

	if (!sg_baseline_spec_check(spec, nbands, in_size, st))
		return false;
	nf = sg_baseline_feature_count(spec, nbands, in_size);
	nc = in_size / spec->cell;
	w.gx = sg_malloc(plane * sizeof(float));
	w.gy = sg_malloc(plane * sizeof(float));
	diff = sg_malloc(plane * sizeof(float));
	w.cells = sg_malloc((size_t) nc * nc * spec->bins * sizeof(double));
	w.sector = sg_malloc((size_t) spec->annuli * spec->sectors * sizeof(double));
	w.nsector = sg_malloc((size_t) spec->annuli * spec->sectors * sizeof(int));
	if (w.gx && w.gy && diff && w.cells && w.sector && w.nsector)
		for (int i = 0; i < n; i++)
			one_input(spec, nbands, in_size, x + (size_t) i * nbands * plane, &w, diff,
					  feat + (size_t) i * nf);
	else
		sg_fail(st, SG_ERR_NOMEM, "out of memory computing baseline features");
	sg_free(w.gx);
	sg_free(w.gy);
	sg_free(diff);
	sg_free(w.cells);
	sg_free(w.sector);
	sg_free(w.nsector);
	return !sg_failed(st);
}
