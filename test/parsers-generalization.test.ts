import { describe, expect, it } from 'vitest';
import { parseReport } from '../src/parsers/index.js';

/**
 * Format features met in real reports from senders outside the shared corpus. Each fixture is
 * written by hand to capture one feature, not copied from a sample.
 */
const lf = (s: string) => new TextEncoder().encode(s);
const crlf = (s: string) => lf(s.replace(/\n/g, '\r\n'));

describe('bounces from any MTA are not actionable', () => {
  it('a plain-text bounce without a DSN part, from MAILER-DAEMON with an empty address', async () => {
    const r = await parseReport(crlf(`Received: from MAILER-DAEMON by relay.example.net;
\tMon, 2 Mar 2026 10:00:00 +0000
From: MAILER-DAEMON <>
To: sender@example.org
Subject: Mail delivery failed
Date: Mon, 2 Mar 2026 10:00:00 +0000

This is the mail agent at relay.example.net.

There was an error delivering your mail to <someone@example.com>.

mx.example.com [192.0.2.25] did not like our RCPT TO:
550 5.1.1 no such user

Message headers follow.

Subject: hello
From: <sender@example.org>
`));
    expect(r.events).toEqual([]);
    expect(r.notActionable).toBe(true);
  });

  it('a report from a postmaster that is not a bounce stays a report', async () => {
    const r = await parseReport(crlf(`From: Postmaster <postmaster@isp.example>
To: abuse@host.example
Subject: Spam source 198.51.100.7
Date: Mon, 2 Mar 2026 10:00:00 +0000

Please stop the spam sent from 198.51.100.7 to our customers; it hit our traps 40 times today.
`));
    expect(r.notActionable).toBeFalsy();
    expect(r.events.map((e) => e.ip)).toContain('198.51.100.7');
  });

  it('reads a mail saved with classic Mac line endings (bare CR)', async () => {
    const text = `Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@relay.example.net>
To: sender@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.
--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net

Final-Recipient: rfc822; someone@example.com
Action: failed
Status: 5.1.1
--b1--
`.replace(/\n/g, '\r');
    const r = await parseReport(lf(text));
    expect(r.format).toBe('dsn');
    expect(r.notActionable).toBe(true);
  });
});

describe('defanged resources', () => {
  it('a domain defanged with spaces around [.] is found', async () => {
    const r = await parseReport(crlf(`From: Analyst <analyst@brandwatch.example>
To: abuse@host.example
Subject: Phishing takedown request for login-verify [.] example
Date: Mon, 2 Mar 2026 10:00:00 +0000

Hello, a phishing website hosted by you is available at:

login-verify [.] example/secure/

Please take it down.
`));
    expect(r.events[0]?.category).toBe('phishing');
    expect(JSON.stringify(r.events)).toContain('login-verify.example');
  });
});

describe('replies of other desks to a report sent from here', () => {
  it('an acknowledgement that quotes our original complaint yields no events', async () => {
    const r = await parseReport(crlf(`From: Trust Team <abuse@otherhost.example>
To: abuse@host.example
Subject: [Ticket#55501] Re: 198.51.100.20 abuse originating from your network
Date: Mon, 2 Mar 2026 10:00:00 +0000

Dear abuse team,

We have received your complaint about the address 198.51.100.20 and have
contacted our customer. You will hear from us once it is resolved.

Your original complaint
> We were notified of abuse from 198.51.100.20, brute force login attempts.
> Please handle.
`));
    expect(r.events).toEqual([]);
    expect(r.notActionable).toBe(true);
  });

  it('a fresh report that mentions receiving a notice is still a report', async () => {
    const r = await parseReport(crlf(`From: National CERT <cert@cert.example>
To: abuse@host.example
Subject: Spam from your network
Date: Mon, 2 Mar 2026 10:00:00 +0000

Dear Administrator,

We have received an e-mail notice about the address 198.51.100.21 in your network,
which is probably used for sending spam. Please check the computer.
`));
    expect(r.notActionable).toBeFalsy();
    expect(r.events.map((e) => e.ip)).toContain('198.51.100.21');
  });
});

describe('IODEF', () => {
  const doc = (inner: string) => `<?xml version="1.0"?>
<IODEF-Document version="2.00" xmlns="urn:ietf:params:xml:ns:iodef-2.0">
  <Incident purpose="reporting">
    <IncidentID name="cert.example">42</IncidentID>
    <GenerationTime>2026-03-02T10:00:00Z</GenerationTime>
${inner}
  </Incident>
</IODEF-Document>`;

  it('reads a URL indicator (Observable Address of category site-uri) and lets a specific description beat a generic impact', async () => {
    const r = await parseReport(lf(doc(`    <Description>Credential phishing page reported by a customer</Description>
    <Assessment><SystemImpact severity="low" type="takeover-system"/></Assessment>
    <IndicatorData><Indicator><IndicatorID name="cert.example" version="1">i-1</IndicatorID>
      <Observable><Address category="site-uri">http://login.shop.example/verify/</Address></Observable>
    </Indicator></IndicatorData>`)), { filename: 'incident.xml' });
    expect(r.error).toBeNull();
    expect(r.events.map((e) => e.url)).toContain('http://login.shop.example/verify/');
    expect(r.events.every((e) => e.category === 'phishing')).toBe(true);
    expect(r.events.some((e) => e.ip === 'http:')).toBe(false);
  });

  it('rejects a truncated document with the reason', async () => {
    const r = await parseReport(lf(doc(`    <EventData><Flow><System category="source"><Node>
      <Address category="ipv4-addr">192.0.2.9</Address>`).replace(/<\/Incident>[\s\S]*$/, '')), { filename: 'incident.xml' });
    expect(r.events).toEqual([]);
    expect(r.error).toMatch(/well-formed/);
  });
});

describe('feed tables', () => {
  const feed = `# produced 2026-03-01
#kind|address|asn|timestamp|info|asname

bot|198.51.100.30|64500|2026-03-01 10:00:00|family: examplebot;|Example Net
scanner|198.51.100.31|64500|2026-03-01 11:00:00|port: 22;|Example Net
proxy|198.51.100.32|64500|2026-03-01 12:00:00|socks4;|Example Net
# trailing comment
`.replace('#kind', '#category');

  it('reads a pipe table whose header row is a comment line, row by row', async () => {
    const r = await parseReport(lf(feed), { filename: 'feed.txt' });
    expect(r.events.map((e) => [e.ip, e.category])).toEqual([
      ['198.51.100.30', 'compromised-host'],
      ['198.51.100.31', 'port-scan'],
      ['198.51.100.32', 'vulnerable-service'],
    ]);
    expect(r.events[0].occurredAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('reads the same table pasted as a mail body', async () => {
    const r = await parseReport(crlf(`From: Feeds <feeds@intel.example>\nTo: cert@isp.example\nSubject: Daily report\nDate: Mon, 2 Mar 2026 06:00:00 +0000\n\n${feed}`));
    expect(r.events.map((e) => e.ip)).toEqual(['198.51.100.30', '198.51.100.31', '198.51.100.32']);
    expect(r.events[1].category).toBe('port-scan');
  });
});

describe('auto-replies in other languages', () => {
  // Wordings in more languages; one ending in a non-ASCII letter ("ответ") defeated a trailing \b.
  for (const subject of ['Respuesta automática: abuse report', 'Resposta automática: abuse report', 'Automaattinen vastaus: abuse report', 'Автоматический ответ: abuse report']) {
    it(subject, async () => {
      const r = await parseReport(crlf(`From: someone@corp.example\nTo: abuse@host.example\nSubject: ${subject}\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n\nAway until Monday; your message about 198.51.100.40 will be read then.\n`));
      expect(r.notActionable).toBe(true);
      expect(r.events).toEqual([]);
    });
  }
});

describe('a report wrapped by a gateway', () => {
  it('reads the embedded complaint written to the same desk, with the address it names first', async () => {
    const r = await parseReport(crlf(`From: "On behalf of: anna@mail.example" <certified@gateway.example>
To: abuse@host.example
Subject: CERTIFIED MAIL: complaint about 198.51.100.50
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="w"

--w
Content-Type: text/plain

-- This is a certified message --
On 02/03/2026 at 10:00 the message "complaint about 198.51.100.50" was sent by "anna@mail.example"
to: abuse@host.example. The original message is attached as "original.eml"; the file
"certdata.xml" holds the details of the transmission, and this notice is valid as a receipt.
The unique identifier of this message is opec.20260302100000.1234.5678@gateway.example.
Keep this receipt: it proves the time of sending and delivery to the recipient's provider.

--w
Content-Type: message/rfc822; name="original.eml"

Received: from [10.0.0.5] (unknown [192.0.2.77]) by smtp.mail.example; Mon, 2 Mar 2026 09:59:00 +0100
From: Anna <anna@mail.example>
To: Abuse <abuse@host.example>
Subject: complaint about 198.51.100.50
Date: Mon, 2 Mar 2026 09:59:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="i"

--i
Content-Type: text/plain

Thousands of spam mails leave your address 198.51.100.50 every day, faking my domains.
Please stop it. Attached one of the DMARC notices I got.

--i
Content-Type: message/rfc822

Received: from mail-out.dmarc.example (mail-out.dmarc.example [203.0.113.200]) by mx.mail.example; Mon, 2 Mar 2026 08:00:00 +0100
From: reports@dmarc.example
To: anna@mail.example
Subject: DMARC aggregate report

(report omitted)
--i--
--w--
`));
    expect(r.events[0]).toMatchObject({ ip: '198.51.100.50', category: 'spam' });
    expect(r.events.map((e) => e.ip)).not.toContain('192.0.2.77');
  });
});

describe('infected hosts', () => {
  it('a notice about systems infected by malware names compromised hosts, not malware hosting', async () => {
    const r = await parseReport(crlf(`From: Police Cybercrime Unit <cyber@police.example>
To: abuse@host.example
Subject: Information regarding possible infection with malware
Date: Mon, 2 Mar 2026 10:00:00 +0000

Dear Sir or Madam,

during an investigation we learned of public IP addresses which indicate a potential infection by
the malicious software "ExampleLoader" of systems behind them:

198.51.100.60, last contact 2026-02-28 10:00:00
198.51.100.61, last contact 2026-02-28 11:00:00

Please inform your customers.
`));
    expect(r.events.map((e) => e.ip)).toEqual(['198.51.100.60', '198.51.100.61']);
    expect(r.events.every((e) => e.category === 'compromised-host')).toBe(true);
  });
});

describe('devices compromised with malware', () => {
  it('is a compromised-host notice', async () => {
    const r = await parseReport(crlf(`From: National Cyber Centre <incident@cyber.example>\nTo: abuse@host.example\nSubject: Cyber Event Report\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n\nWe received a report indicating devices hosted within your infrastructure may be compromised with malware:\n198.51.100.150\nPlease investigate.\n`));
    expect(r.events[0]).toMatchObject({ ip: '198.51.100.150', category: 'compromised-host' });
  });
});

describe('a bare address list attached to a notice', () => {
  it('reads each row with its time and takes the category from the notice', async () => {
    const list = Buffer.from('ip_address,hostname,timestamp\n198.51.100.70,PC-01,2026-02-20 08:00:00\n198.51.100.71,PC-02,2026-02-21 09:30:00\n').toString('base64');
    const r = await parseReport(crlf(`From: Cyber Unit <cyber@police.example>
To: abuse@host.example
Subject: Possible infection with malware in your network
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="n"

--n
Content-Type: text/plain

The attached addresses indicate systems infected by a banking trojan. Please inform your customers.

--n
Content-Type: text/plain; name=addresses.txt
Content-Disposition: attachment; filename=addresses.txt
Content-Transfer-Encoding: base64

${list}
--n--
`));
    expect(r.events.map((e) => [e.ip, e.category, e.occurredAt])).toEqual([
      ['198.51.100.70', 'compromised-host', '2026-02-20T08:00:00.000Z'],
      ['198.51.100.71', 'compromised-host', '2026-02-21T09:30:00.000Z'],
    ]);
  });
});

describe('padded pipe feeds', () => {
  it('reads a feed with a commented header, padded pipes, saddr/utc columns and a footer', async () => {
    const feed = `# Example sensor network - daily list
#
# The report format is as follows:
#
# ASN  |  ASname  |  saddr  |  utc  |  category
#
64500        |  EXAMPLE-NET                     |  198.51.100.80    |  2026-03-01 04:26:48  |  sshpwauth
64501        |  OTHER-NET, Some City            |   198.51.100.81   |  2026-03-01 02:35:38  |  sshpwauth
#
# Statistics
#   Addresses: 2
`;
    const r = await parseReport(lf(feed), { filename: 'list.txt' });
    expect(r.events.map((e) => [e.ip, e.category, e.occurredAt])).toEqual([
      ['198.51.100.80', 'compromised-host', '2026-03-01T04:26:48.000Z'],
      ['198.51.100.81', 'compromised-host', '2026-03-01T02:35:38.000Z'],
    ]);
  });
});

describe('JSON lines feeds', () => {
  it('reads one record per line, with nested source fields', async () => {
    const text = [
      { time: '2026-03-01T10:00:00Z', source: { ip: '198.51.100.90', port: 4444 }, classification: 'botnet' },
      { time: '2026-03-01T11:00:00Z', source: { ip: '198.51.100.91', port: 4445 }, classification: 'port scan' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const r = await parseReport(lf(text), { filename: 'events.json' });
    expect(r.events.map((e) => [e.ip, e.port, e.category])).toEqual([
      ['198.51.100.90', 4444, 'compromised-host'],
      ['198.51.100.91', 4445, 'port-scan'],
    ]);
  });
});

describe('forwarded bounces', () => {
  it('a bounce forwarded twice (Fw:Fwd:) is still a bounce', async () => {
    const r = await parseReport(crlf(`From: someone@mail.example
To: abuse@host.example
Subject: Fw:Fwd: failure notice
Date: Mon, 2 Mar 2026 10:00:00 +0000

   ---------- Forwarded message ---------
   From: <MAILER-DAEMON@mx.host.example>
   Subject: failure notice
   Hi. This is the qmail-send program at mx.host.example.
   I'm afraid I wasn't able to deliver your message to the following addresses.
   This is a permanent error; I've given up. Sorry it didn't work out.
   <info@host.example>:
   552 sorry, mailbox full
`));
    expect(r.notActionable).toBe(true);
    expect(r.events).toEqual([]);
  });
});

describe('a machine-readable report forwarded with a long signature', () => {
  it('reads the embedded ARF report however much the forwarder wrote', async () => {
    const disclaimer = 'This e-mail and any attachment are confidential and intended solely for the addressee. '.repeat(12);
    const r = await parseReport(crlf(`From: Colleague <noc@partner.example>
To: abuse@host.example
Subject: Fwd: complaint from a mailbox provider
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain

Hi, please see the forwarded feedback report below.

--
Network Operations
${disclaimer}

--f
Content-Type: message/rfc822

From: fbl@mailbox.example
To: fbl@partner.example
Subject: FW: cheap watches
Date: Mon, 2 Mar 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="a"

--a
Content-Type: text/plain

This is an email abuse report for an email message received from IP 198.51.100.99.

--a
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: FBL/1.0
Version: 1
Source-IP: 198.51.100.99
Arrival-Date: Mon, 2 Mar 2026 08:00:00 +0000

--a
Content-Type: text/rfc822-headers

Received: from out.sender.example (out.sender.example [198.51.100.99]) by mx.mailbox.example; Mon, 2 Mar 2026 08:00:00 +0000
From: offers@sender.example
Subject: cheap watches

--a--
--f--
`));
    expect(r.format).toBe('arf');
    expect(r.events[0]).toMatchObject({ ip: '198.51.100.99', category: 'spam' });
  });
});

describe('hosts taking part in a DDoS', () => {
  it('is a DoS report even when it explains how the host was probably compromised', async () => {
    const r = await parseReport(crlf(`From: NOC <noc@gameservers.example>
To: abuse@host.example
Subject: Compromised host used for an attack: 198.51.100.120
Date: Mon, 2 Mar 2026 10:00:00 +0000

An IP address (198.51.100.120) under your control appears to have attacked one of our customers
as part of a coordinated DDoS botnet. It is possible that this host is a compromised webhost,
a compromised router or another compromised device.

2026-03-02 09:58:00 IP 198.51.100.120.3139 > 203.0.113.9.14597: UDP, length 1205
`));
    expect(r.events[0]).toMatchObject({ ip: '198.51.100.120', category: 'dos' });
  });
});

describe('hotline notices in other languages', () => {
  for (const [lang, words] of [
    ['de', 'wir wurden auf Darstellungen sexuellen Missbrauchs von Kindern unter folgender Adresse hingewiesen'],
    ['fr', 'nous avons reçu un signalement de contenus pédopornographiques à cette adresse'],
    ['es', 'hemos recibido una denuncia de pornografía infantil alojada en esta dirección'],
  ] as const) {
    it(lang, async () => {
      const r = await parseReport(crlf(`From: Hotline <report@hotline.example>\nTo: abuse@host.example\nSubject: Hotline notice 4711\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n\nHello, ${words}:\nhttp://files.example/gallery/123\n`));
      expect(r.events[0]).toMatchObject({ url: 'http://files.example/gallery/123', category: 'child-abuse' });
    });
  }
});

describe('complaints in Cyrillic and Polish', () => {
  it('a Russian phishing notice', async () => {
    const r = await parseReport(crlf(`From: CERT <cert@cert.example>\nTo: abuse@host.example\nSubject: Инцидент 1234\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nОбнаружен фишинговый сайт на вашем хостинге: http://bank-login.example/secure/\nПросим заблокировать.\n`));
    expect(r.events[0]).toMatchObject({ url: 'http://bank-login.example/secure/', category: 'phishing' });
  });
  it('a Polish malware notice', async () => {
    const r = await parseReport(crlf(`From: CERT <cert@cert.example>\nTo: abuse@host.example\nSubject: Zgłoszenie 99\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nNa serwerze 198.51.100.130 wykryto złośliwe oprogramowanie rozsyłane pod adresem http://198.51.100.130/x.exe\n`));
    expect(r.events[0]?.category).toBe('malware');
  });
});

describe('complaints in Japanese and Chinese', () => {
  it('an ISO-2022-JP phishing notice names its category in katakana', async () => {
    // "フィッシングサイト" (phishing site) in ISO-2022-JP, then an ASCII URL.
    const jis = Buffer.from('1b24422555252325432537257325302521254925481b2842', 'hex');
    const r = await parseReport(Buffer.concat([
      Buffer.from('From: cert@jp.example\r\nTo: abuse@host.example\r\nSubject: notice\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n'),
      jis,
      Buffer.from(': http://login.shop.example/verify\r\n'),
    ]));
    expect(r.events[0]).toMatchObject({ url: 'http://login.shop.example/verify', category: 'phishing' });
  });
  it('a Chinese spam complaint', async () => {
    const r = await parseReport(crlf(`From: user@cn.example\nTo: abuse@host.example\nSubject: 投诉\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n您的服务器 198.51.100.140 发送垃圾邮件。\n`));
    expect(r.events[0]).toMatchObject({ ip: '198.51.100.140', category: 'spam' });
  });
});

describe('truncated ACNS', () => {
  it('a notice cut off before its end is rejected with the reason', async () => {
    const r = await parseReport(lf(`<?xml version="1.0" encoding="UTF-8"?>
<Infringement xmlns="http://www.acns.net/ACNS">
  <Case><ID>T-1</ID></Case>
  <Complainant><Entity>Studio</Entity></Complainant>
  <Source>
    <TimeStamp>2026-02-27T22:10:01Z</TimeStamp>
    <IP_Address>203.0.113.`), { filename: 'notice.xml' });
    expect(r.events).toEqual([]);
    expect(r.error).toMatch(/truncated/);
  });
});
