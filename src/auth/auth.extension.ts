import type { AbuseDesk } from '../app.js';
import { consoleApi } from '../http/api/console.routes.js';
import type { HttpPlugin } from '../http/app.js';
import type { Component } from '../serve.js';
import { authFor } from './auth.service.js';

/**
 * On a database without users, the person who just ran `npm start` is told on the terminal how to
 * sign in: an admin account with a one-time password, and a one-time sign-in link. Nothing is
 * printed once any user exists.
 */
export function firstAdminComponent(desk: AbuseDesk, write: (text: string) => void = (t) => process.stderr.write(t)): Component {
  return {
    name: 'first-admin',
    async start() {
      const first = await authFor(desk).bootstrapAdmin();
      if (!first) return;
      write(
        [
          '',
          '  AbuseDesk has no users yet, so one administrator was created for you:',
          `    e-mail:   ${first.email}`,
          `    password: ${first.password}   (shown this once; change it with PUT /api/v1/session/password)`,
          `  or open this one-time sign-in link within 30 minutes: ${first.link}`,
          '  Add people with: npx abusedesk users add --email E --role analyst|supervisor|admin|customer',
          '',
          '',
        ].join('\n'),
      );
    },
    async stop() {},
  };
}

/** Accounts, sessions and the console/portal API, as `serve` mounts them. */
export function authExtension(desk: AbuseDesk): { components: Component[]; plugins: HttpPlugin[] } {
  return { components: [firstAdminComponent(desk)], plugins: [consoleApi(desk)] };
}
