/**
 * Something the service opened at boot and must close at shutdown: a pool, a
 * broker connection, a consumer. Closed in reverse order of opening.
 */
export interface Resource {
  name: string;
  /**
   * `intake`: brings work in (discovery registration, consumers, outbox relay):
   * closed before HTTP drains. `pool` (default): used by in-flight work
   * (database pools, publishers): closed after.
   */
  stage?: 'intake' | 'pool';
  close(): Promise<void> | void;
}

/** Closes resources last-opened-first, each within its share of the deadline; one failing does not stop the others. */
export async function closeAll(resources: Resource[], deadline: number, onError: (name: string, err: unknown) => void): Promise<void> {
  for (const r of [...resources].reverse()) {
    const left = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve(r.close()),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${r.name} did not close in time`)), left);
        }),
      ]);
    } catch (err) {
      onError(r.name, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
