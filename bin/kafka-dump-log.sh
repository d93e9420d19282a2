#!/bin/sh
# Kafka's bin/kafka-dump-log.sh: see src/cli/kafka-dump-log.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-dump-log.cjs" "$@"
