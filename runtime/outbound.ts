/**
 * The outbound policy: where an account's Acumatica URL may point. Process-level (built from the
 * configuration) and shared by the API, which checks a connection when it is saved, and the Acumatica
 * transport, which checks again on every connect, on the address the name resolved to (a name that was
 * public when saved may resolve to an internal address later: DNS rebinding).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export interface OutboundPolicy {
  /** `http://` URLs are allowed (development); otherwise only `https://`, except on `allowHosts`. */
  allowHttp: boolean;
  /** Loopback addresses are allowed (development: the emulator). */
  allowLoopback: boolean;
  /** Host names (lower case) an operator allows whatever their scheme and address (on-premises ERPs). */
  allowHosts: readonly string[];
  /** Private ranges (CIDR) an operator allows, e.g. `10.20.0.0/16`. */
  allowRanges: readonly string[];
}

/** The policy for the configuration: strict in production, loopback and http allowed elsewhere. */
export function outboundPolicy(config: {
  NODE_ENV: string;
  OUTBOUND_ALLOW_HOSTS: readonly string[];
  OUTBOUND_ALLOW_RANGES: readonly string[];
}): OutboundPolicy {
  const development = config.NODE_ENV !== 'production';
  return {
    allowHttp: development,
    allowLoopback: development,
    allowHosts: config.OUTBOUND_ALLOW_HOSTS.map((h) => h.toLowerCase()),
    allowRanges: config.OUTBOUND_ALLOW_RANGES,
  };
}

/** Development's policy: http and loopback allowed (the emulator), nothing else private. */
export const DEVELOPMENT_OUTBOUND: OutboundPolicy = outboundPolicy({
  NODE_ENV: 'development',
  OUTBOUND_ALLOW_HOSTS: [],
  OUTBOUND_ALLOW_RANGES: [],
});

/** A destination the policy refuses. `code` lets transport errors be told apart from network failures. */
export class OutboundPolicyError extends Error {
  override readonly name = 'OutboundPolicyError';
  readonly code = 'ERR_OUTBOUND_POLICY';
}

/** Ranges that are not the public internet (RFC 6890 and friends). */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`), else the address itself. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

function inRanges(address: string, ranges: readonly string[]): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  for (const range of ranges) {
    const [net = '', prefix = ''] = range.split('/');
    const netFamily = isIP(net) === 6 ? 'ipv6' : 'ipv4';
    if (netFamily === family) list.addSubnet(net, Number(prefix), netFamily);
  }
  return list.check(address, family);
}

/** Why `address` (what `host` resolved to) is refused, or undefined when it is allowed. */
export function addressProblem(host: string, address: string, policy: OutboundPolicy): string | undefined {
  if (policy.allowHosts.includes(host.toLowerCase())) return undefined;
  const ip = unmapped(address);
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (isIP(ip) === 0) return `${host} did not resolve to an IP address`;
  if (LOOPBACK.check(ip, family)) {
    return policy.allowLoopback ? undefined : `${host} is a loopback address, not a public one`;
  }
  if (!NON_PUBLIC.check(ip, family) || inRanges(ip, policy.allowRanges)) return undefined;
  return `${host} resolves to ${ip}, which is not a public address (an operator may allow it with OUTBOUND_ALLOW_HOSTS or OUTBOUND_ALLOW_RANGES)`;
}

/** Why the URL's scheme or literal address is refused, or undefined. Needs no DNS. */
export function urlProblem(url: string, policy: OutboundPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const allowedHost = policy.allowHosts.includes(host.toLowerCase());
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && (policy.allowHttp || allowedHost))) {
    return 'must be an https URL (an operator may allow http for a host with OUTBOUND_ALLOW_HOSTS)';
  }
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  return isIP(host) === 0 ? undefined : addressProblem(host, host, policy);
}

type Resolve = (host: string) => Promise<readonly { address: string }[]>;

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/**
 * Checks a URL when a connection is saved: its scheme, and every address its host resolves to now. A
 * name that does not resolve is refused (it cannot be checked).
 * @returns why it is refused, or undefined
 */
export async function destinationProblem(
  url: string,
  policy: OutboundPolicy,
  resolve: Resolve = resolveAll,
): Promise<string | undefined> {
  const problem = urlProblem(url, policy);
  if (problem !== undefined) return problem;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 || policy.allowHosts.includes(host.toLowerCase())) return undefined;
  let addresses: readonly { address: string }[];
  try {
    addresses = await resolve(host);
  } catch {
    return `${host} does not resolve`;
  }
  for (const { address } of addresses) {
    const refused = addressProblem(host, address, policy);
    if (refused !== undefined) return refused;
  }
  return undefined;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for sockets that refuses any resolved address the policy forbids: the connect-time check
 * on the address actually dialled. (Sockets to a literal IP skip lookup; `urlProblem` covers those.)
 */
export function policyLookup(policy: OutboundPolicy) {
  return (host: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(host, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const refused = addressProblem(host, address, policy);
        if (refused !== undefined) return callback(new OutboundPolicyError(refused), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${host} does not resolve`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
