/**
 * KafkaConfig: the broker's configuration, Kafka's keys with Kafka's types,
 * defaults, validators and docs (ServerConfigs, ServerLogConfigs,
 * SocketServerConfigs, ReplicationConfigs, CleanerConfig, GroupCoordinatorConfig,
 * TransactionLogConfig, ZkConfigs), parsed once at start-up into a frozen
 * object with camelCase fields (DESIGN.md principle 6, STYLE.md §7).
 *
 * The fields are the parsed keys (`log.segment.bytes` → `logSegmentBytes`),
 * except for the keys Kafka resolves from several (see `KafkaConfigDerived`):
 * `logRetentionMs` is the effective retention from log.retention.ms >
 * log.retention.minutes > log.retention.hours, `listeners` are parsed
 * endpoints, and so on. docs/CONFIG.md lists every key and what Brook does
 * with it (`node scripts/config-docs.mjs` regenerates it after a build).
 *
 * Brook departs from Kafka in a few documented places:
 * - broker.id / node.id = -1 (the default) becomes 0 in single-node mode (no
 *   zookeeper.connect); with ZooKeeper, -1 stays and the cluster module
 *   generates an id as Kafka does (broker.id.generation.enable).
 * - An advertised listener whose host is empty, or (when advertised.listeners
 *   is unset and so copied from listeners) 0.0.0.0 or ::, advertises
 *   127.0.0.1; Kafka advertises the machine's canonical host name, which often
 *   does not resolve in containers and CI. Set advertised.listeners for other
 *   machines to reach the broker.
 * - Only the PLAINTEXT security protocol is supported for now.
 * - Threads (num.io.threads, ...) are accepted and ignored: one event loop.
 */
import {
  atLeast,
  between,
  CONFIG_TYPE_CODES,
  ConfigDef,
  ConfigError,
  customValidator,
  formatConfigValue,
  LONG_MAX_VALUE,
  validList,
  validString,
  type CamelCaseKeys,
  type ConfigKey,
  type ConfigValues,
} from '../../common/config-def.js'
import { parseLogLevel, type LogLevel } from '../../common/logger.js'
import { readPropertiesFile } from '../../common/properties.js'

const HOUR_MS = 60 * 60 * 1000
const ONE_THREAD = 'Brook runs on one event loop'
const NO_SOCKET_BUFFERS = "Node's net module cannot set SO_SNDBUF/SO_RCVBUF on TCP sockets; the OS autotunes them"
const CLUSTER = 'cluster mode (zookeeper.connect)'
/** Kafka 3.x's minimum segment size (LegacyRecord.RECORD_OVERHEAD_V0). */
export const LEGACY_RECORD_OVERHEAD_V0 = 14
export const SEGMENT_MIN_NOTE = "minimum 14 bytes as in Kafka 3.x (Kafka 4.0 raised it to 1 MiB, KIP-1030), so tests can roll small segments"
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const
const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number]

/** The broker's ConfigDef: every key Brook knows in a server.properties file. */
export const BROKER_CONFIG_DEF = new ConfigDef()
  // ---- General (ServerConfigs, KRaftConfigs, ZkConfigs) ----
  .define({ name: 'broker.id', type: 'int', default: -1, importance: 'high', note: '-1 becomes 0 in single-node mode; with ZooKeeper an id is generated', doc: 'The broker id for this server. If unset, a unique broker id will be generated. To avoid conflicts between ZooKeeper generated broker id\'s and user configured broker id\'s, generated broker ids start from reserved.broker.max.id + 1.' })
  .define({ name: 'node.id', type: 'int', default: -1, importance: 'high', note: 'a synonym of broker.id; if both are set they must be equal', doc: 'The node ID associated with the roles this process is playing. Brook treats it as a synonym of broker.id.' })
  .define({ name: 'broker.id.generation.enable', type: 'boolean', default: true, importance: 'medium', note: CLUSTER, doc: 'Enable automatic broker id generation on the server. When enabled the value configured for reserved.broker.max.id should be reviewed.' })
  .define({ name: 'reserved.broker.max.id', type: 'int', default: 1000, validator: atLeast(0), importance: 'medium', doc: 'Max number that can be used for a broker.id' })
  .define({ name: 'broker.rack', type: 'string', default: null, importance: 'medium', doc: 'Rack of the broker. This will be used in rack aware replication assignment for fault tolerance. Examples: `RACK1`, `us-east-1d`' })
  .define({ name: 'process.roles', type: 'list', default: [], validator: validList('broker', 'controller'), importance: 'high', note: 'must be empty: KRaft mode is not supported', doc: 'The roles that this process plays (KRaft mode): broker, controller, or both.' })
  .define({ name: 'zookeeper.connect', type: 'string', default: null, importance: 'high', note: 'null runs Brook in single-node mode with its embedded metadata store', doc: 'Specifies the ZooKeeper connection string in the form hostname:port where host and port are the host and port of a ZooKeeper server. Multiple hosts: hostname1:port1,hostname2:port2,hostname3:port3, optionally followed by a chroot path such as /chroot/path.' })
  .define({ name: 'zookeeper.session.timeout.ms', type: 'int', default: 18000, importance: 'high', doc: 'Zookeeper session timeout' })
  .define({ name: 'zookeeper.connection.timeout.ms', type: 'int', default: null, importance: 'high', doc: 'The max time that the client waits to establish a connection to ZooKeeper. If not set, the value in zookeeper.session.timeout.ms is used' })
  .define({ name: 'zookeeper.max.in.flight.requests', type: 'int', default: 10, validator: atLeast(1), importance: 'high', doc: 'The maximum number of unacknowledged requests the client will send to ZooKeeper before blocking.' })
  .define({ name: 'zookeeper.set.acl', type: 'boolean', default: false, importance: 'high', support: 'ignored', note: 'Brook does not authenticate to ZooKeeper', doc: 'Set client to use secure ACLs' })
  .define({ name: 'controlled.shutdown.enable', type: 'boolean', default: true, importance: 'medium', doc: 'Enable controlled shutdown of the server.' })
  .define({ name: 'controlled.shutdown.max.retries', type: 'int', default: 3, importance: 'medium', doc: 'Controlled shutdown can fail for multiple reasons. This determines the number of retries when such failure happens' })
  .define({ name: 'controlled.shutdown.retry.backoff.ms', type: 'long', default: 5000, importance: 'medium', doc: 'Before each retry, the system needs time to recover from the state that caused the previous failure. This config determines the amount of time to wait before retrying.' })
  .define({ name: 'delete.topic.enable', type: 'boolean', default: true, importance: 'high', doc: 'When set to true, topics can be deleted by the admin client. When set to false, deletion requests will be explicitly rejected by the broker.' })
  .define({ name: 'auto.create.topics.enable', type: 'boolean', default: true, importance: 'high', doc: 'Enable auto creation of topic on the server.' })
  .define({ name: 'num.partitions', type: 'int', default: 1, validator: atLeast(1), importance: 'medium', doc: 'The default number of log partitions per topic' })
  .define({ name: 'default.replication.factor', type: 'int', default: 1, importance: 'medium', doc: 'The default replication factors for automatically created topics.' })
  .define({ name: 'message.max.bytes', type: 'int', default: 1024 * 1024 + 12, validator: atLeast(0), importance: 'high', doc: 'The largest record batch size allowed by Kafka (after compression if compression is enabled). This can be set per topic with the topic level max.message.bytes config.' })
  .define({ name: 'compression.type', type: 'string', default: 'producer', validator: validString(...COMPRESSION_TYPES), importance: 'high', doc: "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer." })
  .define({ name: 'min.insync.replicas', type: 'int', default: 1, validator: atLeast(1), importance: 'high', doc: 'When a producer sets acks to "all" (or "-1"), min.insync.replicas specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful. If this minimum cannot be met, then the producer will raise an exception (either NotEnoughReplicas or NotEnoughReplicasAfterAppend).' })
  .define({ name: 'unclean.leader.election.enable', type: 'boolean', default: false, importance: 'high', doc: 'Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss' })
  .define({ name: 'fetch.max.bytes', type: 'int', default: 55 * 1024 * 1024, validator: atLeast(1024), importance: 'medium', doc: 'The maximum number of bytes we will return for a fetch request. Must be at least 1024.' })
  .define({ name: 'max.incremental.fetch.session.cache.slots', type: 'int', default: 1000, validator: atLeast(0), importance: 'medium', doc: 'The maximum number of total incremental fetch sessions that we will maintain.' })
  .define({ name: 'num.io.threads', type: 'int', default: 8, validator: atLeast(1), importance: 'high', support: 'ignored', note: ONE_THREAD, doc: 'The number of threads that the server uses for processing requests, which may include disk I/O' })
  .define({ name: 'num.network.threads', type: 'int', default: 3, validator: atLeast(1), importance: 'high', support: 'ignored', note: ONE_THREAD, doc: 'The number of threads that the server uses for receiving requests from the network and sending responses to the network.' })
  .define({ name: 'background.threads', type: 'int', default: 10, validator: atLeast(1), importance: 'high', support: 'ignored', note: ONE_THREAD, doc: 'The number of threads to use for various background processing tasks' })
  .define({ name: 'num.recovery.threads.per.data.dir', type: 'int', default: 1, validator: atLeast(1), importance: 'high', support: 'ignored', note: ONE_THREAD, doc: 'The number of threads per data directory to be used for log recovery at startup and flushing at shutdown' })
  .define({ name: 'queued.max.requests', type: 'int', default: 500, validator: atLeast(1), importance: 'high', note: 'bounds requests read but not yet answered; reads pause beyond it', doc: 'The number of queued requests allowed for data-plane, before blocking the network threads' })
  .define({ name: 'queued.max.request.bytes', type: 'long', default: -1, importance: 'medium', note: 'bounds the bytes of such requests; -1 = no limit', doc: 'The number of queued bytes allowed before no more requests are read' })
  // ---- Socket server (SocketServerConfigs) ----
  .define({ name: 'listeners', type: 'string', default: 'PLAINTEXT://:9092', importance: 'high', note: 'port 0 binds an ephemeral port; only PLAINTEXT listeners for now', doc: 'Listener List - Comma-separated list of URIs we will listen on and the listener names. If the listener name is not a security protocol, listener.security.protocol.map must also be set. Specify hostname as 0.0.0.0 to bind to all interfaces. Leave hostname empty to bind to default interface. Examples: PLAINTEXT://myhost:9092,SSL://:9091 CLIENT://0.0.0.0:9092,REPLICATION://localhost:9093' })
  .define({ name: 'advertised.listeners', type: 'string', default: null, importance: 'high', note: 'defaults to listeners; an empty host (or a copied 0.0.0.0/::) advertises 127.0.0.1 rather than the canonical host name', doc: 'Listeners to publish to ZooKeeper and clients to use, if different than the listeners config property. In IaaS environments, this may need to be different from the interface to which the broker binds. If this is not set, the value for listeners will be used. Unlike listeners, it is not valid to advertise the 0.0.0.0 meta-address.' })
  .define({ name: 'listener.security.protocol.map', type: 'string', default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', importance: 'low', note: 'listeners must map to PLAINTEXT for now', doc: 'Map between listener names and security protocols. This must be defined for the same security protocol to be usable in more than one port or IP. For example, internal and external traffic can be separated even if SSL is required for both: INTERNAL:SSL,EXTERNAL:SSL.' })
  .define({ name: 'inter.broker.listener.name', type: 'string', default: null, importance: 'medium', note: CLUSTER, doc: 'Name of listener used for communication between brokers. If this is unset, the listener name is defined by security.inter.broker.protocol. It is an error to set this and security.inter.broker.protocol properties at the same time.' })
  .define({ name: 'security.inter.broker.protocol', type: 'string', default: 'PLAINTEXT', validator: validString(...SECURITY_PROTOCOLS), importance: 'medium', note: 'PLAINTEXT only for now', doc: 'Security protocol used to communicate between brokers. Valid values are: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL. It is an error to set this and inter.broker.listener.name properties at the same time.' })
  .define({ name: 'socket.send.buffer.bytes', type: 'int', default: 100 * 1024, importance: 'high', support: 'ignored', note: NO_SOCKET_BUFFERS, doc: 'The SO_SNDBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.' })
  .define({ name: 'socket.receive.buffer.bytes', type: 'int', default: 100 * 1024, importance: 'high', support: 'ignored', note: NO_SOCKET_BUFFERS, doc: 'The SO_RCVBUF buffer of the socket server sockets. If the value is -1, the OS default will be used.' })
  .define({ name: 'socket.request.max.bytes', type: 'int', default: 100 * 1024 * 1024, validator: atLeast(1), importance: 'high', note: 'a larger frame closes the connection', doc: 'The maximum number of bytes in a socket request' })
  .define({ name: 'socket.listen.backlog.size', type: 'int', default: 50, validator: atLeast(1), importance: 'medium', doc: 'The maximum number of pending connections on the socket.' })
  .define({ name: 'max.connections.per.ip', type: 'int', default: 2147483647, validator: atLeast(0), importance: 'medium', doc: 'The maximum number of connections we allow from each ip address.' })
  .define({ name: 'max.connections', type: 'int', default: 2147483647, validator: atLeast(0), importance: 'medium', doc: 'The maximum number of connections we allow in the broker at any time.' })
  .define({ name: 'connections.max.idle.ms', type: 'long', default: 10 * 60 * 1000, importance: 'medium', doc: 'Idle connections timeout: the server socket processor threads close the connections that idle more than this' })
  // ---- Log (ServerLogConfigs); topic-level synonyms in topic-config.ts ----
  .define({ name: 'log.dir', type: 'list', default: ['/tmp/kafka-logs'], importance: 'high', note: '`npm start` passes log.dirs=./data', doc: 'The directory in which the log data is kept (supplemental for log.dirs property)' })
  .define({ name: 'log.dirs', type: 'list', default: null, importance: 'high', doc: 'A comma-separated list of the directories where the log data is stored. If not set, the value in log.dir is used.' })
  .define({ name: 'log.segment.bytes', type: 'int', default: 1024 * 1024 * 1024, validator: atLeast(LEGACY_RECORD_OVERHEAD_V0), importance: 'high', note: SEGMENT_MIN_NOTE, doc: 'The maximum size of a single log file' })
  .define({ name: 'log.roll.ms', type: 'long', default: null, importance: 'high', doc: 'The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used' })
  .define({ name: 'log.roll.hours', type: 'int', default: 168, validator: atLeast(1), importance: 'high', doc: 'The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property' })
  .define({ name: 'log.roll.jitter.ms', type: 'long', default: null, importance: 'high', doc: 'The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used' })
  .define({ name: 'log.roll.jitter.hours', type: 'int', default: 0, validator: atLeast(0), importance: 'high', doc: 'The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property' })
  .define({ name: 'log.retention.ms', type: 'long', default: null, importance: 'high', doc: 'The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used. If set to -1, no time limit is applied.' })
  .define({ name: 'log.retention.minutes', type: 'int', default: null, importance: 'high', doc: 'The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property. If not set, the value in log.retention.hours is used' })
  .define({ name: 'log.retention.hours', type: 'int', default: 168, importance: 'high', note: 'a negative retention (from any of the three keys) means no time limit, as in Kafka', doc: 'The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property' })
  .define({ name: 'log.retention.bytes', type: 'long', default: -1, importance: 'high', doc: 'The maximum size of the log before deleting it' })
  .define({ name: 'log.retention.check.interval.ms', type: 'long', default: 5 * 60 * 1000, validator: atLeast(1), importance: 'medium', doc: 'The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion' })
  .define({ name: 'log.cleanup.policy', type: 'list', default: ['delete'], validator: validList('compact', 'delete'), importance: 'medium', doc: 'The default cleanup policy for segments beyond the retention window. A comma separated list of valid policies.' })
  .define({ name: 'log.index.size.max.bytes', type: 'int', default: 10 * 1024 * 1024, validator: atLeast(4), importance: 'medium', doc: 'The maximum size in bytes of the offset index' })
  .define({ name: 'log.index.interval.bytes', type: 'int', default: 4096, validator: atLeast(0), importance: 'medium', doc: 'The interval with which we add an entry to the offset index.' })
  .define({ name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), importance: 'high', doc: 'The number of messages accumulated on a log partition before messages are flushed to disk.' })
  .define({ name: 'log.flush.interval.ms', type: 'long', default: null, importance: 'high', doc: 'The maximum time in ms that a message in any topic is kept in memory before flushed to disk. If not set, the value in log.flush.scheduler.interval.ms is used' })
  .define({ name: 'log.flush.scheduler.interval.ms', type: 'long', default: LONG_MAX_VALUE, importance: 'high', doc: 'The frequency in ms that the log flusher checks whether any log needs to be flushed to disk' })
  .define({ name: 'log.flush.offset.checkpoint.interval.ms', type: 'int', default: 60000, validator: atLeast(0), importance: 'high', doc: 'The frequency with which we update the persistent record of the last flush which acts as the log recovery point.' })
  .define({ name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'int', default: 60000, validator: atLeast(0), importance: 'high', doc: 'The frequency with which we update the persistent record of log start offset' })
  .define({ name: 'log.segment.delete.delay.ms', type: 'long', default: 60000, validator: atLeast(0), importance: 'high', doc: 'The amount of time to wait before deleting a file from the filesystem. If the value is 0 and there is no file to delete, the system will wait 1 millisecond. Low value will cause busy waiting' })
  .define({ name: 'log.preallocate', type: 'boolean', default: false, importance: 'medium', support: 'ignored', note: 'Brook does not preallocate segment files', doc: 'Should pre allocate file when create new segment? If you are using Kafka on Windows, you probably need to set it to true.' })
  .define({ name: 'log.message.format.version', type: 'string', default: '3.0-IV1', importance: 'medium', support: 'ignored', note: 'deprecated in Kafka 3.0; Brook writes record batches v2 and converts on fetch for older clients', doc: 'Specify the message format version the broker will use to append messages to the logs. The value should be a valid MetadataVersion.' })
  .define({ name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', validator: validString('CreateTime', 'LogAppendTime'), importance: 'medium', doc: 'Define whether the timestamp in the message is message create time or log append time. The value should be either CreateTime or LogAppendTime.' })
  .define({ name: 'log.message.timestamp.before.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', doc: "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp. The message timestamp can be earlier than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If log.message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if log.message.timestamp.type=LogAppendTime." })
  .define({ name: 'log.message.timestamp.after.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', doc: "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp. The message timestamp can be later than or equal to the broker's timestamp, with the maximum allowable difference determined by the value set in this configuration. If log.message.timestamp.type=CreateTime, the message will be rejected if the difference in timestamps exceeds this specified threshold. This configuration is ignored if log.message.timestamp.type=LogAppendTime." })
  .define({ name: 'log.message.timestamp.difference.max.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(0), importance: 'medium', note: 'deprecated (KIP-937): a before/after bound left at its default takes this value', doc: 'The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message.' })
  .define({ name: 'log.message.downconversion.enable', type: 'boolean', default: true, importance: 'low', doc: 'This configuration controls whether down-conversion of message formats is enabled to satisfy consume requests. When set to false, broker will not perform down-conversion for consumers expecting an older message format. The broker responds with UNSUPPORTED_VERSION error for consume requests from such older clients.' })
  .define({ name: 'log.local.retention.ms', type: 'long', default: -2, validator: atLeast(-2), importance: 'medium', support: 'ignored', note: 'tiered storage is not supported', doc: 'The number of milliseconds to keep the local log segments before it gets eligible for deletion. Default value is -2, it represents log.retention.ms value is to be used.' })
  .define({ name: 'log.local.retention.bytes', type: 'long', default: -2, validator: atLeast(-2), importance: 'medium', support: 'ignored', note: 'tiered storage is not supported', doc: 'The maximum size of local log segments that can grow for a partition before it gets eligible for deletion. Default value is -2, it represents log.retention.bytes value to be used.' })
  .define({ name: 'remote.log.storage.system.enable', type: 'boolean', default: false, importance: 'medium', note: 'must be false: tiered storage is not supported', doc: 'Whether to enable tiered storage functionality in a broker or not.' })
  // ---- Log cleaner (CleanerConfig) ----
  .define({ name: 'log.cleaner.enable', type: 'boolean', default: true, importance: 'medium', note: 'false: no log is compacted (cleanup.policy=compact logs then only grow)', doc: 'Enable the log cleaner process to run on the server. Should be enabled if using any topics with a cleanup.policy=compact including the internal offsets topic.' })
  .define({ name: 'log.cleaner.threads', type: 'int', default: 1, validator: atLeast(0), importance: 'medium', support: 'ignored', note: 'one cleaner, off the request path', doc: 'The number of background threads to use for log cleaning' })
  .define({ name: 'log.cleaner.dedupe.buffer.size', type: 'long', default: 128 * 1024 * 1024, importance: 'medium', note: "bounds the cleaner's key -> offset map (exact keys, no hashes); when full, a prefix of the dirty section is cleaned per pass", doc: 'The total memory used for log deduplication across all cleaner threads' })
  .define({ name: 'log.cleaner.io.buffer.size', type: 'int', default: 512 * 1024, validator: atLeast(0), importance: 'medium', support: 'ignored', note: 'the cleaner reads 1 MiB and writes 1 MiB at a time', doc: 'The total memory used for log cleaner I/O buffers across all cleaner threads' })
  .define({ name: 'log.cleaner.io.buffer.load.factor', type: 'double', default: 0.9, importance: 'medium', support: 'ignored', note: 'the key map fills to 0.75 and grows within log.cleaner.dedupe.buffer.size', doc: 'Log cleaner dedupe buffer load factor. The percentage full the dedupe buffer can become. A higher value will allow more log to be cleaned at once but will lead to more hash collisions' })
  .define({ name: 'log.cleaner.io.max.bytes.per.second', type: 'double', default: Number.MAX_VALUE, importance: 'medium', support: 'ignored', note: 'no I/O throttling', doc: 'The log cleaner will be throttled so that the sum of its read and write i/o will be less than this value on average' })
  .define({ name: 'log.cleaner.backoff.ms', type: 'long', default: 15 * 1000, validator: atLeast(0), importance: 'medium', note: 'the pause between passes when no log is due', doc: 'The amount of time to sleep when there are no logs to clean' })
  .define({ name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: 0.5, validator: between(0, 1), importance: 'medium', note: 'default of min.cleanable.dirty.ratio', doc: 'The minimum ratio of dirty log to total log for a log to eligible for cleaning.' })
  .define({ name: 'log.cleaner.delete.retention.ms', type: 'long', default: 24 * HOUR_MS, validator: atLeast(0), importance: 'medium', note: 'default of delete.retention.ms', doc: 'The amount of time to retain tombstone message markers for log compacted topics.' })
  .define({ name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: 0, validator: atLeast(0), importance: 'medium', note: 'default of min.compaction.lag.ms', doc: 'The minimum time a message will remain uncompacted in the log. Only applicable for logs that are being compacted.' })
  .define({ name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX_VALUE, validator: atLeast(1), importance: 'medium', note: 'default of max.compaction.lag.ms', doc: 'The maximum time a message will remain ineligible for compaction in the log. Only applicable for logs that are being compacted.' })
  // ---- Replication (ReplicationConfigs) ----
  .define({ name: 'replica.lag.time.max.ms', type: 'long', default: 30000, importance: 'high', doc: "If a follower hasn't sent any fetch requests or hasn't consumed up to the leaders log end offset for at least this time, the leader will remove the follower from isr" })
  .define({ name: 'replica.socket.timeout.ms', type: 'int', default: 30 * 1000, importance: 'high', doc: 'The socket timeout for network requests. Its value should be at least replica.fetch.wait.max.ms' })
  .define({ name: 'replica.socket.receive.buffer.bytes', type: 'int', default: 64 * 1024, importance: 'high', support: 'ignored', note: NO_SOCKET_BUFFERS, doc: 'The socket receive buffer for network requests to the leader for replicating data' })
  .define({ name: 'replica.fetch.max.bytes', type: 'int', default: 1024 * 1024, validator: atLeast(0), importance: 'medium', doc: 'The number of bytes of messages to attempt to fetch for each partition. This is not an absolute maximum: if the first record batch in the first non-empty partition of the fetch is larger than this value, the record batch will still be returned to ensure that progress can be made.' })
  .define({ name: 'replica.fetch.wait.max.ms', type: 'int', default: 500, importance: 'medium', doc: 'The maximum wait time for each fetcher request issued by follower replicas. This value should always be less than the replica.lag.time.max.ms at all times to prevent frequent shrinking of ISR for low throughput topics' })
  .define({ name: 'replica.fetch.min.bytes', type: 'int', default: 1, importance: 'medium', doc: 'Minimum bytes expected for each fetch response. If not enough bytes, wait up to replica.fetch.wait.max.ms (broker config).' })
  .define({ name: 'replica.fetch.backoff.ms', type: 'int', default: 1000, validator: atLeast(0), importance: 'medium', doc: 'The amount of time to sleep when fetch partition error occurs.' })
  .define({ name: 'replica.fetch.response.max.bytes', type: 'int', default: 10 * 1024 * 1024, validator: atLeast(0), importance: 'medium', doc: 'Maximum bytes expected for the entire fetch response. Records are fetched in batches, and if the first record batch in the first non-empty partition of the fetch is larger than this value, the record batch will still be returned to ensure that progress can be made.' })
  .define({ name: 'num.replica.fetchers', type: 'int', default: 1, importance: 'high', support: 'ignored', note: 'one fetcher per source broker on the event loop', doc: 'Number of fetcher threads used to replicate records from each source broker.' })
  .define({ name: 'replica.high.watermark.checkpoint.interval.ms', type: 'long', default: 5000, importance: 'high', doc: 'The frequency with which the high watermark is saved out to disk' })
  .define({ name: 'controller.socket.timeout.ms', type: 'int', default: 30000, importance: 'medium', note: CLUSTER, doc: 'The socket timeout for controller-to-broker channels.' })
  .define({ name: 'auto.leader.rebalance.enable', type: 'boolean', default: true, importance: 'high', note: CLUSTER, doc: 'Enables auto leader balancing. A background thread checks the distribution of partition leaders at regular intervals, configurable by leader.imbalance.check.interval.seconds. If the leader imbalance exceeds leader.imbalance.per.broker.percentage, leader rebalance to the preferred leader for partitions is triggered.' })
  .define({ name: 'leader.imbalance.per.broker.percentage', type: 'int', default: 10, importance: 'high', note: CLUSTER, doc: 'The ratio of leader imbalance allowed per broker. The controller would trigger a leader balance if it goes above this value per broker. The value is specified in percentage.' })
  .define({ name: 'leader.imbalance.check.interval.seconds', type: 'long', default: 300, validator: atLeast(1), importance: 'high', note: CLUSTER, doc: 'The frequency with which the partition rebalance check is triggered by the controller' })
  // ---- Group coordinator (GroupCoordinatorConfig) ----
  .define({ name: 'group.min.session.timeout.ms', type: 'int', default: 6000, importance: 'medium', doc: 'The minimum allowed session timeout for registered consumers. Shorter timeouts result in quicker failure detection at the cost of more frequent consumer heartbeating, which can overwhelm broker resources.' })
  .define({ name: 'group.max.session.timeout.ms', type: 'int', default: 1800000, importance: 'medium', doc: 'The maximum allowed session timeout for registered consumers. Longer timeouts give consumers more time to process messages in between heartbeats at the cost of a longer time to detect failures.' })
  .define({ name: 'group.initial.rebalance.delay.ms', type: 'int', default: 3000, importance: 'medium', doc: 'The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance. A longer delay means potentially fewer rebalances, but increases the time until processing begins.' })
  .define({ name: 'group.max.size', type: 'int', default: 2147483647, validator: atLeast(1), importance: 'medium', doc: 'The maximum number of consumers that a single consumer group can accommodate.' })
  .define({ name: 'offsets.topic.num.partitions', type: 'int', default: 50, validator: atLeast(1), importance: 'high', doc: 'The number of partitions for the offset commit topic (should not change after deployment).' })
  .define({ name: 'offsets.topic.replication.factor', type: 'short', default: 3, validator: atLeast(1), importance: 'high', note: 'capped at the number of live brokers, with a warning, where Kafka refuses to create the topic (so consumer groups work on one broker with the default)', doc: 'The replication factor for the offsets topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.' })
  .define({ name: 'offsets.topic.segment.bytes', type: 'int', default: 100 * 1024 * 1024, validator: atLeast(1), importance: 'high', doc: 'The offsets topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads.' })
  .define({ name: 'offsets.topic.compression.codec', type: 'int', default: 0, importance: 'high', support: 'ignored', note: 'Brook writes group records uncompressed', doc: 'Compression codec for the offsets topic - compression may be used to achieve "atomic" commits.' })
  .define({ name: 'offsets.retention.minutes', type: 'int', default: 7 * 24 * 60, validator: atLeast(1), importance: 'high', doc: 'For subscribed consumers, committed offset of a specific partition will be expired and discarded when 1) this retention period has elapsed after the consumer group loses all its consumers (i.e. becomes empty); 2) this retention period has elapsed since the last time an offset is committed for the partition and the group is no longer subscribed to the corresponding topic. For standalone consumers (using manual assignment), offsets will be expired after this retention period has elapsed since the time of last commit.' })
  .define({ name: 'offsets.retention.check.interval.ms', type: 'long', default: 600000, validator: atLeast(1), importance: 'high', doc: 'Frequency at which to check for stale offsets' })
  .define({ name: 'offsets.commit.timeout.ms', type: 'int', default: 5000, validator: atLeast(1), importance: 'high', note: 'with one replica a commit completes as soon as it is appended', doc: 'Offset commit will be delayed until all replicas for the offsets topic receive the commit or this timeout is reached. This is similar to the producer request timeout.' })
  .define({ name: 'offsets.load.buffer.size', type: 'int', default: 5 * 1024 * 1024, validator: atLeast(1), importance: 'high', support: 'ignored', note: 'Brook sizes its read buffers itself', doc: 'Batch size for reading from the offsets segments when loading offsets into the cache (soft-limit, overridden if records are too large).' })
  .define({ name: 'offset.metadata.max.bytes', type: 'int', default: 4096, importance: 'high', doc: 'The maximum size for a metadata entry associated with an offset commit.' })
  // ---- Transactions (TransactionLogConfig, TransactionStateManagerConfig) ----
  .define({ name: 'transactional.id.expiration.ms', type: 'int', default: 7 * 24 * HOUR_MS, validator: atLeast(1), importance: 'high', doc: 'The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id.' })
  .define({ name: 'transaction.max.timeout.ms', type: 'int', default: 900000, validator: atLeast(1), importance: 'high', doc: "The maximum allowed timeout for transactions. If a client's requested transaction time exceed this, then the broker will return an error in InitProducerIdRequest." })
  .define({ name: 'transaction.state.log.num.partitions', type: 'int', default: 50, validator: atLeast(1), importance: 'high', doc: 'The number of partitions for the transaction topic (should not change after deployment).' })
  .define({ name: 'transaction.state.log.replication.factor', type: 'short', default: 3, validator: atLeast(1), importance: 'high', note: 'as offsets.topic.replication.factor: set it to 1 for a single broker', doc: 'The replication factor for the transaction topic (set higher to ensure availability). Internal topic creation will fail until the cluster size meets this replication factor requirement.' })
  .define({ name: 'transaction.state.log.min.isr', type: 'int', default: 2, validator: atLeast(1), importance: 'high', doc: 'The minimum number of replicas that must acknowledge a write to transaction topic in order to be considered successful.' })
  .define({ name: 'transaction.state.log.segment.bytes', type: 'int', default: 100 * 1024 * 1024, validator: atLeast(1), importance: 'high', doc: 'The transaction topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads' })
  .define({ name: 'transaction.state.log.load.buffer.size', type: 'int', default: 5 * 1024 * 1024, validator: atLeast(1), importance: 'high', support: 'ignored', note: 'Brook sizes its read buffers itself', doc: 'Batch size for reading from the transaction log segments when loading producer ids and transactions into the cache (soft-limit, overridden if records are too large).' })
  .define({ name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'int', default: 10000, validator: atLeast(1), importance: 'low', doc: 'The interval at which to rollback transactions that have timed out' })
  .define({ name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'int', default: HOUR_MS, validator: atLeast(1), importance: 'low', doc: 'The interval at which to remove transactions that have expired due to transactional.id.expiration.ms passing' })
  .define({ name: 'producer.id.expiration.ms', type: 'int', default: 24 * HOUR_MS, validator: atLeast(1), importance: 'low', doc: 'The time in ms that a topic partition leader will wait before expiring producer IDs. Producer IDs will not expire while a transaction associated to them is still ongoing.' })
  .define({ name: 'producer.id.expiration.check.interval.ms', type: 'int', default: 600000, validator: atLeast(1), importance: 'low', doc: 'The interval at which to remove producer IDs that have expired due to producer.id.expiration.ms passing.' })
  // ---- Brook-only ----
  .define({ name: 'brook.log.level', type: 'string', default: 'INFO', validator: customValidator<string>('[ERROR, WARN, INFO, DEBUG, TRACE] (any case)', (v) => tryLevel(v)), importance: 'medium', doc: "Brook only: the level of the broker's own log (Kafka sets this in log4j.properties)." })
  .define({ name: 'brook.log.destination', type: 'string', default: 'stdout', importance: 'medium', doc: "Brook only: where the broker's log goes: `stdout`, or the path of a file to append to." })

function tryLevel(v: string): string | undefined {
  try {
    parseLogLevel(v)
    return undefined
  } catch {
    return 'String must be one of: ERROR, WARN, INFO, DEBUG, TRACE'
  }
}

type RawBrokerValues = ConfigValues<typeof BROKER_CONFIG_DEF>

/** A listener: `NAME://host:port`. */
export interface EndPoint {
  /** The listener name, upper-cased as Kafka normalises it (`PLAINTEXT`, `INTERNAL`). */
  readonly name: string
  /** The host; '' binds the default interface (all of them, for Node). */
  readonly host: string
  /** 0 binds an ephemeral port; the network layer then advertises the bound one. */
  readonly port: number
  readonly securityProtocol: SecurityProtocol
}

/** The fields Brook resolves from several keys, overriding the plain parsed fields of the same name. */
export interface KafkaConfigDerived {
  /** broker.id / node.id, resolved: equal, and -1 → 0 in single-node mode. */
  readonly brokerId: number
  readonly nodeId: number
  /** True when zookeeper.connect is unset: one broker with the embedded metadata store. */
  readonly singleNode: boolean
  readonly listeners: readonly EndPoint[]
  /** advertised.listeners, else listeners; empty / copied wildcard hosts become 127.0.0.1. */
  readonly advertisedListeners: readonly EndPoint[]
  readonly listenerSecurityProtocolMap: Readonly<Record<string, SecurityProtocol>>
  /** inter.broker.listener.name, else the listener named after security.inter.broker.protocol. */
  readonly interBrokerListenerName: string
  /** log.dirs, else log.dir. */
  readonly logDirs: readonly string[]
  /** Effective retention: log.retention.ms > .minutes > .hours; any negative value is -1 (no limit). */
  readonly logRetentionMs: number
  /** Effective segment roll time: log.roll.ms > log.roll.hours. */
  readonly logRollMs: number
  /** Effective roll jitter: log.roll.jitter.ms > log.roll.jitter.hours. */
  readonly logRollJitterMs: number
  /** Effective flush interval: log.flush.interval.ms > log.flush.scheduler.interval.ms. */
  readonly logFlushIntervalMs: number
  /** Effective before/after bounds (KIP-937), falling back to the deprecated difference key. */
  readonly logMessageTimestampBeforeMaxMs: number
  readonly logMessageTimestampAfterMaxMs: number
  /** zookeeper.connection.timeout.ms, else zookeeper.session.timeout.ms. */
  readonly zookeeperConnectionTimeoutMs: number
  readonly brookLogLevel: LogLevel
  /** The key/value strings the config was parsed from (file plus overrides). */
  readonly originals: Readonly<Record<string, string>>
}

/** The broker's configuration: every key of BROKER_CONFIG_DEF by camelCase name, plus the derived fields. */
export type KafkaConfig = Readonly<Omit<CamelCaseKeys<RawBrokerValues>, keyof KafkaConfigDerived>> & KafkaConfigDerived

export interface ParsedKafkaConfig {
  readonly config: KafkaConfig
  /** Keys Brook does not know; the caller warns, as Kafka does ("supplied but isn't a known config"). */
  readonly unknownKeys: readonly string[]
}

/**
 * Parses a broker's properties (a server.properties map) and `overrides`
 * (kafka-server-start's `--override key=value`, which win) into a frozen
 * KafkaConfig. Throws ConfigError naming the key for an invalid value.
 */
export function parseKafkaConfig(props: Readonly<Record<string, string>>, overrides: Readonly<Record<string, string>> = {}): ParsedKafkaConfig {
  const originals: Record<string, string> = Object.freeze({ ...props, ...overrides })
  const parsed = BROKER_CONFIG_DEF.parse(originals)
  const v = parsed.values

  if (v.processRoles.length > 0) {
    fail('process.roles', v.processRoles, 'KRaft mode is not supported; Brook runs as a single node or with ZooKeeper (zookeeper.connect)')
  }
  if (v.remoteLogStorageSystemEnable) fail('remote.log.storage.system.enable', true, 'Brook does not support tiered storage')

  const singleNode = v.zookeeperConnect === null || v.zookeeperConnect === ''
  const { brokerId, nodeId } = resolveIds(v.brokerId, v.nodeId, singleNode, v.brokerIdGenerationEnable, v.reservedBrokerMaxId)

  const protocolMap = parseProtocolMap(v.listenerSecurityProtocolMap)
  const listeners = parseListeners('listeners', v.listeners, protocolMap)
  if (listeners.length === 0) fail('listeners', v.listeners, 'At least one listener must be defined')
  const advertisedListeners =
    v.advertisedListeners === null
      ? listeners.map((l) => (isWildcardHost(l.host) ? { ...l, host: '127.0.0.1' } : l))
      : parseListeners('advertised.listeners', v.advertisedListeners, protocolMap).map((l) => {
          if (l.host === '0.0.0.0') fail('advertised.listeners', v.advertisedListeners, 'advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.')
          return l.host === '' ? { ...l, host: '127.0.0.1' } : l
        })
  const listenerNames = new Set(listeners.map((l) => l.name))
  for (const l of advertisedListeners) {
    if (!listenerNames.has(l.name)) {
      fail('advertised.listeners', v.advertisedListeners, `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners (${l.name} is not)`)
    }
  }
  const interBrokerListenerName = resolveInterBrokerListener(v.interBrokerListenerName, originals, v.securityInterBrokerProtocol, advertisedListeners)

  const logDirs = v.logDirs ?? v.logDir
  const logDirsKey = v.logDirs !== null ? 'log.dirs' : 'log.dir'
  if (logDirs.length === 0 || logDirs.some((d) => d === '')) fail(logDirsKey, logDirs, 'At least one log directory must be defined via log.dirs or log.dir, and no entry may be empty')
  if (new Set(logDirs).size !== logDirs.length) fail(logDirsKey, logDirs, 'Duplicate log directory found')

  // KafkaConfig.logRetentionTimeMillis: ms > minutes > hours, and any negative value means no limit.
  const retentionKey = v.logRetentionMs !== null ? 'log.retention.ms' : v.logRetentionMinutes !== null ? 'log.retention.minutes' : 'log.retention.hours'
  const retention = v.logRetentionMs ?? (v.logRetentionMinutes !== null ? v.logRetentionMinutes * 60_000 : v.logRetentionHours * HOUR_MS)
  const logRetentionMs = retention < 0 ? -1 : retention
  if (logRetentionMs === 0) fail(retentionKey, 0, `${retentionKey} must be unlimited (-1) or, equal or greater than 1`)

  const logRollMs = v.logRollMs ?? v.logRollHours * HOUR_MS
  if (logRollMs < 1) fail('log.roll.ms', logRollMs, 'Value must be at least 1')
  const logRollJitterMs = v.logRollJitterMs ?? v.logRollJitterHours * HOUR_MS
  if (logRollJitterMs < 0) fail('log.roll.jitter.ms', logRollJitterMs, 'Value must be at least 0')
  const logFlushIntervalMs = v.logFlushIntervalMs ?? v.logFlushSchedulerIntervalMs
  if (logFlushIntervalMs < 0) fail(v.logFlushIntervalMs !== null ? 'log.flush.interval.ms' : 'log.flush.scheduler.interval.ms', logFlushIntervalMs, 'Value must be at least 0')

  // KIP-937: a before/after bound left at "no limit" falls back to the deprecated difference key.
  const timestampBound = (value: number): number => (value >= LONG_MAX_VALUE ? v.logMessageTimestampDifferenceMaxMs : value)

  if (v.groupMaxSessionTimeoutMs < v.groupMinSessionTimeoutMs) {
    fail('group.max.session.timeout.ms', v.groupMaxSessionTimeoutMs, 'group.max.session.timeout.ms must be greater than or equal to group.min.session.timeout.ms')
  }
  if (v.replicaFetchWaitMaxMs > v.replicaSocketTimeoutMs) {
    fail('replica.socket.timeout.ms', v.replicaSocketTimeoutMs, 'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts')
  }
  if (v.replicaFetchWaitMaxMs > v.replicaLagTimeMaxMs) {
    fail('replica.fetch.wait.max.ms', v.replicaFetchWaitMaxMs, 'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR')
  }
  if (v.queuedMaxRequestBytes > 0 && v.queuedMaxRequestBytes < v.socketRequestMaxBytes) {
    fail('queued.max.request.bytes', v.queuedMaxRequestBytes, 'queued.max.request.bytes must be larger or equal to socket.request.max.bytes')
  }

  const config: KafkaConfig = Object.freeze({
    ...v,
    brokerId,
    nodeId,
    singleNode,
    listeners: Object.freeze(listeners),
    advertisedListeners: Object.freeze(advertisedListeners),
    listenerSecurityProtocolMap: Object.freeze(protocolMap),
    interBrokerListenerName,
    logDirs,
    logRetentionMs,
    logRollMs,
    logRollJitterMs,
    logFlushIntervalMs,
    logMessageTimestampBeforeMaxMs: timestampBound(v.logMessageTimestampBeforeMaxMs),
    logMessageTimestampAfterMaxMs: timestampBound(v.logMessageTimestampAfterMaxMs),
    zookeeperConnectionTimeoutMs: v.zookeeperConnectionTimeoutMs ?? v.zookeeperSessionTimeoutMs,
    brookLogLevel: parseLogLevel(v.brookLogLevel),
    originals,
  })
  return Object.freeze({ config, unknownKeys: parsed.unknownKeys })
}

/** Reads a server.properties file and parses it with `overrides` on top. */
export async function loadServerProperties(path: string, overrides: Readonly<Record<string, string>> = {}): Promise<ParsedKafkaConfig> {
  return parseKafkaConfig(await readPropertiesFile(path), overrides)
}

function fail(key: string, value: unknown, reason: string): never {
  throw new ConfigError(key, value, reason)
}

function resolveIds(brokerIdRaw: number, nodeIdRaw: number, singleNode: boolean, generationEnabled: boolean, reservedMaxId: number): { brokerId: number; nodeId: number } {
  // Kafka copies one to the other when only one is set, and requires them equal when both are.
  if (brokerIdRaw !== -1 && nodeIdRaw !== -1 && brokerIdRaw !== nodeIdRaw) {
    fail('node.id', nodeIdRaw, `You must set node.id to the same value as broker.id (${brokerIdRaw})`)
  }
  let id = brokerIdRaw !== -1 ? brokerIdRaw : nodeIdRaw
  const key = brokerIdRaw !== -1 || nodeIdRaw === -1 ? 'broker.id' : 'node.id'
  if (singleNode) {
    // Brook: a single node needs no generated id; it is broker 0 unless told otherwise.
    if (id === -1) id = 0
    if (id < 0) fail(key, id, `${key} must be greater than or equal to 0`)
  } else if (generationEnabled) {
    if (id < -1 || id > reservedMaxId) fail(key, id, `${key} must be greater than or equal to -1 and not greater than reserved.broker.max.id`)
  } else if (id < 0) {
    fail(key, id, `${key} must be greater than or equal to 0`)
  }
  return { brokerId: id, nodeId: id }
}

function parseProtocolMap(text: string): Record<string, SecurityProtocol> {
  const map: Record<string, SecurityProtocol> = {}
  const trimmed = text.trim()
  if (trimmed === '') return map
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const m = /^([^:]+?)\s*:\s*(.+)$/.exec(entry)
    if (!m) fail('listener.security.protocol.map', text, `Map entry "${entry}" should be of the form <listener name>:<security protocol>`)
    const protocol = m[2]!.toUpperCase()
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      fail('listener.security.protocol.map', text, `Unknown security protocol ${m[2]} (valid: ${SECURITY_PROTOCOLS.join(', ')})`)
    }
    map[m[1]!.toUpperCase()] = protocol as SecurityProtocol
  }
  return map
}

// Kafka's EndPoint URI shape: NAME://host:port, host possibly empty or a bracketed IPv6 address.
const LISTENER_RE = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/

function parseListeners(key: string, text: string, protocolMap: Readonly<Record<string, SecurityProtocol>>): EndPoint[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  const endPoints: EndPoint[] = []
  for (const uri of trimmed.split(/\s*,\s*/)) {
    const m = LISTENER_RE.exec(uri)
    if (!m) fail(key, text, `Unable to parse ${uri} to a broker endpoint`)
    const name = m[1]!.toUpperCase()
    const port = Number(m[3])
    if (port < 0 || port > 65535) fail(key, text, `Port ${m[3]} of listener ${name} is out of range 0-65535`)
    const securityProtocol = protocolMap[name]
    if (securityProtocol === undefined) fail(key, text, `No security protocol defined for listener ${name} in listener.security.protocol.map`)
    if (securityProtocol !== 'PLAINTEXT') {
      fail(key, text, `Listener ${name} uses security protocol ${securityProtocol}; Brook supports only PLAINTEXT for now`)
    }
    if (endPoints.some((e) => e.name === name)) fail(key, text, `Each listener must have a different name, but ${name} appears twice`)
    if (key === 'listeners' && port !== 0 && endPoints.some((e) => e.port === port)) fail(key, text, `Each listener must have a different port, but ${port} appears twice`)
    endPoints.push(Object.freeze({ name, host: m[2]!, port, securityProtocol }))
  }
  return endPoints
}

function isWildcardHost(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::'
}

function resolveInterBrokerListener(name: string | null, originals: Readonly<Record<string, string>>, protocol: SecurityProtocol, advertised: readonly EndPoint[]): string {
  if (name !== null && Object.hasOwn(originals, 'security.inter.broker.protocol')) {
    fail('inter.broker.listener.name', name, 'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.')
  }
  if (protocol !== 'PLAINTEXT') fail('security.inter.broker.protocol', protocol, 'Brook supports only PLAINTEXT for now')
  const listenerName = name === null ? protocol : name.toUpperCase()
  if (!advertised.some((l) => l.name === listenerName)) {
    fail(name === null ? 'security.inter.broker.protocol' : 'inter.broker.listener.name', name ?? protocol, `inter.broker.listener.name must be a listener name defined in advertised.listeners (${listenerName} is not)`)
  }
  return listenerName
}

// ---------------------------------------------------------------------------
// DescribeConfigs

/** DescribeConfigs `configSource` codes (Kafka's DescribeConfigsResponse.ConfigSource). */
export const CONFIG_SOURCE_CODES = Object.freeze({
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
})
export type ConfigSource = keyof typeof CONFIG_SOURCE_CODES

export interface DescribedConfigSynonym {
  readonly name: string
  readonly value: string | null
  readonly source: ConfigSource
  /** `CONFIG_SOURCE_CODES[source]`, for the wire. */
  readonly configSource: number
}

export function synonymEntry(name: string, value: string | null, source: ConfigSource): DescribedConfigSynonym {
  return Object.freeze({ name, value, source, configSource: CONFIG_SOURCE_CODES[source] })
}

/** One entry of a DescribeConfigs result, in the shape of the response's fields. */
export interface DescribedConfig {
  readonly name: string
  /** As Kafka prints it; null when unset or sensitive. */
  readonly value: string | null
  readonly source: ConfigSource
  /** `CONFIG_SOURCE_CODES[source]`, for the wire. */
  readonly configSource: number
  /** DescribeConfigs v0: whether the value is the default. */
  readonly isDefault: boolean
  readonly isSensitive: boolean
  readonly readOnly: boolean
  /** Highest priority first (v1+, when the request asks for synonyms). */
  readonly synonyms: readonly DescribedConfigSynonym[]
  /** DescribeConfigs v3+ type code (BOOLEAN 1 … PASSWORD 9). */
  readonly configType: number
  readonly documentation: string
}

/**
 * Broker keys that stand for one setting, highest priority first
 * (Kafka's DynamicBrokerConfig.brokerConfigSynonyms).
 */
const BROKER_SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
]

/** The broker keys that may supply `name`'s value, highest priority first (including itself). */
export function brokerConfigSynonyms(name: string): readonly string[] {
  if (name === 'log.flush.scheduler.interval.ms') return [name]
  return BROKER_SYNONYM_GROUPS.find((g) => g.includes(name)) ?? [name]
}

/**
 * Where a broker key's value can come from, highest priority first, as
 * Kafka's DynamicBrokerConfig keeps them: the per-broker dynamic configs,
 * the cluster-wide dynamic defaults, then server.properties (and the
 * command line's overrides).
 */
export interface BrokerConfigLayers {
  readonly dynamicBroker: Readonly<Record<string, string>>
  readonly dynamicDefault: Readonly<Record<string, string>>
  readonly static: Readonly<Record<string, string>>
}

/** Layers with no dynamic configs: only the file's keys. */
export function staticLayers(originals: Readonly<Record<string, string>>): BrokerConfigLayers {
  return { dynamicBroker: {}, dynamicDefault: {}, static: originals }
}

/**
 * Synonym entries for broker keys `names` as Kafka's ConfigHelper lists
 * them (DynamicBrokerConfig order): each key set per broker
 * (DYNAMIC_BROKER_CONFIG), then each key set as the cluster default
 * (DYNAMIC_DEFAULT_BROKER_CONFIG), then each key set in the file
 * (STATIC_BROKER_CONFIG), then each key's non-null default (DEFAULT_CONFIG).
 * `perBroker` false leaves out the per-broker level (describing the "" resource).
 */
export function brokerSynonyms(names: readonly string[], layers: BrokerConfigLayers, isSensitive: boolean, perBroker = true): DescribedConfigSynonym[] {
  const out: DescribedConfigSynonym[] = []
  const add = (map: Readonly<Record<string, string>>, source: ConfigSource) => {
    for (const name of names) {
      if (Object.hasOwn(map, name)) out.push(synonymEntry(name, isSensitive ? null : map[name]!, source))
    }
  }
  if (perBroker) add(layers.dynamicBroker, 'DYNAMIC_BROKER_CONFIG')
  add(layers.dynamicDefault, 'DYNAMIC_DEFAULT_BROKER_CONFIG')
  add(layers.static, 'STATIC_BROKER_CONFIG')
  for (const name of names) {
    const key = BROKER_CONFIG_DEF.key(name)
    if (key !== undefined && key.defaultValue !== null && !key.required) {
      out.push(synonymEntry(name, isSensitive ? null : formatConfigValue(key.defaultValue, key.type), 'DEFAULT_CONFIG'))
    }
  }
  return out
}

/**
 * DescribeConfigs for this broker (resource type BROKER, name = broker id):
 * every key, its effective value as Kafka prints it, where it came from and
 * its synonyms. `isDynamic` keys (DynamicBrokerConfig's) are not read-only.
 * `config` is the effective config (dynamic layers applied).
 */
export function describeBrokerConfigs(
  config: KafkaConfig,
  layers: BrokerConfigLayers = staticLayers(config.originals),
  isDynamic: (name: string) => boolean = () => false,
): DescribedConfig[] {
  const raw = BROKER_CONFIG_DEF.parse(config.originals).byName as Readonly<Record<string, unknown>>
  return BROKER_CONFIG_DEF.keys().map((key) => {
    const value = key.name === 'broker.id' ? config.brokerId : key.name === 'node.id' ? config.nodeId : raw[key.name]
    const isSensitive = key.type === 'password'
    // Kafka drops the higher-priority synonyms before the described key itself.
    const all = brokerSynonyms(brokerConfigSynonyms(key.name), layers, isSensitive)
    const first = all.findIndex((s) => s.name === key.name)
    const synonyms = first < 0 ? [] : all.slice(first)
    return describedEntry(key, isSensitive ? null : formatConfigValue(value, key.type), synonyms, key.readOnly ?? !isDynamic(key.name))
  })
}

/** Builds one DescribedConfig; the source is the first synonym's, else DEFAULT_CONFIG. */
export function describedEntry(key: ConfigKey, value: string | null, synonyms: readonly DescribedConfigSynonym[], readOnly: boolean): DescribedConfig {
  const source = synonyms[0]?.source ?? 'DEFAULT_CONFIG'
  return Object.freeze({
    name: key.name,
    value,
    source,
    configSource: CONFIG_SOURCE_CODES[source],
    isDefault: source === 'DEFAULT_CONFIG',
    isSensitive: key.type === 'password',
    readOnly,
    synonyms: Object.freeze([...synonyms]),
    configType: CONFIG_TYPE_CODES[key.type],
    documentation: key.doc,
  })
}
