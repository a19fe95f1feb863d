import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One report read from disk: a file, or one message of an mbox. */
export interface FileReport {
  /** The path, with `#n` appended for the n-th message of an mbox. */
  name: string;
  filename: string;
  bytes: Buffer;
}

/** A Maildir folder: `cur`, `new` and `tmp` side by side. */
export function isMaildir(dir: string): boolean {
  return ['cur', 'new', 'tmp'].every((d) => {
    try {
      return statSync(join(dir, d)).isDirectory();
    } catch {
      return false;
    }
  });
}

/** Splits command-line paths into those that exist and those that do not, so one typo does not stop a whole run. */
export function partitionPaths(paths: string[]): { found: string[]; missing: string[] } {
  return { found: paths.filter((p) => existsSync(p)), missing: paths.filter((p) => !existsSync(p)) };
}

/**
 * Every file under the given paths (directories recursively, hidden entries skipped), sorted for a
 * stable order. A Maildir gives the messages in `cur` and `new`; `tmp` holds deliveries still
 * being written, never complete messages.
 */
export function listFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      const maildir = isMaildir(p);
      for (const name of readdirSync(p).sort()) {
        if (name.startsWith('.') || (maildir && name === 'tmp')) continue;
        walk(join(p, name));
      }
    } else if (st.isFile()) out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

const MBOX_FROM = /^From \S+.*\r?\n/;

/** Is this an mbox: messages each introduced by a `From ` line? */
export function isMbox(bytes: Buffer): boolean {
  return MBOX_FROM.test(bytes.subarray(0, 1024).toString('latin1'));
}

/** Splits an mbox into its messages, undoing `>From ` quoting (mboxrd). */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  const starts: number[] = [];
  const re = /^From \S+.*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index === 0 || text[m.index - 1] === '\n') starts.push(m.index);
  return starts.map((s, i) => {
    const chunk = text.slice(text.indexOf('\n', s) + 1, starts[i + 1] ?? text.length);
    return Buffer.from(chunk.replace(/^>(>*From )/gm, '$1'), 'latin1');
  });
}

/** Reads a file as one or more reports (an mbox gives one per message). */
export function readReports(path: string): FileReport[] {
  const bytes = readFileSync(path);
  if (isMbox(bytes)) {
    const messages = splitMbox(bytes);
    // A single message saved with its mbox `From ` line is still just that file.
    if (messages.length === 1) return [{ name: path, filename: basename(path), bytes: messages[0] }];
    return messages.map((b, i) => ({ name: `${path}#${i + 1}`, filename: basename(path), bytes: b }));
  }
  return [{ name: path, filename: basename(path), bytes }];
}
