#!/usr/bin/env bash
# Build the large image of the benchmark: a minimal Debian (debootstrap's
# minbase variant, some 200 MB), to show that a copy-on-write root starts
# as fast from it as from busybox's 2 MB.
#
# usage: images/debian.sh [DEST]      (as root; default: images/debian)
#
# The suite is NUTSHELL_DEBIAN_SUITE (default bookworm), the mirror
# NUTSHELL_DEBIAN_MIRROR (default http://deb.debian.org/debian). The tree
# is built beside DEST and renamed into place, so an interrupted build
# never leaves a half-made image; DEST/etc/nutshell-image records what it
# is. Running it again when DEST holds an image of this recipe does
# nothing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-$here/debian}
suite=${NUTSHELL_DEBIAN_SUITE:-bookworm}
mirror=${NUTSHELL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
recipe=1

[ $# -le 1 ] || {
	echo "usage: $0 [DEST]" >&2
	exit 2
}
if grep -qsx "recipe=$recipe" "$dest/etc/nutshell-image"; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$0: must be run as root: debootstrap installs packages into the tree as root" >&2
	exit 1
fi
"$here/../scripts/deps" --as "$0" bench
tmp=$(mktemp -d "$(dirname "$dest")/.debian.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp.log
if ! debootstrap --variant=minbase "$suite" "$tmp/root" "$mirror" >"$log" 2>&1; then
	tail -n 5 "$log" >&2
	rm -f "$log"
	echo "$0: debootstrap $suite from $mirror failed (see above)" >&2
	exit 1
fi
rm -f "$log"
# the files the runtime binds over, from step 08 on
touch "$tmp/root/etc/"{hosts,hostname,resolv.conf}
rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
{
	echo "# nutshell image: Debian $suite, debootstrap --variant=minbase"
	echo "recipe=$recipe"
	echo "source=$mirror $suite"
} >"$tmp/root/etc/nutshell-image"
rm -rf "$dest"
mv "$tmp/root" "$dest"
