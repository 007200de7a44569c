/*
 * render_avx512.c — AVX-512F variants of the SIE deflection and light tile
 * kernels (the shear and pixel kernels are cheap and use the AVX2 ones).
 *
 * The same passes and formulas as render_avx2.c with 16 lanes per step and
 * the functions of simd_avx512.h.  On processors that run 512-bit
 * operations as two 256-bit halves (AMD Zen 4) the gain comes from issuing
 * half as many instructions.  Tile rows are a multiple of 16 rays
 * (SG_TILE_ALIGN).  On other architectures or compilers the functions are
 * stubs never called (sg_simd_level is then below 2).
 */
#include <math.h>
#include <stdbool.h>

#include "lens_internal.h"
#include "simd_avx512.h"

#if SG_HAVE_AVX512

/*
 * Add the SIE deflection on a tile: the passes of sg_sie_deflect_tile_avx2
 * (geometry and ψ, atan, ½ log1p(δ), rotation back), 16 rays per step.
 */
SG_AVX512 void
sg_sie_deflect_tile_avx512(const sg_mass_prep *pp, const float *dx,
						   const float *dy, const sg_tile *t)
{
	const float c = (float) pp->cphi,
				s = (float) pp->sphi,
				sc = (float) pp->scale;
	const __m512 vc = sg16_set(c),
				vs = sg16_set(s),
				q2 = sg16_set((float) (pp->q * pp->q)),
				qp = sg16_set((float) pp->qp),
				soft = sg16_set((float) SG_SOFT2),
				cs = sg16_set(c * sc),
				ss = sg16_set(s * sc);
	const int	n = t->nrows * t->width,
				width = t->width;
	float	   *restrict ax = t->ax;
	float	   *restrict ay = t->ay;
	float		xq[SG_BLOCK],	/* q' x', then atan */
				yv[SG_BLOCK],	/* v */
				psi[SG_BLOCK],	/* ψ */
				qr2[SG_BLOCK];	/* q² r², then ½ log1p(δ) */

	for (int r = 0; r < t->nrows; r++)
	{
		const __m512 cdy = sg16_set(c * dy[r]),
					sdy = sg16_set(s * dy[r]);

		for (int i = 0; i < width; i += 16)
		{
			int			k = r * width + i;
			__m512		x = _mm512_loadu_ps(dx + i),
						xp = _mm512_fmadd_ps(vc, x, sdy),
						v = _mm512_fnmadd_ps(vs, x, cdy),
						xs2 = _mm512_fmadd_ps(xp, xp, soft),
						v2 = _mm512_mul_ps(v, v);

			_mm512_storeu_ps(xq + k, _mm512_mul_ps(qp, xp));
			_mm512_storeu_ps(yv + k, v);
			_mm512_storeu_ps(psi + k, _mm512_sqrt_ps(_mm512_fmadd_ps(q2, xs2, v2)));
			_mm512_storeu_ps(qr2 + k, _mm512_mul_ps(q2, _mm512_add_ps(xs2, v2)));
		}
	}
	for (int k = 0; k < n; k += 16)
		_mm512_storeu_ps(xq + k, sg16_atan2p(_mm512_loadu_ps(xq + k), _mm512_loadu_ps(psi + k)));
	for (int k = 0; k < n; k += 16)
	{
		__m512		u = _mm512_mul_ps(qp, sg16_abs(_mm512_loadu_ps(yv + k))),
					d = _mm512_div_ps(_mm512_mul_ps(_mm512_add_ps(u, u),
													_mm512_add_ps(_mm512_loadu_ps(psi + k), u)),
									  _mm512_loadu_ps(qr2 + k));

		_mm512_storeu_ps(qr2 + k, sg16_log1p_half(d));
	}
	for (int k = 0; k < n; k += 16)
	{
		__m512		at = _mm512_loadu_ps(xq + k),
					lg = sg16_with_sign(_mm512_loadu_ps(qr2 + k), _mm512_loadu_ps(yv + k));

		_mm512_storeu_ps(ax + k, _mm512_add_ps(_mm512_loadu_ps(ax + k),
											   _mm512_fmsub_ps(cs, at, _mm512_mul_ps(ss, lg))));
		_mm512_storeu_ps(ay + k, _mm512_add_ps(_mm512_loadu_ps(ay + k),
											   _mm512_fmadd_ps(ss, at, _mm512_mul_ps(cs, lg))));
	}
}

/* acc[b][k .. k+15] += amp[b] · v for every band. */
static inline SG_AVX512 void
add_bands16(float *acc, const float *amp, int nbands, int k, __m512 v)
{
	for (int b = 0; b < nbands; b++)
	{
		float	   *a = acc + (size_t) b * SG_BLOCK + k;

		_mm512_storeu_ps(a, _mm512_fmadd_ps(sg16_set(amp[b]), v, _mm512_loadu_ps(a)));
	}
}

/*
 * Sérsic on a tile, as sersic_tile of render_avx2.c: R²/R_s² from the
 * rotation scaled by √ax2, √ay2, u = 2^(log2(R²/R_s²)/(2n)),
 * I = 2^(b_n (1 − u)/ln 2).
 */
static inline __attribute__((always_inline)) SG_AVX512 void
sersic_tile(const sg_light_prep *lp, const float *dx, const float *dy,
			bool lensed, const float *amp, const sg_tile *t)
{
	const double sx = sqrt((double) lp->ax2),
				sy = sqrt((double) lp->ay2);
	const __m512 xc = sg16_set((float) (sx * lp->cphi)),
				xs = sg16_set((float) (sx * lp->sphi)),
				yc = sg16_set((float) (sy * lp->cphi)),
				ys = sg16_set((float) (sy * lp->sphi)),
				inv_2n = sg16_set(lp->inv_2n),
				bn = sg16_set(lp->bn),
				floor2 = sg16_set((float) SG_SERSIC_FLOOR2);
	const int	n = t->nrows * t->width,
				nbands = t->nbands,
				width = t->width;
	const float *tax = t->ax,
			   *tay = t->ay;
	float	   *acc = t->acc;
	float		tmp[SG_BLOCK];

	for (int r = 0; r < t->nrows; r++)
	{
		const __m512 xsdy = sg16_set((float) (sx * lp->sphi * dy[r])),
					ycdy = sg16_set((float) (sy * lp->cphi * dy[r])),
					vdy = sg16_set(dy[r]);

		for (int i = 0; i < width; i += 16)
		{
			int			k = r * width + i;
			__m512		x = _mm512_loadu_ps(dx + i),
						xp,
						yp;

			if (lensed)
			{
				__m512		y = _mm512_sub_ps(vdy, _mm512_loadu_ps(tay + k));

				x = _mm512_sub_ps(x, _mm512_loadu_ps(tax + k));
				xp = _mm512_fmadd_ps(xc, x, _mm512_mul_ps(xs, y));
				yp = _mm512_fnmadd_ps(ys, x, _mm512_mul_ps(yc, y));
			}
			else
			{
				xp = _mm512_fmadd_ps(xc, x, xsdy);
				yp = _mm512_fnmadd_ps(ys, x, ycdy);
			}
			_mm512_storeu_ps(tmp + k, _mm512_fmadd_ps(xp, xp, _mm512_fmadd_ps(yp, yp, floor2)));
		}
	}
	for (int k = 0; k < n; k += 16)
		_mm512_storeu_ps(tmp + k, _mm512_mul_ps(inv_2n, sg16_log2(_mm512_loadu_ps(tmp + k))));
	for (int k = 0; k < n; k += 16)
		_mm512_storeu_ps(tmp + k, _mm512_fnmadd_ps(bn, sg16_exp2(_mm512_loadu_ps(tmp + k)), bn));
	if (nbands == 1)
	{
		const __m512 a0 = sg16_set(amp[0]);

		for (int k = 0; k < n; k += 16)
			_mm512_storeu_ps(acc + k, _mm512_fmadd_ps(a0, sg16_exp2(_mm512_loadu_ps(tmp + k)),
													  _mm512_loadu_ps(acc + k)));
	}
	else
		for (int k = 0; k < n; k += 16)
			add_bands16(acc, amp, nbands, k, sg16_exp2(_mm512_loadu_ps(tmp + k)));
}

/* Gaussian on a tile: norm · 2^(−r²/(2σ²) · log2 e). */
static inline __attribute__((always_inline)) SG_AVX512 void
gaussian_tile(const sg_light_prep *lp, const float *dx, const float *dy,
			  bool lensed, const float *amp, const sg_tile *t)
{
	const __m512 a = sg16_set(-lp->ax2 * 1.44269504f),
				norm = sg16_set(lp->norm);
	const int	nbands = t->nbands,
				width = t->width;
	const float *tax = t->ax,
			   *tay = t->ay;
	float	   *acc = t->acc;

	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < width; i += 16)
		{
			int			k = r * width + i;
			__m512		x = _mm512_loadu_ps(dx + i),
						y = sg16_set(dy[r]);

			if (lensed)
			{
				x = _mm512_sub_ps(x, _mm512_loadu_ps(tax + k));
				y = _mm512_sub_ps(y, _mm512_loadu_ps(tay + k));
			}
			add_bands16(acc, amp, nbands, k,
						_mm512_mul_ps(norm, sg16_exp2(_mm512_mul_ps(a, _mm512_fmadd_ps(x, x, _mm512_mul_ps(y, y))))));
		}
}

/* Add amp[b] × the profile's shape on a tile to band b of acc. */
SG_AVX512 void
sg_light_tile_avx512(const sg_light_prep *lp, const float *dx, const float *dy,
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

#else							/* no x86 GCC/clang: stubs, never called */

/* Not available on this build; never called. */
void
sg_sie_deflect_tile_avx512(const sg_mass_prep *pp, const float *dx,
						   const float *dy, const sg_tile *t)
{
	sg_sie_deflect_tile(pp, dx, dy, t);
}

/* Not available on this build; never called. */
void
sg_light_tile_avx512(const sg_light_prep *lp, const float *dx, const float *dy,
					 bool lensed, const float *amp, const sg_tile *t)
{
	sg_light_tile(lp, dx, dy, lensed, amp, t);
}

#endif
