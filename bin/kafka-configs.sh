#!/bin/sh
# Kafka's bin/kafka-configs.sh: see src/cli/kafka-configs.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-configs.cjs" "$@"
