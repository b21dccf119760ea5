/** The infra rule catalog: ids, titles and default severities (the strictest a rule emits). */
import type { Severity } from "../types.js";

export interface InfraRuleMeta {
  id: string;
  title: string;
  ecosystem: string;
  defaultSeverity: Severity;
  summary: string;
}

const TF = "Terraform / OpenTofu";
const CFN = "CloudFormation / CDK / Pulumi";
const K8S = "Kubernetes / Helm / GitOps";
const DB = "Database migrations";
const GHA = "GitHub Actions";
const SH = "Shell, Makefiles, scripts, Dockerfile RUN";
const META = "Meta";

function rule(id: string, title: string, ecosystem: string, defaultSeverity: Severity, summary: string): InfraRuleMeta {
  return { id, title, ecosystem, defaultSeverity, summary };
}

export const INFRA_RULES: InfraRuleMeta[] = [
  rule("TF-01", "resource-removed", TF, "block", "A resource block is removed and nothing in the PR moves or forgets it: apply destroys it (block for stateful types, require otherwise)."),
  rule("TF-02", "module-call-removed", TF, "block", "A module call is removed without a moved block: every resource inside it is destroyed."),
  rule("TF-03", "address-change-without-moved", TF, "block", "A resource or module changes address (rename, count/for_each swap) without a moved block; note when covered or when moved blocks are removed."),
  rule("TF-04", "removed-block", TF, "block", "A removed block: note when it only forgets (destroy = false), block/require when it destroys."),
  rule("TF-05", "prevent-destroy-dropped", TF, "require", "lifecycle prevent_destroy = true is removed or set to false."),
  rule("TF-06", "deletion-protection-disabled", TF, "require", "Deletion or termination protection is switched off or removed."),
  rule("TF-07", "force-destroy-enabled", TF, "require", "force_destroy / force_delete = true: a later destroy also deletes every object."),
  rule("TF-08", "backups-weakened", TF, "require", "Final snapshots skipped, backup retention cut, versioning suspended, recovery windows shortened."),
  rule("TF-09", "instance-count-reduced", TF, "block", "count set to 0 on a stateful type (block), other literal count/for_each changes on stateful types or create_/enable_ flags turned off in tfvars (require)."),
  rule("TF-10", "replacement-prone-attribute-changed", TF, "require", "A literal value changes on an attribute that usually forces replacement of a stateful resource."),
  rule("TF-11", "module-provider-state-plumbing", TF, "require", "Module source or major version, backend state location (require); provider or Terraform major version (note)."),
  rule("TF-12", "iam-wildcard", TF, "block", "IAM Allow with Action * and Resource * or AdministratorAccess (block); Action * / service:* or NotAction alone (require)."),
  rule("TF-13", "network-exposure", TF, "require", "Ingress open to 0.0.0.0/0 or ::/0, publicly_accessible = true, S3 public access block turned off."),
  rule("CFN-01", "logical-resource-removed", CFN, "block", "A CloudFormation logical resource is removed: the stack update deletes it (note when the removed lines show a retaining DeletionPolicy)."),
  rule("CFN-02", "deletion-policy-weakened", CFN, "require", "DeletionPolicy / UpdateReplacePolicy Retain or Snapshot changed to Delete or removed."),
  rule("CFN-03", "termination-protection-off", CFN, "require", "Stack termination protection switched off (template, CDK or CLI)."),
  rule("IAC-01", "cdk-pulumi-protection-flags", CFN, "require", "CDK RemovalPolicy.DESTROY / autoDeleteObjects, Pulumi protect or retainOnDelete removed."),
  rule("K8S-01", "critical-object-removed", K8S, "block", "A manifest is removed: Namespace, PV, PVC, CRD (block), StatefulSet (require), other kinds (note)."),
  rule("K8S-02", "retention-or-prune-safeguard-weakened", K8S, "require", "Reclaim/retention policy Delete, GitOps pruning turned on, keep/Prune=false annotations removed."),
  rule("K8S-03", "immutable-field-change", K8S, "require", "A change to a field the API server will not update in place (StatefulSet volumeClaimTemplates/selector/serviceName, Deployment selector, PVC storageClassName)."),
  rule("K8S-04", "privileged-workload", K8S, "require", "Privileged containers, host namespaces, docker.sock or / host mounts, SYS_ADMIN, root user (note for Dockerfile USER root / sudo)."),
  rule("K8S-05", "rbac-escalation", K8S, "require", "Binding to cluster-admin, wildcard verbs/resources/apiGroups, escalate/bind/impersonate verbs."),
  rule("DB-01", "drop-table-schema-database", DB, "block", "DROP DATABASE / DROP SCHEMA (block); DROP TABLE and framework equivalents (require)."),
  rule("DB-02", "drop-column", DB, "require", "A migration drops a column."),
  rule("DB-03", "truncate-or-unbounded-delete", DB, "block", "TRUNCATE ... CASCADE (block); TRUNCATE or DELETE without WHERE (require)."),
  rule("DB-04", "backward-incompatible-rename-or-type", DB, "require", "Column/table renames (require); column type changes and enum value renames (note)."),
  rule("DB-05", "recreate-patterns", DB, "require", "create_table force: true, or DROP ... IF EXISTS followed by CREATE of the same table."),
  rule("GHA-01", "dangerous-trigger", GHA, "block", "pull_request_target / workflow_run added (require); block when the workflow checks out the PR head."),
  rule("GHA-02", "permission-broadening", GHA, "require", "write-all or write scopes added, or a permissions block removed."),
  rule("GHA-03", "secret-exposure", GHA, "require", "secrets: inherit, toJSON(secrets), secrets expanded into run scripts, ACTIONS_ALLOW_UNSECURE_COMMANDS."),
  rule("GHA-04", "template-injection", GHA, "block", "Attacker-controlled ${{ github.event... }} text expanded inside a run/script."),
  rule("GHA-05", "self-hosted-runner", GHA, "require", "A job moves to a self-hosted runner."),
  rule("GHA-06", "deploy-path-change", GHA, "require", "environment removed from a job, deploy commands changed, new push/dispatch triggers on a deploy workflow."),
  rule("SH-01", "iac-destroy", SH, "block", "terraform/tofu/pulumi/cdk destroy, CloudFormation delete-stack, sam delete (block); bare -auto-approve (note)."),
  rule("SH-02", "kubectl-helm-destructive", SH, "block", "kubectl delete of namespaces, volumes, StatefulSets, CRDs or --all (block); other deletes, helm uninstall, replace --force (require)."),
  rule("SH-03", "cloud-cli-delete", SH, "block", "Cloud CLI deletes: RDS deletes / skipped final snapshots / s3 rb --force (block); other delete commands (require)."),
  rule("SH-04", "database-reset", SH, "block", "prisma migrate reset / db push --accept-data-loss, rails db:drop/reset, manage.py flush, DROP DATABASE, FLUSHALL."),
  rule("SH-05", "filesystem-git-destructive", SH, "require", "rm -rf of / or an unguarded variable path, git push --force."),
  rule("META-01", "scanner-suppression-added", META, "require", "A scanner suppression comment (checkov, squawk, atlas, zizmor, kube-linter, semgrep, tfsec, trivy) is added to an infra file."),
  rule("META-02", "unreadable-diff", META, "require", "An infra file whose diff GitHub did not return or that could not be parsed: fail closed."),
];

export const INFRA_RULE_IDS: ReadonlySet<string> = new Set(INFRA_RULES.map((r) => r.id));
