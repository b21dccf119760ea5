/** Which ecosystems a changed file belongs to, from its name and (a sample of) its text. */
import { baseNameOf } from "./diff.js";

export type Ecosystem =
  | "terraform"
  | "cloudformation"
  | "iac-code"
  | "kubernetes"
  | "compose"
  | "dockerfile"
  | "migration"
  | "workflow"
  | "workflow-like"
  | "script";

const TERRAFORM = /(\.tf|\.tf\.json|\.tofu|\.tfvars|\.tfvars\.json|(^|\/)terragrunt\.hcl)$/i;
const YAML = /\.ya?ml$/i;
const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/i;
const ACTION = /^\.github\/actions\/.+\/action\.ya?ml$|(^|\/)action\.ya?ml$/i;
const K8S_DIR = /(^|\/)(k8s|kubernetes|manifests|charts|helm|kustomize|argocd|argo|flux|clusters|gitops|deploy|deployments)(\/|$)/i;
const COMPOSE = /(^|\/)(docker-)?compose[^/]*\.ya?ml$/i;
const DOCKERFILE = /(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$|\.dockerfile$/i;
const SQL = /\.sql$/i;
/** Code migrations: Rails, Alembic/Django, knex/TypeORM/Sequelize, Laravel, Ecto, EF Core, Go. */
const MIGRATION_CODE = /\.(rb|py|[cm]?[jt]s|php|exs?|cs|go)$/i;
const MIGRATION_DIR = /(^|\/)(migrations?|migrate|alembic\/versions|db\/migrate|schema)(\/|$)/i;
const SCRIPT =
  /\.(sh|bash|zsh|ksh|ps1|mk)$|(^|\/)(Makefile|GNUmakefile|makefile|Justfile|justfile|Taskfile\.ya?ml|package\.json|Jenkinsfile|Rakefile|\.gitlab-ci\.ya?ml|buildspec\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|\.travis\.ya?ml|cloudbuild\.ya?ml|Procfile)$|(^|\/)\.circleci\/config\.ya?ml$|(^|\/)\.buildkite\/.+\.ya?ml$/i;
const CODE = /\.(ts|mts|cts|js|mjs|cjs|py|go|cs|java|kt)$/i;
const CFN_NAME = /\.template$|(^|\/)(template|cloudformation|cfn)[^/]*\.(ya?ml|json)$|(^|\/)(cloudformation|cfn)\//i;
const INFRA_DIR = /(^|\/)(infra|infrastructure|terraform|tf|iac|ops|cloudformation|cfn|cdk|pulumi|k8s|kubernetes|helm|charts|deploy|deployment|deployments|manifests|migrations?|db)(\/|$)/i;

const CFN_TEXT = /AWSTemplateFormatVersion|["']?Type["']?\s*:\s*["']?AWS::/;
const WORKFLOW_TEXT = /^[+\- ]?\s*runs-on:|^[+\- ]?on:\s*(\[|$|[a-z_]+\s*$)/m;
const WORKFLOW_JOBS = /^[+\- ]?jobs:\s*$/m;
const IAC_CODE_TEXT = /aws-cdk|@pulumi|pulumi\.|import pulumi|RemovalPolicy|autoDeleteObjects|cdk\.|new\s+\w+\.Stack\b|retainOnDelete|protect\s*:/;
/** A word every IAC_CODE_TEXT match contains: plain substring search first, as most code files are not IaC. */
const IAC_CODE_WORDS = ["cdk", "pulumi", "RemovalPolicy", "autoDeleteObjects", "Stack", "retainOnDelete", "protect"];

function looksLikeIacCode(sample: string): boolean {
  return IAC_CODE_WORDS.some((w) => sample.includes(w)) && IAC_CODE_TEXT.test(sample);
}

export function isSql(filename: string): boolean {
  return SQL.test(filename);
}

/** Ecosystems of a file. `sample` is any text of it at hand (patch and/or content). */
export function ecosystemsOf(filename: string, sample: string): Set<Ecosystem> {
  const kinds = new Set<Ecosystem>();
  const name = baseNameOf(filename);
  if (TERRAFORM.test(filename)) kinds.add("terraform");
  if (DOCKERFILE.test(filename)) kinds.add("dockerfile");
  if (SQL.test(filename) || (MIGRATION_DIR.test(filename) && MIGRATION_CODE.test(name))) kinds.add("migration");
  if (SCRIPT.test(filename)) kinds.add("script");
  if (WORKFLOW.test(filename)) kinds.add("workflow");
  else if (ACTION.test(filename)) kinds.add("script");
  const isYaml = YAML.test(filename);
  const isJson = /\.json$/i.test(filename);
  if (isYaml && COMPOSE.test(filename)) kinds.add("compose");
  if ((isYaml || isJson || /\.template$/i.test(filename)) && (CFN_NAME.test(filename) || CFN_TEXT.test(sample))) {
    kinds.add("cloudformation");
  }
  if (isYaml && !kinds.has("workflow") && !kinds.has("compose")) {
    if (WORKFLOW_TEXT.test(sample) && WORKFLOW_JOBS.test(sample) && !kinds.has("script")) kinds.add("workflow-like");
    // Manifests often show neither apiVersion nor kind in a hunk: any other YAML is read as one
    // (fail closed); the removal rule still needs a visible `kind:`.
    else if (!kinds.has("cloudformation") && !kinds.has("script")) kinds.add("kubernetes");
  }
  if (/(^|\/)templates\/[^/]+\.(ya?ml|tpl)$/i.test(filename) && /(^|\/)charts?\//i.test(filename)) kinds.add("kubernetes");
  if (CODE.test(filename) && looksLikeIacCode(sample)) kinds.add("iac-code");
  return kinds;
}

/**
 * A file whose unreadable diff must fail closed: recognised by name alone (its text is not at hand).
 * JSON only counts in infra directories: package-lock.json and friends are too large too often.
 */
export function isInfraPath(filename: string): boolean {
  if (ecosystemsOf(filename, "").size > 0) return true;
  if (/\.hcl$/i.test(filename)) return true;
  if (/\.(ya?ml|template)$/i.test(filename) && (INFRA_DIR.test(filename) || K8S_DIR.test(filename))) return true;
  return /\.json$/i.test(filename) && INFRA_DIR.test(filename) && !/(^|\/)(package-lock|npm-shrinkwrap|composer\.lock)\.json$/i.test(filename);
}
