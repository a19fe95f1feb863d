import type { Category } from '../../domain/categories.js';

/**
 * Shadowserver report type -> AUP category. Every type in Shadowserver's report_schema
 * (reports.json) is named here or matched by a family rule below; the test walks reports.json to
 * keep it so. Scans of open or vulnerable services are informational (`vulnerable-service`);
 * sinkhole, drone and honeypot-attacker reports mean a host of ours is infected or attacking.
 */
export const SHADOWSERVER_TYPES: Record<string, Category> = {
  blocklist: 'blacklisting',
  compromised_account: 'compromised-host',
  compromised_iot: 'compromised-host',
  compromised_iot6: 'compromised-host',
  compromised_website: 'compromised-host',
  compromised_website6: 'compromised-host',
  // Device identification is an inventory of exposed devices: informational like a scan.
  device_id: 'vulnerable-service',
  device_id6: 'vulnerable-service',
  event4_ddos_participant: 'dos',
  event4_honeypot_brute_force: 'compromised-host',
  // Traffic into unused address space: hosts of ours scanning the internet.
  event4_honeypot_darknet: 'port-scan',
  event4_honeypot_ddos: 'dos',
  event4_honeypot_ddos_amp: 'dos',
  event4_honeypot_ddos_target: 'dos',
  // HTTP "scans" seen by honeypots are exploit attempts (the pattern column names the CVE).
  event4_honeypot_http_scan: 'compromised-host',
  // Spoofed traffic leaving a network is a routing misconfiguration (no BCP 38), not an attack by a customer.
  event4_ip_spoofer: 'vulnerable-service',
  event4_microsoft_sinkhole: 'compromised-host',
  event4_microsoft_sinkhole_http: 'compromised-host',
  event4_sinkhole: 'compromised-host',
  event4_sinkhole_dns: 'compromised-host',
  event4_sinkhole_http: 'compromised-host',
  event4_sinkhole_http_referer: 'compromised-host',
  event6_sinkhole: 'compromised-host',
  event6_sinkhole_http: 'compromised-host',
  event6_sinkhole_http_referer: 'compromised-host',
  malware_url: 'malware',
  phish_url: 'phishing',
  ransomware_victim: 'compromised-host',
  // Sandbox reports name where sandboxed malware connects or downloads from: hosting of malware or C2.
  sandbox_conn: 'compromised-host',
  sandbox_dns: 'compromised-host',
  sandbox_url: 'malware',
  // A post-exploitation framework (Cobalt Strike, Sliver...) answering on a host is a C2 server.
  scan_post_exploitation_framework: 'compromised-host',
  scan6_post_exploitation_framework: 'compromised-host',
  spam_url: 'spamvertising',
  // `special` carries one-off campaigns; its rows say themselves whether a host is compromised.
  special: 'vulnerable-service',
  // Legacy names (the Shadowserver wiki, AbuseIO samples, mails before the 2022 renaming).
  botnet_drone: 'compromised-host',
  botnet_drone_hadoop: 'compromised-host',
  botnet_ccip: 'compromised-host',
  botnet_url: 'compromised-host',
  cc_ip: 'compromised-host',
  cc_url: 'compromised-host',
  drone: 'compromised-host',
  drone_brute_force: 'compromised-host',
  sinkhole_http_drone: 'compromised-host',
  microsoft_sinkhole: 'compromised-host',
  comprimised_website: 'compromised-host',
  blacklist: 'blacklisting',
  spam_url_legacy: 'spamvertising',
  dns_openresolver: 'vulnerable-service',
  open_resolvers: 'vulnerable-service',
  ssl_scan: 'vulnerable-service',
  ntp_monitor: 'vulnerable-service',
  ddos_amplification: 'vulnerable-service',
  open_proxy: 'vulnerable-service',
  netis_router: 'vulnerable-service',
  irc_port: 'irc',
};

/** Family rules for types not in the table (new scans appear every month). */
export function categoryOfType(type: string): Category | null {
  const t = type.toLowerCase().replace(/-/g, '_');
  if (t in SHADOWSERVER_TYPES) return SHADOWSERVER_TYPES[t];
  if (/^event[46]_honeypot_(.*_)?scan$/.test(t)) return 'port-scan';
  if (/^event[46]_.*sinkhole/.test(t)) return 'compromised-host';
  if (/^event[46]_.*ddos/.test(t)) return 'dos';
  if (/^(scan6?|population6?)_/.test(t) || /^open_|^accessible_|_vulnerable$/.test(t)) return 'vulnerable-service';
  if (/^compromised_/.test(t)) return 'compromised-host';
  if (/^vulnerable_|_vulnerable_/.test(t)) return 'vulnerable-service';
  if (/sinkhole|drone|botnet|^cc_|_cc_|infected/.test(t)) return 'compromised-host';
  if (/^event[46]_/.test(t)) return 'compromised-host';
  return null;
}

/** Wiki-era names whose spelling differs from today's report type (file names like `open-ssdp`). */
const LEGACY_ALIASES: Record<string, string> = {
  open_ssdp: 'scan_ssdp',
  open_memcached: 'scan_memcached',
  open_ipmi: 'scan_ipmi',
  open_mongodb: 'scan_mongodb',
  open_redis: 'scan_redis',
  open_snmp: 'scan_snmp',
  open_ntp: 'scan_ntp',
  open_chargen: 'scan_chargen',
  open_qotd: 'scan_qotd',
  open_elasticsearch: 'scan_elasticsearch',
  open_netbios: 'scan_netbios',
  open_mssql: 'scan_mssql',
  open_natpmp: 'scan_nat_pmp',
  open_tftp: 'scan_tftp',
  open_portmapper: 'scan_portmapper',
  open_ldap: 'scan_ldap_udp',
  scan_proxy: 'open_proxy',
};

/**
 * The report type a file name names, if it names one we know: Shadowserver's own pattern
 * `YYYY-MM-DD-<type>-<org>.csv`, the intelmq/corpus style `<type>.csv`, the wiki's
 * `shadowserver-wiki_<type>.csv`. Only a hint: content decides when the name says nothing.
 */
export function typeFromFilename(filename: string | undefined): string | null {
  if (!filename) return null;
  const base = filename.split(/[\\/]/).pop()!.toLowerCase().replace(/\.(zip|gz)$/, '').replace(/\.(csv|json|txt)$/, '');
  const candidates: string[] = [];
  const dated = /^\d{4}-\d{2}-\d{2}-([a-z0-9_]+)-/.exec(base);
  if (dated) candidates.push(dated[1]);
  const wiki = /^shadowserver-wiki_(.+)$/.exec(base);
  if (wiki) candidates.push(wiki[1].replace(/-/g, '_'));
  candidates.push(base.replace(/-/g, '_'));
  for (const c of candidates) {
    if (!/^[a-z0-9_]+$/.test(c)) continue;
    const t = LEGACY_ALIASES[c] ?? c;
    if (categoryOfType(t)) return t;
  }
  return null;
}
