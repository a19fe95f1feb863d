import type { AbuseDesk } from '../app.js';
import { invoiceExecutor } from '../billing/invoice.executor.js';
import { billingPushJob } from '../billing/invoice.service.js';
import { offerDueJob, resourceFeeJob } from '../billing/resource-offer.jobs.js';
import { onCaseClosed, registerExecutor } from '../workflow/executors.js';
import { digestJob } from './digest.job.js';
import { notifyAuthoritiesExecutor, notifyCustomerExecutor } from './executors.js';
import { sendMessageJob } from './messages.service.js';
import { notificationsOf } from './module.js';
import { outcomeJob, queueOutcome } from './outcome.job.js';

/**
 * Plugs notifications and billing into a desk: the notify-customer, notify-authorities and invoice
 * executors, the reporter-outcome listener on case closure, and the jobs behind digests, outcome
 * mails, operators' messages, billing pushes and the resource-abuse offer's timers.
 */
const installed = new WeakSet<object>();

export function installNotifications(desk: AbuseDesk): void {
  if (installed.has(desk)) return;
  installed.add(desk);
  const mod = notificationsOf(desk);
  registerExecutor(desk, notifyCustomerExecutor(mod));
  registerExecutor(desk, notifyAuthoritiesExecutor(mod));
  registerExecutor(desk, invoiceExecutor(mod));
  onCaseClosed(desk, (tx, kase, _outcome, now) => queueOutcome(tx, kase, now));
  desk.worker
    .register(digestJob(desk, mod))
    .register(outcomeJob(desk, mod))
    .register(sendMessageJob(desk, mod))
    .register(billingPushJob(desk, mod))
    .register(offerDueJob(desk, mod))
    .register(resourceFeeJob(desk, mod));
}
