#!/bin/bash
# Benchmark: parallel query speed-up of lens_score() over N stored LSST g,r,i
# 64x64 stamps with 0, 1 and 2 workers: a scoring query (checked to give
# exactly the serial scores) and sg_reprocess(workers => n) into an empty
# results table.  Prints the machine's load too: the figures depend on it.
# Usage: bench/parallel_sql.sh [N] [--record]   (appends to bench/RESULTS.md)
source "$(dirname "${BASH_SOURCE[0]}")/score_sql_lib.sh"
n=${1:-10000}
record=${2:-}
bench_stamps "$n" "$REPO/models/sglens-finder-ground-v2.sgw"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# every score, in id order, hashed: the scoring runs below the Gather (OFFSET 0)
scores="SELECT md5(string_agg(id || ':' || s, ',' ORDER BY id)) AS result
	FROM (SELECT id, lens_score(image) AS s FROM stamps OFFSET 0) t"
serial=""
same=yes
rows=""
for w in 0 1 2; do
	out=$(timed_query "$w" "$scores" "$n")
	query_rate=${out%% *}
	[ -z "$serial" ] && serial=${out#* }
	[ "${out#* }" = "$serial" ] || same=no
	launched=$(workers_launched "$w")
	psql -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS stamps_lens_results"
	out=$(psql -At <<SQL
SET client_min_messages = warning;
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
CALL sg_reprocess('stamps', stamp_column => 'image', workers => $w, batch_size => 1000);
SELECT round(($n / (extract(epoch FROM clock_timestamp()) - :t0))::numeric, 1) || ' '
	|| md5(string_agg(id || ':' || score, ',' ORDER BY id)) FROM stamps_lens_results;
SQL
)
	reprocess_rate=${out%% *}
	[ "${out#* }" = "$serial" ] || same=no
	[ "$w" -eq 0 ] && { query0=$query_rate; reprocess0=$reprocess_rate; }
	speedups=$(awk -v q="$query_rate" -v q0="$query0" -v r="$reprocess_rate" -v r0="$reprocess0" \
		'BEGIN { printf "%.2f %.2f", q / q0, r / r0 }')
	echo "workers $w (${launched#Workers }): scoring query $query_rate stamps/s (×${speedups% *}), sg_reprocess $reprocess_rate stamps/s (×${speedups#* })"
	rows="$rows| $w | ${launched#Workers Launched: } | $query_rate | ${speedups% *} | $reprocess_rate | ${speedups#* } |
"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "scores identical to the serial ones (query and sg_reprocess, all $n): $same"
echo "load average (1, 5, 15 min): $load_start at start, $load_end at end"
if [ "$record" = "--record" ]; then
	{
		echo
		echo "## parallel_sql — $(date -u +%Y-%m-%d), $(nproc)-core $(uname -m) ($cpu); $n stamps, stamps/s"
		echo
		echo "Default finder sglens-finder-ground v2 (LSST g,r,i 64×64 stamps, centre-cropped to 48×48, 4 rotations"
		echo "each). Load average (1, 5, 15 min) $load_start at start, $load_end at end. Scores identical"
		echo "to the serial ones (md5 of all $n, query and sg_reprocess): $same."
		echo
		echo "| workers asked | launched | scoring query | speed-up | sg_reprocess (batches of 1000) | speed-up |"
		echo "|---|---|---|---|---|---|"
		printf '%s' "$rows"
	} >>"$REPO/bench/RESULTS.md"
fi
[ "$same" = yes ]
