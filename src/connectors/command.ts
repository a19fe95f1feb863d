import { spawn } from 'node:child_process';

/**
 * A configured command carries out an action: the action as JSON on stdin, its idempotency key in
 * ABUSEDESK_IDEMPOTENCY_KEY, exit status 0 for done. Output is bounded and the process is killed
 * when it runs over its time, so a stuck script cannot hold the worker.
 */
export interface CommandTarget {
  /** Run by /bin/sh -c: it is the operator's own configuration, like a cron line. */
  command: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    message: string,
    /** Exit status 64-78 (sysexits: usage, data, config errors): running it again cannot help. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const MAX_OUTPUT = 64 * 1024;

export function runCommand(target: CommandTarget, input: unknown, idempotencyKey: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', target.command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...target.env, ABUSEDESK_IDEMPOTENCY_KEY: idempotencyKey },
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outSize = 0;
    let errSize = 0;
    child.stdout.on('data', (c: Buffer) => {
      if (outSize < MAX_OUTPUT) out.push(c);
      outSize += c.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      if (errSize < MAX_OUTPUT) err.push(c);
      errSize += c.length;
    });
    let timedOut = false;
    const timeoutMs = target.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole process group: a shell's children must not outlive it.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CommandError(`command could not start: ${e.message}`, false));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8').slice(0, MAX_OUTPUT);
      const stderr = Buffer.concat(err).toString('utf8').slice(0, MAX_OUTPUT);
      if (timedOut) return reject(new CommandError(`command ran over ${timeoutMs} ms and was killed`, false));
      if (code === 0) return resolve({ stdout, stderr });
      const tail = stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
      reject(new CommandError(`command exited with ${code ?? signal}${tail ? `: ${tail}` : ''}`, code !== null && code >= 64 && code <= 78));
    });
    child.stdin.on('error', () => {
      // The command may exit without reading its input; its exit status tells the story.
    });
    child.stdin.end(JSON.stringify(input));
  });
}
