#!/bin/bash
# sglens-average (checkpoint weight averaging): a file averaged with itself
# is unchanged, byte for byte; two versions of one architecture (space
# finder v2 and v3) average to a new, loadable model that still separates
# lenses; another architecture is refused.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"
CHECK_NAME="sglens-average"
source "$REPO/test/scripts/checks.sh"
make -C "$REPO" -s build/tools/sglens-average build/tools/sglens-eval >/dev/null
tools=$REPO/build/tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
v2=$REPO/models/sglens-finder-space-v2.sgw
v3=$REPO/models/sglens-finder-space-v3.sgw

"$tools/sglens-average" "$work/self.sgw" "$v3" "$v3" "$v3" >/dev/null
check "a model averaged with itself is unchanged" "$(cmp -s "$work/self.sgw" "$v3" && echo same)" same

"$tools/sglens-average" "$work/mean.sgw" "$v2" "$v3" >/dev/null
check "the mean differs from v2" "$(cmp -s "$work/mean.sgw" "$v2" || echo differs)" differs
check "the mean differs from v3" "$(cmp -s "$work/mean.sgw" "$v3" || echo differs)" differs
auroc=$(OPENBLAS_NUM_THREADS=1 "$tools/sglens-eval" --weights "$work/mean.sgw" --survey Euclid \
	--seed 9002 --n 400 | awk -F'|' '/^\| all / { print $4 + 0 }')
check "the mean of v2 and v3 loads and separates lenses (AUROC $auroc > 0.9)" \
	"$(awk -v a="$auroc" 'BEGIN { print (a > 0.9) ? "yes" : "no" }')" yes

rc=0
err=$("$tools/sglens-average" "$work/bad.sgw" "$v3" "$REPO/models/sglens-finder-space-v1.sgw" 2>&1) || rc=$?
check "another architecture is refused" "$rc:$(echo "$err" | grep -c 'another architecture')" "1:1"
check "nothing is written for a refused average" "$([ -e "$work/bad.sgw" ] && echo written || echo none)" none
checks_summary
