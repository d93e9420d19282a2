/**
 * Property tests of both sticky assignors over 200 random groups each
 * (seeded: a failure names its case, and the same seed replays it).
 *
 * Each group has random topics and members, subscriptions equal or not, and
 * a random previous state: partitions owned by members that may since have
 * dropped the topic, members of older generations, members without a
 * generation, partitions claimed twice. Checked:
 * - validity: every partition of a subscribed topic assigned once, to a subscriber;
 * - balance: with equal subscriptions loads differ by at most one; otherwise
 *   no chain of moves could make it more even (the condition the assignor
 *   promises, which implies the pairwise check of Kafka's
 *   AbstractStickyAssignorTest.verifyValidityAndBalance);
 * - stickiness: with equal subscriptions, as many partitions stay with their
 *   previous owner as any balanced assignment could keep;
 * - cooperative: no partition goes to a member while another member still
 *   claims it; replaying rebalances with the members' new ownership
 *   converges, with equal subscriptions in exactly one follow-up round.
 */
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MemberSubscription, TopicPartition } from './assignor.js'
import { assertValid, keys, seededRandom, spread, subscription } from './assignor-testing.js'
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js'
import { encodeStickyUserData, StickyAssignor } from './sticky-assignor.js'

interface Case {
  partitionsPerTopic: Map<string, number>
  /** Subscriptions without ownership. */
  topicsOf: Map<string, string[]>
  equal: boolean
  /** Member id -> what it claims and its generation. */
  claims: Map<string, { owned: TopicPartition[]; generation: number }>
}

function randomCase(random: () => number): Case {
  const int = (n: number) => Math.floor(random() * n)
  const partitionsPerTopic = new Map<string, number>()
  const topicCount = 1 + int(5)
  for (let t = 0; t < topicCount; t++) partitionsPerTopic.set(`t${t}`, int(13))
  const names = [...partitionsPerTopic.keys()]
  const equal = random() < 0.5
  const topicsOf = new Map<string, string[]>()
  const memberCount = 1 + int(8)
  for (let m = 0; m < memberCount; m++) {
    const mine = equal ? names : names.filter(() => random() < 0.5)
    // Now and then a topic the metadata does not know (deleted, or not created yet).
    topicsOf.set(`member-${m}`, random() < 0.1 ? [...mine, 'gone'] : mine)
  }
  const ids = [...topicsOf.keys()]
  const current = 10
  const claims = new Map(ids.map((id) => [id, { owned: [] as TopicPartition[], generation: [current, current, current, current - 1, -1][int(5)]! }]))
  const all = [...partitionsPerTopic].flatMap(([topic, n]) => Array.from({ length: n }, (_, p) => ({ topic, partition: p })))
  if (random() < 0.5) {
    // Members came and went: the partitions were dealt evenly among an earlier
    // membership (some of today's members and some departed ones, whose
    // partitions nobody claims now); members that joined since own nothing.
    const earlier = [...ids.filter(() => random() < 0.6), ...Array.from({ length: int(4) }, (_, k) => `departed-${k}`)]
    all.forEach((x, k) => claims.get(earlier[k % Math.max(1, earlier.length)]!)?.owned.push(x))
  } else {
    for (const x of [...all, { topic: 'gone', partition: 0 }]) {
      // Owned by nobody (a new topic or a departed member), by one member, or claimed twice.
      const r = random()
      if (r < 0.25) continue
      claims.get(ids[int(ids.length)]!)!.owned.push(x)
      if (r > 0.95) claims.get(ids[int(ids.length)]!)!.owned.push(x)
    }
  }
  return { partitionsPerTopic, topicsOf, equal, claims }
}

/** Who keeps each partition by the rules (subscribed claimant, highest generation, no tie), independently of the assignor. */
function previousOwners(c: Case): Map<string, string> {
  const best = new Map<string, { id: string; generation: number; tied: boolean }>()
  for (const [id, { owned, generation }] of c.claims) {
    for (const x of new Set(keys(owned))) {
      const topic = x.slice(0, x.lastIndexOf('-'))
      if (!c.partitionsPerTopic.has(topic) || !c.topicsOf.get(id)!.includes(topic)) continue
      const b = best.get(x)
      if (b === undefined || generation > b.generation) best.set(x, { id, generation, tied: false })
      else if (generation === b.generation) b.tied = true
    }
  }
  return new Map([...best].filter(([, b]) => !b.tied).map(([x, b]) => [x, b.id]))
}

/** Fails if some member could pass a partition, directly or through others, to a member holding two fewer. */
function assertNoImprovingChain(c: Case, assignment: Map<string, TopicPartition[]>, what: string): void {
  const ids = [...assignment.keys()]
  const load = (id: string) => assignment.get(id)!.length
  for (const source of ids) {
    const seen = new Set([source])
    const queue = [source]
    while (queue.length > 0) {
      const u = queue.shift()!
      const held = new Set(assignment.get(u)!.map((x) => x.topic))
      for (const v of ids) {
        if (seen.has(v) || !c.topicsOf.get(v)!.some((t) => held.has(t))) continue
        seen.add(v)
        queue.push(v)
        assert.ok(load(v) > load(source) - 2, `${what}: ${source} (${load(source)}) could pass work to ${v} (${load(v)})`)
      }
    }
  }
}

/** The most partitions a balanced assignment can leave with their owners, when every member subscribes to everything. */
function bestKept(c: Case, owners: Map<string, string>): number {
  const total = [...c.partitionsPerTopic.values()].reduce((a, b) => a + b, 0)
  const n = c.topicsOf.size
  const ownedCounts = [...c.topicsOf.keys()].map((id) => [...owners.values()].filter((o) => o === id).length).sort((a, b) => b - a)
  const minQuota = Math.floor(total / n)
  return ownedCounts.reduce((sum, owned, i) => sum + Math.min(owned, minQuota + (i < total % n ? 1 : 0)), 0)
}

function kept(assignment: Map<string, TopicPartition[]>, owners: Map<string, string>): number {
  let n = 0
  for (const [id, list] of assignment) for (const x of keys(list)) if (owners.get(x) === id) n++
  return n
}

function checkBalance(c: Case, assignment: Map<string, TopicPartition[]>, what: string): void {
  if (c.equal) assert.ok(spread(assignment) <= 1, `${what}: loads ${[...assignment.values()].map((l) => l.length)}`)
  else assertNoImprovingChain(c, assignment, what)
}

describe('sticky (eager), 200 random groups', () => {
  test('valid, balanced, and as sticky as balance allows', () => {
    const random = seededRandom(20240601)
    const sticky = new StickyAssignor()
    for (let i = 0; i < 200; i++) {
      const c = randomCase(random)
      // Ownership as Java's eager members send it (userData) or as the subscription's own fields, at random.
      const members = new Map<string, MemberSubscription>(
        [...c.topicsOf].map(([id, topics]) => {
          const { owned, generation } = c.claims.get(id)!
          const viaUserData = random() < 0.5 && (owned.length > 0 || generation >= 0)
          const s = viaUserData
            ? subscription(topics, { userData: encodeStickyUserData(owned, generation) })
            : subscription(topics, { ownedPartitions: owned, generationId: generation })
          return [id, { ...s, memberId: id }]
        }),
      )
      const what = `case ${i}`
      const a = sticky.assign(c.partitionsPerTopic, members)
      assertValid(c.partitionsPerTopic, members, a)
      checkBalance(c, a, what)
      if (c.equal) {
        const owners = previousOwners(c)
        assert.equal(kept(a, owners), bestKept(c, owners), `${what}: partitions kept by their owners`)
      }
      assert.deepEqual(sticky.assign(c.partitionsPerTopic, new Map([...members].reverse())), a, `${what}: deterministic`)
    }
  })
})

describe('cooperative-sticky, 200 random groups', () => {
  test('never hands over a partition another member still claims, and converges', () => {
    const random = seededRandom(8675309)
    const cooperative = new CooperativeStickyAssignor()
    let followUps = 0
    for (let i = 0; i < 200; i++) {
      const c = randomCase(random)
      const what = `case ${i}`
      let members = new Map<string, MemberSubscription>(
        [...c.topicsOf].map(([id, topics]) => {
          const { owned, generation } = c.claims.get(id)!
          return [id, { ...subscription(topics, { ownedPartitions: owned, generationId: generation }), memberId: id }]
        }),
      )
      const owners = previousOwners(c)
      for (let round = 1; ; round++) {
        const a = cooperative.assign(c.partitionsPerTopic, members)
        assertValid(c.partitionsPerTopic, members, a, { complete: false })
        // Java's verifyCooperativeValidity: nothing both newly added somewhere and revoked elsewhere.
        const revoked = new Set<string>()
        const added = new Map<string, string>()
        for (const [id, list] of a) {
          const owned = new Set(keys(members.get(id)!.ownedPartitions))
          const assigned = new Set(keys(list))
          for (const x of owned) if (!assigned.has(x)) revoked.add(x)
          for (const x of assigned) if (!owned.has(x)) added.set(x, id)
        }
        for (const [x, id] of added) assert.ok(!revoked.has(x), `${what} round ${round}: ${x} given to ${id} while another member still holds it`)
        if (round === 1 && c.equal) {
          // What stays put in round 1 is what the eager assignor would keep.
          assert.equal(kept(a, owners), bestKept(c, owners), `${what}: partitions kept by their owners`)
        }
        if (revoked.size === 0) {
          assertValid(c.partitionsPerTopic, members, a)
          checkBalance(c, a, `${what} round ${round}`)
          break
        }
        // Members that revoked something rejoin with what they hold now, one generation on.
        assert.ok(round < (c.equal ? 2 : 4), `${what}: still revoking after ${round} rounds`)
        if (round >= 2) followUps++
        members = new Map([...members].map(([id, s]) => [id, { ...s, ownedPartitions: a.get(id)!, generationId: 11 + round }]))
      }
    }
    assert.ok(followUps <= 10, `${followUps} groups needed more than one follow-up rebalance`)
  })
})
