/**
 * The run summary ("automatic reminder", design §5): what one sync run did, stored as a notification and
 * returned as the workflow result. Pure, sandbox-safe.
 */
import type { EntityType } from './entities';

export interface EntityRunCounts {
  entity: EntityType;
  pushed: number;
  pulled: number;
  unchanged: number;
  failed: number;
}

export interface RunFailure {
  entity: EntityType;
  recordId: string;
  externalRef?: string;
  message: string;
}

export interface RunSummary {
  workflowId: string;
  runId: string;
  trigger: 'schedule' | 'manual' | 'api';
  full: boolean;
  outcome: 'completed' | 'failed' | 'canceled';
  /** ISO timestamps: the summary travels through Temporal payloads, where a Date would become a string. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  entities: EntityRunCounts[];
  /** The failed records with their messages (capped by the writer; counts stay exact). */
  failures: RunFailure[];
}
