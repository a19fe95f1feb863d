import type { AbuseDesk } from './app.js';
import type { HttpPlugin } from './http/app.js';
import { authExtension } from './auth/auth.extension.js';
import { webPlugin } from './http/web.plugin.js';
import type { Component } from './serve.js';
import { intakeExtension } from './intake/intake.extension.js';
import { workflowExtension } from './workflow/extension.js';
import { notificationsExtension } from './notifications/notifications.extension.js';

/**
 * What `serve` runs besides the API and the worker: each part of the system that listens or
 * polls adds its component or HTTP plugin here.
 */
export async function extensions(desk: AbuseDesk): Promise<{ components: Component[]; plugins: HttpPlugin[] }> {
  // One entry per part of the system, each with its components and HTTP plugins.
  const parts: { components?: Component[]; plugins?: HttpPlugin[] }[] = [
    { plugins: [webPlugin()] },
    await intakeExtension(desk),
    workflowExtension(desk),
    notificationsExtension(desk),
    authExtension(desk),
  ];
  return { components: parts.flatMap((p) => p.components ?? []), plugins: parts.flatMap((p) => p.plugins ?? []) };
}
