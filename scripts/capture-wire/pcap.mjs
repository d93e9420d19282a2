// Minimal libpcap reader + TCP stream reassembly, just enough to pull Kafka
// frames out of a loopback capture made with `tcpdump -i lo -w file.pcap`.
// Standalone: no dependencies beyond Node's standard library.

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** Parse a classic pcap file into packets: { ts, data } (link-layer data). */
export function readPcap(buf) {
  const magicBE = buf.readUInt32BE(0);
  let le;
  let nanos = false;
  if (magicBE === 0xa1b2c3d4) le = false;
  else if (magicBE === 0xd4c3b2a1) le = true;
  else if (magicBE === 0xa1b23c4d) { le = false; nanos = true; }
  else if (magicBE === 0x4d3cb2a1) { le = true; nanos = true; }
  else throw new Error(`not a classic pcap file (magic 0x${magicBE.toString(16)}); pcapng is not supported`);
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linktype = u32(20) & 0x0fffffff;
  const packets = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const orig = u32(off + 12);
    off += 16;
    if (off + incl > buf.length) break; // truncated final record (capture killed mid-write)
    if (incl !== orig) throw new Error(`packet truncated by snaplen (${incl} of ${orig} bytes); capture with -s 0`);
    packets.push({ ts: sec + frac / (nanos ? 1e9 : 1e6), data: buf.subarray(off, off + incl) });
    off += incl;
  }
  return { linktype, packets };
}

/** Strip the link layer; return { ethertype, payload } or null. */
function linkLayer(linktype, d) {
  switch (linktype) {
    case LINKTYPE_ETHERNET: {
      let et = d.readUInt16BE(12);
      let o = 14;
      while (et === 0x8100 || et === 0x88a8) { et = d.readUInt16BE(o + 2); o += 4; }
      return { ethertype: et, payload: d.subarray(o) };
    }
    case LINKTYPE_LINUX_SLL:
      return { ethertype: d.readUInt16BE(14), payload: d.subarray(16) };
    case LINKTYPE_LINUX_SLL2:
      return { ethertype: d.readUInt16BE(0), payload: d.subarray(20) };
    case LINKTYPE_NULL: {
      const fam = d.readUInt32LE(0) > 0xffff ? d.readUInt32BE(0) : d.readUInt32LE(0);
      return { ethertype: fam === 2 ? 0x0800 : 0x86dd, payload: d.subarray(4) };
    }
    case LINKTYPE_RAW:
      return { ethertype: (d[0] >> 4) === 4 ? 0x0800 : 0x86dd, payload: d.subarray(0) };
    default:
      throw new Error(`unsupported pcap link type ${linktype}`);
  }
}

/** Decode IPv4/IPv6 + TCP. Returns segment info or null for non-TCP. */
function decodeTcp(ethertype, p) {
  let src, dst, proto, l4;
  if (ethertype === 0x0800) {
    const ihl = (p[0] & 0x0f) * 4;
    const total = p.readUInt16BE(2);
    proto = p[9];
    src = `${p[12]}.${p[13]}.${p[14]}.${p[15]}`;
    dst = `${p[16]}.${p[17]}.${p[18]}.${p[19]}`;
    l4 = p.subarray(ihl, total);
  } else if (ethertype === 0x86dd) {
    const plen = p.readUInt16BE(4);
    proto = p[6];
    const hex = (b) => b.toString('hex').match(/.{4}/g).join(':');
    src = `[${hex(p.subarray(8, 24))}]`;
    dst = `[${hex(p.subarray(24, 40))}]`;
    l4 = p.subarray(40, 40 + plen); // extension headers not handled (not used on lo)
  } else return null;
  if (proto !== 6) return null;
  const sport = l4.readUInt16BE(0);
  const dport = l4.readUInt16BE(2);
  const seq = l4.readUInt32BE(4);
  const doff = (l4[12] >> 4) * 4;
  const flags = l4[13];
  return {
    src: `${src}:${sport}`, dst: `${dst}:${dport}`, sport, dport, seq,
    syn: !!(flags & 0x02), fin: !!(flags & 0x01), rst: !!(flags & 0x04),
    payload: l4.subarray(doff),
  };
}

/** Reassemble one direction's segments (placed by sequence number). */
function assemble(dir) {
  const segs = [...dir.segs].sort((a, b) => a.off - b.off);
  const parts = [];
  let next = 0;
  for (const s of segs) {
    const end = s.off + s.data.length;
    if (end <= next) continue; // pure retransmission
    if (s.off > next) throw new Error(`gap in TCP stream ${dir.key} at relative seq ${next} (next segment at ${s.off})`);
    parts.push(s.data.subarray(next - s.off));
    next = end;
  }
  return Buffer.concat(parts);
}

/**
 * Parse a pcap and return TCP connections whose SYN was captured:
 * [{ client, server, clientPort, serverPort, startTs, toServer: Buffer, toClient: Buffer }]
 * Connections already open when the capture started are skipped (their byte
 * streams cannot be aligned to frame boundaries reliably).
 */
export function tcpConnections(buf) {
  const { linktype, packets } = readPcap(buf);
  const conns = [];
  const byKey = new Map(); // "a>b" -> { conn, dir }
  for (const pkt of packets) {
    const l = linkLayer(linktype, pkt.data);
    if (!l) continue;
    const t = decodeTcp(l.ethertype, l.payload);
    if (!t) continue;
    const key = `${t.src}>${t.dst}`;
    const rkey = `${t.dst}>${t.src}`;
    if (t.syn) {
      let entry = byKey.get(rkey);
      if (entry && !entry.dir.synSeen) entry = undefined;
      if (entry && entry.conn.server === t.src) {
        // SYN-ACK from the server
        const dir = { key, base: (t.seq + 1) >>> 0, segs: [], synSeen: true };
        entry.conn.dirs.toClient = dir;
        byKey.set(key, { conn: entry.conn, dir });
      } else {
        // new connection (SYN from client); replaces any older one with same 4-tuple
        const conn = { client: t.src, server: t.dst, clientPort: t.sport, serverPort: t.dport, startTs: pkt.ts, dirs: {} };
        const dir = { key, base: (t.seq + 1) >>> 0, segs: [], synSeen: true };
        conn.dirs.toServer = dir;
        conns.push(conn);
        byKey.set(key, { conn, dir });
        byKey.delete(rkey);
      }
      continue;
    }
    const entry = byKey.get(key);
    if (!entry || t.payload.length === 0) continue;
    const off = (t.seq - entry.dir.base) >>> 0;
    entry.dir.segs.push({ off, data: Buffer.from(t.payload) });
  }
  return conns.map((c) => ({
    client: c.client, server: c.server, clientPort: c.clientPort, serverPort: c.serverPort, startTs: c.startTs,
    toServer: c.dirs.toServer ? assemble(c.dirs.toServer) : Buffer.alloc(0),
    toClient: c.dirs.toClient ? assemble(c.dirs.toClient) : Buffer.alloc(0),
  }));
}

/** Split a byte stream into Kafka frames (int32 size prefix stripped). */
export function splitFrames(stream) {
  const frames = [];
  let off = 0;
  while (off + 4 <= stream.length) {
    const size = stream.readInt32BE(off);
    if (size < 0 || off + 4 + size > stream.length) break; // incomplete tail
    frames.push(stream.subarray(off + 4, off + 4 + size));
    off += 4 + size;
  }
  return { frames, trailing: stream.length - off };
}

/**
 * Kafka request/response exchanges for one connection, in request order:
 * [{ apiKey, apiVersion, correlationId, request: Buffer, response: Buffer|null }]
 */
export function kafkaExchanges(conn) {
  const reqs = splitFrames(conn.toServer);
  const resps = splitFrames(conn.toClient);
  const byCorr = new Map();
  for (const r of resps.frames) {
    if (r.length >= 4) {
      const id = r.readInt32BE(0);
      if (!byCorr.has(id)) byCorr.set(id, r);
    }
  }
  return reqs.frames.map((req) => {
    const correlationId = req.readInt32BE(4);
    return {
      apiKey: req.readInt16BE(0),
      apiVersion: req.readInt16BE(2),
      correlationId,
      request: req,
      response: byCorr.get(correlationId) ?? null,
    };
  });
}
