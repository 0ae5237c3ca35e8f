#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages a make target needs, when they are missing.
# Usage: install-deps.sh tool|userspace|kernel|bench|qemu|libvirt
# Exits 2 naming the package that could not be installed. Elsewhere than on
# Debian it installs nothing: it says what the target needs.
#
# "kernel" also makes Debian's experimental suite known to apt, pinned to
# priority 1 so that nothing is upgraded from it (linux-source-7.3 is only
# there: scripts/kernel-source.sh downloads it), and unstable's source
# packages (scripts/kernel-sparse.sh). "qemu" makes unstable's source
# packages (QEMU 10.2, scripts/qemu-source.sh) and its binaries, pinned
# the same way, known. "libvirt" makes the source packages of Debian 13
# (trixie, libvirt 11.3) and of unstable known (scripts/libvirt-source.sh).
# Their URI is the one of the machine's own Debian entry: the repository
# names no mirror.
set -eu

tool="gcc meson ninja-build pkg-config libjson-c-dev"
userspace="gcc clang meson ninja-build pkg-config libjson-c-dev libcmocka-dev
	   libclang-rt-14-dev llvm python3"
kernel="gcc-s390x-linux-gnu binutils-s390x-linux-gnu sparse coccinelle
	ocaml-nox qemu-system-misc bc flex bison libelf-dev libssl-dev xz-utils
	python3 make perl rsync kmod cpio gcc libc6-dev git"
bench="valgrind python3"
# QEMU 10.2's lean s390x build (scripts/qemu-check.sh), its s390-ccw
# firmware (cross compiler) and checkpatch.pl; meson >= 1.5 comes from
# unstable when the system's is older (qemu-check.sh unpacks it).
qemu="gcc libc6-dev make ninja-build pkg-config python3 python3-venv
      libglib2.0-dev zlib1g-dev libfdt-dev device-tree-compiler flex bison
      gcc-s390x-linux-gnu git perl xz-utils"
# libvirt 11.3 built with the QEMU driver alone and its tests
# (scripts/libvirt-check.sh): what its meson.build requires on Linux with
# every optional library off but libnl, and what its syntax-check runs.
libvirt="gcc libc6-dev meson ninja-build pkg-config python3 python3-docutils
	 libglib2.0-dev libxml2-dev libxml2-utils xsltproc libgnutls28-dev
	 libjson-c-dev libtirpc-dev libnl-3-dev libnl-route-3-dev
	 git make perl xz-utils"

case "${1:-}" in
tool) want=$tool ;;
userspace) want=$userspace ;;
kernel) want=$kernel ;;
bench) want=$bench ;;
qemu) want=$qemu ;;
libvirt) want=$libvirt ;;
*) echo "usage: $0 tool|userspace|kernel|bench|qemu|libvirt" >&2; exit 2 ;;
esac

# Not Debian (RHEL, SLES, ...): no apt. The tool needs a C compiler, meson,
# ninja and json-c; the rest is for the tests and the kernel gates.
if [ ! -f /etc/debian_version ]; then
	if [ "$1" = tool ]; then
		command -v meson >/dev/null && command -v ninja >/dev/null &&
			pkg-config --exists json-c 2>/dev/null && exit 0
		echo "install-deps: not Debian: install a C compiler, meson, ninja and json-c's development files" >&2
		echo "  (RHEL, Fedora: gcc meson ninja-build pkgconf-pkg-config json-c-devel; SLES: gcc meson ninja pkg-config libjson-c-devel)" >&2
		exit 2
	fi
	echo "install-deps: not Debian, installing nothing: '$1' needs what these Debian packages hold: $(echo $want)" >&2
	exit 0
fi

# Does apt know this suite's binaries (Packages) or sources (Sources)?
suite_known() {
	apt-get indextargets --format '$(CREATED_BY) $(SUITE) $(CODENAME)' 2>/dev/null |
		awk -v t="$1" -v s="$2" '$1 == t && ($2 == s || $3 == s) { f = 1 } END { exit !f }'
}

# "URI Signed-By" of the machine's Debian archive: the deb822 or one-line
# entry for the system's own codename (not -updates/-security).
debian_uri() {
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# Stanzas are separated by blank lines; fields may be in any order.
		awk -v want="$codename" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uri != "")
				{ print uri, (key == "" ? "-" : key); found = 1; exit }
			types = suites = uri = key = ""
		}
		/^[ \t]*$/ { flush(); next }
		/^#/ { next }
		tolower($1) == "types:" { $1 = ""; types = $0 }
		tolower($1) == "suites:" { $1 = ""; suites = $0 }
		tolower($1) == "uris:" { uri = $2 }
		tolower($1) == "signed-by:" { key = $2 }
		END { if (!found) flush() }' "$f"
	done
	[ -f /etc/apt/sources.list ] &&
	awk -v want="$codename" '
	$1 == "deb" {
		i = 2
		if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		if ($(i + 1) == want) { print $i, "-"; exit }
	}' /etc/apt/sources.list
}

# Make binaries (deb) or sources (deb-src) of a suite of the machine's
# Debian archive known to apt. Binaries are pinned to priority 1: installed
# only when asked for by version or suite, never as an upgrade.
add_suite() {
	type=$1 suite=$2
	if [ "$type" = deb-src ]; then
		name=apmig-$suite-src index=Sources
	else
		name=apmig-$suite index=Packages
		pin=/etc/apt/preferences.d/apmig-$suite
		[ -f "$pin" ] ||
			printf 'Package: *\nPin: release a=%s\nPin-Priority: 1\n' "$suite" >"$pin"
	fi
	suite_known "$index" "$suite" && return 0
	set -- $(debian_uri | head -n 1)
	if [ $# -lt 1 ]; then
		echo "install-deps: no Debian entry in /etc/apt/sources.list{,.d} to take the $suite URI from" >&2
		exit 2
	fi
	echo "install-deps: adding Debian $suite ($type, $1)"
	{
		echo "Types: $type"
		echo "URIs: $1"
		echo "Suites: $suite"
		echo "Components: main"
		[ "${2:--}" = - ] || echo "Signed-By: $2"
	} >/etc/apt/sources.list.d/$name.sources
	apt-get update -qq >/dev/null 2>&1 || true
	suite_known "$index" "$suite" || {
		echo "install-deps: apt does not see Debian $suite ($type) after adding it" >&2
		exit 2
	}
}

# linux-source-7.3 is in experimental; Debian 12's sparse is too old for
# 7.3 and scripts/kernel-sparse.sh builds unstable's from source.
if [ "$1" = kernel ]; then
	if [ "$(id -u)" = 0 ]; then
		add_suite deb experimental
		add_suite deb-src unstable
	elif ! suite_known Packages experimental || ! suite_known Sources unstable; then
		echo "install-deps: Debian experimental (deb) and unstable (deb-src) must be in apt's sources (run as root to add them)" >&2
		exit 2
	fi
fi

# QEMU 10.2 is unstable's source package qemu (scripts/qemu-source.sh);
# unstable's binaries, pinned, give meson and pycotap to a Debian 12.
if [ "$1" = qemu ]; then
	if [ "$(id -u)" = 0 ]; then
		add_suite deb-src unstable
		add_suite deb unstable
	elif ! suite_known Sources unstable || ! suite_known Packages unstable; then
		echo "install-deps: Debian unstable (deb and deb-src) must be in apt's sources (run as root to add them)" >&2
		exit 2
	fi
fi

# libvirt 11.3 is the source package of Debian 13 (trixie); unstable's is
# the fallback when the mirror has no 11.3 (scripts/libvirt-source.sh).
if [ "$1" = libvirt ]; then
	if [ "$(id -u)" = 0 ]; then
		add_suite deb-src trixie
		add_suite deb-src unstable
	elif ! suite_known Sources trixie || ! suite_known Sources unstable; then
		echo "install-deps: Debian trixie and unstable (deb-src) must be in apt's sources (run as root to add them)" >&2
		exit 2
	fi
fi

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 2
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt_log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; } >"$apt_log" 2>&1; then
	tail -n 20 "$apt_log" >&2
	for p in $missing; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			echo "install-deps: cannot install Debian package '$p'" >&2
	done
	rm -f "$apt_log"
	exit 2
fi
rm -f "$apt_log"
