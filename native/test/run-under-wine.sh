#!/bin/sh
# Runs a Windows console program under Wine in a private prefix (../../target/native/wineprefix by
# default), with one persistent wineserver for the run, stopped at the end whatever happens.
# usage: run-under-wine.sh <prefix-dir> <program.exe> [args...]
set -u
prefix=$1
shift
case $prefix in
    /*) ;;
    *) prefix=$(pwd)/$prefix ;;   # Wine insists on an absolute WINEPREFIX
esac
export WINEPREFIX="$prefix" WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$prefix"

if [ ! -f "$prefix/system.reg" ]; then
    echo "run-under-wine: creating the Wine prefix $prefix (once)"
    if ! timeout 120 wine wineboot -i >/dev/null 2>&1; then
        echo "run-under-wine: wineboot failed"
        timeout 30 wineserver -k >/dev/null 2>&1
        exit 1
    fi
fi
timeout 60 wineserver -p >/dev/null 2>&1 &
trap 'timeout 30 wineserver -k >/dev/null 2>&1' EXIT
trap 'exit 130' INT      # a signal must end through the EXIT trap too (dash skips it otherwise)
trap 'exit 143' TERM

timeout 120 wine "$@"
status=$?
if [ "$status" -eq 124 ]; then
    echo "run-under-wine: the suite did not finish within 120 s"
fi
exit "$status"
