import type { Category } from '../../domain/categories.js';
import { canonicalIp } from '../../domain/ip.js';
import { makeEvent, type StructuredHints } from './event.util.js';
import { mapLabel } from './label-map.js';
import type { RowMapper } from './shadowserver.mapper.js';

/**
 * Tables from other senders (AbuseHUB CSV, CERT/US-CERT infection lists, Clean-MX pipe tables):
 * columns found by the usual names, the category read from the columns that carry one.
 */
const ALIASES = {
  ip: ['ip', 'src_ip', 'source_ip', 'sourceip', 'ip_address', 'ip address', 'ipaddress', 'source ip', 'src ip', 'address', 'host_ip', 'saddr', 'src_addr', 'source_address', 'srcip'],
  port: ['src_port', 'port', 'source_port', 'sourceport'],
  url: ['url', 'src_url', 'uri', 'link'],
  domain: ['domain', 'src_hostname', 'hostname', 'host', 'fqdn'],
  email: ['src_email', 'email', 'e-mail', 'sender'],
  time: ['timestamp', 'datetime', 'date_time', 'event_time_utc', 'first_seen', 'firstseen', 'date', 'time', 'event_date', 'last_seen', 'lastseen', 'last seen', 'utc', 'seen'],
  clock: ['event_time', 'time'],
  label: ['report_type', 'reporttype', 'category', 'classification', 'type', 'infection_type', 'abuse_type', 'threat', 'feed'],
  infection: ['malware', 'infection', 'virusname', 'malware_family', 'family', 'botnet'],
};

function find(cols: string[], names: string[]): number {
  for (const n of names) {
    const i = cols.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** US-style "12/8/2019 7:54" as the CERT lists write it; anything else goes to the ISO reader. */
function usDate(s: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return s;
  const p = (x: string | undefined) => (x ?? '0').padStart(2, '0');
  return `${m[3]}-${p(m[1])}-${p(m[2])}T${p(m[4])}:${p(m[5])}:${p(m[6])}Z`;
}

export function genericTableMapper(header: string[], hints: StructuredHints, format = 'csv-table'): RowMapper | null {
  const cols = header.map((h) => h.trim().toLowerCase());
  const iIp = find(cols, ALIASES.ip);
  const iUrl = find(cols, ALIASES.url);
  if (iIp < 0 && iUrl < 0) return null;
  const iLabel = find(cols, ALIASES.label);
  const iInfection = find(cols, ALIASES.infection);
  // A table that names no kind of abuse is a plain list of addresses: read it only when it says
  // when each was seen (a notice's attachment); the notice around it says what the rows are, and
  // such rows carry 'unclassified' until the caller classifies them from those words.
  const unlabelled = iLabel < 0 && iInfection < 0;
  if (unlabelled && (iIp < 0 || find(cols, ALIASES.time) < 0)) return null;
  const iPort = find(cols, ALIASES.port);
  const iDomain = find(cols, ALIASES.domain);
  const iEmail = find(cols, ALIASES.email);
  const iTime = find(cols, ALIASES.time);
  const iClock = cols[iTime] === 'event_date' ? find(cols, ALIASES.clock) : -1;
  const columnCategory: Category | null = iInfection >= 0 ? 'compromised-host' : null;
  return {
    format,
    reportType: format,
    map(rec, out) {
      const ipText = iIp >= 0 ? (rec[iIp] ?? '').split('/')[0] : '';
      const url = iUrl >= 0 ? rec[iUrl] || null : null;
      if (!canonicalIp(ipText) && !url) return;
      const labelText = iLabel >= 0 ? rec[iLabel] ?? '' : '';
      const infection = iInfection >= 0 ? rec[iInfection] ?? '' : '';
      // An infection column with a value means the listed host runs that malware.
      const category: Category = mapLabel(labelText) ?? (infection ? mapLabel(infection) ?? columnCategory : null) ?? 'unclassified';
      const evidence: Record<string, unknown> = {};
      cols.forEach((c, i) => {
        if (rec[i]) evidence[c] = rec[i];
      });
      const time = iTime >= 0 ? usDate(`${rec[iTime] ?? ''}${iClock >= 0 ? ` ${rec[iClock] ?? ''}` : ''}`) : null;
      out.push(makeEvent(
        {
          category,
          type: (labelText || infection || format).toLowerCase().slice(0, 60),
          ip: ipText || null,
          port: iPort >= 0 ? rec[iPort] : null,
          url,
          domain: iDomain >= 0 ? rec[iDomain] : null,
          email: iEmail >= 0 ? (rec[iEmail] ?? '').replace(/^<|>$/g, '') : null,
          occurredAt: time,
          reporter: null,
          evidence,
        },
        hints,
      ));
    },
  };
}
