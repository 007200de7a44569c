#!/bin/bash
# Run one fuzz target for a given number of seconds:
#   test/fuzz/run.sh text|recv|fits SECONDS [--record]
# The committed seed corpus is copied into build/ so the run's findings stay
# out of the tree.  With --record, a line with the date, duration, executions
# and outcome is appended to test/fuzz/RESULTS.md.  Crashes are saved in
# build/fuzz/artifacts-TARGET/ and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?target: text, recv or fits}
seconds=${2:?seconds}
record=${3:-}
make -s "build/fuzz/fuzz_$target"
corpus=build/fuzz/corpus-$target
artifacts=build/fuzz/artifacts-$target/
mkdir -p "$corpus" "$artifacts"
cp -n test/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
log=build/fuzz/fuzz_$target.log
set +e
"build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
	-timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
rc=$?
set -e
execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
cov=$(grep -E '#[0-9]+.*cov:' "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
outcome=$([ $rc -eq 0 ] && echo "no crash" || echo "FAILED (exit $rc, see $artifacts)")
line="| $(date -u +%Y-%m-%d) | fuzz_$target | ${seconds}s | ${execs:-?} | ${cov:-?} | $outcome |"
echo "$line"
if [ "$record" = "--record" ]; then
	echo "$line" >>test/fuzz/RESULTS.md
fi
exit $rc
