#!/usr/bin/env node
// Sanity-check the golden fixtures in test/fixtures/wire/ without any Brook code:
// header fields parse and match the JSON, response correlation ids match, the
// Produce record set has the expected topic/partition/magic/codec, and the expected
// keys/values are found in the (decompressed, where we can) record bytes.
// Usage: node scripts/capture-wire/verify.mjs [dir]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseRequestHeader, parseProduceRequest, fetchRecords, CODECS } from './inspect.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, '../../test/fixtures/wire'));
const require = createRequire(path.join(here, '../../package.json'));
const tryReq = (m) => { try { return require(m); } catch { return null; } };
const snappy = tryReq('snappy');
const lz4 = tryReq('lz4-napi');
const zstd = tryReq('zstd-napi');

function unxerial(buf) {
  if (buf.subarray(0, 8).equals(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0]))) {
    const out = [];
    for (let o = 16; o < buf.length;) { const n = buf.readInt32BE(o); out.push(snappy.uncompressSync(buf.subarray(o + 4, o + 4 + n))); o += 4 + n; }
    return { data: Buffer.concat(out), framing: 'xerial' };
  }
  return { data: snappy.uncompressSync(buf), framing: 'raw' };
}

/** Decompress payload; returns { data, note } or { data: null, note }. */
function decompress(codec, payload, magic) {
  try {
    switch (codec) {
      case 'none': return { data: payload, note: '' };
      case 'gzip': return { data: zlib.gunzipSync(payload), note: '' };
      case 'snappy': { if (!snappy) return { data: null, note: 'snappy module missing' }; const r = unxerial(payload); return { data: r.data, note: `snappy ${r.framing}` }; }
      case 'lz4': if (!lz4) return { data: null, note: 'lz4-napi missing' }; return { data: lz4.decompressFrameSync(payload), note: '' };
      case 'zstd': if (!zstd) return { data: null, note: 'zstd-napi missing' }; return { data: zstd.decompress(payload), note: '' };
    }
  } catch (e) {
    return { data: null, note: `${codec} decode failed (magic ${magic}): ${e.message.split('\n')[0]}` };
  }
  return { data: null, note: `unknown codec ${codec}` };
}

/** Walk all batches / message sets in a records blob; returns [{ magic, codec, data }]. */
function walkRecords(buf) {
  const out = [];
  let o = 0;
  while (o + 17 <= buf.length) {
    const len = buf.readInt32BE(o + 8);
    if (o + 12 + len > buf.length) break;
    const magic = buf.readInt8(o + 16);
    if (magic >= 2) {
      const codec = CODECS[buf.readInt16BE(o + 21) & 7];
      const payload = buf.subarray(o + 61, o + 12 + len);
      out.push({ magic, codec, ...decompress(codec, payload, magic) });
    } else {
      const codec = CODECS[buf.readInt8(o + 17) & 7];
      let p = o + 18 + (magic === 1 ? 8 : 0);
      const klen = buf.readInt32BE(p); p += 4 + Math.max(klen, 0);
      const vlen = buf.readInt32BE(p); p += 4;
      const value = buf.subarray(p, p + Math.max(vlen, 0));
      out.push({ magic, codec, ...(codec === 'none' ? { data: buf.subarray(o, o + 12 + len), note: '' } : decompress(codec, value, magic)) });
    }
    o += 12 + len;
  }
  return out;
}

const has = (buf, s) => buf.includes(Buffer.from(s));
let bad = 0, ok = 0;
const lines = [];
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const fx = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const req = Buffer.from(fx.request, 'hex');
  const resp = fx.response === null ? null : Buffer.from(fx.response, 'hex');
  const errs = [];
  const notes = [];
  const h = parseRequestHeader(req);
  if (h.apiKey !== fx.apiKey || h.apiVersion !== fx.apiVersion || h.correlationId !== fx.correlationId) errs.push(`header ${h.apiKey}/${h.apiVersion}/${h.correlationId} != json`);
  if (!f.includes(`-v${fx.apiVersion}`)) errs.push('file name version mismatch');
  if (resp && resp.readInt32BE(0) !== fx.correlationId) errs.push('response correlation id mismatch');
  const ex = fx.expect ?? {};
  let summary = '';
  if (fx.apiKey === 0) {
    const pr = parseProduceRequest(req);
    if (pr.topic !== ex.topic || pr.partition !== ex.partition) errs.push(`topic/partition ${pr.topic}/${pr.partition}`);
    if (pr.magic !== ex.magic || pr.codec !== ex.codec) errs.push(`magic/codec ${pr.magic}/${pr.codec}`);
    const recs = req.subarray(pr.recordsOffset, pr.recordsOffset + pr.recordsSize);
    const sets = walkRecords(recs);
    for (const s of sets) if (s.note) notes.push(s.note);
    if (sets.every((s) => s.data)) {
      // legacy uncompressed message sets hold one record per message: check across all of them
      const all = Buffer.concat(sets.map((s) => s.data));
      for (const r of ex.records) if (!has(all, r.key) || !has(all, r.value)) errs.push(`record ${r.key}=${r.value} not found in ${pr.codec} data`);
    }
    if (ex.codec === 'none') for (const r of ex.records) if (!has(req, r.value)) errs.push(`value ${r.value} not in request`);
    summary = `magic ${pr.magic} ${pr.codec}, ${sets.length} set(s)`;
    if (!has(req, ex.topic)) errs.push('topic not in request');
  } else if (fx.apiKey === 1) {
    const { topic, records, nparts } = fetchRecords(resp, fx.apiVersion, ex.partition);
    if (topic !== ex.topic) errs.push(`fetch topic ${topic}`);
    const sets = walkRecords(records);
    if (sets.length !== ex.batches.length) errs.push(`${sets.length} batches, expected ${ex.batches.length}`);
    sets.forEach((s, i) => {
      const b = ex.batches[i];
      if (!b || s.magic !== b.magic || s.codec !== b.codec) errs.push(`batch ${i} magic/codec ${s.magic}/${s.codec}`);
      if (s.data && b) for (const r of b.records) if (!has(s.data, r.value)) errs.push(`batch ${i}: ${r.value} missing`);
    });
    summary = `${nparts} partitions in response; partition ${ex.partition} batches: ${sets.map((s) => `magic ${s.magic} ${s.codec}`).join(', ')}`;
    if (!has(req, 'golden')) errs.push('topic not in request');
  } else if (fx.apiKey === 3) {
    for (const t of ex.topics ?? []) if (!has(req, t)) errs.push(`topic ${t} not in request`);
    summary = (ex.topics ?? []).length ? `requests ${ex.topics.join(',')}` : '';
  }
  lines.push(`${errs.length ? 'FAIL' : 'ok  '} ${f}  [api ${fx.apiKey} v${fx.apiVersion} corr ${fx.correlationId} client-id ${JSON.stringify(h.clientId)}${resp ? '' : ', no response'}] ${summary}${notes.length ? ' (' + [...new Set(notes)].join('; ') + ')' : ''}${errs.length ? '\n      ' + errs.join('\n      ') : ''}`);
  if (errs.length) bad++; else ok++;
}
console.log(lines.join('\n'));
console.log(`${ok} passed, ${bad} failed`);
process.exit(bad ? 1 : 0);
