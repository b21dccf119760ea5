import { beforeEach, describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import {
  clearPolicyCache,
  loadPolicy,
  mergePolicyInputs,
  parseExtends,
  type PolicyFile,
  type PolicyReader,
} from "../../src/config/load.js";
import { defaultPolicy } from "../../src/config/schema.js";

/** An in-memory GitHub: `owner/repo@ref:path` → text; ref `""` is the default branch. */
class MemoryReader implements PolicyReader {
  readonly reads: string[] = [];
  constructor(
    private readonly files: Record<string, string>,
    private readonly failing: string[] = [],
  ) {}
  textOf(key: string): string | undefined {
    return this.files[key];
  }
  async read(owner: string, repo: string, path: string, ref?: string): Promise<PolicyFile | null> {
    const key = `${owner}/${repo}@${ref ?? ""}:${path}`;
    this.reads.push(key);
    if (this.failing.includes(key)) throw Object.assign(new Error("Server Error"), { status: 502 });
    const text = this.files[key];
    if (text === undefined) return null;
    return { text, sha: createHash("sha1").update(text).digest("hex") };
  }
}

const where = { owner: "acme", repo: "app", ref: "main" };

beforeEach(() => clearPolicyCache());

describe("loadPolicy: where the policy comes from", () => {
  it("uses the built-in defaults when there is no file anywhere", async () => {
    const reader = new MemoryReader({});
    const loaded = await loadPolicy(reader, where);
    expect(loaded).toEqual({ policy: defaultPolicy(), problems: [], sources: [] });
    // repo root, repo .github/, then the org's .github repository on its default branch
    expect(reader.reads).toEqual([
      "acme/app@main:.agentgate.yml",
      "acme/app@main:.github/agentgate.yml",
      "acme/.github@:.agentgate.yml",
      "acme/.github@:.github/agentgate.yml",
    ]);
  });

  it("prefers the repository root file, and does not read the other", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "approvals: { required: 3 }\n",
      "acme/app@main:.github/agentgate.yml": "approvals: { required: 1 }\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy?.approvals.required).toBe(3);
    expect(loaded.sources).toEqual(["acme/app@main:.agentgate.yml"]);
    expect(reader.reads).toEqual(["acme/app@main:.agentgate.yml"]);
  });

  it("reads .github/agentgate.yml when the root has none", async () => {
    const reader = new MemoryReader({ "acme/app@main:.github/agentgate.yml": "applies_to: all\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy?.applies_to).toBe("all");
    expect(loaded.sources).toEqual(["acme/app@main:.github/agentgate.yml"]);
  });

  it("reads the policy at the given base ref, never another branch", async () => {
    const reader = new MemoryReader({ "acme/app@agent-branch:.agentgate.yml": "approvals: { required: 0 }\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy?.approvals.required).toBe(2);
  });

  it("falls back to the organization's defaults in its .github repository", async () => {
    const reader = new MemoryReader({ "acme/.github@:.agentgate.yml": "applies_to: all\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy?.applies_to).toBe("all");
    expect(loaded.sources).toEqual(["acme/.github:.agentgate.yml"]);
  });

  it("a repository's own file replaces the organization's defaults entirely", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "check_name: gate\n",
      "acme/.github@:.agentgate.yml": "applies_to: all\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toMatchObject({ check_name: "gate", applies_to: "agents" });
  });
});

describe("loadPolicy: fails closed", () => {
  it("an unreadable repository file is a problem, never the defaults", async () => {
    const reader = new MemoryReader({}, ["acme/app@main:.agentgate.yml"]);
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems).toEqual([
      { kind: "unreadable", file: "acme/app@main:.agentgate.yml", message: "could not read the policy: Server Error (HTTP 502)" },
    ]);
  });

  it("an unreadable organization file is a problem too", async () => {
    const reader = new MemoryReader({}, ["acme/.github@:.github/agentgate.yml"]);
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems[0]?.kind).toBe("unreadable");
  });

  it("an invalid file gives its problems with lines, and no policy", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "version: 1\napprovals:\n  requried: 2\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems).toEqual([
      expect.objectContaining({ kind: "invalid", file: "acme/app@main:.agentgate.yml", line: 3, key: "approvals.requried" }),
    ]);
    expect(loaded.sources).toEqual(["acme/app@main:.agentgate.yml"]);
  });
});

describe("loadPolicy: _extends", () => {
  it("merges a base from the organization's .github repository: mappings merge, scalars of the child win, lists add up", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": [
        "_extends: .github:policies/base.yml",
        "approvals:",
        "  required: 3",
        "agents:",
        "  logins: [app-bot]",
        "paths:",
        "  - name: app-infra",
        "    paths: [deploy/**]",
        "    approvals: 3",
        "",
      ].join("\n"),
      "acme/.github@:policies/base.yml": [
        "approvals:",
        "  min_permission: maintain",
        "agents:",
        "  logins: [org-bot]",
        "infra:",
        "  teams: [acme/platform]",
        "paths:",
        "  - name: terraform",
        "    paths: [terraform/**]",
        "    teams: [acme/platform]",
        "",
      ].join("\n"),
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems).toEqual([]);
    expect(loaded.sources).toEqual(["acme/app@main:.agentgate.yml", "acme/.github:policies/base.yml"]);
    // Each file with the blob SHA GitHub named for it: an audit can tell exactly which policy judged.
    const blob = (text: string) => createHash("sha1").update(text).digest("hex");
    expect(loaded.files?.map((f) => f.source)).toEqual(loaded.sources);
    expect(loaded.files?.every((f) => f.sha !== null && /^[0-9a-f]{40}$/.test(f.sha))).toBe(true);
    expect(loaded.files?.[0]?.sha).toBe(blob(reader.textOf("acme/app@main:.agentgate.yml")!));
    expect(loaded.files?.map((f) => `${f.repository}:${f.path}`)).toEqual(["acme/app:.agentgate.yml", "acme/.github:policies/base.yml"]);
    expect(loaded.policy?.approvals).toMatchObject({ required: 3, min_permission: "maintain" });
    expect(loaded.policy?.agents.logins).toEqual(["org-bot", "app-bot"]);
    expect(loaded.policy?.paths.map((p) => p.name)).toEqual(["terraform", "app-infra"]);
    expect(loaded.policy?.infra.teams).toEqual(["acme/platform"]);
  });

  it("a path rule of the same name in the child replaces the base's", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: acme/.github:policies/strict.yml\npaths:\n  - name: terraform\n    paths: [tf/**]\n    block: true\n",
      "acme/.github@:policies/strict.yml": "paths:\n  - name: terraform\n    paths: [terraform/**]\n    approvals: 3\n  - name: k8s\n    paths: [k8s/**]\n    approvals: 3\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy?.paths).toEqual([
      expect.objectContaining({ name: "terraform", paths: ["tf/**"], block: true }),
      expect.objectContaining({ name: "k8s" }),
    ]);
    expect(loaded.sources).toEqual(["acme/app@main:.agentgate.yml", "acme/.github:policies/strict.yml"]);
  });

  it("the organization defaults may extend too", async () => {
    const reader = new MemoryReader({
      "acme/.github@:.agentgate.yml": "_extends: acme/.github:policies/all.yml\ncheck_name: org-gate\n",
      "acme/.github@:policies/all.yml": "applies_to: all\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toMatchObject({ applies_to: "all", check_name: "org-gate" });
  });

  it("a base that does not exist is an invalid policy", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: .github:missing.yml\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems).toEqual([
      expect.objectContaining({ kind: "invalid", key: "_extends", message: expect.stringContaining("acme/.github has no missing.yml") }),
    ]);
  });

  it("an invalid base names the base file and line", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github\n",
      "acme/.github@:.agentgate.yml": "\napprovals: {required: lots}\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems).toEqual([
      expect.objectContaining({ file: "acme/.github:.agentgate.yml", line: 2, key: "approvals.required" }),
    ]);
  });

  it("a cycle is an invalid policy, not a hang", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github:a.yml\n",
      "acme/.github@:a.yml": "_extends: .github:b.yml\n",
      "acme/.github@:b.yml": "_extends: .github:a.yml\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems[0]?.message).toMatch(/cycle: .*acme\/.github:a.yml → .*acme\/.github:b.yml → acme\/.github:a.yml/);
  });

  it("a chain deeper than the limit is an invalid policy", async () => {
    const files: Record<string, string> = { "acme/app@main:.agentgate.yml": "_extends: .github:p0.yml\n" };
    for (let i = 0; i < 10; i++) files[`acme/.github@:p${i}.yml`] = `_extends: .github:p${i + 1}.yml\n`;
    const loaded = await loadPolicy(new MemoryReader(files), where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems[0]?.message).toMatch(/levels of _extends/);
  });

  it("a malformed _extends is reported", async () => {
    const loaded = await loadPolicy(new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: 'a/b/c'\n" }), where);
    expect(loaded.problems[0]).toMatchObject({ kind: "invalid", key: "_extends" });
  });

  it("an unreadable base fails closed", async () => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": "_extends: .github\n" }, ["acme/.github@:.agentgate.yml"]);
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems[0]?.kind).toBe("unreadable");
  });
});

describe("loadPolicy: _extends reads only this repository and the owner's .github", () => {
  it.each([
    ["another repository of the owner", "acme/secrets:prod.env", "acme/secrets@:prod.env"],
    ["another owner's .github", "evil/.github", "evil/.github@:.agentgate.yml"],
    ["another owner's repository", "other/shared:policies/strict.yml", "other/shared@:policies/strict.yml"],
  ])("%s is an invalid policy naming the key, and is never read", async (_what, spec, key) => {
    const reader = new MemoryReader({ "acme/app@main:.agentgate.yml": `_extends: ${spec}\n`, [key]: "TOKEN: s3cr3t\n" });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems).toEqual([expect.objectContaining({ kind: "invalid", key: "_extends", message: expect.stringContaining("other repositories are not read") })]);
    expect(reader.reads).toEqual(["acme/app@main:.agentgate.yml"]);
  });

  it("a base of the chain may not leave either (the organization's base naming a private repository)", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github:base.yml\n",
      "acme/.github@:base.yml": "_extends: acme/private:creds.yml\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems[0]).toMatchObject({ file: "acme/.github:base.yml", key: "_extends" });
    expect(reader.reads).not.toContain("acme/private@:creds.yml");
  });

  it("the same repository (any case) and the owner's .github still load; their files in this repository are listed", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: ACME/App:policy/base.yml\n",
      "ACME/App@:policy/base.yml": "_extends: .github:org.yml\napprovals: { required: 3 }\n",
      "ACME/.github@:org.yml": "applies_to: all\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems).toEqual([]);
    expect(loaded.policy).toMatchObject({ applies_to: "all", approvals: { required: 3 } });
    expect(loaded.extendsPaths).toEqual([".agentgate.yml", "policy/base.yml"]);
  });
});

describe("loadPolicy: cache", () => {
  it("returns the very same policy object for the same blobs, and a new one when a blob changes", async () => {
    const files = { "acme/app@main:.agentgate.yml": "approvals: { required: 3 }\n" };
    const first = await loadPolicy(new MemoryReader(files), where);
    const again = await loadPolicy(new MemoryReader(files), where);
    expect(again.policy).toBe(first.policy);
    const changed = await loadPolicy(new MemoryReader({ "acme/app@main:.agentgate.yml": "approvals: { required: 4 }\n" }), where);
    expect(changed.policy).not.toBe(first.policy);
    expect(changed.policy?.approvals.required).toBe(4);
  });

  it("a cached parse of an invalid file still names the file it was read from", async () => {
    const text = "bogus: 1\n";
    await loadPolicy(new MemoryReader({ "acme/app@main:.agentgate.yml": text }), where);
    const other = await loadPolicy(new MemoryReader({ "acme/web@main:.agentgate.yml": text }), { ...where, repo: "web" });
    expect(other.problems[0]?.file).toBe("acme/web@main:.agentgate.yml");
  });

  it("is fast on a repeated load (no parsing)", async () => {
    const text = Array.from({ length: 200 }, (_, i) => `  - name: rule-${i}\n    paths: [dir${i}/**]\n    approvals: 3`).join("\n");
    const files = { "acme/app@main:.agentgate.yml": `paths:\n${text}\n` };
    const t0 = performance.now();
    await loadPolicy(new MemoryReader(files), where);
    const cold = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) await loadPolicy(new MemoryReader(files), where);
    const warm = (performance.now() - t1) / 20;
    expect(warm).toBeLessThan(cold);
  });
});

describe("mergePolicyInputs and parseExtends", () => {
  it("does not carry _extends into the result and does not touch its inputs", () => {
    const base = { agents: { emails: ["a@x"] }, _extends: "x" };
    const child = { agents: { emails: ["b@x"], count_automation: true } };
    expect(mergePolicyInputs(base, child)).toEqual({ agents: { emails: ["a@x", "b@x"], count_automation: true } });
    expect(base.agents.emails).toEqual(["a@x"]);
  });

  it("replaces lists that are not additive", () => {
    expect(mergePolicyInputs({ infra: { teams: ["a/b"] } }, { infra: { teams: ["c/d"] } })).toEqual({ infra: { teams: ["c/d"] } });
  });

  it("reads the three forms", () => {
    expect(parseExtends("policies", { owner: "acme" })).toEqual({ owner: "acme", repo: "policies" });
    expect(parseExtends("other/policies", { owner: "acme" })).toEqual({ owner: "other", repo: "policies" });
    expect(parseExtends("other/policies:dir/strict.yml", { owner: "acme" })).toEqual({ owner: "other", repo: "policies", path: "dir/strict.yml" });
    expect(parseExtends("a b", { owner: "acme" })).toBeNull();
  });
});

describe("loadPolicy: policy mistakes and warnings", () => {
  it("collects the warnings of every file of the _extends chain, each naming its file; they do not make it invalid", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github\nagents:\n  branches: ['!main']\n",
      "acme/.github@:.agentgate.yml": "paths:\n  - name: infra\n    paths: ['infra\\\\*.tf']\n    block: true\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.problems).toEqual([]);
    expect(loaded.policy?.paths.map((p) => p.name)).toEqual(["infra"]);
    expect(loaded.warnings?.map((w) => `${w.file}:${w.line} ${w.key}`)).toEqual([
      "acme/app@main:.agentgate.yml:3 agents.branches[0]",
      "acme/.github:.agentgate.yml:3 paths[0].paths[0]",
    ]);
  });

  it("a leading / in a base is an error that names the base", async () => {
    const reader = new MemoryReader({
      "acme/app@main:.agentgate.yml": "_extends: .github\n",
      "acme/.github@:.agentgate.yml": "paths:\n  - name: infra\n    paths: [/infra/**]\n    block: true\n",
    });
    const loaded = await loadPolicy(reader, where);
    expect(loaded.policy).toBeNull();
    expect(loaded.problems).toEqual([expect.objectContaining({ kind: "invalid", file: "acme/.github:.agentgate.yml", line: 3, key: "paths[0].paths[0]" })]);
  });
});
