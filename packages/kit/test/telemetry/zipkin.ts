import { eventually } from '../support/endpoints.js';

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  name: string;
  localEndpoint: { serviceName: string };
  tags?: Record<string, string>;
}

/** Polls Zipkin's /api/v2/trace/{id} until `complete(spans)` holds; spans arrive in several batches. */
export function zipkinTrace(zipkinUrl: string, traceId: string, complete: (spans: ZipkinSpan[]) => boolean, timeoutMs = 30_000): Promise<ZipkinSpan[]> {
  return eventually(
    async () => {
      const res = await fetch(`${zipkinUrl}/api/v2/trace/${traceId}`);
      if (!res.ok) return undefined;
      const spans = (await res.json()) as ZipkinSpan[];
      return complete(spans) ? spans : undefined;
    },
    timeoutMs,
    `trace ${traceId} in Zipkin`,
  );
}

export const randomHex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
