#!/bin/bash
# Set up everything and run every test of sglens:
#   core C unit tests, the pg_regress suite on a private cluster, and the
#   scripted tests (astropy interoperability).  Prints one closing line
#   "N passed, N failed" and exits non-zero when anything failed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
sglens_setup

passed=0
failed=0
# Record one test group's outcome from its "N passed, N failed" line.
tally() {
	local name=$1 out=$2 rc=$3 line p f
	line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1 || true)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*[^0-9]([0-9]+) passed.*/\1/; s/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=0
		f=1
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
	echo "== $name: $p passed, $f failed"
}

echo "== core unit tests"
set +e
out=$(make -C "$REPO" -s unit 2>&1)
rc=$?
set -e
echo "$out" | tail -20
tally unit "$out" $rc

sglens_start_cluster

echo "== pg_regress"
bash "$REPO/test/scripts/prepare_regress_files.sh"
set +e
out=$(make -C "$REPO" -s installcheck 2>&1)
rc=$?
set -e
echo "$out" | tail -40
if [ $rc -ne 0 ] && [ -f "$REPO/regression.diffs" ]; then
	head -200 "$REPO/regression.diffs"
fi
# pg_regress prints "ok" / "FAILED" per test
p=$(echo "$out" | grep -cE '^(ok|test) .* ok( |$)|\.\.\. ok' || true)
f=$(echo "$out" | grep -cE 'FAILED|failed \(' || true)
tally pg_regress "$p passed, $f failed" $rc

echo "== astropy interoperability"
set +e
out=$(bash "$REPO/test/scripts/astropy_interop.sh" 2>&1)
rc=$?
set -e
echo "$out" | tail -20
tally astropy "$out" $rc

echo "== pg_dump / restore"
set +e
out=$(bash "$REPO/test/scripts/dump_restore.sh" 2>&1)
rc=$?
set -e
echo "$out" | tail -10
tally dump_restore "$out" $rc

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
