#!/bin/bash
# enumctl check and compile on the example zones and on bad files: exit
# codes and the exact file:line:col diagnostics each bad file declares in its
# "# expect: LINE:COL: severity: text" comments ("; expect:" in RFC 1035 files).
set -u
: "${BUILD_DIR:?}" "${SOURCE_DIR:?}"
ENUMCTL="$BUILD_DIR/bin/enumctl"
CASES="$SOURCE_DIR/tests/integration/zones/check"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# 1. The examples pass check (warnings allowed) and the summary names each zone.
for f in "$SOURCE_DIR"/zones/examples/*.yaml; do
    if "$ENUMCTL" check "$f" >"$TMP/out" 2>"$TMP/err"; then ok; else bad "check $f exited $?: $(cat "$TMP/err")"; fi
    grep -q '^0 errors' "$TMP/out" && ok || bad "check $f: no '0 errors' summary"
done
"$ENUMCTL" check "$SOURCE_DIR/zones/examples/lab.yaml" >"$TMP/out" 2>&1
grep -q '^zone e164.arpa.: 24 records (7 generated), serial auto$' "$TMP/out" && ok || bad "lab summary: $(cat "$TMP/out")"

# 2. Every bad file (YAML, and one RFC 1035 file: same validation, file:line):
# the declared diagnostics appear, exit 1 for errors, 0 for warnings only.
for f in "$CASES"/*.yaml "$CASES"/*.zone; do
    "$ENUMCTL" check "$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if grep -qE '^[#;] expect: .*: error:' "$f"; then want=1; else want=0; fi
    [ "$rc" = "$want" ] && ok || bad "check $f exited $rc, expected $want"
    while IFS= read -r line; do
        expect="$f:${line#? expect: }"
        grep -qF -- "$expect" "$TMP/err" && ok || { bad "check $f: missing '$expect'"; sed 's/^/    /' "$TMP/err"; }
    done < <(grep -E '^[#;] expect: ' "$f")
    # Nothing reported without a declaration: count errors and warnings.
    declared=$(grep -cE '^[#;] expect: ' "$f")
    reported=$(grep -c -E ': (error|warning): ' "$TMP/err")
    [ "$declared" = "$reported" ] && ok || { bad "check $f: $reported diagnostics, $declared declared"; sed 's/^/    /' "$TMP/err"; }
done

# Diagnostics come in reading order (by line, then column).
"$ENUMCTL" check "$CASES/bad_records.yaml" 2>"$TMP/err" >/dev/null
grep -oE '^[^:]+:[0-9]+:[0-9]+' "$TMP/err" | awk -F: '{print $2 * 1000 + $3}' >"$TMP/pos"
sort -n -c "$TMP/pos" 2>/dev/null && [ -s "$TMP/pos" ] && ok || bad "diagnostics not in reading order: $(cat "$TMP/err")"

# 3. All files at once: every error of every file is reported in one run.
"$ENUMCTL" check "$CASES"/*.yaml >"$TMP/out" 2>"$TMP/err"
[ $? = 1 ] && ok || bad "check of all bad files should exit 1"
# ...plus one error for the origin e164.arpa. that two of the files define.
total=$(( $(cat "$CASES"/*.yaml | grep -c '^# expect: ') + 1 ))
[ "$(grep -c -E ': (error|warning): ' "$TMP/err")" = "$total" ] && ok || bad "all at once: expected $total diagnostics"
grep -qF "$CASES/warn_only.yaml:4:9: error: zone e164.arpa. is also defined at $CASES/bad_naptr.yaml:8:9" "$TMP/err" \
    && ok || bad "origin defined twice not reported: $(cat "$TMP/err")"

# Missing files and directories are diagnostics (exit 1), not crashes.
"$ENUMCTL" check "$TMP/missing.yaml" "$CASES" >/dev/null 2>"$TMP/err"
[ $? = 1 ] && ok || bad "check of a missing file and a directory should exit 1"
grep -qF "$TMP/missing.yaml: error: cannot read '$TMP/missing.yaml'" "$TMP/err" && ok || bad "missing file: $(cat "$TMP/err")"
grep -qF "$CASES: error: '$CASES' is a directory, not a zone file" "$TMP/err" && ok || bad "directory: $(cat "$TMP/err")"

# 4. Usage errors exit 2.
"$ENUMCTL" check >/dev/null 2>&1; [ $? = 2 ] && ok || bad "check without files should exit 2"
"$ENUMCTL" compile "$SOURCE_DIR/zones/examples/lab.yaml" >/dev/null 2>&1; [ $? = 2 ] && ok || bad "compile without --db should exit 2"
"$ENUMCTL" nonsense >/dev/null 2>&1; [ $? = 2 ] && ok || bad "unknown command should exit 2"

# 5. compile writes the examples, reports serials and a rate; a second compile changes nothing.
"$ENUMCTL" compile --db "$TMP/db" "$SOURCE_DIR"/zones/examples/*.yaml >"$TMP/out" 2>"$TMP/err"
[ $? = 0 ] && ok || bad "compile examples: $(cat "$TMP/err")"
grep -q '^zone e164.arpa.: 24 records, .* serial 1$' "$TMP/out" && ok || bad "compile output: $(cat "$TMP/out")"
grep -q '^zone 3gppnetwork.org.: 46 records, .* serial 2026112301$' "$TMP/out" && ok || bad "compile output: $(cat "$TMP/out")"
grep -qE '^70 records in .* records/s$' "$TMP/out" && ok || bad "compile rate line: $(cat "$TMP/out")"
"$ENUMCTL" compile --db "$TMP/db" "$SOURCE_DIR"/zones/examples/*.yaml >"$TMP/out" 2>"$TMP/err"
grep -q '^zone e164.arpa.: 24 records, .* serial 1 (unchanged)$' "$TMP/out" && ok || bad "recompile: $(cat "$TMP/out")"

# 6. A changed auto-serial zone gets serial + 1; a zone with errors writes nothing.
sed 's/server1.example.net$/server9.example.net/' "$SOURCE_DIR/zones/examples/lab.yaml" >"$TMP/lab.yaml"
mkdir -p "$TMP/lab.d" && cp "$SOURCE_DIR/zones/examples/lab.d/ranges.yaml" "$TMP/lab.d/"
"$ENUMCTL" compile --db "$TMP/db" "$TMP/lab.yaml" >"$TMP/out" 2>"$TMP/err"
grep -q '^zone e164.arpa.: 24 records, .* serial 2$' "$TMP/out" && ok || bad "auto serial bump: $(cat "$TMP/out" "$TMP/err")"
cp "$CASES/bad_numbers.yaml" "$TMP/bad.yaml"
"$ENUMCTL" compile --db "$TMP/db" "$TMP/bad.yaml" >"$TMP/out" 2>"$TMP/err"
[ $? = 1 ] && ok || bad "compile of a bad zone should exit 1"
grep -q 'nothing written' "$TMP/err" && ok || bad "compile of a bad zone: $(cat "$TMP/err")"

# 7. An error only the checks find (they run beside the write): nothing switched, no new database left.
printf '$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\nx IN NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:x@example.net!" .\nx IN CNAME ns1\n' >"$TMP/cname.zone"
"$ENUMCTL" compile --db "$TMP/newdb" "example.net.=$TMP/cname.zone" >"$TMP/out" 2>"$TMP/err"
[ $? = 1 ] && ok || bad "compile of a zone with a CNAME beside a NAPTR should exit 1"
grep -q "cname.zone:6.*beside other data" "$TMP/err" && grep -q 'nothing written' "$TMP/err" && ok || bad "checks' error: $(cat "$TMP/err")"
[ ! -e "$TMP/newdb" ] && ok || bad "a database was left at $TMP/newdb: $(ls -la "$TMP/newdb")"
"$ENUMCTL" compile --db "$TMP/db" "e164.arpa.=$TMP/cname.zone" >"$TMP/out" 2>"$TMP/err"
[ $? = 1 ] && ok || bad "compile of the bad zone over an existing database should exit 1"
"$ENUMCTL" compile --db "$TMP/db" "$TMP/lab.yaml" >"$TMP/out" 2>"$TMP/err"
grep -q '^zone e164.arpa.: 24 records, .* serial 2 (unchanged)$' "$TMP/out" && ok || bad "the refused compile changed the database: $(cat "$TMP/out" "$TMP/err")"

echo "test_check.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
