import { hostname } from 'node:os';
import type { AbuseDesk } from '../app.js';
import { createMailer, type Mailer } from '../connectors/mailer.js';
import { reportsRoutes } from '../http/api/reports.routes.js';
import type { HttpPlugin } from '../http/app.js';
import { type ReportFormOptions, reportFormRoutes } from '../http/public/report-form.routes.js';
import type { Component } from '../serve.js';
import { acknowledgeJob } from './acknowledge.job.js';
import { authenticateJob } from './authenticate.job.js';
import { ImapPoller } from './imap.poller.js';
import { Intake } from './intake.js';
import { boundedDnsResolver, type DnsResolver } from './mail-auth.js';
import { SmtpIntake, type SmtpIntakeOptions } from './smtp.intake.js';

export interface IntakeExtensionOptions {
  /** DNS for SPF/DKIM/DMARC; tests pass a fake so nothing leaves loopback. */
  resolver?: DnsResolver;
  mailer?: Mailer;
  smtp?: Partial<SmtpIntakeOptions> | false;
  imap?: { pollMs?: number; insecureTls?: boolean } | false;
  form?: ReportFormOptions;
  api?: { publicPerMinute?: number };
}

export interface IntakeParts {
  intake: Intake;
  smtp: SmtpIntake | null;
  imap: ImapPoller | null;
  components: Component[];
  plugins: HttpPlugin[];
}

/**
 * Every way in, wired for `serve`: the SMTP intake, the IMAP poller (when ABUSEDESK_IMAP_URL is
 * set), the report form, the reports API, and the follow-up jobs (acknowledgement, SPF/DKIM/DMARC).
 */
export async function intakeExtension(desk: AbuseDesk, opts: IntakeExtensionOptions = {}): Promise<IntakeParts> {
  const config = desk.config;
  const log = desk.ctx.log.child({ component: 'intake' });
  const mailer = opts.mailer ?? (config.relayUrl ? createMailer(config.relayUrl, config.mailFrom) : null);
  const mta = config.mailFrom.split('@')[1] || hostname();
  const intake = new Intake(desk, { acknowledge: !!mailer, ownAddresses: [config.mailFrom, ...(config.smtp.abuseAddresses ?? [])] });
  desk.worker.register(authenticateJob(desk.ctx, opts.resolver ?? boundedDnsResolver(), mta));
  if (mailer) desk.worker.register(acknowledgeJob(desk.ctx, mailer, config.mailFrom));

  // First to start, last to stop: plans what a crash left unplanned, and what the channels stored before they stopped.
  const components: Component[] = [
    {
      name: 'intake-followups',
      start: async () => {
        const n = await intake.reconcile();
        if (n) log.info({ reports: n }, 'planned the follow-ups of reports stored before a restart');
      },
      stop: () => intake.close(),
    },
  ];
  const smtp = opts.smtp === false ? null : new SmtpIntake(intake, { ...config.smtp, hostname: mta, ...opts.smtp }, log.child({ channel: 'smtp' }));
  if (smtp) components.push(smtp);
  const imap =
    opts.imap === false || !config.imapUrl
      ? null
      : new ImapPoller(intake, desk.ctx.db, desk.ctx.clock, log.child({ channel: 'imap' }), {
          url: config.imapUrl,
          pollMs: opts.imap?.pollMs ?? config.imap.pollSeconds * 1000,
          processedFolder: config.imap.processedFolder,
          maxBytes: config.smtp.maxBytes,
          insecureTls: opts.imap?.insecureTls,
        });
  if (imap) components.push(imap);
  if (mailer && !opts.mailer) components.push({ name: 'mailer', start: async () => {}, stop: async () => mailer.close() });

  const plugins: HttpPlugin[] = [
    { api: true, plugin: reportsRoutes(desk, intake, opts.api) },
    { plugin: reportFormRoutes(desk, intake, opts.form) },
  ];
  return { intake, smtp, imap, components, plugins };
}
