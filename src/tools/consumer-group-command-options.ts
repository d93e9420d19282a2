/**
 * kafka-consumer-groups' options (Kafka's ConsumerGroupCommandOptions): the
 * flags with Kafka's descriptions for --help, and checkArgs, which refuses
 * the combinations Kafka refuses with Kafka's messages, before anything is
 * sent to a broker.
 */
import { UsageError, type ParsedArgs, type ToolSpec } from './command-line.js'

// Kafka joins these sentences with line breaks; the shared usage table rewraps every description, so a space does.
const NL = ' '
export const CONSUMER_GROUPS_SPEC: ToolSpec = {
  name: 'kafka-consumer-groups',
  summary: 'This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.',
  options: {
    'bootstrap-server': { arg: 'String: server to connect to', description: 'REQUIRED: The server(s) to connect to.' },
    group: { arg: 'String: consumer group', multiple: true, description: 'The consumer group we wish to act on.' },
    topic: {
      arg: 'String: topic',
      multiple: true,
      description:
        'The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process. Reset-offsets also supports multiple topic inputs.',
    },
    'all-topics': { description: 'Consider all topics assigned to a group in the `reset-offsets` process.' },
    list: { description: 'List all consumer groups.' },
    describe: { description: 'Describe consumer group and list offset lag (number of messages not yet processed) related to given group.' },
    'all-groups': { description: 'Apply to all consumer groups.' },
    delete: { description: 'Pass in groups to delete topic partition offsets and ownership information over the entire consumer group. For instance --group g1 --group g2' },
    timeout: {
      arg: 'Long: timeout (ms)',
      default: '5000',
      description:
        'The timeout that can be set for some use cases. For example, it can be used when describing the group to specify the maximum amount of time in milliseconds to wait before the group stabilizes (when the group is just created, or is going through some changes).',
    },
    'command-config': { arg: 'String: command config property file', description: 'Property file containing configs to be passed to Admin Client and Consumer.' },
    'reset-offsets': {
      description:
        'Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive' +
        NL +
        'Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. Additionally, the --export option is used to export the results to a CSV format.' +
        NL +
        'You must choose one of the following reset specifications: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --from-file, --to-current, --to-offset.' +
        NL +
        "To define the scope use --all-topics or --topic. One scope must be specified unless you use '--from-file'.",
    },
    'delete-offsets': { description: 'Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics.' },
    'dry-run': { description: 'Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets.' },
    execute: { description: 'Execute operation. Supported operations: reset-offsets.' },
    export: { description: 'Export operation execution to a CSV file. Supported operations: reset-offsets.' },
    'to-offset': { arg: 'Long: offset', description: 'Reset offsets to a specific offset.' },
    'from-file': { arg: 'String: path to CSV file', description: 'Reset offsets to values defined in CSV file.' },
    'to-datetime': { arg: 'String: datetime', description: "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'" },
    'by-duration': { arg: 'String: duration', description: "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'" },
    'to-earliest': { description: 'Reset offsets to earliest offset.' },
    'to-latest': { description: 'Reset offsets to latest offset.' },
    'to-current': { description: 'Reset offsets to current offset.' },
    'shift-by': { arg: 'Long: number-of-offsets', description: "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative." },
    members: {
      description: "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only." + NL + 'Example: --bootstrap-server localhost:9092 --describe --group group1 --members',
    },
    verbose: {
      description:
        "Provide additional information, if any, when describing the group. This option may be used with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only." +
        NL +
        'Example: --bootstrap-server localhost:9092 --describe --group group1 --members --verbose',
    },
    offsets: {
      description:
        "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only." +
        NL +
        'Example: --bootstrap-server localhost:9092 --describe --group group1 --offsets',
    },
    state: {
      // An optional value (joptsimple's withOptionalArg): see withStateValue().
      arg: 'String',
      description:
        "When specified with '--describe', includes the state of the group." +
        NL +
        'Example: --bootstrap-server localhost:9092 --describe --group group1 --state' +
        NL +
        "When specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states." +
        NL +
        'Example: --bootstrap-server localhost:9092 --list --state stable,empty' +
        NL +
        "This option may be used with '--describe', '--list' and '--bootstrap-server' options only.",
    },
  },
}

/**
 * `--state` takes a value only when one follows (`--list --state stable`);
 * `--describe --state` has none. The shared parser knows options with and
 * without values, so a bare `--state` becomes `--state=` (an empty value).
 */
export function withStateValue(argv: string[]): string[] {
  return argv.map((a, i) => (a === '--state' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) ? '--state=' : a))
}

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const
const RESET_SCENARIOS = ['to-offset', 'shift-by', 'to-datetime', 'by-duration', 'to-earliest', 'to-latest', 'to-current', 'from-file'] as const
/** Kafka's classic group states, as ListGroups and DescribeGroups name them. */
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty'] as const

/** ConsumerGroupCommandOptions.checkArgs, and joptsimple's availableIf before it. */
export function checkArgs(a: ParsedArgs): void {
  const notWith = (used: string, others: readonly string[]) => {
    if (!a.has(used)) return
    const clash = others.find((o) => o !== used && a.has(o))
    if (clash) throw new UsageError(`Option "[${used}]" can't be used with option "[${clash}]"`)
  }
  for (const [opt, onlyWith] of [['members', ['describe']], ['verbose', ['describe']], ['offsets', ['describe']], ['state', ['describe', 'list']]] as const) {
    if (a.has(opt) && !onlyWith.some((o) => a.has(o))) throw new UsageError(`Option(s) [${opt}] are unavailable given other options on the command line`)
  }
  a.required('bootstrap-server')
  const groupScope = !a.has('group') && !a.has('all-groups')
  if (a.has('describe')) {
    if (groupScope) throw new UsageError('Option [describe] takes one of these options: [group], [all-groups]')
    if (['members', 'offsets', 'state'].filter((o) => a.has(o)).length > 1) throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]')
    if (a.has('state') && a.value('state') !== '') throw new UsageError('Option [describe] does not take a value for [state]')
  }
  if (a.has('delete')) {
    if (groupScope) throw new UsageError('Option [delete] takes one of these options: [group], [all-groups]')
    if (a.has('topic')) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.')
  }
  if (a.has('delete-offsets') && (!a.has('group') || !a.has('topic'))) throw new UsageError('Option [delete-offsets] takes the following options: [group], [topic]')
  if (a.has('reset-offsets')) {
    if (a.has('dry-run') && a.has('execute')) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]')
    if (!a.has('dry-run') && !a.has('execute')) {
      process.stderr.write(
        'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n',
      )
    }
    if (groupScope) throw new UsageError('Option [reset-offsets] takes one of these options: [group], [all-groups]')
    for (const s of RESET_SCENARIOS) notWith(s, RESET_SCENARIOS)
  }
  notWith('group', ['all-groups'])
  notWith('group', ['list'])
  notWith('topic', ['list', 'describe'])
  if (ACTIONS.filter((x) => a.has(x)).length !== 1) throw new UsageError('Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets')
  if (a.has('reset-offsets')) {
    if (!RESET_SCENARIOS.some((s) => a.has(s))) throw new UsageError(`Option '[reset-offsets]' requires one of the following scenarios: ${RESET_SCENARIOS.map((s) => `[${s}]`).join(', ')}`)
    if (!a.has('all-topics') && !a.has('topic') && !a.has('from-file')) throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
  }
}
