#!/bin/bash
# checks.sh — pass/fail counting shared by the scripted tests (source it,
# after setting CHECK_NAME to the test's name).
passed=0
failed=0

# check WHAT GOT WANT: a pass when the two strings are equal, else a failure that prints both.
check() {
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "$CHECK_NAME: $1: got '$2', expected '$3'"
	fi
}

# checks_summary: print "NAME: N passed, N failed"; succeeds only without failures.
checks_summary() {
	echo "$CHECK_NAME: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
