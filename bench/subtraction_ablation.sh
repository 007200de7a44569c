#!/bin/bash
# Does subtracting the lens light before the CNN help the lens modeller?
# Trains small modellers with everything equal (architecture, seed, steps,
# data) except what they see: the stamps as they are (keep), the stamps with
# a fitted Sérsic lens light subtracted (subtract), or those followed by
# a plane marking where the lens galaxy is and how it is oriented (marked;
# sglens-train --lens-light); a variant ending in -beta or -beta1
# (keep-beta, ...) is trained with the β-NLL gradient, β = 0.5 or 1
# (--nll-beta).  Prints their held-out checks (1000 lenses of another
# population, every arc S/N) and bench/modeller_tta's one-pass line (the
# 2,000 lenses of `make modellers-eval`, arc S/N >= 20) side by side.
#   bench/subtraction_ablation.sh [STEPS] [ground|space] [VARIANT...]
# Defaults: 2500 steps, ground, all three variants.  Resumable: a run that
# was interrupted continues from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-2500}
which=${2:-ground}
shift $(($# < 2 ? $# : 2))
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(keep subtract marked)
case $which in
ground) data=(--survey LSST --bands g,r,i --input 48 --seed 5001) eval=(LSST g,r,i 2000 9101) ;;
space) data=(--survey Euclid --bands VIS --input 64 --seed 5101) eval=(Euclid VIS 2000 9102) ;;
*)
	echo "usage: $0 [STEPS] [ground|space] [keep|subtract|marked[-beta|-beta1] ...]" >&2
	exit 2
	;;
esac
dir=build/ablation
mkdir -p "$dir"
make -s tools build/bench/modeller_tta
common=(--task modeller "${data[@]}" --steps "$steps"
	--batch 32 --lr 2e-3 --warmup 300 --weight-decay 1e-4 --shift 4 --supersampling 2 --stem 16
	--stem-kernel 5 --stages 16:1,32:1d,64:1d,128:1d --eval-every "$steps" --eval-n 1000
	--checkpoint-every 250 --checkpoint "$dir")
for variant in "${variants[@]}"; do
	name=$which-$variant
	resume=()
	[ -f "$dir/$name.state" ] && resume=(--resume)
	case $variant in
	*-beta1) input=${variant%-beta1} loss=(--nll-beta 1) ;;
	*-beta) input=${variant%-beta} loss=(--nll-beta 0.5) ;;
	*) input=$variant loss=() ;;
	esac
	OPENBLAS_NUM_THREADS=1 build/tools/sglens-train --model "$name" --out "$dir/$name.sgw" \
		"${common[@]}" --lens-light "$input" "${loss[@]}" "${resume[@]}" >>"$dir/$name.log" 2>&1
done
for variant in "${variants[@]}"; do
	echo "== $which-$variant ($steps steps)"
	grep -A8 "^eval step $steps:" "$dir/$which-$variant.log" | tail -9
	# the held-out lenses of `make modellers-eval`, arc S/N >= 20, one pass
	OPENBLAS_NUM_THREADS=1 build/bench/modeller_tta "$dir/$which-$variant.sgw" "${eval[@]}" | sed -n '1p;4p'
done
