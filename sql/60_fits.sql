-- FITS in and out: exact round trips, multi-HDU files, and hostile files.

-- a FITS file from header cards and data bytes, padded to 2880-byte blocks
CREATE FUNCTION fits_hdu(cards text[], data bytea DEFAULT '') RETURNS bytea LANGUAGE sql AS $$
	SELECT convert_to(rpad(h, ((length(h) + 2879) / 2880) * 2880), 'SQL_ASCII') || data ||
		decode(repeat('00', (2880 - length(data) % 2880) % 2880), 'hex')
	FROM (SELECT string_agg(rpad(c, 80), '' ORDER BY o) || rpad('END', 80) AS h
		  FROM unnest(cards) WITH ORDINALITY u(c, o)) s
$$;

-- our output starts like every FITS file and reads back bit for bit
SELECT convert_from(substring(sg_to_fits(img) FROM 1 FOR 30), 'SQL_ASCII') FROM stamps WHERE id = 2;
SELECT id, length(sg_to_fits(img)) % 2880 AS block_padding, sg_from_fits(sg_to_fits(img)) = img AS fits_round_trip
FROM stamps ORDER BY id;
SELECT sg_from_fits(sg_to_fits(img)) = img AS big_round_trip FROM big;
-- callers may name the bands
SELECT sg_bands(sg_from_fits(sg_to_fits(img), ARRAY['u', 'v', 'w'])) FROM stamps WHERE id = 2;

-- a plain 2x2 image without WCS: needs a pixel scale from the caller
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    2',
	'NAXIS1  =                    2', 'NAXIS2  =                    2'],
	'\x3f800000400000004040000040800000'))$$);
SELECT sg_to_array(s), sg_pixel_scale(s), sg_bands(s), sg_ra(s)
FROM sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    2',
	'NAXIS1  =                    2', 'NAXIS2  =                    2', 'FILTER  = ''HSC-I   ''',
	'MAGZP   =                 27.0'],
	'\x3f800000400000004040000040800000'), pixel_scale => 0.168) s;

-- 16-bit integers with BSCALE/BZERO are scaled
SELECT sg_to_array(sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                   16', 'NAXIS   =                    2',
	'NAXIS1  =                    3', 'NAXIS2  =                    1',
	'BSCALE  =                  0.5', 'BZERO   =                100.0'],
	'\x0000fffe0064'), pixel_scale => 1));

-- several single-band HDUs merge into one multi-band stamp, names from BAND
SELECT sg_bands(s), sg_to_array(s) FROM sg_from_fits(
	fits_hdu(ARRAY['SIMPLE  =                    T', 'BITPIX  =                    8',
		'NAXIS   =                    0', 'EXTEND  =                    T']) ||
	fits_hdu(ARRAY['XTENSION= ''IMAGE   ''', 'BITPIX  =                  -32',
		'NAXIS   =                    2', 'NAXIS1  =                    1', 'NAXIS2  =                    1',
		'PCOUNT  =                    0', 'GCOUNT  =                    1', 'BAND    = ''g       '''],
		'\x3f800000') ||
	fits_hdu(ARRAY['XTENSION= ''IMAGE   ''', 'BITPIX  =                  -32',
		'NAXIS   =                    2', 'NAXIS1  =                    1', 'NAXIS2  =                    1',
		'PCOUNT  =                    0', 'GCOUNT  =                    1', 'BAND    = ''r       '''],
		'\x40000000'), pixel_scale => 0.2) s;

-- corrupt and hostile files
SELECT sg_test_error($$SELECT sg_from_fits('\x00ff'::bytea, pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(''::bytea, pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(convert_to(repeat('garbage ', 400), 'SQL_ASCII'), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(substring(sg_to_fits(img) FROM 1 FOR 3000)) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_from_fits(substring(sg_to_fits(img) FROM 1 FOR 2000)) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_from_fits(sg_to_fits(img), ARRAY['a', 'b']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_from_fits(sg_to_fits(img), ARRAY['a', 'a', 'b']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    2',
	'NAXIS1  =            100000000', 'NAXIS2  =                    1']), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    3',
	'NAXIS1  =                    1', 'NAXIS2  =                    1', 'NAXIS3  =                   17'],
	decode(repeat('00', 68), 'hex')), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                    7', 'NAXIS   =                    2',
	'NAXIS1  =                    1', 'NAXIS2  =                    1'], '\x00'), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                  999'], '\x00'), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    0']), pixel_scale => 1)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    2',
	'NAXIS1  =                    1', 'NAXIS2  =                    1'], '\x7f800000'), pixel_scale => 1)$$);
-- HDUs of different sizes cannot form one stamp
SELECT sg_test_error($$SELECT sg_from_fits(
	fits_hdu(ARRAY['SIMPLE  =                    T', 'BITPIX  =                  -32',
		'NAXIS   =                    2', 'NAXIS1  =                    1', 'NAXIS2  =                    1',
		'EXTEND  =                    T'], '\x3f800000') ||
	fits_hdu(ARRAY['XTENSION= ''IMAGE   ''', 'BITPIX  =                  -32',
		'NAXIS   =                    2', 'NAXIS1  =                    2', 'NAXIS2  =                    1',
		'PCOUNT  =                    0', 'GCOUNT  =                    1'],
		'\x3f8000003f800000'), pixel_scale => 0.2)$$);
SELECT sg_test_error($$SELECT sg_from_fits(fits_hdu(ARRAY['SIMPLE  =                    T',
	'BITPIX  =                  -32', 'NAXIS   =                    2',
	'NAXIS1  =                    1', 'NAXIS2  =                    1'], '\x3f800000'), pixel_scale => -1)$$);
