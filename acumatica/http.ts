/**
 * The one place that speaks HTTP: a keep-alive undici Pool for the instance's origin. It returns
 * every response (any status) with its body read, and turns transport failures into classified
 * retryable errors. Cancellation passes straight through as the signal's reason.
 */
import { Pool } from 'undici';
import { classifyNetworkError, type FailureContext } from './classify';
import { OutboundPolicyError, policyLookup, type OutboundPolicy } from '../runtime/outbound';

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path plus query string, already encoded, starting with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface PoolOptions {
  /** Sockets kept to the instance (default 8; the limiter bounds concurrency anyway). */
  connections?: number;
  /** Idle keep-alive time of a socket (default 30 s; undici lowers it to the server's hint). */
  keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** Refuse to connect to addresses this policy forbids, checked on the resolved address of every connect. */
  outbound?: OutboundPolicy;
}

/** Keep-alive HTTP to one Acumatica origin. */
export class HttpTransport {
  private readonly pool: Pool;

  constructor(origin: string, timeoutMs: number, options: PoolOptions = {}) {
    this.pool = new Pool(origin, {
      connections: options.connections ?? 8,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      ...(options.outbound ? { connect: { lookup: policyLookup(options.outbound) } } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /**
   * Sends one request and reads the whole body. Throws `AcumaticaRetryableError` on network
   * failures and timeouts, `OutboundPolicyError` when the host resolved to a forbidden address, or the
   * signal's reason when aborted.
   */
  async send(request: HttpRequest, ctx: FailureContext): Promise<HttpResponse> {
    try {
      const res = await this.pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
      });
      const body = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      if (request.signal?.aborted) throw request.signal.reason;
      const refused = policyRefusal(err);
      if (refused) throw refused;
      throw classifyNetworkError(err, ctx);
    }
  }

  /** Waits for in-flight requests, then closes every socket. */
  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** The policy refusal behind a transport error, if that is what it is. */
function policyRefusal(err: unknown): OutboundPolicyError | undefined {
  let node: unknown = err;
  for (let depth = 0; node instanceof Error && depth < 4; depth++) {
    if (node instanceof OutboundPolicyError) return node;
    node = node.cause;
  }
  return undefined;
}
