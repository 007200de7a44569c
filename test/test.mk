# test/test.mk — programs the scripted and regression tests need.
TEST_TOOLS = $(BUILD)/test/make_test_models $(BUILD)/test/print_presets

$(BUILD)/test/%: test/tools/%.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CORE_CC) $(CORE_CFLAGS) $< $(CORE_LIB) $(CORE_LIBS) -o $@

test-tools: $(TEST_TOOLS)

.PHONY: test-tools
