import type { Category } from '../domain/categories.js';

/**
 * The shared keyword classifier: free text -> AUP category, for any parser that has to read a
 * category out of words (human complaints, subject lines, report-type labels of other
 * vocabularies). Rules are weighted: a specific word ("phishing", "DMCA") outweighs the generic
 * ones ("spam" appears in signatures and filter tags of every kind of mail).
 */
interface Rule {
  category: Category;
  type: string;
  weight: number;
  re: RegExp;
}

const RULES: Rule[] = [
  { category: 'child-abuse', type: 'child-abuse', weight: 8, re: /child[\s_-]*(sexual[\s_-]*)?(abuse|exploitation|porn)|\bcsam\b|\bcsem\b|kinderporn|pedophil|paedophil|underage\s+(sexual|porn)|minors?\s+in\s+sexual|pornogra(f|ph)[íi]a\s+infantil|p[ée]dopornogra|pedopornogra|sexuell\w*\s+missbrauch\w*\s+(von\s+)?(kind|minderj)|missbrauchsdarstellung|abus\s+sexuels?\s+(sur|d.)\s*(des\s+)?(enfants?|mineurs?)|abuso\s+sexual\s+infantil|abus[io]\s+sessual\w*\s+su\s+minori|seksueel\s+misbruik\s+van\s+kinderen/gi },
  { category: 'spamvertising', type: 'spamvertised', weight: 5, re: /spamverti[sz]/gi },
  { category: 'harvesting', type: 'harvesting', weight: 5, re: /harvest(er|ing)\b|address[\s-]+harvest|e-?mail\s+(address\s+)?(scrap|harvest)/gi },
  { category: 'phishing', type: 'phishing', weight: 5, re: /phish|hame[çc]onnage|social[\s-]+engineering|suplantaci[óo]n\s+de\s+identidad|credential[\s-]+(theft|harvest|steal)|fake\s+(login|bank)|spoofed\s+(site|page|login)|imperson\w+\s+(our|the)\s+(bank|brand|login)|фишинг|фішинг|phishingow|wyłudz|フィッシング|钓鱼网站|釣魚網站|网络钓鱼/gi },
  { category: 'illegal-software', type: 'warez', weight: 5, re: /\bwarez\b|cracked\s+software|\bkeygen|software\s+crack|illegal\s+software/gi },
  { category: 'copyright', type: 'copyright', weight: 4, re: /copyright|\bdmca\b|auteursrecht|direitos\s+autorais|urheberrechtsverletzung|digital\s+millennium|claimed\s+infringement|notice\s+of\s+(unauthori[sz]ed\s+use|infringement)|infringing\s+(file|work|copies)|\bpira(cy|ted)\b|bittorrent|\btorrent\b|\bp2p\b|peer[\s-]to[\s-]peer|urheberrecht|droits?\s+d.auteur|diritto\s+d.autore|derechos?\s+de\s+autor|cyberlocker|unauthori[sz]ed\s+(distribution|copies|copying)|著作権|版权|版權/gi },
  { category: 'trademark', type: 'trademark', weight: 4, re: /trademark|trade\s+mark|registered\s+(brands?|marks)|counterfeit|contrefa[çc]on|falsificaci[óo]n|namaak|markenverletzung|brand\s+(abuse|infringement|protection)|\bmarkenrecht|\bmarchio\b|fake\s+(goods|products)|replica\s+(goods|products)/gi },
  { category: 'fraud', type: 'fraud', weight: 4, re: /\bfraud|\bscam|fake\s+shop|illegal\s+advertis|advance[\s-]fee|investment\s+scam|crypto\w*\s+(investment\s+)?scam|illegal\s+(pharmacy|sale|product)|unregistered\s+(product|medicine|drug)|health\s+regulatory|regulatory\s+agency|betrug|estafa|truffa|arnaque|oplichting|golpe|fraude|escroquerie|\bfsma\b|financial\s+conduct\s+authority|unauthori[sz]ed\s+(financial|investment)|regulated\s+activit|clone\s+firm|мошенни|шахрай|oszustw/gi },
  { category: 'adult-content', type: 'adult', weight: 3, re: /\bporn|adult\s+content|sexually\s+explicit|x-rated|\bnudity\b/gi },
  { category: 'objectionable-content', type: 'objectionable', weight: 5, re: /harass|\bdox+ing\b|\bdox+ed\b|hate\s+speech|\bhateful\b|racis[mt]|incitement|violen(ce|t)\s+(content|threat|video|material|extremism)|\bviolence\b|terroris|extremis|defamat|diffamazion|personal\s+data|dati\s+personali|datos\s+personales|personenbezogene|\bgdpr\b|\bdsgvo\b|privacy\s+violation|right\s+to\s+be\s+forgotten|threat(s|en)/gi },
  { category: 'dos', type: 'ddos', weight: 6, re: /\bd?dos\b|denial[\s-]of[\s-]service|(syn|udp|icmp|http|tcp)[\s-]?flood|flood(ing)?\s+attack|attack\s+traffic/gi },
  { category: 'port-scan', type: 'port-scan', weight: 4, re: /port[\s-]?scan|portscan|\[UFW\s+BLOCK\]|firewall\s+(log|drop|block)|\bSRC=[0-9a-f.:]+\s+DST=|\bscann(ing|ed|er)\b\s+(of\s+)?(our|ports?|the\s+network|hosts?|network|activity|traffic|attempts?|from)|\bis\s+scanned\b|\bscan(ning)?\s+(activity|traffic|attempts?)|network\s+scan|probing\s+(our|ports)/gi },
  { category: 'compromised-host', type: 'compromised', weight: 3, re: /botnet|\bbots?\b|angriff|aanval|attaque|ataque|infiziert|kompromittiert|gehackt|besmet|ge[ïi]nfecteerd|infect[ée]|comprometid|infectad|\bdrones?\b|sinkhole|infected|compromi[sz]ed|brute[\s-]?forc|login[\s_-]+attack|failed\s+(login|password|authentication)|authentication\s+failure|dictionary\s+attack|fail2ban|intrusion|hack(ed|ing)\b|web[\s_-]?hack|defac(ed|ement)|web\s*shell|exploit(s|ed|ation)?\b|sql\s+injection|\bsqli\b|attacks?\s+(from|originating|coming)|attack(ing|ed)\s+(our|my)|malicious\s+(activity|traffic|requests|connections?|login)|\bc2\b|command[\s-]and[\s-]control|wp-login|xmlrpc|ssh[\s-]+(attack|brute|login)|unauthori[sz]ed\s+access|cryptomin|coin\s?min/gi },
  { category: 'malware', type: 'malware', weight: 4, re: /malware|schadsoftware|logiciel\s+malveillant|software\s+malicioso|\bvirus|trojan|ransomware|\bworm\b|malicious\s+(file|download|code|software|url|content|executable|payload|script)|exploit\s+kit|drive[\s-]by|dropper|\bpayload|malicious\s+website|distribut\w+\s+malware|вредоносн|шкідлив|złośliwe\s+oprogramowanie|złośliwego\s+oprogramowania|マルウェア|恶意软件|惡意軟體/gi },
  { category: 'vulnerable-service', type: 'vulnerable', weight: 3, re: /open\s+(recursive\s+)?(resolver|dns|ntp|memcached?|snmp|ssdp|portmapper|chargen|netbios|ldap|mdns|redis|mongodb|elasticsearch|proxy|relay)|vulnerab|\bcve-\d{4}-\d+|accessible\s+(service|\w+\s+server)|exposed\s+(service|database|server|port)|misconfigur|amplifi(er|cation)|sslv[23]|poodle|heartbleed|\bscan6?_[a-z0-9]+|\bopen\s+[\w-]+\s+(servers?|services?|ports?|instances?)\b|schwachstelle|verwundbar|ungesichert|kwetsbaar|vuln[ée]rabilit|vulnerabilidad|vulnerabilit[àa]|accessible\s+[\w-]+(\s+[\w-]+)?\s+(service|server)s?\b/gi },
  { category: 'irc', type: 'irc', weight: 3, re: /(?<![\w.\/@-])irc(?![\w.:\/@-])|eggdrop|psybnc/gi },
  { category: 'blacklisting', type: 'blacklisted', weight: 3, re: /black[\s-]?list(ed|ing)?|block[\s-]?list(ed|ing)|\bdnsbl\b|\brbl\b|listed\s+(on|in|at)\s+(the\s+)?([\w-]+\s+)?(dnsbl|rbl|black\s?list|block\s?list|spamhaus|spamcop|barracuda|sorbs|uceprotect)|delist/gi },
  { category: 'resource-abuse', type: 'resource-abuse', weight: 3, re: /excessive\s+(cpu|load|memory|bandwidth|resource)|resource\s+(abuse|usage)|cpu\s+usage/gi },
  { category: 'spam', type: 'smtp-abuse', weight: 4, re: /\bpostfix\b|NOQUEUE:\s+reject|\bRCPT\s+from\b|attempts?\s+against\s+(postfix|exim|sendmail|smtp)|exim\S*\s+.*rejected\s+RCPT|spam\s*trap\s*hit|spamtrap/gi },
  { category: 'compromised-host', type: 'login-attack', weight: 4, re: /failed\s+password\s+for|invalid\s+user\s+\w+\s+from|sshd\[\d+\]|authentication\s+failure;|sasl\s+login\s+authentication\s+failed|intrusion\s+attempts?|\bwp-login\.php|xmlrpc\.php/gi },
  // A host that took part in a DDoS: the attack is the abuse to act on, whatever compromised it.
  { category: 'dos', type: 'ddos-participant', weight: 14, re: /(part\s+of|participat\w*\s+in|used\s+(in|for))\s+(a|an|the)?\s*([\w.,-]+\s+){0,4}d?dos\b|\bd?dos\s+(attacks?|botnet|flood)\s+(from|originat\w*|against|on|targeting)\b/gi },
  // A host infected by malware is a victim to clean up (botnet drone), not a malware distributor.
  { category: 'compromised-host', type: 'infected', weight: 6, re: /(infect(ion|ed)|compromised)\s+(with|by)\s+(the\s+)?(malware|malicious|a\s+virus|a\s+trojan|a\s+bot|ransomware)|(malware|bot|virus|trojan)[\s-]+infect(ion|ed)|infected\s+(systems?|hosts?|devices?|machines?|computers?|clients?)|potential(ly)?\s+infect(ion|ed)/gi },
  { category: 'compromised-host', type: 'attack', weight: 2, re: /(abuse|attacks?|intrusion)\s+(report\s+)?(about|from)\s+(the\s+)?(ip|your)/gi },
  { category: 'vulnerable-service', type: 'insecure-service', weight: 4, re: /clear\s?text\s+(authentication|credentials|password)|unencrypted\s+(authentication|login|connection)|unverschlüsselte[rn]?\s+(authentifizierung|verbindung)|im\s+klartext/gi },
  { category: 'spam', type: 'spam', weight: 1.5, re: /\bspam|unsolicited\s+(commercial\s+|bulk\s+)?(e-?mail|mail|message)|\buce\b|\bube\b|junk\s+mail|feedback\s+loop|spam\s*trap|unwanted\s+(e-?mail|mail|message)|bulk\s+mail|mass\s+mail|unerwünschte|werbe-?mail|courrier\s+indésirable|posta\s+indesiderata|newsletter|спам|迷惑メール|垃圾邮件|垃圾郵件/gi },
];

export interface Classification {
  category: Category;
  type: string;
  score: number;
}

/**
 * Classify text by keyword weight. The subject (or any short headline) counts three times: it is
 * where senders state what a report is. Returns null when no rule matched.
 */
export function classifyText(body: string, subject = ''): Classification | null {
  return rankCategories(body, subject)[0] ?? null;
}

/** Every category that matched, best first, with the first rule's type; for debugging and ties. */
export function rankCategories(body: string, subject = ''): Classification[] {
  const scores = new Map<Category, { score: number; type: string; first: number }>();
  const add = (text: string, factor: number) => {
    if (!text) return;
    const sample = text.length > 200_000 ? text.slice(0, 200_000) : text;
    RULES.forEach((rule, order) => {
      rule.re.lastIndex = 0;
      const hits = sample.match(rule.re)?.length ?? 0;
      if (!hits) return;
      // Diminishing returns: a word repeated in a long legal text should not drown the others.
      const s = rule.weight * factor * Math.min(1 + Math.log2(hits), 4);
      const cur = scores.get(rule.category);
      if (cur) cur.score += s;
      else scores.set(rule.category, { score: s, type: rule.type, first: order });
    });
  };
  add(subject, 3);
  // Copyright footers say nothing about the report ("(c) 2024 ... All rights reserved").
  add(body.replace(/^.*(copyright\s*(©|\(c\)|\d{4})|©\s*\d{4}|\(c\)\s*\d{4}|all rights reserved).*$/gim, ''), 1);
  return [...scores.entries()]
    .sort((a, b) => b[1].score - a[1].score || a[1].first - b[1].first)
    .map(([category, v]) => ({ category, type: v.type, score: Math.round(v.score * 10) / 10 }));
}

/**
 * A category for a short label from another vocabulary (X-ARF Report-Type, XARF type, a
 * feed name like "login-attack" or "OPEN_DNS_RESOLVER"). Underscores and dashes read as spaces.
 */
export function classifyLabel(label: string | null | undefined): Classification | null {
  if (!label) return null;
  const text = label.replace(/[_\-./]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  const lower = text.toLowerCase();
  // Labels that the prose rules would read differently.
  if (/\blogin\b|\bbrute\b|\bssh\b|\bftp\b.*attack|\bbot\b|\bdrone\b|compromised|hack/.test(lower)) {
    return { category: 'compromised-host', type: lower.replace(/\s+/g, '-'), score: 10 };
  }
  if (/^open\b|\bopen (service|resolver)|accessible|vulnerab|\bcve\b|exposed/.test(lower)) {
    return { category: 'vulnerable-service', type: lower.replace(/\s+/g, '-'), score: 10 };
  }
  const c = classifyText(text);
  return c ? { ...c, type: lower.trim().replace(/\s+/g, '-') || c.type } : null;
}
