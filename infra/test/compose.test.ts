import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, indexName, LogShippingSettings } from '@nimbus/kit';
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
  entrypoint?: string[];
  restart?: string;
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

// Kibana's saved objects (infra/docker/kibana/) are imported by compose's
// kibana-setup service. No Kibana runs here, so this checks their structure:
// what Kibana's import would refuse (bad lines, dangling references) and what
// would leave the views empty (a data view over the wrong indices, fields the
// services never write).

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: Array<{ type: string; id: string; name: string }>;
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
}
const KIBANA_DIR = 'infra/docker/kibana';
const SAVED_OBJECTS = `${KIBANA_DIR}/saved-objects.ndjson`;
const savedObjectLines = readFileSync(`${root}/${SAVED_OBJECTS}`, 'utf8').split('\n').filter((l) => l.trim() !== '');
const savedObjects = savedObjectLines.map((l) => JSON.parse(l) as SavedObject);
const ofType = (type: string) => savedObjects.filter((o) => o.type === type);
const dataView = ofType('index-pattern')[0]!;
/** A JSON string inside attributes (Kibana stores panels, search sources and formats that way). */
const nested = <T>(value: unknown): T => JSON.parse(String(value)) as T;

interface SearchSource {
  query: { query: string; language: string };
  indexRefName?: string;
}
interface LensColumn {
  operationType: string;
  sourceField?: string;
}
interface LensState {
  datasourceStates: { formBased: { layers: Record<string, { columns: Record<string, LensColumn>; columnOrder: string[] }> } };
  query: { query: string; language: string };
}
interface Panel {
  type: string;
  panelIndex: string;
  panelRefName?: string;
  gridData: { x: number; y: number; w: number; h: number; i: string };
}

/** One ECS line as the services write it (the kit's logger), parsed. */
function loggedDocument(serviceName: string): Record<string, unknown> {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  createLogger({ serviceName, serviceVersion: '1.0.0', stdout }).info('sample');
  return JSON.parse(chunks.join('').split('\n')[0]!) as Record<string, unknown>;
}

/** Logstash sprintf: %{[a.b]} is the top-level key "a.b", %{[a][b]} the nested a.b; %{+fmt} the event's UTC day. */
function logstashSprintf(template: string, doc: Record<string, unknown>, day: string): string {
  return template.replace(/%\{([^}]+)\}/g, (_, ref: string) => {
    if (ref.startsWith('+')) return day;
    const path = [...ref.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
    let value: unknown = doc;
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    // Logstash leaves an unresolved reference in the name as it is.
    return value === undefined ? `%{${ref}}` : String(value);
  });
}

/** Does an index name match a data view title (comma-separated patterns, * wildcards, -exclusions)? */
function matchesTitle(title: string, index: string): boolean {
  const patterns = title.split(',').map((p) => p.trim());
  const glob = (p: string) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const included = patterns.filter((p) => !p.startsWith('-')).some((p) => glob(p).test(index));
  const excluded = patterns.filter((p) => p.startsWith('-')).some((p) => glob(p.slice(1)).test(index));
  return included && !excluded;
}

/** Every quoted key in the kit's sources: the fields its logging writes besides the logger's own. */
function kitSourceText(dir = `${root}/packages/kit/src`): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? kitSourceText(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}

describe(`Kibana saved objects (${SAVED_OBJECTS})`, () => {
  it('parses line by line into objects with type, id and attributes, ids unique per type', () => {
    expect(savedObjects.length).toBeGreaterThan(0);
    for (const [i, o] of savedObjects.entries()) {
      expect(typeof o.type, `line ${i + 1} type`).toBe('string');
      expect(typeof o.id, `line ${i + 1} id`).toBe('string');
      expect(o.attributes, `line ${i + 1} attributes`).toBeTypeOf('object');
      expect(Array.isArray(o.references), `line ${i + 1} references`).toBe(true);
      expect(typeof o.attributes['title'], `${o.type}/${o.id} title`).toBe('string');
      // Kibana migrates imports from these; 8.8.0 is the core version of every 8.8+ export.
      expect(o.coreMigrationVersion, `${o.type}/${o.id} coreMigrationVersion`).toBe('8.8.0');
      expect(o.typeMigrationVersion, `${o.type}/${o.id} typeMigrationVersion`).toMatch(/^\d+\.\d+\.\d+$/);
    }
    const keys = savedObjects.map((o) => `${o.type}/${o.id}`);
    expect(new Set(keys).size, 'duplicate type/id').toBe(keys.length);
    expect(ofType('index-pattern')).toHaveLength(1);
    expect(ofType('dashboard')).toHaveLength(1);
  });

  it('references only objects in the file, under the names Kibana resolves', () => {
    const inFile = new Set(savedObjects.map((o) => `${o.type}/${o.id}`));
    for (const o of savedObjects) {
      const names = new Set(o.references.map((r) => r.name));
      for (const ref of o.references) expect(inFile, `${o.type}/${o.id} → ${ref.type}/${ref.id}`).toContain(`${ref.type}/${ref.id}`);
      if (o.type === 'search') {
        const source = nested<SearchSource>((o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string }).searchSourceJSON);
        expect(names, `${o.id} index reference`).toContain(source.indexRefName);
        expect(source.query.language).toBe('kuery');
      }
      if (o.type === 'lens') {
        const state = o.attributes['state'] as LensState;
        for (const layer of Object.keys(state.datasourceStates.formBased.layers)) {
          expect(names, `${o.id} layer ${layer}`).toContain(`indexpattern-datasource-layer-${layer}`);
        }
      }
      if (o.type === 'dashboard') {
        const panels = nested<Panel[]>(o.attributes['panelsJSON']);
        expect(panels.length).toBeGreaterThan(0);
        for (const p of panels) {
          // Kibana 8 keys a by-reference panel's reference as "<panelIndex>:<panelRefName>".
          expect(names, `panel ${p.panelIndex}`).toContain(`${p.panelIndex}:${p.panelRefName}`);
          expect(p.gridData.i).toBe(p.panelIndex);
          expect(p.gridData.x + p.gridData.w, `panel ${p.panelIndex} fits the 48-column grid`).toBeLessThanOrEqual(48);
        }
        nested(o.attributes['optionsJSON']);
      }
    }
  });

  it('has a data view over the indices the services\' logs land in, natively and in compose', () => {
    expect(dataView.id).toBe('nimbus-logs');
    expect(dataView.attributes['timeFieldName']).toBe('@timestamp');
    const title = String(dataView.attributes['title']);

    // compose: LOGS_URL is Logstash's http input, whose output names the index.
    const pipeline = readFileSync(`${root}/infra/docker/logstash/pipeline.conf`, 'utf8');
    const logsUrl = hostPort(String(compose.services['gateway']!.environment!['LOGS_URL']));
    expect(logsUrl.host).toBe('logstash');
    expect(pipeline).toMatch(new RegExp(`http\\s*\\{[^}]*port\\s*=>\\s*${logsUrl.port}\\b`));
    const index = /output\s*\{[\s\S]*?elasticsearch\s*\{[\s\S]*?index\s*=>\s*"([^"]+)"/.exec(pipeline)?.[1];
    expect(index, 'index of the Logstash elasticsearch output').toBeDefined();

    const prefix = (LogShippingSettings.properties.indexPrefix as { default: string }).default;
    for (const service of Object.keys(SERVICES)) {
      const inCompose = logstashSprintf(index!, loggedDocument(service), '2025.01.31');
      expect(inCompose, `the pipeline resolves every field of ${index}`).toBe(`logs-${service}-2025.01.31`);
      expect(matchesTitle(title, inCompose), `${title} matches ${inCompose}`).toBe(true);
      // Natively the shipper writes to Elasticsearch itself, under the same name.
      const native = indexName(prefix, service, '2025-01-31T12:00:00.000Z');
      expect(native).toBe(inCompose);
    }
  });

  it('links trace.id to Zipkin and shows event.duration (ns) as a duration', () => {
    const formats = nested<Record<string, { id: string; params: Record<string, unknown> }>>(dataView.attributes['fieldFormatMap']);
    expect(formats['trace.id']).toMatchObject({ id: 'url', params: { type: 'a', urlTemplate: expect.stringContaining('{{value}}') } });
    const zipkin = new URL(String(formats['trace.id']!.params['urlTemplate']).replace('{{value}}', 'abc'));
    expect(published(compose.services['zipkin']!)).toContain(Number(zipkin.port));
    expect(zipkin.pathname).toBe('/zipkin/traces/abc');
    expect(formats['event.duration']).toMatchObject({ id: 'duration', params: { inputFormat: 'nanoseconds' } });
  });

  it('uses only fields the platform\'s logger writes', () => {
    const logged = loggedDocument('gateway');
    const kitSource = kitSourceText();
    const fields = new Set<string>(Object.keys(nested<Record<string, unknown>>(dataView.attributes['fieldFormatMap'])));
    const kqlFields = (query: string) => [...query.matchAll(/([\w@][\w.@]*)\s*:/g)].map((m) => m[1]!);
    for (const o of ofType('search')) {
      for (const c of o.attributes['columns'] as string[]) fields.add(c);
      for (const [f] of o.attributes['sort'] as string[][]) fields.add(f!);
      const source = nested<SearchSource>((o.attributes['kibanaSavedObjectMeta'] as { searchSourceJSON: string }).searchSourceJSON);
      for (const f of kqlFields(source.query.query)) fields.add(f);
    }
    for (const o of ofType('lens')) {
      const state = o.attributes['state'] as LensState;
      for (const f of kqlFields(state.query.query)) fields.add(f);
      for (const layer of Object.values(state.datasourceStates.formBased.layers)) {
        expect(Object.keys(layer.columns).sort()).toEqual([...layer.columnOrder].sort());
        for (const c of Object.values(layer.columns)) if (c.sourceField && c.sourceField !== '___records___') fields.add(c.sourceField);
      }
    }
    for (const f of fields) {
      expect(f in logged || kitSource.includes(`'${f}'`), `${f} is written by the kit's logger`).toBe(true);
    }
  });
});

describe('docker-compose.yml kibana-setup', () => {
  const setup = compose.services['kibana-setup'];

  it('imports the saved objects once Kibana is healthy, then exits', () => {
    expect(setup).toBeDefined();
    expect(setup!.image, 'the Kibana image (it has curl)').toBe(compose.services['kibana']!.image);
    expect(setup!.depends_on?.['kibana']?.condition).toBe('service_healthy');
    expect(compose.services['kibana']!.healthcheck).toBeDefined();
    expect(setup!.restart).toBe('no');
  });

  it('mounts the saved objects and the import script read-only, and runs that script', () => {
    const mount = (setup!.volumes ?? []).map((v) => v.split(':')).find(([source]) => source === `./${KIBANA_DIR}`);
    expect(mount, `a mount of ./${KIBANA_DIR}`).toBeDefined();
    const [, target, mode] = mount!;
    expect(mode).toBe('ro');
    expect(setup!.entrypoint).toEqual(['/bin/sh', `${target}/import.sh`]);
    expect(setup!.environment?.['SAVED_OBJECTS']).toBe(`${target}/saved-objects.ndjson`);
    expect(existsSync(`${root}/${KIBANA_DIR}/import.sh`)).toBe(true);
    const script = readFileSync(`${root}/${KIBANA_DIR}/import.sh`, 'utf8');
    expect(script).toContain('/api/saved_objects/_import?overwrite=true');
    expect(script).toContain('kbn-xsrf: true');
    expect(script).toContain('file=@$SAVED_OBJECTS');
  });
});
