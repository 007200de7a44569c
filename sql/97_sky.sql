-- Sky positions on PostGIS: sg_sky, sg_ra/sg_dec, sg_separation, sg_within.
-- Distances are checked against the haversine formula written here in SQL,
-- cone searches against brute force, and index use with EXPLAIN.

-- haversine separation in arcsec, independent of sglens (degrees in)
CREATE FUNCTION hav_arcsec(ra1 float8, dec1 float8, ra2 float8, dec2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT 2 * asin(least(1, sqrt(sin(radians(dec2 - dec1) / 2) ^ 2
		+ cos(radians(dec1)) * cos(radians(dec2)) * sin(radians(ra2 - ra1) / 2) ^ 2))) * 648000 / pi()
$$;
-- the reference: haversine loses precision near 180 degrees (asin near 1),
-- so beyond 90 degrees take 180 degrees minus the haversine distance to the
-- antipode of the second point
CREATE FUNCTION ref_arcsec(ra1 float8, dec1 float8, ra2 float8, dec2 float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN hav_arcsec(ra1, dec1, ra2, dec2) <= 324000 THEN hav_arcsec(ra1, dec1, ra2, dec2)
		ELSE 648000 - hav_arcsec(ra1, dec1, ra2 + 180, -dec2) END
$$;
-- ra in [-180, 180) (exact): haversine's ra2 - ra1 then keeps tiny
-- differences across ra = 0 exact, as sg_separation does
CREATE FUNCTION centred(ra float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN ra >= 180 THEN ra - 360 ELSE ra END
$$;

-- positions: longitude = ra mapped to [-180, 180), latitude = dec; back exactly
SELECT ST_AsText(sg_sky(0, 0)) AS origin, ST_AsText(sg_sky(180, 45)) AS ra180,
	ST_AsText(sg_sky(270.5, -90)) AS south_pole, ST_SRID(sg_sky(1, 2)) AS srid;
SELECT sg_ra(sg_sky(359.99999999999994, 89.9)) AS ra_max, sg_dec(sg_sky(359.99999999999994, 89.9)) AS "dec",
	sg_ra(sg_sky(180, 0)) AS ra180, sg_ra(sg_sky(0, -90)) AS ra0;
-- geographies made elsewhere: any longitude comes back as ra in [0, 360)
SELECT sg_ra('SRID=4326;POINT(-90 10)'::geography) AS lon_m90, sg_ra('SRID=4326;POINT(-180 10)'::geography) AS lon_m180,
	sg_ra('SRID=4326;POINT(-1e-20 10)'::geography) AS tiny_negative, sg_ra('SRID=4326;POINT(-0.0 0)'::geography) AS minus_zero;
SELECT setseed(0.125);
SELECT count(*) AS n, count(*) FILTER (WHERE sg_ra(p) = ra AND sg_dec(p) = "dec") AS exact_round_trips
FROM (SELECT ra, "dec", sg_sky(ra, "dec") AS p
	FROM (SELECT random() * 360 AS ra, random() * 180 - 90 AS "dec" FROM generate_series(1, 5000)) r) s;
-- the centre of a stamp (NULL when unknown)
SELECT id, ST_AsText(sg_sky(img)) AS centre FROM stamps ORDER BY id;

-- range errors
SELECT sg_test_error('SELECT sg_sky(360, 0)');
SELECT sg_test_error('SELECT sg_sky(-0.001, 0)');
SELECT sg_test_error($$SELECT sg_sky('NaN', 0)$$);
SELECT sg_test_error($$SELECT sg_sky('Infinity', 0)$$);
SELECT sg_test_error('SELECT sg_sky(10, 90.000001)');
SELECT sg_test_error('SELECT sg_sky(10, -91)');
SELECT sg_test_error($$SELECT sg_sky(10, 'NaN')$$);
SELECT sg_test_error('SELECT sg_separation(0, 0, 0, 95)');
SELECT sg_test_error($$SELECT sg_separation('Infinity', 0, 0, 0)$$);
SELECT sg_sky(NULL, 1) IS NULL AS null_in_null_out, sg_separation(sg_sky(1, 1), NULL) IS NULL AS null_separation;

-- fixed separations: exact values and the haversine formula agree
CREATE TABLE sky_pairs (label text, ra1 float8, dec1 float8, ra2 float8, dec2 float8, exact float8);
INSERT INTO sky_pairs VALUES
	('1 degree along dec', 10, 20, 10, 21, 3600),
	('1 degree across ra = 0', 359.5, 0, 0.5, 0, 3600),
	('1 degree across ra = 180', 179.5, 0, 180.5, 0, 3600),
	('over the north pole', 0, 89.5, 180, 89.5, 3600),
	('over the south pole', 90, -89.75, 270, -89.75, 1800),
	('same pole, any ra', 10, -90, 200, -90, 0),
	('same point', 123.456, -45.678, 123.456, -45.678, 0),
	('1 mas along dec', 30, -10, 30, -10 + 1 / 3600000.0, NULL),
	('1 mas across ra = 0', 360 - 0.5 / 3600000.0, 0, 0.5 / 3600000.0, 0, NULL),
	('1 mas near the pole', 0, 90 - 0.5 / 3600000.0, 180, 90 - 0.5 / 3600000.0, NULL),
	('179.9 degrees', 0, 0, 179.9, 0, 647640),
	('179.9 degrees diagonal', 350, 45, 170, -44.9, 647640),
	('antipodes on the equator', 0, 0, 180, 0, 648000),
	('pole to pole', 0, 90, 0, -90, 648000),
	('quarter circle', 0, 0, 90, 0, 324000);
SELECT label, round(sg_separation(ra1, dec1, ra2, dec2)::numeric, 8) AS sep_arcsec,
	exact IS NULL OR abs(sg_separation(ra1, dec1, ra2, dec2) - exact) < 1e-9 AS matches_exact,
	abs(sg_separation(ra1, dec1, ra2, dec2) - ref_arcsec(ra1, dec1, ra2, dec2)) < 1e-8 AS matches_haversine,
	sg_separation(ra1, dec1, ra2, dec2) = sg_separation(ra2, dec2, ra1, dec1) AS symmetric,
	sg_separation(ra1, dec1, ra2, dec2) = sg_separation(sg_sky(ra1, dec1), sg_sky(ra2, dec2)) AS geography_form
FROM sky_pairs ORDER BY sg_separation(ra1, dec1, ra2, dec2), label;
-- tiny separations keep their relative precision
SELECT label, abs(sg_separation(ra1, dec1, ra2, dec2) / hav_arcsec(centred(ra1), dec1, centred(ra2), dec2) - 1) < 1e-9
	AS relative_1e9
FROM sky_pairs WHERE label LIKE '1 mas%' ORDER BY label;

-- random pairs (uniform on the sphere, across ra = 0, near the poles, tiny
-- and nearly antipodal): Vincenty against haversine (measured: at most
-- 1e-9 arcsec apart), and against PostGIS's
-- own spherical distance (ST_Distance with use_spheroid = false, in metres
-- on a sphere of 6371008.771415059 m, i.e. 30.887522148508776 m per arcsec;
-- measured: at most 5e-10 arcsec apart), which sg_within relies on
SELECT setseed(0.25);
CREATE TABLE sky_random AS
SELECT 'uniform' AS kind, random() * 360 AS ra1, degrees(asin(2 * random() - 1)) AS dec1,
	random() * 360 AS ra2, degrees(asin(2 * random() - 1)) AS dec2 FROM generate_series(1, 5000)
UNION ALL
SELECT 'across ra = 0', 360 - random() * 0.01, random() * 170 - 85, random() * 0.01, random() * 170 - 85
FROM generate_series(1, 2000)
UNION ALL
SELECT 'north pole', random() * 360, 90 - random() * 0.01, random() * 360, 90 - random() * 0.01
FROM generate_series(1, 2000)
UNION ALL
SELECT 'south pole', random() * 360, random() * 0.01 - 90, random() * 360, random() * 0.01 - 90
FROM generate_series(1, 2000)
UNION ALL
SELECT 'tiny', ra, d, ra + random() * 1e-6, d + random() * 1e-6
FROM (SELECT random() * 359 AS ra, random() * 178 - 89 AS d FROM generate_series(1, 2000)) t
UNION ALL
SELECT 'nearly antipodal', ra, d, ra + 180 - random() * 0.1, random() * 0.1 - d
FROM (SELECT random() * 179.9 AS ra, random() * 170 - 85 AS d FROM generate_series(1, 2000)) t;
SELECT kind, count(*) AS pairs,
	max(abs(sg_separation(ra1, dec1, ra2, dec2) - ref_arcsec(ra1, dec1, ra2, dec2))) < 1e-8 AS haversine_1e8_arcsec,
	max(abs(sg_separation(sg_sky(ra1, dec1), sg_sky(ra2, dec2))
		- ST_Distance(sg_sky(ra1, dec1), sg_sky(ra2, dec2), false) / 30.887522148508776)) < 1e-8 AS postgis_1e8_arcsec,
	bool_and(sg_separation(ra1, dec1, ra2, dec2) = sg_separation(sg_sky(ra1, dec1), sg_sky(ra2, dec2))) AS geography_form
FROM sky_random GROUP BY kind ORDER BY kind;
SELECT kind, max(abs(sg_separation(ra1, dec1, ra2, dec2) / hav_arcsec(ra1, dec1, ra2, dec2) - 1)) < 1e-9 AS relative_1e9
FROM sky_random WHERE kind = 'tiny' GROUP BY kind;

-- cone search: sg_within (through the GiST index) against brute force
SELECT setseed(0.5);
CREATE TABLE sky_objects (id int PRIMARY KEY, ra float8, "dec" float8, pos geography);
INSERT INTO sky_objects (id, ra, "dec")
SELECT i, random() * 360, degrees(asin(2 * random() - 1)) FROM generate_series(1, 1000) i
UNION ALL
SELECT 1000 + i, mod((random() * 10 + 355)::numeric, 360)::float8, random() * 10 + 5 FROM generate_series(1, 1000) i
UNION ALL
SELECT 2000 + i, random() * 360, 90 - random() * 8 FROM generate_series(1, 1000) i
UNION ALL
SELECT 3000 + i, random() * 360, random() * 5 - 90 FROM generate_series(1, 1000) i;
UPDATE sky_objects SET pos = sg_sky(ra, "dec");
CREATE INDEX sky_objects_pos ON sky_objects USING gist (pos);
ANALYZE sky_objects;
CREATE TABLE sky_cones (label text, ra float8, "dec" float8, radius float8);
INSERT INTO sky_cones VALUES
	('straddles ra = 0', 0.5, 10, 3 * 3600),
	('straddles ra = 0 from 359', 359, 8, 2.5 * 3600),
	('contains the north pole', 123, 88, 4 * 3600),
	('centred on the south pole', 0, -90, 2 * 3600),
	('contains the south pole', 300, -88.5, 3 * 3600),
	('ordinary', 150, -30, 15 * 3600),
	('wide', 40, 20, 100 * 3600),
	('radius zero on an object', 0, 0, 0);
UPDATE sky_cones SET ra = o.ra, "dec" = o."dec" FROM sky_objects o WHERE label = 'radius zero on an object' AND o.id = 1234;
-- the index path, forced: with 4000 rows a sequential scan could win on cost
SET enable_seqscan = off;
SELECT c.label,
	(SELECT count(*) FROM sky_objects o WHERE sg_within(o.pos, sg_sky(c.ra, c."dec"), c.radius)) AS indexed,
	(SELECT count(*) FROM sky_objects o WHERE hav_arcsec(o.ra, o."dec", c.ra, c."dec") <= c.radius) AS brute_force
FROM sky_cones c ORDER BY c.label;
EXPLAIN (COSTS OFF) SELECT id FROM sky_objects WHERE sg_within(pos, sg_sky(0.5, 10), 3 * 3600);
-- a prepared cone search keeps the index in its generic plan
PREPARE cone(float8, float8, float8) AS SELECT id FROM sky_objects WHERE sg_within(pos, sg_sky($1, $2), $3);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE cone(0.5, 10, 3 * 3600);
SELECT count(*) AS prepared_count FROM (SELECT 1 FROM sky_objects WHERE sg_within(pos, sg_sky(0.5, 10), 3 * 3600)) s;
RESET plan_cache_mode;
DEALLOCATE cone;
RESET enable_seqscan;
-- sg_within decides as the exact separation does
SELECT count(*) AS object_cone_pairs,
	count(*) FILTER (WHERE sg_within(o.pos, sg_sky(c.ra, c."dec"), c.radius)
		IS DISTINCT FROM (sg_separation(o.pos, sg_sky(c.ra, c."dec")) <= c.radius)) AS disagreements
FROM sky_objects o, sky_cones c;
-- the same counts without the index
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT c.label, (SELECT count(*) FROM sky_objects o WHERE sg_within(o.pos, sg_sky(c.ra, c."dec"), c.radius)) AS sequential
FROM sky_cones c ORDER BY c.label;
RESET enable_indexscan;
RESET enable_bitmapscan;

-- cross-match of lens candidates with a spectroscopic table, within 1 arcsec
SELECT setseed(0.75);
CREATE TABLE candidates (id int PRIMARY KEY, pos geography);
INSERT INTO candidates SELECT id, pos FROM sky_objects;
CREATE INDEX ON candidates USING gist (pos);
CREATE TABLE spec (spec_id int PRIMARY KEY, pos geography, z float8);
-- every 10th candidate has a spectrum 0.2 to 0.9 arcsec away, every 10th + 5
-- one 1.1 to 1.5 arcsec away (no match); offsets along dec, towards the equator
INSERT INTO spec
SELECT 100000 + id, sg_sky(sg_ra(pos), sg_dec(pos) + CASE WHEN sg_dec(pos) > 0 THEN -1 ELSE 1 END
		* (CASE WHEN id % 10 = 0 THEN 0.2 + 0.7 * random() ELSE 1.1 + 0.4 * random() END) / 3600),
	round((0.1 + random())::numeric, 4)
FROM candidates WHERE id % 5 = 0;
CREATE INDEX ON spec USING gist (pos);
ANALYZE candidates;
ANALYZE spec;
EXPLAIN (COSTS OFF)
SELECT c.id, s.spec_id, s.z, sg_separation(c.pos, s.pos) AS sep_arcsec
FROM candidates c JOIN spec s ON sg_within(c.pos, s.pos, 1.0);
SELECT count(*) AS matches, count(*) FILTER (WHERE c.id % 10 = 0 AND s.spec_id = 100000 + c.id) AS expected_pairs,
	max(sg_separation(c.pos, s.pos)) <= 1 AS all_within_1_arcsec
FROM candidates c JOIN spec s ON sg_within(c.pos, s.pos, 1.0);
SELECT count(*) AS brute_force
FROM candidates c, spec s WHERE hav_arcsec(sg_ra(c.pos), sg_dec(c.pos), sg_ra(s.pos), sg_dec(s.pos)) <= 1.0;
SELECT c.id, s.spec_id, s.z, round(sg_separation(c.pos, s.pos)::numeric, 6) AS sep_arcsec
FROM candidates c JOIN spec s ON sg_within(c.pos, s.pos, 1.0)
ORDER BY c.id LIMIT 5;

-- a cone around a stamp's centre (NULL when the stamp has none)
SELECT id, sg_within(sg_sky(img), sg_sky(150.25, 2.125 + 0.5 / 3600), 0.6) AS near_centre
FROM stamps WHERE id IN (1, 2) ORDER BY id;

DROP TABLE sky_pairs, sky_random, sky_objects, sky_cones, candidates, spec;
DROP FUNCTION ref_arcsec(float8, float8, float8, float8), hav_arcsec(float8, float8, float8, float8), centred(float8);
