-- Survey tiles on the sky: tile footprints from their WCS, the sglens_tile
-- registry with its GiST index, and one query that finds each catalogue
-- object's tiles, cuts its stamp on the fly and scores it.  Tiles are written
-- to /tmp/sglens_regress/allowed (test/scripts/prepare_regress_files.sh).

-- a FITS file of 8-bit zeros from header cards, to test headers sg_to_fits never writes
CREATE FUNCTION fp_fits(nx int, ny int, cards text[]) RETURNS bytea LANGUAGE sql AS $$
	SELECT convert_to(rpad(h, ((length(h) + 2879) / 2880) * 2880), 'SQL_ASCII')
		|| decode(repeat('00', ((nx * ny + 2879) / 2880) * 2880), 'hex')
	FROM (SELECT string_agg(rpad(c, 80), '' ORDER BY i) AS h
		FROM unnest(ARRAY['SIMPLE  =                    T', 'BITPIX  =                    8',
			'NAXIS   =                    2', format('NAXIS1  = %20s', nx), format('NAXIS2  = %20s', ny)]
			|| cards || ARRAY['END']) WITH ORDINALITY AS u(c, i)) s
$$;
-- independent deprojections: the sky position of offsets (u, v) in arcsec
-- along a tile's pixel axes (x, y) from its reference point (ra0, dec0), for
-- a tile rotated by rot degrees (east of north) in a TAN (gnomonic) or SIN
-- (orthographic) projection; c is the angle from the reference point
CREATE FUNCTION fp_deproject(u float8, v float8, ra0 float8, dec0 float8, rot float8, proj text,
	OUT ra float8, OUT "dec" float8) LANGUAGE sql IMMUTABLE AS $$
	SELECT r - 360 * floor(r / 360), d
	FROM (SELECT radians((-cosd(rot) * u + sind(rot) * v) / 3600) AS x,
			radians((sind(rot) * u + cosd(rot) * v) / 3600) AS y) i,
		LATERAL (SELECT sqrt(x * x + y * y) AS rho) p,
		LATERAL (SELECT CASE proj WHEN 'TAN' THEN atan(rho) ELSE asin(rho) END AS c) n,
		LATERAL (SELECT ra0 + degrees(atan2(x * sin(c), rho * cosd(dec0) * cos(c) - y * sind(dec0) * sin(c))) AS r,
			degrees(asin(cos(c) * sind(dec0) + y * sin(c) * cosd(dec0) / rho)) AS d) s
$$;

SET sglens.tile_directories = '/tmp/sglens_regress/allowed';

-- two simulated LSST g,r,i fields of 201 x 201 pixels (0.2"/pixel: 40.2" across)
CREATE TABLE fp_field AS
SELECT id, image FROM simulate_lens_sample(2, 'LSST', 8282, bands => ARRAY['g', 'r', 'i'], size => 201,
	supersampling => 1);
-- tiles, one band per file: A at (150, 2); B 30" east of A (they overlap by
-- 10"); C across ra = 0; D (g only) across ra = 180; E (r only) over the
-- north pole, whose centre is 18" from the pole
CREATE TABLE fp_tile (name text PRIMARY KEY, field int, ra float8, "dec" float8, bands text[],
	rot float8 DEFAULT 0, proj text DEFAULT 'TAN');
INSERT INTO fp_tile VALUES
	('a', 1, 150.0, 2.0, '{g,r,i}'),
	('b', 2, 150.0 + 30 / 3600.0 / cosd(2), 2.0, '{g,r,i}'),
	('c', 2, 0.001, -5.0, '{g,r,i}'),
	('d', 1, 180.0, 10.0, '{g}'),
	('e', 2, 0.0, 89.995, '{r}');
SELECT count(write_server_file(sg_to_fits(sg_set_center(sg_select_bands(f.image, ARRAY[b]), t.ra, t."dec")),
		format('/tmp/sglens_regress/allowed/fp_%s_%s.fits', t.name, b))) AS tiles_written
FROM fp_tile t JOIN fp_field f ON f.id = t.field, unnest(t.bands) b;
-- and two headers sg_to_fits never writes: a TAN tile rotated by 30 degrees
-- (CD matrix), and a SIN tile (CDELT); 201 x 201 pixels of 0.2" too
INSERT INTO fp_tile VALUES ('rot', NULL, 45.0, -30.0, '{z}', 30, 'TAN'), ('sin', NULL, 300.0, 60.0, '{y}', 0, 'SIN');
SELECT write_server_file(fp_fits(201, 201, ARRAY[
	'CTYPE1  = ''RA---TAN''', 'CTYPE2  = ''DEC--TAN''', 'CRVAL1  =                 45.0', 'CRVAL2  =                -30.0',
	'CRPIX1  =                101.0', 'CRPIX2  =                101.0',
	format('CD1_1   = %20s', -0.2 / 3600 * cosd(30)), format('CD1_2   = %20s', 0.2 / 3600 * sind(30)),
	format('CD2_1   = %20s', 0.2 / 3600 * sind(30)), format('CD2_2   = %20s', 0.2 / 3600 * cosd(30)),
	'FILTER  = ''z DECam''']), '/tmp/sglens_regress/allowed/fp_rot_z.fits');
SELECT write_server_file(fp_fits(201, 201, ARRAY[
	'CTYPE1  = ''RA---SIN''', 'CTYPE2  = ''DEC--SIN''', 'CRVAL1  =                300.0', 'CRVAL2  =                 60.0',
	'CRPIX1  =                101.0', 'CRPIX2  =                101.0',
	format('CDELT1  = %20s', -0.2 / 3600), format('CDELT2  = %20s', 0.2 / 3600), 'BAND    = ''y''']),
	'/tmp/sglens_regress/allowed/fp_sin_y.fits');

-- a tile's header: HDU, size, band, pixel scale, centre and the outer pixel edge
SELECT image_hdu, width, height, band, pixel_scale, round(center_ra::numeric, 9) AS center_ra,
	round(center_dec::numeric, 9) AS center_dec, cardinality(outline_ra) AS vertices,
	(SELECT array_agg(round(v::numeric, 6)) FROM unnest(outline_ra) v) AS outline_ra,
	(SELECT array_agg(round(v::numeric, 6)) FROM unnest(outline_dec) v) AS outline_dec
FROM sg_tile_info('/tmp/sglens_regress/allowed/fp_a_g.fits');
-- footprints across ra = 0 and ra = 180 and over the pole are small polygons
-- (longitude = ra mapped to [-180, 180)) of 201 x 201 x 0.2" squared; a TAN
-- tile's edges are great circles (4 vertices), a SIN tile's are sampled (16
-- vertices per edge; PostGIS's spherical area is NaN for its almost collinear
-- vertices, the next test checks it)
SELECT t.name, i.band, i.pixel_scale, cardinality(i.outline_ra) AS vertices,
	CASE WHEN t.proj = 'TAN' THEN ST_AsText(sg_tile_footprint(p), 6) END AS footprint,
	CASE WHEN t.proj = 'TAN' THEN round((ST_Area(sg_tile_footprint(p), false) / 30.887522148508776 ^ 2)::numeric, 2)
	END AS area_arcsec2
FROM fp_tile t, format('/tmp/sglens_regress/allowed/fp_%s_%s.fits', t.name, t.bands[1]) p, sg_tile_info(p) i
ORDER BY t.name;

-- the footprint is exactly the tile: 2000 random positions in a 60" box
-- around each tile, inside exactly when their offsets along the tile's axes
-- are within 100.5 pixels (20.1") of its centre
SELECT setseed(0.82);
SELECT t.name, count(*) AS positions, count(*) FILTER (WHERE inside) AS inside,
	count(*) FILTER (WHERE inside = ST_Covers(fp, sg_sky(p.ra, p."dec"))) AS agree
FROM fp_tile t
	CROSS JOIN LATERAL (SELECT sg_tile_footprint(format('/tmp/sglens_regress/allowed/fp_%s_%s.fits',
		t.name, t.bands[1])) AS fp) f
	CROSS JOIN LATERAL (SELECT abs(u) <= 20.1 AND abs(v) <= 20.1 AS inside, d.*
		FROM (SELECT random() * 60 - 30 AS u, random() * 60 - 30 AS v, t.name AS n
			FROM generate_series(1, 2000)) r, fp_deproject(u, v, t.ra, t."dec", t.rot, t.proj) d) p
GROUP BY t.name ORDER BY t.name;

-- the registry: every tile file, its band read from the header
SELECT count(*) AS registered
FROM fp_tile t, unnest(t.bands) b,
	sg_register_tile(format('/tmp/sglens_regress/allowed/fp_%s_%s.fits', t.name, b)) r;
-- registering again refreshes the row (naming the band overrides the header)
SELECT (sg_register_tile('/tmp/sglens_regress/allowed/fp_rot_z.fits', band => 'Y')).band AS named_band;
SELECT band, count(*) AS rows FROM sglens_tile WHERE path LIKE '%/fp_rot_z.fits' GROUP BY band;
SELECT regexp_replace(path, '.*/', '') AS file, hdu, band, width, height, pixel_scale,
	round(sg_ra(center)::numeric, 6) AS center_ra, round(sg_dec(center)::numeric, 6) AS center_dec
FROM sglens_tile ORDER BY path;

-- a catalogue: positions in A only, in the A/B overlap (nearer B, nearer A),
-- in C on both sides of ra = 0 and just outside it, in D on both sides of
-- ra = 180, at and around the north pole in E, and nowhere
CREATE TABLE fp_objects (object_id int PRIMARY KEY, ra float8, "dec" float8,
	pos geography GENERATED ALWAYS AS (sg_sky(ra, "dec")) STORED);
INSERT INTO fp_objects VALUES
	(1, 150.0, 2.0), (2, 150.0 + 18 / 3600.0 / cosd(2), 2.0), (3, 150.0 + 12 / 3600.0 / cosd(2), 2.0),
	(4, 0.001, -5.0), (5, 359.999, -5.0), (6, 0.0065, -5.0), (7, 0.0075, -5.0),
	(8, 179.999, 10.0), (9, 180.001, 10.0),
	(10, 0.0, 90.0), (11, 180.0, 89.9995), (12, 180.0, 89.999), (13, 90.0, 89.999),
	(14, 10.0, 10.0);
CREATE INDEX ON fp_objects USING gist (pos);
ANALYZE fp_objects;
ANALYZE sglens_tile;

-- which tiles cover each object
SELECT o.object_id, string_agg(regexp_replace(t.path, '.*/fp_|\.fits', '', 'g'), ' ' ORDER BY t.path) AS tiles
FROM fp_objects o LEFT JOIN sglens_tile t ON ST_Covers(t.footprint, o.pos)
GROUP BY o.object_id ORDER BY o.object_id;

-- the lookup uses the GiST index of the registry
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT o.object_id, s.stamp
FROM fp_objects o
CROSS JOIN LATERAL (
	SELECT sg_merge(VARIADIC array_agg(sg_cutout(t.path, o.ra, o."dec", 48, t.band, t.hdu) ORDER BY t.band)) AS stamp
	FROM (SELECT DISTINCT ON (x.band) x.path, x.band, x.hdu FROM sglens_tile x
		  WHERE ST_Covers(x.footprint, o.pos) AND x.band IN ('g', 'r', 'i')
		  ORDER BY x.band, sg_separation(x.center, o.pos)) t
	HAVING count(*) = 3) s;
RESET enable_seqscan;

-- ONE query: each object's g, r, i tiles (the one with the nearest centre
-- where tiles overlap), its stamp cut on the fly, and its lens score
CREATE TABLE fp_scored AS
SELECT o.object_id, s.stamp, lens_score(s.stamp) AS score
FROM fp_objects o
CROSS JOIN LATERAL (
	SELECT sg_merge(VARIADIC array_agg(sg_cutout(t.path, o.ra, o."dec", 48, t.band, t.hdu) ORDER BY t.band)) AS stamp
	FROM (SELECT DISTINCT ON (x.band) x.path, x.band, x.hdu FROM sglens_tile x
		  WHERE ST_Covers(x.footprint, o.pos) AND x.band IN ('g', 'r', 'i')
		  ORDER BY x.band, sg_separation(x.center, o.pos)) t
	HAVING count(*) = 3) s;
-- the stamps are the cutouts of the expected tiles (A, B, A, C, C, C), in
-- band order, and the scores are probabilities
SELECT s.object_id, e.tile, sg_bands(s.stamp) AS bands, sg_width(s.stamp) AS width,
	s.stamp = sg_merge(sg_cutout(format('/tmp/sglens_regress/allowed/fp_%s_g.fits', e.tile), o.ra, o."dec", 48),
		sg_cutout(format('/tmp/sglens_regress/allowed/fp_%s_i.fits', e.tile), o.ra, o."dec", 48),
		sg_cutout(format('/tmp/sglens_regress/allowed/fp_%s_r.fits', e.tile), o.ra, o."dec", 48)) AS expected_stamp,
	s.score BETWEEN 0 AND 1 AS probability
FROM fp_scored s JOIN fp_objects o USING (object_id)
	LEFT JOIN (VALUES (1, 'a'), (2, 'b'), (3, 'a'), (4, 'c'), (5, 'c'), (6, 'c')) e(object_id, tile) USING (object_id)
ORDER BY s.object_id;
-- the centre object's stamp holds tile A's pixels: tile rows and columns
-- 78..125 around its centre pixel 101
SELECT sg_to_array(sg_select_bands(s.stamp, ARRAY[b])) =
	(sg_to_array(sg_select_bands(f.image, ARRAY[b])))[1:1][78:125][78:125] AS same_pixels, b AS band
FROM fp_scored s, fp_field f, unnest(ARRAY['g', 'r', 'i']) b WHERE s.object_id = 1 AND f.id = 1 ORDER BY b;
-- the shorthand sg_tile_stamp() gives the same stamps (and NULL where a band has no tile)
SELECT o.object_id, sg_bands(sg_tile_stamp(o.ra, o."dec", 48, ARRAY['r', 'g', 'i'])) AS bands,
	sg_select_bands(sg_tile_stamp(o.ra, o."dec", 48, ARRAY['r', 'g', 'i']), ARRAY['g', 'i', 'r'])
		IS NOT DISTINCT FROM s.stamp AS same_stamp,
	lens_score(sg_tile_stamp(o.ra, o."dec", 48, ARRAY['g', 'r', 'i'])) IS NOT DISTINCT FROM s.score AS same_score
FROM fp_objects o LEFT JOIN fp_scored s USING (object_id) ORDER BY o.object_id;
-- all bands there: D has g only, E has r only
SELECT o.object_id, sg_bands(sg_tile_stamp(o.ra, o."dec", 9)) AS bands
FROM fp_objects o WHERE o.object_id IN (8, 9, 10, 11, 12, 13, 14) ORDER BY o.object_id;

-- an ordinary user can read the registry and cut stamps, not register tiles
CREATE ROLE regress_fp_user;
GRANT SELECT ON fp_objects TO regress_fp_user;
SET ROLE regress_fp_user;
SELECT count(*) AS tiles_visible FROM sglens_tile;
SELECT sg_bands(sg_tile_stamp(150.0, 2.0, 9)) AS bands;
SELECT sg_test_error($$SELECT sg_register_tile('/tmp/sglens_regress/allowed/fp_a_g.fits')$$);
RESET ROLE;
DROP OWNED BY regress_fp_user;
DROP ROLE regress_fp_user;

-- errors: headers without a celestial WCS or a band, tiles too large, bad HDUs
SELECT write_server_file(fp_fits(20, 20, ARRAY[
	'CTYPE1  = ''RA---TAN''', 'CTYPE2  = ''DEC--TAN''', 'CRVAL1  =                 10.0', 'CRVAL2  =                  0.0',
	'CRPIX1  =                 10.5', 'CRPIX2  =                 10.5',
	'CD1_1   =              -0.0001', 'CD2_2   =               0.0001']), '/tmp/sglens_regress/allowed/fp_noband.fits');
SELECT write_server_file(fp_fits(200, 200, ARRAY[
	'CTYPE1  = ''RA---TAN''', 'CTYPE2  = ''DEC--TAN''', 'CRVAL1  =                 10.0', 'CRVAL2  =                  0.0',
	'CRPIX1  =                100.5', 'CRPIX2  =                100.5',
	'CD1_1   =                 -1.0', 'CD2_2   =                  1.0', 'BAND    = ''r''']), '/tmp/sglens_regress/allowed/fp_huge.fits');
SELECT write_server_file(sg_to_fits(sgimage(array_fill(1::float4, ARRAY[5, 5]), 0.2, ARRAY['g'])),
	'/tmp/sglens_regress/allowed/fp_nowcs.fits');
SELECT sg_test_error($$SELECT sg_register_tile('/tmp/sglens_regress/allowed/fp_noband.fits')$$);
SELECT (sg_register_tile('/tmp/sglens_regress/allowed/fp_noband.fits', 'z')).band AS named_band;
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/fp_huge.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/fp_nowcs.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/fp_a_g.fits', 2)$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/fp_a_g.fits', -1)$$);
SELECT sg_test_error($$SELECT sg_register_tile(NULL)$$);
SELECT sg_tile_info(NULL) IS NULL AS null_path, sg_tile_footprint(NULL) IS NULL AS null_footprint,
	sg_tile_stamp(NULL, 2, 9) IS NULL AS null_position;
-- the access rules of sg_cutout apply: relative paths, paths outside the
-- allowed directories, missing, non-FITS and non-regular files
SELECT sg_test_error($$SELECT sg_tile_info('fp_a_g.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/../outside/tile.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed_evil/fp_a_g.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/missing.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/notfits.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_info('/tmp/sglens_regress/allowed/sub')$$);
RESET sglens.tile_directories;
SELECT sg_test_error($$SELECT sg_tile_footprint('/tmp/sglens_regress/allowed/fp_a_g.fits')$$);
SELECT sg_test_error($$SELECT sg_tile_stamp(150.0, 2.0, 9)$$);

DELETE FROM sglens_tile;
DROP TABLE fp_scored, fp_objects, fp_tile, fp_field;
DROP FUNCTION fp_fits(int, int, text[]), fp_deproject(float8, float8, float8, float8);
