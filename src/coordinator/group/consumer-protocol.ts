/**
 * The one place the coordinator looks inside a member's protocol metadata:
 * the topics a "consumer" group member subscribes to (ConsumerProtocolSubscription),
 * which OffsetDelete needs to refuse deleting offsets a live member uses
 * (GROUP_SUBSCRIBED_TO_TOPIC) and offset expiry uses the same way.
 * Assignments are never read.
 */
import { DecodeError } from '../../protocol/codec-error.js'
import { ConsumerProtocolSubscriptionSpec } from '../../protocol/messages/consumer-protocol-subscription.js'
import { Reader } from '../../protocol/reader.js'

/** The subscribed topics, or null when the metadata is not a readable subscription. */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata)
    const version = r.int16()
    // Newer clients may send a version beyond ours; its leading fields are laid out the same.
    const v = Math.min(Math.max(version, ConsumerProtocolSubscriptionSpec.minVersion), ConsumerProtocolSubscriptionSpec.maxVersion)
    return ConsumerProtocolSubscriptionSpec.read(r, v).topics
  } catch (e) {
    if (e instanceof DecodeError) return null
    throw e
  }
}
