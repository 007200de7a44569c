-- Provenance and scheduled reprocessing: sg_finder_for, sg_results_table,
-- sg_reprocess and its progress view (docs/reprocess.md).  The crash and
-- pg_cron cases are scripted: test/scripts/reprocess_crash.sh and
-- test/scripts/reprocess_cron.sh.

-- this test uses the shipped default finders (95_lens_score changes them)
CREATE TEMP TABLE saved_defaults AS SELECT name, version FROM sglens_model WHERE is_default;
UPDATE sglens_model SET is_default = false WHERE is_default;
UPDATE sglens_model SET is_default = true WHERE shipped AND name LIKE 'sglens-finder-%'
	AND (name, version) IN (SELECT name, max(version) FROM sglens_model GROUP BY name);

-- LSST and Euclid stamps, one no finder takes (HSC pixel scale), one too
-- small for the finder, and a row without a stamp
CREATE TABLE reprocess_stamps (object_id int PRIMARY KEY, stamp sgimage, survey text);
INSERT INTO reprocess_stamps
SELECT id, image, 'LSST' FROM simulate_lens_sample(10, 'LSST', 501, bands => ARRAY['g', 'r', 'i'], size => 48)
UNION ALL
SELECT 100 + id, image, 'Euclid' FROM simulate_lens_sample(3, 'Euclid', 502, size => 64)
UNION ALL
SELECT 200, simulate_lens('{}', 'HSC', 48, 3, bands => ARRAY['g', 'r', 'i']), 'HSC'
UNION ALL
SELECT 201, sg_crop(simulate_lens('{}', 'LSST', 48, 4, bands => ARRAY['g', 'r', 'i']), 24), 'LSST small'
UNION ALL
SELECT 202, NULL, 'none';

-- sg_finder_for names the registered version that lens_score uses
SELECT survey, f.name, f.version, count(*)
FROM reprocess_stamps s LEFT JOIN LATERAL sg_finder_for(s.stamp) f ON true
GROUP BY 1, 2, 3 ORDER BY 1;
SELECT count(*) AS stamps, bool_and(lens_score(stamp) = lens_score(stamp, f.name, f.version)) AS same_score
FROM reprocess_stamps, sg_finder_for(stamp) f WHERE survey IN ('LSST', 'Euclid');
SELECT * FROM sg_finder_for((SELECT stamp FROM reprocess_stamps WHERE object_id = 1), 'sglens-baseline-ground');
SELECT * FROM sg_finder_for((SELECT stamp FROM reprocess_stamps WHERE object_id = 1), 'no-such-model');

-- the results table: one row per key, with the score's provenance
SELECT sg_results_table('reprocess_stamps');
\d reprocess_stamps_lens_results
SELECT sg_results_table('reprocess_stamps') = 'reprocess_stamps_lens_results'::regclass AS found_again;

-- a run: committed batches of 4 rows; the rows that cannot be scored keep
-- their error; the row without a stamp gets no result
CALL sg_reprocess('reprocess_stamps', batch_size => 4);
SELECT object_id, survey, score BETWEEN 0 AND 1 AS scored, model_name, model_version, error, run_id
FROM reprocess_stamps s LEFT JOIN reprocess_stamps_lens_results r USING (object_id)
WHERE object_id IN (1, 2, 101, 200, 201, 202) ORDER BY object_id;
SELECT count(*) AS results, count(DISTINCT object_id) AS keys, count(DISTINCT scored_at) AS batches,
	count(r.score) AS scores,
	count(*) FILTER (WHERE CASE WHEN r.error IS NULL THEN r.score = lens_score(s.stamp) END) AS same_as_lens_score
FROM reprocess_stamps s JOIN reprocess_stamps_lens_results r USING (object_id);
SELECT run_id, source, results, model, state, rows_todo, rows_done, rows_failed, batches, percent_done,
	rows_per_second > 0 AS has_rate, time_left, finished >= started AS has_finished, pid = pg_backend_pid() AS this_backend
FROM sglens_reprocess_progress;

-- run again: every result is up to date
CALL sg_reprocess('reprocess_stamps', batch_size => 4);

-- a new default finder for LSST g,r,i stamps: only their rows are re-scored,
-- the Euclid results stay; rows that failed with the old model are retried
UPDATE sglens_model SET is_default = false WHERE name = 'sglens-finder-ground';
UPDATE sglens_model SET is_default = true WHERE name = 'sglens-baseline-ground';
CALL sg_reprocess('reprocess_stamps', batch_size => 100, workers => 2);
SELECT survey, model_name, model_version, run_id, count(*), count(error) AS errors
FROM reprocess_stamps s JOIN reprocess_stamps_lens_results r USING (object_id)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE r.score = lens_score(s.stamp, 'sglens-baseline-ground', 'v1')) AS same_as_lens_score
FROM reprocess_stamps s JOIN reprocess_stamps_lens_results r USING (object_id) WHERE survey = 'LSST';

-- a named model is used for every row (and says why it cannot take LSST
-- stamps); a deleted result is scored again (e.g. after its stamp changed)
CALL sg_reprocess('reprocess_stamps', model => 'sglens-finder-space', batch_size => 100);
SELECT survey, model_name, count(*), count(error) AS errors
FROM reprocess_stamps s JOIN reprocess_stamps_lens_results r USING (object_id)
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT error FROM reprocess_stamps_lens_results WHERE object_id = 1;
DELETE FROM reprocess_stamps_lens_results WHERE object_id = 101;
CALL sg_reprocess('reprocess_stamps', model => 'sglens-finder-space', batch_size => 100);

-- another key, another stamp column, a results table named in another
-- schema, with an extra column of the user's (later: lens_model's results)
CREATE SCHEMA reprocess_out;
CREATE TABLE reprocess_named (name text UNIQUE, img sgimage);
INSERT INTO reprocess_named SELECT 'obj ' || object_id, stamp FROM reprocess_stamps WHERE survey = 'Euclid';
SELECT sg_results_table('reprocess_named', 'reprocess_out.scores', key_column => 'name');
ALTER TABLE reprocess_out.scores ADD COLUMN note text;
CALL sg_reprocess('reprocess_named', 'reprocess_out.scores', stamp_column => 'img', key_column => 'name');
SELECT name, model_name, model_version, score IS NOT NULL AS scored FROM reprocess_out.scores ORDER BY name;

-- errors
CREATE VIEW reprocess_view AS SELECT * FROM reprocess_stamps;
CREATE TABLE reprocess_nokey (object_id int, stamp sgimage);
CREATE TABLE reprocess_twokeys (a int, b int, stamp sgimage, PRIMARY KEY (a, b));
CREATE TABLE reprocess_scorekey (score int PRIMARY KEY, stamp sgimage);
CREATE TABLE reprocess_bad_results (object_id int PRIMARY KEY, score float8);
SELECT sg_test_error($$CALL sg_reprocess('no_such_table')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_view')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_named')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', stamp_column => 'survey')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', stamp_column => NULL)$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_nokey')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_twokeys')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_nokey', key_column => 'object_id')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_nokey', key_column => 'id')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', batch_size => 0)$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', batch_size => NULL)$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', workers => -1)$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', model => 'no-such-model')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', 'reprocess_bad_results')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps', 'a.b.c')$$);
SELECT sg_test_error($$CALL sg_reprocess('reprocess_scorekey')$$);
-- the batches must commit: not inside a transaction block or a function
SELECT sg_test_error($$CALL sg_reprocess('reprocess_stamps')$$);
\set SHOW_CONTEXT never
BEGIN;
CALL sg_reprocess('reprocess_stamps');
ROLLBACK;
\set SHOW_CONTEXT errors
SELECT count(*) AS runs FROM sglens_reprocess_run;

UPDATE sglens_model SET is_default = false WHERE is_default;
UPDATE sglens_model m SET is_default = true FROM saved_defaults d WHERE (m.name, m.version) = (d.name, d.version);
