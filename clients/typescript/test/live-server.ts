// The packaged server (impl/target/portal-token-server.jar) run the way a user runs it: `serve` on a
// free port over the embedded PostgreSQL in a fresh data directory, administered with the jar's CLI
// on the same directory while it runs. Nothing is mocked.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file runs as clients/typescript/target/js/test/live-server.js.
export const JAR = fileURLToPath(new URL('../../../../../impl/target/portal-token-server.jar', import.meta.url));
/**
 * The jar's stderr (its log stream) of every server and CLI run is kept here, and every secret
 * the suite meets is noted in RUNTIME_SECRETS, for the Java build's log scan (security.LogScanIT,
 * which reads both directories: it must run after this suite).
 */
export const SERVER_LOGS = fileURLToPath(new URL('../../server-logs/', import.meta.url));
const RUNTIME_SECRETS = fileURLToPath(new URL('../../runtime-secrets/', import.meta.url));
let sequence = 0;

function logFile(what: string): string {
  mkdirSync(SERVER_LOGS, { recursive: true });
  sequence++;
  return join(SERVER_LOGS, `ts-${process.pid}-${String(sequence).padStart(3, '0')}-${what.replace(/[^A-Za-z0-9-]/g, '_')}.stderr.log`);
}

/**
 * Notes a secret for the log scan in the format of the Java tests' support/RuntimeSecrets: kind,
 * length, first 6 characters and SHA-256 (never the whole secret).
 */
export function recordSecret(kind: string, value: string): void {
  if (value.length < 16) {
    return;
  }
  mkdirSync(RUNTIME_SECRETS, { recursive: true });
  const sha256 = createHash('sha256').update(value, 'utf8').digest('hex');
  appendFileSync(join(RUNTIME_SECRETS, `ts-${process.pid}.tsv`), `${kind}\t${value.length}\t${value.slice(0, 6)}\t${sha256}\n`);
}

/** Notes the secret part of every API, admin and portal key in `text`. */
function recordApiKeysIn(text: string): void {
  for (const match of text.matchAll(/pt_(?:live|admin|portal)_([A-Za-z0-9]{43})\//g)) {
    recordSecret('API key secret', match[1]!);
  }
}

/** Notes a base64 key encryption key in each encoding it could be printed in. */
function recordKeyEncryptionKey(base64: string): void {
  const bytes = Buffer.from(base64.trim(), 'base64');
  recordSecret('key encryption key', base64.trim());
  recordSecret('key encryption key (base64url)', bytes.toString('base64url'));
  recordSecret('key encryption key (base64)', bytes.toString('base64').replace(/=+$/, ''));
  recordSecret('key encryption key (hex)', bytes.toString('hex'));
  recordSecret('key encryption key (HEX)', bytes.toString('hex').toUpperCase());
}

const JAVA = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
const LISTENING = /listening on (http:\/\/\S+?)\/?\s/;

/** The environment for the jar: this machine's, less settings that would change what is tested. */
function environment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (/^(DATABASE_|PORTAL_|PORT$|HOST$|DATA_DIR$)/.test(name) && !(name in extra)) {
      delete env[name];
    }
  }
  return env;
}

export class LiveServer {
  private constructor(
    /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
    readonly baseUrl: string,
    private readonly process: ChildProcess,
    private readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly output: string[],
    /** The file the server's stderr is kept in. */
    readonly logPath: string,
  ) {}

  static async start(extraEnv: Record<string, string>): Promise<LiveServer> {
    if (!existsSync(JAR)) {
      throw new Error(`${JAR} is missing: run \`mvn -B verify\` at the repository root first`);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'portal-token-ts-'));
    const env = environment(extraEnv);
    const child = spawn(JAVA, ['-jar', JAR, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
      { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const log = createWriteStream(logFile('serve'));
    // Should this test process die without stopping the server, take the server with it.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not start within 3 minutes:\n${output.join('')}`));
      }, 180_000);
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        output.push(chunk);
        const match = LISTENING.exec(output.join(''));
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        output.push(chunk);
        log.write(chunk);
      });
      child.once('exit', () => log.end());
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before listening:\n${output.join('')}`));
      });
    });
    return new LiveServer(baseUrl, child, dataDir, env, output, log.path.toString());
  }

  /**
   * Runs an admin CLI command on the server's data directory and returns the last line it printed
   * (a key, a customer id). On failure only stderr is reported: stdout may hold a key.
   */
  cli(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(JAVA, ['-jar', JAR, ...args, '--data-dir', this.dataDir], { env: this.env, timeout: 120_000 },
        (error, stdout, stderr) => {
          writeFileSync(logFile(args.slice(0, 2).join('-')), stderr);
          recordApiKeysIn(stdout);
          if (error) {
            reject(new Error(`CLI ${args.slice(0, 2).join(' ')} failed (${error.code ?? error.signal}):\n${stderr}`));
          } else {
            resolve(stdout.trim().split('\n').at(-1)!.trim());
          }
        });
    });
  }

  /** Stops the server with SIGTERM, waits for it, removes its data and returns its exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.process.exitCode !== null) {
        resolve(this.process.exitCode);
      } else {
        this.process.once('exit', (code) => resolve(code));
      }
    });
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 60_000);
    const code = await exited;
    clearTimeout(timer);
    recordApiKeysIn(this.output.join(''));
    const kek = join(this.dataDir, 'key-encryption-key');
    if (existsSync(kek)) {
      recordKeyEncryptionKey(readFileSync(kek, 'utf8'));
    }
    await rm(this.dataDir, { recursive: true, force: true });
    return code;
  }

  /**
   * Writes a made-up secret into this server's log file and notes it, so that the log scan, which
   * must report it, shows it reads this suite's logs and secrets.
   */
  logCanary(): void {
    const canary = randomBytes(32).toString('base64url');
    recordSecret('canary', canary);
    appendFileSync(this.logPath, `canary for the log scan: ${canary}\n`);
  }

  /** What the server printed (its logs carry no secrets), for failure messages. */
  log(): string {
    return this.output.join('');
  }
}
