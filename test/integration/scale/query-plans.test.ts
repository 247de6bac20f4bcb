import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MongoClient, type CommandStartedEvent, type Db, type Document } from 'mongodb';
import { ENTITY_TYPES, type EntityType } from '../../../core/entities';
import { createStore } from '../../../store';
import { recordCollectionName, servedByFerretDB } from '../../../store/db';
import { createPushData, pushMix } from '../../../bench/fixtures';
import { useSyncStack } from '../../helpers/sync-env';

// A sync stays linear in the collection's size only if every query it sends per page reads an index, not
// the collection. Rather than restating the store's query shapes, this runs a real push and pull (pages of
// 50 over a few hundred records), records every `find` the workers send to record collections (driver
// command monitoring), asks the store for each one's plan, and checks the indexes ensureIndexes creates
// cover each filter and sort the way MongoDB's planner needs (MongoDB itself cannot run here).

const RECORD_COLLECTIONS = new Set(ENTITY_TYPES.map((t) => recordCollectionName(t)));
const PUSH: EntityType[] = ['customers', 'products', 'services', 'invoices'];
const PULL: EntityType[] = ['customers', 'vendors', 'products', 'services', 'projects', 'work-orders'];

interface Find {
  collection: string;
  filter: Document;
  sort?: Document;
  limit?: number;
}

/** Conditions of one `$or` branch, by field: equality (or `$in`), range, or anything else. */
type Branch = Map<string, 'eq' | 'range' | 'other'>;

/** A filter as its `$or` branches, `$and` flattened, each branch with the conditions common to all. */
function branches(filter: Document): Branch[] {
  let out: Branch[] = [new Map()];
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and') {
      for (const part of cond as Document[]) out = cross(out, branches(part));
    } else if (field === '$or') {
      out = cross(
        out,
        (cond as Document[]).flatMap((part) => branches(part)),
      );
    } else {
      for (const b of out) b.set(field, kind(cond));
    }
  }
  return out;
}

function cross(a: Branch[], b: Branch[]): Branch[] {
  return a.flatMap((x) => b.map((y) => new Map([...x, ...y])));
}

function kind(cond: unknown): 'eq' | 'range' | 'other' {
  if (cond === null || typeof cond !== 'object' || cond instanceof Date) return 'eq';
  const ops = Object.keys(cond);
  if (ops.every((op) => op === '$eq' || op === '$in')) return 'eq';
  if (ops.every((op) => ['$gt', '$gte', '$lt', '$lte'].includes(op))) return 'range';
  return 'other';
}

/**
 * Whether `index` serves a branch on MongoDB without reading the collection: its keys are the branch's
 * equality fields (any order), then the range or sort field, with no equality field left out, and a sort
 * (by one field) is the next key after the equality fields so no in-memory sort is needed.
 */
function covers(index: string[], branch: Branch, sort: Document | undefined): boolean {
  const eq = [...branch].filter(([, k]) => k === 'eq').map(([f]) => f);
  const rest = [...branch].filter(([, k]) => k !== 'eq').map(([f]) => f);
  const sortFields = Object.keys(sort ?? {});
  const lead = index.slice(0, eq.length);
  if (lead.length !== eq.length || !eq.every((f) => lead.includes(f))) {
    // `_id` alone is unique: an equality on it needs nothing else.
    return branch.get('_id') === 'eq' && index.length === 1 && index[0] === '_id';
  }
  const next = index[eq.length];
  if (sortFields.length > 0) return sortFields.length === 1 && next === sortFields[0];
  return rest.length === 0 || rest.every((f) => f === next);
}

/** The plan steps of a find: SQLite's EXPLAIN QUERY PLAN on FerretDB, the winning plan on MongoDB. */
async function planOf(db: Db, find: Find, ferret: boolean): Promise<string[]> {
  const explained = await db.command({
    explain: {
      find: find.collection,
      filter: find.filter,
      ...(find.sort ? { sort: find.sort } : {}),
      ...(find.limit ? { limit: find.limit } : {}),
    },
    verbosity: 'queryPlanner',
  });
  const planner = explained.queryPlanner as { Plan?: string[]; winningPlan?: unknown } | undefined;
  return ferret ? (planner?.Plan ?? []) : [JSON.stringify(planner?.winningPlan)];
}

function usesIndex(steps: string[], ferret: boolean, sorted: boolean): boolean {
  if (!ferret) return steps.some((s) => s.includes('IXSCAN')) && !steps.some((s) => s.includes('COLLSCAN'));
  return (
    steps.some((s) => /SEARCH .* USING (COVERING )?INDEX|SEARCH .* USING INTEGER PRIMARY KEY/.test(s)) &&
    !steps.some((s) => /\bSCAN\b/.test(s)) &&
    !(sorted && steps.some((s) => /TEMP B-TREE/.test(s)))
  );
}

const has = (filter: Document, field: string): boolean =>
  JSON.stringify(filter).includes(JSON.stringify(field));

const stack = useSyncStack('scale_query_plans');

test('every per-page query of a push and a pull reads an index, and the MongoDB indexes cover it', async () => {
  const env = await stack.setup({
    pageSize: 50,
    emulator: {
      seed: {
        customers: 120,
        vendors: 60,
        stockItems: 80,
        nonStockItems: 30,
        projects: 20,
        serviceOrders: 20,
        seed: 3,
      },
    },
  });
  const monitored = new MongoClient(process.env.MONGODB_URL!, {
    monitorCommands: true,
    appName: 'query-plans',
  });
  try {
    await monitored.connect();
    const db = monitored.db(env.db.databaseName);
    const finds: Find[] = [];
    monitored.on('commandStarted', (event: CommandStartedEvent) => {
      if (event.commandName !== 'find') return;
      const c = event.command;
      const collection = String(c.find as unknown);
      if (!RECORD_COLLECTIONS.has(collection)) return;
      finds.push({
        collection,
        filter: (c.filter as Document | undefined) ?? {},
        // The driver sends a sort as a Map (key order matters); explain and the checks want a document.
        ...(c.sort
          ? { sort: c.sort instanceof Map ? Object.fromEntries(c.sort) : (c.sort as Document) }
          : {}),
        ...(typeof c.limit === 'number' ? { limit: c.limit } : {}),
      });
    });
    const store = () => createStore(db);

    // 200 records of four types, marked for export: four pages of customers, the invoices' dependencies.
    await createPushData(env.store, env.account.id, pushMix(200));
    const pushed = await env.runSync({ entityTypes: PUSH }, { wrapStore: store });
    assert.equal(pushed.outcome, 'succeeded');
    assert.equal(pushed.totals.pushed, 200);
    // The pull matches Acumatica's records (the seeded ones and the ones just pushed) against ours.
    const pulled = await env.runSync({ entityTypes: PULL }, { wrapStore: store });
    assert.equal(pulled.outcome, 'succeeded');
    const t = pulled.totals;
    // The push run pulled its own types too; this one adds the other types and re-reads what we have.
    assert.ok(t.pulled > 0 && t.unchanged > 0 && t.failed === 0, `pull totals ${JSON.stringify(t)}`);

    const ferret = await servedByFerretDB(db);
    const indexes = new Map<string, string[][]>();
    for (const name of RECORD_COLLECTIONS) {
      const specs = await db.collection(name).indexes();
      indexes.set(
        name,
        specs.map((s) => Object.keys(s.key)),
      );
    }

    // The three per-page shapes issue 17 names must be among what the sync sent.
    const pushCandidates = finds.filter((f) => has(f.filter, 'sync.state') && f.sort?._id === 1);
    const pullMatches = finds.filter((f) => has(f.filter, '$or') && has(f.filter, 'sync.acumaticaId'));
    const keyResolution = finds.filter((f) => has(f.filter, 'sync.externalId') && !has(f.filter, '$or'));
    assert.ok(pushCandidates.length >= 4, `push candidate pages: ${pushCandidates.length}`);
    assert.ok(pullMatches.length >= 3, `pull match pages: ${pullMatches.length}`);
    assert.ok(keyResolution.length >= 1, `key resolutions: ${keyResolution.length}`);

    const problems: string[] = [];
    const seen = new Set<string>();
    for (const find of finds) {
      // One plan per query shape: values differ from page to page, the plan must not.
      const shape = JSON.stringify([find.collection, find.sort, branches(find.filter).map((b) => [...b])]);
      if (seen.has(shape)) continue;
      seen.add(shape);
      const steps = await planOf(db, find, ferret);
      if (!usesIndex(steps, ferret, find.sort !== undefined)) {
        problems.push(
          `store plan ${JSON.stringify(find.filter)} sort ${JSON.stringify(find.sort)}: ${steps.join(' | ')}`,
        );
      }
      for (const branch of branches(find.filter)) {
        const keys = indexes.get(find.collection) ?? [];
        if (!keys.some((k) => covers(k, branch, find.sort))) {
          problems.push(`no index covers ${JSON.stringify([...branch])} sort ${JSON.stringify(find.sort)}`);
        }
      }
    }
    assert.ok(seen.size >= 3, `distinct query shapes: ${seen.size}`);
    assert.deepEqual(problems, []);
  } finally {
    await monitored.close();
    await env.close();
  }
});
