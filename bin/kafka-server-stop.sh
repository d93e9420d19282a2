#!/bin/sh
# Kafka's bin/kafka-server-stop.sh: see src/cli/kafka-server-stop.ts. Runs the bundled build
# (dist/cli/, made by npm run build, which npm install runs).
exec node "$(dirname "$(readlink -f "$0")")/../dist/cli/kafka-server-stop.cjs" "$@"
