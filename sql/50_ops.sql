-- Band selection, merging, cropping and metadata updates.
SELECT sg_bands(sg_select_bands(img, ARRAY['i', 'g'])),
	sg_to_array(sg_select_bands(img, ARRAY['i']), 'i') = sg_to_array(img, 'i') AS same_pixels,
	sg_psf_fwhm(sg_select_bands(img, ARRAY['i', 'g']), 'i') AS fwhm_kept
FROM stamps WHERE id = 2;
-- splitting into single bands and merging them back gives the original
SELECT sg_merge(sg_select_bands(img, ARRAY['g']), sg_select_bands(img, ARRAY['r']),
	sg_select_bands(img, ARRAY['i'])) = img AS merge_round_trip
FROM stamps WHERE id = 2;
SELECT sg_bands(sg_merge(sg_select_bands(img, ARRAY['i']), sg_select_bands(img, ARRAY['g', 'r'])))
FROM stamps WHERE id = 2;
-- a stamp without a centre takes the centre of the others
SELECT sg_ra(sg_merge(sg_set_center(sg_select_bands(img, ARRAY['g']), NULL, NULL),
	sg_select_bands(img, ARRAY['r']))) FROM stamps WHERE id = 2;

-- centre crop 6x4 → 4x2 keeps the centre pixel; values are the middle block
SELECT sg_to_array(sg_crop(img, 4, 2), 'g') FROM stamps WHERE id = 2;
SELECT sg_to_array(img, 'g') FROM stamps WHERE id = 2;
SELECT sg_width(sg_crop(img, 2)), sg_height(sg_crop(img, 2)), sg_ra(sg_crop(img, 2))
FROM stamps WHERE id = 2;

SELECT sg_ra(sg_set_center(img, 359.5, -10)), sg_dec(sg_set_center(img, 359.5, -10)),
	sg_ra(sg_set_center(img, NULL, NULL)) FROM stamps WHERE id = 1;
SELECT (sg_band_info(sg_set_band(img, 'r', name => 'r2', zeropoint => 30, noise_sigma => 0.5))).*
FROM stamps WHERE id = 2;

-- errors
SELECT sg_test_error($$SELECT sg_select_bands(img, ARRAY['u']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_select_bands(img, ARRAY['g', 'g']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_select_bands(img, ARRAY[]::text[]) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_merge(img, img) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_merge(a.img, b.img) FROM stamps a, stamps b WHERE a.id = 1 AND b.id = 3$$);
SELECT sg_test_error($$SELECT sg_merge(sg_set_center(sg_set_band(img, 'b1', name => 'x'), 10, 10),
	sg_set_center(img, 10, 10.001)) FROM stamps WHERE id = 1$$);
SELECT sg_test_error($$SELECT sg_merge(VARIADIC ARRAY[img, NULL]) FROM stamps WHERE id = 1$$);
SELECT sg_test_error($$SELECT sg_merge(VARIADIC (SELECT array_agg(sg_set_band(img, 'b1', name => 'b' || i))
	FROM generate_series(1, 17) i)) FROM stamps WHERE id = 1$$);
SELECT sg_test_error($$SELECT sg_crop(img, 3, 2) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_crop(img, 8) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_crop(img, 0) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_center(img, 10, NULL) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_center(img, -1, 0) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_band(img, 'u', zeropoint => 1) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_band(img, 'g', name => 'r') FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_band(img, 'g', psf_fwhm => -1) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_set_band(img, 'g', name => '') FROM stamps WHERE id = 2$$);
