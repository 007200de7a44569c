#!/bin/bash
# Benchmark: lens_score() through SQL over N stored LSST g,r,i 64x64 stamps,
# with 0, 1 and 2 parallel workers, and the backend's memory with the model
# loaded.  The model file (default: the shipped ground finder) is registered
# as the default finder.  bench/parallel_sql.sh adds speed-ups, a check that
# the parallel scores are the serial ones, and sg_reprocess.
# PASSES=4 or PASSES=1 sets lens_score's passes argument (the mean over four
# rotations, or one pass in the canonical orientation); unset, the default
# (one pass, four where it gives at least 0.1).
# Usage: [PASSES=4|1] bench/lens_score_sql.sh [N] [MODEL_FILE] [--record]
source "$(dirname "${BASH_SOURCE[0]}")/score_sql_lib.sh"
n=${1:-100000}
model=${2:-$REPO/models/sglens-finder-ground-v2.sgw}
record=${3:-}
passes=${PASSES:-}
call="lens_score(image${passes:+, passes => $passes})"
bench_stamps "$n" "$model"
results=""
for workers in 0 1 2; do
	rate=$(timed_query "$workers" "SELECT count($call) AS result FROM stamps" "$n")
	rate=${rate%% *}
	echo "workers $workers ($(workers_launched "$workers")): $rate stamps/s"
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
line="| $(date -u +%Y-%m-%d) | $(basename "$model"), passes ${passes:-default} | $n$results | $(echo "$mem" | tail -1) | $blas |"
echo "$line"
if [ "$record" = "--record" ]; then
	{
		echo
		echo "## lens_score_sql — $(nproc)-core $(uname -m); stamps/s with 0, 1, 2 parallel workers"
		echo
		echo "| date | model | stamps | 0 workers | 1 worker | 2 workers | peak backend RSS | BLAS |"
		echo "|---|---|---|---|---|---|---|---|"
		echo "$line"
	} >>"$REPO/bench/RESULTS.md"
fi
