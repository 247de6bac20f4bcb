/** Account request and response schemas, and the account view (no secrets, ever). */
import { z } from 'zod';
import {
  accountNameSchema,
  AUTH_MODES,
  accountSettingsPatch,
  accountSettingsSchema,
  connectionInput,
  connectionPatch,
} from '../../core/settings';
import { SUPPORTED_REST_VERSIONS } from '../../core/entities';
import type { Account } from '../../store';
import { timestamp } from './common';

export const createAccountBody = z
  .object({
    name: accountNameSchema,
    connection: connectionInput,
    settings: accountSettingsPatch.optional(),
  })
  .strict();

export const patchAccountBody = z
  .object({
    name: accountNameSchema.optional(),
    connection: connectionPatch.optional(),
  })
  .strict()
  .refine((b) => b.name !== undefined || b.connection !== undefined, {
    error: 'must change name or connection',
  });

export const settingsView = accountSettingsSchema.meta({ id: 'AccountSettings' });

export const connectionView = z
  .object({
    url: z.string(),
    tenant: z.string(),
    clientId: z.string().optional(),
    restUsername: z.string(),
    restVersion: z.enum(SUPPORTED_REST_VERSIONS),
    endpointName: z.string(),
    branch: z.string().optional(),
    authMode: z.enum(AUTH_MODES),
    requestsPerMinute: z.number().int().optional(),
    maxConcurrentRequests: z.number().int().optional(),
    /** Secrets are write-only: only whether they are set is shown. */
    hasRestPassword: z.boolean(),
    hasClientSecret: z.boolean(),
  })
  .strict()
  .meta({ id: 'Connection' });

export const accountView = z
  .object({
    id: z.string(),
    name: z.string(),
    settings: settingsView,
    connection: connectionView.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .strict()
  .meta({ id: 'Account' });

export type AccountView = z.infer<typeof accountView>;

/** The account as the API shows it: an explicit allow-list, so a new stored field never leaks by accident. */
export function toAccountView(account: Account): AccountView {
  const c = account.connection;
  return {
    id: account.id,
    name: account.name,
    settings: account.settings,
    connection: c
      ? {
          url: c.url,
          tenant: c.tenant,
          ...(c.clientId ? { clientId: c.clientId } : {}),
          restUsername: c.restUsername,
          restVersion: c.restVersion,
          endpointName: c.endpointName,
          ...(c.branch ? { branch: c.branch } : {}),
          authMode: c.authMode,
          ...(c.requestsPerMinute ? { requestsPerMinute: c.requestsPerMinute } : {}),
          ...(c.maxConcurrentRequests ? { maxConcurrentRequests: c.maxConcurrentRequests } : {}),
          hasRestPassword: c.hasRestPassword,
          hasClientSecret: c.hasClientSecret,
        }
      : null,
    createdAt: account.createdAt.toISOString(),
    updatedAt: account.updatedAt.toISOString(),
  };
}
