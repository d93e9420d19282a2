#!/bin/sh
# Kafka's bin/kafka-get-offsets.sh: see src/cli/kafka-get-offsets.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-get-offsets.cjs" "$@"
