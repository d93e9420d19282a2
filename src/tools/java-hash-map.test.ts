import { test } from 'node:test'
import assert from 'node:assert/strict'
import { javaHashMapOrder, javaIntegerHashCode, javaStringHashCode, topicPartitionHashCode } from './java-hash-map.js'

// Each row: keys in insertion order | `new HashMap<>()` key order | `new HashMap<>(keys.length)` key order,
// as printed by OpenJDK 17 (`String.join(",", map.keySet())`) for random names of topic characters.
const JAVA_ORDERS = `
j9ae,0qc..v,u,jv89oe.19,zttyz7fuui,8,7f,iq,pqibkwf0-oqz,7_t63wl3|7_t63wl3,j9ae,pqibkwf0-oqz,u,8,iq,0qc..v,zttyz7fuui,jv89oe.19,7f|7_t63wl3,j9ae,pqibkwf0-oqz,u,8,iq,0qc..v,zttyz7fuui,jv89oe.19,7f
1,4fzpzydxq9e,3psa,ejfnypnvg,nof9ptic,gs,axuxyedh5fq,vxexjrd,j5oy_,yfxqwsonvv7n,8d7cb4079tc,wetqb2._dci,1-dyi9wqw,92.25na,fw,355b7k,sj7_lzy,fagpnn2i3h,5nv,l8|4fzpzydxq9e,j5oy_,wetqb2._dci,1-dyi9wqw,355b7k,nof9ptic,vxexjrd,8d7cb4079tc,gs,l8,sj7_lzy,fagpnn2i3h,1,ejfnypnvg,fw,3psa,axuxyedh5fq,yfxqwsonvv7n,5nv,92.25na|4fzpzydxq9e,j5oy_,wetqb2._dci,1-dyi9wqw,355b7k,nof9ptic,vxexjrd,8d7cb4079tc,gs,l8,sj7_lzy,fagpnn2i3h,1,ejfnypnvg,fw,3psa,axuxyedh5fq,yfxqwsonvv7n,5nv,92.25na
p1oekj4,l-lkjxw.sk,scpfs3,cb3q,z5d,o3j5bau__,hko,1ng6,ie7ti,f3i_c,8,viq.kuwqej,zv2ebh4m3,vsge-3,dy0cnsnn5,lq3s1o1h0d-,kk3nyffj6i5,1z67soiao48l,bv..es|dy0cnsnn5,vsge-3,scpfs3,ie7ti,o3j5bau__,z5d,zv2ebh4m3,l-lkjxw.sk,hko,kk3nyffj6i5,bv..es,lq3s1o1h0d-,cb3q,f3i_c,1z67soiao48l,viq.kuwqej,8,1ng6,p1oekj4|dy0cnsnn5,vsge-3,scpfs3,ie7ti,o3j5bau__,z5d,zv2ebh4m3,l-lkjxw.sk,hko,kk3nyffj6i5,bv..es,lq3s1o1h0d-,cb3q,f3i_c,1z67soiao48l,viq.kuwqej,8,1ng6,p1oekj4
n9n-.bk0,0sv.zhfejfs,tf,srvaj77,k5i,s1elq4uql7,5vimta3ek-,136vw23amk,z4bi|136vw23amk,srvaj77,0sv.zhfejfs,tf,5vimta3ek-,n9n-.bk0,s1elq4uql7,z4bi,k5i|136vw23amk,srvaj77,0sv.zhfejfs,tf,5vimta3ek-,n9n-.bk0,s1elq4uql7,z4bi,k5i
9visklhr3.,fm90m,k6f1f,hii,50_gi,nrw_9z5j76zo,1xkuz39-o3cv,n,_dw3y4l57qtb,iy43il,jsun0m,efc5okgxzimo,ub42ib,kw0y,edtt2|fm90m,ub42ib,50_gi,_dw3y4l57qtb,nrw_9z5j76zo,kw0y,hii,efc5okgxzimo,9visklhr3.,k6f1f,edtt2,n,jsun0m,1xkuz39-o3cv,iy43il|fm90m,ub42ib,50_gi,_dw3y4l57qtb,nrw_9z5j76zo,kw0y,hii,efc5okgxzimo,9visklhr3.,k6f1f,edtt2,n,jsun0m,1xkuz39-o3cv,iy43il
u48md,cmjyfk-jt,8b0,0-b,9c1zcn,ag,2f.nsjf22vs,2wlf4lofk8b9,z,dx6usq,srai4vgfpds,ibho.647,0,74upk-2ys0cy,_5jgccztxx9,m,5hf,j,32,0371,pq|pq,srai4vgfpds,ibho.647,_5jgccztxx9,0-b,8b0,ag,2f.nsjf22vs,dx6usq,2wlf4lofk8b9,j,0371,cmjyfk-jt,m,0,9c1zcn,74upk-2ys0cy,5hf,u48md,z,32|pq,srai4vgfpds,ibho.647,_5jgccztxx9,0-b,8b0,ag,2f.nsjf22vs,dx6usq,2wlf4lofk8b9,j,0371,cmjyfk-jt,m,0,9c1zcn,74upk-2ys0cy,5hf,u48md,z,32
`

test("String.hashCode as Java computes it (UTF-16 units, 32-bit overflow)", () => {
  assert.equal(javaStringHashCode('Aa'), 2112)
  assert.equal(javaStringHashCode('BB'), 2112)
  assert.equal(javaStringHashCode('orders'), -1008770331)
  assert.equal(javaStringHashCode('orders.v2-é'), -1812839615)
  assert.equal(javaStringHashCode('h\u00e9llo\u20ac'), -1099022178)
  assert.equal(javaStringHashCode(''), 0)
})

test('HashMap key order matches Java for new HashMap<>() and new HashMap<>(n), resizes included', () => {
  for (const row of JAVA_ORDERS.trim().split('\n')) {
    const [keys, byDefault, bySize] = row.split('|').map((s) => s.split(','))
    assert.deepEqual(javaHashMapOrder(keys!, javaStringHashCode), byDefault, row)
    assert.deepEqual(javaHashMapOrder(keys!, javaStringHashCode, { kind: 'capacity', initialCapacity: keys!.length }), bySize, row)
  }
})

test('keys sharing a bucket stay in insertion order; a key put twice keeps its first place', () => {
  // "Aa" and "BB" have the same hash code (Java: BB,Aa,topic,orders,AaAa,BBBB,AaBB,BBAa).
  const keys = ['BB', 'Aa', 'topic', 'AaAa', 'BBBB', 'AaBB', 'BBAa', 'orders']
  assert.deepEqual(javaHashMapOrder(keys, javaStringHashCode), ['BB', 'Aa', 'topic', 'orders', 'AaAa', 'BBBB', 'AaBB', 'BBAa'])
  assert.deepEqual(javaHashMapOrder([...keys, 'BB', 'topic'], javaStringHashCode), javaHashMapOrder(keys, javaStringHashCode))
  assert.deepEqual(javaHashMapOrder([], javaStringHashCode), [])
})

test('a copy (new HashMap<>(m)) is sized for m as Java 19+ does: ceil(size / 0.75) rounded up to a power of two', () => {
  // 13 keys: a default map has 32 buckets; a copy has tableSizeFor(ceil(13 / 0.75) = 18) = 32 too, 12 keys would give 16.
  const keys = Array.from({ length: 13 }, (_, i) => `t${i * 7}`)
  assert.deepEqual(javaHashMapOrder(keys, javaStringHashCode, { kind: 'copy', size: keys.length }), javaHashMapOrder(keys, javaStringHashCode, { kind: 'capacity', initialCapacity: 32 }))
  assert.deepEqual(javaHashMapOrder(keys.slice(0, 12), javaStringHashCode, { kind: 'copy', size: 12 }), javaHashMapOrder(keys.slice(0, 12), javaStringHashCode, { kind: 'capacity', initialCapacity: 16 }))
})

const tp = (s: string) => {
  const i = s.lastIndexOf('-')
  return { topic: s.slice(0, i), partition: Number(s.slice(i + 1)) }
}
const tpHash = (s: string) => topicPartitionHashCode(tp(s).topic, tp(s).partition)

test('HashMap order of other keys matches Java: TopicPartitions, paths and the JSON keys of LogDirsCommand, Integers', () => {
  // Expected orders printed by a Java 17 program putting the same keys into java.util.HashMap.
  const inserted: string[] = []
  for (const t of ['orders', 'payments', '__consumer_offsets', 't']) for (let p = 0; p < (t === '__consumer_offsets' ? 50 : 12); p++) inserted.push(`${t}-${p}`)
  const java = ["payments-4", "__consumer_offsets-13", "orders-10", "__consumer_offsets-46", "payments-0", "__consumer_offsets-9", "__consumer_offsets-42", "__consumer_offsets-21", "t-11", "payments-8", "__consumer_offsets-17", "t-7", "t-3", "__consumer_offsets-30", "__consumer_offsets-26", "orders-1", "__consumer_offsets-5", "__consumer_offsets-38", "orders-5", "__consumer_offsets-1", "__consumer_offsets-34", "orders-7", "payments-3", "__consumer_offsets-16", "__consumer_offsets-45", "orders-11", "__consumer_offsets-12", "__consumer_offsets-41", "payments-11", "__consumer_offsets-24", "payments-7", "__consumer_offsets-20", "t-8", "__consumer_offsets-49", "__consumer_offsets-0", "t-4", "__consumer_offsets-29", "t-0", "__consumer_offsets-25", "__consumer_offsets-8", "__consumer_offsets-37", "orders-2", "__consumer_offsets-4", "__consumer_offsets-33", "orders-6", "__consumer_offsets-15", "orders-8", "__consumer_offsets-48", "payments-6", "__consumer_offsets-11", "__consumer_offsets-44", "payments-2", "__consumer_offsets-23", "__consumer_offsets-19", "t-9", "payments-10", "t-5", "__consumer_offsets-32", "t-1", "__consumer_offsets-28", "__consumer_offsets-7", "__consumer_offsets-40", "orders-3", "__consumer_offsets-3", "__consumer_offsets-36", "__consumer_offsets-47", "orders-9", "payments-5", "__consumer_offsets-14", "__consumer_offsets-43", "payments-1", "__consumer_offsets-10", "__consumer_offsets-22", "t-10", "payments-9", "__consumer_offsets-18", "t-6", "__consumer_offsets-31", "t-2", "__consumer_offsets-27", "__consumer_offsets-39", "orders-0", "__consumer_offsets-6", "__consumer_offsets-35", "orders-4", "__consumer_offsets-2"]
  assert.deepEqual(javaHashMapOrder(inserted, tpHash), java)
  assert.deepEqual(javaHashMapOrder(['t-2', 't-0', 'a-1'], tpHash, { kind: 'capacity', initialCapacity: 3 }), ['t-0', 'a-1', 't-2'])
  const dirs = ['/tmp/brook-it-abc', '/var/lib/kafka/data', '/data/kafka-logs-1', '/data/kafka-logs-2', '/data/kafka-logs-3']
  assert.deepEqual(javaHashMapOrder(dirs, javaStringHashCode), ['/data/kafka-logs-3', '/data/kafka-logs-2', '/data/kafka-logs-1', '/tmp/brook-it-abc', '/var/lib/kafka/data'])
  assert.deepEqual(javaHashMapOrder([1001, 3, 17, 0, 2], javaIntegerHashCode), [0, 17, 2, 3, 1001])
  // The keys of LogDirsCommand's JSON objects.
  assert.deepEqual(javaHashMapOrder(['logDir', 'error', 'partitions'], javaStringHashCode), ['partitions', 'error', 'logDir'])
  assert.deepEqual(javaHashMapOrder(['version', 'brokers'], javaStringHashCode), ['brokers', 'version'])
})

test('a ninth key in one bucket of a table under 64 resizes the table, as Java does instead of making a tree', () => {
  // OpenJDK 17: for (i < 9) put(i * 16); put(3) prints [0, 32, 64, 96, 128, 3, 16, 48, 80, 112].
  const keys = [...Array.from({ length: 9 }, (_, i) => i * 16), 3]
  assert.deepEqual(javaHashMapOrder(keys, javaIntegerHashCode), [0, 32, 64, 96, 128, 3, 16, 48, 80, 112])
})
