/**
 * The worker under benchmark, run as a child process so its peak RSS is its own: the shipped
 * `createSyncWorkers` composition with one bench-only difference: every MongoDB command is counted (driver
 * command monitoring) so the bench can report writes per record.
 * It talks to the bench over the IPC channel: `ready` once polling, `counters` on request, and the CPU
 * profiler started and stopped around a run on request.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { loadConfig } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { openWorkerProcess } from '../worker/compose';
import type { MongoCounters, ParentMessage, WorkerMessage } from './ipc';

/** Commands that change data; their statement counts are what "writes" means in the results. */
const WRITE_COMMANDS: Record<string, string> = {
  insert: 'documents',
  update: 'updates',
  delete: 'deletes',
  findAndModify: '',
};

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const bundlePath = process.env.BENCH_WORKFLOW_BUNDLE;
  const logger = createLogger(config, 'bench-worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const counters: MongoCounters = { commands: {}, writes: {}, writeCommands: {}, writeStatements: 0 };
  const mongo = new MongoClient(config.MONGODB_URL, { appName: 'bench-worker', monitorCommands: true });
  mongo.on('commandStarted', (event: CommandStartedEvent) => {
    const name = event.commandName;
    counters.commands[name] = (counters.commands[name] ?? 0) + 1;
    const field = WRITE_COMMANDS[name];
    if (field === undefined) return;
    const collection = String(event.command[name] as unknown);
    const statements = field === '' ? 1 : ((event.command[field] as unknown[] | undefined)?.length ?? 0);
    counters.writes[collection] = (counters.writes[collection] ?? 0) + statements;
    counters.writeCommands[collection] = (counters.writeCommands[collection] ?? 0) + 1;
    counters.writeStatements += statements;
  });
  await mongo.connect();
  const { workers, close } = await openWorkerProcess(
    config,
    logger,
    { client: mongo, db: mongo.db(config.MONGODB_DB), close: () => mongo.close() },
    bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } } : {},
  );

  let profiler: Session | undefined;
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'counters') send({ type: 'counters', id: message.id, mongo: counters });
    else if (message.type === 'profile-start') {
      profiler = new Session();
      profiler.connect();
      void profiler
        .post('Profiler.enable')
        .then(() => profiler?.post('Profiler.start'))
        .then(() => send({ type: 'done', id: message.id }));
    } else if (message.type === 'profile-stop' && profiler) {
      const session = profiler;
      profiler = undefined;
      void session.post('Profiler.stop').then(({ profile }) => {
        mkdirSync(dirname(message.file), { recursive: true });
        writeFileSync(message.file, JSON.stringify(profile));
        session.disconnect();
        send({ type: 'done', id: message.id });
      });
    }
  });
  // The bench stops us by closing the IPC channel or with SIGTERM (the SDK's own shutdown signal).
  process.on('disconnect', () => workers.shutdown());
  const running = workers.run();
  send({ type: 'ready' });
  try {
    await running;
  } finally {
    await close();
  }
  // Everything is closed: leave now instead of waiting on the IPC channel (and `--cpu-prof` writes then).
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
