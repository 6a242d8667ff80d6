import type { AddressInfo } from 'node:net';
import { CONFIG_INVALID } from '@nimbus/kit';
import { ISSUER_UNRESOLVED } from './errors.js';

/**
 * The issuer URL (`iss`, discovery). Normally fixed by `auth.issuer`; when
 * that is empty it is taken from the address the server binds, which is how
 * tests run on port 0. Never taken from a request's Host header: that would
 * let a caller choose the issuer of the tokens it receives.
 */
export class IssuerUrl {
  #value: string | undefined;

  constructor(configured: string) {
    if (configured === '') return;
    let url: URL;
    try {
      url = new URL(configured);
    } catch {
      throw CONFIG_INVALID(`auth.issuer "${configured}" is not a URL`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash || url.username) {
      throw CONFIG_INVALID('auth.issuer must be an http(s) URL without query, fragment or credentials (OpenID Connect Discovery §3)');
    }
    this.#value = configured.replace(/\/+$/, '');
  }

  get configured(): boolean {
    return this.#value !== undefined;
  }

  get(): string {
    if (this.#value === undefined) throw ISSUER_UNRESOLVED();
    return this.#value;
  }

  /** Sets the issuer from the bound address, when not configured. */
  resolve(address: AddressInfo | string | null): void {
    if (this.#value !== undefined || address === null || typeof address === 'string') return;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#value = `http://${host}:${address.port}`;
  }
}
