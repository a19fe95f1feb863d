import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed webhooks: a hosting panel or billing system receives each action as JSON and carries it
 * out. The body is signed with HMAC-SHA256 under a shared secret (`X-AbuseDesk-Signature:
 * sha256=<hex>` over the exact bytes sent) and carries an `Idempotency-Key` the receiver must
 * honour: a retry after a crash repeats the key, never the effect.
 */
export interface WebhookTarget {
  url: string;
  secret: string;
  /** A receiver that hangs is abandoned after this long (the attempt fails and is retried later). */
  timeoutMs?: number;
}

export interface WebhookResponse {
  status: number;
  body: unknown;
}

export const SIGNATURE_HEADER = 'x-abusedesk-signature';

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): checks a signature in constant time. */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export class WebhookError extends Error {
  constructor(
    message: string,
    /** 4xx other than 408/409/425/429: sending the same request again cannot help. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

const MAX_RESPONSE = 64 * 1024;

/** POSTs one signed JSON document; resolves on 2xx (or 409: the key was seen, the effect is done), throws WebhookError otherwise. */
export async function postWebhook(target: WebhookTarget, payload: unknown, idempotencyKey: string): Promise<WebhookResponse> {
  const body = JSON.stringify(payload);
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        [SIGNATURE_HEADER]: signBody(target.secret, body),
        'user-agent': 'AbuseDesk-webhook/1',
      },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(target.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${target.timeoutMs ?? 10_000} ms` : (e.cause?.code ?? e.message);
    throw new WebhookError(`webhook ${redact(target.url)}: ${why}`, false);
  }
  const text = await readBounded(res);
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // A receiver may answer in plain text; keep it as it is.
  }
  if (res.ok || res.status === 409) return { status: res.status, body: parsed };
  const permanent = res.status >= 400 && res.status < 500 && ![408, 425, 429].includes(res.status);
  throw new WebhookError(`webhook ${redact(target.url)} answered ${res.status}: ${text.slice(0, 300)}`, permanent);
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_RESPONSE) break;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE);
}

/** A URL for logs and errors: credentials and query strings can hold secrets. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
