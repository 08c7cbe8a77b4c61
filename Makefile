# crace: one flat Makefile. `make`, `make test`, `make demo`, `make bench`,
# `make install`, `make clean`. Knobs below may be overridden:
#   make CC=clang     make PREFIX=/opt/crace DESTDIR=/tmp/stage install
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Werror
BASEFLAGS := -std=c11 -D_GNU_SOURCE -fPIC $(WARN) -MMD -MP
LIBDIR   := $(BUILD)/lib
BINDIR   := $(BUILD)/bin
OBJDIR   := $(BUILD)/obj
TESTDIR  := $(BUILD)/tests

# `make` before the dependency check would fail with obscure errors on a
# fresh machine; the stamp makes the check run once per build tree.
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all test unit-test cc-test e2e-test samples-test report-test san-test stress fuzz demo bench bench-runtime install clean deps
all: runtime detector

$(DEPS_OK): .ci/install-deps
	@mkdir -p $(BUILD)
	@sh .ci/install-deps
	@touch $@
deps: $(DEPS_OK)

# ---------------------------------------------------------------- runtime
RT_SRC   := $(wildcard runtime/src/*.c)
RT_OBJ   := $(RT_SRC:%.c=$(OBJDIR)/%.o)
RT_CFLAGS := $(BASEFLAGS) $(CFLAGS) -Iruntime/include -fvisibility=hidden -pthread \
	-fno-builtin-memcpy -fno-builtin-memmove -fno-builtin-memset
RT_LIBS  := -lunwind -ldw -lelf -lpthread -ldl
RT_SO    := $(LIBDIR)/libgochan.so
RT_A     := $(LIBDIR)/libgochan.a

.PHONY: runtime
runtime: $(RT_SO) $(RT_A) $(LIBDIR)/pkgconfig/gochan.pc

$(OBJDIR)/runtime/%.o: runtime/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -c $< -o $@

$(RT_SO): $(RT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libgochan.so -o $@ $^ $(RT_LIBS)

$(RT_A): $(RT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBDIR)/pkgconfig/gochan.pc: runtime/gochan.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' $< > $@

# ---------------------------------------------------------------- detector
# libcrace.so, the LD_PRELOAD shim: never instrumented itself, hidden
# visibility (it exports only what it intercepts), initial-exec TLS so its
# per-thread state costs one load, no frame pointer (the access entry
# points need no stack frame; stacks are unwound with DWARF CFI). runtime/src/symbolize.c is shared with
# libgochan (compiled into each, hidden).
DET_SRC   := $(wildcard detector/*.c) runtime/src/symbolize.c
DET_OBJ   := $(DET_SRC:%.c=$(OBJDIR)/det/%.o)
DET_CFLAGS := $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -Idetector -fvisibility=hidden \
	-ftls-model=initial-exec -pthread
# libatomic stays needed though the shim defines every libatomic function it
# calls itself (tsan_atomic.c): its definitions pass the shim's own calls on
# to libatomic's (dlsym RTLD_NEXT), which must be loaded for any program.
DET_LIBS  := -lunwind -ldw -lelf -lpthread -ldl -Wl,--push-state,--no-as-needed -latomic -Wl,--pop-state
DET_SO    := $(LIBDIR)/libcrace.so
STUB_SO   := $(LIBDIR)/libcrace_stub.so
# The access fast path linked into what `crace cc` builds (detector/access.h).
FAST_A    := $(LIBDIR)/libcrace_fast.a
# The command links the shim's options parser too (detector/cmd/detector_rt.c
# gives it the command's allocation and messages), and its judge of what
# an exec runs (crace run checks COMMAND as the shim checks its children).
CMD_SHARED := detector/options.c detector/exec_target.c
CMD_SRC   := $(wildcard detector/cmd/*.c) $(CMD_SHARED)
CMD_OBJ   := $(CMD_SRC:%.c=$(OBJDIR)/%.o)
CRACE     := $(BINDIR)/crace

# The gcc plugin crace cc loads into gcc (detector/gcc_plugin/): built for
# the gcc on PATH, with its plugin headers (gcc-N-plugin-dev), into a
# directory named by that gcc's exact version, which is how crace cc finds
# the plugin for the gcc it runs. Without the headers it is left out (gcc
# builds then check each read a statement also writes). The stamp is
# remade when the plugin's source changes; the version is asked at build
# time, since a fresh machine gets gcc from .ci/install-deps.
GCC_PLUGIN_DIR := $(LIBDIR)/crace-gcc-plugin
GCC_PLUGIN_SRC := $(wildcard detector/gcc_plugin/*.cc)
GCC_PLUGIN_HDR := $(wildcard detector/gcc_plugin/*.h)
GCC_PLUGIN_OK  := $(GCC_PLUGIN_DIR)/.built

$(GCC_PLUGIN_OK): $(GCC_PLUGIN_SRC) $(GCC_PLUGIN_HDR) | $(DEPS_OK)
	@mkdir -p $(GCC_PLUGIN_DIR)
	@inc=$$(gcc -print-file-name=plugin)/include; v=$$(gcc -dumpfullversion); \
	if [ -f "$$inc/gcc-plugin.h" ] && [ -n "$$v" ]; then \
	    mkdir -p $(GCC_PLUGIN_DIR)/$$v && \
	    echo "g++ -shared -o $(GCC_PLUGIN_DIR)/$$v/crace_gcc_plugin.so $(GCC_PLUGIN_SRC)" && \
	    g++ -std=gnu++17 $(OPT) -fPIC -shared -fno-rtti -Wall -Wextra -Werror -I"$$inc" \
	        -o $(GCC_PLUGIN_DIR)/$$v/crace_gcc_plugin.so $(GCC_PLUGIN_SRC) || exit 1; \
	else \
	    echo "crace: gcc's plugin headers are not installed (gcc-N-plugin-dev): no gcc plugin"; \
	fi
	@touch $@

.PHONY: detector
detector: $(DET_SO) $(STUB_SO) $(FAST_A) $(CRACE) $(GCC_PLUGIN_OK)

$(OBJDIR)/det/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(DET_CFLAGS) -c $< -o $@

$(DET_SO): $(DET_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libcrace.so -Wl,-z,nodelete -Wl,-z,defs -o $@ $^ $(DET_LIBS)

$(OBJDIR)/stub/stub.o: detector/stub/stub.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -Idetector -ftls-model=initial-exec -c $< -o $@

$(OBJDIR)/fast/tsan_fast.o: detector/fast/tsan_fast.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(DET_CFLAGS) -fomit-frame-pointer -c $< -o $@

$(FAST_A): $(OBJDIR)/fast/tsan_fast.o
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(STUB_SO): $(OBJDIR)/stub/stub.o
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libcrace_stub.so -o $@ $^ -latomic

$(OBJDIR)/detector/cmd/%.o: detector/cmd/%.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -Idetector -c $< -o $@

$(CMD_SHARED:%.c=$(OBJDIR)/%.o): $(OBJDIR)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -Idetector -c $< -o $@

$(CRACE): $(CMD_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^

# ---------------------------------------------------------------- tests
# One cmocka program per module: tests/unit/test_<module>.c.
RT_TEST_SRC := $(wildcard tests/unit/test_runtime_*.c)
RT_TESTS    := $(RT_TEST_SRC:tests/unit/%.c=$(TESTDIR)/%)
# Detector unit tests link the shim's objects directly: the test process
# then runs with the detector active, as a preloaded program would.
DET_TEST_SRC := $(wildcard tests/unit/test_det_*.c)
DET_TESTS    := $(DET_TEST_SRC:tests/unit/%.c=$(TESTDIR)/%)
UNIT_TESTS  := $(RT_TESTS) $(DET_TESTS)

$(TESTDIR)/test_det_%: tests/unit/test_det_%.c $(DET_OBJ) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -Idetector -pthread $< $(DET_OBJ) -o $@ \
	    -lcmocka $(DET_LIBS) -lm

$(TESTDIR)/test_runtime_%: tests/unit/test_runtime_%.c $(RT_SO) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Iruntime/include -Iruntime/src -pthread $< -o $@ \
	    -L$(LIBDIR) -Wl,-rpath,'$$ORIGIN/../lib' -lgochan -lcmocka -lm

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; case $$t in /*) $$t ;; *) ./$$t ;; esac; done

# The engine alone (no interceptors, no compiler-ABI entry points), built
# with gcc's ThreadSanitizer and AddressSanitizer, runs the unit tests of
# its modules: the detector's own data structures must be race- and
# memory-error-free.
SAN_CC      ?= gcc
SANITIZERS  := thread address
ENGINE_SRC  := $(filter-out detector/intercept_% detector/tsan_%,$(wildcard detector/*.c)) runtime/src/symbolize.c
SAN_TESTS   := vclock stackdepot history shadow sync options heap
SAN_BINS    := $(foreach s,$(SANITIZERS),$(foreach t,$(SAN_TESTS),$(TESTDIR)/san-$(s)/test_det_$(t)))

define SAN_RULES
$(OBJDIR)/san-$(1)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $$(dir $$@)
	$(SAN_CC) $(BASEFLAGS) -O1 -g -fsanitize=$(1) -fno-omit-frame-pointer -Iruntime/include -Iruntime/src \
	    -Idetector -pthread -c $$< -o $$@
$(TESTDIR)/san-$(1)/test_det_%: $(OBJDIR)/san-$(1)/tests/unit/test_det_%.o \
	    $(ENGINE_SRC:%.c=$(OBJDIR)/san-$(1)/%.o)
	@mkdir -p $$(dir $$@)
	$(SAN_CC) -fsanitize=$(1) -pthread $$^ -o $$@ -lcmocka $(DET_LIBS)
endef
$(foreach s,$(SANITIZERS),$(eval $(call SAN_RULES,$(s))))

# Keep the sanitizer objects (intermediate files of the pattern rules
# above) instead of rebuilding them on every run.
.SECONDARY:

san-test: $(SAN_BINS)
	@set -e; for t in $(SAN_BINS); do echo "== $$t"; case $$t in /*) ;; *) t=./$$t ;; esac; \
	    TSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=0 $$t; done

# End-to-end: real programs built with `crace cc` by both compilers, run
# under the shim, their reports checked line by line (tests/e2e/run.py).
E2E_CC ?= gcc clang
e2e-test: all
	python3 tests/e2e/run.py $(BUILD) $(E2E_CC)

# The samples: each buggy and fixed program's expected output under crace.
samples-test: all
	sh samples/check.sh $(BUILD) $(E2E_CC)

# crace report: every output format checked (SARIF against the official
# schema, HTML rendered in headless Chromium).
report-test: all
	sh tests/report/run.sh $(BUILD)
	sh tests/report/crace_run.sh $(BUILD)

# What crace cc builds: the stub and the fast path linked in, native runs,
# the fast-path contract's version check (tests/cc/run.sh).
cc-test: all
	sh tests/cc/run.sh $(BUILD)

# The end-to-end verdicts first, the cmocka summaries last.
test: all docs-check e2e-test samples-test report-test cc-test san-test unit-test

# ---------------------------------------------------------------- stress
# crace at scale: 10,000 live goroutines and pthreads, 1,000,000 threads
# over a run, minutes of mutex and channel traffic; both ThreadSanitizers beside
# it for comparison (tests/stress/run.sh has the checks and the knobs).
# Not part of `make test`: about 10 minutes on 2 cores.
stress: all
	sh tests/stress/run.sh $(BUILD)

# ---------------------------------------------------------------- fuzz
# libFuzzer (clang) on the parsers of what users and files hand crace:
# CRACE_OPTIONS, suppression files, and the JSON Lines `crace report`
# reads. Each fuzzer links only its parser's sources (and, for the
# detector's, a test-only shim, tests/fuzz/fuzz_rt.c): the shim's
# interceptors would clash with AddressSanitizer's. Any crash, leak or UBSan error fails the run;
# the input that caused it is kept in $(BUILD)/fuzz/artifacts/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_DIR     := $(BUILD)/fuzz
FUZZERS      := options suppress report
FUZZ_options_SRC  := detector/options.c tests/fuzz/fuzz_rt.c
FUZZ_suppress_SRC := detector/suppress.c detector/options.c detector/textbuf.c tests/fuzz/fuzz_rt.c
FUZZ_report_SRC   := detector/cmd/findings.c detector/cmd/json.c detector/cmd/xalloc.c

$(OBJDIR)/fuzz/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -Iruntime/include -Iruntime/src \
	    -Idetector -Idetector/cmd -pthread -c $< -o $@

define FUZZ_RULES
$(FUZZ_DIR)/fuzz_$(1): $(OBJDIR)/fuzz/tests/fuzz/fuzz_$(1).o $$(FUZZ_$(1)_SRC:%.c=$(OBJDIR)/fuzz/%.o)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread $$^ -o $$@
endef
$(foreach f,$(FUZZERS),$(eval $(call FUZZ_RULES,$(f))))

# New inputs go to $(BUILD)/fuzz/corpus/NAME; the checked-in seeds in
# tests/fuzz/corpus/NAME are only read. -close_fd_mask=2 silences the
# parsers' own messages about bad input; sanitizer reports still print.
fuzz: $(FUZZERS:%=$(FUZZ_DIR)/fuzz_%)
	@set -e; for f in $(FUZZERS); do \
	    echo "== fuzz_$$f: $(FUZZ_SECONDS) s"; \
	    mkdir -p $(FUZZ_DIR)/corpus/$$f $(FUZZ_DIR)/artifacts/$$f; \
	    $(FUZZ_DIR)/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -close_fd_mask=2 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_DIR)/artifacts/$$f/ $(FUZZ_DIR)/corpus/$$f tests/fuzz/corpus/$$f; \
	done

# ---------------------------------------------------------------- docs
# docs/options.md comes from the option list; make test fails when it is
# stale.
GEN_OPTIONS := $(BUILD)/gen_options
$(GEN_OPTIONS): docs/gen_options.c $(DET_OBJ)
	$(CC) $(BASEFLAGS) $(CFLAGS) -Idetector -Iruntime/src -Iruntime/include $< $(DET_OBJ) -o $@ $(DET_LIBS)

.PHONY: docs docs-check
docs: $(GEN_OPTIONS)
	$(abspath $(GEN_OPTIONS)) > docs/options.md
	python3 samples/gen-guide.py $(BUILD)

docs-check: $(GEN_OPTIONS)
	@$(abspath $(GEN_OPTIONS)) | cmp -s - docs/options.md || \
	    { echo "docs/options.md is stale: run make docs"; exit 1; }

# ---------------------------------------------------------------- demo
# The checkwebsites sample, buggy then fixed, built and run under crace.
DEMO_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Iruntime/include -pthread
DEMO_LIBS   := -L$(LIBDIR) -Wl,-rpath,$(abspath $(LIBDIR)) -lgochan
demo: all
	@mkdir -p $(BUILD)/demo
	@for v in race fixed; do \
	    CRACE_CC=$(CC) $(CRACE) cc $(DEMO_CFLAGS) -o $(BUILD)/demo/checkwebsites_$$v \
	        samples/checkwebsites/checkwebsites_$$v.c $(DEMO_LIBS) || exit 1; \
	done
	@echo "== crace run $(BUILD)/demo/checkwebsites_race   (a data race: exit status 66)"
	@$(CRACE) run --out $(BUILD)/demo/reports $(BUILD)/demo/checkwebsites_race; echo "exit status $$?"
	@echo
	@echo "== crace run $(BUILD)/demo/checkwebsites_fixed  (results over a channel: no findings)"
	@$(CRACE) run --out $(BUILD)/demo/reports $(BUILD)/demo/checkwebsites_fixed; echo "exit status $$?"

# ---------------------------------------------------------------- bench
bench-runtime: all
	@sh tests/bench/runtime/run.sh $(BUILD) "$(CC)"

# crace beside both ThreadSanitizers on the same workloads (medians of 5;
# BENCH_CALLGRIND=1 for instruction counts): see docs/performance.md.
bench: all
	@sh tests/bench/detector/run.sh $(BUILD)

# ---------------------------------------------------------------- install
# crace finds its libraries as ../lib next to its own executable, so bin/
# and lib/ stay siblings under PREFIX.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/doc/crace
	install -m 755 $(CRACE) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(RT_SO) $(DET_SO) $(STUB_SO) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(RT_A) $(FAST_A) $(DESTDIR)$(PREFIX)/lib/
	for d in $(GCC_PLUGIN_DIR)/*/; do \
	    [ -d "$$d" ] || continue; v=$$(basename "$$d"); \
	    install -d $(DESTDIR)$(PREFIX)/lib/crace-gcc-plugin/$$v && \
	    install -m 755 "$$d"/*.so $(DESTDIR)$(PREFIX)/lib/crace-gcc-plugin/$$v/ || exit 1; \
	done
	install -m 644 runtime/include/gochan.h runtime/include/gochan_hooks.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(LIBDIR)/pkgconfig/gochan.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/crace/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/crace.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJDIR) -name '*.d' 2>/dev/null)
