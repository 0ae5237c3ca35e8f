# SPDX-License-Identifier: GPL-2.0
# Sourced by scripts/qemu-source.sh and scripts/libvirt-source.sh: find and
# download the upstream tarball of a Debian source package. The caller sets
# PKG, WANT (the upstream series it is made for, e.g. 10.2), CACHE and ME
# (the name its messages carry) and defines die().

# The source versions apt knows, newest first: those of $WANT, then the rest.
debian_source_versions() {
	apt-cache showsrc "$PKG" 2>/dev/null |
		awk '$1 == "Version:" { print $2 }' | sort -u |
		while read -r v; do
			u=${v#*:}
			case "$u" in "$WANT".*) echo "0 $v" ;; *) echo "1 $v" ;; esac
		done | sort -k1,1n -k2,2Vr | awk '{ print $2 }'
}

# Download the first of the versions in $1 (newest first) whose upstream
# tarball the mirror has, into $CACHE/dl. Sets version, tarball and
# maintainer (from the .dsc, or from apt's index when only the tarball
# downloaded).
debian_source_download() {
	local v upstream
	mkdir -p "$CACHE/dl" || die "cannot create $CACHE/dl"
	version=""
	for v in $1; do
		rm -rf "${CACHE:?}/dl/"* "$TREE.tmp"
		echo "$ME: apt-get source --download-only $PKG=$v"
		# A version the index lists can be missing on the mirror (404: take
		# the next), or only its .dsc can be missing: the tarball, checked
		# by apt against the index, is what we need.
		(cd "$CACHE/dl" && apt-get -q source --download-only "$PKG=$v") \
			>"$CACHE/dl/apt.log" 2>&1
		upstream=${v#*:}
		upstream=${upstream%-*}
		if [ -f "$CACHE/dl/${PKG}_$upstream.orig.tar.xz" ]; then
			version=$v
			break
		fi
		sed 's/^/    /' "$CACHE/dl/apt.log" | tail -n 5 >&2
	done
	[ -n "$version" ] || die "no version of $PKG could be downloaded"
	case "${version#*:}" in
	"$WANT".*) ;;
	*) echo "$ME: warning: apt offers no $PKG $WANT; using $version," \
		"the series is made for $WANT" >&2 ;;
	esac
	tarball=$CACHE/dl/${PKG}_$upstream.orig.tar.xz
	maintainer=$(awk -F': ' '$1 == "Maintainer" { print $2; exit }' \
		"$CACHE"/dl/*.dsc 2>/dev/null)
	[ -n "$maintainer" ] ||
		maintainer=$(apt-cache showsrc "$PKG" 2>/dev/null |
			awk -F': ' -v v="$version" '
				/^$/ { m = ""; ver = "" }
				$1 == "Maintainer" { m = $2 }
				$1 == "Version" { ver = $2 }
				m != "" && ver == v { print m; exit }')
	[ -n "$maintainer" ] || die "no maintainer known for $PKG $version"
}
