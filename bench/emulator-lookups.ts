/**
 * How the emulator's own request cost grows with its data: PUT by key, GET by key, a new invoice (whose
 * customer and line items are looked up by key) and a page of a filtered, paged pull, each timed at several
 * store sizes through the full request pipeline (`app.inject`: routing, session, licence, JSON; no sockets).
 * One JSON line per size on stdout. It measures the emulator, not the connector; it asserts nothing.
 *
 * `node --import tsx bench/emulator-lookups.ts [--records 1000,50000] [--ops 500] [--pages 10]`
 */
import { parseArgs } from 'node:util';
import { buildEmulator } from '../emulator';
import { round } from './measure';
import { pullSeed } from './scenarios';

const V24 = '/entity/Default/24.200.001';

/**
 * Mean milliseconds of `ops` sequential calls of `fn`, after `ops / 4` untimed ones (JIT warm-up, which
 * would otherwise dominate the small sizes); `prepare` runs untimed before each call. Throws on an
 * unexpected status.
 */
async function timed(
  ops: number,
  fn: (i: number) => Promise<number>,
  want: number,
  prepare?: (i: number) => Promise<unknown>,
): Promise<number> {
  const once = async (i: number): Promise<bigint> => {
    await prepare?.(i);
    const start = process.hrtime.bigint();
    const status = await fn(i);
    const took = process.hrtime.bigint() - start;
    if (status !== want) throw new Error(`call ${i} answered ${status}, expected ${want}`);
    return took;
  };
  for (let i = 0; i < Math.ceil(ops / 4); i++) await once(ops + i);
  let total = 0n;
  for (let i = 0; i < ops; i++) total += await once(i);
  return round(Number(total) / 1e6 / ops, 2);
}

async function measure(records: number, ops: number, pages: number): Promise<Record<string, unknown>> {
  const app = await buildEmulator({ seed: 'none' });
  try {
    const seedStart = process.hrtime.bigint();
    const seeded = app.emulatorAdmin.seed(pullSeed(records, 11));
    const seedMs = Number(process.hrtime.bigint() - seedStart) / 1e6;
    const stored = Object.values(seeded).reduce((a, b) => a + b, 0);
    const customers = app.emulatorAdmin.records('Customer').map((r) => String(r.values.CustomerID));
    const items = app.emulatorAdmin.records('StockItem').map((r) => String(r.values.InventoryID));
    const login = await app.inject({
      method: 'POST',
      url: '/entity/auth/login',
      payload: { name: 'admin', password: 'admin', tenant: 'Company' },
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const call = async (method: 'GET' | 'PUT', url: string, payload?: unknown): Promise<number> => {
      const res = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
      return res.statusCode;
    };
    // Spread over the table, and written as a user might (lower case, padded): the lookup normalises keys.
    const customerAt = (i: number): string => customers[(i * 7919) % customers.length]!;
    const itemAt = (i: number): string => items[(i * 104729) % items.length]!;

    const putByKeyMs = await timed(
      ops,
      (i) =>
        call('PUT', `${V24}/Customer`, {
          CustomerID: { value: ` ${customerAt(i).toLowerCase()} ` },
          CustomerName: { value: `Renamed ${i}` },
        }),
      200,
    );
    const getByKeyMs = await timed(ops, (i) => call('GET', `${V24}/Customer/${customerAt(i)}`), 200);
    const putInvoiceMs = await timed(
      ops,
      (i) =>
        call('PUT', `${V24}/Invoice`, {
          Customer: { value: customerAt(i) },
          CustomerOrder: { value: `bench-${i}` },
          Details: [0, 1, 2].map((l) => ({
            InventoryID: { value: itemAt(i * 3 + l) },
            Qty: { value: 1 + l },
            UnitPrice: { value: 10 },
          })),
        }),
      200,
    );
    const since = encodeURIComponent("LastModifiedDateTime ge datetimeoffset'2000-01-01T00:00:00Z'");
    const pageSize = 500;
    const fullPages = Math.max(1, Math.min(pages, Math.floor(customers.length / pageSize)));
    const pageUrl = (p: number): string =>
      `${V24}/Customer?$filter=${since}&$top=${pageSize}&$skip=${(p % fullPages) * pageSize}`;
    const pullPageMs = await timed(fullPages, (p) => call('GET', pageUrl(p)), 200);
    // A write between two pages (an ERP edit during a pull): the next page orders and filters anew.
    const pageAfterWriteMs = await timed(
      Math.min(ops, 50),
      (i) => call('GET', pageUrl(i)),
      200,
      (i) =>
        call('PUT', `${V24}/Customer`, {
          CustomerID: { value: customerAt(i) },
          CustomerName: { value: `Edited ${i}` },
        }),
    );
    return {
      scenario: 'emulator-lookups',
      seeded: records,
      stored,
      customers: customers.length,
      stockItems: items.length,
      seedSeconds: Math.round(seedMs / 10) / 100,
      ops,
      putByKeyMs,
      getByKeyMs,
      putInvoiceMs,
      pullPageMs,
      pullMsPerRecord: round(pullPageMs / Math.min(pageSize, customers.length), 4),
      pullPages: fullPages,
      pageSize,
      pageAfterWriteMs,
      node: process.version,
    };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '1000,50000' },
      ops: { type: 'string', default: '500' },
      pages: { type: 'string', default: '10' },
    },
  });
  const sizes = values.records.split(',').map((s) => Number(s.trim()));
  const ops = Number(values.ops);
  const pages = Number(values.pages);
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--records: integers ≥ 100');
  if (!Number.isInteger(ops) || ops < 1 || !Number.isInteger(pages) || pages < 1)
    throw new Error('--ops and --pages: positive integers');
  // A first, unreported round at the smallest size, so the first size reported does not pay the JIT warm-up.
  await measure(Math.min(...sizes), ops, pages);
  for (const n of sizes) console.log(JSON.stringify(await measure(n, ops, pages)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
