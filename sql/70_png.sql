-- PNG previews: signature and header fields of what we write, and errors.
CREATE FUNCTION png_info(png bytea, OUT signature_ok boolean, OUT width int, OUT height int,
	OUT bit_depth int, OUT colour_type int) LANGUAGE sql AS $$
	SELECT substring(png FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea,
		('x' || encode(substring(png FROM 17 FOR 4), 'hex'))::bit(32)::int,
		('x' || encode(substring(png FROM 21 FOR 4), 'hex'))::bit(32)::int,
		get_byte(png, 24), get_byte(png, 25)
$$;
-- colour (type 2) from three bands, greyscale (type 0) from one
SELECT (png_info(sg_to_png(img))).* FROM stamps WHERE id = 2;
SELECT (png_info(sg_to_png(img, ARRAY['r']))).* FROM stamps WHERE id = 2;
SELECT (png_info(sg_to_png(img, ARRAY['i', 'r', 'g'], q => 3, stretch => 10, minimum => 0))).*
FROM stamps WHERE id = 2;
SELECT (png_info(sg_to_png(img))).* FROM stamps WHERE id IN (1, 3) ORDER BY id;
SELECT (png_info(sg_to_png(img, ARRAY['VIS']))).* FROM big;
-- errors
SELECT sg_test_error($$SELECT sg_to_png(img, ARRAY['g', 'r']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_to_png(img, ARRAY['g', 'r', 'u']) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_to_png(img, q => 0) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_to_png(img, stretch => -1) FROM stamps WHERE id = 2$$);
SELECT sg_test_error($$SELECT sg_to_png(sg_select_bands(img, ARRAY['g', 'r'])) FROM stamps WHERE id = 2$$);
