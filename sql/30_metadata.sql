-- Metadata accessors (header only).
SELECT id, sg_width(img), sg_height(img), sg_nbands(img), sg_bands(img),
	sg_pixel_scale(img), sg_ra(img), sg_dec(img)
FROM stamps ORDER BY id;
SELECT (sg_band_info(img)).* FROM stamps WHERE id = 2;
SELECT sg_zeropoint(img, 'g'), sg_zeropoint(img, 'i'), sg_psf_fwhm(img, 'i'),
	sg_noise(img, 'r'), sg_noise(img, 'g')
FROM stamps WHERE id = 2;
SELECT sg_test_error($$SELECT sg_zeropoint(img, 'u') FROM stamps WHERE id = 2$$);
SELECT sg_width(NULL::sgimage) IS NULL AS strict_null;

-- a large stamp stored out of line (TOAST): accessors still answer
CREATE TABLE big (img sgimage);
INSERT INTO big SELECT sgimage(array_fill(0.5::float4, ARRAY[2, 1024, 1024]), 0.1,
	ARRAY['VIS', 'NISP-H'], 10.5, -30.25);
SELECT sg_width(img), sg_height(img), sg_bands(img), sg_ra(img), sg_dec(img),
	pg_column_size(img) FROM big;
-- the type is stored external (uncompressed, sliceable)
SELECT typstorage, typalign FROM pg_type WHERE typname = 'sgimage';
