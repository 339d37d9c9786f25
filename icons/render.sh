#!/usr/bin/env bash
# Renders octvex.svg into the files packaging uses (committed, so packaging needs no image tools):
# octvex-256.png (Linux launcher icon) and octvex.ico (Windows). Needs ImageMagick (`convert`) with an SVG
# delegate (librsvg or its built-in MSVG). No .icns yet: ImageMagick 6 cannot write it (see jpackage/README.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
convert -background none -density 384 octvex.svg -resize 256x256 -depth 8 octvex-256.png
convert -background none -density 384 octvex.svg -define icon:auto-resize=256,64,48,32,16 octvex.ico
