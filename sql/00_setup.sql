-- Install sglens (PostGIS comes with CASCADE) and a helper that turns an
-- error into "SQLSTATE: message" so tests can show both.
CREATE EXTENSION sglens CASCADE;
SELECT extname FROM pg_extension WHERE extname IN ('sglens', 'postgis') ORDER BY 1;

CREATE FUNCTION sg_test_error(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN 'no error';
EXCEPTION WHEN others THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- write bytes to a file on the server (as the server's system user)
CREATE FUNCTION write_server_file(data bytea, path text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	o oid := lo_from_bytea(0, data);
BEGIN
	PERFORM lo_export(o, path);
	PERFORM lo_unlink(o);
END $$;

-- a 3-band 6x4 test stamp with a masked pixel, used by later tests
CREATE TABLE stamps (id int PRIMARY KEY, img sgimage);
INSERT INTO stamps VALUES
	(1, sgimage(array_fill(1.5::float4, ARRAY[4, 6]), 0.2)),
	(2, sgimage((SELECT array_agg(row_vals ORDER BY b) FROM (
			SELECT b, array_agg(v ORDER BY y) AS row_vals FROM (
				SELECT b, y, array_agg((b * 100 + y * 10 + x)::float4 / 3 ORDER BY x) AS v
				FROM generate_series(0, 2) b, generate_series(0, 3) y, generate_series(0, 5) x
				GROUP BY b, y) r GROUP BY b) s)::float4[], 0.2,
		ARRAY['g', 'r', 'i'], 150.25, 2.125,
		ARRAY[27.0, 27.1, NULL], ARRAY[0.8, NULL, 0.7], ARRAY[NULL, 0.05, 0.06])),
	(3, 'SGIMAGE/1 2x1x1 scale=0.1 center=0,-90 bands=VIS zp=25.5 data=AACAPwAAwH8=');
SELECT id, sg_width(img), sg_height(img), sg_nbands(img) FROM stamps ORDER BY id;
