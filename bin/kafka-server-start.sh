#!/bin/sh
# Kafka's bin/kafka-server-start.sh: see src/cli/kafka-server-start.ts. Needs a build (npm install runs it).
exec node "$(dirname "$(readlink -f "$0")")/../dist/src/cli/kafka-server-start.js" "$@"
