#!/bin/bash
# Crash test of sg_reprocess (docs/reprocess.md): a run is killed with SIGKILL
# in the middle; after the postmaster's crash recovery its committed batches
# are all there, a second run scores exactly the remaining rows, and every row
# ends with exactly one result, from the current model version.  Then a change
# of the default finder makes a third run re-score every row.
# Needs a running server (PGHOST/PGPORT/PGUSER set) with sglens installed, and
# the right to signal its processes (root, or the server's own user).
set -euo pipefail
db=sglens_reprocess_crash
n=1500
batch=50
CHECK_NAME=reprocess_crash
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
q <<SQL
SET client_min_messages = warning;
CREATE EXTENSION sglens CASCADE;
CREATE TABLE objects (object_id bigint PRIMARY KEY, stamp sgimage);
INSERT INTO objects SELECT id, image
FROM simulate_lens_sample($n, 'LSST', 2024, bands => ARRAY['g', 'r', 'i'], size => 48);
SQL

# the run to kill, in the background
psql -X -q -d "$db" -c "CALL sg_reprocess('objects', batch_size => $batch)" >"$log" 2>&1 &
client=$!
batches=0
for _ in $(seq 1 600); do
	batches=$(q -c "SELECT coalesce(max(batches), 0) FROM sglens_reprocess_run WHERE state = 'running'")
	[ "$batches" -ge 3 ] && break
	sleep 0.1
done
echo "reprocess_crash: run has committed $batches batches"

# a second run on the same results table is refused while the first holds it
second=$(psql -X -q -d "$db" -v VERBOSITY=sqlstate -c "CALL sg_reprocess('objects')" 2>&1 || true)
check "concurrent run refused" "$second" "ERROR:  55P03"

pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND query LIKE 'CALL sg_reprocess%' AND state = 'active'")
logged_pid=$(q -c "SELECT pid FROM sglens_reprocess_run WHERE state = 'running'")
check "backend found" "$pid" "$logged_pid"
# results committed before the kill (more batches may commit before the signal lands)
before=$(q -c "SELECT count(*) || ' ' || md5(string_agg(object_id || ':' || score || ':' || scored_at, ',' ORDER BY object_id))
	FROM objects_lens_results")
[ -n "$pid" ] && kill -9 "$pid"
wait "$client" || true

# the postmaster resets every backend and replays the WAL; wait until it accepts connections again
for _ in $(seq 1 120); do
	q -c "SELECT 1" >/dev/null 2>&1 && break
	sleep 0.5
done
check "server back after crash recovery" "$(q -c 'SELECT 1')" 1
if [ -n "${CLUSTER_DIR:-}" ] && [ -r "$CLUSTER_DIR/server.log" ]; then
	check "postmaster saw the kill" "$(grep -c "(PID $pid) was terminated by signal 9" "$CLUSTER_DIR/server.log")" 1
fi

committed=$(q -c "SELECT count(*) FROM objects_lens_results")
check "the run was killed mid-run" "$(q -c "SELECT $committed > 0 AND $committed < $n")" t
check "whole batches committed" "$(q -c "SELECT $committed % $batch")" 0
check "results committed with the run's log" "$(q -c "SELECT rows_done FROM sglens_reprocess_run WHERE run_id = 1")" "$committed"
check "results seen before the kill survived" "$(q -c "SELECT count(*) || ' ' || md5(string_agg(object_id || ':' || score || ':' || scored_at, ',' ORDER BY object_id))
	FROM objects_lens_results WHERE object_id IN (SELECT object_id FROM objects_lens_results ORDER BY object_id LIMIT ${before%% *})")" "$before"
check "killed run shows as interrupted" "$(q -c "SELECT state FROM sglens_reprocess_progress WHERE run_id = 1")" interrupted

# run again: exactly the remaining rows are scored (run ids jump after a
# crash: sequences are WAL-logged ahead)
q -c "CALL sg_reprocess('objects', batch_size => $batch)" 2>/dev/null
check "second run's rows to do" "$(q -c "SELECT rows_todo || ' ' || rows_done || ' ' || state FROM sglens_reprocess_progress ORDER BY run_id DESC LIMIT 1")" \
	"$((n - committed)) $((n - committed)) finished"
check "first run's results kept" "$(q -c "SELECT count(*) FROM objects_lens_results WHERE run_id = 1")" "$committed"
check "one result per row" "$(q -c "SELECT count(*) || ' ' || count(DISTINCT r.object_id) FROM objects o JOIN objects_lens_results r USING (object_id)")" "$n $n"
check "no row without a result" "$(q -c "SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM objects_lens_results r WHERE r.object_id = o.object_id)")" 0
check "all from the current default version" "$(q -c "SELECT count(*) FROM objects o JOIN objects_lens_results r USING (object_id), sg_finder_for(o.stamp) f
	WHERE r.error IS NULL AND (r.model_name, r.model_version) = (f.name, f.version)")" "$n"
check "scores are lens_score's" "$(q -c "SELECT count(*) FROM objects o JOIN objects_lens_results r USING (object_id)
	WHERE o.object_id % 25 = 0 AND r.score = lens_score(o.stamp)")" "$((n / 25))"

# a new default finder for these stamps: every row is re-scored with it
q <<'SQL'
UPDATE sglens_model SET is_default = false WHERE name = 'sglens-finder-ground';
UPDATE sglens_model SET is_default = true WHERE name = 'sglens-baseline-ground';
SQL
q -c "CALL sg_reprocess('objects', batch_size => 500)" 2>/dev/null
check "new default: every row re-scored" "$(q -c "SELECT rows_todo || ' ' || rows_done FROM sglens_reprocess_run ORDER BY run_id DESC LIMIT 1")" "$n $n"
check "new default recorded" "$(q -c "SELECT string_agg(DISTINCT model_name || ' ' || model_version, ';') || ' ' || count(*) FROM objects_lens_results")" \
	"sglens-baseline-ground v1 $n"

psql -X -q -d postgres -c "DROP DATABASE $db"
checks_summary
