#!/bin/sh
# Kafka's bin/kafka-producer-perf-test.sh: see src/cli/kafka-producer-perf-test.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-producer-perf-test.cjs" "$@"
