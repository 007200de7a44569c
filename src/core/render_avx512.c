/*
 * render_avx512.c — AVX-512F variants of the SIE deflection and light tile
 * kernels (the shear and pixel kernels are cheap and use the AVX2 ones).
 *
 * The kernels are those of render_simd.inc, also used by render_avx2.c,
 * instantiated with 16 lanes per step and the functions of simd_avx512.h.
 * On processors that run 512-bit operations as two 256-bit halves (AMD
 * Zen 4) the gain comes from issuing half as many instructions.  Tile rows
 * are a multiple of 16 rays (SG_TILE_ALIGN).  On other architectures or
 * compilers the functions are stubs never called (sg_simd_level is then
 * below 2).
 */
#include <math.h>
#include <stdbool.h>

#include "lens_internal.h"
#include "simd_avx512.h"

/* The SIE deflection and light kernels, 16 rays per step. */
#define SGV_SUFFIX _avx512
#if SG_HAVE_AVX512
#define SGV_LANES 16
#define SGV_BITS 512
#define SGV_T SG_AVX512
#endif
#include "render_simd.inc"
