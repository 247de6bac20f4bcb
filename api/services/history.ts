/**
 * A workflow history as a readable event log: event id, time, type, the activity or child workflow it
 * concerns, attempt, failure messages and retry state. Payloads (inputs, results, details) are never
 * copied: they are not needed to read a run and must not leak through the API. Pure: unit-tested.
 */
import { decodeRetryState } from '@temporalio/common';

export interface HistoryEntry {
  eventId: number;
  time: string | null;
  type: string;
  /** Activity type, for activity events (also on started/completed/failed, linked by scheduled event). */
  activity?: string;
  activityId?: string;
  /** Child workflow type and id, for child workflow events. */
  childWorkflowType?: string;
  childWorkflowId?: string;
  workflowType?: string;
  taskQueue?: string;
  attempt?: number;
  /** Failure message with its type and causes. */
  failure?: string;
  /** For a started activity that is a retry: why the previous attempt failed. */
  lastFailure?: string;
  retryState?: string;
  signalName?: string;
  reason?: string;
}

interface ProtoFailure {
  message?: string | null;
  applicationFailureInfo?: { type?: string | null } | null;
  cause?: ProtoFailure | null;
}

type Attributes = Record<string, unknown> & {
  activityType?: { name?: string | null } | null;
  workflowType?: { name?: string | null } | null;
  workflowExecution?: { workflowId?: string | null } | null;
  taskQueue?: { name?: string | null } | null;
  activityId?: string | null;
  workflowId?: string | null;
  attempt?: number | null;
  failure?: ProtoFailure | null;
  lastFailure?: ProtoFailure | null;
  retryState?: number | null;
  scheduledEventId?: unknown;
  initiatedEventId?: unknown;
  signalName?: string | null;
  reason?: string | null;
};

/** A history as `fetchHistory()` returns it (protobuf objects; ids and seconds may be Longs). */
export interface HistoryLike {
  events?: readonly (object | null)[] | null;
}

const toNumber = (value: unknown): number =>
  value === null || value === undefined ? 0 : Number(String(value));

function formatTime(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const ts = value as { seconds?: unknown; nanos?: number | null };
  const ms = toNumber(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** "AcumaticaRejected: Customer name is required ← cause" — type first, then causes, depth-capped. */
export function formatFailure(failure: ProtoFailure | null | undefined): string | undefined {
  const parts: string[] = [];
  let current = failure;
  for (let depth = 0; current && depth < 5; depth++) {
    const type = current.applicationFailureInfo?.type;
    const message = current.message ?? '';
    const text = type ? `${type}: ${message}` : message;
    if (text && !parts.includes(text)) parts.push(text);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(' ← ') : undefined;
}

/** `activityTaskScheduledEventAttributes` → `ActivityTaskScheduled`. */
function eventType(event: Record<string, unknown>): { type: string; attributes: Attributes } | null {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value && typeof value === 'object') {
      const name = key.slice(0, -'EventAttributes'.length);
      return { type: name.charAt(0).toUpperCase() + name.slice(1), attributes: value as Attributes };
    }
  }
  return null;
}

/** Turns a history into readable entries, oldest first. */
export function formatHistory(history: HistoryLike): HistoryEntry[] {
  const activities = new Map<number, { activity: string; activityId?: string }>();
  const children = new Map<number, { type?: string; id?: string }>();
  const entries: HistoryEntry[] = [];
  for (const raw of history.events ?? []) {
    if (!raw) continue;
    const event = raw as Record<string, unknown>;
    const eventId = toNumber(event.eventId);
    const found = eventType(event);
    const entry: HistoryEntry = {
      eventId,
      time: formatTime(event.eventTime),
      type: found?.type ?? 'Unknown',
    };
    if (found) {
      const a = found.attributes;
      if (a.activityType?.name) {
        entry.activity = a.activityType.name;
        if (a.activityId) entry.activityId = a.activityId;
        activities.set(eventId, {
          activity: a.activityType.name,
          ...(a.activityId ? { activityId: a.activityId } : {}),
        });
      } else if (a.scheduledEventId !== undefined && a.scheduledEventId !== null) {
        const scheduled = activities.get(toNumber(a.scheduledEventId));
        if (scheduled) Object.assign(entry, scheduled);
      }
      if (found.type.includes('Child')) {
        const initiated =
          a.initiatedEventId !== undefined ? children.get(toNumber(a.initiatedEventId)) : undefined;
        const type = a.workflowType?.name ?? initiated?.type;
        const id = a.workflowExecution?.workflowId ?? a.workflowId ?? initiated?.id;
        if (type) entry.childWorkflowType = type;
        if (id) entry.childWorkflowId = id;
        if (found.type === 'StartChildWorkflowExecutionInitiated') {
          children.set(eventId, { ...(type ? { type } : {}), ...(id ? { id } : {}) });
        }
      } else if (a.workflowType?.name) {
        entry.workflowType = a.workflowType.name;
      }
      if (a.taskQueue?.name && found.type !== 'WorkflowTaskScheduled') entry.taskQueue = a.taskQueue.name;
      if (typeof a.attempt === 'number' && a.attempt > 0) entry.attempt = a.attempt;
      const failure = formatFailure(a.failure);
      if (failure) entry.failure = failure;
      const lastFailure = formatFailure(a.lastFailure);
      if (lastFailure) entry.lastFailure = lastFailure;
      if (a.retryState) {
        const state = decodeRetryState(a.retryState as Parameters<typeof decodeRetryState>[0]);
        if (state) entry.retryState = state;
      }
      if (a.signalName) entry.signalName = a.signalName;
      if (a.reason) entry.reason = a.reason;
    }
    entries.push(entry);
  }
  return entries;
}
