#!/usr/bin/env bash
# Build the busybox image: a root filesystem made of one statically linked
# busybox, its applet links, the usual directories and a minimal /etc.
#
# usage: images/busybox.sh [DEST]      (default: images/busybox next to this file)
#
# No Docker and no network beyond Debian's archive: the busybox is the host's
# own if it is statically linked, otherwise Debian's busybox-static package,
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` (nothing is
# installed). Where it came from (package, version, sha256) is recorded in
# DEST/etc/nutshell-image, with the recipe's version. The tree is built
# beside DEST and renamed into place, so an interrupted build never leaves
# a half-made image. Running it again when DEST already holds an image of
# this recipe does nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-$here/busybox}
package=busybox-static
# Raised when the recipe changes what it builds: an image of an older
# recipe is built again.
recipe=2

usage() {
	echo "usage: $0 [DEST]" >&2
	exit 2
}

is_static() {
	[ -x "$1" ] && ! LC_ALL=C readelf -lW "$1" 2>/dev/null | grep -q 'program interpreter'
}

# Print "path<TAB>origin" for a static busybox, fetching one if needed.
find_busybox() {
	local tmp=$1 bb deb
	for bb in /bin/busybox /usr/bin/busybox; do
		if is_static "$bb"; then
			printf '%s\t%s\n' "$bb" "host $(host_origin "$bb")"
			return
		fi
	done
	if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
		echo "$0: no static busybox on this host and no apt-get to fetch one: install busybox-static (or busybox built statically) and run make image again" >&2
		exit 1
	fi
	if ! (cd "$tmp" && apt-get download -q "$package" >/dev/null 2>"$tmp/apt.log"); then
		echo "$0: apt-get download $package failed (see below); run 'sudo apt-get update' or 'sudo apt-get install $package', then make image again" >&2
		tail -n 3 "$tmp/apt.log" >&2
		exit 1
	fi
	deb=$(echo "$tmp"/"$package"_*.deb)
	dpkg-deb -x "$deb" "$tmp/pkg"
	printf '%s\t%s\n' "$tmp/pkg/bin/busybox" \
		"debian $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
}

host_origin() {
	local pkg
	if pkg=$(dpkg -S "$1" 2>/dev/null | cut -d: -f1) && [ -n "$pkg" ]; then
		echo "$pkg $(dpkg-query -W -f '${Version}' "$pkg")"
	else
		echo "$1 (not from a package)"
	fi
}

build() {
	local root=$1 bb=$2 origin=$3 link dir
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,mnt,var,run}
	# Mount points the runtime uses, made here once so that running a
	# container never has to create anything inside the image: directories
	# for /proc, /sys, /dev, and empty files for the /etc files that step
	# 08 on bind-mounts from its own (hosts, hostname, resolv.conf).
	mkdir -p "$root"/{proc,sys,dev,tmp}
	touch "$root"/etc/{hosts,hostname,resolv.conf}
	chmod 1777 "$root/tmp"
	chmod 700 "$root/root"
	install -m 755 "$bb" "$root/bin/busybox"
	# One symlink per applet, where busybox says it lives (usr/bin/env...).
	for link in $("$root/bin/busybox" --list-full); do
		case $link in bin/busybox | linuxrc) continue ;; esac
		dir=$(dirname "$link")
		mkdir -p "$root/$dir"
		ln -sf "$(relative_to_bin "$dir")busybox" "$root/$link"
	done
	cat >"$root/etc/passwd" <<-'END'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	END
	cat >"$root/etc/group" <<-'END'
		root:x:0:
		nogroup:x:65534:
	END
	cat >"$root/etc/os-release" <<-'END'
		NAME="nutshell busybox"
		ID=nutshell-busybox
		PRETTY_NAME="nutshell busybox image"
	END
	{
		echo "# nutshell image: a static busybox and its applet links"
		echo "recipe=$recipe"
		echo "source=$origin"
		echo "sha256=$(sha256sum "$bb" | cut -d' ' -f1)"
		echo "version=$("$bb" 2>&1 | head -n 1)"
	} >"$root/etc/nutshell-image"
}

# "usr/bin" -> "../../bin/", "bin" -> "", "sbin" -> "../bin/"
relative_to_bin() {
	case $1 in
	bin) echo "" ;;
	sbin) echo "../bin/" ;;
	usr/bin | usr/sbin) echo "../../bin/" ;;
	*) echo "/bin/" ;;
	esac
}

main() {
	[ $# -le 1 ] || usage
	if grep -qsx "recipe=$recipe" "$dest/etc/nutshell-image"; then
		exit 0
	fi
	local found
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/nutshell-image.XXXXXX")
	trap 'rm -rf "$tmp" "$dest.tmp"' EXIT
	found=$(find_busybox "$tmp")
	rm -rf "$dest.tmp"
	build "$dest.tmp" "${found%%$'\t'*}" "${found#*$'\t'}"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	echo "built $dest from $(grep '^source=' "$dest/etc/nutshell-image" | cut -d= -f2-)" >&2
}

main "$@"
