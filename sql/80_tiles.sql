-- Cutouts from survey tile files on the server, and every way to be refused.
-- /tmp/sglens_regress is prepared by test/scripts/prepare_regress_files.sh.

-- a 1001 x 801 tile at 0.2"/pixel centred on (150, 2); pixel (x, y) holds x + 1000 y
CREATE TABLE tile AS
SELECT sgimage((SELECT array_agg(r ORDER BY y) FROM (
		SELECT y, array_agg((x + 1000 * y)::float4 ORDER BY x) AS r
		FROM generate_series(0, 800) y, generate_series(0, 1000) x GROUP BY y) s),
	0.2, ARRAY['r'], 150.0, 2.0, ARRAY[27.0]) AS img;
SELECT write_server_file(sg_to_fits(img), path) FROM tile,
	unnest(ARRAY['/tmp/sglens_regress/allowed/tile.fits', '/tmp/sglens_regress/outside/tile.fits',
		'/tmp/sglens_regress/allowed_evil/tile.fits']) path;

-- denied by default
SHOW sglens.tile_directories;
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 21)$$);

SET sglens.tile_directories = '/tmp/sglens_regress/allowed';
-- the centre pixel (500, 400) of the tile is the centre of the cutout
SELECT sg_width(c), sg_height(c), sg_bands(c), sg_pixel_scale(c), sg_zeropoint(c, 'r'),
	round(sg_ra(c)::numeric, 9) AS ra, round(sg_dec(c)::numeric, 9) AS dec,
	(sg_to_array(c))[1][11][11] AS centre_value
FROM sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 21) c;
-- the cutout equals the tile's section, pixel for pixel
SELECT sg_to_array(sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 21, 'r')) =
	sg_to_array(sg_crop(img, 21)) AS same_as_section FROM tile;
-- 10 pixels north is y + 10; 10 pixels east (larger ra) is x - 10
SELECT (sg_to_array(sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2 + 2.0 / 3600, 5)))[1][3][3] AS north,
	(sg_to_array(sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150 + 2.0 / 3600 / cosd(2), 2, 5)))[1][3][3] AS east;
-- near the edge: rows outside the tile are masked (NaN)
SELECT count(*) FILTER (WHERE v = 'NaN') AS masked, count(*) AS total
FROM unnest(sg_to_array(sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2 - 395 * 0.2 / 3600, 21))) v;
-- entirely outside the tile
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 3, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 0)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 21, hdu => 5)$$);

-- refusals: relative paths, "..", symlinks to files and directories outside,
-- a directory whose name only starts like an allowed one, non-regular files
SELECT sg_test_error($$SELECT sg_cutout('tile.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/../outside/tile.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/escape.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/dirlink/tile.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed_evil/tile.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/sub', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/fifo.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/missing.fits', 150, 2, 21)$$);
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/notfits.fits', 150, 2, 21)$$);
-- "." and "//" components are harmless
SELECT sg_width(sg_cutout('/tmp/sglens_regress/allowed/./sub/..//tile.fits', 150, 2, 7));

-- the setting takes absolute paths only, and only superusers may change it
SELECT sg_test_error($$SET sglens.tile_directories = 'relative/dir'$$);
CREATE ROLE regress_sglens_user;
GRANT SELECT ON tile TO regress_sglens_user;
SET ROLE regress_sglens_user;
SELECT sg_test_error($$SET sglens.tile_directories = '/'$$);
-- an ordinary user may read tiles where the superuser allowed it
SELECT sg_width(sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 9));
RESET ROLE;
DROP OWNED BY regress_sglens_user;
DROP ROLE regress_sglens_user;
RESET sglens.tile_directories;
SELECT sg_test_error($$SELECT sg_cutout('/tmp/sglens_regress/allowed/tile.fits', 150, 2, 21)$$);
