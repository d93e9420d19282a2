#!/usr/bin/env bash
# Regenerate test/fixtures/wire/ from scratch: capture, verify, write INDEX.md.
# Needs root (tcpdump on lo). Not used by `npm test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v kcat >/dev/null || missing+=(kcat)
command -v tcpdump >/dev/null || missing+=(tcpdump)
/usr/bin/python3 -c 'import kafka' 2>/dev/null || missing+=(python3-kafka)
/usr/bin/python3 -c 'import snappy' 2>/dev/null || missing+=(python3-snappy)
if ((${#missing[@]})); then
  echo "missing: ${missing[*]} -- apt-get install -y ${missing[*]}" >&2
  exit 1
fi
[ -d node_modules/kafkajs ] || { echo "run npm install first (kafkajs devDependency)" >&2; exit 1; }
rm -f test/fixtures/wire/*.json
node scripts/capture-wire/capture.mjs "$@"
node scripts/capture-wire/verify.mjs
node scripts/capture-wire/gen-index.mjs
