/**
 * Acumatica's push notifications (Push Notifications, SM302000) with a webhook destination: after a committed
 * write to a record of a watched entity, the emulator POSTs the change to the registered URL, shaped like
 * Acumatica's payload (api-reference §9): the new generic-inquiry row in `Inserted`, the old one in
 * `Deleted`, `Query`, `CompanyId`, an `Id` per transaction and a .NET-ticks `TimeStamp`. Delivery is
 * at-least-once with up to 5 attempts (a non-2xx answer or a network error is retried), and faults can be
 * switched on: duplicates, reordering, split pairs, delays, drops and lost acknowledgements.
 */
import { randomUUID } from 'node:crypto';
import { prng } from './faults';
import type { StoredRecord } from './store';
import type { Plain } from './values';

/** A push notification definition with a webhook destination. */
export interface PushDestination {
  /** The entity whose records the generic inquiry lists (e.g. `Customer`). */
  entity: string;
  /** The inquiry's name, sent as `Query` (default `<entity> changes`). */
  query?: string;
  url: string;
  /** The one custom header Acumatica lets a webhook destination send. */
  header?: { name: string; value: string };
  /** The inquiry's columns (default: the entity's key fields and its modified-time fields). */
  columns?: string[];
}

export interface PushFaults {
  /** PRNG seed (default 1); setting faults re-seeds. */
  seed?: number;
  /** Share of notifications delivered twice (the same `Id`), as after a lost acknowledgement. */
  duplicates?: number;
  /** Share of notifications held back and delivered after the next one. */
  reorder?: number;
  /** Share of updates sent as two notifications: the old row alone (`Deleted`), then the new row alone. */
  splitPairs?: number;
  /** Added delay before each delivery. */
  delayMs?: number;
  /** Share of notifications never sent. */
  drops?: number;
  /** Share of deliveries whose 2xx answer is treated as lost: Acumatica sends it again. */
  lostAcks?: number;
  /** Pause between attempts of one delivery (default 200 ms; Acumatica's own pause is longer). */
  retryDelayMs?: number;
}

/** The payload Acumatica posts (§9). */
export interface PushPayload {
  Inserted: Record<string, Plain>[];
  Deleted: Record<string, Plain>[];
  Query: string;
  CompanyId: string;
  Id: string;
  /** .NET ticks: beyond a double's exact range, so it is kept as a bigint and written as a JSON number. */
  TimeStamp: bigint;
  AdditionalInfo: Record<string, unknown>;
}

export interface PushStats {
  /** Notifications created by writes. */
  created: number;
  /** Notifications dropped by the drop fault. */
  dropped: number;
  /** HTTP attempts made. */
  attempts: number;
  /** Notifications delivered (a 2xx answer), counting each duplicate delivery. */
  delivered: number;
  /** Notifications given up after 5 attempts (Acumatica lists them on Process Push Notifications). */
  failed: number;
}

/** Acumatica's attempts per notification. */
export const MAX_ATTEMPTS = 5;
/** .NET ticks (100 ns since 0001-01-01) at the Unix epoch. */
const EPOCH_TICKS = 621_355_968_000_000_000n;

type Row = Record<string, Plain>;

/**
 * Watches committed writes and delivers notifications. `changed` is called by the emulator after every
 * write of a top-level record (`after` null for a delete).
 */
export class PushNotifier {
  private destinations: (PushDestination & { columns: string[]; query: string })[] = [];
  /** The last row each destination reported per record: the `Deleted` half of the next update. */
  private readonly rows = new Map<string, Row>();
  private faults: PushFaults = {};
  private rand = prng(1);
  private held: { payload: PushPayload; dest: PushDestination } | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private lastTicks = 0n;
  private readonly failedPayloads: PushPayload[] = [];
  readonly stats: PushStats = { created: 0, dropped: 0, attempts: 0, delivered: 0, failed: 0 };

  constructor(
    private readonly deps: {
      now: () => Date;
      companyId: string;
      /** Default columns of an entity: key fields and modified-time fields. */
      defaultColumns(entity: string): string[] | undefined;
      /** Current records of an entity, to know the rows a new destination starts from. */
      records(entity: string): StoredRecord[];
    },
  ) {}

  /** Registers (or replaces, by entity and URL) a destination. */
  register(dest: PushDestination): void {
    const columns = dest.columns ?? this.deps.defaultColumns(dest.entity);
    if (!columns || columns.length === 0) throw new Error(`No columns known for entity ${dest.entity}`);
    const full = { ...dest, columns, query: dest.query ?? `${dest.entity} changes` };
    this.destinations = [
      ...this.destinations.filter((d) => !(d.entity === dest.entity && d.url === dest.url)),
      full,
    ];
    for (const rec of this.deps.records(dest.entity))
      this.rows.set(this.rowKey(full, rec.id), rowOf(rec, columns));
  }

  /** Registered destinations; header values are not shown. */
  list(): (Omit<PushDestination, 'header'> & { header?: { name: string } })[] {
    return this.destinations.map(({ header, ...d }) => ({
      ...d,
      ...(header ? { header: { name: header.name } } : {}),
    }));
  }

  clear(): void {
    this.destinations = [];
    this.rows.clear();
    this.held = null;
  }

  setFaults(faults: PushFaults): void {
    this.faults = { ...faults };
    this.rand = prng(faults.seed ?? 1);
  }

  getFaults(): PushFaults {
    return { ...this.faults };
  }

  /** Notifications that failed all 5 attempts, oldest first. */
  failed(): PushPayload[] {
    return [...this.failedPayloads];
  }

  resetStats(): void {
    Object.assign(this.stats, { created: 0, dropped: 0, attempts: 0, delivered: 0, failed: 0 });
    this.failedPayloads.length = 0;
  }

  /** Resolves when every delivery started so far has finished (held notifications are sent first). */
  async idle(): Promise<void> {
    for (;;) {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      if (!this.held) return;
      this.flushHeld();
    }
  }

  /** A committed write of `entity` record `id`: the new record, or null when it was deleted. */
  changed(entity: string, id: string, after: StoredRecord | null): void {
    for (const dest of this.destinations) {
      if (dest.entity !== entity) continue;
      const key = this.rowKey(dest, id);
      const before = this.rows.get(key);
      const row = after ? rowOf(after, dest.columns) : undefined;
      if (row) this.rows.set(key, row);
      else this.rows.delete(key);
      // Only changes to the inquiry's columns make a notification, as with Acumatica's tracked fields.
      if (row && before && sameRow(row, before)) continue;
      if (!row && !before) continue;
      if (row && before && this.roll(this.faults.splitPairs)) {
        this.emit(dest, { Inserted: [], Deleted: [before] });
        this.emit(dest, { Inserted: [row], Deleted: [] });
        continue;
      }
      this.emit(dest, { Inserted: row ? [row] : [], Deleted: before ? [before] : [] });
    }
  }

  private rowKey(dest: PushDestination, id: string): string {
    return `${dest.entity} ${dest.url} ${id}`;
  }

  private roll(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.rand() < rate;
  }

  private emit(
    dest: PushDestination & { query: string },
    rows: Pick<PushPayload, 'Inserted' | 'Deleted'>,
  ): void {
    this.stats.created++;
    const clock = BigInt(this.deps.now().getTime()) * 10_000n + EPOCH_TICKS;
    const ticks = clock > this.lastTicks ? clock : this.lastTicks + 1n;
    this.lastTicks = ticks;
    const payload: PushPayload = {
      ...rows,
      Query: dest.query,
      CompanyId: this.deps.companyId,
      Id: randomUUID(),
      TimeStamp: ticks,
      AdditionalInfo: {},
    };
    if (this.roll(this.faults.drops)) {
      this.stats.dropped++;
      return;
    }
    if (!this.held && this.roll(this.faults.reorder)) {
      this.held = { payload, dest };
      return;
    }
    const sent = this.deliver(payload, dest);
    // A held notification goes out once the later one was answered: it arrives out of order for sure.
    if (this.held) {
      const waiting = sent.then(() => this.flushHeld());
      this.inFlight.add(waiting);
      void waiting.finally(() => this.inFlight.delete(waiting));
    }
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = null;
    // Tracked in inFlight; send() never rejects (a failed delivery is counted, not thrown).
    if (held) void this.deliver(held.payload, held.dest);
  }

  /** Sends a notification (twice under the duplicates fault); resolves when the first copy is done. */
  private deliver(payload: PushPayload, dest: PushDestination): Promise<void> {
    const copies = this.roll(this.faults.duplicates) ? 2 : 1;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < copies; i++) {
      const sending = this.send(payload, dest).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
      sends.push(sending);
    }
    return sends[0]!;
  }

  private async send(payload: PushPayload, dest: PushDestination): Promise<void> {
    if (this.faults.delayMs) await pause(this.faults.delayMs);
    const body = toJson(payload);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      this.stats.attempts++;
      let ok = false;
      try {
        const res = await fetch(dest.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(dest.header ? { [dest.header.name]: dest.header.value } : {}),
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        ok = res.status >= 200 && res.status < 300;
      } catch {
        // Network error or timeout: retried like an error answer.
      }
      if (ok) {
        this.stats.delivered++;
        // A lost acknowledgement: the receiver accepted it, Acumatica did not hear so and sends it again.
        if (attempt < MAX_ATTEMPTS && this.roll(this.faults.lostAcks)) continue;
        return;
      }
      if (attempt < MAX_ATTEMPTS) await pause((this.faults.retryDelayMs ?? 200) * attempt);
    }
    this.stats.failed++;
    this.failedPayloads.push(payload);
  }
}

/** The payload as Acumatica writes it: `TimeStamp` as a plain JSON number with every digit. */
export function toJson(payload: PushPayload): string {
  return JSON.stringify(payload, (key, value: unknown) =>
    key === 'TimeStamp' && typeof value === 'bigint' ? `@@${value}@@` : value,
  ).replace(/"@@(\d+)@@"/, '$1');
}

function rowOf(rec: StoredRecord, columns: readonly string[]): Row {
  return Object.fromEntries(columns.map((c) => [c, rec.values[c] ?? null]));
}

function sameRow(a: Row, b: Row): boolean {
  return Object.keys(a).every((k) => a[k] === b[k]);
}

function pause(ms: number): Promise<void> {
  // Unref'd: a pending delivery must not keep a closing process alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
