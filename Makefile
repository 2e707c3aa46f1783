# crmgate - build, check, demo, bench, install.
#
#   make                 build bin/crmgate
#   make check           build and run every test against real servers (and the
#                        sanitized suite when CHECK_SANITIZED=1, as CI does)
#   make SANITIZE=address,undefined check   the suite under ASan and UBSan
#   make asan            the same, in its own build folder
#   make demo            set up, build, start the embedded PostgreSQL, run the demo
#   make bench           the benchmarks in bench/
#   make install PREFIX=/usr/local DESTDIR=
#   make deps [PROFILE=build|demo|check|bench]   only install what is missing
#   make format          put the C files in .clang-format's layout (make check
#                        fails on a file that is not: tests/build/test_clang_format)
#
# Every target first runs scripts/deps.sh with what that target needs (build:
# the compiler and -dev packages; demo: and PostgreSQL; check: and the test
# servers, LibreOffice, Chromium; bench: and Node.js), which installs what is
# missing (Debian packages, by name) and is instant when nothing is. The
# libraries' flags are read from pkg-config only after that, into
# $(OUT)/config.mk: on a fresh machine there is nothing to read before.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
SANITIZE ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

PKGS := libpq libzip libxml-2.0 libcurl libmicrohttpd libcrypto
TEST_PKGS := criterion

ifeq ($(SANITIZE),)
OUT ?= build/rel
OPT := -O2
else
OUT ?= build/san
OPT := -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

# What the goals on the command line need installed; the largest wins.
DEPS_PROFILE := $(or $(if $(filter bench,$(MAKECMDGOALS)),bench),$(if $(filter check asan servers-check,$(MAKECMDGOALS)),check),$(if $(filter demo,$(MAKECMDGOALS)),demo),build)

.DEFAULT_GOAL := all

# The library flags, once deps.sh has run. Goals that build nothing do not
# need them (and must not install packages).
ifneq ($(filter-out clean deps format,$(or $(MAKECMDGOALS),all)),)
-include $(OUT)/config.mk
endif

$(OUT)/config.mk: Makefile scripts/deps.sh
	@sh scripts/deps.sh $(DEPS_PROFILE)
	@mkdir -p $(OUT)
	@cflags=$$(pkg-config --cflags $(PKGS)) && libs=$$(pkg-config --libs $(PKGS)) && \
		printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\n' "$$cflags" "$$libs" >$@.tmp && mv $@.tmp $@

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Werror
CFLAGS ?= -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) $(OPT) $(CFLAGS) -I. -I$(OUT) $(PKG_CFLAGS)
LDFLAGS ?=
ALL_LDFLAGS := $(OPT) $(LDFLAGS)
# libetpan by plain -letpan: its .pc file adds Debian build specs (needs libdpkg-perl, non-PIE)
LIBS = $(PKG_LIBS) -letpan -lm

LIB_SRC := $(wildcard common/*.c crm/*.c gen/*.c merge/*.c gateway/*.c analytics/*.c survey/*.c)
CLI_SRC := $(wildcard cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o) $(OUT)/embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(OUT)/%.o)
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(OUT)/tests/%)
# Word templates live unpacked (templates/quote/word/document.xml...) and are
# zipped at build time; text templates are embedded as they are.
DOCX_DIRS := $(sort $(patsubst %/word/document.xml,%,$(wildcard templates/*/word/document.xml)))
DOCX_BUILT := $(DOCX_DIRS:%=$(OUT)/%.docx)
EMBED_FILES := $(sort $(wildcard sql/*.sql)) $(sort $(filter-out $(DOCX_DIRS),$(wildcard templates/*)))
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BIN := $(OUT)/crmgate

.PHONY: all deps check asan demo bench install clean tests format
.DELETE_ON_ERROR:

all: bin/crmgate

deps:
	@sh scripts/deps.sh $(or $(PROFILE),check)

bin/crmgate: $(BIN)
	@mkdir -p bin
	cp $(BIN) $@

$(BIN): $(LIB_OBJ) $(CLI_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB_OBJ) $(LIBS)

$(OUT)/libcrmgate.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DCRMGATE_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

# The SQL migrations and demo templates travel inside the binary.
$(OUT)/embedgen: scripts/embedgen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $<

$(OUT)/mkdocx: scripts/mkdocx.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

.SECONDEXPANSION:
$(OUT)/templates/%.docx: $(OUT)/mkdocx $$(shell find templates/$$* -type f)
	@mkdir -p $(dir $@)
	$(OUT)/mkdocx $@ templates/$*

# A built template is embedded under its source name: templates/quote.docx.
$(OUT)/embedded.c: $(OUT)/embedgen $(EMBED_FILES) $(DOCX_BUILT) Makefile
	$(OUT)/embedgen $(EMBED_FILES) $(foreach d,$(DOCX_BUILT),$(d:$(OUT)/%=%)=$(d)) > $@

$(OUT)/embedded.o: $(OUT)/embedded.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

TEST_CFLAGS = $(ALL_CFLAGS) $(shell pkg-config --cflags $(TEST_PKGS)) -Itests
TEST_LIBS = $(OUT)/libcrmgate.a $(LIBS) $(shell pkg-config --libs $(TEST_PKGS))

$(OUT)/tests/testlib.o: tests/testlib.c tests/testlib.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(OUT)/tests/%: tests/%.c tests/testlib.h $(OUT)/tests/testlib.o $(OUT)/libcrmgate.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(OUT)/tests/testlib.o $(ALL_LDFLAGS) $(TEST_LIBS)

tests: $(BIN) $(TEST_BIN)

# The entry points install what they need first, then build in a make of
# their own (in parallel, and reading the flags that now exist).
check:
	@sh scripts/deps.sh check
	@$(MAKE) --no-print-directory -j$(JOBS) tests
	@CRMGATE_BIN=$(abspath $(BIN)) sh tests/run.sh $(OUT)/tests $(TEST_BIN:$(OUT)/tests/%=%)
ifeq ($(CHECK_SANITIZED),1)
	@$(MAKE) --no-print-directory asan
endif

asan:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined check

# Smoke test of the real test servers of tests/servers/ on 127.0.0.1.
.PHONY: servers-check
servers-check:
	@sh scripts/deps.sh check
	@sh tests/servers/check.sh

demo:
	@sh scripts/deps.sh demo
	@$(MAKE) --no-print-directory -j$(JOBS) bin/crmgate
	./bin/crmgate demo

bench:
	@sh scripts/deps.sh bench
	@$(MAKE) --no-print-directory -j$(JOBS) bin/crmgate
	sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 bin/crmgate $(DESTDIR)$(PREFIX)/bin/crmgate
	install -m 644 doc/crmgate.1 $(DESTDIR)$(PREFIX)/share/man/man1/crmgate.1

format:
	@sh scripts/format.sh

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
