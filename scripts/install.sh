#!/usr/bin/env bash
# Install sociale-kaart on a fresh machine. With --test also what the tests need:
# Debian's chromium (browser tests of the HTML maps), poppler-utils (pdftotext for the PDFs) and
# axe-core (the accessibility check of the map and index page, from npm into the user's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--test" ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    else
      echo "Installeer eerst met de hand: sudo apt-get install ${need[*]}" >&2
      exit 1
    fi
  fi
  python -m pip install -q -e ".[test]"
  # The tests look here (or at $SOCIALE_KAART_AXE) for axe.min.js.
  npm install --silent --no-save --no-package-lock --no-audit --no-fund \
    --prefix "${XDG_CACHE_HOME:-$HOME/.cache}/sociale-kaart/node" axe-core@4.14.1
else
  python -m pip install -q -e .
fi
