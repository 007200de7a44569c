#!/bin/bash
# sg_reprocess scheduled with pg_cron (docs/reprocess.md): a job that runs
# every minute scores a table of stamps, then, at its next run, only the rows
# added in between.  pg_cron 1.4 (Debian 12) schedules by the minute, so this
# waits up to about two minutes.
# Needs a running server (PGHOST/PGPORT/PGUSER set, a superuser) with sglens
# installed and pg_cron preloaded (scripts/pgcluster.sh does both).
set -euo pipefail
db=sglens_reprocess_cron
job=sglens-reprocess-test
CHECK_NAME=reprocess_cron
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
cron() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }

# Wait (at most 150 s) for run number $1 of job $2 to end; print its status.
wait_for_run() {
	local status=""
	for _ in $(seq 1 150); do
		status=$(cron -c "SELECT status FROM cron.job_run_details WHERE jobid = $2
			AND status IN ('succeeded', 'failed') ORDER BY runid OFFSET $(($1 - 1)) LIMIT 1")
		[ -n "$status" ] && break
		sleep 1
	done
	[ "$status" = failed ] && cron -c "SELECT return_message FROM cron.job_run_details WHERE jobid = $2" >&2
	echo "$status"
}

check "pg_cron preloaded" "$(cron -c "SELECT 'pg_cron' = ANY (string_to_array(current_setting('shared_preload_libraries'), ', '))")" t
cron -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" \
	-c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = '$job'" >/dev/null
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
q <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION sglens CASCADE;
CREATE TABLE objects (object_id bigint PRIMARY KEY, stamp sgimage);
INSERT INTO objects SELECT id, image
FROM simulate_lens_sample(120, 'LSST', 7, bands => ARRAY['g', 'r', 'i'], size => 48);
SQL

jobid=$(cron -c "SELECT cron.schedule_in_database('$job', '* * * * *',
	\$\$CALL sg_reprocess('objects', batch_size => 50)\$\$, '$db')")
echo "reprocess_cron: job $jobid scheduled, waiting for its first run"
check "first run" "$(wait_for_run 1 "$jobid")" succeeded
check "first run scored every row" "$(q -c "SELECT count(*) FROM objects_lens_results WHERE error IS NULL")" 120
check "first run logged" "$(q -c "SELECT state || ' ' || rows_done || ' ' || batches FROM sglens_reprocess_progress ORDER BY run_id LIMIT 1")" \
	"finished 120 3"
check "run by the job's backend" "$(q -c "SELECT r.pid FROM sglens_reprocess_run r ORDER BY run_id LIMIT 1")" \
	"$(cron -c "SELECT job_pid FROM cron.job_run_details WHERE jobid = $jobid ORDER BY runid LIMIT 1")"

q -c "INSERT INTO objects SELECT 1000 + id, image
	FROM simulate_lens_sample(30, 'LSST', 8, bands => ARRAY['g', 'r', 'i'], size => 48)"
echo "reprocess_cron: 30 rows added, waiting for the next run"
check "second run" "$(wait_for_run 2 "$jobid")" succeeded
check "later runs scored only the new rows" "$(q -c "SELECT sum(rows_todo) || ' ' || sum(rows_done) FROM sglens_reprocess_run
	WHERE run_id > (SELECT min(run_id) FROM sglens_reprocess_run)")" "30 30"
check "one result per row" "$(q -c "SELECT count(*) || ' ' || count(DISTINCT object_id) FROM objects_lens_results")" "150 150"

cron -c "SELECT cron.unschedule($jobid)" >/dev/null
cron -c "DROP EXTENSION pg_cron"
psql -X -q -d postgres -c "DROP DATABASE $db WITH (FORCE)"
checks_summary
