#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages: clean under mandoc -Tlint and groff -ww, and in step with the code: every
# option of `logtallyd --help`, every key of conf/KEYS.md and every reloadable key appears in
# the page that documents it.
. "$(dirname "$0")/lib.sh"
M=$LT_SRCDIR/man
pages=("$M/logtallyd.8" "$M/logtally.1" "$M/logtally.json.5")

for p in "${pages[@]}"; do
    if command -v mandoc >/dev/null; then
        assert_eq "" "$(mandoc -Tlint -W warning "$p" 2>&1)" "mandoc -Tlint: $(basename "$p")"
    fi
    assert_eq "" "$(groff -ww -z -mandoc "$p" 2>&1)" "groff -ww -z: $(basename "$p")"
done
command -v mandoc >/dev/null || not_ok "mandoc not installed (Debian package mandoc)"

for opt in $("$LOGTALLYD" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
    tr -d '\\' <"$M/logtallyd.8" | grep -qF -- "Fl ${opt#-}" && ok "logtallyd.8 documents $opt" \
        || not_ok "logtallyd.8 lacks $opt"
done
# The CLI's options, per command, in logtally.1 (once the build has the CLI).
if [ -x "${LOGTALLY:-}" ]; then
    for cmd in "" scan stats top tail; do
        for opt in $("$LOGTALLY" $cmd --help | grep -oE -- '(^|[ ,[])--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+' | sort -u); do
            tr -d '\\' <"$M/logtally.1" | grep -qF -- "Fl ${opt#-}" && ok "logtally.1 documents ${cmd:-logtally} $opt" \
                || not_ok "logtally.1 lacks ${cmd:-logtally} $opt"
        done
    done
fi
for key in $(grep -oE '^\| `[a-z_.]+`' "$LT_SRCDIR/conf/KEYS.md" | tr -d '|` '); do
    grep -qE "^\.It Li $key " "$M/logtally.json.5" && ok "logtally.json.5 documents $key" \
        || not_ok "logtally.json.5 lacks $key"
done
# The reloadable keys: the header's list, the page's "Reloadable." marks and logtallyd.8 agree.
code=$(grep -oE '^ +X\("[a-z_.]+"' "$LT_SRCDIR/include/lt_config_reload.h" | grep -oE '[a-z_.]+' | sort | tr '\n' ' ')
page=$(awk '/^\.It Li /{k=$3} /^Reloadable\.$/{print k}' "$M/logtally.json.5" | sort | tr '\n' ' ')
assert_eq "$code" "$page" "reloadable keys in logtally.json.5"
for key in $code; do
    grep -qE "^\.Li $key( ,)?$" "$M/logtallyd.8" && ok "logtallyd.8 names reloadable $key" \
        || not_ok "logtallyd.8 SIGHUP section lacks $key"
done
lt_finish
