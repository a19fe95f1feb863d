/**
 * Demo data for the browser tests and the screenshots: a small hosting provider's customers and
 * reports written the way real senders write them (ARF feedback loops, human complaints), plus
 * one hostile report. Everything goes in through the real intake.
 */

export const demoInventory = {
  customers: [
    { id: 'c-1001', name: 'Brasserie Dupont', contacts: ['it@dupont.example'], plan: 'shared', locale: 'fr' },
    { id: 'c-1002', name: 'Bakkerij Jansen', contacts: ['info@jansen.example'], plan: 'vps', locale: 'nl' },
    { id: 'c-1003', name: 'Northwind Traders', contacts: ['ops@northwind.example', 'cto@northwind.example'], plan: 'dedicated', locale: 'en' },
    { id: 'c-1004', name: 'Garage Martin', contacts: ['contact@garage-martin.example'], plan: 'shared', locale: 'fr' },
    { id: 'c-1005', name: 'Fietsen Peeters', contacts: ['peeters@fietsen.example'], plan: 'shared', locale: 'nl' },
    { id: 'c-1006', name: 'Helios Analytics', contacts: ['noc@helios.example'], plan: 'colocation', locale: 'en' },
  ],
  services: [
    { id: 's-1', customer: 'c-1001', kind: 'shared-hosting', label: 'web01 account dupont' },
    { id: 's-2', customer: 'c-1002', kind: 'server', label: 'vps jansen' },
    { id: 's-3', customer: 'c-1003', kind: 'server', label: 'dedicated nw-db01' },
    { id: 's-4', customer: 'c-1004', kind: 'shared-hosting', label: 'web02 account martin' },
    { id: 's-5', customer: 'c-1005', kind: 'mail-domain', label: 'mail fietsen.example' },
    { id: 's-6', customer: 'c-1006', kind: 'server', label: 'rack 12 helios' },
  ],
  ipAssignments: [
    { cidr: '192.0.2.0/28', service: 's-1', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '192.0.2.16/28', service: 's-2', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '198.51.100.0/25', service: 's-3', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '198.51.100.128/26', service: 's-4', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '198.51.100.192/26', service: 's-5', from: '2024-01-01T00:00:00Z', to: null },
    { cidr: '203.0.113.0/25', service: 's-6', from: '2024-01-01T00:00:00Z', to: null },
  ],
  domains: [
    { name: 'dupont.example', service: 's-1', from: '2024-01-01T00:00:00Z', to: null },
    { name: 'jansen.example', service: 's-2', from: '2024-01-01T00:00:00Z', to: null },
    { name: 'garage-martin.example', service: 's-4', from: '2024-01-01T00:00:00Z', to: null },
    { name: 'fietsen.example', service: 's-5', from: '2024-01-01T00:00:00Z', to: null },
  ],
};

const crlf = (lines: string[]) => lines.join('\r\n');

/** An RFC 5965 feedback report about spam sent from `ip` at `at`. */
export function arfMail(ip: string, at: string, reporter = 'feedback@mailbox.example', n = 0): string {
  const date = new Date(at).toUTCString();
  return crlf([
    `From: Mailbox Feedback Loop <${reporter}>`,
    'To: abuse@provider.example',
    `Subject: Abuse report: spam from ${ip}`,
    `Date: ${date}`,
    `Message-ID: <fbl-${ip}-${n}-${Date.parse(at)}@mailbox.example>`,
    'Authentication-Results: mx.provider.example; spf=pass smtp.mailfrom=mailbox.example; dkim=pass header.d=mailbox.example; dmarc=pass',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    `This is an email abuse report for an email message received from IP ${ip} on ${date}.`,
    'A user of our service marked this message as spam.',
    '',
    '--b1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: MailboxFBL/2.1',
    'Version: 1',
    `Source-IP: ${ip}`,
    `Arrival-Date: ${date}`,
    '',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    `Received: from mail.example ([${ip}]) by mx.mailbox.example; ${date}`,
    'From: offers@promo.example',
    'To: someone@mailbox.example',
    'Subject: Earn money fast',
    `Date: ${date}`,
    '',
    'Buy now!',
    '--b1--',
    '',
  ]);
}

/** A complaint written by a person, the way most of them arrive. */
export function complaintMail(kind: 'phishing' | 'compromised' | 'malware' | 'copyright' | 'portscan', target: { ip: string; host?: string }, at: string, n = 0): string {
  const date = new Date(at).toUTCString();
  const host = target.host ?? 'www.example.net';
  const bodies: Record<typeof kind, [string, string, string]> = {
    phishing: ['reports@phishwatch.example', 'Phishing site hosted on your network', `We found a phishing page imitating a bank login hosted on your network:\n\n  URL: http://${host}/wp-content/secure/bank-login.html\n  IP: ${target.ip}\n\nPlease take it down as soon as possible.`],
    compromised: ['soc@university.example', `SSH brute force attack from ${target.ip}`, `Your host ${target.ip} has been attacking our SSH servers (brute force login attempts).\n\nNov 24 09:41:12 gw sshd[1234]: Failed password for root from ${target.ip} port 51234 ssh2\nNov 24 09:41:14 gw sshd[1234]: Failed password for root from ${target.ip} port 51240 ssh2`],
    malware: ['alerts@malwatch.example', `Malware distribution from ${host}`, `The URL http://${host}/invoice/INV-2291.exe (IP ${target.ip}) is distributing malware (a trojan dropper). Please remove it.`],
    copyright: ['notices@rights-holder.example', 'Notice of copyright infringement', `We represent the copyright owner of the film "Summer Tale". Infringing copies are offered at http://${host}/downloads/summer-tale-1080p.mkv (IP ${target.ip}). Please remove the infringing material.`],
    portscan: ['ids@scanwatch.example', `Port scan from ${target.ip}`, `Our IDS detected a port scan from ${target.ip} against 2048 ports of our network (tcp 22, 23, 80, 443, 3389, ...). Please investigate.`],
  };
  const [from, subject, body] = bodies[kind];
  return crlf([`From: ${from}`, 'To: abuse@provider.example', `Subject: ${subject}`, `Date: ${date}`, `Message-ID: <${kind}-${n}-${Date.parse(at)}@${from.split('@')[1]}>`, 'Content-Type: text/plain; charset=utf-8', '', ...body.split('\n'), '']);
}

/**
 * A report whose every displayed part carries markup and script: subject, headers, body and
 * attachment names. Each payload, if it ever ran, would set window.__pwned or call the exposed
 * binding `pwned`.
 */
export const HOSTILE_PAYLOADS = [
  '<script>window.__pwned=1;window.pwned&&window.pwned("script")</script>',
  '<img src=x onerror="window.__pwned=2;window.pwned&&window.pwned(\'img\')">',
  '<svg onload="window.__pwned=3;window.pwned&&window.pwned(\'svg\')">',
  '"><iframe srcdoc="<script>parent.__pwned=4;parent.pwned&&parent.pwned(\'iframe\')</script>">',
];

export function hostileMail(ip: string, at: string): string {
  const date = new Date(at).toUTCString();
  const [s, img, svg, frame] = HOSTILE_PAYLOADS;
  return crlf([
    `From: "${img}" <attacker@evil.example>`,
    'To: abuse@provider.example',
    `Subject: SSH brute force attack from ${ip} ${s}`,
    `Date: ${date}`,
    'Message-ID: <hostile-1@evil.example>',
    `X-Evil: ${svg}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="hb"',
    '',
    '--hb',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<html><body onload="window.__pwned=5;window.pwned&&window.pwned('body')"><p>Your host ${ip} has been attacking our SSH servers (brute force login attempts).</p>${s}${img}${frame}</body></html>`,
    '',
    '--hb',
    `Content-Type: text/plain; name="${svg}.txt"`,
    `Content-Disposition: attachment; filename="${img}.txt"`,
    '',
    `sshd[1]: Failed password for root from ${ip} port 4242 ssh2`,
    '--hb--',
    '',
  ]);
}
