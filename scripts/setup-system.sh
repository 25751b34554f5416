#!/usr/bin/env bash
# Installs what the test suite needs outside Python, idempotently:
#   - Debian's chromium (Playwright drives it headless; no browser download)
#   - node + npm (Debian) and axe-core from npm (package.json, package-lock.json): the browser tests inject it
#   - the Elasticsearch distribution from Maven Central (scripts/elasticsearch.sh fetch)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
if ! command -v npm >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q nodejs npm
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/axe-core/axe.min.js ]; then
    npm ci --no-audit --no-fund --ignore-scripts
fi
if [ -x scripts/elasticsearch.sh ]; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    # Elasticsearch 9 needs Maven to fetch it and a JDK >= 21 to run it (the Maven zip bundles none).
    if ! command -v mvn >/dev/null 2>&1; then
        $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q maven || true
    fi
    if ! bash scripts/elasticsearch.sh java >/dev/null 2>&1; then
        for jdk in openjdk-21-jdk-headless openjdk-25-jdk-headless; do
            if apt-cache policy "$jdk" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
                DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$jdk" && break
            fi
        done
    fi
    # Not fatal: without the distribution the Elasticsearch tests are skipped and say why.
    bash scripts/elasticsearch.sh fetch || echo "warning: Elasticsearch could not be fetched; its tests will be skipped" >&2
    bash scripts/elasticsearch.sh java || echo "warning: no JDK >= 21 for Elasticsearch; its tests will fail" >&2
fi
