#!/bin/bash
# Set up everything and run every test of sglens: core C unit tests, the
# pg_regress suite on a private cluster, and the scripted tests (astropy
# interoperability, pg_dump/restore).  Prints one closing line
# "N passed, N failed" and exits non-zero when anything failed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
sglens_setup

passed=0
failed=0

# Run one test group; count its "N passed, N failed" line (a group that
# prints none, or exits non-zero with no failure counted, counts as failed).
run_group() {
	local name=$1 out rc line p f
	shift
	echo "== $name"
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
	echo "$out" | tail -25
	line=$(echo "$out" | grep -E '(^|[^0-9])[0-9]+ passed, [0-9]+ failed' | tail -1 || true)
	p=0
	f=1
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^(.*[^0-9])?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
	echo "== $name: $p passed, $f failed"
}

# pg_regress, summarised as "N passed, N failed" (diffs shown on failure).
regress() {
	local out rc
	bash "$REPO/test/scripts/prepare_regress_files.sh"
	set +e
	out=$(make -C "$REPO" -s installcheck 2>&1)
	rc=$?
	set -e
	echo "$out" | grep -E '^(test| *[0-9a-z_]+ +\.\.\.)|ok|FAILED' || true
	[ $rc -ne 0 ] && [ -f "$REPO/regression.diffs" ] && head -150 "$REPO/regression.diffs"
	echo "pg_regress: $(echo "$out" | grep -cE '\.\.\. ok') passed, $(echo "$out" | grep -cE '\.\.\. FAILED') failed"
	return $rc
}

run_group "core unit tests" make -C "$REPO" -s unit
run_group "sglens-average (checkpoint weight averaging)" bash "$REPO/test/scripts/tools_average.sh"
run_group "sglens-train (resume, lens-light input)" bash "$REPO/test/scripts/tools_train.sh"
sglens_start_cluster
run_group "pg_regress" regress
run_group "astropy interoperability" bash "$REPO/test/scripts/astropy_interop.sh"
run_group "pg_dump / restore" bash "$REPO/test/scripts/dump_restore.sh"
run_group "survey presets: tables = built-in" bash "$REPO/test/scripts/presets_consistency.sh"
run_group "sg_reprocess: SIGKILL mid-run, resume" bash "$REPO/test/scripts/reprocess_crash.sh"
run_group "sg_reprocess scheduled with pg_cron" bash "$REPO/test/scripts/reprocess_cron.sh"
run_group "sharding (PL/Proxy, 3 shards)" bash "$REPO/test/scripts/shard.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
