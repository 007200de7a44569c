/*
 * nn_input.h — turning a stamp into a network input, the same way for
 * training and for lens_score().
 *
 * For each band the model takes (found by name), the stamp's pixels are
 * centre-cropped to the model's input size, divided by the band's noise σ
 * (its metadata, or a robust estimate: 1.4826 × the median absolute
 * deviation of the pixels in a border 4 pixels wide), and compressed with
 * y = 10 asinh(x / (10 σ)), linear for faint light and logarithmic for the
 * bright lens galaxy.  Masked (NaN) pixels become 0.  Scaling a stamp's flux
 * units does not change the result.  For a model trained on stamps without
 * their lens light (SG_NN_NORM_SUBTRACTED), a Sérsic lens light fitted to the
 * crop is subtracted first (sg_subtract_lens_light).  A model that also
 * takes a marker of the lens (SG_NN_NORM_MARKED) gets, after those bands,
 * one plane holding 10 exp(−ρ²/2) at each pixel, ρ the elliptical radius in
 * units of SG_NN_MARKER_SIGMA pixels about the fitted lens light's centre,
 * with its axis ratio and angle: where the lens galaxy is and how it is
 * oriented, but not how big or bright it is (those follow θ_E in simulated
 * populations, a shortcut a network would take instead of the arcs).
 */
#ifndef SGLENS_NN_INPUT_H
#define SGLENS_NN_INPUT_H

#include "sglens/fit.h"
#include "sglens/image.h"
#include "sglens/nn.h"

/* Size of the lens marker of SG_NN_NORM_MARKED inputs, pixels (minor axis). */
#define SG_NN_MARKER_SIGMA 2.0

/* Relative pixel-scale mismatch a model accepts. */
#define SG_NN_SCALE_TOLERANCE 1e-3

/* Robust noise σ of band b from its border pixels (NaN if all are masked). */
double		sg_nn_robust_sigma(const sg_image *img, int b);

/*
 * Fill out (sg_nn_input_planes(info) × size × size floats) from img for a model taking info's
 * bands at info's pixel scale; clear errors for a missing band, a different
 * pixel scale, a stamp smaller than size, or a crop that would move the centre.
 */
bool		sg_nn_prepare_input(const sg_image *img, const sg_nn_info *info,
								int size, float *out, sg_status *st);

/*
 * As sg_nn_prepare_input, with a PSF image for a lens-light fit on bands
 * without PSF metadata and a cancel check (fit's psf_image and should_stop;
 * its other options never change the input).  light (may be NULL) gets the
 * fitted lens light (sg_subtract_lens_light's res, positions relative to
 * the crop's centre, which is the stamp's) of a model that takes it apart,
 * and has nbands 0 for any other model.
 */
bool		sg_nn_prepare_input_fit(const sg_image *img, const sg_nn_info *info,
									int size, const sg_fit_options *fit, float *out,
									sg_fit_result *light, sg_status *st);

#endif
