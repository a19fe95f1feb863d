import type { AbuseDesk } from '../app.js';
import { createMailer, type Mailer } from '../connectors/mailer.js';
import { loadNotificationSettings, type NotificationSettings } from './settings.js';

/**
 * One desk's notifications and billing: its settings (tests change them after opening the desk)
 * and the way its jobs reach the relay. Found by desk, so the installer line in app.ts is all the
 * wiring there is.
 */
export class NotificationsModule {
  settings: NotificationSettings;

  constructor(readonly desk: AbuseDesk) {
    this.settings = loadNotificationSettings();
  }

  get mailFrom(): string {
    return this.desk.config.mailFrom;
  }

  /** A mailer for one job run, closed by the caller: jobs send a handful of mails and must not hold sockets between runs. */
  openMailer(): Mailer {
    return createMailer(this.desk.config.relayUrl, this.desk.config.mailFrom);
  }

  async withMailer<T>(fn: (m: Mailer) => Promise<T>): Promise<T> {
    const m = this.openMailer();
    try {
      return await fn(m);
    } finally {
      m.close();
    }
  }
}

const modules = new WeakMap<object, NotificationsModule>();

export function notificationsOf(desk: AbuseDesk): NotificationsModule {
  let m = modules.get(desk);
  if (!m) {
    m = new NotificationsModule(desk);
    modules.set(desk, m);
  }
  return m;
}
