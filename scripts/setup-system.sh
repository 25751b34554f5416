#!/usr/bin/env bash
# Installs what the test suite needs outside Python, idempotently:
#   - Debian's chromium (Playwright drives it headless; no browser download)
#   - the Elasticsearch distribution from Maven Central (scripts/elasticsearch.sh fetch)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
if [ -x scripts/elasticsearch.sh ]; then
    bash scripts/elasticsearch.sh fetch
fi
