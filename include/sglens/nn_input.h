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
 * crop is subtracted first (sg_subtract_lens_light); a model taking the two
 * apart (SG_NN_NORM_SPLIT) gets the bands without their lens light, then the
 * fitted lens light alone, both in the stamp's noise units.
 */
#ifndef SGLENS_NN_INPUT_H
#define SGLENS_NN_INPUT_H

#include "sglens/fit.h"
#include "sglens/image.h"
#include "sglens/nn.h"

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
 * its other options never change the input).
 */
bool		sg_nn_prepare_input_fit(const sg_image *img, const sg_nn_info *info,
									int size, const sg_fit_options *fit, float *out,
									sg_status *st);

#endif
