#!/bin/sh
# Kafka's bin/kafka-topics.sh: see src/cli/kafka-topics.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-topics.cjs" "$@"
