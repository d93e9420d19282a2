#!/bin/sh
# Kafka's bin/kafka-consumer-perf-test.sh: see src/cli/kafka-consumer-perf-test.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-consumer-perf-test.cjs" "$@"
