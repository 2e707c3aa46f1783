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
#
# Every target first runs scripts/deps.sh, which installs what is missing
# (Debian packages, by name) and is instant when nothing is.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
SANITIZE ?=

PKGS := libpq libzip libxml-2.0 libcurl libmicrohttpd libcrypto
TEST_PKGS := criterion

ifeq ($(SANITIZE),)
OUT ?= build/rel
OPT := -O2
else
OUT ?= build/san
OPT := -O1 -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla -Werror
CFLAGS ?= -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(OPT) $(CFLAGS) -I. -I$(OUT) \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS ?=
ALL_LDFLAGS := $(OPT) $(LDFLAGS)
# libetpan by plain -letpan: its .pc file adds Debian build specs (needs libdpkg-perl, non-PIE)
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -letpan -lm

LIB_SRC := $(wildcard common/*.c crm/*.c merge/*.c gateway/*.c analytics/*.c)
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

.PHONY: all deps check asan demo bench install clean tests
.DELETE_ON_ERROR:

all: deps bin/crmgate

deps:
	@sh scripts/deps.sh

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
	$(CC) -std=c17 -O2 -Wall -Wextra -Werror $(shell pkg-config --cflags libzip) -o $@ $< \
		$(shell pkg-config --libs libzip)

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

check: deps tests
	@CRMGATE_BIN=$(abspath $(BIN)) sh tests/run.sh $(OUT)/tests $(TEST_BIN:$(OUT)/tests/%=%)
ifeq ($(CHECK_SANITIZED),1)
	@$(MAKE) --no-print-directory asan
endif

asan:
	@$(MAKE) --no-print-directory SANITIZE=address,undefined check

# Smoke test of the real test servers of tests/servers/ on 127.0.0.1.
.PHONY: servers-check
servers-check: deps
	@sh tests/servers/check.sh

demo: all
	./bin/crmgate demo

bench: all
	sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 bin/crmgate $(DESTDIR)$(PREFIX)/bin/crmgate
	install -m 644 doc/crmgate.1 $(DESTDIR)$(PREFIX)/share/man/man1/crmgate.1

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
