-- ---------------------------------------------------------------------------
-- The log of sg_reprocess runs: one row per run, updated in the transaction
-- of each batch, so that any session can see how far a run has got.
-- See docs/reprocess.md.
-- ---------------------------------------------------------------------------

CREATE TABLE sglens_reprocess_run (
	run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source regclass NOT NULL,
	results regclass NOT NULL,
	model text,
	pid integer NOT NULL,
	state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'finished', 'interrupted')),
	started timestamptz NOT NULL DEFAULT clock_timestamp(),
	updated timestamptz NOT NULL DEFAULT clock_timestamp(),
	finished timestamptz,
	rows_todo bigint NOT NULL,
	rows_done bigint NOT NULL DEFAULT 0,
	rows_failed bigint NOT NULL DEFAULT 0,
	batches integer NOT NULL DEFAULT 0
);
COMMENT ON TABLE sglens_reprocess_run IS
	'one row per sg_reprocess run, updated with each committed batch (read it through sglens_reprocess_progress)';
COMMENT ON COLUMN sglens_reprocess_run.model IS 'the finder asked for; NULL: the default finder of each stamp';
COMMENT ON COLUMN sglens_reprocess_run.rows_todo IS 'rows without an up-to-date result when the run started';
COMMENT ON COLUMN sglens_reprocess_run.rows_done IS 'rows scored so far (committed), failed ones included';
COMMENT ON COLUMN sglens_reprocess_run.rows_failed IS 'rows whose scoring failed: their result holds the error';
GRANT SELECT ON sglens_reprocess_run TO PUBLIC;

-- 'SGLR' in the high 32 bits, the results table's oid in the low 32 bits:
-- pg_locks shows it as classid 1397181522, objid = the table's oid, objsubid 1.
CREATE FUNCTION _sg_reprocess_lock_key(results regclass) RETURNS bigint
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN (1397181522::bigint << 32) | results::oid::bigint;
COMMENT ON FUNCTION _sg_reprocess_lock_key(regclass) IS
	'internal: the session advisory lock an sg_reprocess run holds on its results table';

-- The log is written through these SECURITY DEFINER functions, so that any
-- user who may run sg_reprocess can log a run, and only as its own backend.
CREATE FUNCTION _sg_reprocess_run_start(source regclass, results regclass, model text, rows_todo bigint)
	RETURNS bigint LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	-- the caller holds the results table's lock: earlier unfinished runs are dead
	UPDATE sglens_reprocess_run r SET state = 'interrupted'
	WHERE r.results = _sg_reprocess_run_start.results AND r.state = 'running';
	INSERT INTO sglens_reprocess_run (source, results, model, pid, rows_todo)
	VALUES (_sg_reprocess_run_start.source, _sg_reprocess_run_start.results, _sg_reprocess_run_start.model,
		pg_backend_pid(), _sg_reprocess_run_start.rows_todo)
	RETURNING run_id;
END;
COMMENT ON FUNCTION _sg_reprocess_run_start(regclass, regclass, text, bigint) IS
	'internal: log the start of an sg_reprocess run by this backend; returns its run_id';

CREATE FUNCTION _sg_reprocess_run_step(run bigint, scored bigint, failed bigint)
	RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE sglens_reprocess_run r
	SET rows_done = r.rows_done + scored, rows_failed = r.rows_failed + failed,
		batches = r.batches + 1, updated = clock_timestamp()
	WHERE r.run_id = run AND r.pid = pg_backend_pid() AND r.state = 'running';
END;
COMMENT ON FUNCTION _sg_reprocess_run_step(bigint, bigint, bigint) IS
	'internal: log one batch of this backend''s sg_reprocess run';

CREATE FUNCTION _sg_reprocess_run_finish(run bigint)
	RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	UPDATE sglens_reprocess_run r SET state = 'finished', finished = clock_timestamp(), updated = clock_timestamp()
	WHERE r.run_id = run AND r.pid = pg_backend_pid() AND r.state = 'running';
END;
COMMENT ON FUNCTION _sg_reprocess_run_finish(bigint) IS 'internal: log the end of this backend''s sg_reprocess run';

-- A run logged as running whose backend no longer holds the results table's
-- lock was killed, crashed or failed: it shows as interrupted.
CREATE VIEW sglens_reprocess_progress AS
SELECT r.run_id, r.source, r.results, r.model,
	CASE WHEN r.state = 'running' AND NOT EXISTS (
			SELECT 1 FROM pg_locks l
			WHERE l.locktype = 'advisory' AND l.granted AND l.pid = r.pid
				AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
				AND l.classid = 1397181522::oid AND l.objid = r.results::oid AND l.objsubid = 1)
		THEN 'interrupted' ELSE r.state END AS state,
	r.rows_todo, r.rows_done, r.rows_failed, r.batches,
	round(100.0 * r.rows_done / nullif(r.rows_todo, 0), 1) AS percent_done,
	round((r.rows_done / nullif(extract(epoch FROM r.updated - r.started), 0))::numeric, 1) AS rows_per_second,
	CASE WHEN r.state = 'running' AND r.rows_done > 0
		THEN (r.updated - r.started) * ((r.rows_todo - r.rows_done)::float8 / r.rows_done) END AS time_left,
	r.started, r.updated, r.finished, r.pid
FROM sglens_reprocess_run r;
COMMENT ON VIEW sglens_reprocess_progress IS
	'sg_reprocess runs: state (running, finished, interrupted), rows done of rows to do, rate and time left';
GRANT SELECT ON sglens_reprocess_progress TO PUBLIC;
