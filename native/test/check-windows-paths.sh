#!/bin/sh
# Runs native/Makefile's Windows branch here, the way AppVeyor runs it: OS=Windows_NT, Maven's C:\...
# paths on make's command line (JAVA_INCLUDE with a space in it), MSYS2's cygpath to turn them into
# POSIX paths. A stand-in cygpath maps drive C: onto a temporary folder, so the paths exist and the DLL
# really gets built; the mingw cross tools stand in for MSYS2's gcc and objdump. Guards the bug where
# make's command-line variables beat the Makefile's conversions and C:\... reached make and sh.
# usage: check-windows-paths.sh <jni-headers-dir> <java-include-dir> <work-dir> <cc> <objdump> [<classes-dir>]
set -eu
headers=$1
java_include=$2
work=$3
cc=$4
objdump=$5
classes=${6:-}   # the real classes, so check-dll can tell stale headers (their class moved) from current ones
native=$(cd "$(dirname "$0")/.." && pwd)

rm -rf "$work"
mkdir -p "$work/bin"
root=$work/drives
log=$work/make.log

# cygpath -u as MSYS2 has it: C:\a\b and C:/a/b give /c/a/b, POSIX paths stay; $CYGPATH_ROOT in front.
cat > "$work/bin/cygpath" <<'EOF'
#!/bin/sh
[ "$#" -eq 2 ] && [ "$1" = -u ] || { echo "cygpath stand-in: usage: cygpath -u PATH" >&2; exit 1; }
[ -n "$2" ] || { echo "cygpath: can't convert empty path" >&2; exit 1; }
case $2 in
    [A-Za-z]:*)
        drive=$(printf '%s' "$2" | cut -c1 | tr 'A-Z' 'a-z')
        printf '%s/%s%s\n' "${CYGPATH_ROOT:-}" "$drive" "$(printf '%s' "$2" | cut -c3- | tr '\\' /)" ;;
    *)  printf '%s\n' "$2" | tr '\\' / ;;
esac
EOF
chmod +x "$work/bin/cygpath"

# Drive C: as AppVeyor's: the project in C:\projects\iocp4j, the JDK under C:\Program Files.
mkdir -p "$root/c/projects/iocp4j/target/jni-headers" "$root/c/Program Files/Java/jdk17/include"
cp "$headers"/*.h "$root/c/projects/iocp4j/target/jni-headers/"
cp "$java_include/jni.h" "$root/c/Program Files/Java/jdk17/include/"

# What Maven passes on Windows (pom.xml, native-dll and native-tests), with Windows' backslashes.
win_make() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS PATH="$work/bin:$PATH" OS=Windows_NT \
        make -C "$native" "$@" CC="$cc" OBJDUMP="$objdump" \
        'JAVA_INCLUDE=C:\Program Files\Java\jdk17\include' \
        'JNI_HEADERS=C:\projects\iocp4j\target\jni-headers' \
        'BUILD_DIR=C:\projects\iocp4j\target\native' \
        'OUT_DIR=C:\projects\iocp4j\target\classes\META-INF\native\windows-x86_64' \
        CLASSES_DIR="$classes"
}
fail() {
    echo "check-windows-paths: FAILED: $1"
    sed 's/^/    /' "$log"
    exit 1
}

# 1. The build for real (CYGPATH_ROOT: C: is $root/c): the DLL, its export/import check, the suite's exe.
c=$root/c/projects/iocp4j/target
dll=$c/classes/META-INF/native/windows-x86_64/iocp4j.dll
CYGPATH_ROOT=$root win_make check "$c/native/iocp4j-tests.exe" > "$log" 2>&1 \
    || fail "make check with C:\\... paths"
[ -f "$dll" ] || fail "no DLL at $dll"
[ -f "$c/native/iocp4j-tests.exe" ] || fail "no test program at $c/native/iocp4j-tests.exe"

# 2. The commands MSYS2 would run (CYGPATH_ROOT empty: C: is /c, as there): quoted spaces, no C: left.
CYGPATH_ROOT= win_make -n test > "$log" 2>&1 || fail "make -n test with C:\\... paths"
include='-I"/c/Program Files/Java/jdk17/include" -I/c/projects/iocp4j/target/jni-headers'
grep -F -e "-c $native/Win32Port.c -o /c/projects/iocp4j/target/native/Win32Port.o" "$log" \
    | grep -qF -e "$include" || fail "no compile line with $include"
grep -qF '/c/projects/iocp4j/target/native/iocp4j-tests.exe /c/projects/iocp4j/target/classes/META-INF/native/windows-x86_64/iocp4j.dll' \
    "$log" || fail "the suite is not run on the converted paths"
if grep -n -e 'C:' -e '\\' "$log"; then
    fail "a Windows path reached make's commands (above)"
fi

echo "check-windows-paths: OS=Windows_NT with C:\\... arguments: DLL built, commands on /c/... paths"
rm -rf "$work"
