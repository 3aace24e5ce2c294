#!/bin/sh
# Checks the built DLL against the JNI headers: every Java_ function the headers declare is exported
# (and nothing else named Java_ is), and every DLL it imports is a system DLL, so it loads on a bare
# Windows with no mingw runtime beside it.
# usage: check-dll.sh <objdump> <iocp4j.dll> <jni-headers-dir> [<classes-dir>]
set -eu
objdump=$1
dll=$2
headers=$3
tmp=${TMPDIR:-/tmp}/iocp4j-check.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

"$objdump" -p "$dll" > "$tmp/dump"
# A header whose class is gone (moved or renamed since the last `mvn clean`) is stale: javac -h never
# deletes it. With the classes folder given, such headers are left out, and named.
classes=${4:-}
: > "$tmp/current"
for h in "$headers"/*.h; do
    name=$(basename "$h" .h)
    case "$name" in
        org_iocp4j_internal_linux_*) continue ;; # libiocp4j.so's natives (native/linux/Makefile checks them)
    esac
    if [ -n "$classes" ] && [ ! -f "$classes/$(echo "$name" | tr '_' '/').class" ]; then
        echo "check-dll: ignoring $h: its class is gone (a stale header; mvn clean removes it)"
        continue
    fi
    cat "$h" >> "$tmp/current"
done
tr -c 'A-Za-z0-9_' '\n' < "$tmp/current" | grep '^Java_' | LC_ALL=C sort -u > "$tmp/declared"
tr -c 'A-Za-z0-9_' '\n' < "$tmp/dump" | grep '^Java_' | LC_ALL=C sort -u > "$tmp/exported"
failed=0
missing=$(LC_ALL=C comm -23 "$tmp/declared" "$tmp/exported")
extra=$(LC_ALL=C comm -13 "$tmp/declared" "$tmp/exported")
if [ -n "$missing" ]; then
    echo "check-dll: natives declared in Java but not exported by $dll:"; echo "$missing"; failed=1
fi
if [ -n "$extra" ]; then
    echo "check-dll: Java_ exports with no native declared in Java:"; echo "$extra"; failed=1
fi

allowed='^(kernel32|ntdll|msvcrt|ws2_32|mswsock|advapi32|api-ms-win-crt-[a-z0-9-]+)\.dll$'
grep 'DLL Name:' "$tmp/dump" | sed 's/.*DLL Name: *//' | tr 'A-Z' 'a-z' | tr -d '\r' > "$tmp/imports"
while read -r name; do
    if ! echo "$name" | grep -Eq "$allowed"; then
        echo "check-dll: $dll imports $name, which is not a system DLL"; failed=1
    fi
done < "$tmp/imports"

if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "check-dll: $(wc -l < "$tmp/declared" | tr -d ' ') natives exported; imports: $(tr '\n' ' ' < "$tmp/imports")"
