#!/bin/sh
# Kafka's bin/kafka-console-consumer.sh: see src/cli/kafka-console-consumer.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-console-consumer.cjs" "$@"
