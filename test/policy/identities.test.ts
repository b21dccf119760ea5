import { describe, expect, it } from "@jest/globals";
import { commitIdentities, knownLinks, needsLinking, resolverFor } from "../../src/policy/identities.js";
import { commit } from "../helpers/facts.js";

const agent = { name: "Agent", email: "agent@tools.example" };

describe("resolving an identity the way GitHub links it", () => {
  const commits = [
    commit("1111111", "One", { name: "Eve", email: "Eve@Corp.example", login: "eve" }),
    commit("2222222", "Two\n\nCo-authored-by: Ann <ann@home.example>\nCo-authored-by: Bo <bo@home.example>", agent),
  ];

  it("uses REST's login, a noreply address, REST's link of the same email elsewhere, and GraphQL's link", () => {
    const resolve = resolverFor({ commits, linkedEmails: { "ann@home.example": "ann-h", "bo@home.example": null } });
    expect(resolve("x@y.example", "Someone")).toEqual({ kind: "accounts", logins: ["someone"] });
    expect(resolve("12+Kay@users.noreply.github.com")).toEqual({ kind: "accounts", logins: ["kay"] });
    expect(resolve("eve@corp.example")).toEqual({ kind: "accounts", logins: ["eve"] });
    expect(resolve("Ann@Home.example")).toEqual({ kind: "accounts", logins: ["ann-h"] });
    expect(resolve("bo@home.example")).toEqual({ kind: "unlinked" });
    expect(resolve("never-asked@home.example")).toEqual({ kind: "unlinked" });
  });

  it("keeps every account a renamed noreply address may name", () => {
    const resolve = resolverFor({ commits: [], linkedEmails: { "12+old@users.noreply.github.com": "new" } });
    expect(resolve("12+old@users.noreply.github.com")).toEqual({ kind: "accounts", logins: ["old", "new"] });
  });

  it("web-flow and an empty identity are nobody; a name without an email is an unlinked person", () => {
    const resolve = resolverFor({ commits: [] });
    expect(resolve("noreply@github.com")).toEqual({ kind: "nobody" });
    expect(resolve("", null, "")).toEqual({ kind: "nobody" });
    expect(resolve("", null, "Jane")).toEqual({ kind: "unlinked" });
  });

  it("lists authors, committers and Co-authored-by trailers, and what REST and GraphQL link", () => {
    expect(commitIdentities(commits).map((i) => `${i.role}:${i.email}`)).toEqual([
      "author:Eve@Corp.example",
      "committer:Eve@Corp.example",
      "author:agent@tools.example",
      "committer:agent@tools.example",
      "co-author:ann@home.example",
      "co-author:bo@home.example",
    ]);
    expect(knownLinks({ commits, linkedEmails: { "ann@home.example": "ann-h", "bo@home.example": null } })).toEqual({
      "ann@home.example": "ann-h",
      "eve@corp.example": "eve",
    });
  });
});

describe("when GitHub's GraphQL links are worth a request", () => {
  const isMachine = (who: { email: string }) => who.email === agent.email;

  it("not when REST and noreply addresses link every person", () => {
    const commits = [commit("3333333", "Fix\n\nCo-authored-by: Dana <9+dana@users.noreply.github.com>", { name: "Dan", email: "dan@x.example", login: "dan" })];
    expect(needsLinking(commits, isMachine)).toBe(false);
  });

  it("not for an agent's own identity", () => {
    expect(needsLinking([commit("4444444", "Fix", agent)], isMachine)).toBe(false);
  });

  it("for a co-author by another email, and for an author REST did not link", () => {
    const coAuthor = [commit("5555555", "Fix\n\nCo-authored-by: Dana <dana@home.example>", { name: "Dan", email: "dan@x.example", login: "dan" })];
    expect(needsLinking(coAuthor, isMachine)).toBe(true);
    expect(needsLinking([commit("6666666", "Fix", { name: "Dan", email: "dan@laptop.local" })], isMachine)).toBe(true);
  });
});
