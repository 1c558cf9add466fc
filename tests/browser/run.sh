#!/usr/bin/env bash
# Proves the themes in a real browser. Builds the sample site with the default theme and with
# themes/plain, then:
#   - checks every generated HTML page with the Nu Html Checker (vnu-jar): 0 errors;
#   - opens the home page, a section, an article, an archive month, a print page and a print
#     edition in headless Chromium with axe-core: no serious or critical violation, in the
#     light and the dark colour scheme; no page scrolls sideways from 320 px to 1440 px;
#   - prints an article's print page, its normal page and a print edition to PDF and checks
#     with pdftotext that the article is there and the navigation and [Print] [Close] are not;
#   - takes screenshots (desktop 1280 px, mobile 390 px, dark, the first printed page).
# It installs what it needs (Debian's chromium, poppler-utils and a Java runtime; the npm
# packages pinned in package-lock.json) and fails with a message naming each failed check.
#
# Usage: tests/browser/run.sh [--out DIR]   (default: target/browser; the README's
#        screenshots are made with --out docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/browser
if [ "${1:-}" = "--out" ]; then out=$2; fi
mkdir -p "$out"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The packages' own install scripts would download a Java runtime and browsers; the machine's
# are used instead.
(cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

cargo build --release --quiet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for theme in default plain; do
  root="$scratch/$theme-root"
  site="$scratch/$theme-site"
  mkdir -p "$root"
  cp -r content themes bulletin.toml "$root/"
  sed -i "s/^theme = .*/theme = \"$theme\"/" "$root/bulletin.toml"
  target/release/bulletin build --quiet --root "$root" --output "$site"

  echo "== $theme theme: Nu Html Checker on $(find "$site" -name '*.html' | wc -l) pages"
  if java -jar tests/browser/node_modules/vnu-jar/build/dist/vnu.jar \
      --errors-only --skip-non-html --format gnu "$site"; then
    echo "ok   0 HTML errors"
  else
    echo "FAIL the Nu Html Checker found errors in the $theme theme's pages (listed above)" >&2
    failed=1
  fi

  echo "== $theme theme: headless Chromium"
  if ! node tests/browser/check.mjs "$site" "$out" --pages "$theme"; then
    failed=1
  fi
done
rm -f "$out"/*.pdf

if [ "$failed" -ne 0 ]; then
  echo "browser checks failed" >&2
  exit 1
fi
echo "browser checks passed; screenshots in $out"
