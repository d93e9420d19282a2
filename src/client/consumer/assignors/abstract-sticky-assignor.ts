/**
 * What "sticky" and "cooperative-sticky" share (Kafka's AbstractStickyAssignor,
 * KIP-54 and KIP-429; librdkafka's rdkafka_sticky_assignor.c): an assignment
 * that is balanced first and, within that, keeps as many partitions as it can
 * where they were.
 *
 * The algorithm is Brook's own, not a port of either client's; it gives the
 * same guarantees their tests check:
 *
 * 1. Previous owners. Each member's MemberData (from its subscription, read
 *    by the subclass) names what it owned and in which generation. A claim
 *    counts only for a partition that exists and a topic the member still
 *    subscribes to. Of several claimants the highest generation wins; a tie
 *    at the top (two members claiming a partition in the same generation, so
 *    at least one of them is wrong) leaves the partition unowned, as Java and
 *    librdkafka do.
 * 2. Keep: every owned partition stays with its owner.
 * 3. Fill: each unowned partition goes to the least loaded member that can
 *    take it, the partitions of the topics with the fewest subscribers first.
 * 4. Balance: while some member holds at least two partitions more than a
 *    member it can pass work to, possibly through a chain of members (A gives
 *    B a partition of a topic they share, B gives C one of another), move
 *    along the shortest such chain, from the most loaded member to the least
 *    loaded one it reaches. Each move lowers the sum of squared loads, so
 *    this ends, and it ends only when no chain is left: with equal
 *    subscriptions, when loads differ by at most one; otherwise at the most
 *    even loads the subscriptions allow (a stronger condition than Java's
 *    "no single partition can move to a member two below"). Which partition
 *    a move takes is described at #move.
 *
 * Taking from the most loaded and giving to the least loaded is also what
 * makes the result as sticky as balance allows when subscriptions are equal:
 * a member that owned more than the average keeps one of the larger quotas.
 *
 * Every choice is made in a fixed order (members by id, partitions by topic
 * then number), so the same subscriptions always give the same assignment.
 *
 * Not done: KIP-881 rack awareness (partitionsPerTopic carries no replica
 * racks; Java also assigns as if racks were unknown then).
 */
import type { Assignor, MemberSubscription, TopicPartition } from './assignor.js'
import { compareStrings } from './ordering.js'

/** What a member owned before this rebalance and the generation it owned it in (-1: unknown). */
export interface MemberData {
  partitions: TopicPartition[]
  generation: number
}

/** The balanced, sticky assignment, and what in it cannot be handed over yet. */
export interface StickyAssignment {
  /** Member id -> its partitions, sorted by topic and partition. */
  assignment: Map<string, TopicPartition[]>
  /**
   * Member id -> the partitions of its assignment (the same objects) that
   * another member still claims: a previous owner losing them, or one of two
   * members claiming them in the same generation. Kafka's
   * partitionsTransferringOwnership.
   */
  transferring: Map<string, Set<TopicPartition>>
}

export abstract class AbstractStickyAssignor implements Assignor {
  abstract readonly name: string
  abstract readonly rebalanceProtocol: 'EAGER' | 'COOPERATIVE'
  abstract userData(owned: TopicPartition[], generation: number): Buffer | null

  /** What the member says it owned, and in which generation: the two assignors read different fields. */
  abstract memberData(subscription: MemberSubscription): MemberData

  assign(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): Map<string, TopicPartition[]> {
    return this.stickyAssignment(partitionsPerTopic, members).assignment
  }

  stickyAssignment(partitionsPerTopic: Map<string, number>, members: Map<string, MemberSubscription>): StickyAssignment {
    const ids = [...members.keys()].sort(compareStrings)
    return new StickyBuilder(
      partitionsPerTopic,
      ids.map((id) => {
        const s = members.get(id)!
        return { id, topics: s.topics, data: this.memberData(s) }
      }),
    ).build()
  }
}

/**
 * One assignment run. Partitions are numbered 0..P-1 (topics in name order,
 * then partition number) and members 0..N-1 (by member id), so the state is
 * arrays and every tie is broken by the smaller number.
 */
class StickyBuilder {
  readonly #members: { id: string; topics: string[]; data: MemberData }[]
  readonly #topics: string[] = []
  readonly #firstPartition = new Map<string, number>()
  readonly #partitionTopic: number[] = []
  readonly #partitionNumber: number[] = []
  /** Per topic: the members subscribed to it, ascending. */
  readonly #subscribers: number[][] = []
  /** Per member: the topics it subscribes to (that have partitions), ascending. */
  readonly #memberTopics: number[][]
  readonly #memberTopicSet: Set<number>[]
  /** Per partition: the first member to claim it (any generation), -1 for none. */
  readonly #claimant: Int32Array
  /** Partitions claimed by more than one member -> the claimants after the first. */
  readonly #moreClaimants = new Map<number, number[]>()
  /** Per partition: its previous owner, -1 for none. */
  readonly #owner: Int32Array
  /** Per partition: the member it is assigned to, -1 while unassigned. */
  readonly #holder: Int32Array
  /** Per member, per topic: the partitions it holds. */
  readonly #held: Map<number, Set<number>>[]
  readonly #load: number[]

  constructor(partitionsPerTopic: Map<string, number>, members: { id: string; topics: string[]; data: MemberData }[]) {
    this.#members = members
    const memberTopicNames = members.map((m) => new Set(m.topics))
    const wanted = new Set(members.flatMap((m) => m.topics))
    for (const topic of [...partitionsPerTopic.keys()].sort(compareStrings)) {
      const count = partitionsPerTopic.get(topic)!
      // A topic no member subscribes to has no one to go to (Java never sees one).
      if (!(count > 0) || !wanted.has(topic)) continue
      const t = this.#topics.length
      this.#topics.push(topic)
      this.#firstPartition.set(topic, this.#partitionTopic.length)
      for (let p = 0; p < count; p++) {
        this.#partitionTopic.push(t)
        this.#partitionNumber.push(p)
      }
      this.#subscribers.push(members.flatMap((_, i) => (memberTopicNames[i]!.has(topic) ? [i] : [])))
    }
    const partitions = this.#partitionTopic.length
    this.#memberTopics = members.map((_, i) => this.#topics.flatMap((topic, t) => (memberTopicNames[i]!.has(topic) ? [t] : [])))
    this.#memberTopicSet = this.#memberTopics.map((ts) => new Set(ts))
    this.#claimant = new Int32Array(partitions).fill(-1)
    this.#owner = new Int32Array(partitions).fill(-1)
    this.#holder = new Int32Array(partitions).fill(-1)
    this.#held = members.map(() => new Map())
    this.#load = members.map(() => 0)
  }

  build(): StickyAssignment {
    this.#resolveOwners()
    for (let p = 0; p < this.#owner.length; p++) if (this.#owner[p]! >= 0) this.#give(p, this.#owner[p]!)
    this.#fill()
    this.#balance()
    return this.#result()
  }

  #partitionId(tp: TopicPartition): number {
    const first = this.#firstPartition.get(tp.topic)
    if (first === undefined || !Number.isInteger(tp.partition) || tp.partition < 0) return -1
    const p = first + tp.partition
    return p < this.#partitionTopic.length && this.#partitionTopic[p] === this.#partitionTopic[first] ? p : -1
  }

  #resolveOwners(): void {
    this.#members.forEach((m, i) => {
      for (const tp of m.data.partitions) {
        const p = this.#partitionId(tp)
        if (p < 0 || this.#claimant[p] === i) continue
        if (this.#claimant[p]! < 0) {
          this.#claimant[p] = i
        } else {
          const more = this.#moreClaimants.get(p)
          if (more === undefined) this.#moreClaimants.set(p, [i])
          else if (!more.includes(i)) more.push(i)
        }
      }
    })
    for (let p = 0; p < this.#claimant.length; p++) {
      if (this.#claimant[p]! < 0) continue
      let best = -1
      let tied = false
      for (const i of [this.#claimant[p]!, ...(this.#moreClaimants.get(p) ?? [])]) {
        // A member that no longer subscribes to the topic cannot keep it (but
        // still holds it until it gets its new assignment).
        if (!this.#memberTopicSet[i]!.has(this.#partitionTopic[p]!)) continue
        const generation = this.#members[i]!.data.generation
        if (best < 0 || generation > this.#members[best]!.data.generation) {
          best = i
          tied = false
        } else if (generation === this.#members[best]!.data.generation) {
          tied = true
        }
      }
      if (best >= 0 && !tied) this.#owner[p] = best
    }
  }

  #give(p: number, member: number): void {
    const t = this.#partitionTopic[p]!
    let set = this.#held[member]!.get(t)
    if (set === undefined) this.#held[member]!.set(t, (set = new Set()))
    set.add(p)
    this.#holder[p] = member
    this.#load[member]!++
  }

  #take(p: number): void {
    const member = this.#holder[p]!
    this.#held[member]!.get(this.#partitionTopic[p]!)!.delete(p)
    this.#holder[p] = -1
    this.#load[member]!--
  }

  #fill(): void {
    // Topics with the fewest possible takers first, while those have room.
    // Each partition goes to the least loaded subscriber, lowest index on ties.
    const order = this.#topics.map((_, t) => t).sort((a, b) => this.#subscribers[a]!.length - this.#subscribers[b]!.length || a - b)
    for (const t of order) {
      const first = this.#firstPartition.get(this.#topics[t]!)!
      const end = t + 1 < this.#topics.length ? this.#firstPartition.get(this.#topics[t + 1]!)! : this.#partitionTopic.length
      let heap: MemberHeap | null = null
      for (let p = first; p < end; p++) {
        if (this.#holder[p]! >= 0) continue
        heap ??= new MemberHeap(this.#subscribers[t]!, this.#load)
        const member = heap.pop()
        this.#give(p, member)
        heap.push(member)
      }
    }
  }

  #balance(): void {
    // Members that can hold nothing stay at 0 and must not count as the least loaded.
    const active = this.#members.flatMap((_, i) => (this.#memberTopics[i]!.length > 0 ? [i] : []))
    for (;;) {
      let min = Infinity
      let max = -Infinity
      for (const i of active) {
        min = Math.min(min, this.#load[i]!)
        max = Math.max(max, this.#load[i]!)
      }
      if (!(max - min >= 2)) return
      const chain = this.#findChain(active, min)
      if (chain === null) return
      // Backwards, so that each hop's giver still has what the search saw.
      for (let k = chain.length - 1; k > 0; k--) this.#move(chain[k - 1]!, chain[k]!)
    }
  }

  /**
   * The shortest chain from a most loaded member to the least loaded member it
   * can reach that holds at least two fewer partitions; null when none is left.
   */
  #findChain(active: number[], minLoad: number): number[] | null {
    const sources = [...active].sort((a, b) => this.#load[b]! - this.#load[a]! || a - b)
    const n = this.#members.length
    // A member reached from a source without success and not more loaded
    // than it cannot succeed either: whatever it reaches, the source reaches.
    const settled = new Uint8Array(n)
    for (const s of sources) {
      if (this.#load[s]! - minLoad < 2) break
      if (settled[s]) continue
      const parent = new Int32Array(n).fill(-1)
      const visited = new Uint8Array(n)
      // A topic's subscribers are all reached the first time any member holding it is
      // expanded; skipping it afterwards keeps a search linear in members x topics.
      const expanded = new Uint8Array(this.#topics.length)
      const queue = [s]
      visited[s] = 1
      let target = -1
      for (let head = 0; head < queue.length; head++) {
        const u = queue[head]!
        for (const t of this.#memberTopics[u]!) {
          if (expanded[t] || (this.#held[u]!.get(t)?.size ?? 0) === 0) continue
          expanded[t] = 1
          for (const v of this.#subscribers[t]!) {
            if (visited[v]) continue
            visited[v] = 1
            parent[v] = u
            queue.push(v)
            // Queue order is distance order, so the first of the least loaded is also the nearest.
            if (this.#load[v]! <= this.#load[s]! - 2 && (target < 0 || this.#load[v]! < this.#load[target]!)) target = v
          }
        }
      }
      if (target >= 0) {
        const chain = [target]
        while (chain[0] !== s) chain.unshift(parent[chain[0]!]!)
        return chain
      }
      for (const u of queue) if (this.#load[u]! <= this.#load[s]!) settled[u] = 1
    }
    return null
  }

  /**
   * Moves the partition `from` can best spare, of a topic `to` subscribes to:
   * first one going back to `to`, its previous owner; then one `from` did
   * not own before this round (no revocation); only then one of its own.
   * Within that, of the topic `from` holds most more of than `to`, so moves
   * spread each topic over the members (one member of two taking over half
   * of two topics gets half of each, not all of one), and its highest
   * partition, so members keep their low-numbered ones as in Java.
   */
  #move(from: number, to: number): void {
    let best = -1
    let bestRank = Infinity
    let bestSurplus = -Infinity
    for (const t of this.#memberTopics[to]!) {
      const mine = this.#held[from]!.get(t)
      if (mine === undefined || mine.size === 0) continue
      const surplus = mine.size - (this.#held[to]!.get(t)?.size ?? 0)
      for (const p of mine) {
        const rank = this.#owner[p] === to ? 0 : this.#owner[p] !== from ? 1 : 2
        if (rank < bestRank || (rank === bestRank && (surplus > bestSurplus || (surplus === bestSurplus && p > best)))) {
          best = p
          bestRank = rank
          bestSurplus = surplus
        }
      }
    }
    this.#take(best)
    this.#give(best, to)
  }

  #claimedByOther(p: number, member: number): boolean {
    const first = this.#claimant[p]!
    return (first >= 0 && first !== member) || (this.#moreClaimants.get(p)?.some((c) => c !== member) ?? false)
  }

  #result(): StickyAssignment {
    const assignment = new Map<string, TopicPartition[]>()
    const transferring = new Map<string, Set<TopicPartition>>()
    const lists: TopicPartition[][] = this.#members.map(() => [])
    const moving: Set<TopicPartition>[] = this.#members.map(() => new Set())
    for (let p = 0; p < this.#holder.length; p++) {
      const member = this.#holder[p]!
      const tp = { topic: this.#topics[this.#partitionTopic[p]!]!, partition: this.#partitionNumber[p]! }
      lists[member]!.push(tp)
      // KIP-429: a partition may go straight to `member` only if no one else
      // may still be consuming it, that is, if `member` is its owner or
      // nobody claims it at all.
      if (this.#owner[p] !== member && this.#claimedByOther(p, member)) moving[member]!.add(tp)
    }
    this.#members.forEach((m, i) => {
      assignment.set(m.id, lists[i]!)
      transferring.set(m.id, moving[i]!)
    })
    return { assignment, transferring }
  }
}

/** A binary min-heap of member indices by (load, index), over a load array it reads live. */
class MemberHeap {
  readonly #items: number[]
  readonly #load: readonly number[]

  constructor(members: readonly number[], load: readonly number[]) {
    this.#items = [...members]
    this.#load = load
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#down(i)
  }

  pop(): number {
    const top = this.#items[0]!
    const last = this.#items.pop()!
    if (this.#items.length > 0) {
      this.#items[0] = last
      this.#down(0)
    }
    return top
  }

  /** Adds a member, whose load may have changed since it was popped. */
  push(member: number): void {
    const items = this.#items
    items.push(member)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.#less(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  #less(a: number, b: number): boolean {
    return this.#load[a]! < this.#load[b]! || (this.#load[a] === this.#load[b] && a < b)
  }

  #down(i: number): void {
    const items = this.#items
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < items.length && this.#less(items[l]!, items[m]!)) m = l
      if (r < items.length && this.#less(items[r]!, items[m]!)) m = r
      if (m === i) return
      ;[items[i], items[m]] = [items[m]!, items[i]!]
      i = m
    }
  }
}
