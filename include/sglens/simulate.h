/*
 * simulate.h — a survey image of a lens scene: render (ray shooting with
 * supersampling), convolve with each band's PSF, add the survey's noise.
 */
#ifndef SGLENS_SIMULATE_H
#define SGLENS_SIMULATE_H

#include <stdint.h>

#include "sglens/psf.h"
#include "sglens/render.h"
#include "sglens/survey.h"

typedef struct sg_simulate_options
{
	int			size;			/* stamp side in pixels */
	int			supersampling;	/* 1..16 */
	bool		add_noise;
	uint64_t	seed;
	double		psf_beta;		/* 0 = Gaussian PSF; > 1 = Moffat with this β */
	const sg_image *psf_image;	/* pixelised PSF (odd size, the survey's pixel
								 * scale; one band for all, or bands by name),
								 * or NULL */
} sg_simulate_options;

/* Options with defaults: 64 pixels, supersampling 2, noise on, seed 0, Gaussian PSF, no PSF image. */
sg_simulate_options sg_simulate_defaults(void);

/*
 * Simulate the scene as the survey sees it.  Amplitudes of the scene's light
 * profiles are per survey band (index = band order).  Pixels in e-/s; band
 * metadata (name, zero point, PSF FWHM, noise σ when noise is added) set.
 */
sg_image   *sg_simulate(const sg_scene *scene, const sg_survey *sv,
						const sg_simulate_options *opt, sg_status *st);

/*
 * Add the lensed source light of a scene (mass and source profiles only) to
 * an existing stamp, convolved with each band's PSF (Gaussian of the band's
 * psf_fwhm metadata, which must be known).  No noise is added: the stamp
 * already carries its own.
 */
sg_image   *sg_inject(const sg_image *stamp, const sg_scene *scene,
					  int supersampling, sg_status *st);

#endif
