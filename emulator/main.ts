/**
 * Process entry: `npm run emulator -- --port 8180 [--host 127.0.0.1] [--seed demo|none] [--persist file.json]`.
 */
import { startEmulator } from './index';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const seed = arg('seed') ?? 'demo';
  if (seed !== 'demo' && seed !== 'none' && seed !== 'postman')
    throw new Error(`--seed must be demo, none or postman, got ${seed}`);
  const emu = await startEmulator({
    host: arg('host') ?? '127.0.0.1',
    port: Number(arg('port') ?? 8180),
    seed,
    persistFile: arg('persist'),
    logger: process.argv.includes('--log') ? { level: 'info' } : false,
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
  console.error(err);
  process.exit(1);
});
