import { z } from 'zod';

/**
 * The one environment schema for the worker, the API and the dev stack. Every key has an embedded default
 * good for `npm start` on a laptop; production refuses the development secrets (see `loadConfig`).
 * This module is pure: entry points pass `process.env` in.
 */

/** Development-only secrets, embedded so `npm start` works on a fresh clone. Refused in production. */
export const DEV_MASTER_KEY = 'ZGV2LW9ubHktbWFzdGVyLWtleS0zMi1ieXRlcyEhISE='; // 32 bytes, base64
export const DEV_ADMIN_API_KEY = 'dev-admin-key';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** A comma-separated list; empty entries are dropped. */
const list = (item: z.ZodString) =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .pipe(z.array(item));
const CIDR =
  /^(\d{1,3}(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(\d{1,2}|1[01]\d|12[0-8]))$/;

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('fsac-sync'),
    TEMPORAL_ACUMATICA_TASK_QUEUE: z.string().min(1).default('fsac-acumatica'),

    MONGODB_URL: z.string().startsWith('mongodb').default('mongodb://127.0.0.1:27017/?directConnection=true'),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, 'must be letters, digits, _ or -, starting with a letter')
      .default('fsac'),

    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    API_BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
    ADMIN_API_KEY: z.string().min(12, 'must be at least 12 characters').default(DEV_ADMIN_API_KEY),
    MASTER_KEY: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .default(DEV_MASTER_KEY),

    /** Where the worker serves Prometheus metrics: loopback unless a deployment opens it (compose). */
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    WORKER_METRICS_PORT: port.default(9464),
    /** Activities per second over the Acumatica task queue, enforced by the Temporal server for all workers. */
    ACUMATICA_ACTIVITIES_PER_SECOND: z.coerce.number().positive().default(20),
    ACUMATICA_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(8),
    /**
     * One account's share of those activity slots: a slow, hung or throttled ERP holds at most this many,
     * the rest stay free for other accounts.
     */
    ACUMATICA_MAX_ACTIVITIES_PER_ACCOUNT: positiveInt.default(4),
    /** Default licence budget of one account (its connection may set its own): requests per minute... */
    ACUMATICA_REQUESTS_PER_MINUTE: positiveInt.default(90),
    /** ...and requests in flight at once. */
    ACUMATICA_MAX_CONCURRENT_REQUESTS: positiveInt.default(4),
    /** History length at which an entity child continues as new. */
    SYNC_CONTINUE_AS_NEW_EVENTS: positiveInt.default(2000),
    SYNC_PAGE_SIZE: positiveInt.max(1000).default(500),
    /**
     * How long one page may keep failing (every retry included) before the run ends as failed with
     * "Acumatica unreachable": an ERP that is down or refuses connections does not keep a run for hours.
     */
    SYNC_UNREACHABLE_TIMEOUT_SECONDS: positiveInt.default(3600),

    /**
     * Outbound policy (production): host names allowed whatever their scheme and address, and private
     * address ranges allowed, for on-premises ERPs. Development always allows loopback and http.
     */
    OUTBOUND_ALLOW_HOSTS: list(z.string().regex(/^[A-Za-z0-9.-]+$/, 'must be host names, comma-separated')),
    OUTBOUND_ALLOW_RANGES: list(
      z.string().regex(CIDR, 'must be CIDR ranges such as 10.0.0.0/8, comma-separated'),
    ),
    /** Shortest time between two connection checks of one account (per API process); 429 before. */
    CONNECTION_CHECK_INTERVAL_SECONDS: positiveInt.default(20),
    /**
     * Longest an activity waits for its account's licence limiter (after a 429 back-off, say); past it the
     * activity gives its slot back and is retried when the budget allows.
     */
    ACUMATICA_MAX_PACING_WAIT_MS: positiveInt.default(15_000),
    /** TCP/TLS connect timeout of Acumatica requests. */
    ACUMATICA_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
    /**
     * Longest wait for a response's headers, and for the next chunk of its body. Long Acumatica work runs
     * as actions polled in short requests; a hung ERP costs at most this per try. Kept under the page
     * activities' 2-minute heartbeat timeout, so a hung attempt ends here rather than being abandoned.
     */
    ACUMATICA_RESPONSE_TIMEOUT_MS: positiveInt.default(90_000),

    EMULATOR_PORT: port.default(8180),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Keys of the environment schema, for `.env.example` and docker-compose checks. */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment once and freezes it. Unknown keys are ignored (the process environment holds
 * many); every bad key is reported by name in one error.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const picked: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production') {
    const problems = [masterKeyProblem(config.MASTER_KEY), adminKeyProblem(config.ADMIN_API_KEY)].filter(
      (p): p is string => p !== undefined,
    );
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return Object.freeze(config);
}

/** Shortest admin key production accepts, and the least entropy it must carry (estimated, in bits). */
const ADMIN_KEY_MIN_LENGTH = 24;
const ADMIN_KEY_MIN_BITS = 90;

/**
 * Production's check of the master key, by value: the decoded bytes (so the development key with or
 * without its padding, or in another base64 spelling, is still the development key) and how varied they
 * are (a key of one repeated byte is not a key).
 */
function masterKeyProblem(value: string): string | undefined {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.equals(Buffer.from(DEV_MASTER_KEY, 'base64')))
    return 'MASTER_KEY: the development key is refused in production';
  if (new Set(bytes).size < 16)
    return 'MASTER_KEY: too few distinct bytes for a random key; generate one with: openssl rand -base64 32';
  return undefined;
}

/** Production's check of the admin key: not the development key, long, and not predictable. */
function adminKeyProblem(value: string): string | undefined {
  if (value.toLowerCase().includes(DEV_ADMIN_API_KEY))
    return 'ADMIN_API_KEY: the development key is refused in production';
  if (value.length < ADMIN_KEY_MIN_LENGTH || entropyBits(value) < ADMIN_KEY_MIN_BITS) {
    return `ADMIN_API_KEY: too weak for production (at least ${ADMIN_KEY_MIN_LENGTH} characters and about ${ADMIN_KEY_MIN_BITS} bits of randomness); generate one with: openssl rand -hex 24`;
  }
  return undefined;
}

/** Shannon entropy of the string's characters times its length: a rough ceiling on its randomness. */
function entropyBits(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * value.length;
}
