import type { Migration } from 'kysely';
import * as initial from './2026-11-30-0001-initial.js';
import * as intake from './2026-11-30-0100-intake.js';
import * as workflow from './2026-11-30-0200-workflow.js';
import * as notificationsBilling from './2026-11-30-0300-notifications-billing.js';
import * as authConsole from './2026-11-30-0400-auth-console.js';
import * as consoleDeadlines from './2026-11-30-0401-console-deadlines.js';
import * as customerFixed from './2026-11-30-0402-customer-fixed.js';

/**
 * Every migration, by its sortable name. Listed here rather than read from the folder so that
 * the same code runs from src/ under tsx and from dist/ after a build.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-30-0001-initial': initial,
  '2026-11-30-0100-intake': intake,
  '2026-11-30-0200-workflow': workflow,
  '2026-11-30-0300-notifications-billing': notificationsBilling,
  '2026-11-30-0400-auth-console': authConsole,
  '2026-11-30-0401-console-deadlines': consoleDeadlines,
  '2026-11-30-0402-customer-fixed': customerFixed,
};
