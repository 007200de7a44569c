/*
 * psf_convolve.c — convolution of an image band with a PSF kernel.
 *
 * out(x, y) = Σ k(dx, dy) in(x − dx, y − dy), with in = 0 outside the stamp
 * (flux falling off the edge is lost, as in a real cutout).  NaN (masked)
 * pixels count as 0 in the input and stay NaN in the output.
 *
 * Back ends: two 1-D passes for separable (Gaussian) kernels, with an
 * AVX2 + FMA variant chosen at run time (simd_level.h; ~5× faster, its
 * intermediate kept in double, so it differs from the portable one by
 * float rounding, ~1e-7 of the peak); direct 2-D sums for small kernels
 * (all accumulate in double); FFTW in double precision (zero-padded, cached
 * FFTW_ESTIMATE plans, which are deterministic) for large ones.  FFTW's planner and our plan cache are not
 * thread-safe; that is fine because every PostgreSQL backend runs one
 * thread, but a threaded host must serialise calls into this file.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <fftw3.h>

#include "sglens/alloc.h"
#include "psf_internal.h"
#include "simd_avx2.h"
#include "simd_level.h"

/*
 * Cost model (see sg_conv_prefers_fft): the direct sum costs about
 * DIRECT_NS_PER_MAC per multiply-add (double accumulation, SSE2); the FFT
 * path about FFT_NS_PER_POINT · Nx·Ny·log2(Nx·Ny) + FFT_NS_FIXED (two
 * forward and one inverse transform with cached plans, padding and the
 * spectrum product).  Fitted to `bench_psf --crossover` on this machine
 * class (x86_64, gcc 12 -O2, FFTW 3.3.10): 0.21–0.23 ns per multiply-add;
 * transforms 15 µs at 36², 42 µs at 72², 64 µs at 80², 195 µs at 144².
 */
#define DIRECT_NS_PER_MAC 0.22
#define FFT_NS_PER_POINT 0.62
#define FFT_NS_FIXED 6000.0

/* x·y multiply-adds of a direct sum with clipped half-widths hx, hy. */
static double
direct_macs(int hx, int hy, int nx, int ny)
{
	double		sx = (double) (2 * hx + 1) * nx - (double) hx * (hx + 1);
	double		sy = (double) (2 * hy + 1) * ny - (double) hy * (hy + 1);

	return sx * sy;
}

/*
 * Smallest even size >= n whose only prime factors are 2, 3 and 5 (sizes
 * with a factor 7 measured up to twice as slow with ESTIMATE plans).
 */
static int
fft_size(int n)
{
	for (int m = n + (n & 1);; m += 2)
	{
		int			r = m;

		while (r % 2 == 0)
			r /= 2;
		while (r % 3 == 0)
			r /= 3;
		while (r % 5 == 0)
			r /= 5;
		if (r == 1)
			return m;
	}
}

/*
 * True when the cost model prefers FFT for this kernel on an nx × ny band.
 * Measured crossover (bench_psf --crossover, square kernels): 64×64 bands
 * direct 47 µs vs FFT 42 µs at 7×7 (a tie; the model keeps direct),
 * 73 vs 42 µs at 9×9 (FFT); 32×32 and 128×128 bands likewise switch at
 * 9×9.  So roughly: kernel area > 60 pixels → FFT.  A Moffat kernel of FWHM
 * 0.7" (β 2.5) at 0.2"/px spans 127×127 after clipping and always goes to
 * the FFT; Gaussians are separable and never do.
 */
bool
sg_conv_prefers_fft(const sg_kernel *k, int nx, int ny)
{
	double		px = fft_size(nx + k->hx);
	double		py = fft_size(ny + k->hy);
	double		fft_ns = FFT_NS_PER_POINT * px * py * log2(px * py) + FFT_NS_FIXED;

	return direct_macs(k->hx, k->hy, nx, ny) * DIRECT_NS_PER_MAC > fft_ns;
}

/* acc[x] += kv · in[x] for x < n, unrolled by four so that -O2 vectorises it. */
static inline void
axpy_row(double *restrict acc, const float *restrict in, double kv, int n)
{
	int			x = 0;

	for (; x + 4 <= n; x += 4)
	{
		acc[x] += kv * in[x];
		acc[x + 1] += kv * in[x + 1];
		acc[x + 2] += kv * in[x + 2];
		acc[x + 3] += kv * in[x + 3];
	}
	for (; x < n; x++)
		acc[x] += kv * in[x];
}

/*
 * Direct 2-D sum into out (nx × ny) of in with the (2hx+1) × (2hy+1)
 * kernel k, accumulated in double in acc (nx values) row by row.
 */
static void
conv_direct(const float *in, float *out, double *acc, int nx, int ny,
			const float *k, int hx, int hy)
{
	int			wx = 2 * hx + 1;

	for (int y = 0; y < ny; y++)
	{
		int			dylo = y - (ny - 1) > -hy ? y - (ny - 1) : -hy;
		int			dyhi = y < hy ? y : hy;

		memset(acc, 0, (size_t) nx * sizeof(double));
		for (int dy = dylo; dy <= dyhi; dy++)
		{
			const float *irow = in + (size_t) (y - dy) * nx;
			const float *krow = k + (size_t) (dy + hy) * wx;

			for (int dx = -hx; dx <= hx; dx++)
			{
				int			x0 = dx > 0 ? dx : 0;
				int			x1 = dx < 0 ? nx + dx : nx;

				if (krow[dx + hx] != 0.0f)
					axpy_row(acc + x0, irow + x0 - dx, krow[dx + hx], x1 - x0);
			}
		}
		for (int x = 0; x < nx; x++)
			out[(size_t) y * nx + x] = (float) acc[x];
	}
}

/* Separable convolution: a row pass into tmp, then a column pass into out. */
static void
conv_separable(const float *in, float *tmp, float *out, double *acc, int nx,
			   int ny, const sg_kernel *k)
{
	conv_direct(in, tmp, acc, nx, ny, k->fx, k->hx, 0);
	conv_direct(tmp, out, acc, nx, ny, k->fy, 0, k->hy);
}

#if SG_HAVE_AVX2

/*
 * a[0..7] = Σ_j k[j] · q_j[0..31] over w taps, q_j = base + (w − 1 − j) ·
 * step: 32 outputs in eight 4-lane double accumulators (enough independent
 * chains to keep both FMA pipes busy), written out to keep them in
 * registers.
 */
static inline SG_AVX2 void
taps32(const double *base, ptrdiff_t step, const double *k, int w, __m256d a[8])
{
	__m256d		a0 = _mm256_setzero_pd(),
				a1 = a0,
				a2 = a0,
				a3 = a0,
				a4 = a0,
				a5 = a0,
				a6 = a0,
				a7 = a0;

	for (int j = 0; j < w; j++)
	{
		const double *q = base + (w - 1 - j) * step;
		__m256d		kv = _mm256_set1_pd(k[j]);

		a0 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q), a0);
		a1 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 4), a1);
		a2 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 8), a2);
		a3 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 12), a3);
		a4 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 16), a4);
		a5 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 20), a5);
		a6 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 24), a6);
		a7 = _mm256_fmadd_pd(kv, _mm256_loadu_pd(q + 28), a7);
	}
	a[0] = a0;
	a[1] = a1;
	a[2] = a2;
	a[3] = a3;
	a[4] = a4;
	a[5] = a5;
	a[6] = a6;
	a[7] = a7;
}

/* The same for 4 outputs. */
static inline SG_AVX2 __m256d
taps4(const double *base, ptrdiff_t step, const double *k, int w)
{
	__m256d		a = _mm256_setzero_pd();

	for (int j = 0; j < w; j++)
		a = _mm256_fmadd_pd(_mm256_set1_pd(k[j]), _mm256_loadu_pd(base + (w - 1 - j) * step), a);
	return a;
}

/* The same for 1 output. */
static inline SG_AVX2 double
taps1(const double *base, ptrdiff_t step, const double *k, int w)
{
	double		a = 0;

	for (int j = 0; j < w; j++)
		a = fma(k[j], base[(w - 1 - j) * step], a);
	return a;
}

/*
 * out[x] = Σ_j k[j] · p[x + w − 1 − j] for x < n: the row pass (w taps, p
 * padded so that every read is inside).
 */
static SG_AVX2 void
taps_row_avx2(const double *p, const double *k, int w, double *out, int n)
{
	int			x = 0;

	for (; x + 32 <= n; x += 32)
	{
		__m256d		a[8];

		taps32(p + x, 1, k, w, a);
		_mm256_storeu_pd(out + x, a[0]);
		_mm256_storeu_pd(out + x + 4, a[1]);
		_mm256_storeu_pd(out + x + 8, a[2]);
		_mm256_storeu_pd(out + x + 12, a[3]);
		_mm256_storeu_pd(out + x + 16, a[4]);
		_mm256_storeu_pd(out + x + 20, a[5]);
		_mm256_storeu_pd(out + x + 24, a[6]);
		_mm256_storeu_pd(out + x + 28, a[7]);
	}
	for (; x + 4 <= n; x += 4)
		_mm256_storeu_pd(out + x, taps4(p + x, 1, k, w));
	for (; x < n; x++)
		out[x] = taps1(p + x, 1, k, w);
}

/*
 * out[x] = Σ_j k[j] · rows[(w − 1 − j) · stride + x] for x < n: the column
 * pass, rows being the first of w consecutive padded rows; rounded to float.
 */
static SG_AVX2 void
taps_col_avx2(const double *rows, ptrdiff_t stride, const double *k, int w,
			  float *out, int n)
{
	int			x = 0;

	for (; x + 32 <= n; x += 32)
	{
		__m256d		a[8];

		taps32(rows + x, stride, k, w, a);
		_mm256_storeu_ps(out + x, _mm256_set_m128(_mm256_cvtpd_ps(a[1]), _mm256_cvtpd_ps(a[0])));
		_mm256_storeu_ps(out + x + 8, _mm256_set_m128(_mm256_cvtpd_ps(a[3]), _mm256_cvtpd_ps(a[2])));
		_mm256_storeu_ps(out + x + 16, _mm256_set_m128(_mm256_cvtpd_ps(a[5]), _mm256_cvtpd_ps(a[4])));
		_mm256_storeu_ps(out + x + 24, _mm256_set_m128(_mm256_cvtpd_ps(a[7]), _mm256_cvtpd_ps(a[6])));
	}
	for (; x + 4 <= n; x += 4)
		_mm_storeu_ps(out + x, _mm256_cvtpd_ps(taps4(rows + x, stride, k, w)));
	for (; x < n; x++)
		out[x] = (float) taps1(rows + x, stride, k, w);
}

/* True when any of the n values is NaN. */
static SG_AVX2 bool
has_nan_avx2(const float *v, size_t n)
{
	__m256		any = _mm256_setzero_ps();
	size_t		i = 0;

	for (; i + 8 <= n; i += 8)
	{
		__m256		x = _mm256_loadu_ps(v + i);

		any = _mm256_or_ps(any, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
	}
	for (; i < n; i++)
		if (isnan(v[i]))
			return true;
	return _mm256_movemask_ps(any) != 0;
}

/*
 * Separable convolution with AVX2 + FMA, all in double: each row, padded
 * with hx zeros on both sides, is convolved with fx into the intermediate
 * tmp (ny × nx), whose columns are then convolved with fy, the taps clipped
 * to the rows inside the stamp.  Same sums as conv_separable, but the
 * intermediate is not rounded to float.  The passes are interleaved row by
 * row (output row y − hy as soon as input row y is done), which keeps the
 * rows in use in the L1 cache; in may be out, as a row is written only
 * after every row it depends on was read.  False when out of memory.
 */
static SG_AVX2 bool
conv_separable_avx2(const float *in, float *out, int nx, int ny,
					const sg_kernel *k)
{
	int			hx = k->hx,
				hy = k->hy,
				wx = 2 * hx + 1,
				wy = 2 * hy + 1;
	size_t		prow = (size_t) nx + 2 * hx;
	size_t		ntmp = (size_t) ny * nx;
	double	   *buf = sg_malloc((ntmp + prow + wx + wy + 8) * sizeof(double));
	double	   *row,
			   *tmp,
			   *kx,
			   *ky;

	if (buf == NULL)
		return false;
	/* 64-byte aligned rows of tmp (when nx is a multiple of 8) */
	tmp = (double *) (((uintptr_t) buf + 63) & ~(uintptr_t) 63);
	row = tmp + ntmp;
	kx = row + prow;
	ky = kx + wx;
	for (int j = 0; j < wx; j++)
		kx[j] = k->fx[j];
	for (int j = 0; j < wy; j++)
		ky[j] = k->fy[j];
	memset(row, 0, prow * sizeof(double));
	for (int y = 0; y < ny + hy; y++)
	{
		int			o = y - hy;	/* the output row that input row y completes */

		if (y < ny)
		{
			const float *irow = in + (size_t) y * nx;
			int			x = 0;

			for (; x + 4 <= nx; x += 4)
				_mm256_storeu_pd(row + hx + x, _mm256_cvtps_pd(_mm_loadu_ps(irow + x)));
			for (; x < nx; x++)
				row[hx + x] = irow[x];
			taps_row_avx2(row, kx, wx, tmp + (size_t) y * nx, nx);
		}
		if (o >= 0)
		{
			/* input rows o − dy for dy in [dylo, dyhi], inside the stamp */
			int			dylo = o - (ny - 1) > -hy ? o - (ny - 1) : -hy;
			int			dyhi = o < hy ? o : hy;

			taps_col_avx2(tmp + (size_t) (o - dyhi) * nx, nx, ky + dylo + hy,
						  dyhi - dylo + 1, out + (size_t) o * nx, nx);
		}
	}
	sg_free(buf);
	return true;
}

#endif

/* Round a byte count up to a multiple of 64. */
static size_t
round64(size_t n)
{
	return (n + 63) & ~(size_t) 63;
}

/*
 * Work arrays of the FFT path, all 64-byte aligned so that every array has
 * the alignment the cached plans were made for.
 */
typedef struct fft_work
{
	void	   *raw;
	int			px,
				py,
				pc;				/* padded sizes; pc = px/2 + 1 complex columns */
	double	   *a;				/* padded image, then the result */
	double	   *b;				/* wrapped kernel */
	fftw_complex *fa;
	fftw_complex *fb;
} fft_work;

static bool
fft_work_alloc(fft_work *w, int px, int py, sg_status *st)
{
	size_t		nr = round64((size_t) px * py * sizeof(double));
	size_t		nc = round64((size_t) (px / 2 + 1) * py * sizeof(fftw_complex));
	char	   *base;

	w->px = px;
	w->py = py;
	w->pc = px / 2 + 1;
	w->raw = sg_malloc(2 * nr + 2 * nc + 64);
	if (w->raw == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory for a %d x %d FFT convolution", px, py);
		return false;
	}
	base = (char *) (((uintptr_t) w->raw + 63) & ~(uintptr_t) 63);
	w->a = (double *) base;
	w->b = (double *) (base + nr);
	w->fa = (fftw_complex *) (base + 2 * nr);
	w->fb = (fftw_complex *) (base + 2 * nr + nc);
	memset(base, 0, 2 * nr);
	return true;
}

/*
 * A few forward/inverse plan pairs, by padded size.  Plans are made with
 * FFTW_ESTIMATE (deterministic: a cached plan and a fresh one compute the
 * same bits) and run on new arrays through fftw_execute_dft_*, which FFTW
 * allows for arrays of the same size and alignment.  They live in FFTW's
 * own memory for the life of the process (at most PLAN_CACHE_SIZE pairs).
 * Neither this cache nor FFTW's planner is thread-safe: fine for
 * single-threaded PostgreSQL backends.
 */
#define PLAN_CACHE_SIZE 8

typedef struct plan_pair
{
	int			px,
				py;
	fftw_plan	fwd,
				inv;
} plan_pair;

static plan_pair plan_cache[PLAN_CACHE_SIZE];
static int	plan_cache_next;

/* The cached plan pair for w's size, made on w's arrays if missing; NULL on failure. */
static const plan_pair *
fft_plans(fft_work *w)
{
	plan_pair  *slot;
	fftw_plan	fwd,
				inv;

	for (int i = 0; i < PLAN_CACHE_SIZE; i++)
		if (plan_cache[i].fwd && plan_cache[i].px == w->px && plan_cache[i].py == w->py)
			return &plan_cache[i];
	fwd = fftw_plan_dft_r2c_2d(w->py, w->px, w->a, w->fa, FFTW_ESTIMATE);
	inv = fftw_plan_dft_c2r_2d(w->py, w->px, w->fa, w->a, FFTW_ESTIMATE);
	if (fwd == NULL || inv == NULL)
	{
		if (fwd)
			fftw_destroy_plan(fwd);
		if (inv)
			fftw_destroy_plan(inv);
		return NULL;
	}
	slot = &plan_cache[plan_cache_next];
	plan_cache_next = (plan_cache_next + 1) % PLAN_CACHE_SIZE;
	if (slot->fwd)
	{
		fftw_destroy_plan(slot->fwd);
		fftw_destroy_plan(slot->inv);
	}
	*slot = (plan_pair) {w->px, w->py, fwd, inv};
	return slot;
}

/* Copy the band into the padded array and the kernel, wrapped, into b. */
static void
fft_fill(fft_work *w, const float *in, int nx, int ny, const sg_kernel *k)
{
	int			wx = 2 * k->hx + 1;

	for (int y = 0; y < ny; y++)
		for (int x = 0; x < nx; x++)
			w->a[(size_t) y * w->px + x] = in[(size_t) y * nx + x];
	for (int dy = -k->hy; dy <= k->hy; dy++)
	{
		double	   *brow = w->b + (size_t) ((dy + w->py) % w->py) * w->px;

		for (int dx = -k->hx; dx <= k->hx; dx++)
			brow[(dx + w->px) % w->px] = k->k2d[(size_t) (dy + k->hy) * wx + dx + k->hx];
	}
}

/* fa ← fa · fb / (px·py): the spectrum of the circular convolution. */
static void
fft_multiply(fft_work *w)
{
	size_t		n = (size_t) w->pc * w->py;
	double		norm = 1.0 / ((double) w->px * w->py);

	for (size_t i = 0; i < n; i++)
	{
		double		re = w->fa[i][0] * w->fb[i][0] - w->fa[i][1] * w->fb[i][1];
		double		im = w->fa[i][0] * w->fb[i][1] + w->fa[i][1] * w->fb[i][0];

		w->fa[i][0] = re * norm;
		w->fa[i][1] = im * norm;
	}
}

/*
 * Convolution through double-precision FFTs padded to at least
 * (nx + hx) × (ny + hy), which keeps the circular wrap-around out of the
 * nx × ny pixels we keep.
 */
static bool
conv_fft(const float *in, float *out, int nx, int ny, const sg_kernel *k,
		 sg_status *st)
{
	fft_work	w;
	const plan_pair *p;

	if (!fft_work_alloc(&w, fft_size(nx + k->hx), fft_size(ny + k->hy), st))
		return false;
	p = fft_plans(&w);
	if (p == NULL)
	{
		sg_free(w.raw);
		sg_fail(st, SG_ERR_INTERNAL, "FFTW could not plan a %d x %d transform", w.px, w.py);
		return false;
	}
	fft_fill(&w, in, nx, ny, k);
	fftw_execute_dft_r2c(p->fwd, w.a, w.fa);
	fftw_execute_dft_r2c(p->fwd, w.b, w.fb);
	fft_multiply(&w);
	fftw_execute_dft_c2r(p->inv, w.fa, w.a);
	for (int y = 0; y < ny; y++)
		for (int x = 0; x < nx; x++)
			out[(size_t) y * nx + x] = (float) w.a[(size_t) y * w.px + x];
	sg_free(w.raw);
	return true;
}

/* Pick the back end for a kernel. */
static sg_conv_method
choose_method(const sg_kernel *k, sg_conv_method asked, int nx, int ny)
{
	if (asked != SG_CONV_AUTO)
		return asked;
	if (k->separable)
		return SG_CONV_SEPARABLE;
	return sg_conv_prefers_fft(k, nx, ny) ? SG_CONV_FFT : SG_CONV_DIRECT;
}

/* Copy a band into work with NaN → 0, marking NaN in mask; return their count. */
static size_t
copy_unmasked(const float *band, float *work, unsigned char *mask, size_t n)
{
	size_t		nnan = 0;

	for (size_t i = 0; i < n; i++)
	{
		mask[i] = isnan(band[i]) ? 1 : 0;
		work[i] = mask[i] ? 0.0f : band[i];
		nnan += mask[i];
	}
	return nnan;
}

/* Run one back end from in (NaN-free) into out. */
static bool
run_method(sg_conv_method m, const sg_kernel *k, const float *in, float *tmp,
		   double *acc, float *out, int nx, int ny, sg_status *st)
{
	switch (m)
	{
		case SG_CONV_SEPARABLE:
#if SG_HAVE_AVX2
			if (sg_simd_level() > 0)
			{
				if (conv_separable_avx2(in, out, nx, ny, k))
					return true;
				sg_fail(st, SG_ERR_NOMEM, "out of memory convolving a %d x %d band", nx, ny);
				return false;
			}
#endif
			conv_separable(in, tmp, out, acc, nx, ny, k);
			return true;
		case SG_CONV_DIRECT:
			conv_direct(in, out, acc, nx, ny, k->k2d, k->hx, k->hy);
			return true;
		case SG_CONV_FFT:
			return conv_fft(in, out, nx, ny, k, st);
		case SG_CONV_AUTO:
			break;
	}
	sg_fail(st, SG_ERR_INTERNAL, "no convolution method chosen");
	return false;
}

/* Convolve a band's pixels (kernel built) with the chosen method, keeping NaN. */
static bool
convolve_pixels(const sg_kernel *k, sg_conv_method m, float *band, int nx,
				int ny, sg_status *st)
{
	size_t		n = (size_t) nx * ny;
	double	   *acc;
	float	   *in;
	unsigned char *mask;
	size_t		nnan;
	bool		ok;

#if SG_HAVE_AVX2
	/* the common case, separable without NaN, in place with no copy */
	if (m == SG_CONV_SEPARABLE && sg_simd_level() > 0 && !has_nan_avx2(band, n))
	{
		if (conv_separable_avx2(band, band, nx, ny, k))
			return true;
		sg_fail(st, SG_ERR_NOMEM, "out of memory convolving a %d x %d band", nx, ny);
		return false;
	}
#endif
	acc = sg_malloc(nx * sizeof(double) + n * (2 * sizeof(float) + 1));
	if (acc == NULL)
	{
		sg_fail(st, SG_ERR_NOMEM, "out of memory convolving a %d x %d band", nx, ny);
		return false;
	}
	in = (float *) (acc + nx);
	mask = (unsigned char *) (in + 2 * n);
	nnan = copy_unmasked(band, in, mask, n);
	ok = run_method(m, k, in, in + n, acc, band, nx, ny, st);
	if (ok && nnan > 0)
		for (size_t i = 0; i < n; i++)
			if (mask[i])
				band[i] = NAN;
	sg_free(acc);
	return ok;
}

/* Convolve with a chosen method (SG_CONV_SEPARABLE needs a separable kernel). */
bool
sg_psf_convolve_method(const sg_psf *psf, sg_image *img, int band,
					   sg_conv_method method, sg_status *st)
{
	sg_kernel	k;
	bool		ok;

	if (!sg_psf_check(psf, st))
		return false;
	if (band < 0 || band >= img->nbands)
	{
		sg_fail(st, SG_ERR_VALUE, "band index %d is out of range (the image has %d bands)",
				band, img->nbands);
		return false;
	}
	if (psf->type == SG_PSF_NONE)
		return true;
	if (!sg_kernel_build(psf, img->pixel_scale, img->nx, img->ny, &k, st))
		return false;
	method = choose_method(&k, method, img->nx, img->ny);
	if (method == SG_CONV_SEPARABLE && !k.separable)
	{
		sg_kernel_free(&k);
		sg_fail(st, SG_ERR_VALUE, "this PSF kernel is not separable");
		return false;
	}
	ok = convolve_pixels(&k, method, sg_image_band_pixels(img, band), img->nx,
						 img->ny, st);
	sg_kernel_free(&k);
	return ok;
}

/*
 * Convolve band b of img with the PSF in place (zero outside the stamp,
 * NaN pixels stay NaN, kernel normalised to unit sum).
 */
bool
sg_psf_convolve(const sg_psf *psf, sg_image *img, int band, sg_status *st)
{
	return sg_psf_convolve_method(psf, img, band, SG_CONV_AUTO, st);
}
