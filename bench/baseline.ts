/**
 * The "no connector" reference for the overhead scenario: the same PUT bodies the sync sends (built with
 * the same mappers from the same records), sent by a plain undici loop at a fixed concurrency, in the
 * same dependency order (master data, then invoices). No Temporal, no MongoDB, no limiter.
 */
import { Agent, request } from 'undici';
import { DEFAULT_OAUTH_CLIENT } from '../emulator';
import { ENTITIES } from '../core/entities';
import type { RunSettings } from '../core/runs';
import type { Store } from '../store';
import { mapperFor } from '../activities/mapping';

type PushedType = 'customers' | 'products' | 'services' | 'invoices';
const PHASES: readonly (readonly PushedType[])[] = [['customers', 'products', 'services'], ['invoices']];
const VERSION = '24.200.001';

/** An Acumatica PUT of the baseline: entity name and body. */
interface Put {
  entity: string;
  body: unknown;
}

/** The account settings as a run snapshots them (bench accounts use the defaults). */
const SETTINGS: RunSettings = {
  includeSubCustomers: false,
  skipFirstAddressLine: false,
  useShipToAddress: false,
  newCustomerType: 'BUSINESS',
  useIntegrationDateForInvoices: false,
  restVersion: VERSION,
};

/**
 * Builds the PUT bodies of every record of the account, in phases, with Acumatica keys of references
 * taken from the records' sync state (so run it after the sync pushed them).
 */
export async function buildPuts(store: Store, accountId: string): Promise<Put[][]> {
  const keys = new Map<string, string>();
  const all = new Map<PushedType, { _id: string }[]>();
  for (const type of PHASES.flat()) {
    const items: { _id: string }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.records[type].listPushCandidates(accountId, {
        scope: 'all',
        limit: 500,
        ...(after ? { after } : {}),
      });
      for (const r of page.items) {
        items.push(r);
        if (r.sync.externalId) keys.set(`${type}/${r._id}`, r.sync.externalId);
      }
      if (page.nextCursor === null || page.items.length === 0) break;
      after = page.items[page.items.length - 1]!._id;
    }
    all.set(type, items);
  }
  const ctx = {
    settings: SETTINGS,
    restVersion: VERSION,
    integrationDate: new Date().toISOString().slice(0, 10),
    keys: {
      customer: (id: string) => keys.get(`customers/${id}`),
      vendor: (id: string) => keys.get(`vendors/${id}`),
      item: (line: { productId?: string; serviceId?: string }) =>
        line.productId
          ? keys.get(`products/${line.productId}`)
          : line.serviceId
            ? keys.get(`services/${line.serviceId}`)
            : undefined,
    },
  } as const;
  return PHASES.map((phase) =>
    phase.flatMap((type) =>
      (all.get(type) ?? []).map((record) => {
        const push = mapperFor(type).push;
        if (!push) throw new Error(`${type} has no push mapper`);
        return { entity: ENTITIES[type].acumaticaEntity, body: push(record as never, ctx as never) };
      }),
    ),
  );
}

/** Signs in with the OAuth password grant, as the connector does, and returns the bearer token. */
async function token(baseUrl: string, dispatcher: Agent): Promise<string> {
  const res = await request(`${baseUrl}/identity/connect/token`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: DEFAULT_OAUTH_CLIENT.clientId,
      client_secret: DEFAULT_OAUTH_CLIENT.secret,
      username: 'admin',
      password: 'admin',
      scope: 'api',
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token)
    throw new Error(`baseline sign-in failed: ${res.statusCode}`);
  return body.access_token;
}

/** Sends every phase's PUTs with `concurrency` in flight; returns the wall time in seconds and the count. */
export async function runBaseline(
  baseUrl: string,
  phases: Put[][],
  concurrency: number,
): Promise<{ seconds: number; requests: number; failed: number }> {
  const dispatcher = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  try {
    const started = performance.now();
    const bearer = await token(baseUrl, dispatcher);
    let requests = 0;
    let failed = 0;
    for (const puts of phases) {
      let next = 0;
      const lane = async () => {
        while (next < puts.length) {
          const put = puts[next++]!;
          const res = await request(`${baseUrl}/entity/Default/${VERSION}/${put.entity}`, {
            method: 'PUT',
            dispatcher,
            headers: {
              authorization: `Bearer ${bearer}`,
              'content-type': 'application/json',
              accept: 'application/json',
            },
            body: JSON.stringify(put.body),
          });
          await res.body.json();
          requests++;
          if (res.statusCode >= 300) failed++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    }
    return { seconds: (performance.now() - started) / 1000, requests, failed };
  } finally {
    await dispatcher.close();
  }
}
