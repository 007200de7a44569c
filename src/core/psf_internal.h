/*
 * psf_internal.h — convolution kernels and the convolution back ends, shared
 * by psf_kernel.c and psf_convolve.c (and reachable by tests and benchmarks).
 */
#ifndef SGLENS_PSF_INTERNAL_H
#define SGLENS_PSF_INTERNAL_H

#include <stdbool.h>

#include "sglens/psf.h"

/* Flux a Gaussian kernel may lose to truncation. */
#define SG_GAUSS_TAIL 1e-6
/* Flux a Moffat kernel may lose to truncation (before the size cap). */
#define SG_MOFFAT_TAIL 1e-4
/* Largest side of a pixel kernel given by the caller. */
#define SG_PSF_MAX_KERNEL 255

/*
 * A normalised kernel, clipped to what can reach a stamp of nx × ny pixels
 * (half-widths at most nx-1 and ny-1; the clipped-off part would only carry
 * flux off the stamp).  k2d has (2hx+1) × (2hy+1) values, row-major, the
 * value for offset (dx, dy) at k2d[(dy + hy) * (2hx+1) + dx + hx].  When
 * separable, k2d[dy][dx] = fy[dy] * fx[dx].
 */
typedef struct sg_kernel
{
	int			hx,
				hy;				/* half-widths */
	float	   *k2d;
	float	   *fx;				/* 2hx+1 values, or NULL */
	float	   *fy;				/* 2hy+1 values, or NULL */
	bool		separable;
} sg_kernel;

typedef enum sg_conv_method
{
	SG_CONV_AUTO,				/* separable if possible, else by the cost model */
	SG_CONV_SEPARABLE,
	SG_CONV_DIRECT,
	SG_CONV_FFT
} sg_conv_method;

/* Moffat α (same unit as fwhm) for a FWHM and β > 1. */
double		sg_moffat_alpha(double fwhm, double beta);

/* Build the normalised kernel of a checked PSF for a stamp of nx × ny pixels. */
bool		sg_kernel_build(const sg_psf *psf, double pixel_scale, int nx,
							int ny, sg_kernel *k, sg_status *st);

/* Release a kernel's arrays. */
void		sg_kernel_free(sg_kernel *k);

/* Convolve with a chosen method (SG_CONV_SEPARABLE needs a Gaussian). */
bool		sg_psf_convolve_method(const sg_psf *psf, sg_image *img, int band,
								   sg_conv_method method, sg_status *st);

/* True when the cost model prefers FFT for this kernel on an nx × ny band. */
bool		sg_conv_prefers_fft(const sg_kernel *k, int nx, int ny);

#endif
