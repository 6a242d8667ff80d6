import { diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { installDiagLogger } from '../../src/telemetry/diag.js';

afterEach(() => diag.disable());

describe('installDiagLogger', () => {
  it("writes OpenTelemetry's warnings and errors as ECS JSON lines, once a minute per message, secrets redacted", () => {
    const lines: string[] = [];
    installDiagLogger('orders', (l) => lines.push(l));
    diag.error('Zipkin export failed', new Error('connect ECONNREFUSED http://u:pw@zipkin:9411'));
    diag.error('Zipkin export failed', new Error('again'));
    diag.warn('spans dropped');
    diag.info('not shown');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toMatchObject([
      { 'log.level': 'error', 'log.logger': 'opentelemetry', 'service.name': 'orders', message: 'Zipkin export failed connect ECONNREFUSED http://u:[REDACTED]@zipkin:9411' },
      { 'log.level': 'warn', message: 'spans dropped' },
    ]);
  });
});
