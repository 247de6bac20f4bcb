/**
 * What one page activity counted: per-outcome counts, skips by reason, dependencies of other types the
 * cascade pushed or failed (by their type), the failed records by name (capped), customers without
 * coordinates (capped) and the latest Acumatica modified time seen. Serializable, so it travels in
 * heartbeats and a retried attempt continues the same tally.
 */
import { ENTITIES, type EntityType } from '../core/entities';
import {
  addCascade,
  addCounts,
  addSkips,
  emptyCounts,
  MAX_LISTED_FAILURES,
  type CascadeCounts,
  type EntityCounts,
  type PageResult,
  type RecordFailure,
  type SkipCounts,
  type SkipReason,
} from '../core/runs';

/** The most customer ids without coordinates a page lists; the count stays exact. */
const MAX_LISTED_MISSING_GEO = 200;

export interface TallyState {
  counts: EntityCounts;
  failures: RecordFailure[];
  missingGeo: string[];
  missingGeoCount: number;
  skippedBy?: SkipCounts;
  cascade?: CascadeCounts;
}

export class PageTally {
  private readonly s: TallyState;

  constructor(
    private readonly entity: EntityType,
    resume: TallyState | null = null,
  ) {
    this.s = resume
      ? {
          counts: { ...emptyCounts(), ...resume.counts },
          failures: [...(resume.failures ?? [])],
          missingGeo: [...(resume.missingGeo ?? [])],
          missingGeoCount: resume.missingGeoCount ?? 0,
          skippedBy: addSkips({}, resume.skippedBy),
          cascade: addCascade({}, resume.cascade),
        }
      : {
          counts: emptyCounts(),
          failures: [],
          missingGeo: [],
          missingGeoCount: 0,
          skippedBy: {},
          cascade: {},
        };
  }

  count(outcome: 'pushed' | 'pulled' | 'unchanged'): void {
    this.s.counts[outcome] += 1;
  }

  /** Counts a pulled record the account's settings leave out, by reason. */
  skip(reason: SkipReason): void {
    this.s.counts = addCounts(this.s.counts, { skipped: 1 });
    this.s.skippedBy = addSkips(this.s.skippedBy ?? {}, { [reason]: 1 });
  }

  /** Counts a dependency of another entity type the cascade pushed (a failed one goes through `fail`). */
  cascaded(entity: EntityType, outcome: 'pushed' | 'unchanged'): void {
    if (entity === this.entity) return this.count(outcome);
    this.s.cascade = addCascade(this.s.cascade ?? {}, { [entity]: { ...emptyCounts(), [outcome]: 1 } });
  }

  /**
   * Counts a failed record and lists it by name; a record of another entity type (a dependency the cascade
   * failed to push) is counted under its own type.
   */
  fail(recordId: string, label: string, message: string, entity: EntityType = this.entity): void {
    if (entity === this.entity) this.s.counts.failed += 1;
    else this.s.cascade = addCascade(this.s.cascade ?? {}, { [entity]: { ...emptyCounts(), failed: 1 } });
    if (this.s.failures.length < MAX_LISTED_FAILURES) {
      this.s.failures.push({ entity, recordId, label: label || ENTITIES[entity].label, message });
    }
  }

  missingGeo(recordId: string): void {
    this.s.missingGeoCount += 1;
    if (this.s.missingGeo.length < MAX_LISTED_MISSING_GEO) this.s.missingGeo.push(recordId);
  }

  state(): TallyState {
    return this.s;
  }

  result(cursor: string | null): PageResult {
    return {
      counts: this.s.counts,
      failures: this.s.failures,
      cursor,
      missingGeo: this.s.missingGeo,
      missingGeoCount: this.s.missingGeoCount,
      ...(Object.keys(this.s.skippedBy ?? {}).length > 0 ? { skippedBy: this.s.skippedBy } : {}),
      ...(Object.keys(this.s.cascade ?? {}).length > 0 ? { cascade: this.s.cascade } : {}),
    };
  }
}
