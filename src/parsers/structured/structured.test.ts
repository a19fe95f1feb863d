import { gzipSync, zipSync } from 'fflate';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { extractAcnsFromText, parseStructured, streamShadowserverCsv } from './index.js';
import { ArchiveLimitError, unzipLimited } from './archive.util.js';

const enc = (s: string) => new TextEncoder().encode(s);
const parse = (s: string | Uint8Array, hints = {}) => parseStructured(typeof s === 'string' ? enc(s) : s, hints);

const xarfV4 = {
  xarf_version: '4.0.0',
  report_id: '3f2b8c1e-4a5d-4e6f-9a8b-7c6d5e4f3a2b',
  timestamp: '2025-03-01T10:00:00Z',
  reporter: { org: 'Trap Net', contact: 'abuse@trap.example', domain: 'trap.example' },
  sender: { org: 'Trap Net', contact: 'abuse@trap.example', domain: 'trap.example' },
  source_identifier: '203.0.113.9',
  source_port: 4444,
  category: 'connection',
  type: 'login_attack',
  protocol: 'tcp',
  first_seen: '2025-03-01T09:55:00Z',
};

describe('XARF', () => {
  it('reads a valid v4 report into one event', async () => {
    const r = await parse(JSON.stringify(xarfV4));
    expect(r?.error).toBeNull();
    expect(r?.events).toHaveLength(1);
    expect(r?.events[0]).toMatchObject({ category: 'compromised-host', ip: '203.0.113.9', port: 4444, occurredAt: '2025-03-01T10:00:00.000Z', reporter: 'abuse@trap.example' });
  });

  it('rejects a v4 report with a bad field, naming it', async () => {
    const r = await parse(JSON.stringify({ ...xarfV4, report_id: 'not-a-uuid', category: 'weather' }));
    expect(r?.events).toEqual([]);
    expect(r?.error).toMatch(/report_id/);
    expect(r?.error).toMatch(/category/);
  });

  it('validates v3 against the type rules and rejects what the schema rejects', async () => {
    const good = {
      Version: '3',
      Disclosure: true,
      ReporterInfo: { ReporterOrg: 'ExampleOrg', ReporterOrgDomain: 'example.com', ReporterOrgEmail: 'r@example.com' },
      Report: { ReportClass: 'Activity', ReportType: 'PortScan', Date: '2020-01-01T00:00:00Z', SourceIp: '198.51.100.7', DestinationPort: [22, 23] },
    };
    const ok = await parse(JSON.stringify(good));
    expect(ok?.error).toBeNull();
    expect(ok?.events[0]).toMatchObject({ category: 'port-scan', ip: '198.51.100.7' });
    const badPort = await parse(JSON.stringify({ ...good, Report: { ...good.Report, DestinationPort: 'PORT80' } }));
    expect(badPort?.error).toMatch(/DestinationPort/);
    const extraReporterKey = await parse(JSON.stringify({ ...good, ReporterInfo: { ...good.ReporterInfo, Nickname: 'x' } }));
    expect(extraReporterKey?.error).toMatch(/ReporterInfo/);
    const wrongClass = await parse(JSON.stringify({ ...good, Report: { ...good.Report, ReportClass: 'Content' } }));
    expect(wrongClass?.error).toMatch(/ReportClass/);
  });

  it('rejects a v4 report that lacks what its type requires', async () => {
    const { protocol: _p, ...noProtocol } = xarfV4;
    const r = await parse(JSON.stringify(noProtocol));
    expect(r?.error).toMatch(/connection\/login_attack requires protocol/);
    const phishing = await parse(JSON.stringify({ ...xarfV4, category: 'content', type: 'phishing' }));
    expect(phishing?.error).toMatch(/requires url/);
  });

  it('accepts the v3-shaped documents senders really send (other versions, inline in a body, VERP senders)', async () => {
    const doc = {
      Version: '1',
      Disclosure: true,
      ReporterInfo: { ReporterOrg: 'Takedown Co', ReporterOrgDomain: 'takedown.example', ReporterOrgEmail: 'case+1@takedown.example' },
      Report: { ReportClass: 'Content', ReportType: 'Phishing', ReportSubType: 'Fake Bank', Date: '2024-03-20T15:55:34Z', SourceIp: '192.0.2.62', SourceUrl: 'https://login.bank.example.net/' },
    };
    const r = await parse(JSON.stringify(doc));
    expect(r?.events[0]).toMatchObject({ category: 'phishing', ip: '192.0.2.62', url: 'https://login.bank.example.net/' });
    const inline = await parse(`===[ XARF Report ]===\n${JSON.stringify({ ...doc, Version: undefined, Report: { ...doc.Report, ReportType: 'WebAppAttack', ReportClass: 'Activity' } }, null, 2)}\n-- \nsent by a bot`);
    expect(inline?.events[0]).toMatchObject({ category: 'compromised-host', ip: '192.0.2.62' });
    const verp = await parse(
      JSON.stringify({
        Version: '3',
        Disclosure: false,
        ReporterInfo: { ReporterOrg: 'Trap Co', ReporterOrgDomain: 'trap.example', ReporterOrgEmail: 'r@trap.example' },
        Report: { ReportClass: 'Activity', ReportType: 'Spam', Date: '2023-07-31T14:34:10Z', SourceIp: '192.0.2.72', SmtpMailFromAddress: 'bounce=user.example@bounces.example' },
      }),
    );
    expect(verp?.error).toBeNull();
    expect(verp?.events[0].email).toBe('bounce=user.example@bounces.example');
  });

  it('says which JSON is broken rather than passing it on', async () => {
    const r = await parse('{"xarf_version": "4.0.0", "report_id": ');
    expect(r?.error).toMatch(/malformed JSON/);
    expect(await parse('{"hello": "world"}')).toBeNull();
  });
});

const acns = (ip: string, title: string, ns = 'http://www.acns.net/ACNS') => `<?xml version="1.0" encoding="UTF-8"?>
<Infringement xmlns="${ns}">
  <Case><ID>C-${ip}</ID></Case>
  <Complainant><Entity>Rights & Co</Entity><Email>notices@rights.example</Email></Complainant>
  <Source><TimeStamp>2020-03-15T20:38:15.73Z</TimeStamp><IP_Address>${ip}</IP_Address><Port>51413</Port><Type>P2P</Type></Source>
  <Content><Item><Title>${title}</Title></Item></Content>
</Infringement>`;

describe('ACNS', () => {
  it('recovers notices with unescaped & in both namespaces, several per text, inline in a mail body', async () => {
    const body = `Dear provider,\n\n${acns('192.0.2.44', 'Fish & Chips')}\n\nand also\n${acns('2001:db8::7', 'Salt & Vinegar', 'http://www.acns.net')}\nRegards`;
    const r = extractAcnsFromText(body, { receivedAt: '2020-03-16T00:00:00Z' });
    expect(r?.error).toBeNull();
    expect(r?.events.map((e) => e.ip)).toEqual(['192.0.2.44', '2001:db8::7']);
    expect(r?.events[0]).toMatchObject({ category: 'copyright', port: 51413, occurredAt: '2020-03-15T20:38:15.730Z', reporter: 'notices@rights.example' });
    expect(r?.events[0].evidence.titles).toEqual(['Fish & Chips']);
  });

  it('reads the fields of a notice too broken to parse', async () => {
    const broken = acns('192.0.2.45', 'x').replace('</Case>', '</Cas>').replace('<Content>', '<Content><<');
    const r = await parse(broken);
    expect(r?.events[0]?.ip).toBe('192.0.2.45');
  });

  it('finds a notice HTML-escaped in an HTML part', async () => {
    const html = `<html><body><pre>${acns('192.0.2.46', 'y').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre></body></html>`;
    const r = extractAcnsFromText(html);
    expect(r?.events[0]?.ip).toBe('192.0.2.46');
  });
});

describe('hostile XML', () => {
  it('scans a text of many unclosed notice openings in linear time', async () => {
    const t = performance.now();
    const r = await parse('</Infringement>' + '<Infringement xmlns="http://www.acns.net/ACNS"> '.repeat(200_000));
    expect(r?.events ?? []).toEqual([]);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('refuses XXE with a clear error and never reads the file', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Infringement xmlns="http://www.acns.net/ACNS"><Complainant><Entity>&xxe;</Entity></Complainant><Source><IP_Address>192.0.2.1</IP_Address></Source></Infringement>`;
    const r = await parse(xxe);
    expect(r?.events).toEqual([]);
    expect(r?.error).toMatch(/ENTITY|DTD/);
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('refuses billion laughs quickly', async () => {
    let dtd = '<!ENTITY lol0 "lol">';
    for (let i = 1; i < 10; i++) dtd += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
    const doc = `<?xml version="1.0"?><!DOCTYPE lolz [${dtd}]><IODEF-Document><Incident><Description>&lol9;</Description></Incident></IODEF-Document>`;
    const t = performance.now();
    const r = await parse(doc);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(r?.error).toMatch(/ENTITY|DTD/);
  });
});

describe('Shadowserver CSV', () => {
  it('reads columns by header, in any order, with a CIDR ip', async () => {
    const csv = '"tag","hostname","port","ip","timestamp","protocol","asn"\n"ntpversion","ntp.example.net",123,"192.0.2.0/28","2024-05-01 10:00:00","udp",64512\n';
    const r = await parse(csv, { filename: '2024-05-01-scan_ntp-example-asn.csv' });
    expect(r?.format).toBe('shadowserver-csv');
    expect(r?.events[0]).toMatchObject({ category: 'vulnerable-service', type: 'scan_ntp', ip: '192.0.2.0', port: 123, domain: 'ntp.example.net', occurredAt: '2024-05-01T10:00:00.000Z' });
    expect(r?.events[0].evidence.cidr).toBe('192.0.2.0/28');
  });

  it('knows a sinkhole report by its columns when the file name says nothing', async () => {
    const csv = 'timestamp,protocol,src_ip,src_port,dst_ip,dst_port,infection,family,tag,application\n2024-01-01 00:00:01,tcp,198.51.100.23,50123,203.0.113.1,80,andromeda,andromeda,,http\n';
    const r = await parse(csv, { filename: 'attachment.csv' });
    expect(r?.events[0]).toMatchObject({ category: 'compromised-host', ip: '198.51.100.23', port: 50123 });
  });

  it('refuses an absurd row with a clear error', async () => {
    const csv = `timestamp,ip,port,tag\n2024-01-01 00:00:00,192.0.2.1,23,"${'A'.repeat(400_000)}"\n`;
    const r = await parse(csv);
    expect(r?.events).toEqual([]);
    expect(r?.error).toMatch(/larger than/);
  });

  it('refuses a table of more rows than a report may hold in memory, quickly', async () => {
    const t = performance.now();
    const r = await parse(`timestamp,ip,port,tag\n${'2024-01-01 00:00:00,192.0.2.1,1,x\n'.repeat(400_000)}`);
    expect(r?.events).toEqual([]);
    expect(r?.error).toMatch(/more than 100000 rows.*streaming/);
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('streams a gzip-compressed CSV into events', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => `2024-05-01 00:00:00,10.0.${i >> 8}.${i & 255},53,openresolver`);
    const gz = gzipSync(enc(`timestamp,ip,port,tag\n${rows.join('\n')}\n`));
    const chunks = [gz.subarray(0, 7), gz.subarray(7, 1000), gz.subarray(1000)];
    let n = 0;
    let last;
    for await (const e of streamShadowserverCsv(Readable.from(chunks), { filename: 'scan_dns.csv.gz' })) {
      n++;
      last = e;
    }
    expect(n).toBe(2500);
    expect(last).toMatchObject({ category: 'vulnerable-service', ip: '10.0.9.195', port: 53 });
  });

  it('streams the CSV inside a zip, and stops a zipped bomb at the first absurd record', async () => {
    const csv = `timestamp,ip,port,tag\n${Array.from({ length: 3000 }, (_, i) => `2024-05-01 00:00:00,10.1.${i >> 8}.${i & 255},11211,memcached`).join('\n')}\n`;
    const zip = zipSync({ '2024-05-01-scan_memcached-x-asn.csv': enc(csv) });
    const pieces = Array.from({ length: Math.ceil(zip.length / 512) }, (_, k) => zip.subarray(k * 512, (k + 1) * 512));
    let n = 0;
    for await (const e of streamShadowserverCsv(Readable.from(pieces), {})) {
      expect(e.category).toBe('vulnerable-service');
      n++;
    }
    expect(n).toBe(3000);
    const bomb = zipSync({ 'bomb.csv': new Uint8Array(30 * 1024 * 1024).fill(65) }, { level: 9 });
    const run = async () => {
      for await (const _ of streamShadowserverCsv(Readable.from([bomb]), {})) void _;
    };
    await expect(run()).rejects.toThrow(/larger than the limit/);
  });

  it('refuses to stream an absurd row, with a clear error', async () => {
    const run = async () => {
      for await (const _ of streamShadowserverCsv(Readable.from([enc('timestamp,ip,port,tag\n'), enc(`2024-01-01 00:00:00,192.0.2.1,1,"${'B'.repeat(300_000)}"\n`)]), {})) void _;
    };
    await expect(run()).rejects.toThrow(/record larger than the limit/);
  });

  it('streams a semicolon table delivered a few bytes at a time', async () => {
    const text = 'timestamp;ip;port;tag\n2024-05-01 00:00:00;192.0.2.5;161;snmp\n2024-05-01 00:00:01;192.0.2.6;161;snmp\n';
    const bytes = enc(text);
    const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const got = [];
    for await (const e of streamShadowserverCsv(Readable.from(pieces), { filename: 'scan_snmp.csv' })) got.push(e.ip);
    expect(got).toEqual(['192.0.2.5', '192.0.2.6']);
  });

  it('refuses to stream a table it does not know', async () => {
    const run = async () => {
      for await (const _ of streamShadowserverCsv(Readable.from([enc('a,b,c\n1,2,3\n')]), {})) void _;
    };
    await expect(run()).rejects.toThrow(/not a Shadowserver/);
  });
});

describe('other tables', () => {
  it('reads a pipe table after a few lines of prose in a mail body', async () => {
    const body = `Hello abuse team,\n\nwe found malware on your network:\n\n|date |id |virusname |ip |domain |Url|\n|2015-09-14 07:49:54 CEST |81328588 |JS/iFrame.cqq |192.0.2.13 |victim.example |http://abc.victim.example/|\n\nRegards, the scanners`;
    const r = await parse(body);
    expect(r?.events).toHaveLength(1);
    expect(r?.events[0]).toMatchObject({ category: 'compromised-host', ip: '192.0.2.13', url: 'http://abc.victim.example/', occurredAt: '2015-09-14T05:49:54.000Z' });
  });

  it('leaves prose with commas alone', async () => {
    expect(await parse('Hi, we see, as usual, spam from your IP 192.0.2.1, please act.\nThanks, Bob')).toBeNull();
  });

  it('classifies a feed table by its report-type column', async () => {
    const r = await parse('reliable_notifier,report_type,event_date,event_time,src_ip\nMicrosoft,"Hotmail FBL",2019-05-20,13:43:26,192.0.2.84\n');
    expect(r?.events[0]).toMatchObject({ category: 'spam', ip: '192.0.2.84', occurredAt: '2019-05-20T13:43:26.000Z' });
  });
});

describe('JSON feeds', () => {
  it('reads flat JSON records like a table', async () => {
    const feed = await parse(JSON.stringify({ events: [{ src_ip: '192.0.2.4', category: 'brute-force', first_seen: '2024-02-02T01:02:03Z' }] }));
    expect(feed?.events[0]).toMatchObject({ category: 'compromised-host', ip: '192.0.2.4', occurredAt: '2024-02-02T01:02:03.000Z' });
    const ss = await parse(JSON.stringify([{ timestamp: '2024-01-01 00:00:00', ip: '192.0.2.3', port: 23, tag: 'telnet', protocol: 'tcp' }]), { filename: 'scan_telnet.json' });
    expect(ss?.events[0]).toMatchObject({ category: 'vulnerable-service', type: 'scan_telnet', port: 23 });
    expect(await parse(JSON.stringify([{ a: 1 }]))).toBeNull();
  });
});

describe('zip archives', () => {
  it('parses the CSV inside a zip', async () => {
    const zip = zipSync({ '2024-05-01-scan_redis-x-asn.csv': enc('timestamp,ip,port,tag\n2024-05-01 01:02:03,192.0.2.9,6379,redis\n') });
    const r = await parse(zip);
    expect(r?.events[0]).toMatchObject({ category: 'vulnerable-service', type: 'scan_redis', ip: '192.0.2.9' });
  });

  it('stops a zip bomb with a clear error', async () => {
    const zip = zipSync({ 'bomb.csv': new Uint8Array(40 * 1024 * 1024) }, { level: 9 });
    expect(zip.length).toBeLessThan(200 * 1024);
    const r = await parse(zip);
    expect(r?.events).toEqual([]);
    expect(r?.error).toMatch(/zip bomb/);
  });

  it('enforces entry count and total size limits', () => {
    const many = zipSync(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, enc('x')])));
    expect(() => unzipLimited(many, { maxEntries: 10, maxTotalBytes: 1e6, maxEntryBytes: 1e6, maxRatio: 1000 })).toThrow(ArchiveLimitError);
    const big = zipSync({ 'a.txt': enc('y'.repeat(5000)) }, { level: 0 });
    expect(() => unzipLimited(big, { maxEntries: 10, maxTotalBytes: 1000, maxEntryBytes: 1e6, maxRatio: 1000 })).toThrow(/zip bomb/);
  });
});

describe('IODEF', () => {
  it('reads the source systems of RFC 7970 XML', async () => {
    const xml = `<?xml version="1.0"?><IODEF-Document version="2.00" xmlns="urn:ietf:params:xml:ns:iodef-2.0"><Incident purpose="reporting"><IncidentID name="csirt.example">42</IncidentID><GenerationTime>2021-01-02T03:04:05Z</GenerationTime>
      <Assessment><SystemImpact type="takeover-system"/></Assessment>
      <EventData><Flow><System category="source"><Node><Address category="ipv4-addr">192.0.2.77</Address></Node><Service><Port>22</Port></Service></System>
      <System category="target"><Node><Address category="ipv4-addr">198.51.100.1</Address></Node></System></Flow></EventData></Incident></IODEF-Document>`;
    const r = await parse(xml);
    expect(r?.format).toBe('iodef');
    expect(r?.events.map((e) => [e.category, e.ip, e.port])).toEqual([['compromised-host', '192.0.2.77', 22]]);
  });
});
