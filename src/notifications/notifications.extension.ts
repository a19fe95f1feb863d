import type { AbuseDesk } from '../app.js';
import { invoicesPlugin } from '../http/api/invoices.routes.js';
import { messagesPlugin } from '../http/api/messages.routes.js';
import type { HttpPlugin } from '../http/app.js';
import type { Component } from '../serve.js';
import { MessageService } from './messages.service.js';
import { notificationsOf } from './module.js';

/**
 * What `serve` runs for notifications and billing: the API routes, and a poller that threads mail
 * to the case plus-addresses (stored by the intake as reports) to their cases. Its cursor is in
 * the database, so a restart resumes where it stopped.
 */
export function notificationsExtension(desk: AbuseDesk): { components: Component[]; plugins: HttpPlugin[] } {
  const mod = notificationsOf(desk);
  const messages = new MessageService(desk, mod);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = messages.threadNewReplies().catch((err) => desk.ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, 'threading replies failed'));
  };
  const poller: Component = {
    name: 'case-replies',
    start: async () => {
      tick();
      timer = setInterval(tick, mod.settings.replyPollMs);
      timer.unref();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
  return { components: [poller], plugins: [messagesPlugin(desk), invoicesPlugin(desk)] };
}
