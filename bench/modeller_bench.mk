# bench/modeller_bench.mk — checks of the lens modellers on the held-out
# lenses of `make modellers-eval` (the top Makefile includes every bench/*.mk).
#   make bench_modeller_tta     averaged over the turns and flips of each stamp
#                               (2,000 lenses per shipped default modeller)
#   make bench_modeller_light   does θ_E follow the lens light? (1,000 lenses each;
#                               ground v2 and space v2 see the lens galaxy, space
#                               v3 and the opt-in space v4 and ground v3 do not)
MODELLER_TTA = $(BUILD)/bench/modeller_tta
MODELLER_LIGHT = $(BUILD)/bench/modeller_light
MODELLER_BENCH_ENV = OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX

$(BUILD)/bench/modeller_%: bench/modeller_%.c bench/modeller_bench.c bench/modeller_bench.h \
		bench/bench_stats.c bench/bench_stats.h $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< bench/modeller_bench.c bench/bench_stats.c $(CORE_LIB) $(CORE_LIBS) -o $@

bench_modeller_tta: $(MODELLER_TTA)
	$(MODELLER_BENCH_ENV) $(MODELLER_TTA) models/sglens-modeller-ground-v2.sgw LSST g,r,i 2000 9101
	$(MODELLER_BENCH_ENV) $(MODELLER_TTA) models/sglens-modeller-space-v2.sgw Euclid VIS 2000 9102

bench_modeller_light: $(MODELLER_LIGHT)
	$(MODELLER_BENCH_ENV) $(MODELLER_LIGHT) models/sglens-modeller-ground-v2.sgw LSST g,r,i 1000 9101
	$(MODELLER_BENCH_ENV) $(MODELLER_LIGHT) models/sglens-modeller-space-v2.sgw Euclid VIS 1000 9102
	$(MODELLER_BENCH_ENV) $(MODELLER_LIGHT) models/sglens-modeller-space-v3.sgw Euclid VIS 1000 9102
	$(if $(wildcard models/sglens-modeller-space-v4.sgw),$(MODELLER_BENCH_ENV) $(MODELLER_LIGHT) models/sglens-modeller-space-v4.sgw Euclid VIS 1000 9102)
	$(if $(wildcard models/sglens-modeller-ground-v3.sgw),$(MODELLER_BENCH_ENV) $(MODELLER_LIGHT) models/sglens-modeller-ground-v3.sgw LSST g$(comma)r$(comma)i 1000 9101)

.PHONY: bench_modeller_tta bench_modeller_light
