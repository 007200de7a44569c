-- Parallel query: scoring a table of stored stamps runs in parallel workers
-- and gives exactly the serial scores (docs/reprocess.md, "Parallel query").
-- Stamps are TOASTed, so the heap looks tiny to the planner: the thresholds
-- are lowered as a DBA would for such a table.  Workers share a scan page
-- by page; fillfactor 10 spreads these 60 stamps over several heap pages
-- (about 15 rows a page instead of 150) so that two workers get a share.

CREATE TABLE parallel_stamps WITH (fillfactor = 10) AS
SELECT id, image FROM simulate_lens_sample(60, 'LSST', 601, bands => ARRAY['g', 'r', 'i'], size => 48);
ANALYZE parallel_stamps;

-- the Gather line of EXPLAIN ANALYZE, and how many workers it started
CREATE FUNCTION parallel_workers_launched(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	launched text := 'no Gather';
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
		IF line ~ 'Workers Launched' THEN
			launched := trim(line);
		END IF;
	END LOOP;
	RETURN launched;
END $$;

-- serial
SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF)
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) FROM (
	SELECT id, lens_score(image, 'sglens-finder-ground', 'v2') AS s FROM parallel_stamps OFFSET 0) t;
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) AS serial_scores FROM (
	SELECT id, lens_score(image, 'sglens-finder-ground', 'v2') AS s FROM parallel_stamps OFFSET 0) t \gset
SELECT count(*) FILTER (WHERE lens_score(image) > 0.5) AS serial_count FROM parallel_stamps \gset

-- parallel: the workers alone compute every score (the leader only gathers)
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
EXPLAIN (VERBOSE, COSTS OFF)
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) FROM (
	SELECT id, lens_score(image, 'sglens-finder-ground', 'v2') AS s FROM parallel_stamps OFFSET 0) t;
SELECT parallel_workers_launched($$SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) FROM (
	SELECT id, lens_score(image, 'sglens-finder-ground', 'v2') AS s FROM parallel_stamps OFFSET 0) t$$);
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) = :'serial_scores' AS same_as_serial,
	count(*) AS stamps FROM (
	SELECT id, lens_score(image, 'sglens-finder-ground', 'v2') AS s FROM parallel_stamps OFFSET 0) t;
-- scores with their provenance (sg_finder_for): still scored in the workers
EXPLAIN (VERBOSE, COSTS OFF)
SELECT md5(string_agg(id || ':' || s || ':' || n || ':' || v, ',' ORDER BY id)) FROM (
	SELECT id, lens_score(image, f.name, f.version) AS s, f.name AS n, f.version AS v
	FROM parallel_stamps, sg_finder_for(image, 'sglens-finder-ground') f OFFSET 0) t;
SELECT parallel_workers_launched($$SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) FROM (
	SELECT id, lens_score(image, f.name, f.version) AS s
	FROM parallel_stamps, sg_finder_for(image, 'sglens-finder-ground') f OFFSET 0) t$$);
SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) = :'serial_scores' AS same_as_serial,
	count(*) FILTER (WHERE (n, v) = ('sglens-finder-ground', 'v2')) AS provenance FROM (
	SELECT id, lens_score(image, f.name, f.version) AS s, f.name AS n, f.version AS v
	FROM parallel_stamps, sg_finder_for(image, 'sglens-finder-ground') f OFFSET 0) t;
-- the default finder (STABLE form) and a count run in parallel too
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE lens_score(image) > 0.5) FROM parallel_stamps;
SELECT parallel_workers_launched('SELECT count(*) FILTER (WHERE lens_score(image) > 0.5) FROM parallel_stamps');
SELECT count(*) FILTER (WHERE lens_score(image) > 0.5) = :serial_count AS same_as_serial FROM parallel_stamps;

RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
RESET max_parallel_workers_per_gather;
