/** Hand-written reports for tests (the shared corpus is read in place by the corpus tests). */

export const inventory = {
  customers: [
    { id: 'c-1001', name: 'Brasserie Dupont', contacts: ['it@dupont.example'], plan: 'shared', locale: 'fr' },
    { id: 'c-1002', name: 'Bakkerij Jansen', contacts: ['info@jansen.example'], plan: 'vps', locale: 'nl' },
  ],
  services: [
    { id: 's-1', customer: 'c-1001', kind: 'shared-hosting', label: 'web01 account dupont' },
    { id: 's-2', customer: 'c-1002', kind: 'server', label: 'vps jansen' },
  ],
  ipAssignments: [
    // 192.0.2.0/28 moved from Dupont to Jansen on 2025-03-01.
    { cidr: '192.0.2.0/28', service: 's-1', from: '2024-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' },
    { cidr: '192.0.2.0/28', service: 's-2', from: '2025-03-01T00:00:00Z', to: null },
    { cidr: '198.51.100.0/24', service: 's-1', from: '2024-01-01T00:00:00Z', to: null },
  ],
  domains: [{ name: 'dupont.example', service: 's-1', from: '2024-01-01T00:00:00Z', to: null }],
};

/** An RFC 5965 feedback report about spam sent from `ip` at `arrival`. */
export function arfReport(opts: { ip: string; arrival: string; messageId?: string; reporter?: string; domain?: string | null }): string {
  const id = opts.messageId ?? `<fbl-${opts.ip}-${opts.arrival}@mailbox.example>`;
  const date = new Date(opts.arrival).toUTCString();
  return [
    `From: ${opts.reporter ?? 'feedback@mailbox.example'}`,
    'To: abuse@provider.example',
    `Subject: FW: Earn money fast`,
    `Date: ${date}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for an email message received from IP ' + opts.ip + '.',
    '',
    '--b1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: TestFBL/1.0',
    'Version: 1',
    `Source-IP: ${opts.ip}`,
    `Arrival-Date: ${date}`,
    ...(opts.domain === null ? [] : [`Reported-Domain: ${opts.domain ?? 'dupont.example'}`]),
    '',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    `Received: from mail.dupont.example ([${opts.ip}]) by mx.mailbox.example; ${date}`,
    'From: offers@dupont.example',
    'To: victim@mailbox.example',
    'Subject: Earn money fast',
    `Date: ${date}`,
    '',
    'Buy now!',
    '--b1--',
    '',
  ].join('\r\n');
}
