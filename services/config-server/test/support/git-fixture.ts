import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A real git remote for tests: a bare repository on disk (served to the
 * config server as a file:// URL, like any remote) and a working clone the
 * test commits and pushes from, as a developer would.
 */
export class GitFixture {
  private constructor(
    readonly root: string,
    readonly remote: string,
    readonly work: string,
  ) {}

  static async create(prefix = 'config-fixture-'): Promise<GitFixture> {
    const root = await mkdtemp(join(tmpdir(), prefix));
    const remote = join(root, 'remote.git');
    const work = join(root, 'work');
    await exec('git', ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    await exec('git', ['init', '--quiet', '--initial-branch=main', work]);
    const fixture = new GitFixture(root, remote, work);
    await fixture.git('remote', 'add', 'origin', remote);
    return fixture;
  }

  /** The remote as the config server sees it. */
  get uri(): string {
    return `file://${this.remote}`;
  }

  async git(...args: string[]): Promise<string> {
    const { stdout } = await exec('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: this.work });
    return stdout.trim();
  }

  /** Writes (or, for null, deletes) files, commits and pushes the current branch; returns the commit id. */
  async commit(files: Record<string, string | null>, message = 'change'): Promise<string> {
    for (const [path, text] of Object.entries(files)) {
      const abs = join(this.work, path);
      if (text === null) await rm(abs, { force: true });
      else {
        await mkdir(dirname(abs), { recursive: true });
        await writeFile(abs, text);
      }
    }
    await this.git('add', '--all');
    await this.git('commit', '--quiet', '--allow-empty', '-m', message);
    await this.git('push', '--quiet', '--force', 'origin', 'HEAD');
    return this.git('rev-parse', 'HEAD');
  }

  async branch(name: string, from = 'main'): Promise<void> {
    await this.git('checkout', '--quiet', '-B', name, from);
  }

  async checkout(name: string): Promise<void> {
    await this.git('checkout', '--quiet', name);
  }

  /** An annotated tag (the harder case: it must be peeled to its commit), pushed. */
  async tag(name: string, commit = 'HEAD'): Promise<void> {
    await this.git('tag', '--annotate', '-m', name, name, commit);
    await this.git('push', '--quiet', 'origin', `refs/tags/${name}`);
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
