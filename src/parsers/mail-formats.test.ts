import { describe, expect, it } from 'vitest';
import { classifyText } from './classify.js';
import { findDomains, findIps, findUrls, refang } from './extract.js';
import { parseReport } from './index.js';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));

describe('X-ARF 0.1/0.2 mail', () => {
  const xarf = (report: string) =>
    enc(`From: "Blocklist" <reports@blocklist.example>
Subject: abuse report about 203.0.113.50
Date: Fri, 31 Jan 2014 07:19:02 +0100
X-ARF: yes
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="x"

--x
Content-Type: text/plain; charset=utf-8

Your server attacked ours.
--x
Content-Type: text/plain; charset=utf-8; name="report.txt"
Content-Disposition: attachment; filename="report.txt"

---
${report}
--x--
`);

  it('reads an IP source with its report type as category', async () => {
    const r = await parseReport(xarf('Reported-From: reports@blocklist.example\nCategory: abuse\nReport-Type: login-attack\nService: ssh\nVersion: 0.2\nDate: Fri, 31 Jan 2014 07:19:02 +0100\nSource-Type: ipv4\nSource: 203.0.113.50\nPort: 22\nSchema-URL: http://www.x-arf.org/schema/abuse_login-attack_0.1.2.json'));
    expect(r.format).toBe('x-arf');
    expect(r.events[0]).toMatchObject({ category: 'compromised-host', ip: '203.0.113.50', port: 22, occurredAt: '2014-01-31T06:19:02.000Z' });
  });

  it('reads a URI source (unquoted YAML with & and :) and pairs it with the IP named in the text', async () => {
    const r = await parseReport(xarf('Reported-From: takedown@watch.example\nCategory: fraud\nReport-Type: phishing\nDate: 2015-10-26T11:27:58+00:00\nSource-Type: uri\nSource: http://www.shop.example/login.php?a=1&b=x:y\nDomain: shop.example\nSchema-URL: http://www.x-arf.org/schema/fraud_0.1.4.json'));
    expect(r.events[0]).toMatchObject({ category: 'phishing', url: 'http://www.shop.example/login.php?a=1&b=x:y', domain: 'shop.example', ip: '203.0.113.50' });
  });

  it('classifies an unknown Report-Type from its words', async () => {
    const r = await parseReport(xarf('Reported-From: a@b.example\nCategory: abuse\nReport-Type: ddos-participation\nSource-Type: ipv4\nSource: 203.0.113.51\nSchema-URL: http://example/s.json'));
    expect(r.events[0].category).toBe('dos');
  });
});

describe('SpamCop', () => {
  it('reads the native format: source, spamvertised sites and their addresses', async () => {
    const r = await parseReport(
      enc(`From: 123@reports.spamcop.example
Subject: [SpamCop (http://pills.example/x.php) id:123]Cheap pills
Date: Fri, 28 Jul 2017 08:28:30 +0000
Content-Type: text/plain

[ SpamCop V5.4.0 ]
This message is brief for your comfort.  Please use links below for details.

Email from 198.51.100.23 / Fri, 28 Jul 2017 08:20:00 GMT
https://www.spamcop.example/w3m?i=z123

Spamvertised web site: http://pills.example/x.php
https://www.spamcop.example/w3m?i=z124
http://pills.example/x.php is 203.0.113.80; Fri, 28 Jul 2017 08:28:30 GMT

[ Offending message ]
Received: from bad.example ([198.51.100.23]) by mx.victim.example; Fri, 28 Jul 2017 08:20:00 +0000
Subject: Cheap pills
`),
    );
    expect(r.format).toBe('spamcop');
    expect(r.events.map((e) => [e.category, e.ip, e.url])).toEqual([
      ['spam', '198.51.100.23', null],
      ['spamvertising', '203.0.113.80', 'http://pills.example/x.php'],
    ]);
    expect(r.events[0].occurredAt).toBe('2017-07-28T08:20:00.000Z');
  });

  it('reads the summary report table', async () => {
    const r = await parseReport(
      enc(`From: summaries@admin.spamcop.example
Subject: [SpamCop] summary report
Date: Fri, 14 Feb 2014 00:13:00 +0000
Content-Type: text/plain

[ SpamCop Summary Report ]
     IP_Address Start/Length Trap User Mole Simp Comments
 192.0.2.133 Feb  8 20h/4   72    2    0    0 blocklisted
                host.example.
  192.0.2.218 Feb  5 14h/8    8    0    0    0
`),
    );
    expect(r.events.map((e) => e.ip)).toEqual(['192.0.2.133', '192.0.2.218']);
    expect(r.events.every((e) => e.category === 'spam')).toBe(true);
  });
});

describe('free text, forwarded spam and not-a-report mail', () => {
  it('finds defanged resources and the category in a human complaint', async () => {
    const r = await parseReport(
      enc(`From: Jane <jane@victim.example>
Subject: Phishing site on your network
Date: Wed, 01 May 2024 10:00:00 +0200
Content-Type: text/plain; charset=utf-8

Hello, your customer hosts a phishing page at hxxps://secure-login[.]bank-verify.example/update
(resolving to 203.0.113[.]77). Please take it down.
`),
    );
    expect(r.format).toBe('freetext');
    expect(r.events.every((e) => e.category === 'phishing')).toBe(true);
    expect(r.events.some((e) => e.url === 'https://secure-login.bank-verify.example/update')).toBe(true);
    expect(r.events.some((e) => e.ip === '203.0.113.77')).toBe(true);
    expect(r.events[0].occurredAt).toBe('2024-05-01T08:00:00.000Z');
  });

  it('takes the bottom-most public Received hop of forwarded spam as the origin', async () => {
    const r = await parseReport(
      enc(`From: user@victim.example
Subject: Fwd: you won
Date: Wed, 01 May 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain

I keep getting this spam, please stop it.
--f
Content-Type: message/rfc822

Received: from mx.victim.example (mx.victim.example [192.0.2.1]) by imap.victim.example; Wed, 01 May 2024 09:00:02 +0000
Received: from sender.hosted.example (sender.hosted.example [198.51.100.99]) by mx.victim.example; Wed, 01 May 2024 09:00:01 +0000
Received: from localhost (localhost [127.0.0.1]) by sender.hosted.example; Wed, 01 May 2024 09:00:00 +0000
From: winner@lottery.example
Subject: you won

Claim now.
--f--
`),
    );
    expect(r.events[0]).toMatchObject({ category: 'spam', ip: '198.51.100.99' });
    expect(r.events[0].evidence.receivedIps).toEqual(['198.51.100.99', '192.0.2.1']);
  });

  it('leaves out hosts named only as attack destinations in log lines', async () => {
    const r = await parseReport(
      enc(`From: admin@victim.example
Subject: port scan from your network
Date: Wed, 01 May 2024 10:00:00 +0000

May  1 09:00:00 fw kernel: [UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.11 DST=192.0.2.1 PROTO=TCP DPT=23
2024-05-01 09:00:01: 198.51.100.11 => 192.0.2.2:22 proto TCP
`),
    );
    expect(r.events.map((e) => e.ip)).toEqual(['198.51.100.11']);
    expect(r.events[0].category).toBe('port-scan');
  });

  it('yields one unclassified event, never nothing, for an unreadable complaint', async () => {
    const r = await parseReport(enc('From: a@b.example\nSubject: hello\nDate: Wed, 01 May 2024 10:00:00 +0000\n\nPlease look at this.\n'));
    expect(r.events).toHaveLength(1);
    expect(r.events[0].category).toBe('unclassified');
  });

  it('marks bounces, auto-replies and ticket notices as not actionable', async () => {
    const dsn = await parseReport(
      enc(`From: MAILER-DAEMON@mx.example
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="d"

--d
Content-Type: text/plain

Your message to abuse@x.example could not be delivered. It mentioned 203.0.113.5 and spam.
--d
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
--d--
`),
    );
    expect(dsn).toMatchObject({ notActionable: true, events: [] });
    const auto = await parseReport(enc('From: a@b.example\nSubject: Out of Office: abuse report 203.0.113.5\nAuto-Submitted: auto-replied\n\nI am away.\n'));
    expect(auto).toMatchObject({ notActionable: true, events: [] });
    const ticket = await parseReport(enc('From: desk@other.example\nSubject: [Ticket 5] 203.0.113.5 spam\n\nWe are changing the status of your ticket #5 to Closed as we have not received a response.\n'));
    expect(ticket).toMatchObject({ notActionable: true, events: [] });
  });

  it('never uses the wall clock: without any date the event says so', async () => {
    const r = await parseReport(enc('From: a@b.example\nSubject: spam from 203.0.113.5\n\nspam spam\n'));
    expect(r.events[0].occurredAt).toBe('1970-01-01T00:00:00.000Z');
    expect(r.events[0].evidence.timeUnknown).toBe(true);
    const hinted = await parseReport(enc('From: a@b.example\nSubject: spam from 203.0.113.5\n\nspam spam\n'), { receivedAt: '2024-06-01T00:00:00.000Z' });
    expect(hinted.events[0].occurredAt).toBe('2024-06-01T00:00:00.000Z');
  });
});

describe('extraction and classification helpers', () => {
  it('refangs and extracts', () => {
    const t = refang('hxxp://evil[.]example/a?b=1, 198.51.100[.]1 and 2001:db8:0:0:0:0:0:1 at 10:53:23; report.txt, shop.example.de');
    expect(findUrls(t)).toEqual(['http://evil.example/a?b=1']);
    expect(findIps(t)).toEqual(['198.51.100.1', '2001:db8::1']);
    expect(findDomains(t)).toContain('shop.example.de');
    expect(findDomains(t)).not.toContain('report.txt');
  });

  it('classifies by weighted keywords, subject first', () => {
    expect(classifyText('We received a DMCA notice for infringing files', '')?.category).toBe('copyright');
    expect(classifyText('Failed password for root from 203.0.113.9 port 22 ssh2', 'fail2ban')?.category).toBe('compromised-host');
    expect(classifyText('body mentions spam filters', 'DDoS attack from your network')?.category).toBe('dos');
    expect(classifyText('nothing to see here', '')).toBeNull();
  });
});

describe('more mail that is not a report', () => {
  const mail = (subject: string, body: string) => enc(`From: x@list.example\nSubject: ${subject}\nDate: Wed, 01 May 2024 10:00:00 +0000\n\n${body}\n`);

  it('recognizes unsubscribe confirmations and rejections of our own reports', async () => {
    expect(await parseReport(mail('Subscription update', 'You have been successfully unsubscribed from the list about spam 203.0.113.5.'))).toMatchObject({ notActionable: true, events: [] });
    expect(await parseReport(mail('Re: abuse 203.0.113.5', 'Your abuse report has been rejected: the address is not in our network.'))).toMatchObject({ notActionable: true, events: [] });
  });

  it('recognizes a qmail/Exim style plain bounce', async () => {
    const r = await parseReport(mail('failure notice', 'Hi. This is the qmail-send program at mx.example.\nI\'m afraid I wasn\'t able to deliver your message about spam from 203.0.113.5. This is a permanent error.'));
    expect(r).toMatchObject({ notActionable: true, events: [] });
  });

  it('keeps a real report that merely arrives auto-generated (ARF robots set Auto-Submitted)', async () => {
    const r = await parseReport(enc('From: robot@trap.example\nSubject: Spam report for 203.0.113.9\nAuto-Submitted: auto-generated\nDate: Wed, 01 May 2024 10:00:00 +0000\n\nSpam received from 203.0.113.9 at our spam trap.\n'));
    expect(r.notActionable).toBeUndefined();
    expect(r.events[0]).toMatchObject({ category: 'spam', ip: '203.0.113.9' });
  });
});
