/** Kubernetes / Helm / GitOps rules (K8S-01..K8S-05), plus K8S-04 for compose files and Dockerfiles. */
import type { Severity } from "../types.js";
import { usableContent, type DiffLine, type Hunk, type ParsedFile } from "./diff.js";
import { linesBefore, normalizeLine, removedTwins, yamlAncestors, yamlKindBefore } from "./context.js";
import { at, type RawFinding } from "./raw.js";

interface ManifestDoc {
  kind: string;
  name?: string;
  namespace?: string;
  file: string;
  line: DiffLine;
}

function docKey(d: ManifestDoc): string {
  return `${d.kind}|${d.name ?? "?"}|${d.namespace ?? ""}`;
}

/** Documents on one side of a sequence of lines whose `kind:` line is a changed line. */
function documentsIn(file: string, lines: readonly DiffLine[], changed: "+" | "-"): ManifestDoc[] {
  const docs: ManifestDoc[] = [];
  let current: ManifestDoc | undefined;
  let inMetadata = false;
  for (const l of lines) {
    const t = l.text;
    if (t.trim() === "---") {
      current = undefined;
      inMetadata = false;
      continue;
    }
    const kind = /^kind:\s*["']?(\w+)["']?\s*$/.exec(t);
    if (kind) {
      current = l.kind === changed ? { kind: kind[1]!, file, line: l } : undefined;
      if (current) docs.push(current);
      continue;
    }
    if (/^metadata:\s*$/.test(t)) inMetadata = true;
    else if (/^\S/.test(t)) inMetadata = false;
    if (current && inMetadata) {
      const name = /^ {2}name:\s*["']?([^"'\s#]+)/.exec(t);
      if (name && current.name === undefined) current.name = name[1];
      const ns = /^ {2}namespace:\s*["']?([^"'\s#]+)/.exec(t);
      if (ns) current.namespace = ns[1];
    }
  }
  return docs;
}

function asLines(content: readonly string[], kind: "+" | "-"): DiffLine[] {
  return content.map((text, i) => (kind === "-" ? { kind, text, oldLine: i + 1 } : { kind, text, newLine: i + 1 }));
}

const CRITICAL_KINDS: Record<string, Severity> = {
  Namespace: "block",
  PersistentVolumeClaim: "block",
  PersistentVolume: "block",
  CustomResourceDefinition: "block",
  StatefulSet: "require",
};

function removedManifests(files: readonly ParsedFile[]): RawFinding[] {
  const removed: ManifestDoc[] = [];
  const added: ManifestDoc[] = [];
  for (const pf of files) {
    const file = pf.file.filename;
    const base = usableContent(pf.file.baseContent);
    const head = usableContent(pf.file.headContent);
    if (base && (head || pf.file.status === "removed")) {
      // Whole files at hand: compare their documents, not the hunks.
      const before = documentsIn(file, asLines(base, "-"), "-");
      const after = documentsIn(file, asLines(head ?? [], "+"), "+");
      removed.push(...before);
      added.push(...after);
      continue;
    }
    for (const h of pf.hunks) {
      removed.push(...documentsIn(file, h.lines.filter((l) => l.kind !== "+"), "-"));
      added.push(...documentsIn(file, h.lines.filter((l) => l.kind !== "-"), "+"));
    }
  }
  const addedKeys = new Set(added.map(docKey));
  const addedNames = new Set(added.map((d) => `${d.kind}|${d.name ?? "?"}`));
  const findings: RawFinding[] = [];
  for (const d of removed) {
    if (addedKeys.has(docKey(d))) continue;
    // The same object moved into a file that sets the namespace differently (e.g. via kustomize).
    if (d.namespace === undefined && addedNames.has(`${d.kind}|${d.name ?? "?"}`)) continue;
    const severity = CRITICAL_KINDS[d.kind] ?? "note";
    const what = `${d.kind} ${d.name ?? "(unnamed)"}${d.namespace ? ` in ${d.namespace}` : ""}`;
    const consequence =
      severity === "block"
        ? "with GitOps pruning on, the object and everything it holds is deleted from the cluster"
        : severity === "require"
          ? "with GitOps pruning on, the StatefulSet is deleted (its PVCs may be too, per its retention policy)"
          : "with GitOps pruning on, it is deleted from the cluster";
    findings.push(at("K8S-01", severity, d.file, d.line, `manifest of ${what} is removed: ${consequence}`));
  }
  return findings;
}

const PLUS_PATTERNS: { rule: string; re: RegExp; message: string; severity?: Severity }[] = [
  { rule: "K8S-02", re: /^\s*(reclaimPolicy|persistentVolumeReclaimPolicy):\s*["']?Delete/, message: "volumes are now deleted when their claim is deleted (reclaim policy Delete)" },
  { rule: "K8S-02", re: /^\s*(whenDeleted|whenScaled):\s*["']?Delete/, message: "the StatefulSet now deletes its PVCs (retention policy Delete)" },
  { rule: "K8S-02", re: /^\s*prune:\s*true\b/, message: "GitOps pruning is turned on: any manifest later removed from Git is deleted from the cluster" },
  { rule: "K8S-02", re: /kustomize\.toolkit\.fluxcd\.io\/prune:\s*["']?enabled/, message: "Flux pruning is turned on for this object" },
  { rule: "K8S-04", re: /^\s*-?\s*privileged:\s*true\b/, message: "container runs privileged: it has full access to the node" },
  { rule: "K8S-04", re: /^\s*-?\s*allowPrivilegeEscalation:\s*true\b/, message: "container may gain more privileges than its parent process" },
  { rule: "K8S-04", re: /^\s*-?\s*host(Network|PID|IPC):\s*true\b/, message: "pod shares the node's network/process/IPC namespace" },
  { rule: "K8S-04", re: /^\s*-?\s*(network_mode|pid|ipc):\s*["']?host/, message: "container shares the host's namespace" },
  { rule: "K8S-04", re: /\/var\/run\/docker\.sock|\/run\/containerd\/containerd\.sock/, message: "the container runtime socket is mounted: root on the node" },
  { rule: "K8S-04", re: /["'\s[,]SYS_ADMIN\b|^\s*-\s*["']?SYS_ADMIN/, message: "container gets the SYS_ADMIN capability" },
  { rule: "K8S-04", re: /^\s*-?\s*runAsUser:\s*0\b/, message: "container runs as root (runAsUser: 0)" },
  { rule: "K8S-05", re: /--clusterrole[= ]cluster-admin\b/, message: "binds the cluster-admin role" },
  { rule: "K8S-05", re: /^\s*-?\s*(verbs|resources|apiGroups):\s*\[[^\]]*["']?\*["']?/, message: "RBAC rule with a wildcard grants everything" },
];

const MINUS_PATTERNS: { rule: string; re: RegExp; message: string }[] = [
  { rule: "K8S-02", re: /helm\.sh\/resource-policy:\s*["']?keep/, message: "helm.sh/resource-policy: keep is removed: helm uninstall now deletes the object" },
  { rule: "K8S-02", re: /argocd\.argoproj\.io\/sync-options:.*(Prune=false|Delete=false)/, message: "the Argo CD Prune=false/Delete=false safeguard is removed" },
];

const IMMUTABLE_SELECTOR_KINDS = new Set(["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job"]);

/** K8S-03: a changed line under a field the API server refuses to update in place. */
function immutableField(ancestors: string[], key: string | undefined, kind: string | undefined): string | undefined {
  const chain = [key ?? "", ...ancestors];
  const topIsSpec = ancestors[ancestors.length - 1] === "spec";
  if (chain.includes("volumeClaimTemplates") && (kind === undefined || kind === "StatefulSet")) return "StatefulSet volumeClaimTemplates";
  const sel = chain.indexOf("selector");
  if (sel >= 0 && chain[sel + 1] === "spec" && topIsSpec && sel + 2 === chain.length && (kind === undefined || IMMUTABLE_SELECTOR_KINDS.has(kind))) {
    return `${kind ?? "workload"} spec.selector`;
  }
  if (key === "serviceName" && ancestors.length === 1 && topIsSpec && (kind === undefined || kind === "StatefulSet")) return "StatefulSet spec.serviceName";
  if (key === "storageClassName" && ancestors.length === 1 && topIsSpec && kind === "PersistentVolumeClaim") return "PersistentVolumeClaim spec.storageClassName";
  return undefined;
}

/** Keys that make a line a K8S-03 candidate by themselves, and words an enclosing key must contain for it. */
const IMMUTABLE_KEYS: ReadonlySet<string> = new Set(["serviceName", "storageClassName", "selector", "volumeClaimTemplates"]);
const IMMUTABLE_PARENTS = ["selector", "volumeClaimTemplates"];

/**
 * Whether any line a K8S-03 check of this hunk could look back on names an immutable parent key.
 * Looking back is linear per line, so skipping it when it cannot find anything keeps big manifests linear.
 */
function mayNameImmutableParent(pf: ParsedFile, hunk: Hunk): boolean {
  const texts = [pf.file.baseContent ?? "", pf.file.headContent ?? "", hunk.heading, ...hunk.lines.map((l) => l.text)];
  return texts.some((t) => IMMUTABLE_PARENTS.some((w) => t.includes(w)));
}

function manifestLineFindings(pf: ParsedFile, twins: Set<string>, isManifest: boolean): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  const readded = new Set(pf.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "+").map((l) => normalizeLine(l.text))));
  for (const hunk of pf.hunks) {
    let immutableReported = false;
    const immutableParentInSight = isManifest && mayNameImmutableParent(pf, hunk);
    for (const line of hunk.lines) {
      const text = line.text;
      if (/^\s*#/.test(text)) continue;
      // The look-back context, read only for the few lines whose check needs it.
      let lookback: string[] | undefined;
      let enclosing: string[] | undefined;
      const before = () => (lookback ??= linesBefore(pf, hunk, line));
      const ancestors = () => (enclosing ??= yamlAncestors(before(), text));
      if (line.kind === "+" && !twins.has(normalizeLine(text))) {
        for (const p of PLUS_PATTERNS) {
          if (p.re.test(text) && (isManifest || p.rule === "K8S-04")) out.push(at(p.rule, p.severity ?? "require", file, line, p.message));
        }
        if (isManifest) {
          if (/^\s*path:\s*["']?\/["']?\s*$/.test(text) && ancestors()[0] === "hostPath") out.push(at("K8S-04", "require", file, line, "the node's root filesystem is mounted into the pod"));
          const item = /^\s*-\s*["']?([\w*]+)["']?\s*$/.exec(text);
          if (item && ["verbs", "resources", "apiGroups"].includes(ancestors()[0] ?? "")) {
            if (item[1] === "*") out.push(at("K8S-05", "require", file, line, `RBAC ${ancestors()[0]} wildcard grants everything`));
            else if (ancestors()[0] === "verbs" && /^(escalate|bind|impersonate)$/.test(item[1]!)) out.push(at("K8S-05", "require", file, line, `RBAC verb ${item[1]} lets the holder raise its own privileges`));
          }
          if (/^\s*verbs:\s*\[.*\b(escalate|bind|impersonate)\b/.test(text)) out.push(at("K8S-05", "require", file, line, "RBAC verbs escalate/bind/impersonate let the holder raise its own privileges"));
          if (/^\s*name:\s*["']?cluster-admin["']?\s*$/.test(text) && (ancestors()[0] === "roleRef" || before().slice(0, 3).some((b) => /roleRef|kind:\s*ClusterRole\b/.test(b)))) {
            out.push(at("K8S-05", "require", file, line, "binds the cluster-admin role"));
          }
        }
      }
      if (line.kind === "-") {
        for (const p of MINUS_PATTERNS) {
          if (isManifest && p.re.test(text) && !readded.has(normalizeLine(text))) out.push(at(p.rule, "require", file, line, p.message));
        }
      }
      if (isManifest && line.kind !== " " && !immutableReported) {
        const key = /^\s*-?\s*["']?([\w.\-/]+)["']?\s*:/.exec(text)?.[1];
        const candidate = immutableParentInSight || (key !== undefined && IMMUTABLE_KEYS.has(key));
        const field = candidate ? immutableField(ancestors(), key, yamlKindBefore(before(), text)) : undefined;
        if (field) {
          immutableReported = true;
          out.push(at("K8S-03", "require", file, line, `${field} cannot be changed in place: applying it needs the object deleted and recreated`));
        }
      }
    }
  }
  return out;
}

function dockerfileFindings(pf: ParsedFile): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  const head = usableContent(pf.file.headContent);
  for (const hunk of pf.hunks) {
    const newSide = hunk.lines.filter((l) => l.kind !== "-");
    newSide.forEach((line, i) => {
      if (line.kind !== "+") return;
      if (/^\s*USER\s+(root|0)(:\S*)?\s*$/i.test(line.text)) {
        const later = head ? head.slice(line.newLine ?? 0) : newSide.slice(i + 1).map((l) => l.text);
        if (!later.some((t) => /^\s*FROM\s/i.test(t))) out.push(at("K8S-04", "note", file, line, "the final image runs as root"));
      }
      if (/^\s*RUN\b.*\bsudo\b|^\s*sudo\b/.test(line.text)) out.push(at("K8S-04", "note", file, line, "sudo in the image build: run as a dedicated user instead"));
    });
  }
  return out;
}

export function analyzeKubernetes(manifests: readonly ParsedFile[], others: { compose: readonly ParsedFile[]; dockerfiles: readonly ParsedFile[] }): RawFinding[] {
  const twins = removedTwins(manifests);
  const out = removedManifests(manifests);
  for (const pf of manifests) out.push(...manifestLineFindings(pf, twins, true));
  for (const pf of others.compose) out.push(...manifestLineFindings(pf, removedTwins([pf]), false));
  for (const pf of others.dockerfiles) out.push(...manifestLineFindings(pf, removedTwins([pf]), false), ...dockerfileFindings(pf));
  return out;
}
