/** Reading `GET /entity`: the endpoints and the build version an instance serves. */
import { isRecord } from './error-bodies';

export interface EndpointInfo {
  name: string;
  version: string;
  href?: string;
}

export interface EndpointList {
  buildVersion: string | undefined;
  endpoints: EndpointInfo[];
}

export interface VersionCheck {
  buildVersion: string | undefined;
  endpointName: string;
  restVersion: string;
  /** True when the instance serves the configured endpoint version. */
  supported: boolean;
  /** Versions of the configured endpoint name the instance serves. */
  availableVersions: string[];
}

/**
 * The endpoint list of a `GET /entity` body, accepting both the current `{version, endpoints}` shape and
 * the older bare array; undefined when the body is neither.
 */
export function parseEndpointList(body: unknown): EndpointList | undefined {
  const rows = Array.isArray(body)
    ? body
    : isRecord(body) && Array.isArray(body.endpoints)
      ? body.endpoints
      : undefined;
  if (rows === undefined) return undefined;
  const version = isRecord(body) && isRecord(body.version) ? body.version.acumaticaBuildVersion : undefined;
  return {
    buildVersion: typeof version === 'string' ? version : undefined,
    endpoints: rows.filter(isRecord).flatMap((row) =>
      typeof row.name === 'string' && typeof row.version === 'string'
        ? [
            {
              name: row.name,
              version: row.version,
              ...(typeof row.href === 'string' ? { href: row.href } : {}),
            },
          ]
        : [],
    ),
  };
}

/** Whether the instance serves `endpointName` at `restVersion`, and the versions of it it serves. */
export function versionCheck(list: EndpointList, endpointName: string, restVersion: string): VersionCheck {
  const availableVersions = list.endpoints.filter((e) => e.name === endpointName).map((e) => e.version);
  return {
    buildVersion: list.buildVersion,
    endpointName,
    restVersion,
    supported: availableVersions.includes(restVersion),
    availableVersions,
  };
}
