/*
 * bench_render.c — time sg_render on the reference scene: a 64×64
 * single-band stamp at 0.2"/px of SIE (θ_E = 1.2, e1 = 0.1, e2 = −0.05) +
 * SHEAR (0.03, 0.01) lensing an elliptical Sérsic source, plus an elliptical
 * Sérsic lens light, at supersampling 1, 2 and 4.  Prints the best time of
 * many repeats in microseconds per band-image: the render alone (sg_render,
 * no PSF), the parts of the scene (lens only, light only) to show where the
 * time goes, and the render followed by the convolution with a Gaussian PSF
 * of FWHM 0.7" (sg_psf_convolve) — the full noise-free simulation of the
 * reference case.  The table is printed for the kernels the machine uses
 * (see src/core/simd_level.h), then for each lower instruction-set level
 * down to the portable kernels.
 *
 * Usage: build/bench/bench_render [repeats]     (default 2000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simd_level.h"
#include "sglens/alloc.h"
#include "sglens/psf.h"
#include "sglens/render.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec * 1e-3;
}

/* The reference scene; parts: 1 = mass + source, 2 = lens light, 3 = all. */
static void
make_scene(sg_scene *sc, int parts)
{
	memset(sc, 0, sizeof(*sc));
	if (parts & 1)
	{
		sc->n_mass = 2;
		sc->mass[0].type = SG_MASS_SIE;
		sc->mass[0].theta_e = 1.2;
		sc->mass[0].e1 = 0.1;
		sc->mass[0].e2 = -0.05;
		sc->mass[1].type = SG_MASS_SHEAR;
		sc->mass[1].gamma1 = 0.03;
		sc->mass[1].gamma2 = 0.01;
		sc->n_source = 1;
		sc->source[0].type = SG_LIGHT_SERSIC_ELLIPSE;
		sc->source[0].amp[0] = 20.0;
		sc->source[0].r_sersic = 0.3;
		sc->source[0].n_sersic = 1.0;
		sc->source[0].e1 = 0.05;
		sc->source[0].e2 = 0.1;
		sc->source[0].center_x = 0.05;
		sc->source[0].center_y = 0.02;
	}
	if (parts & 2)
	{
		sc->n_lens_light = 1;
		sc->lens_light[0].type = SG_LIGHT_SERSIC_ELLIPSE;
		sc->lens_light[0].amp[0] = 5.0;
		sc->lens_light[0].r_sersic = 1.0;
		sc->lens_light[0].n_sersic = 4.0;
		sc->lens_light[0].e1 = 0.1;
		sc->lens_light[0].e2 = -0.05;
	}
}

/* Best wall time of `reps` renders (then PSF convolutions if psf), µs. */
static double
best_time(const sg_scene *sc, sg_image *img, int s, const sg_psf *psf, int reps)
{
	double		best = 1e30;
	sg_status	st;

	sg_status_clear(&st);
	for (int r = 0; r < reps; r++)
	{
		double		t0 = now_us();

		if (!sg_render(sc, img, s, &st) ||
			(psf != NULL && !sg_psf_convolve(psf, img, 0, &st)))
		{
			fprintf(stderr, "bench_render: %s\n", st.message);
			exit(1);
		}
		t0 = now_us() - t0;
		if (t0 < best)
			best = t0;
	}
	return best;
}

/* One table of timings at supersampling 1, 2, 4. */
static void
table(sg_image *img, int reps)
{
	static sg_scene full,
				lens,
				light;
	sg_psf		gauss = {SG_PSF_GAUSSIAN, 0.7, 0, 0, 0, NULL};

	make_scene(&full, 3);
	make_scene(&lens, 1);
	make_scene(&light, 2);
	printf("| supersampling | rays | full scene µs | ns/ray | SIE+shear+source µs | lens light µs | full + PSF µs |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (int s = 1; s <= 4; s *= 2)
	{
		double		rays = 64.0 * 64 * s * s;
		double		t = best_time(&full, img, s, NULL, reps);
		double		tl = best_time(&lens, img, s, NULL, reps);
		double		tll = best_time(&light, img, s, NULL, reps);

		printf("| %d | %.0f | %.1f | %.2f | %.1f | %.1f | %.1f |\n", s, rays, t,
			   1e3 * t / rays, tl, tll, best_time(&full, img, s, &gauss, reps));
	}
}

int
main(int argc, char **argv)
{
	int			reps = argc > 1 ? atoi(argv[1]) : 2000;
	sg_status	st;
	sg_image   *img;

	sg_status_clear(&st);
	img = sg_image_new(64, 64, 1, 0.2, &st);
	if (img == NULL || reps < 1)
	{
		fprintf(stderr, "bench_render: %s\n", img ? "repeats must be positive" : st.message);
		return 1;
	}
	printf("render 64x64 at 0.2\"/px, 1 band, best of %d (microseconds per band-image)\n", reps);
	/* every level the machine has, the one in use first */
	for (int level = sg_simd_level(); level >= 0; level--)
	{
		static const char *names[] = {"portable", "AVX2 + FMA", "AVX-512 (+ AVX2 + FMA)"};

		sg_simd_force(level);
		printf("\nkernels: %s (level %d)\n", names[level], level);
		table(img, reps);
	}
	sg_simd_force(-1);
	sg_free(img);
	return 0;
}
