import type { Category } from '../../domain/categories.js';
import type { NormalizedEvent } from '../../domain/event.js';
import { canonicalIp } from '../../domain/ip.js';
import { makeEvent, normalizeDomain, toIsoUtc, type StructuredHints } from './event.util.js';
import { categoryOfType, typeFromFilename } from './shadowserver.types.js';

/** Turns the records of one CSV table into events, once the header row told us what it is. */
export interface RowMapper {
  format: string;
  /** The report type the table was recognized as (e.g. `scan_ntp`). */
  reportType: string;
  /** Appends the record's events (none for a row without a resource, several for a multi-address cell). */
  map(record: string[], out: NormalizedEvent[]): void;
}

/**
 * The report type the columns reveal when the file name does not. Column sets identify a type
 * family well; within one family (the ~100 scans) the category is the same, so the exact name
 * matters only for the `type` label, which then comes from the `tag` column.
 */
export function inferShadowserverType(cols: ReadonlySet<string>): string | null {
  const has = (c: string) => cols.has(c);
  if (has('ip address') && has('channel')) return 'botnet_ccip';
  // IRC command-and-control servers: the C&C report predates the timestamp column.
  if (has('ip') && has('channel') && has('port') && has('first_seen')) return 'cc_ip';
  if (has('c&c') && has('url')) return 'botnet_url';
  if (has('irc port')) return 'irc_port';
  if (!has('timestamp')) return null;
  if (has('routedspoof')) return 'event4_ip_spoofer';
  if (has('entity_name') && has('leak_site_url')) return 'ransomware_victim';
  if (has('email') && has('infection') && !has('ip') && !has('src_ip')) return 'compromised_account';
  // Spam URL rows carry the spam's sending address (src_ip) beside the advertised URL's own.
  if (has('url') && has('src_ip') && (has('subject') || has('sender'))) return 'spam_url';
  if (has('http_referer_ip')) return 'event4_sinkhole_http_referer';
  if (has('src_ip')) {
    if (has('query') && has('query_type')) return 'event4_sinkhole_dns';
    if (has('dst_network') || has('domain_source')) return 'event4_ddos_participant';
    if (has('request') && has('bytes') && has('duration')) return 'event4_honeypot_ddos_amp';
    if (has('service') && has('end_time')) return 'event4_honeypot_brute_force';
    if (has('pattern') && has('http_url')) return 'event4_honeypot_http_scan';
    if (has('http_url') && has('http_host')) return 'event4_sinkhole_http';
    // Honeypot scanner reports describe what the scan probed for.
    if (has('vulnerability_enum') || has('target_product') || has('threat_technique_id')) return 'event4_honeypot_scan';
    if (has('count')) return 'event4_honeypot_darknet';
    if (has('infection') || has('family')) return 'event4_sinkhole';
    return null;
  }
  if (has('md5hash') && has('request') && has('response')) return 'sandbox_dns';
  if (!has('ip')) return null;
  if (has('url') && has('sha256')) return 'malware_url';
  if (has('url') && (has('subject') || has('sender'))) return 'spam_url';
  if (has('url') && (has('md5') || has('md5hash')) && has('user_agent')) return 'sandbox_url';
  if (has('md5') && has('bytes_in')) return 'sandbox_conn';
  if (has('http_host') && has('detected_since')) return 'compromised_website';
  if (has('url') && has('host') && has('source')) return 'phish_url';
  if (has('reason') && has('source')) return 'blocklist';
  if (has('cc') && has('infection')) return 'botnet_drone';
  if (has('beacon_type') || has('beacon_host')) return 'scan_post_exploitation_framework';
  if (has('family') && (has('malpubkey_sha256') || has('server_host_key'))) return 'compromised_iot';
  if (has('http_agent') && (has('tor') || has('p0f_genre')) && has('url')) return 'sinkhole_http_drone';
  if (has('status') && has('detail') && has('tag')) return 'special';
  if (has('dns') && has('password') && has('via')) return 'open_proxy';
  if (has('packets') && has('size') && !has('tag')) return 'scan_ntpmonitor';
  if (has('min_amplification') || has('dns_version')) return 'scan_dns';
  if (has('port') || has('protocol') || has('tag')) return 'scan';
  return null;
}

/** Columns that describe the network around the address, not the finding: left out of evidence. */
const NOISE = new Set(['asn', 'geo', 'region', 'city', 'naics', 'sic', 'sector', 'src_asn', 'src_geo', 'src_region', 'src_city', 'src_naics', 'src_sector', 'dst_asn', 'dst_geo', 'dst_region', 'dst_city', 'dst_naics', 'dst_sector', 'http_referer_asn', 'http_referer_geo', 'http_referer_region', 'http_referer_city', 'http_referer_naics', 'http_referer_sector', 'country', 'state', 'as name', 'as description']);
const MAX_EVIDENCE_FIELDS = 16;
/** Already in the event itself. */
const IN_EVENT = new Set(['timestamp', 'ip', 'port', 'hostname', 'src_ip', 'src_port', 'src_hostname']);
const MAX_FIELD = 200;

const URL_TYPES = new Set(['malware_url', 'phish_url', 'spam_url', 'sandbox_url', 'botnet_url', 'compromised_website', 'compromised_website6', 'scan_exchange', 'scan6_exchange']);

/**
 * A mapper for a Shadowserver table, or null when the header is not one. `header` is the first
 * record as read; names are matched case-insensitively because the wiki-era files capitalize.
 */
export function shadowserverMapper(header: string[], hints: StructuredHints): RowMapper | null {
  const cols = header.map((h) => h.trim().toLowerCase());
  const set = new Set(cols);
  const inferred = inferShadowserverType(set);
  if (!inferred) return null;
  // The file name is trusted for the type only when the columns agree it is a Shadowserver table.
  const named = typeFromFilename(hints.filename);
  const reportType = named ?? inferred;
  const baseCategory: Category = categoryOfType(reportType) ?? categoryOfType(inferred) ?? 'vulnerable-service';
  const idx = (...names: string[]) => {
    for (const n of names) {
      const i = cols.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };

  const target = reportType.includes('ddos_target') || (cols.indexOf('dst_ip') >= 0 && cols.indexOf('dst_ip') < cols.indexOf('src_ip') && inferred === 'event4_ddos_participant');
  const iIp = target ? idx('dst_ip') : idx('ip', 'src_ip', 'http_referer_ip', 'ip address', 'c&c');
  const iPort = target ? idx('dst_port') : idx('port', 'src_port', 'http_referer_port', 'c&c port');
  const iTime = idx('timestamp', 'first_seen');
  const iDate = idx('date');
  const iClock = idx('time');
  const urlType = URL_TYPES.has(reportType) || URL_TYPES.has(inferred);
  const iUrl = urlType ? idx('url') : reportType === 'ransomware_victim' ? idx('website') : -1;
  const iHttpHost = idx('http_host');
  const isWebsite = reportType.startsWith('compromised_website') || inferred === 'compromised_website';
  const iDomain = isWebsite ? iHttpHost : urlType ? idx('host', 'hostname') : target ? idx('dst_hostname') : idx('hostname', 'src_hostname', 'http_referer_hostname', 'domain');
  const iTag = idx('tag', 'infection', 'type');
  const iEmail = idx('email');
  const iStatus = reportType === 'special' ? idx('status') : -1;
  const evidenceCols: number[] = [];
  cols.forEach((c, i) => {
    if (!NOISE.has(c) && !IN_EVENT.has(c) && evidenceCols.length < MAX_EVIDENCE_FIELDS) evidenceCols.push(i);
  });
  const label = (reportType === 'scan' ? 'scan' : reportType).replace(/-/g, '_');
  const fallbackTime = toIsoUtc(hints.receivedAt) ?? '';
  let lastTimeText: string | null = null;
  let lastTimeIso: string | null = null;

  return {
    format: 'shadowserver-csv',
    reportType: label,
    map(rec: string[], out: NormalizedEvent[]): void {
      const cell = iIp >= 0 ? rec[iIp] ?? '' : '';
      // Wiki-era tables list several addresses in one cell, separated by spaces.
      if (cell.includes(' ')) {
        for (const one of cell.trim().split(/\s+/).slice(0, 64)) this.map(Object.assign([...rec], { [iIp]: one }), out);
        return;
      }
      let ipText = cell;
      let cidr: string | undefined;
      const slash = ipText.indexOf('/');
      if (slash > 0) {
        cidr = ipText;
        ipText = ipText.slice(0, slash);
      }
      let url = iUrl >= 0 ? rec[iUrl] || null : null;
      const domain = iDomain >= 0 ? rec[iDomain] || null : null;
      if (url && isWebsite && !/^[a-z]+:\/\//i.test(url)) {
        // Compromised-website rows give the path apart from the site.
        const host = iHttpHost >= 0 ? rec[iHttpHost] : '';
        url = host ? `http://${host}/${url.replace(/^\/+/, '')}` : null;
      }
      const email = iEmail >= 0 ? rec[iEmail] || null : null;
      if (!ipText && !url && !domain && !email) return;
      let category = baseCategory;
      const tag = iTag >= 0 ? rec[iTag] : undefined;
      if (iStatus >= 0 && /compromis|backdoor|implant|infect|webshell/i.test(`${rec[iStatus] ?? ''} ${tag ?? ''}`)) category = 'compromised-host';
      const evidence: Record<string, unknown> = {};
      for (const i of evidenceCols) {
        const v = rec[i];
        if (v) evidence[cols[i]] = v.length > MAX_FIELD ? v.slice(0, MAX_FIELD) + '…' : v;
      }
      if (cidr) evidence.cidr = cidr;
      const time = iTime >= 0 ? rec[iTime] : iDate >= 0 ? `${rec[iDate] ?? ''} ${iClock >= 0 ? rec[iClock] ?? '' : ''}`.trim() : null;
      const type = tag && label === 'scan' ? `scan_${tag.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40)}` : label;
      if (url || email) {
        out.push(makeEvent({ category, type, ip: ipText || null, port: iPort >= 0 ? rec[iPort] : null, url, domain, email, occurredAt: time, reporter: 'Shadowserver', evidence }, hints, true));
        return;
      }
      // The common row (an address, its port, its reverse name) is built directly: this loop runs
      // millions of times for one big report.
      let occurredAt = fallbackTime;
      if (time) {
        if (time !== lastTimeText) {
          lastTimeText = time;
          lastTimeIso = toIsoUtc(time);
        }
        if (lastTimeIso) occurredAt = lastTimeIso;
      }
      const portText = iPort >= 0 ? rec[iPort] : '';
      const port = portText && portText.length <= 5 ? Number(portText) : NaN;
      out.push({
        category,
        type,
        ip: ipText ? fastIpv4(ipText) ?? canonicalIp(ipText) : null,
        port: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : null,
        url: null,
        domain: domain ? normalizeDomain(domain) : null,
        email: null,
        occurredAt,
        reporter: 'Shadowserver',
        evidence,
      });
    },
  };
}

/** A canonical dotted quad as it is (no leading zeros, each part <= 255), else null: the fast path of canonicalIp. */
function fastIpv4(s: string): string | null {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255) return null;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return null;
      value = value * 10 + (c - 48);
      if (++digits > 3) return null;
    } else return null;
  }
  return parts === 3 && digits > 0 && value <= 255 ? s : null;
}
