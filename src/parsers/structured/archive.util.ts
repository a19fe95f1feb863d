import { Gunzip, Unzip, UnzipInflate } from 'fflate';

/**
 * Limits on what one report may unpack to. Zip bombs are ordinary hostile input here: the limits
 * are checked on the bytes actually inflated (headers can lie), and inflation stops at the limit.
 */
export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Inflated/compressed ratio above which an entry larger than 1 MiB is refused. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 256,
  maxTotalBytes: 64 * 1024 * 1024,
  maxEntryBytes: 64 * 1024 * 1024,
  maxRatio: 200,
};

export class ArchiveLimitError extends Error {}

export const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
export const isGzip = (b: Uint8Array) => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8;

function concat(chunks: Uint8Array[], n: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The files of a zip archive, inflated within the limits; throws ArchiveLimitError past them. */
export function unzipLimited(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Array<{ name: string; data: Uint8Array }> {
  const entries: Array<{ name: string; data: Uint8Array }> = [];
  let count = 0;
  let total = 0;
  let failure: Error | null = null;
  const uz = new Unzip();
  uz.register(UnzipInflate);
  uz.onfile = (file) => {
    if (failure) return;
    if (file.name.endsWith('/')) return;
    if (++count > limits.maxEntries) {
      failure = new ArchiveLimitError(`zip archive has more than ${limits.maxEntries} entries`);
      return;
    }
    const chunks: Uint8Array[] = [];
    let n = 0;
    const compressed = file.size ?? 0;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new Error(`corrupt zip entry ${file.name}: ${err.message}`);
        return;
      }
      n += chunk.length;
      total += chunk.length;
      if (n > limits.maxEntryBytes || total > limits.maxTotalBytes) {
        failure = new ArchiveLimitError(`zip archive inflates past ${Math.min(limits.maxEntryBytes, limits.maxTotalBytes)} bytes (entry ${file.name}): refused as a zip bomb`);
        file.terminate();
        return;
      }
      if (compressed > 0 && n > 1024 * 1024 && n / compressed > limits.maxRatio) {
        failure = new ArchiveLimitError(`zip entry ${file.name} inflates more than ${limits.maxRatio}:1: refused as a zip bomb`);
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) entries.push({ name: file.name, data: concat(chunks, n) });
    };
    file.start();
  };
  try {
    uz.push(bytes, true);
  } catch (err) {
    if (!failure) failure = new Error(`corrupt zip archive: ${(err as Error).message}`);
  }
  if (failure) throw failure;
  return entries;
}

/** A gzip member inflated within the limits. */
export function gunzipLimited(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Uint8Array {
  const chunks: Uint8Array[] = [];
  let n = 0;
  let failure: Error | null = null;
  const gz = new Gunzip((chunk) => {
    if (failure) return;
    n += chunk.length;
    if (n > limits.maxTotalBytes || (n > 1024 * 1024 && n / bytes.length > limits.maxRatio)) {
      failure = new ArchiveLimitError(`gzip data inflates past the limit (${n} bytes from ${bytes.length}): refused as a zip bomb`);
      return;
    }
    chunks.push(chunk);
  });
  // Feed in slices so a bomb is stopped after a slice, not after inflating everything.
  const step = 64 * 1024;
  try {
    for (let o = 0; o < bytes.length && !failure; o += step) gz.push(bytes.subarray(o, o + step), o + step >= bytes.length);
  } catch (err) {
    if (!failure) failure = new Error(`corrupt gzip data: ${(err as Error).message}`);
  }
  if (failure) throw failure;
  return concat(chunks, n);
}
