import { createHash } from 'node:crypto';

/** One original report as the chain of custody records it. */
export interface ReportRecord {
  id: number;
  sha256: string;
  receivedAt: string;
  channel: string;
  reporter: string | null;
  messageId: string | null;
  size: number;
  format: string | null;
  raw: Buffer;
}

export interface CustodyEntry {
  at: string;
  actor: string;
  entity: string;
  entityId: string;
  action: string;
  hash: string;
}

export interface EvidenceManifest {
  format: 'abusedesk-evidence/1';
  generatedAt: string;
  case: { id: number; category: string; resource: string; customer: { id: string; name: string }; openedAt: string; policyVersion: string | null };
  reports: {
    id: number;
    sha256: string;
    /** The hash recomputed from the stored bytes when the package was made; equal to sha256 unless the store was altered. */
    sha256Verified: boolean;
    receivedAt: string;
    channel: string;
    reporter: string | null;
    messageId: string | null;
    size: number;
    format: string | null;
    attachment: string | null;
  }[];
  events: { id: number; reportId: number; occurredAt: string; type: string; ip: string | null; url: string | null; domain: string | null }[];
  /** Audit entries for the case and its reports, each with its hash in the tamper-evident audit chain. */
  custody: CustodyEntry[];
}

export interface EvidencePackage {
  manifest: EvidenceManifest;
  manifestJson: string;
  manifestSha256: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

/**
 * The package sent to authorities: a JSON manifest with every original report's SHA-256, time and
 * channel and the audit trail, plus the raw reports themselves unless `withRaw` is false (child-abuse
 * evidence is preserved here and handed over on request, never mailed).
 */
export function buildEvidencePackage(input: {
  now: Date;
  kase: EvidenceManifest['case'];
  reports: ReportRecord[];
  events: EvidenceManifest['events'];
  custody: CustodyEntry[];
  withRaw: boolean;
  maxRawBytes?: number;
}): EvidencePackage {
  const maxRaw = input.maxRawBytes ?? 10 * 1024 * 1024;
  let rawBytes = 0;
  const attachments: EvidencePackage['attachments'] = [];
  const reports = input.reports.map((r) => {
    const actual = createHash('sha256').update(r.raw).digest('hex');
    let attachment: string | null = null;
    if (input.withRaw && rawBytes + r.raw.length <= maxRaw) {
      attachment = `report-${r.id}.${r.format && /mail|arf|eml/i.test(r.format) ? 'eml' : 'bin'}`;
      rawBytes += r.raw.length;
      attachments.push({ filename: attachment, content: r.raw, contentType: 'application/octet-stream' });
    }
    return {
      id: r.id,
      sha256: r.sha256,
      sha256Verified: actual === r.sha256,
      receivedAt: r.receivedAt,
      channel: r.channel,
      reporter: r.reporter,
      messageId: r.messageId,
      size: r.size,
      format: r.format,
      attachment,
    };
  });
  const manifest: EvidenceManifest = { format: 'abusedesk-evidence/1', generatedAt: input.now.toISOString(), case: input.kase, reports, events: input.events, custody: input.custody };
  const manifestJson = JSON.stringify(manifest, null, 2);
  const manifestSha256 = createHash('sha256').update(manifestJson).digest('hex');
  attachments.unshift({ filename: `evidence-case-${input.kase.id}.json`, content: Buffer.from(manifestJson), contentType: 'application/json' });
  return { manifest, manifestJson, manifestSha256, attachments };
}
