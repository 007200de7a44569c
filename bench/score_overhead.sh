#!/bin/bash
# Benchmark: the SQL overhead of lens_score() measured inside one run.
# Scores N stored LSST g,r,i 64x64 stamps serially with each way of scoring
# (the default, passes 4, passes 1) while perf samples the backend, and
# splits its CPU time into lens_score's core path (input preparation and
# the network: sg_nn_prepare_input, sg_nn_score_*) and everything else
# (reading the stamps from the table and TOAST, the executor, JIT).  The
# overhead is the second over the first: (100% − core) / core.  Unlike a comparison of two
# separate timings, the ratio does not move with the machine's speed
# between runs, so it holds on a busy machine too.  perf samples the first
# 30 s of each query with DWARF call chains (frame pointers miss the
# callers of much of the compiled code).  Needs perf (Debian's linux-perf).
# Usage: bench/score_overhead.sh [N] [MODEL_FILE] [--record]
source "$(dirname "${BASH_SOURCE[0]}")/score_sql_lib.sh"
n=${1:-100000}
model=${2:-$REPO/models/sglens-finder-ground-v2.sgw}
record=${3:-}
command -v perf >/dev/null || { echo "score_overhead: needs perf (apt-get install linux-perf)" >&2; exit 1; }
bench_stamps "$n" "$model"
work=$(mktemp -d)
rows=""
for passes in default 4 1; do
	call="lens_score(image)"
	[ "$passes" = default ] || call="lens_score(image, passes => $passes)"
	psql -At >"$work/out" <<SQL
SET max_parallel_workers_per_gather = 0;
SELECT count($call) FROM stamps WHERE id <= 20;
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND_PID :pid
\! perf record -q -e cpu-clock -F 250 --call-graph dwarf,8192 -p \$BACKEND_PID -o $work/perf.data -- sleep 30 >/dev/null 2>&1 & echo \$! > $work/perf.pid; sleep 1
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
SELECT count($call) FROM stamps;
SELECT round(($n / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1);
\! kill -INT \$(cat $work/perf.pid) 2>/dev/null; sleep 3
SQL
	rate=$(tail -1 "$work/out")
	# share of samples under each function (children included)
	perf report -i "$work/perf.data" --children -g none --sort symbol 2>/dev/null >"$work/report"
	share() { awk -v f="$1" '$4 == f { gsub("%", "", $1); s += $1 } END { printf "%.2f", s + 0 }' "$work/report"; }
	total=$(share sglens_lens_score)
	core=$(awk -v a="$(share sg_nn_prepare_input)" -v b="$(share sg_nn_score_rotations)" \
		-v c="$(share sg_nn_score_adaptive)" 'BEGIN { printf "%.2f", a + b + c }')
	overhead=$(awk -v c="$core" 'BEGIN { printf "%.1f", 100 * (100 - c) / c }')
	echo "passes $passes: $rate stamps/s serial; backend samples: lens_score $total%, its core path $core%; SQL overhead $overhead% over the core path"
	rows="$rows
| $(date -u +%Y-%m-%d) | $passes | $n | $rate | $total% | $core% | **$overhead%** |"
done
rm -rf "$work"
if [ "$record" = "--record" ]; then
	{
		echo
		echo "## score_overhead — $(nproc)-core $(uname -m), $(basename "$model"), shared_buffers $(psql -At -c 'SHOW shared_buffers'); serial lens_score, perf samples of the backend"
		echo
		echo "| date | passes | stamps | stamps/s | lens_score's share of the backend | core path's share | SQL overhead |"
		echo "|---|---|---|---|---|---|---|"
		echo "${rows#?}"
	} >>"$REPO/bench/RESULTS.md"
fi
