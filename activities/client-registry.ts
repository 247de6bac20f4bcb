/**
 * One Acumatica client per account per worker process: one keep-alive pool and one signed-in session
 * reused by every activity of the account, paced by one limiter shared by all of them. Secrets are
 * decrypted here, inside the worker, and never leave it (not in activity inputs, results or logs).
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { AcumaticaClient, LimiterRegistry, type LimiterSettings } from '../acumatica';
import type { AuthSettings, ConnectionSettings } from '../acumatica';
import { urlProblem, type OutboundPolicy } from '../runtime/outbound';
import type { AccountRepository, ConnectionWithSecrets } from '../store/accounts';
import type { SecretBox } from '../store/secrets';

/** Why no client can be built for an account: the run cannot proceed until someone fixes the account. */
export class AccountConfigError extends Error {
  override readonly name = 'AccountConfigError';
}

/** Raised when the account itself is gone. */
export class AccountMissingError extends Error {
  override readonly name = 'AccountMissingError';
}

export interface ClientRegistryOptions {
  accounts: Pick<AccountRepository, 'getConnectionWithSecrets' | 'get'>;
  box: SecretBox;
  logger: Logger;
  /**
   * Default client-side pacing per account (shared by all of the account's requests in this process);
   * an account's connection may set its own licence budget.
   */
  limits: LimiterSettings;
  /** Where accounts' URLs may point; checked before every client is built and on every connect. */
  outbound: OutboundPolicy;
  /** Wait for a response's headers and for each chunk of its body (default: the client's). */
  timeoutMs?: number;
  /** TCP/TLS connect timeout (default: the transport's, 10 s). */
  connectTimeoutMs?: number;
  /**
   * Longest wait for the account's own licence limiter inside an activity; past it the request fails as
   * throttled and the activity gives its slot back (default: always wait).
   */
  maxPacingWaitMs?: number;
}

interface Entry {
  fingerprint: string;
  /** The stored connection's version the client was built from. */
  version: string;
  client: AcumaticaClient;
}

interface Loaded {
  settings: ConnectionSettings;
  limits: LimiterSettings;
  version: string;
}

/** Builds, caches and closes the Acumatica clients of the accounts this worker serves. */
export class AcumaticaClientRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<AcumaticaClient>>();
  private readonly limiters = new LimiterRegistry();
  private closed = false;

  constructor(private readonly options: ClientRegistryOptions) {}

  /**
   * The account's client, built from its stored connection and decrypted secrets. A changed connection
   * or secret (compared by fingerprint on every call) signs the old session out and builds a new client.
   * With `connectionVersion` (the version a run started with, see `AccountRepository.connectionVersion`)
   * a connection edited since is refused: a run uses the connection as it was when it started.
   * @throws AccountMissingError when the account does not exist; AccountConfigError when it has no usable
   *   connection, its secrets cannot be decrypted, or it changed since `connectionVersion`
   */
  async get(accountId: string, connectionVersion?: string): Promise<AcumaticaClient> {
    if (this.closed) throw new Error('the Acumatica client registry is closed');
    let build = this.building.get(accountId);
    if (!build) {
      build = this.resolve(accountId).finally(() => this.building.delete(accountId));
      this.building.set(accountId, build);
    }
    const client = await build;
    if (connectionVersion !== undefined && this.entries.get(accountId)?.version !== connectionVersion) {
      throw new AccountConfigError(
        `The Acumatica connection of account ${accountId} was changed after this run started; the run stops here and the next run uses the new connection`,
      );
    }
    return client;
  }

  /** Signs out and forgets an account's client (e.g. after its connection was found broken). */
  async evict(accountId: string): Promise<void> {
    const entry = this.entries.get(accountId);
    this.entries.delete(accountId);
    await entry?.client.close();
  }

  /** Signs every session out and closes the pools; called once on worker shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.building.values()]);
    const clients = [...this.entries.values()].map((e) => e.client);
    this.entries.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }

  /**
   * A client of its own for one short task (the connection check), not shared and not cached: the
   * caller closes it (signing out) without disturbing the shared session of running syncs.
   * @throws AccountMissingError, AccountConfigError as {@link get}
   */
  async openDedicated(accountId: string): Promise<AcumaticaClient> {
    return this.build(accountId, await this.load(accountId));
  }

  private async resolve(accountId: string): Promise<AcumaticaClient> {
    const loaded = await this.load(accountId);
    const fingerprint = fingerprintOf(loaded);
    const existing = this.entries.get(accountId);
    if (existing?.fingerprint === fingerprint) return existing.client;
    if (existing) {
      this.entries.delete(accountId);
      // The old session is signed out in the background; requests still running on it finish first.
      void existing.client.close();
    }
    const client = this.build(accountId, loaded);
    this.entries.set(accountId, { fingerprint, version: loaded.version, client });
    return client;
  }

  private async load(accountId: string): Promise<Loaded> {
    let stored: ConnectionWithSecrets | null;
    try {
      stored = await this.options.accounts.getConnectionWithSecrets(accountId, this.options.box);
    } catch (err) {
      if (err instanceof Error && err.name === 'SecretDecryptionError') {
        throw new AccountConfigError(
          `The Acumatica secrets of account ${accountId} cannot be decrypted with this worker's master key`,
        );
      }
      throw err;
    }
    if (!stored) {
      if (!(await this.options.accounts.get(accountId)))
        throw new AccountMissingError(`Account ${accountId} does not exist`);
      throw new AccountConfigError(`Account ${accountId} has no Acumatica connection`);
    }
    const refused = urlProblem(stored.connection.url, this.options.outbound);
    if (refused !== undefined) {
      throw new AccountConfigError(`The Acumatica URL of account ${accountId} is refused: it ${refused}`);
    }
    const { requestsPerMinute, maxConcurrentRequests } = stored.connection;
    return {
      version: stored.version,
      settings: connectionSettings(accountId, stored),
      limits: {
        ...this.options.limits,
        ...(requestsPerMinute ? { requestsPerMinute } : {}),
        ...(maxConcurrentRequests ? { maxConcurrent: maxConcurrentRequests } : {}),
      },
    };
  }

  private build(
    accountId: string,
    { settings, limits }: Pick<Loaded, 'settings' | 'limits'>,
  ): AcumaticaClient {
    return new AcumaticaClient(settings, {
      logger: this.options.logger.child({ accountId }),
      limiter: this.limiters.get(accountId, limits),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.maxPacingWaitMs !== undefined
        ? { maxPacingWaitMs: this.options.maxPacingWaitMs }
        : {}),
      pool: {
        outbound: this.options.outbound,
        ...(this.options.connectTimeoutMs !== undefined
          ? { connectTimeoutMs: this.options.connectTimeoutMs }
          : {}),
      },
    });
  }
}

function connectionSettings(accountId: string, stored: ConnectionWithSecrets): ConnectionSettings {
  const { connection, secrets } = stored;
  if (!secrets.restPassword) throw new AccountConfigError(`Account ${accountId} has no Acumatica password`);
  let auth: AuthSettings;
  if (connection.authMode === 'oauth') {
    if (!connection.clientId || !secrets.clientSecret) {
      throw new AccountConfigError(`Account ${accountId} uses OAuth but has no client id or client secret`);
    }
    auth = {
      kind: 'oauth',
      clientId: connection.clientId,
      clientSecret: secrets.clientSecret,
      username: connection.restUsername,
      password: secrets.restPassword,
    };
  } else {
    auth = {
      kind: 'cookie',
      username: connection.restUsername,
      password: secrets.restPassword,
      ...(connection.branch ? { branch: connection.branch } : {}),
    };
  }
  return {
    baseUrl: connection.url,
    tenant: connection.tenant,
    endpointName: connection.endpointName,
    restVersion: connection.restVersion,
    auth,
  };
}

/** A digest of everything a client is built from; secrets only ever enter the hash, never a string we keep. */
function fingerprintOf(loaded: Loaded): string {
  return createHash('sha256').update(JSON.stringify(loaded)).digest('hex');
}
