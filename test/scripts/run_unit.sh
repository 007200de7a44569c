#!/bin/bash
# Run the core unit-test programs and print one summary line
# ("N passed, N failed"); exit non-zero if any check or program failed.
set -u
passed=0
failed=0
status=0
for bin in "$@"; do
	out=$("$bin")
	rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		echo "$bin: no summary line (exit $rc)"
		failed=$((failed + 1))
		status=1
		continue
	fi
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -ne 0 ] && status=1
done
echo "unit: $passed passed, $failed failed"
exit $status
