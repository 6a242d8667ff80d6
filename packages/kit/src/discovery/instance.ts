/** One reachable copy of a service, as discovery knows it. */
export interface Instance {
  /** Unique per instance (the Consul service ID, or the URL for static instances). */
  readonly id: string;
  readonly service: string;
  readonly address: string;
  readonly port: number;
  /** Base URL without a trailing slash, e.g. `http://10.0.0.7:8081`. */
  readonly url: string;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
}

/** `http://host:port`, bracketing IPv6 literals; https when the instance says it is secure (Spring's `secure` meta). */
export function instanceUrl(address: string, port: number, secure = false): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return `${secure ? 'https' : 'http'}://${host}:${port}`;
}

/** A static instance from a URL in settings; the URL doubles as its ID. */
export function instanceFromUrl(service: string, raw: string): Instance {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`discovery.static.services.${service}: "${raw}" is not a URL (expected e.g. http://127.0.0.1:8081)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`discovery.static.services.${service}: "${raw}" must be http or https`);
  }
  const secure = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const address = url.hostname.replace(/^\[|\]$/g, '');
  const base = instanceUrl(address, port, secure);
  return { id: base, service, address, port, url: base, tags: [], meta: {} };
}
