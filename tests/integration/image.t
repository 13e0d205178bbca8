#!/bin/sh
# The guest image: `make image`'s output has the documented layout, and
# building it again from the same inputs (with different file times) gives
# the same bytes and hash.
. "$(dirname "$0")/../lib/tap.sh"
build="$top/build"
img="$build/image"

need "$img/HASH"
echo "1..6"
kver=$(cat "$build/guest/KVER")
root="$img/rootfs"
mods="$root/lib/modules/$kver"

# One static binary; /init and the programs are symlinks to it.
links=0
for w in ready mem cpu syscall tasks net-stream net-rr bench-sink; do
	[ "$(readlink "$root/bin/$w")" = bench-guest ] || links=1
done
[ "$(readlink "$root/init")" = bin/bench-guest ] && [ -f "$root/bin/bench-guest" ] && [ $links = 0 ]
ok $? "rootfs: /init and /bin/<workload>, bin/bench-sink link to bin/bench-guest"

# Static: no program interpreter, so every backend runs the same bytes.
readelf -lW "$root/bin/bench-guest" >"$tmp/elf" 2>&1 && grep -q LOAD "$tmp/elf" &&
	! grep -q INTERP "$tmp/elf"
ok $? "bench-guest is a static ELF executable"

# virtio_net's dependencies come before it, each listed file exists.
order=$(sed 's|.*/||; s|\.ko$||' "$mods/bench.modules" | tr '\n' ' ')
missing=0
while read -r p; do [ -f "$mods/$p" ] || missing=1; done <"$mods/bench.modules"
echo "$order" | grep -q 'virtio_ring .*virtio .*virtio_pci .*failover .*net_failover virtio_net' &&
	[ $missing = 0 ] && [ "$(find "$mods" -name '*.ko' | wc -l)" = "$(wc -l <"$mods/bench.modules")" ]
ok $? "only the listed modules, dependencies first: $order"

[ -c "$root/dev/console" ] && [ -d "$root/proc" ] && [ -d "$root/sys" ] && [ -d "$root/tmp" ]
ok $? "dev/console and the mount points exist"

# Rebuild from the same programs and modules in a scratch build dir, with
# every input's time changed: the archive must not change.
mkdir -p "$tmp/b/static" "$tmp/b/guest"
cp -a "$build/static/bin" "$tmp/b/static/bin"
ln -s "$build/guest/kroot" "$tmp/b/guest/kroot"
cp "$build/guest/KVER" "$tmp/b/guest/KVER"
touch -d '2001-02-03 04:05:06' "$tmp/b/static/bin"/*
names="init $(ls "$root/bin" | grep -vx bench-guest)"
# shellcheck disable=SC2086
"$top/scripts/mkimage" "$tmp/b" $names >/dev/null
[ "$(cat "$tmp/b/image/HASH")" = "$(cat "$img/HASH")" ] && cmp -s "$tmp/b/image/initramfs.cpio" "$img/initramfs.cpio"
ok $? "rebuilt image has the same hash $(cut -c1-12 "$img/HASH")"

# HASH is the sha256 of the archive, and the archive lists sorted entries.
[ "$(sha256sum "$img/initramfs.cpio" | cut -d' ' -f1)" = "$(cat "$img/HASH")" ] &&
	cpio -it --quiet <"$img/initramfs.cpio" >"$tmp/list" && LC_ALL=C sort -c "$tmp/list"
ok $? "HASH is sha256 of initramfs.cpio; entries sorted"
