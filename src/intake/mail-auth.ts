import { promises as dns } from 'node:dns';
import { authenticate } from 'mailauth';

/** mailauth's resolver contract: like dns.promises.resolve(name, rrtype). */
export type DnsResolver = (name: string, rrtype: string) => Promise<any>;

/** What we keep of SPF, DKIM and DMARC for an operator: who the reporter claims to be, and whether that holds. */
export interface AuthenticationResults {
  spf: { result: string; domain: string | null } | null;
  dkim: { result: string; domain: string | null; selector: string | null; aligned: string | null }[];
  dmarc: { result: string; domain: string | null; policy: string | null } | null;
  /** The Authentication-Results header mailauth composed, for display. */
  header: string | null;
  error: string | null;
}

export interface SmtpFacts {
  clientAddress: string | null;
  helo: string | null;
  /** MAIL FROM; '' is the null sender. */
  mailFrom: string | null;
}

const DEFAULT_QUERY_MS = 2000;

/**
 * The system resolver with a short timeout per query and one try: a reporter's broken DNS must
 * delay the authentication check by seconds, not minutes.
 */
export function boundedDnsResolver(queryMs = DEFAULT_QUERY_MS): DnsResolver {
  const resolver = new dns.Resolver({ timeout: queryMs, tries: 1 });
  return (name, rrtype) => withTimeout(resolver.resolve(name, rrtype as 'TXT'), queryMs + 500, () => Object.assign(new Error(`DNS ${rrtype} ${name} timed out`), { code: 'ETIMEOUT' }));
}

/** SPF, DKIM and DMARC of one message, bounded in time as a whole; failures become an `error`, never a throw. */
export async function authenticateMessage(raw: Buffer, smtp: SmtpFacts, opts: { resolver: DnsResolver; mta: string; timeoutMs?: number }): Promise<AuthenticationResults> {
  try {
    const r = await withTimeout(
      authenticate(raw, {
        ip: smtp.clientAddress ?? undefined,
        helo: smtp.helo ?? undefined,
        sender: smtp.mailFrom ?? undefined,
        // Without the SMTP facts (IMAP, files) the nearest Received header is the best witness.
        trustReceived: !smtp.clientAddress,
        mta: opts.mta,
        resolver: opts.resolver,
        disableArc: true,
        disableBimi: true,
      }),
      opts.timeoutMs ?? 10_000,
      () => new Error('authentication check timed out'),
    );
    const spf = r.spf ? { result: String(r.spf.status?.result ?? 'none'), domain: (r.spf as { domain?: string }).domain ?? null } : null;
    const dkim = (r.dkim?.results ?? []).map((d: any) => ({
      result: String(d.status?.result ?? 'none'),
      domain: d.signingDomain ?? null,
      selector: d.selector ?? null,
      aligned: d.status?.aligned ? String(d.status.aligned) : null,
    }));
    const dm = r.dmarc as any;
    const dmarc = dm ? { result: String(dm.status?.result ?? 'none'), domain: dm.domain ?? null, policy: dm.policy ?? null } : null;
    const header = r.headers ? r.headers.split(/\r?\n(?=\S)/).find((l: string) => l.startsWith('Authentication-Results:'))?.replace(/\r?\n\s+/g, ' ') ?? null : null;
    return { spf, dkim, dmarc, header: header?.slice(0, 4000) ?? null, error: null };
  } catch (err) {
    return { spf: null, dkim: [], dmarc: null, header: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(error()), ms);
      timer.unref();
    }),
  ]);
}
