/** GitHub Actions workflow rules (GHA-01..GHA-06). */
import { parse as parseYaml } from "yaml";
import type { Severity } from "../types.js";
import { usableContent, type DiffLine, type Hunk, type ParsedFile } from "./diff.js";
import { linesBefore, yamlAncestors } from "./context.js";
import { at, type RawFinding } from "./raw.js";

const DANGEROUS_TRIGGER = /^\s*-?\s*["']?(pull_request_target|workflow_run)["']?\s*:?\s*$|^\s*["']?on["']?\s*:.*\b(pull_request_target|workflow_run)\b/;
const CHECKOUT_HEAD = /github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|refs\/pull\//;
const UNTRUSTED =
  /\$\{\{[^}]*(github\.event\.(issue|pull_request|comment|review|review_comment|discussion|discussion_comment|pages|head_commit|commits|workflow_run|release)\b[\w.[\]*'"-]*\.(title|body|message|name|email|label|ref|head_ref|default_branch|page_name|head_branch|display_title|description)\b|github\.head_ref)/;
const BROAD_WRITE = /^\s*(contents|actions|id-token|packages|deployments|security-events)\s*:\s*write\b/;
const ANY_WRITE = /^\s*[\w-]+\s*:\s*write\b/;
const DEPLOY_COMMAND = /terraform\s+(plan|apply)|tofu\s+(plan|apply)|kubectl\s+apply|helm\s+(upgrade|install)|cdk\s+deploy|pulumi\s+up|serverless\s+deploy|sls\s+deploy|\bdeploy\b|migrate\s+deploy/i;
const DEPLOY_NAME = /deploy|release|prod|terraform|tofu|infra|apply|publish|(^|[^a-z])cd([^a-z]|$)/i;

/** The workflow's text after the change, as far as it is known. */
function newText(pf: ParsedFile): string {
  const head = usableContent(pf.file.headContent);
  if (head) return head.join("\n");
  return pf.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== "-").map((l) => l.text)).join("\n");
}

function knowsWholeFile(pf: ParsedFile): boolean {
  return pf.file.headContent !== undefined || pf.file.status === "added";
}

/** zizmor's exception: one job whose only step is actions/labeler. */
function onlyLabeler(text: string): boolean {
  // Parsing the whole workflow is the costly part: skip it when the labeler is not even named.
  if (!text.includes("actions/labeler@")) return false;
  try {
    const doc = parseYaml(text) as { jobs?: Record<string, { steps?: { uses?: string; run?: string }[] }> } | null;
    const jobs = Object.values(doc?.jobs ?? {});
    if (jobs.length !== 1) return false;
    const steps = jobs[0]?.steps ?? [];
    return steps.length === 1 && typeof steps[0]?.uses === "string" && steps[0].uses.startsWith("actions/labeler@");
  } catch {
    return false;
  }
}

function keyOf(text: string): string | undefined {
  return /^\s*-?\s*["']?([\w.-]+)["']?\s*:/.exec(text)?.[1];
}

/** The key whose value a line belongs to: its own key, or the nearest enclosing one. */
function enclosingKey(pf: ParsedFile, hunk: Hunk, line: DiffLine): string | undefined {
  return keyOf(line.text) ?? yamlAncestors(linesBefore(pf, hunk, line), line.text)[0];
}

function workflowFindings(pf: ParsedFile): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  const text = newText(pf);
  const hasDangerousTrigger = text.split("\n").some((t) => DANGEROUS_TRIGGER.test(t));
  const checksOutHead = CHECKOUT_HEAD.test(text);
  const deployLike = DEPLOY_NAME.test(file) || /^name:.*$/m.test(text) && DEPLOY_NAME.test(/^name:(.*)$/m.exec(text)?.[1] ?? "") || /environment:\s*["']?(prod|production)/i.test(text);
  const added = pf.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "+"));
  const addedTrigger = added.find((l) => DANGEROUS_TRIGGER.test(l.text));
  const addedCheckout = added.find((l) => CHECKOUT_HEAD.test(l.text));

  if (addedTrigger || (hasDangerousTrigger && addedCheckout)) {
    const line = addedTrigger ?? addedCheckout!;
    let severity: Severity = "require";
    let message = "pull_request_target / workflow_run runs with the base repository's secrets and write token, on events from forks";
    let informational = false;
    if (checksOutHead) {
      severity = "block";
      message = "pull_request_target / workflow_run together with a checkout of the PR head: code from a fork runs with the repository's secrets and write token";
    } else if (knowsWholeFile(pf) && onlyLabeler(text)) {
      severity = "note";
      informational = true;
      message = "pull_request_target whose only step is actions/labeler (the known-safe shape)";
    } else if (!knowsWholeFile(pf)) {
      message += " (the rest of the workflow was not visible)";
    }
    out.push(at("GHA-01", severity, file, line, message, informational));
  }

  for (const hunk of pf.hunks) {
    for (const line of hunk.lines) {
      const t = line.text;
      if (/^\s*#/.test(t)) continue;
      if (line.kind === "+") {
        if (/permissions:\s*["']?write-all/.test(t)) out.push(at("GHA-02", "require", file, line, "permissions: write-all gives the job's token write access to everything"));
        else if (BROAD_WRITE.test(t) || (hasDangerousTrigger && ANY_WRITE.test(t))) out.push(at("GHA-02", "require", file, line, `write permission added (${t.trim()})`));
        if (/secrets:\s*inherit\b/.test(t)) out.push(at("GHA-03", "require", file, line, "secrets: inherit passes every secret to the called workflow"));
        if (/toJSON\(\s*secrets\s*\)/i.test(t)) out.push(at("GHA-03", "require", file, line, "toJSON(secrets) exposes every secret to the step"));
        if (/ACTIONS_ALLOW_UNSECURE_COMMANDS/.test(t)) out.push(at("GHA-03", "require", file, line, "ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables set-env/add-path command injection"));
        const key = enclosingKey(pf, hunk, line);
        if (/\$\{\{\s*secrets\./.test(t) && (key === "run" || key === "script")) {
          out.push(at("GHA-03", "require", file, line, "a secret is expanded straight into a script (pass it through env: instead)"));
        }
        if (UNTRUSTED.test(t)) {
          if (key === "run" || key === "script") out.push(at("GHA-04", "block", file, line, "attacker-controlled text (PR/issue title, body, branch name...) is expanded into a script: template injection"));
          else if (key === undefined) out.push(at("GHA-04", "require", file, line, "attacker-controlled expression; could not see whether it is inside a script"));
        }
        if (/^\s*runs-on:.*self-hosted/.test(t) || (/^\s*-\s*["']?self-hosted["']?\s*$/.test(t) && key === "runs-on")) {
          out.push(at("GHA-05", "require", file, line, "job runs on a self-hosted runner: code of this workflow runs on your infrastructure"));
        }
        if (deployLike && /^\s*-?\s*["']?(push|workflow_dispatch|schedule)["']?\s*:?/.test(t) && (key === "on" || /^on:/.test(t) || yamlAncestors(linesBefore(pf, hunk, line), t).includes("on"))) {
          out.push(at("GHA-06", "require", file, line, "a new trigger on a deploy workflow: it can now deploy without the usual path"));
        }
      }
      if (line.kind === "-") {
        if (/^\s*permissions\s*:/.test(t) && !added.some((a) => /^\s*permissions\s*:/.test(a.text))) {
          out.push(at("GHA-02", "require", file, line, "a permissions block is removed: the token falls back to the repository default"));
        }
        if (/^\s*environment\s*:/.test(t) && !added.some((a) => /^\s*environment\s*:/.test(a.text))) {
          out.push(at("GHA-06", "require", file, line, "environment is removed from a job: its required reviewers and environment-scoped protections no longer apply"));
        }
        if (deployLike && DEPLOY_COMMAND.test(t) && /^\s*-?\s*(run|name)?\s*:?/.test(t) && hunk.lines.some((l) => l.kind === "+")) {
          out.push(at("GHA-06", "require", file, line, "the deploy steps of this workflow change"));
        }
      }
    }
  }
  return out;
}

/**
 * Workflows under .github/workflows get the rules at full severity; YAML with workflow syntax
 * elsewhere (fixtures, templates) is never run by GitHub, so its findings are notes.
 */
export function analyzeWorkflows(workflows: readonly ParsedFile[], lookalikes: readonly ParsedFile[]): RawFinding[] {
  const out = workflows.flatMap(workflowFindings);
  for (const f of lookalikes.flatMap(workflowFindings)) {
    out.push({ ...f, severity: "note", informational: true, message: `${f.message} (not under .github/workflows: GitHub does not run this file)` });
  }
  return out;
}
