#!/bin/sh
# Kafka's bin/kafka-server-start.sh: see src/cli/kafka-server-start.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-server-start.cjs" "$@"
