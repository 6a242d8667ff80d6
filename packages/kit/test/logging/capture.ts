import { Writable } from 'node:stream';
import TransportStream from 'winston-transport';

/** A stdout stand-in that keeps every ECS line written to it, parsed. */
export function captureStdout(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines };
}

/** A transport that records the serialized documents a shipper would receive. */
export class CapturingTransport extends TransportStream {
  readonly documents: string[] = [];

  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.documents.push(String(info[Symbol.for('message')]));
    next();
  }
}
