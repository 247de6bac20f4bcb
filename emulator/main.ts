/**
 * Process entry:
 * `npm run emulator -- --port 8180 [--host 127.0.0.1] [--seed demo|none|postman] [--persist file.json] [--log]`.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8180' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string', default: 'demo' },
      persist: { type: 'string' },
      log: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seed = values.seed;
  if (seed !== 'demo' && seed !== 'none' && seed !== 'postman')
    throw new Error(`--seed must be demo, none or postman, got ${seed}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got ${values.port}`);
  const emu = await startEmulator({
    host: values.host,
    port,
    seed,
    persistFile: values.persist,
    logger: values.log ? { level: 'info' } : false,
  });
  console.log(`Acumatica emulator listening on ${emu.url}`);
  const stop = (): void => {
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // Bad arguments (parseArgs, --seed, --port) and a port in use read best as their message alone.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
