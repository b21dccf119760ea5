/**
 * Webhooks about who may approve: a collaborator's permission (`member`), a team's members
 * (`membership`), the organization's members (`organization`) and a team's access to a repository
 * (`team`), shaped as @octokit/webhooks-schemas describes them.
 */
import type { Permission } from "./model.js";
import type { SimRepo, SimTeam, SimUser } from "./model.js";
import { envelope } from "./events.js";
import { nodeId, organizationJson, userJson } from "./shapes.js";
import type { SimState } from "./state.js";

function teamJson(state: SimState, team: SimTeam, permission = "pull") {
  const api = `${state.urls.api}/organizations/${state.requireUser(team.org).id}/team/${team.id}`;
  return {
    name: team.slug,
    id: team.id,
    node_id: nodeId("T_kw", team.id),
    slug: team.slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    url: api,
    html_url: `${state.urls.html}/orgs/${team.org}/teams/${team.slug}`,
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    permission,
    parent: null,
  };
}

/** What an org-level event carries instead of a repository's envelope. */
function orgEnvelope(state: SimState, org: SimUser, sender: SimUser) {
  // GitHub sends an app nothing about an account it is not installed on (id 0: not sent).
  const inst = [...state.installations.values()].find((i) => i.account.toLowerCase() === org.login.toLowerCase()) ?? { id: 0 };
  return {
    organization: organizationJson(state, org),
    sender: userJson(sender, state.urls),
    installation: { id: inst.id, node_id: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", inst.id) },
  };
}

/** `member.added|edited|removed`: a collaborator's permission on a repository changed. */
export function memberEvent(state: SimState, repo: SimRepo, member: SimUser, from: Permission | "none", to: Permission | "none", sender: SimUser) {
  const action = from === "none" ? "added" : to === "none" ? "removed" : "edited";
  return {
    action,
    member: userJson(member, state.urls),
    ...(action === "edited" ? { changes: { old_permission: { from } } } : {}),
    ...envelope(state, repo, sender),
  };
}

/** `membership.added|removed`: someone joined or left a team. */
export function membershipEvent(state: SimState, team: SimTeam, member: SimUser, action: "added" | "removed", sender: SimUser) {
  return { action, scope: "team", member: userJson(member, state.urls), team: teamJson(state, team), ...orgEnvelope(state, state.requireUser(team.org), sender) };
}

/** `organization.member_removed`: someone left the organization. */
export function memberRemovedEvent(state: SimState, org: SimUser, member: SimUser, sender: SimUser) {
  return {
    action: "member_removed",
    membership: {
      url: `${state.urls.api}/orgs/${org.login}/memberships/${member.login}`,
      state: "active",
      role: "member",
      organization_url: `${state.urls.api}/orgs/${org.login}`,
      user: userJson(member, state.urls),
    },
    ...orgEnvelope(state, org, sender),
  };
}

/** `team.added_to_repository|removed_from_repository`: a team's access to a repository changed. */
export function teamAccessEvent(state: SimState, team: SimTeam, repo: SimRepo, permission: Permission | null, sender: SimUser) {
  return {
    action: permission ? "added_to_repository" : "removed_from_repository",
    team: teamJson(state, team, permission ?? "pull"),
    ...envelope(state, repo, sender),
  };
}
