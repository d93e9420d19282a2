#!/bin/sh
# Kafka's bin/kafka-broker-api-versions.sh: see src/cli/kafka-broker-api-versions.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-broker-api-versions.cjs" "$@"
