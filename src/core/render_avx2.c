/*
 * render_avx2.c — AVX2 + FMA variants of the render tile kernels (SIE and
 * shear deflection, Sérsic and Gaussian light, pixel sums), and the choice
 * of instruction-set level (simd_level.h).
 *
 * The functions carry a target attribute instead of needing per-file
 * compiler flags, so the file builds unchanged with the extension's flags
 * (PGXS, plain x86-64 -O2) and the core library's; sg_simd_level asks the
 * processor (and the OS, which must save the YMM registers) before any of
 * them runs.  The SIE and light kernels are those of render_simd.inc (also
 * used by render_avx512.c), instantiated with 8 rays per step and the
 * elementary functions of simd_avx2.h; the shear and pixel kernels follow
 * lens_simple.c and sg_tile_pixels.  Results are deterministic, but differ
 * from the portable kernels' by float rounding (~1e-6 relative).  On other
 * architectures or compilers the variants are stubs never called.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "lens_internal.h"
#include "simd_avx2.h"
#include "simd_avx512.h"
#include "simd_level.h"

static int	simd_forced = -1;

/* The SIE deflection and light kernels, 8 rays per step. */
#define SGV_SUFFIX _avx2
#if SG_HAVE_AVX2
#define SGV_LANES 8
#define SGV_BITS 256
#define SGV_T SG_AVX2
#endif
#include "render_simd.inc"

#if SG_HAVE_AVX2

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
sg_shear_deflect_tile_avx2(const sg_mass_prep *pp, const float *dx,
						   const float *dy, const sg_tile *t)
{
	sg_shear_deflect_tile(pp, dx, dy, t);
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
