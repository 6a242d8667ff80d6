import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { endpoints, versions } from './endpoints.js';

// docker-compose.yml cannot run on our machines (no Docker engine), so this
// test keeps it in step with the native route instead: same components, same
// published ports, same environment names.

const root = fileURLToPath(new URL('../../', import.meta.url));
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const compose = parse(readFileSync(`${root}/docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

/** Native component name → compose service name. */
const COMPONENTS: Record<string, string> = {
  mariadb: 'mysql', mongo: 'mongo', rabbitmq: 'rabbitmq', redis: 'redis', kafka: 'kafka', zipkin: 'zipkin',
  elasticsearch: 'elasticsearch', consul: 'consul', vault: 'vault', mailpit: 'mailpit',
};
const SERVICES: Record<string, number> = {
  gateway: 8080, 'auth-server': 9000, 'config-server': 8888, 'product-service': 8081,
  'order-service': 8082, 'inventory-service': 8083, 'notification-service': 8084,
};

/** host and port of an endpoint value: a URL or a host:port list. */
function hostPort(value: string): { host: string; port: number } {
  const first = value.split(',')[0]!;
  const url = new URL(first.includes('://') ? first : `tcp://${first}`);
  return { host: url.hostname, port: Number(url.port) };
}
const published = (svc: ComposeService) => (svc.ports ?? []).map((p) => Number(String(p).split(':')[0]));

describe('docker-compose.yml', () => {
  it('has every infrastructure component, plus Logstash and Kibana', () => {
    for (const name of [...Object.values(COMPONENTS), 'logstash', 'kibana']) {
      expect(compose.services[name], name).toBeDefined();
      expect(compose.services[name]!.healthcheck, `${name} healthcheck`).toBeDefined();
    }
  });

  it('publishes each endpoint on the same port as the native route, under the same env name', () => {
    const env = compose.services['gateway']!.environment!;
    for (const [name, nativeValue] of Object.entries(endpoints)) {
      const composeValue = env[name];
      expect(composeValue, `${name} is set for services in compose`).toBeDefined();
      if (/(TOKEN|PASSWORD)$/.test(name)) continue; // credentials, not addresses
      const native = hostPort(nativeValue);
      const inCompose = hostPort(String(composeValue));
      expect(native.host, `${name} is loopback natively`).toBe('127.0.0.1');
      const target = compose.services[inCompose.host];
      expect(target, `${name} names a compose service (${inCompose.host})`).toBeDefined();
      if (name === 'LOGS_URL') continue; // natively Elasticsearch itself, in compose Logstash's input
      expect(inCompose.port, `${name} port`).toBe(native.port);
      expect(published(target!), `${inCompose.host} publishes ${native.port}`).toContain(native.port);
    }
  });

  it('builds every service from its own multi-stage, non-root Dockerfile on Node LTS', () => {
    for (const [name, port] of Object.entries(SERVICES)) {
      const svc = compose.services[name];
      expect(svc, name).toBeDefined();
      expect(svc!.build?.dockerfile).toBe(`services/${name}/Dockerfile`);
      const dockerfile = `${root}/${svc!.build!.dockerfile}`;
      expect(existsSync(dockerfile), dockerfile).toBe(true);
      const text = readFileSync(dockerfile, 'utf8');
      const froms = text.match(/^FROM node:(\d+)/gm) ?? [];
      expect(froms.length, `${name} is multi-stage`).toBeGreaterThanOrEqual(2);
      for (const from of froms) expect(Number(from.split(':')[1]) % 2, `${from} is an LTS (even) line`).toBe(0);
      expect(text).toMatch(/^USER node$/m);
      expect(published(svc!)).toEqual([port]);
      expect(svc!.healthcheck).toBeDefined();
      for (const [dep, cond] of Object.entries(svc!.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(cond.condition).toBe('service_healthy');
      }
    }
  });

  it('keeps state in named volumes that are declared', () => {
    for (const svc of Object.values(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (!source.startsWith('.')) expect(compose.volumes, source).toHaveProperty(source);
      }
    }
  });

  it('uses the same versions as the native route where the software is the same', () => {
    expect(compose.services['zipkin']!.image).toBe(`openzipkin/zipkin:${versions['ZIPKIN_VERSION']}`);
    expect(compose.services['kafka']!.image).toBe(`apache/kafka:${versions['KAFKA_VERSION']}`);
    expect(compose.services['consul']!.image).toBe(`hashicorp/consul:${versions['CONSUL_VERSION']}`);
    expect(compose.services['vault']!.image).toBe(`hashicorp/vault:${versions['VAULT_VERSION']}`);
    expect(compose.services['mailpit']!.image).toBe(`axllent/mailpit:v${versions['MAILPIT_VERSION']}`);
  });
});
