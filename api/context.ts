/** What the route plugins share: the app's dependencies plus the services built over them. */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import type { SecretBox, Store } from '../store';
import type { ApiMetrics } from './metrics';
import type { ConnectionChecks } from './services/connection-checks';
import type { ScheduleService } from './services/schedules';
import type { SyncNowService } from './services/sync-now';
import type { SyncService } from './services/syncs';

/** The dependencies `buildApp` takes: built by `api/server.ts` (or a test), never by the app itself. */
export interface ApiDeps {
  config: Config;
  logger: Logger;
  /** The repositories, the run lock and the readiness ping (store/index.ts): the API's only way to MongoDB. */
  store: Store;
  temporal: Client;
  schedules: ScheduleService;
  /** The console's build folder (`dist/console`), served at `/`; without it the API serves no page. */
  consoleDir?: string;
}

export interface RouteContext extends ApiDeps {
  /** Encrypts Acumatica secrets at rest (MASTER_KEY). */
  box: SecretBox;
  syncs: SyncService;
  syncNow: SyncNowService;
  /** "Validate connection", rate-limited per account. */
  connectionChecks: ConnectionChecks;
  metrics: ApiMetrics;
}

/** A Fastify instance typed for zod schemas. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>;
