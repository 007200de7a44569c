-- Score every stamp with the lens finder, in parallel.
--
-- lens_score(stamp, name, version) is the probability that the stamp shows a galaxy-scale strong
-- lens, from the finder network; sg_finder_for(stamp) names the registered default finder for
-- the stamp's bands and pixel scale (here the shipped ground-based CNN for LSST g, r, i at 0.2"),
-- so every score is stored with the exact model version that computed it.
--
-- The settings below let PostgreSQL split the table between parallel workers (one model copy
-- each): the stamps live out of line (TOAST), so the heap looks tiny to the planner, and the
-- planner does not know that scoring is expensive (docs/reprocess.md, "Parallel query").
SET max_parallel_workers_per_gather = :workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

-- the plan: a Gather over a Parallel Seq Scan of objects, the scoring done in the workers
EXPLAIN (COSTS OFF)
SELECT o.object_id, lens_score(o.stamp, f.name, f.version) FROM objects o, sg_finder_for(o.stamp) f;

CREATE TABLE scores AS
SELECT o.object_id, lens_score(o.stamp, f.name, f.version) AS score,
       f.name AS finder, f.version AS finder_version
FROM   objects o, sg_finder_for(o.stamp) f;
ALTER TABLE scores ADD PRIMARY KEY (object_id);
ANALYZE scores;
