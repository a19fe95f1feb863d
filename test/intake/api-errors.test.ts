import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.js';
import { describeEachEngine } from '../support/databases.js';
import { type IntakeRig, startIntake } from './support.js';

// A reporter who sends a category we do not know must learn which field is wrong and what it may
// be, not a bare "Invalid input" (the body is a union of three shapes, and an enum failure used
// to hide which one the caller meant).
describeEachEngine('reports API errors', (db) => {
  let rig: IntakeRig;
  let app: FastifyInstance;
  beforeAll(async () => {
    rig = await startIntake(db(), {}, { smtp: false });
    app = await buildHttpApp(rig.desk, rig.parts.plugins);
  });
  afterAll(async () => {
    await app?.close();
    await rig?.stop();
  });

  it('names the category field and the ids it may take', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/reports', payload: { reporterEmail: 'jane@reporter.example', ip: '192.0.2.7', category: 'nonsense', description: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/category/);
    expect(res.json().message).toMatch(/phishing/);
    expect(await rig.desk.reports.list()).toHaveLength(0);
  });

  it('still takes a known category and documents the ids in OpenAPI', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/reports', payload: { reporterEmail: 'jane@reporter.example', ip: '192.0.2.7', category: 'port-scan', description: 'x' } });
    expect(res.statusCode, res.body).toBe(201);
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const shapes = doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.anyOf as { properties?: Record<string, { enum?: string[] }> }[];
    const category = shapes.find((s) => s.properties?.category)?.properties?.category;
    expect(category?.enum).toContain('resource-abuse');
  });
});
