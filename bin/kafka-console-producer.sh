#!/bin/sh
# Kafka's bin/kafka-console-producer.sh: see src/cli/kafka-console-producer.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-console-producer.cjs" "$@"
