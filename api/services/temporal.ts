import { Client, Connection } from '@temporalio/client';
import type { Config } from '../../runtime/config';

/** Connects a Temporal client for the API (schedules, starting runs, visibility, history). */
export async function connectTemporal(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>,
): Promise<Client> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}
