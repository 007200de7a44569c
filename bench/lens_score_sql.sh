#!/bin/bash
# Benchmark: lens_score() through SQL over N stored LSST g,r,i 64x64 stamps,
# with 0, 1 and 2 parallel workers, and the backend's memory with the model
# loaded.  The model file (default: the shipped ground finder) is registered
# as the default finder.
# Usage: bench/lens_score_sql.sh [N] [MODEL_FILE] [--record]
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
export SGLENS_CLUSTER_DIR=${SGLENS_CLUSTER_DIR:-$REPO/build/bench-cluster}
export SGLENS_PORT=${SGLENS_PORT:-55439}
n=${1:-100000}
model=${2:-$REPO/models/sglens-finder-ground-v1.sgw}
record=${3:-}
sglens_setup
sglens_start_cluster
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql -c "CREATE EXTENSION sglens CASCADE" 2>/dev/null
# psql reads the file itself (a model is too large for a command-line argument)
psql >/dev/null <<SQL
\\set w \`base64 -w0 '$model'\`
SELECT sg_register_model(decode(:'w', 'base64'), make_default => true)
WHERE NOT EXISTS (SELECT 1 FROM sglens_model m, sg_model_header(decode(:'w', 'base64')) h
	WHERE m.name = h.name AND m.version = h.version);
SQL
echo "making $n stamps..."
psql -c "CREATE TABLE stamps AS SELECT id, image FROM simulate_lens_sample($n, 'LSST', 4242,
	bands => ARRAY['g','r','i'], size => 64, supersampling => 1)" -c "VACUUM ANALYZE stamps"
results=""
for workers in 0 1 2; do
	rate=$(psql -At <<SQL
SET max_parallel_workers_per_gather = $workers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(lens_score(image)) FROM stamps LIMIT 1;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count(lens_score(image)) FROM stamps;
SELECT round(($n / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1);
SQL
)
	rate=$(echo "$rate" | tail -1)
	launched=$(psql -At -c "SET max_parallel_workers_per_gather = $workers" -c "SET parallel_setup_cost = 0" \
		-c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0" \
		-c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(lens_score(image)) FROM stamps WHERE id <= 200" |
		grep -o 'Workers Launched: [0-9]*' || echo 'Workers Launched: 0')
	echo "workers $workers ($launched): $rate stamps/s"
	results="$results | $rate"
done
mem=$(psql -At <<'SQL'
SELECT pg_backend_pid() AS pid \gset
SELECT lens_score(image) FROM stamps LIMIT 1;
\setenv BACKEND_PID :pid
\! grep VmHWM /proc/$BACKEND_PID/status | awk '{print $2, $3}'
SQL
)
blas=$(psql -At -c "SELECT sg_blas_info()")
line="| $(date -u +%Y-%m-%d) | $(basename "$model") | $n$results | $(echo "$mem" | tail -1) | $blas |"
echo "$line"
if [ "$record" = "--record" ]; then
	{
		echo
		echo "## lens_score_sql — $(nproc)-core $(uname -m); stamps/s with 0, 1, 2 parallel workers (4 rotations per stamp)"
		echo
		echo "| date | model | stamps | 0 workers | 1 worker | 2 workers | peak backend RSS | BLAS |"
		echo "|---|---|---|---|---|---|---|---|"
		echo "$line"
	} >>"$REPO/bench/RESULTS.md"
fi
