import type { AbuseDesk } from './app.js';
import type { HttpPlugin } from './http/app.js';
import { webPlugin } from './http/web.plugin.js';
import type { Component } from './serve.js';

/**
 * What `serve` runs besides the API and the worker: each part of the system that listens or
 * polls adds its component or HTTP plugin here.
 */
export async function extensions(_desk: AbuseDesk): Promise<{ components: Component[]; plugins: HttpPlugin[] }> {
  return { components: [], plugins: [webPlugin()] };
}
