import { describe, expect, it } from 'vitest';
import { parseReport } from './index.js';

const enc = (s: string) => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));

function arfMail(opts: { feedback: string; third?: string; thirdType?: string; human?: string }): Uint8Array {
  return enc(`From: "FBL" <fbl@isp.example>
To: abuse@hoster.example
Subject: Abuse report
Date: Tue, 05 Mar 2024 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b1"

--b1
Content-Type: text/plain

${opts.human ?? 'This is an email abuse report.'}

--b1
Content-Type: message/feedback-report

${opts.feedback}

--b1
Content-Type: ${opts.thirdType ?? 'message/rfc822'}

${opts.third ?? `Received: from mail.customer.example (mail.customer.example [198.51.100.7])
        by mx.isp.example with ESMTP; Mon, 04 Mar 2024 09:00:00 +0000
From: shop@customer.example
Subject: Cheap offer
Date: Mon, 04 Mar 2024 08:59:00 +0000

Buy now`}

--b1--
`);
}

describe('ARF (RFC 5965 and pre-standard variants)', () => {
  it('reads Source-IP, Arrival-Date and Reported-Domain of a standard report', async () => {
    const r = await parseReport(arfMail({ feedback: 'Feedback-Type: abuse\nUser-Agent: Test/1\nVersion: 1\nSource-IP: 198.51.100.7\nArrival-Date: Mon, 04 Mar 2024 09:00:00 +0000\nReported-Domain: Customer.Example' }));
    expect(r.format).toBe('arf');
    expect(r.error).toBeNull();
    expect(r.events).toHaveLength(1);
    const e = r.events[0];
    expect(e).toMatchObject({ category: 'spam', ip: '198.51.100.7', domain: 'customer.example', reporter: 'fbl@isp.example', occurredAt: '2024-03-04T09:00:00.000Z' });
  });

  it('accepts Version 0.1 with Received-Date and only text/rfc822-headers as third part', async () => {
    const r = await parseReport(
      arfMail({
        feedback: 'Feedback-Type: abuse\nUser-Agent: Old/0.1\nVersion: 0.1\nReceived-Date: Sun, 03 Mar 2024 22:15:00 +0100',
        thirdType: 'text/rfc822-headers',
        third: 'Received: from [203.0.113.9] (helo=x) by mx.isp.example; Sun, 03 Mar 2024 22:15:00 +0100\nSubject: hello',
      }),
    );
    expect(r.events[0]).toMatchObject({ ip: '203.0.113.9', occurredAt: '2024-03-03T21:15:00.000Z', category: 'spam' });
    expect(r.events[0].evidence.ipSource).toBe('Received');
  });

  it('falls back to the origin in the embedded message when Source-IP is missing', async () => {
    const r = await parseReport(arfMail({ feedback: 'Feedback-Type: abuse\nVersion: 1' }));
    expect(r.events[0].ip).toBe('198.51.100.7');
  });

  it('marks opt-out feedback as not actionable', async () => {
    const r = await parseReport(arfMail({ feedback: 'Feedback-Type: opt-out\nVersion: 1\nSource-IP: 198.51.100.7' }));
    expect(r.notActionable).toBe(true);
    expect(r.events).toHaveLength(0);
  });

  it('maps fraud and virus feedback and emits Reported-Uri events', async () => {
    const fraud = await parseReport(arfMail({ feedback: 'Feedback-Type: fraud\nVersion: 1\nSource-IP: 198.51.100.7\nReported-Uri: http://login.customer.example/bank/' }));
    expect(fraud.events.map((e) => e.category)).toEqual(['phishing', 'phishing']);
    expect(fraud.events[1].url).toBe('http://login.customer.example/bank/');
    const virus = await parseReport(arfMail({ feedback: 'Feedback-Type: virus\nVersion: 1\nSource-IP: 198.51.100.7' }));
    expect(virus.events[0].category).toBe('malware');
  });

  it('reads feedback fields written into a text/plain part (pre-standard senders)', async () => {
    const mail = enc(`From: reports@trap.example
Subject: Spamtraphit by 192.0.2.44
Date: Tue, 05 Mar 2024 10:00:00 +0000
Content-Type: text/plain

Feedback-Type: abuse
User-Agent: TrapRobot/2
Version: 1
Source-IP: 192.0.2.44
Arrival-Date: Tue, 05 Mar 2024 09:59:00 +0000
`);
    const r = await parseReport(mail);
    expect(r.format).toBe('arf');
    expect(r.events[0]).toMatchObject({ ip: '192.0.2.44', category: 'spam' });
  });

  it('canonicalizes an IPv6 Source-IP', async () => {
    const r = await parseReport(arfMail({ feedback: 'Feedback-Type: abuse\nVersion: 1\nSource-IP: 2001:DB8:0:0:0:0:0:25' }));
    expect(r.events[0].ip).toBe('2001:db8::25');
  });
});
