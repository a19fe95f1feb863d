import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

it('reads the abuse addresses however an operator separates them', () => {
  const c = loadConfig({ ABUSEDESK_ABUSE_ADDRESSES: 'Abuse@provider.example abuse@other.example;  security@provider.example,' });
  expect(c.smtp.abuseAddresses).toEqual(['abuse@provider.example', 'abuse@other.example', 'security@provider.example']);
  expect(loadConfig({}).smtp.abuseAddresses).toBeNull();
});

it('names the setting that is wrong', () => {
  expect(() => loadConfig({ ABUSEDESK_HTTP_PORT: 'eighty' })).toThrow(ConfigError);
  expect(() => loadConfig({ ABUSEDESK_HTTP_PORT: 'eighty' })).toThrow(/ABUSEDESK_HTTP_PORT/);
  expect(loadConfig({ ABUSEDESK_DATABASE_URL: 'postgres://u@h:5432/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
});
