/**
 * Fault injection for entity routes, driven by a seeded PRNG so a run is reproducible.
 */

export interface FaultConfig {
  /** PRNG seed (default 1). Setting faults re-seeds. */
  seed?: number;
  /** Added latency before the request is processed. */
  latency?: { ms: number; jitterMs?: number };
  /** Share (0..1) of requests answered with a 5xx before processing. */
  serverErrors?: { rate: number; status?: number };
  /** The next N requests are answered 429. */
  tooManyRequests?: { next: number; retryAfterSec?: number };
  /** Share of writes failing with "Another process has updated the '<DAC>' record." (500, nothing committed). */
  conflicts?: { rate: number };
  /** Writes that are committed, then the connection is destroyed before any response. */
  commitThenDrop?: { rate?: number; next?: number };
  /** Share of responses whose JSON body is cut off. */
  malformedJson?: { rate: number };
  /** Restrict every fault to one entity and/or HTTP method. */
  target?: { entity?: string; method?: string };
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private cfg: FaultConfig = {};
  private rand: () => number = prng(1);

  set(cfg: FaultConfig): void {
    this.cfg = structuredClone(cfg);
    this.rand = prng(cfg.seed ?? 1);
  }

  get(): FaultConfig {
    return structuredClone(this.cfg);
  }

  /** True when faults apply to this request. */
  applies(entity: string, method: string): boolean {
    const t = this.cfg.target;
    if (t?.entity && t.entity !== entity) return false;
    if (t?.method && t.method.toUpperCase() !== method.toUpperCase()) return false;
    return true;
  }

  latencyMs(): number {
    const l = this.cfg.latency;
    if (!l || l.ms <= 0) return 0;
    return l.ms + (l.jitterMs ? Math.floor(this.rand() * l.jitterMs) : 0);
  }

  serverError(): number | undefined {
    const s = this.cfg.serverErrors;
    return s && this.rand() < s.rate ? (s.status ?? 500) : undefined;
  }

  tooMany(): { retryAfterSec?: number } | undefined {
    const t = this.cfg.tooManyRequests;
    if (!t || t.next <= 0) return undefined;
    t.next--;
    return { retryAfterSec: t.retryAfterSec };
  }

  conflict(): boolean {
    const c = this.cfg.conflicts;
    return !!c && this.rand() < c.rate;
  }

  commitThenDrop(): boolean {
    const c = this.cfg.commitThenDrop;
    if (!c) return false;
    if (c.next && c.next > 0) {
      c.next--;
      return true;
    }
    return !!c.rate && this.rand() < c.rate;
  }

  malformed(): boolean {
    const m = this.cfg.malformedJson;
    return !!m && this.rand() < m.rate;
  }
}
