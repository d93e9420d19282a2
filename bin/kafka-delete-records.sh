#!/bin/sh
# Kafka's bin/kafka-delete-records.sh: see src/cli/kafka-delete-records.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-delete-records.cjs" "$@"
