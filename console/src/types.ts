/**
 * The API's shapes as the console sees them: every type comes from the API's own zod schemas (type-only
 * imports, so none of the server code reaches the bundle).
 */
import type { z } from 'zod';
import type { AccountView } from '../../api/schemas/accounts';
import type { RecordView } from '../../api/schemas/records';
import type { ConnectionChecklist } from '../../api/routes/accounts';
import type { FailedRecordsView } from '../../api/routes/failed-records';
import type { MeView } from '../../api/routes/me';
import type { NotificationView } from '../../api/routes/notifications';
import type { ScheduleView } from '../../api/routes/settings';
import type { SyncNowStartView, SyncNowView } from '../../api/routes/sync-now';
import type { HistoryEventView, StartRunView, SyncRunDetailView, SyncRunView } from '../../api/routes/syncs';
import type { ErrorBody } from '../../api/errors';
import type { BadField } from '../../api/errors';
import type { AccountSettings, accountSettingsPatch, connectionPatch } from '../../core/settings';
import type { EntityProgress, RunSummary } from '../../core/runs';
import type { RunProgress } from '../../workflows/definitions';

export type {
  AccountSettings,
  AccountView,
  BadField,
  ConnectionChecklist,
  EntityProgress,
  ErrorBody,
  FailedRecordsView,
  HistoryEventView,
  MeView,
  NotificationView,
  RecordView,
  RunProgress,
  RunSummary,
  ScheduleView,
  StartRunView,
  SyncNowStartView,
  SyncNowView,
  SyncRunDetailView,
  SyncRunView,
};

/** The body of PATCH /accounts/:id/settings. */
export type SettingsPatch = z.input<typeof accountSettingsPatch>;
/** The `connection` of PATCH /accounts/:id. */
export type ConnectionPatch = z.input<typeof connectionPatch>;

/** A keyset page, as every list route answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type NotificationPage = Page<NotificationView> & { unread: number };

/** A run's detail with its progress and result in their real shapes (the API types them loosely). */
export type SyncRunDetail = Omit<SyncRunDetailView, 'progress' | 'result'> & {
  progress: RunProgress | null;
  result: RunSummary | null;
};
