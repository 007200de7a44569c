-- Building stamps from arrays and extracting them again.
SELECT sg_to_array(sgimage('{{1,2,3},{4,5,6}}'::float4[], 0.2));
SELECT sg_to_array(img, 'r') FROM stamps WHERE id = 2;
-- array → stamp → array is exact, including NULL → NaN (masked)
SELECT sg_to_array(sgimage(a, 0.2)) = ARRAY[a] AS exact
FROM (VALUES ('{{0.1,-2.5e-30,3.4e38},{1e-45,0,-0}}'::float4[])) v(a);
SELECT sg_to_array(sgimage('{{1,NULL},{NULL,4}}'::float4[], 0.2));
-- stamp → array → stamp is exact
SELECT sgimage(sg_to_array(img), sg_pixel_scale(img), sg_bands(img), sg_ra(img), sg_dec(img),
	ARRAY[sg_zeropoint(img, 'g'), sg_zeropoint(img, 'r'), sg_zeropoint(img, 'i')],
	ARRAY[sg_psf_fwhm(img, 'g'), sg_psf_fwhm(img, 'r'), sg_psf_fwhm(img, 'i')],
	ARRAY[sg_noise(img, 'g'), sg_noise(img, 'r'), sg_noise(img, 'i')]) = img AS exact
FROM stamps WHERE id = 2;
SELECT sg_bands(sgimage(array_fill(0::float4, ARRAY[3, 2, 2]), 0.2));
SELECT sgimage(NULL, 0.2) IS NULL AS null_pixels_null_stamp;

-- bad arrays and metadata
SELECT sg_test_error($$SELECT sgimage('{1,2,3}'::float4[], 0.2)$$);
SELECT sg_test_error($$SELECT sgimage(array_fill(0::float4, ARRAY[1,1,1,1]), 0.2)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], NULL)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], -0.2)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,Infinity},{3,4}}'::float4[], 0.2)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,-Infinity}}'::float4[], 0.2)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, ARRAY['g','r'])$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, ARRAY[NULL::text])$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, ARRAY['g band'])$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, ra => 10)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, ra => 400, "dec" => 0)$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, zeropoint => ARRAY[1,2])$$);
SELECT sg_test_error($$SELECT sgimage('{{1,2},{3,4}}'::float4[], 0.2, psf_fwhm => ARRAY[0])$$);
SELECT sg_test_error($$SELECT sgimage(array_fill(0::float4, ARRAY[17, 1, 1]), 0.2)$$);
SELECT sg_test_error($$SELECT sgimage(array_fill(0::float4, ARRAY[1, 9000]), 0.2)$$);
SELECT sg_test_error($$SELECT sg_to_array(img, 'z') FROM stamps WHERE id = 2$$);
