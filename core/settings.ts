/**
 * Account settings and the Acumatica connection: schemas, defaults and validation whose messages name
 * the field. Pure, safe inside the workflow sandbox (the plan activity passes settings to workflows;
 * secrets never appear here except in the write-only connection input).
 */
import { z } from 'zod';
import { DEFAULT_REST_VERSION, ENTITY_TYPES, SUPPORTED_REST_VERSIONS, type EntityType } from './entities';
import { CUSTOMER_TYPES } from './records';
import { parseOrThrow, ValidationError, type FieldIssue } from './validation';

/** An account's display name: the API and the store validate it with the same rule. */
export const accountNameSchema = z.string().trim().min(1).max(200);

/** Schedules may not run more often than this: Acumatica licences are shared with people. */
export const MIN_EXECUTION_DELAY_MINUTES = 15;

const settingsFields = z
  .object({
    /** Minutes between scheduled runs. */
    executionDelayMinutes: z
      .int({ error: 'must be a whole number of minutes' })
      .min(MIN_EXECUTION_DELAY_MINUTES, { error: `must be at least ${MIN_EXECUTION_DELAY_MINUTES}` })
      .max(7 * 24 * 60, { error: 'must be at most 10080 (one week)' }),
    /** Pull window: records Acumatica modified in the last N days. */
    lastModifiedSinceDays: z
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1' })
      .max(3650, { error: 'must be at most 3650' }),
    /** "Run a full sync on the next Sync": cleared after a full run completes. */
    fullSyncOnNextRun: z.boolean({ error: 'must be true or false' }),
    /** Pull sub-customers (Acumatica customers with a parent account). */
    includeSubCustomers: z.boolean({ error: 'must be true or false' }),
    /** Drop Acumatica's first address line (often a company name) when pulling customers. */
    skipFirstAddressLine: z.boolean({ error: 'must be true or false' }),
    /** Take a customer's ShipTo address instead of BillTo. */
    useShipToAddress: z.boolean({ error: 'must be true or false' }),
    /** Type given to customers created from Acumatica. */
    newCustomerType: z.enum(CUSTOMER_TYPES, { error: 'must be BUSINESS or RESIDENTIAL' }),
    /** Send the integration (run) date as the invoice date instead of the field-service date. */
    useIntegrationDateForInvoices: z.boolean({ error: 'must be true or false' }),
    /** Entity types this account syncs. */
    entityTypes: z
      .array(z.enum(ENTITY_TYPES, { error: `must be one of: ${ENTITY_TYPES.join(', ')}` }), {
        error: 'must be a list of entity types',
      })
      .min(1, { error: 'must select at least one entity type' }),
    /** Paused accounts keep their schedule but it does not fire. */
    paused: z.boolean({ error: 'must be true or false' }),
  })
  .strict();

export type AccountSettings = z.output<typeof settingsFields>;

export const DEFAULT_SETTINGS: Readonly<AccountSettings> = Object.freeze({
  executionDelayMinutes: 60,
  lastModifiedSinceDays: 30,
  fullSyncOnNextRun: false,
  includeSubCustomers: false,
  skipFirstAddressLine: false,
  useShipToAddress: false,
  newCustomerType: 'BUSINESS',
  useIntegrationDateForInvoices: false,
  entityTypes: [...ENTITY_TYPES],
  paused: false,
});

/** Complete settings as stored. */
export const accountSettingsSchema = settingsFields;

/** A settings change: any subset of the fields (what the API accepts on create and PATCH). */
export const accountSettingsPatch = settingsFields.partial().strict();
export type AccountSettingsPatch = z.output<typeof accountSettingsPatch>;

/**
 * Applies a settings patch to the current settings (defaults when there are none) and validates the
 * result. Entity types are de-duplicated and kept in catalog order.
 * @throws ValidationError naming every bad field
 */
export function resolveSettings(current: AccountSettings | undefined, patch: unknown): AccountSettings {
  const changes = parseOrThrow(accountSettingsPatch, patch ?? {});
  const merged = parseOrThrow(accountSettingsSchema, { ...(current ?? DEFAULT_SETTINGS), ...changes });
  const selected = new Set<EntityType>(merged.entityTypes);
  return { ...merged, entityTypes: ENTITY_TYPES.filter((t) => selected.has(t)) };
}

// ---------------------------------------------------------------------------------------------------
// Acumatica connection

export const AUTH_MODES = ['oauth', 'cookie'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

const connectionFields = z
  .object({
    /** Instance URL, e.g. https://erp.example.com/AcumaticaERP */
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(500),
    tenant: z.string().trim().min(1).max(100),
    /** Connected application's client id, `<GUID>@<Tenant>`; only for OAuth. */
    clientId: z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}@.+$/, {
        error: 'must have the form <GUID>@<Tenant>',
      })
      .optional(),
    restUsername: z.string().trim().min(1).max(100),
    restVersion: z.enum(SUPPORTED_REST_VERSIONS, {
      error: `must be one of: ${SUPPORTED_REST_VERSIONS.join(', ')}`,
    }),
    endpointName: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/, { error: 'must be an endpoint name such as Default' }),
    branch: z.string().trim().min(1).max(30).optional(),
    authMode: z.enum(AUTH_MODES, { error: 'must be oauth or cookie' }),
    /**
     * The licence budget this account may use (Acumatica's "API requests per minute" and "concurrent API
     * requests", minus what other integrations of the instance need); the client paces itself inside it.
     * Unset: the worker's defaults (ACUMATICA_REQUESTS_PER_MINUTE, ACUMATICA_MAX_CONCURRENT_ACTIVITIES).
     */
    requestsPerMinute: z.number().int().min(1).max(100_000).optional(),
    maxConcurrentRequests: z.number().int().min(1).max(64).optional(),
  })
  .strict();

/** The stored connection: no secrets. */
export type AcumaticaConnection = z.output<typeof connectionFields>;

const secret = z.string().min(1).max(1000);

/** Write-only secrets of a connection. */
export interface ConnectionSecrets {
  restPassword?: string;
  clientSecret?: string;
}

/** What the API accepts to set a connection: everything, secrets included (write-only). */
export const connectionInput = connectionFields
  .extend({
    restVersion: connectionFields.shape.restVersion.default(DEFAULT_REST_VERSION),
    endpointName: connectionFields.shape.endpointName.default('Default'),
    authMode: connectionFields.shape.authMode.default('oauth'),
    restPassword: secret,
    clientSecret: secret.optional(),
  })
  .strict();

/** A connection change; `clientId`/`branch` may be `null` to clear them. Secrets are replaced when given. */
export const connectionPatch = connectionFields
  .extend({
    clientId: connectionFields.shape.clientId.nullable(),
    branch: connectionFields.shape.branch.nullable(),
    requestsPerMinute: connectionFields.shape.requestsPerMinute.nullable(),
    maxConcurrentRequests: connectionFields.shape.maxConcurrentRequests.nullable(),
    restPassword: secret,
    clientSecret: secret.nullable(),
  })
  .partial()
  .strict();

/** Which secrets a stored connection already has (their values are never read to validate). */
export interface SecretPresence {
  restPassword: boolean;
  clientSecret: boolean;
}

export interface ResolvedConnection {
  connection: AcumaticaConnection;
  /** Secrets to store; a key absent here keeps the stored value, `null` deletes it. */
  secrets: { restPassword?: string; clientSecret?: string | null };
}

/**
 * Thrown when a connection change would send stored secrets somewhere they were not entered for: the
 * change must carry them again. `issues` names each secret to send.
 */
export class SecretsRequiredError extends ValidationError {}

/**
 * Where a connection's secrets go and what they sign in to: scheme, host, port and path of the URL, the
 * tenant, the auth mode and the OAuth client. A stored secret is bound to this; changing any part of it
 * needs the secrets again.
 */
export function destinationOf(connection: AcumaticaConnection): string {
  const url = new URL(connection.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return JSON.stringify([
    url.protocol,
    url.hostname.toLowerCase(),
    port,
    url.pathname.replace(/\/+$/, ''),
    connection.tenant.toLowerCase(),
    connection.authMode,
    connection.clientId?.toLowerCase() ?? null,
  ]);
}

/**
 * Validates a new connection (`current` undefined) or applies a patch to the stored one, then checks the
 * rules that span fields: OAuth needs a client id and secret, the client id's tenant must be the tenant,
 * and a password is always needed. A patch that changes the destination ({@link destinationOf}) must
 * carry every secret the connection keeps (`clientSecret: null` drops it instead).
 * @throws ValidationError naming every bad field
 * @throws SecretsRequiredError when the destination changes without the secrets
 */
export function resolveConnection(
  current: { connection: AcumaticaConnection; secrets: SecretPresence } | undefined,
  input: unknown,
): ResolvedConnection {
  let connection: AcumaticaConnection;
  let secrets: ResolvedConnection['secrets'];
  let presence: SecretPresence;
  if (!current) {
    const { restPassword, clientSecret, ...rest } = parseOrThrow(connectionInput, input);
    connection = rest;
    secrets = { restPassword, ...(clientSecret !== undefined ? { clientSecret } : {}) };
    presence = { restPassword: true, clientSecret: clientSecret !== undefined };
  } else {
    const { restPassword, clientSecret, ...changes } = parseOrThrow(connectionPatch, input);
    const merged: Record<string, unknown> = { ...current.connection };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) delete merged[key];
      else if (value !== undefined) merged[key] = value;
    }
    connection = parseOrThrow(connectionFields, merged);
    secrets = {
      ...(restPassword !== undefined ? { restPassword } : {}),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
    };
    presence = {
      restPassword: restPassword !== undefined || current.secrets.restPassword,
      clientSecret: clientSecret === undefined ? current.secrets.clientSecret : clientSecret !== null,
    };
  }
  // A trailing slash would double up when the client appends /entity/...
  connection = { ...connection, url: connection.url.replace(/\/+$/, '') };

  const issues: FieldIssue[] = [];
  if (!presence.restPassword) issues.push({ field: 'restPassword', message: 'restPassword is required' });
  if (connection.authMode === 'oauth') {
    if (!connection.clientId)
      issues.push({ field: 'clientId', message: 'clientId is required when authMode is oauth' });
    if (!presence.clientSecret)
      issues.push({ field: 'clientSecret', message: 'clientSecret is required when authMode is oauth' });
  }
  if (connection.clientId) {
    const clientTenant = connection.clientId.slice(connection.clientId.indexOf('@') + 1);
    if (clientTenant.toLowerCase() !== connection.tenant.toLowerCase()) {
      issues.push({
        field: 'clientId',
        message: `clientId must end with @${connection.tenant} (the tenant)`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  if (current && destinationOf(current.connection) !== destinationOf(connection)) {
    const missing: FieldIssue[] = [];
    const again = (field: string) => ({
      field,
      message: `${field} must be sent again: the connection's destination changed`,
    });
    if (secrets.restPassword === undefined) missing.push(again('restPassword'));
    if (secrets.clientSecret === undefined && presence.clientSecret) missing.push(again('clientSecret'));
    if (missing.length > 0) throw new SecretsRequiredError(missing);
  }
  return { connection, secrets };
}
