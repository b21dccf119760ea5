/**
 * Copies of policy files read from a repository's default branch (the organization's `.github`
 * defaults, `_extends` bases), shared by replicas. A single process keeps them a minute and forgets
 * them when the push that changes them arrives; with replicas that push reaches one of them, so the
 * copies live in Redis and the push forgets them for all.
 *
 * Forgetting moves the repository to a new generation (INCR); a copy is stored under the generation
 * seen *before* GitHub was read, so a read that was in flight while the push was handled files its
 * answer under the old generation, where nobody looks any more. Nothing here is ever the reason for
 * a result that a fresh read would not give for longer than the push takes to arrive.
 */
import type { PolicyFile } from "../config/load.js";

export interface PolicyCopy {
  file: PolicyFile | null;
}

export interface SharedPolicyCopies {
  /** The repository's generation, and the copy of `path` kept under it, if any. */
  get(repo: string, path: string): Promise<{ generation: string | null; copy?: PolicyCopy }>;
  /** Keep `copy` under `generation` (as `get` gave it; null: keep nothing). Failures are swallowed. */
  set(repo: string, path: string, generation: string | null, copy: PolicyCopy): Promise<void>;
  /** Forget every copy of the repository. Throws when it cannot: the push must then fail and come back. */
  forget(repo: string): Promise<void>;
}

export interface RedisStrings {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  incr(key: string): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
}

/** As long as one process keeps them: a minute. */
export const POLICY_COPY_TTL_MS = 60_000;
/** Outlives every copy by far, so a generation that expires has nothing left under it. */
const GENERATION_TTL_MS = 24 * 3_600_000;

/** `agentgate:policy-gen:<owner/repo>` → n; `agentgate:policy:<owner/repo>:<n>:<path>` → the copy. */
export class RedisPolicyCopies implements SharedPolicyCopies {
  constructor(
    private readonly redis: RedisStrings,
    private readonly opts: { prefix?: string } = {},
  ) {}

  private genKey(repo: string) {
    return `${this.opts.prefix ?? "agentgate:"}policy-gen:${repo}`;
  }
  private copyKey(repo: string, generation: string, path: string) {
    return `${this.opts.prefix ?? "agentgate:"}policy:${repo}:${generation}:${path}`;
  }

  async get(repo: string, path: string) {
    try {
      const generation = (await this.redis.get(this.genKey(repo))) ?? "0";
      const raw = await this.redis.get(this.copyKey(repo, generation, path));
      return raw === null ? { generation } : { generation, copy: JSON.parse(raw) as PolicyCopy };
    } catch {
      return { generation: null }; // read GitHub, keep nothing
    }
  }

  async set(repo: string, path: string, generation: string | null, copy: PolicyCopy) {
    if (generation === null) return;
    await this.redis.set(this.copyKey(repo, generation, path), JSON.stringify(copy), "PX", POLICY_COPY_TTL_MS).catch(() => undefined);
  }

  async forget(repo: string) {
    await this.redis.incr(this.genKey(repo));
    await this.redis.pexpire(this.genKey(repo), GENERATION_TTL_MS).catch(() => undefined);
  }
}
