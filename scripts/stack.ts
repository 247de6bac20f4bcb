/**
 * The dev stack's processes: the Temporal dev server, FerretDB, and our own Node processes (emulator, worker,
 * API). Each starts with a log file and a readiness check (poll until healthy, with a deadline and the log tail
 * on failure) and stops cleanly: SIGTERM, then SIGKILL after a grace period, so no stray process is left.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { MongoClient } from 'mongodb';
import { searchAttributeCliFlags } from '../core/search-attributes';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

export class StackError extends Error {}

function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Spawns a process with stdout and stderr appended to its log file. */
export function spawnLogged(
  name: string,
  cmd: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): ManagedProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  return {
    name,
    child,
    logFile,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitPromise;
      clearTimeout(killTimer);
    },
  };
}

/** Polls `check` until it returns true; fails with the log tail if the deadline passes or the process dies. */
export async function waitReady(
  proc: ManagedProcess,
  check: () => Promise<boolean>,
  deadlineMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (proc.child.exitCode !== null) {
      throw new StackError(
        `${proc.name} exited with code ${proc.child.exitCode} before it was ready. Log tail (${proc.logFile}):\n${tail(proc.logFile)}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new StackError(
        `${proc.name} was not ready after ${deadlineMs / 1000}s. Log tail (${proc.logFile}):\n${tail(proc.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

export interface TemporalOptions {
  binary: string;
  port: number;
  /** Web UI port, or null for a headless server. */
  uiPort: number | null;
  /** SQLite file for persistence, or null for in-memory. */
  dbFile: string | null;
  metricsPort?: number;
  logFile: string;
  extraArgs?: string[];
}

export async function startTemporal(opts: TemporalOptions): Promise<ManagedProcess> {
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--log-level',
    'warn',
    ...(opts.uiPort === null ? ['--headless'] : ['--ui-port', String(opts.uiPort)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(opts.metricsPort ? ['--metrics-port', String(opts.metricsPort)] : []),
    ...searchAttributeCliFlags(),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawnLogged('temporal', opts.binary, args, opts.logFile);
  await waitReady(
    proc,
    async () => {
      const res = spawnSync(
        opts.binary,
        ['operator', 'cluster', 'health', '--address', `127.0.0.1:${opts.port}`],
        { encoding: 'utf8', timeout: 5_000 },
      );
      return res.status === 0 && res.stdout.includes('SERVING');
    },
    90_000,
  );
  return proc;
}

export interface FerretOptions {
  binary: string;
  port: number;
  dataDir: string;
  logFile: string;
}

export async function startFerretDB(opts: FerretOptions): Promise<ManagedProcess> {
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${opts.dataDir}/`,
    `--listen-addr=127.0.0.1:${opts.port}`,
    '--telemetry=disable',
    '--state-dir=-',
    process.env.FSAC_FERRETDB_DEBUG_ADDR
      ? `--debug-addr=${process.env.FSAC_FERRETDB_DEBUG_ADDR}`
      : '--debug-addr=-',
    '--log-level=warn',
  ];
  const proc = spawnLogged('ferretdb', opts.binary, args, opts.logFile, {
    ...process.env,
    DO_NOT_TRACK: '1',
  });
  await waitReady(proc, async () => {
    const client = new MongoClient(mongoUrl(opts.port), { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.db('admin').command({ ping: 1 });
      return true;
    } finally {
      await client.close();
    }
  });
  return proc;
}

export function mongoUrl(port: number): string {
  return `mongodb://127.0.0.1:${port}/?directConnection=true`;
}

/** Polls an HTTP URL until it answers with a status below 500. */
export async function httpReady(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return res.status < 500;
}

/** Ordered start, reverse-ordered stop; stops everything on SIGINT/SIGTERM or an uncaught error. */
export class Stack {
  private readonly procs: ManagedProcess[] = [];
  private stopping: Promise<void> | null = null;

  add(proc: ManagedProcess): ManagedProcess {
    this.procs.push(proc);
    return proc;
  }

  /**
   * Adds a process that is started again whenever it dies while the stack runs, saying so on the console
   * (with a growing delay; after 5 deaths within 5 minutes it is left down, with its log named).
   */
  supervise(start: () => ManagedProcess, say: (line: string) => void = console.log): ManagedProcess {
    let current = start();
    let deaths: number[] = [];
    const watch = (proc: ManagedProcess) => {
      proc.child.once('exit', (code, signal) => {
        if (this.stopping) return;
        const now = Date.now();
        deaths = [...deaths.filter((t) => now - t < 300_000), now];
        const how = signal ? `was killed (${signal})` : `exited with code ${String(code)}`;
        if (deaths.length > 5) {
          say(
            `${proc.name} ${how} ${deaths.length} times in 5 minutes; leaving it down (log: ${proc.logFile})`,
          );
          return;
        }
        const delayMs = 1_000 * 2 ** (deaths.length - 1);
        say(`${proc.name} ${how}; restarting it in ${delayMs / 1000} s (log: ${proc.logFile})`);
        setTimeout(() => {
          if (this.stopping) return;
          current = start();
          watch(current);
          say(`${current.name} restarted`);
        }, delayMs);
      });
    };
    watch(current);
    const handle: ManagedProcess = {
      name: current.name,
      get child() {
        return current.child;
      },
      get logFile() {
        return current.logFile;
      },
      stop: () => current.stop(),
    };
    return this.add(handle);
  }

  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const proc of [...this.procs].reverse()) await proc.stop();
    })();
    return this.stopping;
  }

  /** Stops the stack on Ctrl-C / SIGTERM, then exits with `code`. */
  stopOnSignals(code = 0): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.log(`\n${signal}: stopping the stack...`);
        void this.stopAll().then(() => process.exit(code));
      });
    }
  }
}
