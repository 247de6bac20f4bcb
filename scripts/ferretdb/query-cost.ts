/**
 * Times the store's per-page queries on FerretDB at several collection sizes, to show whether a page costs
 * O(page) or O(collection). Each FerretDB binary given is started on a free port with its own data folder;
 * one record collection with the store's indexes (store/db.ts) is seeded to each size, and every query shape
 * of store/records/ that runs once per page is timed (median of several runs, after one warm-up).
 *   npx tsx scripts/ferretdb/query-cost.ts [--sizes 10000,100000] [--runs 5] [label=binary ...]
 * Without binaries it times the current build (scripts/tools.ts). Prints one JSON line per size and binary.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, type Collection, type Filter } from 'mongodb';
import { ENTITY_TYPES } from '../../core/entities';
import { ensureIndexes, recordCollectionName } from '../../store/db';
import { freePort, mongoUrl, startFerretDB } from '../stack';
import { ensureTools, projectRoot } from '../tools';

interface Rec {
  _id: string;
  accountId: string;
  externalRef: string;
  updatedAt: Date;
  sync: { state: string; externalId: string; acumaticaId: string };
  payload: { name: string; email: string; notes: string };
}

const ACCOUNTS = 5;
const PAGE = 100;
const STATES = ['none', 'pending', 'synced', 'failed'];

function record(n: number): Rec {
  return {
    _id: `rec_${String(n).padStart(8, '0')}`,
    accountId: `acc_${n % ACCOUNTS}`,
    externalRef: `REF-${n}`,
    updatedAt: new Date(1_700_000_000_000 + n * 1000),
    sync: { state: STATES[n % STATES.length]!, externalId: `KEY${n}`, acumaticaId: `guid-${n}` },
    payload: { name: `Customer ${n}`, email: `c${n}@example.com`, notes: 'x'.repeat(200) },
  };
}

/** The per-page query shapes of store/records/ for account acc_0, in the middle of the collection. */
function shapes(size: number): Record<string, { filter: Filter<Rec>; sorted: boolean }> {
  const mid = Math.floor(size / 2 / ACCOUNTS) * ACCOUNTS;
  const after = record(mid)._id;
  // Records of acc_0 near the middle: what a page of pulled records would match.
  const page = Array.from({ length: PAGE }, (_, i) => record(mid + i * ACCOUNTS));
  const account = 'acc_0';
  return {
    pushPendingPage: {
      filter: {
        $and: [
          { $and: [{ accountId: account }, { 'sync.state': { $in: ['pending'] } }] },
          { _id: { $gt: after } },
        ],
      },
      sorted: true,
    },
    pushAllPage: { filter: { $and: [{ accountId: account }, { _id: { $gt: after } }] }, sorted: true },
    pullMatch: {
      filter: {
        accountId: account,
        $or: [
          { 'sync.acumaticaId': { $in: page.map((r) => r.sync.acumaticaId) } },
          { 'sync.externalId': { $in: page.map((r) => r.sync.externalId) } },
          { externalRef: { $in: page.map((r) => r.externalRef) } },
        ],
      },
      sorted: false,
    },
    keyResolution: {
      filter: { accountId: account, 'sync.externalId': { $in: page.map((r) => r.sync.externalId) } },
      sorted: false,
    },
  };
}

async function seed(col: Collection<Rec>, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n += 1000) {
    await col.insertMany(Array.from({ length: Math.min(1000, to - n) }, (_, i) => record(n + i)));
  }
}

async function timeQuery(
  col: Collection<Rec>,
  filter: Filter<Rec>,
  sorted: boolean,
): Promise<[number, number]> {
  const started = performance.now();
  const cursor = sorted
    ? col
        .find(filter)
        .sort({ _id: 1 })
        .limit(PAGE + 1)
    : col.find(filter);
  const docs = await cursor.toArray();
  return [performance.now() - started, docs.length];
}

async function measure(label: string, binary: string, sizes: number[], runs: number): Promise<void> {
  const dataDir = join(projectRoot, '.data', 'query-cost', `${process.pid}-${label}`);
  rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const proc = await startFerretDB({ binary, port, dataDir, logFile: `${dataDir}.log` });
  const client = new MongoClient(mongoUrl(port));
  try {
    const db = client.db('querycost');
    await ensureIndexes(db);
    const col = db.collection<Rec>(recordCollectionName(ENTITY_TYPES[0]));
    let seeded = 0;
    for (const size of [...sizes].sort((a, b) => a - b)) {
      await seed(col, seeded, size);
      seeded = size;
      const ms: Record<string, number> = {};
      const rows: Record<string, number> = {};
      for (const [shape, { filter, sorted }] of Object.entries(shapes(size))) {
        await timeQuery(col, filter, sorted);
        const times: number[] = [];
        for (let r = 0; r < runs; r++) {
          const [t, n] = await timeQuery(col, filter, sorted);
          times.push(t);
          rows[shape] = n;
        }
        times.sort((a, b) => a - b);
        ms[shape] = Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
      }
      console.log(JSON.stringify({ binary: label, records: size, medianMs: ms, rows }));
    }
  } finally {
    await client.close();
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let sizes = [10_000, 100_000];
  let runs = 5;
  const binaries: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--sizes') sizes = args[++i]!.split(',').map(Number);
    else if (arg === '--runs') runs = Number(args[++i]);
    else {
      const [label, binary] = arg.split('=');
      binaries.push([label!, binary!]);
    }
  }
  if (binaries.length === 0) binaries.push(['current', (await ensureTools(() => undefined)).ferretdb]);
  for (const [label, binary] of binaries) await measure(label, binary, sizes, runs);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
