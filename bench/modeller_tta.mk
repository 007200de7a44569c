# bench/modeller_tta.mk — a lens modeller averaged over the turns and flips
# of each stamp, on the held-out lenses of `make modellers-eval` (the top
# Makefile includes every bench/*.mk).
#   make bench_modeller_tta    both shipped default modellers, 2,000 lenses each
MODELLER_TTA = $(BUILD)/bench/modeller_tta

$(MODELLER_TTA): bench/modeller_tta.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< $(CORE_LIB) $(CORE_LIBS) -o $@

bench_modeller_tta: $(MODELLER_TTA)
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(MODELLER_TTA) models/sglens-modeller-ground-v2.sgw LSST g,r,i 2000 9101
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(MODELLER_TTA) models/sglens-modeller-space-v2.sgw Euclid VIS 2000 9102

.PHONY: bench_modeller_tta
