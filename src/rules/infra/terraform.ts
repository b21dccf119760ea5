/**
 * Terraform / OpenTofu rules (TF-01..TF-13).
 *
 * Removals are reasoned about per PR, never per hunk: removed headers minus added headers, keyed
 * by (directory, address), then covered by `moved` / `removed` blocks found on the new side of any
 * file of the same directory. Attribute rules pair removed and added lines per block address.
 */
import type { Severity } from "../types.js";
import { directoryOf, sideOf, usableContent, type DiffLine, type ParsedFile } from "./diff.js";
import { isLiteral, parseAttribute, parseHeader, scanHcl, stripIndex, type HclBlock, type HclLineInfo } from "./hcl.js";
import { scanIamPolicies } from "./iam.js";
import { at, unreadableFinding, type RawFinding } from "./raw.js";
import { isStatefulTerraformType } from "./stateful.js";
import { removedLine, tfJsonChanges, type TfJsonChange } from "./terraform-json.js";

interface TfLine {
  line: DiffLine;
  info: HclLineInfo;
  file: string;
  dir: string;
  hunk: number;
  /** parseAttribute of the line, once asked (null: not an attribute). Several rules read it. */
  attr?: { key: string; value: string } | null;
}

function attributeOf(l: TfLine): { key: string; value: string } | undefined {
  if (l.attr === undefined) l.attr = parseAttribute(l.line.text) ?? null;
  return l.attr ?? undefined;
}

interface TfFile {
  parsed: ParsedFile;
  dir: string;
  lines: TfLine[];
  isVars: boolean;
}

function infosFromContent(content: string | undefined): HclLineInfo[] | undefined {
  const lines = usableContent(content);
  return lines ? scanHcl(lines) : undefined;
}

/** Every diff line with its enclosing block: from the whole file when we have it, else from the hunk. */
function annotate(parsed: ParsedFile): TfFile {
  const file = parsed.file.filename;
  const dir = directoryOf(file);
  const baseInfos = infosFromContent(parsed.file.baseContent);
  const headInfos = infosFromContent(parsed.file.headContent);
  const lines: TfLine[] = [];
  parsed.hunks.forEach((hunk, h) => {
    const seed = parseHeader(hunk.heading);
    const oldInfos = scanHcl(sideOf(hunk, "old").map((l) => l.text), seed);
    const newInfos = scanHcl(sideOf(hunk, "new").map((l) => l.text), seed);
    let oldIndex = 0;
    let newIndex = 0;
    for (const line of hunk.lines) {
      // A context line is on both sides; its info is read from the new side, as a removed one's from the old.
      const fromHunk = line.kind === "-" ? oldInfos[oldIndex] : newInfos[newIndex];
      if (line.kind !== "+") oldIndex++;
      if (line.kind !== "-") newIndex++;
      const fromContent =
        line.kind === "-" ? baseInfos?.[(line.oldLine ?? 0) - 1] : headInfos?.[(line.newLine ?? 0) - 1];
      lines.push({ line, info: fromContent ?? fromHunk!, file, dir, hunk: h });
    }
  });
  return { parsed, dir, lines, isVars: /\.tfvars(\.json)?$/i.test(file) };
}

// ---------------------------------------------------------------------------------------------
// Removals, renames, moved and removed blocks

interface HeaderSeen {
  block: HclBlock;
  at: TfLine;
}

interface RefactorBlock {
  kind: "moved" | "removed";
  from?: string;
  to?: string;
  destroy?: boolean;
  at: TfLine;
}

function key(dir: string, address: string): string {
  return `${dir}\u0000${address}`;
}

function headersOn(files: TfFile[], kind: "+" | "-"): HeaderSeen[] {
  const seen: HeaderSeen[] = [];
  for (const f of files) {
    for (const l of f.lines) {
      if (l.line.kind !== kind || l.info.isComment || l.info.inHeredoc) continue;
      const block = parseHeader(l.line.text);
      if (block && (block.kind === "resource" || block.kind === "module")) seen.push({ block, at: l });
    }
  }
  return seen;
}

/** `moved`/`removed` blocks whose opening line is on `side` (new: `+`, old: `-`), read from that side. */
function refactorBlocks(files: TfFile[], side: "+" | "-"): RefactorBlock[] {
  const blocks = new Map<number, RefactorBlock>();
  for (const f of files) {
    for (const l of f.lines) {
      if (l.line.kind === (side === "+" ? "-" : "+")) continue;
      const top = l.info.top;
      if (!top || (top.kind !== "moved" && top.kind !== "removed")) continue;
      let block = blocks.get(top.id);
      if (!block) {
        // The opener must be on the changed side: a context `moved {` was there before.
        if (l.line.kind !== side || !parseHeader(l.line.text)) continue;
        block = { kind: top.kind, at: l };
        blocks.set(top.id, block);
      }
      const attr = attributeOf(l);
      if (!attr) continue;
      if (attr.key === "from") block.from = stripIndex(attr.value);
      else if (attr.key === "to") block.to = stripIndex(attr.value);
      else if (attr.key === "destroy") block.destroy = attr.value !== "false";
    }
  }
  return [...blocks.values()];
}

function severityForAddress(address: string): Severity {
  if (address.startsWith("module.")) return "block";
  return isStatefulTerraformType(address.split(".")[0] ?? "") ? "block" : "require";
}

function describeStateful(address: string): string {
  if (address.startsWith("module.")) return "every resource inside the module is destroyed";
  return isStatefulTerraformType(address.split(".")[0] ?? "")
    ? "it is a stateful type, so its data is lost"
    : "it is destroyed (and recreated only if declared elsewhere)";
}

/** TF-01 / TF-02: a resource or module call whose configuration is gone, with nothing to carry it over. */
function destroyedFinding(address: string, file: string, line: DiffLine): RawFinding {
  if (address.startsWith("module.")) {
    return at("TF-02", "block", file, line, `module call "${address.slice("module.".length)}" is removed with no moved block: terraform apply destroys ${describeStateful(address)}`);
  }
  return at("TF-01", severityForAddress(address), file, line, `resource ${address} is removed and nothing in this PR moves or forgets it: terraform apply destroys it; ${describeStateful(address)}`);
}

/** The first item per key, in order: a Map lookup instead of a `find` per removed header (PRs have thousands). */
function firstBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = keyOf(item);
    if (k !== undefined && !map.has(k)) map.set(k, item);
  }
  return map;
}

function removalFindings(
  files: TfFile[],
  newBlocks: readonly RefactorBlock[],
  /** Addresses that `.tf.json` files of the PR declare anew, keyed like `key(dir, address)`. */
  addedInJson: ReadonlySet<string>,
): { findings: RawFinding[]; gone: Set<string>; addedKeys: Set<string> } {
  const findings: RawFinding[] = [];
  const removed = headersOn(files, "-");
  const added = headersOn(files, "+");
  const addedKeys = new Set([...added.map((h) => key(h.at.dir, h.block.address)), ...addedInJson]);
  const removedKeys = new Set(removed.map((h) => key(h.at.dir, h.block.address)));
  const moves = newBlocks.filter((b) => b.kind === "moved");
  const forgets = newBlocks.filter((b) => b.kind === "removed");
  const moveFrom = firstBy(moves, (m) => (m.from === undefined ? undefined : key(m.at.dir, m.from)));
  const forgotten = new Set(forgets.flatMap((b) => (b.from === undefined ? [] : [key(b.at.dir, b.from)])));
  const sameKind = (dir: string, b: HclBlock) => `${dir}\u0000${b.kind}\u0000${b.type ?? ""}`;
  // A rename candidate: a new header of the same kind and type whose address was not also removed.
  const renameCandidate = firstBy(added, (a) => (removedKeys.has(key(a.at.dir, a.block.address)) ? undefined : sameKind(a.at.dir, a.block)));
  const gone = new Set<string>();

  for (const r of removed) {
    const address = r.block.address;
    const k = key(r.at.dir, address);
    if (addedKeys.has(k)) continue;
    gone.add(k);
    const move = moveFrom.get(k);
    if (move) {
      findings.push(at("TF-03", "note", r.at.file, r.at.line, `${address} is renamed to ${move.to ?? "?"} and a moved block in ${move.at.file} carries its state over`, true));
      continue;
    }
    if (forgotten.has(k)) continue; // reported with the removed block
    const severity = severityForAddress(address);
    findings.push(destroyedFinding(address, r.at.file, r.at.line));
    const renamedTo = renameCandidate.get(sameKind(r.at.dir, r.block));
    if (renamedTo) {
      findings.push(at("TF-03", severity, r.at.file, r.at.line, `${address} looks renamed to ${renamedTo.block.address} without a moved block: Terraform destroys the old address and creates a new one`));
    }
  }

  for (const b of forgets) {
    const from = b.from ?? "?";
    if (b.destroy === false) {
      findings.push(at("TF-04", "note", b.at.file, b.at.line, `removed block for ${from} with destroy = false: Terraform forgets it and leaves the real object in place`, true));
    } else {
      findings.push(at("TF-04", severityForAddress(from), b.at.file, b.at.line, `removed block for ${from} destroys it (destroy is not false): ${describeStateful(from)}`));
    }
  }

  // Removing moved blocks breaks every state that has not applied them yet.
  const readded = new Set(moves.map((m) => `${m.at.dir}|${m.from}|${m.to}`));
  for (const m of refactorBlocks(files, "-").filter((b) => b.kind === "moved")) {
    if (readded.has(`${m.at.dir}|${m.from}|${m.to}`)) continue;
    findings.push(at("TF-03", "note", m.at.file, m.at.line, `moved block ${m.from ?? "?"} -> ${m.to ?? "?"} is removed: harmless only if every state (every caller of a shared module) already applied it`, true));
  }
  return { findings, gone, addedKeys };
}

// ---------------------------------------------------------------------------------------------
// Attribute rules

interface Attr {
  key: string;
  value: string;
  at: TfLine;
}

/** Attributes of one block (by address) on each side, across all files of a directory. */
interface BlockChange {
  address: string;
  top?: HclBlock;
  removed: Attr[];
  added: Attr[];
  /** Context and added lines: the new side, for things like `type = "egress"`. */
  newSide: Attr[];
}

function blockKey(l: TfLine): string {
  // Before any header and without a heading, lines of a hunk form their own anonymous block.
  return l.info.top ? key(l.dir, l.info.top.address) : `${l.file}\u0000hunk${l.hunk}`;
}

function blockChanges(files: TfFile[]): Map<string, BlockChange> {
  const changes = new Map<string, BlockChange>();
  for (const f of files) {
    for (const l of f.lines) {
      if (l.info.isComment || l.info.inHeredoc) continue;
      const attr = attributeOf(l);
      if (!attr) continue;
      const k = blockKey(l);
      let c = changes.get(k);
      if (!c) {
        c = { address: l.info.top?.address ?? "(top level)", ...(l.info.top ? { top: l.info.top } : {}), removed: [], added: [], newSide: [] };
        changes.set(k, c);
      }
      const a = { key: attr.key, value: attr.value, at: l };
      if (l.line.kind === "-") c.removed.push(a);
      else c.newSide.push(a);
      if (l.line.kind === "+") c.added.push(a);
    }
  }
  return changes;
}

const PROTECTION_ATTRS = new Set([
  "deletion_protection",
  "enable_deletion_protection",
  "deletion_protection_enabled",
  "termination_protection",
  "prevent_deletion_if_contains_resources",
]);

const REPLACEMENT_PRONE = new Set([
  "identifier",
  "cluster_identifier",
  "bucket",
  "name",
  "engine",
  "availability_zone",
  "kms_key_id",
  "storage_encrypted",
  "hash_key",
  "range_key",
  "database_version",
  "location",
  "region",
  "replication_group_id",
  "cluster_id",
  "db_subnet_group_name",
  "encrypted",
  "snapshot_identifier",
  "zone",
]);

const OPEN_CIDR = /(^|[^\d.])0\.0\.0\.0\/0\b|::\/0/;
const CIDR_KEYS = /^(cidr_blocks|ipv6_cidr_blocks|cidr_ipv4|cidr_ipv6|source_ranges|cidr_block|source_address_prefix|source_address_prefixes|ip_range)$/;
const S3_PUBLIC_BLOCK = /^(block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets)$/;

function normalized(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

function typeOf(c: BlockChange): string {
  return c.top?.type ?? "";
}

/** Stateful, or unknown (no header in sight): the hazard cannot be ruled out. */
function maybeStateful(c: BlockChange): boolean {
  return !c.top || c.top.kind !== "resource" || isStatefulTerraformType(typeOf(c));
}

function majorOf(value: string): number | undefined {
  const m = /(\d+)(?:\.\d+)*/.exec(value);
  return m ? Number(m[1]) : undefined;
}

function attributeFindings(files: TfFile[], gone: Set<string>, newBlocks: readonly RefactorBlock[]): RawFinding[] {
  const findings: RawFinding[] = [];
  const movedFrom = new Set(newBlocks.flatMap((b) => (b.kind === "moved" && b.from !== undefined ? [key(b.at.dir, b.from)] : [])));
  const changes = blockChanges(files);
  const removedTwins = new Map<string, Set<string>>();
  for (const f of files) {
    const set = removedTwins.get(f.dir) ?? new Set<string>();
    for (const l of f.lines) if (l.line.kind === "-") set.add(normalized(l.line.text));
    removedTwins.set(f.dir, set);
  }
  /** An added line that was also removed in the same directory is a move, not a change. */
  const isTwin = (a: Attr) => removedTwins.get(a.at.dir)?.has(normalized(a.at.line.text)) ?? false;
  const push = (rule: string, severity: Severity, a: Attr, message: string) => findings.push(at(rule, severity, a.at.file, a.at.line, message));

  for (const [k, c] of changes) {
    if (gone.has(k)) continue; // the whole block is removed: TF-01/TF-02 say so
    const where = c.top ? c.address : `this block`;
    const addedTrue = (name: string, value: string) => c.added.some((a) => a.key === name && a.value === value);
    const stateful = maybeStateful(c);

    for (const a of c.added) {
      const v = a.value;
      const path = a.at.info.path;
      if (isTwin(a)) continue;
      if (a.key === "prevent_destroy" && v === "false") push("TF-05", "require", a, `${where}: prevent_destroy is set to false, so Terraform will destroy it when asked`);
      if (PROTECTION_ATTRS.has(a.key) && v === "false") push("TF-06", "require", a, `${where}: ${a.key} is turned off, so the resource can now be deleted`);
      if (a.key === "disable_api_termination" && v === "false" && c.removed.some((r) => r.key === a.key && r.value === "true")) {
        push("TF-06", "require", a, `${where}: API termination protection is turned off`);
      }
      if ((a.key === "force_destroy" || a.key === "force_delete") && v === "true") {
        push("TF-07", "require", a, `${where}: ${a.key} = true lets a later destroy delete every object it holds (takes effect once applied: the first step of "arm, then delete")`);
      }
      if (a.key === "skip_final_snapshot" && v === "true") push("TF-08", "require", a, `${where}: no final snapshot will be taken when it is deleted`);
      if (a.key === "backup_retention_period" && v === "0") push("TF-08", "require", a, `${where}: automated backups are turned off (retention 0)`);
      if (a.key === "delete_automated_backups" && v === "true") push("TF-08", "require", a, `${where}: automated backups are deleted with the instance`);
      if (a.key === "recovery_window_in_days" && v === "0") push("TF-08", "require", a, `${where}: the secret is deleted at once, with no recovery window`);
      if (a.key === "status" && /"?Suspended"?/.test(v) && (path.some((p) => p.includes("versioning")) || typeOf(c).includes("versioning"))) {
        push("TF-08", "require", a, `${where}: bucket versioning is suspended, so overwritten and deleted objects cannot be recovered`);
      }
      if (a.key === "enabled" && v === "false" && path.some((p) => p === "point_in_time_recovery" || p === "versioning" || p === "backup_configuration")) {
        push("TF-08", "require", a, `${where}: ${path[path.length - 1]} is turned off`);
      }
      if (a.key === "deletion_window_in_days") {
        const before = c.removed.find((r) => r.key === a.key);
        if (before && Number(v) < Number(before.value)) push("TF-08", "require", a, `${where}: the key deletion window is shortened from ${before.value} to ${v} days`);
      }
      if (a.key === "publicly_accessible" && v === "true") push("TF-13", "require", a, `${where}: the database is made publicly accessible`);
      if (S3_PUBLIC_BLOCK.test(a.key) && v === "false") push("TF-13", "require", a, `${where}: S3 public access block ${a.key} is turned off`);
      if (CIDR_KEYS.test(a.key) && OPEN_CIDR.test(v)) {
        const egress =
          path.some((p) => /egress/i.test(p)) ||
          /egress/i.test(typeOf(c)) ||
          c.newSide.some((n) => (n.key === "type" && /egress/i.test(n.value)) || (n.key === "direction" && /egress|outbound/i.test(n.value)));
        if (!egress) push("TF-13", "require", a, `${where}: ingress opened to the whole internet (${v})`);
      }
      if (a.key === "policy_arn" && /AdministratorAccess/.test(v)) push("TF-12", "block", a, `${where}: attaches the AdministratorAccess managed policy`);
    }

    // Protections removed and not put back for the same address anywhere in the PR.
    for (const r of c.removed) {
      if (addedTrue(r.key, r.value)) continue;
      if (r.key === "prevent_destroy" && r.value === "true" && !c.added.some((a) => a.key === "prevent_destroy")) {
        push("TF-05", "require", r, `${where}: lifecycle prevent_destroy = true is removed`);
      }
      if (PROTECTION_ATTRS.has(r.key) && r.value === "true" && !c.added.some((a) => a.key === r.key)) {
        push("TF-06", "require", r, `${where}: ${r.key} = true is removed (the default is off)`);
      }
      if (r.key === "final_snapshot_identifier" && !c.added.some((a) => a.key === r.key)) {
        push("TF-08", "require", r, `${where}: final_snapshot_identifier is removed`);
      }
    }

    const pair = (name: string) => ({ before: c.removed.find((r) => r.key === name && r.at.info.path.length === 0), after: c.added.find((a) => a.key === name && a.at.info.path.length === 0) });

    // count / for_each
    const count = pair("count");
    const forEach = pair("for_each");
    if (c.top?.kind === "resource" || c.top?.kind === "module" || !c.top) {
      const swapped = (count.before && forEach.after) || (forEach.before && count.after);
      if (swapped) {
        const line = (count.after ?? forEach.after)!;
        const covered = movedFrom.has(key(line.at.dir, c.address));
        const sev: Severity = covered ? "note" : c.top?.kind === "module" || (c.top && isStatefulTerraformType(typeOf(c))) ? "block" : "require";
        push("TF-03", sev, line, covered ? `${where}: count/for_each swap, instance keys covered by moved blocks` : `${where}: count <-> for_each changes every instance key ([0] -> ["key"]): instances are destroyed and recreated unless moved blocks map the keys`);
      }
      if (count.after && !swapped) {
        const after = count.after.value.trim();
        const before = count.before?.value.trim();
        if (after === "0" && stateful) {
          push("TF-09", c.top && isStatefulTerraformType(typeOf(c)) ? "block" : "require", count.after, `${where}: count = 0 destroys every instance`);
        } else if (before !== undefined && before !== after && (isLiteral(before) || isLiteral(after)) && stateful) {
          push("TF-09", "require", count.after, `${where}: count changes from ${before} to ${after}; instances above the new count are destroyed`);
        }
      }
      if (forEach.after && forEach.before && !swapped && forEach.before.value !== forEach.after.value && stateful && (isLiteral(forEach.before.value) || /^(toset\()?\[/.test(forEach.after.value) || /^(toset\()?\[/.test(forEach.before.value))) {
        push("TF-09", "require", forEach.after, `${where}: for_each keys change; instances whose key disappears are destroyed`);
      }
    }

    // Replacement-prone attributes on stateful resources.
    if (c.top?.kind === "resource" && isStatefulTerraformType(typeOf(c))) {
      for (const name of REPLACEMENT_PRONE) {
        const { before, after } = pair(name);
        if (before && after && before.value !== after.value && (isLiteral(before.value) || isLiteral(after.value))) {
          push("TF-10", "require", after, `${where}: ${name} changes from ${before.value} to ${after.value}; on many providers this forces replacement (destroy + create). Check the plan`);
        }
      }
    }

    // Module, provider and state plumbing.
    if (c.top?.kind === "module") {
      const src = pair("source");
      if (src.before && src.after && src.before.value !== src.after.value) push("TF-11", "require", src.after, `${where}: module source changes from ${src.before.value} to ${src.after.value}; the new module may not declare the same resources`);
      const ver = pair("version");
      if (ver.before && ver.after && majorOf(ver.before.value) !== majorOf(ver.after.value)) {
        push("TF-11", "require", ver.after, `${where}: module major version changes (${ver.before.value} -> ${ver.after.value}); major releases may remove or rename resources, check its upgrade guide and the plan`);
      }
    }
    if (c.top?.kind === "terraform") {
      for (const a of c.added) {
        const before = c.removed.find((r) => r.key === a.key && r.at.info.path.join("/") === a.at.info.path.join("/"));
        const inBackend = a.at.info.path[0] === "backend" || a.at.info.path[0] === "cloud" || a.at.info.path.includes("workspaces");
        if (inBackend && /^(key|bucket|prefix|workspace|workspaces|name|path|container_name|storage_account_name|resource_group_name|organization)$/.test(a.key) && before && before.value !== a.value) {
          push("TF-11", "require", a, `${where}: state location changes (${a.key}: ${before.value} -> ${a.value}); the next plan starts from a different (possibly empty) state`);
        }
        if ((a.key === "required_version" || a.key === "version") && before && majorOf(before.value) !== majorOf(a.value)) {
          push("TF-11", "note", a, `${where}: ${a.key === "version" ? "provider" : "Terraform"} major version changes (${before.value} -> ${a.value})`);
        }
      }
    }
  }

  // tfvars: feature flags switched off.
  for (const f of files.filter((x) => x.isVars)) {
    for (const l of f.lines) {
      if (l.line.kind !== "+" || l.info.isComment) continue;
      const attr = attributeOf(l);
      if (!attr || !/^(create|enable)_?\w*$/.test(attr.key) || attr.value !== "false") continue;
      push("TF-09", "require", { key: attr.key, value: attr.value, at: l }, `${attr.key} = false in ${f.parsed.file.filename}: if this flag gates a resource's count, the resource is destroyed`);
    }
  }
  return findings;
}

function iamFindings(files: TfFile[]): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const f of files) {
    for (const hunk of f.parsed.hunks) findings.push(...scanIamPolicies(f.parsed.file.filename, hunk.lines));
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Terraform JSON syntax: removals read from whole files, reasoned with the HCL files of the PR

function jsonAdded(changes: readonly TfJsonChange[]): Set<string> {
  const added = new Set<string>();
  for (const c of changes) for (const address of c.head.addresses.keys()) if (!(c.baseDir === c.dir && c.base.addresses.has(address))) added.add(key(c.dir, address));
  return added;
}

/** `added`: every address the PR declares anew, HCL and JSON (removalFindings' `addedKeys`). */
function jsonRemovalFindings(changes: readonly TfJsonChange[], added: ReadonlySet<string>, newBlocks: readonly RefactorBlock[]): RawFinding[] {
  const findings: RawFinding[] = [];
  const moves = new Map<string, string | undefined>();
  // `removed` blocks: HCL ones are reported where they stand (removalFindings); JSON ones here.
  const forgets = new Map<string, { destroy?: boolean; inJson: boolean }>();
  for (const b of newBlocks) {
    if (b.from === undefined) continue;
    if (b.kind === "moved") moves.set(key(b.at.dir, b.from), b.to);
    else forgets.set(key(b.at.dir, b.from), { destroy: b.destroy, inJson: false });
  }
  for (const c of changes) {
    for (const m of c.head.moved) if (m.from) moves.set(key(c.dir, m.from), m.to);
    for (const r of c.head.removed) if (r.from) forgets.set(key(c.dir, r.from), { destroy: r.destroy, inJson: true });
  }
  for (const c of changes) {
    for (const [address, line] of c.base.addresses) {
      const k = key(c.baseDir, address);
      if (added.has(k) || (c.baseDir === c.dir && c.head.addresses.has(address))) continue;
      const name = address.split(".").pop() ?? address;
      const where = removedLine(name, line);
      if (moves.has(k)) {
        findings.push(at("TF-03", "note", c.file, where, `${address} is renamed to ${moves.get(k) ?? "?"} and a moved block carries its state over`, true));
      } else if (forgets.has(k)) {
        const forget = forgets.get(k)!;
        if (forget.destroy === false) {
          findings.push(at("TF-04", "note", c.file, where, `${address} is removed with a removed block (destroy = false): Terraform forgets it and leaves the real object in place`, true));
        } else if (forget.inJson) {
          findings.push(at("TF-04", severityForAddress(address), c.file, where, `removed block for ${address} destroys it (destroy is not false): ${describeStateful(address)}`));
        }
      } else {
        findings.push(destroyedFinding(address, c.file, where));
      }
    }
  }
  return findings;
}

/** All Terraform findings of a PR (the caller passes only Terraform files). */
export function analyzeTerraform(files: ParsedFile[]): RawFinding[] {
  const tf = files.map(annotate);
  const newBlocks = refactorBlocks(tf, "+");
  const json = tfJsonChanges(files);
  const { findings, gone, addedKeys } = removalFindings(tf, newBlocks, jsonAdded(json.changes));
  return [
    ...findings,
    ...jsonRemovalFindings(json.changes, addedKeys, newBlocks),
    ...json.problems.map((p) => unreadableFinding(p.file, p.why)),
    ...attributeFindings(tf, gone, newBlocks),
    ...iamFindings(tf),
  ];
}
