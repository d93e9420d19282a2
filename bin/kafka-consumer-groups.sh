#!/bin/sh
# Kafka's bin/kafka-consumer-groups.sh: see src/cli/kafka-consumer-groups.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-consumer-groups.cjs" "$@"
