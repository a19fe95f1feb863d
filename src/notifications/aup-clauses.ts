import type { Category } from '../domain/categories.js';

/**
 * The AUP's own words for each category, quoted exactly from acceptable-use-policy.txt (a test
 * holds every quote against the file). A policy version may carry its own clause text; this is
 * what a notice quotes when it does not.
 */
export interface AupClause {
  /** The section heading of the policy the clause sits under. */
  section: string;
  text: string;
}

const ILLEGAL =
  'The OSSC network and the rented infrastructure may not be used in any case whatsoever for storage or spreading of illegal software. It is strictly forbidden to distribute illegal software by using the OSSC network.';
const COPYRIGHT =
  'The User may not use the OSSC network for the storage or the usage of any digital data for which the user has not obtained a valid license from the copyright’s owner. This includes but is not limited to pictures, video fragments, music, texts and software.';
const XRATED =
  'The User is not allowed to use the OSSC network in order to store or to disseminate material with a pornographic content. In case OSSC discovers such content all data will be blocked and juridical instances will be contacted.';
const SPAM =
  'The User will refrain from using the OSSC network to send unsolicited mass mailings. This applies both to the sending of e-mails through a OSSC mail server, and to the sending of e-mails through and e-mail domain which has been registered or is managed by OSSC or an IP address of the OSSC network.';
const SPAMVERTISING = 'It is also prohibited to send mass mailings through an external server which contain links to content stored on the OSSC network.';
const BLACKLISTING =
  'In case the abuse should lead to blacklisting of one or more addresses of the OSSC network, the User will be held liable for any losses and costs incurred by OSSC through the blacklisting.';
const OTHER =
  'The User is bound to refrain form any activity on the OSSC network which is either an infringement of applicable law, or which may reasonably be assumed to hinder or cause losses to OSSC, its customers and their customers and contacts.';
const HARMFUL =
  'To use the OSSC network for the dissemination of content which may be harmful to third parties, such as viruses, worms, Trojan horses, and any other software that may be used for malicious means.';
const IRC = 'To make use of Internet Relay Chat (IRC) clients, IRC bots, IRC servers and chat rooms on the OSSC network without written prior consent from OSSC.';
const DOS = 'To launch Denial of Service (DOS) attacks against OSSC servers, or originating from OSSC servers.';
const PORTSCAN = 'To run port scans against OSSC servers unless prior consent has been obtained. Permission may be granted for security audits.';
const OBJECTIONABLE = 'To bring harm to OSSC’s reputation by storing or disseminating objectionable content, such as sexually explicit, racist, discriminatory or hateful material.';
const HARVESTING = 'To use the services to gather e-mail addresses with the sole aim of using unsolicited commercial e-mail.';
const RESOURCES =
  'To run or make available software, scripts or other content which consume a disproportionate amount of resources – CPU usage, memory usage, network usage - in proportion to the service offered. The User shall have the option either to modify his software or scripts, or to pay an additional fee for the resource usage. In the case of shared hosting, OSSC may also ask the User to step up to a Dedicated Hosting plan if his application is clearly unsuitable for running in a shared environment. Failure to comply with one of the alternatives may result in a termination of the agreement involved.';

const S_ILLEGAL = 'Illegal activities & Warez';
const S_COPYRIGHT = 'Storage and distribution of copyrighted material';
const S_XRATED = 'X-rated content';
const S_SPAM = 'SPAM – UCE (Unsolicited Commercial E-mail)';
const S_OTHER = 'Other prohibited activities';

export const AUP_CLAUSES: Record<Category, AupClause> = {
  'illegal-software': { section: S_ILLEGAL, text: ILLEGAL },
  copyright: { section: S_COPYRIGHT, text: COPYRIGHT },
  trademark: { section: S_OTHER, text: OTHER },
  'adult-content': { section: S_XRATED, text: XRATED },
  'child-abuse': { section: S_XRATED, text: XRATED },
  spam: { section: S_SPAM, text: SPAM },
  spamvertising: { section: S_SPAM, text: SPAMVERTISING },
  blacklisting: { section: S_SPAM, text: BLACKLISTING },
  malware: { section: S_OTHER, text: HARMFUL },
  phishing: { section: S_OTHER, text: HARMFUL },
  fraud: { section: S_OTHER, text: OTHER },
  'compromised-host': { section: S_OTHER, text: OTHER },
  'vulnerable-service': { section: S_OTHER, text: OTHER },
  irc: { section: S_OTHER, text: IRC },
  dos: { section: S_OTHER, text: DOS },
  'port-scan': { section: S_OTHER, text: PORTSCAN },
  'objectionable-content': { section: S_OTHER, text: OBJECTIONABLE },
  harvesting: { section: S_OTHER, text: HARVESTING },
  'resource-abuse': { section: S_OTHER, text: RESOURCES },
  unclassified: { section: S_OTHER, text: OTHER },
};

/** The clause a notice quotes: the policy version's own text when it has one, else the AUP's words above. */
export function clauseFor(category: Category, policyClause?: string | null): AupClause {
  const base = AUP_CLAUSES[category];
  return policyClause && policyClause.trim() ? { section: base.section, text: policyClause.trim() } : base;
}
