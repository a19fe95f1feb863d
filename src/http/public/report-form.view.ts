import { CATEGORIES, type Category } from '../../domain/categories.js';

/** Everything user-given passes through here before it reaches HTML. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const LABELS: Record<Category, string> = {
  'illegal-software': 'Illegal software (warez, cracks)',
  copyright: 'Copyright infringement',
  trademark: 'Trademark infringement',
  'adult-content': 'Adult content',
  'child-abuse': 'Child sexual abuse material',
  spam: 'Spam (unsolicited e-mail)',
  spamvertising: 'Website advertised by spam',
  blacklisting: 'Listed on a blocklist',
  malware: 'Malware distribution',
  phishing: 'Phishing',
  fraud: 'Fraud or scam',
  'compromised-host': 'Compromised or infected host',
  'vulnerable-service': 'Vulnerable or open service',
  irc: 'IRC bot or network abuse',
  dos: 'Denial-of-service attack',
  'port-scan': 'Port scan or brute force',
  'objectionable-content': 'Objectionable content',
  harvesting: 'Address harvesting',
  'resource-abuse': 'Abuse of shared resources',
  unclassified: 'Something else / not sure',
};

export type FormValues = Partial<Record<'reporterName' | 'reporterEmail' | 'ip' | 'domain' | 'url' | 'email' | 'category' | 'description' | 'occurredAt', string>>;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
label{display:block;font-weight:600;margin-top:1rem}
input,select,textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
textarea{min-height:10rem}
.hint{font-weight:400;color:#555;font-size:.9rem}
.errors{border:2px solid #b00020;padding:.5rem 1rem;color:#b00020}
button{margin-top:1.5rem;padding:.6rem 1.4rem;font:inherit}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function field(name: keyof FormValues, label: string, values: FormValues, type = 'text', hint = ''): string {
  return `<label for="${name}">${escapeHtml(label)}${hint ? ` <span class="hint">${escapeHtml(hint)}</span>` : ''}</label>
<input id="${name}" name="${name}" type="${type}" value="${escapeHtml(values[name] ?? '')}">`;
}

/** The report form: plain HTML, no script, works in any browser. */
export function renderForm(o: { csrfToken: string; values?: FormValues; errors?: string[] }): string {
  const v = o.values ?? {};
  const errors = o.errors?.length ? `<div class="errors" role="alert"><p>Please correct the following:</p><ul>${o.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul></div>` : '';
  const options = CATEGORIES.map((c) => `<option value="${c}"${v.category === c ? ' selected' : ''}>${escapeHtml(LABELS[c])}</option>`).join('');
  return page(
    'Report abuse',
    `<h1>Report abuse</h1>
<p>Tell us about abuse of our network: name the domain, e-mail address, website and/or IP address involved, and describe what happened in as much detail as you can.</p>
${errors}
<form method="post" action="/report" enctype="multipart/form-data">
<input type="hidden" name="_csrf" value="${escapeHtml(o.csrfToken)}">
${field('domain', 'Domain name', v, 'text', 'e.g. example.com')}
${field('email', 'E-mail address', v, 'text', 'the address that sent or is advertised')}
${field('url', 'Website', v, 'text', 'full address of the page')}
${field('ip', 'IP address', v, 'text', 'IPv4 or IPv6')}
<label for="category">Kind of abuse <span class="hint">optional</span></label>
<select id="category" name="category"><option value="">Not sure</option>${options}</select>
${field('occurredAt', 'When did it happen?', v, 'text', 'optional, e.g. 2026-11-30T08:15:00Z')}
<label for="description">Description <span class="hint">required</span></label>
<textarea id="description" name="description" required>${escapeHtml(v.description ?? '')}</textarea>
<label for="evidence">Evidence files <span class="hint">optional: headers, screenshots, logs (up to 5 files, 10 MB each)</span></label>
<input id="evidence" name="evidence" type="file" multiple>
${field('reporterName', 'Your name', v)}
${field('reporterEmail', 'Your e-mail address', v, 'email', 'required: we send the reference here')}
<button type="submit">Send report</button>
</form>`,
  );
}

export function renderThanks(reportId: number): string {
  return page(
    'Report received',
    `<h1>Thank you</h1>
<p>Your report has been received. Your reference is <strong>report ${escapeHtml(reportId)}</strong>; please quote it in any further correspondence.</p>
<p><a href="/report">Send another report</a></p>`,
  );
}

export function renderError(status: number, message: string): string {
  return page('Report abuse', `<h1>Sorry</h1><p>${escapeHtml(message)}</p><p>(${escapeHtml(status)})</p><p><a href="/report">Back to the form</a></p>`);
}
