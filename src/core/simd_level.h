/*
 * simd_level.h — which instruction set the core library's hot kernels use
 * (render tiles, separable PSF convolution), chosen at run time so that one
 * build runs on any x86-64 and uses wider vectors where the processor has
 * them.
 *
 * Level 2: AVX-512F for the SIE and light tile kernels, AVX2 + FMA for the
 * rest.  Level 1: AVX2 + FMA kernels.  Level 0: the portable kernels.
 * Levels above 0 need x86 built by GCC or clang and a processor and OS
 * supporting the instructions.  The environment variable SGLENS_SIMD (0, 1
 * or 2, read once per process) caps the level, e.g. to compare results or
 * to run the tests on every path.  Each level is deterministic; levels agree
 * to float rounding (render ~1e-6 relative, PSF ~1e-7 of the peak), not bit
 * for bit, so images made on different machines may differ in the last bits.
 */
#ifndef SGLENS_SIMD_LEVEL_H
#define SGLENS_SIMD_LEVEL_H

/* The level in use (0, 1 or 2, see above). */
int			sg_simd_level(void);

/*
 * For benchmarks and tests: cap the level at 0, 1 or 2, overriding
 * SGLENS_SIMD; −1 removes this cap.  Not thread-safe.
 */
void		sg_simd_force(int level);

#endif
