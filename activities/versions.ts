/** The REST version a run uses, checked against the versions the connector supports. */
import { SUPPORTED_REST_VERSIONS, type RestVersion } from '../core/entities';
import { AccountConfigError } from './client-registry';

/**
 * The run's REST version, checked.
 * @throws AccountConfigError for a version the connector does not support (an account misconfiguration)
 */
export function versionOf(restVersion: string): RestVersion {
  if ((SUPPORTED_REST_VERSIONS as readonly string[]).includes(restVersion)) return restVersion as RestVersion;
  throw new AccountConfigError(
    `REST version ${restVersion || '(none)'} is not supported; use one of ${SUPPORTED_REST_VERSIONS.join(', ')}`,
  );
}
