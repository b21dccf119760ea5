import { describe, expect, it } from "@jest/globals";
import { fileFromRest, pullRequestEventsFromRest, RestShapeError, type RestFile, type RestIssueEvent } from "../../src/facts/rest.js";

const ev = (e: Record<string, unknown>) => ({ id: 1, node_id: "x", url: "u", commit_id: null, commit_url: null, performed_via_github_app: null, ...e }) as unknown as RestIssueEvent;
const user = (login: string, type = "User") => ({ login, type });

describe("the issue events a decision reads", () => {
  it("keeps base changes (GitHub's own retargets and base force-pushes too) and dismissals, with the dismissed review's earlier state, and skips the rest", () => {
    const got = pullRequestEventsFromRest([
      ev({ event: "labeled", actor: user("maria"), created_at: "2026-12-01T09:00:00Z", label: { name: "x", color: "fff" } }),
      ev({ event: "base_ref_changed", actor: user("Copilot", "Bot"), created_at: "2026-12-01T10:00:00Z" }),
      ev({ event: "automatic_base_change_succeeded", actor: user("maria"), created_at: "2026-12-01T10:30:00Z" }),
      ev({ event: "base_ref_force_pushed", actor: user("Copilot", "Bot"), created_at: "2026-12-01T10:40:00Z" }),
      ev({
        event: "review_dismissed",
        actor: user("Copilot", "Bot"),
        created_at: "2026-12-01T11:00:00Z",
        dismissed_review: { state: "changes_requested", review_id: 42, dismissal_message: "done" },
      }),
      ev({ event: "review_dismissed", actor: null, created_at: "2026-12-01T12:00:00Z", dismissed_review: { state: "approved", review_id: 43, dismissal_message: null } }),
      ev({ event: "review_dismissed", actor: user("max"), created_at: "2026-12-01T13:00:00Z", dismissed_review: { state: "dismissed", review_id: 44, dismissal_message: null } }),
    ]);
    expect(got).toEqual({
      baseChangedAt: ["2026-12-01T10:00:00Z", "2026-12-01T10:30:00Z", "2026-12-01T10:40:00Z"],
      dismissals: [
        { reviewId: 42, by: { login: "Copilot", type: "Bot" }, at: "2026-12-01T11:00:00Z", dismissedState: "CHANGES_REQUESTED" },
        { reviewId: 43, by: null, at: "2026-12-01T12:00:00Z", dismissedState: "APPROVED" },
        // A state GitHub does not document is not guessed.
        { reviewId: 44, by: { login: "max", type: "User" }, at: "2026-12-01T13:00:00Z", dismissedState: null },
      ],
    });
  });

  it("refuses a base change without a time, and a dismissal without its review", () => {
    expect(() => pullRequestEventsFromRest([ev({ event: "base_ref_changed", actor: user("x") })])).toThrow(RestShapeError);
    expect(() => pullRequestEventsFromRest([ev({ event: "review_dismissed", actor: user("x"), created_at: "t", dismissed_review: { state: "approved" } })])).toThrow(
      /dismissed_review\.review_id/,
    );
  });
});

describe("files as GitHub lists them", () => {
  it("keep the blob sha, the only trace of a file listed without a patch", () => {
    const f = fileFromRest({ filename: "logo.png", status: "modified", additions: 0, deletions: 0, changes: 0, sha: "a".repeat(40) } as RestFile);
    expect(f).toEqual({ filename: "logo.png", status: "modified", additions: 0, deletions: 0, sha: "a".repeat(40) });
  });
});
