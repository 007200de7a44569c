/*
 * render_avx2.c — AVX2 + FMA variants of the render tile kernels (SIE and
 * shear deflection, Sérsic and Gaussian light, pixel sums), and the choice
 * of instruction-set level (simd_level.h).
 *
 * The functions carry a target attribute instead of needing per-file
 * compiler flags, so the file builds unchanged with the extension's flags
 * (PGXS, plain x86-64 -O2) and the core library's; sg_simd_level asks the
 * processor (and the OS, which must save the YMM registers) before any of
 * them runs.  The formulas are those of the portable kernels (lens_sie.c,
 * lens_simple.c, light_sersic.c) with the elementary functions of
 * simd_avx2.h, 8 rays per step.  The long ones run in a few passes over the
 * tile through small arrays: each pass is a short dependency chain mixing
 * divider and FMA work, so the processor overlaps many rays (one long pass,
 * or one pass per function, measured 10-30% slower).  Results are
 * deterministic, but differ from the portable kernels' by float rounding
 * (~1e-6 relative).  On other architectures or compilers the variants are
 * stubs never called.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lens_internal.h"
#include "simd_avx2.h"
#include "simd_avx512.h"
#include "simd_level.h"

static int	simd_forced = -1;

#if SG_HAVE_AVX2

/*
 * Add the SIE deflection on a tile (formulas of lens_sie.c): x', y' = v in
 * the major-axis frame, ψ = sqrt(q² x'² + v²), α_x' = scale · atan(q' x'/ψ),
 * α_y' = scale · ½ log1p(δ) · sign(v) with δ = 2u(ψ + u)/(q² r²), u = q'|v|.
 * In short passes over the tile, as in lens_sie.c, so that the processor
 * overlaps many rays' dependency chains.
 */
SG_AVX2 void
sg_sie_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
						 const float *dy, const sg_tile *t)
{
	const float c = (float) pp->cphi,
				s = (float) pp->sphi,
				sc = (float) pp->scale;
	const __m256 vc = sg8_set(c),
				vs = sg8_set(s),
				q2 = sg8_set((float) (pp->q * pp->q)),
				qp = sg8_set((float) pp->qp),
				soft = sg8_set((float) SG_SOFT2),
				cs = sg8_set(c * sc),
				ss = sg8_set(s * sc);
	const int	n = t->nrows * t->width,
				width = t->width;
	float	   *restrict ax = t->ax;
	float	   *restrict ay = t->ay;
	float		xq[SG_BLOCK],	/* q' x', then atan */
				yv[SG_BLOCK],	/* v */
				psi[SG_BLOCK],	/* ψ² then ψ */
				qr2[SG_BLOCK];	/* q² r², then ½ log1p(δ) */

	for (int r = 0; r < t->nrows; r++)
	{
		const __m256 cdy = sg8_set(c * dy[r]),
					sdy = sg8_set(s * dy[r]);

		for (int i = 0; i < width; i += 8)
		{
			int			k = r * width + i;
			__m256		x = _mm256_loadu_ps(dx + i),
						xp = _mm256_fmadd_ps(vc, x, sdy),
						v = _mm256_fnmadd_ps(vs, x, cdy),
						xs2 = _mm256_fmadd_ps(xp, xp, soft),
						v2 = _mm256_mul_ps(v, v);

			_mm256_storeu_ps(xq + k, _mm256_mul_ps(qp, xp));
			_mm256_storeu_ps(yv + k, v);
			_mm256_storeu_ps(psi + k, _mm256_sqrt_ps(_mm256_fmadd_ps(q2, xs2, v2)));
			_mm256_storeu_ps(qr2 + k, _mm256_mul_ps(q2, _mm256_add_ps(xs2, v2)));
		}
	}
	for (int k = 0; k < n; k += 8)
	{
		_mm256_storeu_ps(xq + k, sg8_atan2p(_mm256_loadu_ps(xq + k), _mm256_loadu_ps(psi + k)));
	}
	for (int k = 0; k < n; k += 8)
	{
		__m256		u = _mm256_mul_ps(qp, sg8_abs(_mm256_loadu_ps(yv + k))),
					d = _mm256_div_ps(_mm256_mul_ps(_mm256_add_ps(u, u),
													_mm256_add_ps(_mm256_loadu_ps(psi + k), u)),
									  _mm256_loadu_ps(qr2 + k));

		_mm256_storeu_ps(qr2 + k, sg8_log1p_half(d));
	}
	for (int k = 0; k < n; k += 8)
	{
		__m256		at = _mm256_loadu_ps(xq + k),
					lg = sg8_with_sign(_mm256_loadu_ps(qr2 + k), _mm256_loadu_ps(yv + k));

		_mm256_storeu_ps(ax + k, _mm256_add_ps(_mm256_loadu_ps(ax + k),
											   _mm256_fmsub_ps(cs, at, _mm256_mul_ps(ss, lg))));
		_mm256_storeu_ps(ay + k, _mm256_add_ps(_mm256_loadu_ps(ay + k),
											   _mm256_fmadd_ps(ss, at, _mm256_mul_ps(cs, lg))));
	}
}

/* Add the external-shear deflection on a tile. */
SG_AVX2 void
sg_shear_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
						   const float *dy, const sg_tile *t)
{
	const float g1 = (float) pp->g1,
				g2 = (float) pp->g2;
	const __m256 vg1 = sg8_set(g1),
				vg2 = sg8_set(g2);

	for (int r = 0; r < t->nrows; r++)
	{
		const __m256 g2dy = sg8_set(g2 * dy[r]),
					g1dy = sg8_set(g1 * dy[r]);
		float	   *ax = t->ax + (size_t) r * t->width;
		float	   *ay = t->ay + (size_t) r * t->width;

		for (int i = 0; i < t->width; i += 8)
		{
			__m256		x = _mm256_loadu_ps(dx + i);

			_mm256_storeu_ps(ax + i, _mm256_add_ps(_mm256_loadu_ps(ax + i),
												   _mm256_fmadd_ps(vg1, x, g2dy)));
			_mm256_storeu_ps(ay + i, _mm256_add_ps(_mm256_loadu_ps(ay + i),
												   _mm256_fmsub_ps(vg2, x, g1dy)));
		}
	}
}

/* acc[b][k .. k+7] += amp[b] · v for every band. */
static inline SG_AVX2 void
add_bands8(float *acc, const float *amp, int nbands, int k, __m256 v)
{
	for (int b = 0; b < nbands; b++)
	{
		float	   *a = acc + (size_t) b * SG_BLOCK + k;

		_mm256_storeu_ps(a, _mm256_fmadd_ps(sg8_set(amp[b]), v, _mm256_loadu_ps(a)));
	}
}

/*
 * Sérsic on a tile: R²/R_s² = (√ax2 x')² + (√ay2 y')² (+ floor), with the
 * scales folded into the rotation; u = (R/R_s)^(1/n) = 2^(log2(R²/R_s²)/(2n)),
 * I = 2^(b_n (1 − u)/ln 2).  Unlensed, a row's dy enters only through
 * per-row constants.
 */
static inline __attribute__((always_inline)) SG_AVX2 void
sersic_tile(const sg_light_prep *lp, const float *dx, const float *dy,
			bool lensed, const float *amp, const sg_tile *t)
{
	const double sx = sqrt((double) lp->ax2),
				sy = sqrt((double) lp->ay2);
	const __m256 xc = sg8_set((float) (sx * lp->cphi)),
				xs = sg8_set((float) (sx * lp->sphi)),
				yc = sg8_set((float) (sy * lp->cphi)),
				ys = sg8_set((float) (sy * lp->sphi)),
				inv_2n = sg8_set(lp->inv_2n),
				bn = sg8_set(lp->bn),
				floor2 = sg8_set((float) SG_SERSIC_FLOOR2);
	const int	n = t->nrows * t->width,
				nbands = t->nbands,
				width = t->width;
	const float *tax = t->ax,
			   *tay = t->ay;
	float	   *acc = t->acc;
	float		tmp[SG_BLOCK];

	for (int r = 0; r < t->nrows; r++)
	{
		const __m256 xsdy = sg8_set((float) (sx * lp->sphi * dy[r])),
					ycdy = sg8_set((float) (sy * lp->cphi * dy[r])),
					vdy = sg8_set(dy[r]);

		for (int i = 0; i < width; i += 8)
		{
			int			k = r * width + i;
			__m256		x = _mm256_loadu_ps(dx + i),
						xp,
						yp;

			if (lensed)
			{
				__m256		y = _mm256_sub_ps(vdy, _mm256_loadu_ps(tay + k));

				x = _mm256_sub_ps(x, _mm256_loadu_ps(tax + k));
				xp = _mm256_fmadd_ps(xc, x, _mm256_mul_ps(xs, y));
				yp = _mm256_fnmadd_ps(ys, x, _mm256_mul_ps(yc, y));
			}
			else
			{
				xp = _mm256_fmadd_ps(xc, x, xsdy);
				yp = _mm256_fnmadd_ps(ys, x, ycdy);
			}
			_mm256_storeu_ps(tmp + k, _mm256_fmadd_ps(xp, xp, _mm256_fmadd_ps(yp, yp, floor2)));
		}
	}
	for (int k = 0; k < n; k += 8)
		_mm256_storeu_ps(tmp + k, _mm256_mul_ps(inv_2n, sg8_log2(_mm256_loadu_ps(tmp + k))));
	for (int k = 0; k < n; k += 8)
		_mm256_storeu_ps(tmp + k, _mm256_fnmadd_ps(bn, sg8_exp2(_mm256_loadu_ps(tmp + k)), bn));
	if (nbands == 1)
	{
		const __m256 a0 = sg8_set(amp[0]);

		for (int k = 0; k < n; k += 8)
			_mm256_storeu_ps(acc + k, _mm256_fmadd_ps(a0, sg8_exp2(_mm256_loadu_ps(tmp + k)),
													  _mm256_loadu_ps(acc + k)));
	}
	else
		for (int k = 0; k < n; k += 8)
			add_bands8(acc, amp, nbands, k, sg8_exp2(_mm256_loadu_ps(tmp + k)));
}

/* Gaussian on a tile: norm · 2^(−r²/(2σ²) · log2 e). */
static inline __attribute__((always_inline)) SG_AVX2 void
gaussian_tile(const sg_light_prep *lp, const float *dx, const float *dy,
			  bool lensed, const float *amp, const sg_tile *t)
{
	const __m256 a = sg8_set(-lp->ax2 * 1.44269504f),
				norm = sg8_set(lp->norm);
	const int	nbands = t->nbands,
				width = t->width;
	const float *tax = t->ax,
			   *tay = t->ay;
	float	   *acc = t->acc;

	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < width; i += 8)
		{
			int			k = r * width + i;
			__m256		x = _mm256_loadu_ps(dx + i),
						y = sg8_set(dy[r]);

			if (lensed)
			{
				x = _mm256_sub_ps(x, _mm256_loadu_ps(tax + k));
				y = _mm256_sub_ps(y, _mm256_loadu_ps(tay + k));
			}
			add_bands8(acc, amp, nbands, k,
					   _mm256_mul_ps(norm, sg8_exp2(_mm256_mul_ps(a, _mm256_fmadd_ps(x, x, _mm256_mul_ps(y, y))))));
		}
}

/* Add amp[b] × the profile's shape on a tile to band b of acc. */
SG_AVX2 void
sg_light_tile_avx2(const sg_light_prep *lp, const float *dx, const float *dy,
				   bool lensed, const float *amp, const sg_tile *t)
{
	if (lp->type == SG_LIGHT_GAUSSIAN)
	{
		if (lensed)
			gaussian_tile(lp, dx, dy, true, amp, t);
		else
			gaussian_tile(lp, dx, dy, false, amp, t);
	}
	else if (lensed)
		sersic_tile(lp, dx, dy, true, amp, t);
	else
		sersic_tile(lp, dx, dy, false, amp, t);
}

/*
 * out[c] = area × the sum of the s × s rays of pixel c (c < npx): the sums
 * and their order are those of sg_tile_pixels, so the results are the same;
 * s = 1 and 2 are done 8 pixels at a time.
 */
SG_AVX2 void
sg_tile_pixels_avx2(const float *rows, int width, int s, int npx, float area,
					float *out)
{
	const __m256 va = sg8_set(area);
	int			c = 0;

	if (s == 1)
		for (; c + 8 <= npx; c += 8)
			_mm256_storeu_ps(out + c, _mm256_mul_ps(_mm256_loadu_ps(rows + c), va));
	else if (s == 2)
		for (; c + 8 <= npx; c += 8)
		{
			const float *r0 = rows + 2 * c,
					   *r1 = r0 + width;
			__m256		a = _mm256_add_ps(_mm256_loadu_ps(r0), _mm256_loadu_ps(r1)),
						b = _mm256_add_ps(_mm256_loadu_ps(r0 + 8), _mm256_loadu_ps(r1 + 8)),
						h = _mm256_hadd_ps(a, b);

			/* h = a01 a23 b01 b23 | a45 a67 b45 b67: put the quarters in order */
			h = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(h), 0xD8));
			_mm256_storeu_ps(out + c, _mm256_mul_ps(h, va));
		}
	if (c < npx)
		sg_tile_pixels(rows + (size_t) c * s, width, s, npx - c, area, out + c);
}

#else							/* no x86 GCC/clang: stubs, never called */

/* Not available on this build; never called (level 0). */
void
sg_sie_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
						 const float *dy, const sg_tile *t)
{
	sg_sie_deflect_tile(pp, dx, dy, t);
}

/* Not available on this build; never called (level 0). */
void
sg_shear_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
						   const float *dy, const sg_tile *t)
{
	sg_shear_deflect_tile(pp, dx, dy, t);
}

/* Not available on this build; never called (level 0). */
void
sg_light_tile_avx2(const sg_light_prep *lp, const float *dx, const float *dy,
				   bool lensed, const float *amp, const sg_tile *t)
{
	sg_light_tile(lp, dx, dy, lensed, amp, t);
}

/* Not available on this build; never called (level 0). */
void
sg_tile_pixels_avx2(const float *rows, int width, int s, int npx, float area,
					float *out)
{
	sg_tile_pixels(rows, width, s, npx, area, out);
}

#endif

/*
 * The cap from the environment variable SGLENS_SIMD (0, 1 or 2; read once
 * per process), −1 when unset or not a level.
 */
static int
env_cap(void)
{
	static int	cap = -2;

	if (cap == -2)
	{
		const char *v = getenv("SGLENS_SIMD");

		cap = (v != NULL && v[0] >= '0' && v[0] <= '2' && v[1] == '\0') ? v[0] - '0' : -1;
	}
	return cap;
}

/*
 * The level in use: 2 for AVX-512F (with AVX2 + FMA), 1 for AVX2 + FMA,
 * else 0; capped by SGLENS_SIMD and by sg_simd_force.
 */
int
sg_simd_level(void)
{
	int			level = 0;
	int			cap = simd_forced >= 0 ? simd_forced : env_cap();

	if (sg_cpu_has_avx2_fma())
		level = sg_cpu_has_avx512f() ? 2 : 1;
	if (cap >= 0 && level > cap)
		level = cap;
	return level;
}

/*
 * Cap the level at 0, 1 or 2 (benchmarks, tests), overriding SGLENS_SIMD;
 * −1 removes this cap.
 */
void
sg_simd_force(int level)
{
	simd_forced = level < 0 ? -1 : level > 2 ? 2 : level;
}
