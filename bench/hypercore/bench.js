'use strict'
// bench/hypercore/bench.js: the Hypercore side of quorum's benchmark (bench/run.sh), on the
// same machine in the same run, printing result rows in the format of bench/qb.h.
//
// Hypercore (pinned in package.json) is a well-known signed append-only log.  Measured:
//   - single appends: one 250-byte block per append, each awaited before the next;
//   - batches of 100: append([100 blocks]) awaited, the figure in blocks per second;
//   - replicate and verify: a second core, knowing only the first's public key, downloads
//     every block over an in-process replication stream, verifying the Merkle proofs and the
//     signed tree as it goes; blocks per second from the start of replication to the last
//     block stored.
// Durability: Hypercore writes through RocksDB without fsync (no sync on each append), where
// quorum acknowledges a statement only after a SQLite commit with synchronous=FULL (fsync).
// Hypercore signs its tree (one signature per append call), where every quorum entry carries
// its author's own Ed25519 signature, which quorum checks on submit and replication.
//
// usage: node bench.js --work DIR [--runs 5] [--single 5000] [--batches 200]
//                      [--replicate 20000]

const Hypercore = require('hypercore')
const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

function opt (name, def) {
  const i = process.argv.indexOf('--' + name)
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def
}

const work = opt('work', null)
const runs = parseInt(opt('runs', '5'), 10)
const nSingle = parseInt(opt('single', '5000'), 10)
const nBatches = parseInt(opt('batches', '200'), 10)
const nReplicate = parseInt(opt('replicate', '20000'), 10)
if (!work || !(runs > 0) || !(nSingle > 0) || !(nBatches > 0) || !(nReplicate > 0)) {
  console.error('usage: node bench.js --work DIR [--runs 5] [--single 5000] [--batches 200] ' +
                '[--replicate 20000]')
  process.exit(2)
}

// Distinct 250-byte blocks, about the size of a quorum log entry.
const blocks = Array.from({ length: 1000 }, () => crypto.randomBytes(250))

function seconds (t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9
}

function freshDir (name) {
  const d = path.join(work, name)
  fs.rmSync(d, { recursive: true, force: true })
  return d
}

async function appendSingle (r) {
  const core = new Hypercore(freshDir('hc-single-' + r))
  await core.ready()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < nSingle; i++) await core.append(blocks[i % blocks.length])
  const rate = nSingle / seconds(t0)
  if (core.length !== nSingle) throw new Error('core has ' + core.length + ' blocks')
  await core.close()
  return rate
}

async function appendBatches (r) {
  const core = new Hypercore(freshDir('hc-batch-' + r))
  await core.ready()
  const t0 = process.hrtime.bigint()
  for (let b = 0; b < nBatches; b++) {
    const batch = []
    for (let i = 0; i < 100; i++) batch.push(blocks[(b * 100 + i) % blocks.length])
    await core.append(batch)
  }
  const rate = (nBatches * 100) / seconds(t0)
  if (core.length !== nBatches * 100) throw new Error('core has ' + core.length + ' blocks')
  await core.close()
  return rate
}

async function replicate (r) {
  const a = new Hypercore(freshDir('hc-origin-' + r))
  await a.ready()
  for (let i = 0; i < nReplicate; i += 1000) {
    await a.append(blocks.slice(0, Math.min(1000, nReplicate - i)))
  }
  const b = new Hypercore(freshDir('hc-clone-' + r), a.key)
  await b.ready()
  const t0 = process.hrtime.bigint()
  const s1 = a.replicate(true)
  const s2 = b.replicate(false)
  s1.pipe(s2).pipe(s1)
  await b.download({ start: 0, end: nReplicate }).done()
  const rate = nReplicate / seconds(t0)
  if (b.contiguousLength !== nReplicate) {
    throw new Error('the clone has ' + b.contiguousLength + ' blocks')
  }
  for (let i = 0; i < nReplicate; i += 997) {
    const got = await b.get(i)
    if (!got.equals(blocks[i % 1000])) throw new Error('block ' + i + ' differs')
  }
  s1.destroy()
  s2.destroy()
  await a.close()
  await b.close()
  return rate
}

function row (id, label, unit, values) {
  console.log(['row', id, label, unit, 'hi', '-', '-', ...values.map(v => v.toFixed(3))].join('\t'))
}

async function main () {
  const version = require('hypercore/package.json').version
  const single = []
  const batch = []
  const repl = []
  for (let r = 0; r < runs; r++) {
    single.push(await appendSingle(r))
    batch.push(await appendBatches(r))
    repl.push(await replicate(r))
    console.error('  hypercore run ' + r + ': single ' + single[r].toFixed(0) + '/s, batches ' +
                  batch[r].toFixed(0) + '/s, replicate ' + repl[r].toFixed(0) + '/s')
  }
  row('hc_append1', 'Hypercore ' + version + ': single appends (no fsync)', 'blocks/s', single)
  row('hc_append100', 'Hypercore ' + version + ': appends in batches of 100 (no fsync)',
      'blocks/s', batch)
  row('hc_replicate', 'Hypercore ' + version + ': replicate and verify ' + nReplicate + ' blocks',
      'blocks/s', repl)
  fs.rmSync(work, { recursive: true, force: true })
}

main().catch(err => {
  console.error('hypercore benchmark failed: ' + (err && err.stack ? err.stack : err))
  process.exit(1)
})
