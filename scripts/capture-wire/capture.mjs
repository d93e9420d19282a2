#!/usr/bin/env node
// Capture real Kafka clients' wire traffic against librdkafka's in-memory mock
// cluster and write golden fixtures to test/fixtures/wire/.
// See README.md in this folder. Needs root (tcpdump on lo), kcat, tcpdump,
// /usr/bin/python3 with python3-kafka (+ python3-snappy), and kafkajs in node_modules.
//
// Usage: node scripts/capture-wire/capture.mjs [--only substr] [--out dir] [--keep dir] [--list]
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tcpConnections, kafkaExchanges } from './pcap.mjs';
import { API_NAMES, parseRequestHeader, parseProduceRequest, fetchRecords, listBatches } from './inspect.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const only = opt('--only', null);
const outDir = path.resolve(opt('--out', path.join(repo, 'test/fixtures/wire')));
const keepDir = path.resolve(opt('--keep', path.join(os.tmpdir(), 'brook-capture-wire')));
const listOnly = args.includes('--list');
fs.mkdirSync(outDir, { recursive: true });
fs.mkdirSync(keepDir, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MOCK_OWNER_ID = 'brook-mock-owner';

// ---- client versions -------------------------------------------------------
const kcatV = execFileSync('kcat', ['-V'], { encoding: 'utf8' });
const KCAT = `kcat ${/Version (\S+)/.exec(kcatV)[1]} (librdkafka ${/librdkafka (\S+)/.exec(kcatV)[1]})`;
const KAFKAJS = `kafkajs ${JSON.parse(fs.readFileSync(path.join(repo, 'node_modules/kafkajs/package.json'), 'utf8')).version}`;
let KPY = 'kafka-python (not installed)';
try {
  KPY = 'kafka-python ' + execFileSync('/usr/bin/python3', ['-c', 'import kafka;print(kafka.__version__)'], { encoding: 'utf8' }).trim();
} catch {}
let HAS_PY_SNAPPY = true;
try { execFileSync('/usr/bin/python3', ['-c', 'import snappy']); } catch { HAS_PY_SNAPPY = false; }

// ---- scenarios -----------------------------------------------------------
const RECORDS = [1, 2, 3].map((i) => ({ key: `k${i}`, value: `golden-value-${i}` }));
const STDIN = RECORDS.map((r) => `${r.key}:${r.value}\n`).join('');
const hex = (s) => Buffer.from(s).toString('hex');
const respHas = (s) => (ex) => ex.response && ex.response.toString('hex').includes(hex(s));
const reqHas = (s) => (ex) => ex.request.toString('hex').includes(hex(s));

const scenarios = [];
for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
  const headers = [{ key: 'golden-h', value: 'hv' }];
  scenarios.push({
    id: `kcat-produce-${codec}`, client: 'kcat', clientVersion: KCAT, stdin: STDIN,
    command: `kcat -b {BOOTSTRAP} -P -t golden -p 0 -K: -z ${codec} -H golden-h=hv -X linger.ms=500`,
    picks: [
      { apiKey: 0, variant: codec, expect: { topic: 'golden', partition: 0, codec, magic: 2, records: RECORDS.map((r) => ({ ...r, headers })) } },
      ...(codec === 'none' ? [{ apiKey: 18, perVersion: true, expect: { note: 'first request on each connection; v3 carries client_software_name/version' } }] : []),
    ],
  });
}
scenarios.push({
  id: 'kcat-metadata', client: 'kcat', clientVersion: KCAT, stdin: '',
  command: 'kcat -b {BOOTSTRAP} -L -t golden',
  picks: [
    { apiKey: 3, variant: 'golden', filter: reqHas('golden'), expect: { topics: ['golden'] } },
    { apiKey: 18, perVersion: true, expect: {} },
  ],
});
// Only fallbacks < 0.10 are meaningful: librdkafka treats broker.version.fallback >= 0.10 as
// "ApiVersionRequest supported" and re-enables it, so it then negotiates Produce v7 / magic 2.
for (const [fallback, magic, pv] of [['0.9.0.0', 0, 1], ['0.8.2.2', 0, 0]]) {
  for (const codec of fallback === '0.9.0.0' ? ['none', 'gzip', 'snappy', 'lz4'] : ['none']) {
    const note = magic === 0 && codec === 'lz4'
      ? 'magic 0 LZ4: librdkafka writes the KIP-57-predating frame whose header checksum is computed over magic+header (broken checksum)'
      : undefined;
    scenarios.push({
      id: `kcat-legacy-${fallback}-${codec}`, client: 'kcat', clientVersion: KCAT, stdin: STDIN,
      command: `kcat -b {BOOTSTRAP} -P -t golden -p 0 -K: -z ${codec} -X linger.ms=500 -X api.version.request=false -X broker.version.fallback=${fallback}`,
      picks: [
        { apiKey: 0, variant: `magic${magic}-${codec}${fallback === '0.9.0.0' ? '' : `-fallback-${fallback}`}`, expect: { topic: 'golden', partition: 0, codec, magic, produceVersion: pv, records: RECORDS, ...(note ? { note } : {}) } },
        { apiKey: 3, perVersion: true, variant: `fallback-${fallback}`, expect: { topics: ['golden'] } },
      ],
    });
  }
}
{
  const headers = [1, 2, 3].map((i) => [{ key: 'golden-h', value: `hv${i}` }]);
  const recs = RECORDS.map((r, i) => ({ ...r, headers: headers[i] }));
  scenarios.push({
    id: 'kafkajs', client: 'kafkajs', clientVersion: KAFKAJS, stdin: '',
    command: `node scripts/capture-wire/kafkajs-client.mjs {BOOTSTRAP}`,
    timeoutMs: 60000,
    picks: [
      { apiKey: 18, perVersion: true, expect: {} },
      { apiKey: 3, perVersion: true, filter: reqHas('golden'), expect: { topics: ['golden'] } },
      { apiKey: 0, variant: 'none', filter: (ex) => parseProduceRequest(ex.request).codec === 'none', expect: { topic: 'golden', partition: 0, codec: 'none', magic: 2, records: recs } },
      { apiKey: 0, variant: 'gzip', filter: (ex) => parseProduceRequest(ex.request).codec === 'gzip', expect: { topic: 'golden', partition: 0, codec: 'gzip', magic: 2, records: recs } },
      // The mock answers each Fetch with at most one batch per partition, so the two batches
      // arrive in two Fetch responses: capture both.
      ...['none', 'gzip'].map((codec) => ({
        apiKey: 1, variant: `records-${codec}`,
        filter: (ex) => ex.response && listBatches(fetchRecords(ex.response, ex.apiVersion, 0).records).some((b) => b.codec === codec),
        expect: { topic: 'golden', partition: 0, fetchOffset: codec === 'none' ? 0 : 3, batches: [{ codec, magic: 2, baseOffset: codec === 'none' ? 0 : 3, records: recs }] },
      })),
      // consumer-group plumbing, first exchange of each (group golden-group)
      ...[10, 11, 14, 9, 2, 12, 8, 13].map((apiKey) => ({ apiKey, perVersion: true, expect: { group: 'golden-group', topic: 'golden' } })),
    ],
  });
}
for (const [apiv, codec] of [['0.10.0', 'none'], ['0.10.0', 'gzip'], ['0.10.0', 'snappy'], ['auto', 'snappy']]) {
  if (codec === 'snappy' && !HAS_PY_SNAPPY) { console.warn(`skipping kafka-python ${apiv} snappy: python3 snappy module missing`); continue; }
  const magic = apiv === '0.10.0' ? 1 : 2;
  // kafka-python leaves a v2 batch uncompressed unless compression shrinks it: use longer values there.
  const repeat = magic === 2 && codec !== 'none' ? 8 : 1;
  const recs = RECORDS.map((r) => ({ key: r.key, value: r.value.repeat(repeat) }));
  const xerial = codec === 'snappy' ? { note: 'kafka-python frames snappy in the xerial/snappy-java stream format (magic 82 53 4e 41 50 50 59 00)' } : {};
  scenarios.push({
    id: `kafka-python-${apiv}-${codec}`, client: 'kafka-python', clientVersion: KPY, stdin: '',
    command: `/usr/bin/python3 scripts/capture-wire/kafka-python-client.py {BOOTSTRAP} ${apiv} ${codec}${repeat > 1 ? ` ${repeat}` : ''}`,
    picks: [
      { apiKey: 0, variant: `magic${magic}-${codec}${codec === 'snappy' ? '-xerial' : ''}`, expect: { topic: 'golden', partition: 0, codec, magic, records: recs, ...xerial } },
      ...(apiv === 'auto' ? [{ apiKey: 18, perVersion: true, expect: {} }, { apiKey: 3, perVersion: true, expect: {} }] : []),
    ],
  });
}

// ---- process helpers -----------------------------------------------------
function startMock(logFile) {
  const log = fs.createWriteStream(logFile);
  const p = spawn('kcat', ['-b', 'x', '-X', 'test.mock.num.brokers=1', '-X', 'debug=mock', '-X', `client.id=${MOCK_OWNER_ID}`, '-P', '-t', '_mock_owner'], { stdio: ['pipe', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('mock cluster did not report its bootstrap address')), 10000);
    p.stderr.on('data', (d) => {
      log.write(d);
      buf += d;
      const m = /bootstrap\.servers=(127\.0\.0\.1:\d+)/.exec(buf);
      if (m && t) { clearTimeout(t); resolve({ proc: p, bootstrap: m[1] }); }
    });
    p.on('exit', (code) => reject(new Error(`mock kcat exited early (${code})`)));
  });
}

function startTcpdump(port, file) {
  const p = spawn('tcpdump', ['-i', 'lo', '-n', '--immediate-mode', '-U', '-s', '0', '-w', file, `tcp port ${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr.on('data', (d) => { err += d; if (/listening on/.test(err)) resolve(p); });
    p.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
  });
}

function stop(p, signal = 'SIGINT') {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.removeAllListeners('exit');
    p.on('exit', () => resolve());
    p.kill(signal);
  });
}

async function stopMock(p) {
  // kcat -P ignores SIGTERM while blocked reading stdin: close stdin (EOF) first.
  const exited = new Promise((resolve) => { if (p.exitCode !== null || p.signalCode !== null) resolve(); p.removeAllListeners('exit'); p.on('exit', resolve); });
  p.stdin.end();
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

function runClient(command, stdin, timeoutMs, logFile) {
  return new Promise((resolve) => {
    const p = spawn('bash', ['-c', command], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const t = setTimeout(() => p.kill('SIGTERM'), timeoutMs);
    p.on('exit', (code, sig) => { clearTimeout(t); fs.writeFileSync(logFile, out); resolve({ code, sig, out }); });
    p.stdin.end(stdin);
  });
}

// ---- main ----------------------------------------------------------------
const written = [];
for (const sc of scenarios) {
  if (only && !sc.id.includes(only)) continue;
  console.log(`\n== ${sc.id}`);
  const pcapFile = path.join(keepDir, `${sc.id}.pcap`);
  const mock = await startMock(path.join(keepDir, `${sc.id}.mock.log`));
  await sleep(700); // let the owner's own connections settle (they are excluded anyway)
  const dump = await startTcpdump(mock.bootstrap.split(':')[1], pcapFile);
  await sleep(300);
  const command = sc.command.replaceAll('{BOOTSTRAP}', mock.bootstrap);
  const res = await runClient(command, sc.stdin, sc.timeoutMs ?? 30000, path.join(keepDir, `${sc.id}.client.log`));
  console.log(`   client exit ${res.code ?? res.sig}; ${res.out.trim().split('\n').slice(-3).join(' | ')}`);
  await sleep(1500); // let tcpdump drain the kernel buffer before SIGINT
  await stop(dump, 'SIGINT');
  await stopMock(mock.proc);

  const conns = tcpConnections(fs.readFileSync(pcapFile));
  const exchanges = [];
  for (const c of conns) {
    const exs = kafkaExchanges(c);
    if (exs.length && parseRequestHeader(exs[0].request).clientId === MOCK_OWNER_ID) continue;
    for (const ex of exs) exchanges.push({ ...ex, conn: `${c.client}->${c.server}` });
  }
  for (const ex of exchanges) {
    console.log(`   ${ex.conn} ${API_NAMES[ex.apiKey] ?? ex.apiKey} v${ex.apiVersion} corr=${ex.correlationId} req=${ex.request.length}B resp=${ex.response ? ex.response.length + 'B' : 'none'}`);
  }
  if (listOnly) continue;
  for (const pick of sc.picks) {
    let cands = exchanges.filter((ex) => ex.apiKey === pick.apiKey && (!pick.filter || pick.filter(ex)));
    if (!pick.perVersion) cands = cands.slice(0, 1);
    const seenV = new Set();
    if (!cands.length) console.warn(`   !! no ${API_NAMES[pick.apiKey]} exchange matched for ${sc.id}`);
    for (const ex of cands) {
      if (seenV.has(ex.apiVersion)) continue;
      seenV.add(ex.apiVersion);
      const apiName = API_NAMES[ex.apiKey];
      if (ex.apiKey === 0 && pick.expect.magic !== undefined) {
        const pr = parseProduceRequest(ex.request);
        if (pr.magic !== pick.expect.magic || pr.codec !== pick.expect.codec) {
          console.warn(`   !! ${sc.id}: Produce carries magic ${pr.magic} codec ${pr.codec}, expected magic ${pick.expect.magic} codec ${pick.expect.codec}; skipped`);
          continue;
        }
      }
      const variant = pick.variant ? `-${pick.variant}` : '';
      const file = `${sc.client}-${apiName.toLowerCase()}-v${ex.apiVersion}${variant}.json`;
      const full = path.join(outDir, file);
      if (written.includes(file)) continue; // first capture wins within one run
      const fixture = {
        client: sc.clientVersion,
        command,
        ...(sc.stdin ? { stdin: sc.stdin } : {}),
        apiKey: ex.apiKey,
        apiName,
        apiVersion: ex.apiVersion,
        correlationId: ex.correlationId,
        request: ex.request.toString('hex'),
        response: ex.response ? ex.response.toString('hex') : null,
        expect: pick.expect,
      };
      fs.writeFileSync(full, JSON.stringify(fixture, null, 2) + '\n');
      written.push(file);
      console.log(`   -> ${file}`);
    }
  }
}
console.log(`\nwrote ${written.length} fixtures to ${path.relative(repo, outDir)}; pcaps and logs in ${keepDir}`);
