/**
 * Measures whether a MongoDB-protocol server applies concurrent single-document updates atomically: several
 * clients, each on its own connection, race compare-and-set updates, `updateMany` and `findOneAndUpdate` on
 * the same documents; an atomic server ends with exactly as many increments as it acknowledged. Used by
 * `test/integration/stack/ferretdb-atomic-updates.test.ts` and runnable against any server:
 *   npx tsx scripts/ferretdb/races.ts mongodb://127.0.0.1:27017/ [tries]
 */
import { MongoClient, type Collection } from 'mongodb';

/** What one race acknowledged and what the server holds afterwards; atomic when they are equal. */
export interface RaceFigures {
  acknowledged: number;
  final: number;
  /** `findOneAndUpdate` only: values returned to two different clients (0 when atomic). */
  duplicates?: number;
}

export interface RaceReport {
  updateOneWithRevision: RaceFigures;
  updateMany: RaceFigures;
  findOneAndUpdate: RaceFigures;
}

interface Counter {
  _id: string;
  group: string;
  rev: number;
}

/** Runs every race with `clients` connections making `tries` attempts each, in a throwaway database. */
export async function measureRaces(url: string, clients = 8, tries = 40): Promise<RaceReport> {
  const admin = new MongoClient(url);
  const dbName = `races_${process.pid}_${Date.now()}`;
  const connections = Array.from({ length: clients }, () => new MongoClient(url, { maxPoolSize: 1 }));
  try {
    await Promise.all(connections.map((c) => c.connect()));
    const cols = connections.map((c) => c.db(dbName).collection<Counter>('counters'));
    const seed = admin.db(dbName).collection<Counter>('counters');
    await seed.insertMany([
      { _id: 'one', group: 'single', rev: 0 },
      ...Array.from({ length: 5 }, (_, i) => ({ _id: `many_${i}`, group: 'many', rev: 0 })),
      { _id: 'fam', group: 'fam', rev: 0 },
    ]);
    const total = async (group: string) =>
      (await seed.find({ group }).toArray()).reduce((sum, d) => sum + d.rev, 0);

    // 1. Optimistic lock: read the revision, update only that revision.
    const casAcks = await race(cols, tries, async (col) => {
      const doc = await col.findOne({ _id: 'one' });
      const r = await col.updateOne({ _id: 'one', rev: doc!.rev }, { $inc: { rev: 1 } });
      return r.modifiedCount;
    });
    // 2. updateMany: each document is incremented once per acknowledged match.
    const manyAcks = await race(cols, tries, async (col) => {
      const r = await col.updateMany({ group: 'many' }, { $inc: { rev: 1 } });
      return r.modifiedCount;
    });
    // 3. findOneAndUpdate: every client must see a distinct new value.
    const seen: number[] = [];
    const famAcks = await race(cols, tries, async (col) => {
      const doc = await col.findOneAndUpdate(
        { _id: 'fam' },
        { $inc: { rev: 1 } },
        { returnDocument: 'after' },
      );
      if (!doc) return 0;
      seen.push(doc.rev);
      return 1;
    });
    return {
      updateOneWithRevision: { acknowledged: casAcks, final: await total('single') },
      updateMany: { acknowledged: manyAcks, final: await total('many') },
      findOneAndUpdate: {
        acknowledged: famAcks,
        final: await total('fam'),
        duplicates: seen.length - new Set(seen).size,
      },
    };
  } finally {
    await admin
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await Promise.all([admin, ...connections].map((c) => c.close()));
  }
}

/** Every client makes `tries` attempts at once with the others; returns the sum of acknowledged changes. */
async function race(
  cols: Collection<Counter>[],
  tries: number,
  attempt: (col: Collection<Counter>) => Promise<number>,
): Promise<number> {
  const counts = await Promise.all(
    cols.map(async (col) => {
      let acked = 0;
      for (let i = 0; i < tries; i++) acked += await attempt(col);
      return acked;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

if (require.main === module) {
  const [url, tries] = process.argv.slice(2);
  if (!url) {
    console.error('usage: tsx scripts/ferretdb/races.ts <mongodb-url> [tries]');
    process.exit(2);
  }
  measureRaces(url, 8, tries ? Number(tries) : 60)
    .then((report) => console.log(JSON.stringify(report)))
    .catch((err: unknown) => {
      console.error(`error: ${(err as Error).message}`);
      process.exit(1);
    });
}
