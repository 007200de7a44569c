# bench/modeller_light.mk — does a lens modeller's θ_E follow the lens light
# rather than the arcs? (the top Makefile includes every bench/*.mk)
#   make bench_modeller_light    the shipped default modellers, 1,000 lenses each
MODELLER_LIGHT = $(BUILD)/bench/modeller_light

$(MODELLER_LIGHT): bench/modeller_light.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< $(CORE_LIB) $(CORE_LIBS) -o $@

bench_modeller_light: $(MODELLER_LIGHT)
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(MODELLER_LIGHT) models/sglens-modeller-ground-v2.sgw LSST g,r,i 1000 9101
	OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX $(MODELLER_LIGHT) models/sglens-modeller-space-v2.sgw Euclid VIS 1000 9102

.PHONY: bench_modeller_light
