/**
 * The Octokit class agentgate's server makes its clients from: Probot's, with agentgate's retries
 * (./retry.ts) in place of Probot's retry plugin and requests sent through ./transport.ts. The
 * server adds its metrics and throttle settings to it; the dev stack its quick retries. One class,
 * so the end-to-end tests run the client production runs.
 */
import { ProbotOctokit } from "probot";
import { retryFailed } from "./retry.js";
import { githubFetch } from "./transport.js";

export const AgentgateOctokit = ProbotOctokit.plugin(retryFailed as never).defaults((options: { request?: Record<string, unknown> }) => ({
  ...options,
  retry: { enabled: false },
  request: { ...options.request, fetch: githubFetch },
}));
