#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The live page at / and /api/v1/history, seen by curl and by real browsers: Debian's chromium
# (and firefox-esr when installed) driven headless by puppeteer-core, which the test installs
# from tests/browser/package-lock.json into the build tree. The page must show exactly what
# /api/v1/stats says, draw one chart series per level with data, show an error sent after it
# loaded within two seconds, and be a correct snapshot with JavaScript off.
. "$(dirname "$0")/lib.sh"
cat >"$T/logtally.json" <<'JSON'
{ "labels": ["level", "host", "app"] }
JSON
lt_start -c "$T/logtally.json"

# A known mix over TCP (RFC 5424, one per line), with markup in a message and in an app name.
{
    for i in 1 2; do echo '<11>1 - web1 nginx - - - upstream timed out'; done
    echo '<11>1 - db1 postgres - - - disk <b>bold</b> & "full"'
    echo '<11>1 - web2 <i>app</i> - - - hostile app name'
    echo '<10>1 - db1 postgres - - - checkpoint failed'
    for i in 1 2 3; do echo '<12>1 - web2 nginx - - - slow response'; done
    for i in 1 2 3; do echo '<14>1 - web1 cron - - - job done'; done
    for i in 1 2 3; do echo '<14>1 - web2 nginx - - - GET /'; done
    for i in 1 2; do echo '<15>1 - web1 cron - - - tick'; done
} | socat -u - "TCP:127.0.0.1:$TCP_PORT"
code=$(printf '[{' | curl -s -o /dev/null -w '%{http_code}' --data-binary @- "$URL/api/v1/ingest")
assert_eq 400 "$code" "a bad ingest body is rejected (one reject for the page to show)"
wait_processed 17 || not_ok "the daemon processed the mix"
assert_eq "0 0 1 4 3 0 6 2 0" "$(stat "' '.join(str(v) for v in s['levels'].values())")" \
    "the mix counted per level (emerg .. unknown)"

# ---- curl: the page, its headers and the escaping -----------------------------------------------
curl -s -D "$T/page.head" -o "$T/page.html" "$URL/"
tr -d '\r' <"$T/page.head" >"$T/page.h"
assert_match '^HTTP/1.1 200' "$(head -n1 "$T/page.h")" "GET / is 200"
assert_eq "text/html; charset=utf-8" "$(sed -n 's/^Content-Type: //Ip' "$T/page.h")" "GET / content type"
assert_eq "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'" \
    "$(sed -n 's/^Content-Security-Policy: //Ip' "$T/page.h")" "GET / Content-Security-Policy"
assert_eq 200 "$(curl -s -o /dev/null -I -w '%{http_code}' "$URL/")" "HEAD / is 200"
page=$(cat "$T/page.html")
assert_match '<tr data-level="err" class="lv-err"><th><span class="sw"></span>err</th><td class="n total">4</td>' "$page" "snapshot shows err 4"
assert_match 'id="events-total">16<' "$page" "snapshot shows 16 events"
assert_match 'id="rejected-total">1<' "$page" "snapshot shows 1 reject"
assert_match 'disk &lt;b&gt;bold&lt;/b&gt; &amp; &quot;full&quot;' "$page" "message markup is escaped"
assert_match '<td>&lt;i&gt;app&lt;/i&gt;</td>' "$page" "app name markup is escaped"
if grep -q '<b>bold\|<i>app' "$T/page.html"; then not_ok "raw markup from a log reached the page"; else ok "no raw markup from logs in the page"; fi
if grep -Eq '(src|href)="(https?:)?//' "$T/page.html"; then not_ok "the page loads something from elsewhere"; else ok "the page loads nothing from elsewhere"; fi
assert_match 'value="postgres"' "$(curl -s "$URL/?min_level=crit&app=postgres")" "filters echo into the form"
assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/?min_level=bogus")" "a bad filter is 400"

# ---- /api/v1/history -------------------------------------------------------------------------------
for bad in 0 abc 961 -5 ''; do
    assert_eq 400 "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/history?window=$bad")" "history window='$bad' is 400"
done
# The one-second tick moves the counts into the history; wait (bounded) until all are there.
hist_sum() { curl -sf "$URL/api/v1/history?window=$1" | python3 -c "import json,sys; h=json.load(sys.stdin); print(sum(sum(s['counts'].values()) for s in h['seconds']))"; }
for i in $(seq 1 60); do [ "$(hist_sum 900)" = 16 ] && break; sleep 0.1; done
assert_eq 16 "$(hist_sum 900)" "history over 900 s holds all 16 events"
shape=$(curl -sf "$URL/api/v1/history?window=5" | python3 -c "
import json,sys; h=json.load(sys.stdin)
ok = h['window'] == 5 and len(h['levels']) == 9 and 0 < len(h['seconds']) <= 5
ok = ok and all(b['t'] == a['t'] + 1 for a, b in zip(h['seconds'], h['seconds'][1:]))
print('ok' if ok else json.dumps(h))")
assert_eq ok "$shape" "history window=5: 9 levels, at most 5 consecutive seconds, oldest first"

# ---- the browsers ------------------------------------------------------------------------------------
run_browser() { # NAME EXECUTABLE [SCREENSHOT]
    local line
    LT_URL=$URL LT_BROWSER=$1 LT_BROWSER_EXE=$2 LT_TCP_PORT=$TCP_PORT LT_SCREENSHOT=${3:-} \
        NODE_PATH="$modules" timeout 120 node "$LT_SRCDIR/tests/browser/page-test.js" >"$T/$1.out" 2>&1
    echo "# $1 exit status $?"
    while IFS= read -r line; do
        case "$line" in
        "ok - "*) ok "${line#ok - }" ;;
        "FAIL - "*) not_ok "${line#FAIL - }" ;;
        *) echo "# $line" ;;
        esac
    done <"$T/$1.out"
}

chromium=${LT_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIP: browser part: needs $chromium, node and npm (./dev.sh test installs chromium, nodejs, npm)"
    lt_stop
    exit 77
fi
# puppeteer-core, pinned by the lock file, in the build tree (npm ci only when the lock changed).
dir=${LT_BUILDDIR:-$T}/tests/browser
modules=$dir/node_modules
if ! cmp -s "$LT_SRCDIR/tests/browser/package-lock.json" "$dir/package-lock.json" || [ ! -d "$modules/puppeteer-core" ]; then
    mkdir -p "$dir" && cp "$LT_SRCDIR/tests/browser/package.json" "$LT_SRCDIR/tests/browser/package-lock.json" "$dir/"
    if ! npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1; then
        cat "$T/npm.log"; rm -f "$dir/package-lock.json"
        echo "SKIP: browser part: npm could not install puppeteer-core (is the npm registry reachable?)"
        lt_stop
        exit 77
    fi
fi

shot=${LT_BUILDDIR:-$T}/tests/screenshot.png
run_browser chrome "$chromium" "$shot"
if [ -n "${LT_UPDATE_SCREENSHOT:-}" ] && [ -f "$shot" ]; then
    cp "$shot" "$LT_SRCDIR/docs/screenshot.png" && echo "# updated docs/screenshot.png"
fi
if [ -x /usr/bin/firefox-esr ]; then
    run_browser firefox /usr/bin/firefox-esr
else
    echo "# firefox-esr is not installed: the page was checked in chromium only"
fi

lt_stop
lt_finish
