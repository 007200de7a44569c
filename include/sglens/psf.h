/*
 * psf.h — point-spread functions and convolution of image bands.
 */
#ifndef SGLENS_PSF_H
#define SGLENS_PSF_H

#include "sglens/image.h"
#include "sglens/status.h"

typedef enum sg_psf_type
{
	SG_PSF_NONE,
	SG_PSF_GAUSSIAN,			/* fwhm */
	SG_PSF_MOFFAT,				/* fwhm, beta */
	SG_PSF_PIXEL				/* kernel: odd kx × ky image at the image's pixel scale */
} sg_psf_type;

typedef struct sg_psf
{
	sg_psf_type type;
	double		fwhm;			/* arcsec */
	double		beta;			/* Moffat β > 1 */
	int			kx,
				ky;				/* pixel kernel size (odd) */
	const float *kernel;		/* kx*ky values, row-major, normalised by the caller or not */
} sg_psf;

/*
 * Validate PSF parameters: fwhm finite and > 0; Moffat 1 < beta <= 1000;
 * pixel kernels odd kx, ky in 1..255 with finite values and a positive sum.
 */
bool		sg_psf_check(const sg_psf *psf, sg_status *st);

/*
 * The pixel PSF for a band named band from a PSF image: its band of that
 * name, or its only band; the image's pixel scale must equal pixel_scale
 * (to 1e-6), which belongs to what (e.g. "survey", "stamp", for the
 * message).  psf->kernel points into psf_img.
 */
bool		sg_psf_from_image(const sg_image *psf_img, const char *band, double pixel_scale,
							  const char *what, sg_psf *psf, sg_status *st);

/*
 * Convolve band b of img with the PSF in place (zero outside the stamp; the
 * kernel is normalised to unit sum).  Separable for Gaussians; FFT for large
 * kernels.  out(x, y) = Σ k(dx, dy) in(x − dx, y − dy), the pixel kernel's
 * centre at (kx/2, ky/2) and its rows running with y.  NaN pixels count as 0
 * and stay NaN.  Gaussian kernels are pixel-integrated and keep all but 1e-6
 * of the flux; Moffat kernels are pixel-integrated by quadrature and cut
 * where 1e-4 of the flux remains (radius at most twice the larger side).
 * The band's metadata is not changed.
 */
bool		sg_psf_convolve(const sg_psf *psf, sg_image *img, int band,
							sg_status *st);

#endif
