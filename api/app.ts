/**
 * The HTTP API as a Fastify app that never listens (`api/server.ts` does): accounts and settings,
 * field-service records and "Export to Acumatica", sync runs read from Temporal, notifications, health and
 * metrics, and the console's prebuilt page at `/`. The API never calls Acumatica: it validates, reads MongoDB and starts or queries workflows.
 */
import { randomUUID } from 'node:crypto';
import fastify from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { parseMasterKey, SecretBox } from '../store';
import { authenticate } from './auth';
import type { ApiDeps, App, RouteContext } from './context';
import { ApiError, handleError } from './errors';
import { ApiMetrics } from './metrics';
import { accountRoutes } from './routes/accounts';
import { apiKeyRoutes } from './routes/api-keys';
import { consoleRoutes } from './routes/console';
import { failedRecordRoutes } from './routes/failed-records';
import { healthRoutes } from './routes/health';
import { hookRoutes } from './routes/hooks';
import { meRoutes } from './routes/me';
import { notificationRoutes } from './routes/notifications';
import { recordRoutes } from './routes/records';
import { settingsRoutes } from './routes/settings';
import { syncNowRoutes } from './routes/sync-now';
import { syncRoutes } from './routes/syncs';
import { jsonBodyParser } from './json-body';
import { SyncNowService } from './services/sync-now';
import { ConnectionChecks } from './services/connection-checks';
import { SyncService } from './services/syncs';
import { validateRequest } from './validation';

export type { ApiDeps } from './context';

/**
 * Builds the API. Registers every route with zod schemas for requests and responses, bearer-key
 * authentication, the error contract, Prometheus metrics and the OpenAPI document (`/docs`, `/docs/json`).
 */
export async function buildApp(deps: ApiDeps): Promise<App> {
  const app = fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.config.API_BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 500 },
    // Router-level rejections (malformed URL, over-long path parameter) get the error contract too.
    frameworkErrors: (err, request, reply) => {
      handleError(err, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is answered with 415 instead of being validated as a string.
  app.removeContentTypeParser('text/plain');
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser(parseJson));

  const metrics = new ApiMetrics();
  const runLocks = deps.store.runLocks;
  const syncs = new SyncService({
    client: deps.temporal,
    runLocks,
    config: deps.config,
    metrics,
    logger: deps.logger,
  });
  const ctx: RouteContext = {
    ...deps,
    box: new SecretBox([parseMasterKey(deps.config.MASTER_KEY)]),
    metrics,
    syncs,
    syncNow: new SyncNowService({
      client: deps.temporal,
      runLocks,
      syncs,
      config: deps.config,
      logger: deps.logger,
    }),
    connectionChecks: new ConnectionChecks({ client: deps.temporal, config: deps.config }),
  };

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request) => {
    throw new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onRoute', (route) => {
    // The documentation is public: it describes the API, it holds no data.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  app.addHook(
    'onRequest',
    authenticate({ adminKey: deps.config.ADMIN_API_KEY, accounts: deps.store.accounts }),
  );
  app.addHook('preValidation', validateRequest);
  app.addHook('onResponse', metrics.observeRequest);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Field-service ↔ Acumatica sync connector API',
        description:
          'Accounts, settings, field-service records and "Export to Acumatica", sync runs (read from Temporal) and notifications. ' +
          'Send `Authorization: Bearer <key>`: the admin key for account management, an account key for that account.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { ctx });
  await app.register(accountRoutes, { ctx });
  await app.register(apiKeyRoutes, { ctx });
  await app.register(settingsRoutes, { ctx });
  await app.register(recordRoutes, { ctx });
  await app.register(syncRoutes, { ctx });
  await app.register(syncNowRoutes, { ctx });
  await app.register(hookRoutes, { ctx });
  await app.register(notificationRoutes, { ctx });
  await app.register(meRoutes);
  await app.register(failedRecordRoutes, { ctx });
  if (deps.consoleDir) await app.register(consoleRoutes, { dir: deps.consoleDir });
  return app;
}
