-- Model the top candidates.
--
-- The candidates are the :top best-scored objects (1% of the survey by default).  With ~1% of
-- objects being lenses, a fixed score cut such as 0.5 would select far more objects than there
-- are lenses: the finder's score is a probability for a balanced (half lenses) training set, not
-- for a survey where lenses are rare, so a survey follows up a fixed number of its best candidates.
--
-- The table is stored sparsely (fillfactor 10: some 16 rows a page) and asks for :workers
-- parallel workers: a parallel scan hands out whole pages, and a list of a few hundred
-- candidates would otherwise fit on one or two pages, which one process would model alone.
CREATE TABLE candidates WITH (fillfactor = 10, parallel_workers = :workers) AS
SELECT row_number() OVER (ORDER BY score DESC, object_id) AS rank, object_id, score
FROM   scores
ORDER  BY score DESC, object_id
LIMIT  :top;
ALTER TABLE candidates ADD PRIMARY KEY (object_id);
ANALYZE candidates;

-- Which method: 'cnn+fit' (a likelihood fit started from, and regularised by, the CNN
-- modeller's estimate) when a default modeller for LSST g, r, i stamps at 0.2" is registered;
-- otherwise 'fit' (the same fit from an automatic start, no network).
SELECT CASE WHEN count(*) > 0 THEN 'cnn+fit' ELSE 'fit' END AS method,
       coalesce(string_agg(name || ' ' || version, ', '), 'none') AS modeller
FROM   sglens_model
WHERE  task = 'modeller' AND is_default
  AND  bands <@ ARRAY['g','r','i'] AND abs(pixel_scale - 0.2) < 2e-4 \gset
\echo default modeller for LSST g,r,i: :modeller -> method :method

SET max_parallel_workers_per_gather = :workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

-- lens_model() fits an SIE + external shear mass model with a Sersic source and a Sersic lens
-- light to the pixels in all three bands, with LSST's PSF (from the stamp header) and exposure
-- (survey => 'LSST', for the Poisson term of the noise).  It returns theta_E, e1, e2, the centre
-- and the shear with 1-sigma errors, the reduced chi2, whether the fit converged (and if not,
-- why), and the full parameters.  The workers split the scan of `candidates` and each fetches
-- its stamps by primary key, so the fits run in parallel; time_budget caps a single fit at 10 s.
-- The result is kept as one composite column (m): writing (lens_model(...)).* would call the
-- function once per field.
EXPLAIN (COSTS OFF)
SELECT c.object_id, lens_model(o.stamp, method => :'method', survey => 'LSST', time_budget => 10)
FROM   objects o JOIN candidates c USING (object_id);

\set ON_ERROR_STOP 0
CREATE TABLE models AS
SELECT c.object_id, lens_model(o.stamp, method => :'method', survey => 'LSST', time_budget => 10) AS m
FROM   objects o JOIN candidates c USING (object_id);
\set ON_ERROR_STOP 1

-- If any one fit fails with an error (rather than returning converged = false), the query above
-- fails as a whole.  Then model the candidates one at a time, each in its own subtransaction,
-- and record the error message of a failed fit in its note (the other fields NULL).
-- Subtransactions cannot run in parallel workers, so this runs in one process.
\if :ERROR
\echo one fit failed with an error (above); modelling the candidates one by one, recording errors
SET demo.method = :'method';
CREATE TABLE models (object_id bigint, m lens_model_result);
DO $$
DECLARE
	c record;
	r lens_model_result;
BEGIN
	FOR c IN SELECT object_id, stamp FROM objects JOIN candidates USING (object_id) ORDER BY rank LOOP
		BEGIN
			r := lens_model(c.stamp, method => current_setting('demo.method'), survey => 'LSST',
			                time_budget => 10);
		EXCEPTION WHEN OTHERS THEN
			IF SQLSTATE = '57014' THEN RAISE; END IF;     -- a cancel stops the demo
			r := NULL;
			r.converged := false;
			r.method := current_setting('demo.method');
			r.note := 'error: ' || SQLERRM;
			RAISE NOTICE 'object %: %', c.object_id, SQLERRM;
		END;
		INSERT INTO models VALUES (c.object_id, r);
	END LOOP;
END $$;
\endif
ALTER TABLE models ADD PRIMARY KEY (object_id);
