/**
 * The connection check behind "Test connection": every step is one checklist item, and a failing step
 * never throws (the checklist says what failed and why).
 */
import type { Logger } from 'pino';
import type { AcumaticaClient, VersionCheck } from '../acumatica';
import { ENTITIES } from '../core/entities';
import type { AccountRepository } from '../store/accounts';
import type { AcumaticaClientRegistry } from './client-registry';
import { messageOf } from './failures';
import { versionOf } from './versions';
import { mapperFor } from './mapping';
import type { ConnectionCheck } from './types';

export interface ConnectionCheckArgs {
  accountId: string;
  accounts: Pick<AccountRepository, 'get'>;
  clients: AcumaticaClientRegistry;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Signs in, checks the REST version, reads one record of each selected entity type, signs out; the
 * checklist has a sign-out item only when the sign-in succeeded.
 */
export async function checkConnection(args: ConnectionCheckArgs): Promise<ConnectionCheck[]> {
  const checks: ConnectionCheck[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };

  const account = await args.accounts.get(args.accountId);
  if (!account) {
    check('Account', false, `Account ${args.accountId} does not exist`);
    return checks;
  }
  let client: AcumaticaClient;
  try {
    client = await args.clients.openDedicated(args.accountId);
    check(
      'Connection settings',
      true,
      `${account.connection?.url ?? ''} (${account.connection?.authMode ?? ''})`,
    );
  } catch (err) {
    check('Connection settings', false, messageOf(err));
    return checks;
  }

  let signedIn = false;
  try {
    let version: VersionCheck;
    try {
      version = await client.checkVersion({ signal: args.signal });
      signedIn = true;
      check('Sign in', true, `signed in as ${account.connection?.restUsername ?? ''}`);
    } catch (err) {
      check('Sign in', false, messageOf(err));
      return checks;
    }
    const supported = check(
      'REST version',
      version.supported,
      version.supported
        ? `${version.endpointName}/${version.restVersion} is available${version.buildVersion ? ` (Acumatica ${version.buildVersion})` : ''}`
        : `${version.endpointName}/${version.restVersion} is not available; the instance serves ${version.availableVersions.join(', ') || 'no version of this endpoint'}`,
    );
    if (!supported) return checks;

    const restVersion = versionOf(version.restVersion);
    for (const entity of account.settings.entityTypes) {
      const def = ENTITIES[entity];
      const name = `Read ${def.label.toLowerCase()}s`;
      try {
        const query = mapperFor(entity).pullQuery?.(restVersion);
        if (query?.inquiry) {
          await client.put(query.entity, query.inquiry, { signal: args.signal });
        } else {
          await client.list(query?.entity ?? def.acumaticaEntity, { top: 1, signal: args.signal });
        }
        check(name, true, `${def.acumaticaEntity} can be read`);
      } catch (err) {
        check(name, false, messageOf(err));
      }
    }
    return checks;
  } finally {
    // Sign out frees the API seat; close() never throws. Without a session there is nothing to sign out.
    await client.close();
    if (signedIn) check('Sign out', true, 'session closed');
  }
}
