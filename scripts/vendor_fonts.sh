#!/bin/sh
# Copies the portal's typeface, Source Sans 3 (SIL Open Font License 1.1), from npm into
# static/fonts/, where whitenoise serves it like any other static file. The copies are
# committed so that `make run` works without npm; run this again after bumping
# @fontsource-variable/source-sans-3 in package.json (then `npm install`).
# Only the subsets French and English need: latin (upright and italic) and latin-ext
# (upright); static/css/portal.css declares them with their unicode-range.
set -eu
cd "$(dirname "$0")/.."
SOURCE=node_modules/@fontsource-variable/source-sans-3
[ -d "$SOURCE" ] || { echo "vendor_fonts: no $SOURCE; run npm install first" >&2; exit 1; }
for file in source-sans-3-latin-wght-normal.woff2 source-sans-3-latin-wght-italic.woff2 \
  source-sans-3-latin-ext-wght-normal.woff2; do
  cp "$SOURCE/files/$file" static/fonts/
done
cp "$SOURCE/LICENSE" static/fonts/OFL-source-sans-3.txt
echo "vendor_fonts: $(grep '"version"' "$SOURCE/package.json" | tr -d ' ,') copied to static/fonts/"
