import { describe, expect, it } from "@jest/globals";
import { membersOfGroup, type GroupCommit } from "../../src/facts/merge-group.js";

const sha = (c: string) => c.repeat(40);
/** A group of two PRs merged in turn onto base B: a1 (PR 1's head), m1 = merge(B, a1), b1, b2 (PR 2), m2 = merge(m1, b2). */
const B = sha("0");
const group: GroupCommit[] = [
  { sha: sha("a"), parents: [B] },
  { sha: sha("1"), parents: [B, sha("a")] },
  { sha: sha("b"), parents: [B] },
  { sha: sha("c"), parents: [sha("b")] },
  { sha: sha("2"), parents: [sha("1"), sha("c")] },
];
const prs: Record<string, { number: number; head: { sha: string } }[]> = {
  [sha("a")]: [{ number: 1, head: { sha: sha("a") } }],
  [sha("b")]: [{ number: 2, head: { sha: sha("c") } }],
  [sha("c")]: [{ number: 2, head: { sha: sha("c") } }],
};

describe("the pull requests of a merge group", () => {
  it("finds every PR whose head is in the group, in queue order, asking only for uncovered commits", async () => {
    const asked: string[] = [];
    const got = await membersOfGroup(group, async (s) => {
      asked.push(s);
      return prs[s] ?? [];
    });
    expect(got).toEqual({ members: [{ number: 1, headSha: sha("a") }, { number: 2, headSha: sha("c") }], problems: [] });
    // m2, PR 2's head (covers b), m1, PR 1's head: four reads for five commits.
    expect(asked).toEqual([sha("2"), sha("c"), sha("1"), sha("a")]);
  });

  it("is undetermined when a commit belongs to no PR found (GitHub could not say, or a squashed copy)", async () => {
    const got = await membersOfGroup(group, async (s) => (s === sha("a") ? [] : (prs[s] ?? [])));
    expect(got.members.map((m) => m.number)).toEqual([2]);
    expect(got.problems).toEqual([`commit aaaaaaa of the merge group belongs to no pull request agentgate could find`]);
  });

  it("does not take a PR whose head is outside the group for the owner of its commits", async () => {
    const stacked = { ...prs, [sha("a")]: [{ number: 9, head: { sha: sha("f") } }] };
    const got = await membersOfGroup(group, async (s) => stacked[s] ?? []);
    expect(got.members.map((m) => m.number)).toEqual([2]);
    expect(got.problems).toHaveLength(1);
  });
});
