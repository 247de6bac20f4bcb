/**
 * What one page activity counted: per-outcome counts, the failed records by name (capped), customers
 * without coordinates (capped) and the latest Acumatica modified time seen. Serializable, so it travels in
 * heartbeats and a retried attempt continues the same tally.
 */
import { ENTITIES, type EntityType } from '../core/entities';
import {
  emptyCounts,
  MAX_LISTED_FAILURES,
  type EntityCounts,
  type PageResult,
  type RecordFailure,
} from '../core/runs';

/** The most customer ids without coordinates a page lists; the count stays exact. */
const MAX_LISTED_MISSING_GEO = 200;

export interface TallyState {
  counts: EntityCounts;
  failures: RecordFailure[];
  missingGeo: string[];
  missingGeoCount: number;
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
        }
      : { counts: emptyCounts(), failures: [], missingGeo: [], missingGeoCount: 0 };
  }

  count(outcome: keyof EntityCounts): void {
    this.s.counts[outcome] += 1;
  }

  /** Counts a failed record and lists it by name (entity of the failure may be a cascaded dependency). */
  fail(recordId: string, label: string, message: string, entity: EntityType = this.entity): void {
    this.s.counts.failed += 1;
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
    };
  }
}
