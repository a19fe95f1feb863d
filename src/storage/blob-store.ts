import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredBlob {
  sha256: string;
  size: number;
}

/**
 * Raw reports too big for memory or a database row, kept as files named by their SHA-256 under
 * `<dataDir>/blobs`. A file under its final name is always complete: it is written under a temp
 * name while hashing, flushed to disk, then renamed (and the rename flushed), so a crash leaves at
 * worst a stray temp file, never a truncated blob. The same bytes twice are the same file.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  async put(source: AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${process.pid}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const file = await open(tmp, 'wx');
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        for (let off = 0; off < chunk.length; ) off += (await file.write(chunk, off)).bytesWritten;
      }
      await file.sync();
    } catch (err) {
      await file.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await file.close();
    const sha256 = hash.digest('hex');
    await rename(tmp, this.path(sha256));
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return { sha256, size };
  }

  path(sha256: string): string {
    // The name comes from a database row: only a hash may ever become a path.
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a blob name: ${sha256.slice(0, 80)}`);
    return join(this.dir, sha256);
  }

  open(sha256: string): Readable {
    return createReadStream(this.path(sha256), { highWaterMark: 1024 * 1024 });
  }
}
