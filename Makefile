# SPDX-License-Identifier: GPL-2.0
# The README's two commands: `make demo` and `make check`. Everything real is
# in Meson (userspace) and scripts/kernel-check.sh (the s390x kernel gates).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
PREFIX     ?= /usr/local
DESTDIR    ?=

.PHONY: all deps tool-deps demo check test kernel-check series qemu-check qemu-series libvirt-check libvirt-series fuzz tsan bench install clean

# The tool alone: a C compiler, meson, ninja and json-c (tests if cmocka is there).
all: tool-deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD) --buildtype=debugoptimized --prefix=$(PREFIX) >/dev/null
	ninja -C $(BUILD)

deps:
	@sh scripts/install-deps.sh userspace

tool-deps:
	@sh scripts/install-deps.sh tool

demo: all
	APMIG_DEMO_HOSTS=data/hosts ./$(BUILD)/apmig demo

# Userspace tests under ASan+UBSan, fuzzers, TSan, then the kernel gates.
check: deps
	@bash scripts/check.sh

test: deps
	@bash scripts/check.sh --userspace-only

kernel-check:
	@bash scripts/kernel-check.sh

# The QEMU gates: the QEMU 10.2 series applied, qemu-system-s390x built,
# checkpatch, the tests that cover it (scripts/qemu-check.sh).
qemu-check:
	@bash scripts/qemu-check.sh

# The QEMU series as mail, signed off by you, on QEMU 10.2:
# build/qemu-series/.
qemu-series:
	@sh scripts/install-deps.sh qemu
	@bash scripts/series.sh qemu

# The libvirt gates: the libvirt 11.3 series applied, the QEMU driver and
# its tests built after every patch, syntax-check, the tests that cover it
# (scripts/libvirt-check.sh).
libvirt-check:
	@bash scripts/libvirt-check.sh

# The libvirt series as mail, signed off by you, on libvirt 11.3:
# build/libvirt-series/.
libvirt-series:
	@sh scripts/install-deps.sh libvirt
	@bash scripts/series.sh libvirt

# The kernel series as mail, signed off by you (git config user.name and
# user.email), on Linux 7.3: build/series/.
series:
	@sh scripts/install-deps.sh kernel
	@bash scripts/series.sh kernel

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

# Time and instructions of the stop-and-copy path per guest size (not part
# of check; about a minute): docs/performance.md.
bench: deps
	@sh scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory all
	meson test -C $(BUILD) --benchmark --suite bench --num-processes 1

# The prefix of an existing build directory follows PREFIX (meson keeps the
# one of its first setup otherwise); DESTDIR only stages the files.
install: all
	meson configure $(BUILD) --prefix=$(PREFIX) >/dev/null
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir "$(DESTDIR)")

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
