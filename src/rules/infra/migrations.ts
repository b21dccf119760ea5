/**
 * Database migration rules (DB-01..DB-05) over the forward side of migrations: rollback files
 * (`down.sql`, `*.down.sql`, Flyway `U*__`) and rollback sections (Rails and Ecto `def down`, Alembic
 * `downgrade()`, the `down` of knex, TypeORM, Sequelize, MikroORM and Laravel migrations, EF Core's
 * `Down`, the `-- +goose Down` / `-- migrate:down` part of a SQL file) are skipped, and comments never
 * trigger.
 */
import type { Severity } from "../types.js";
import { baseNameOf, sideOf, usableContent, type DiffLine, type ParsedFile } from "./diff.js";
import { at, type RawFinding } from "./raw.js";

export function isRollbackFile(filename: string): boolean {
  const name = baseNameOf(filename);
  return /^down\.sql$|[._-]down\.sql$|^U\d[\w.]*__.*\.sql$/i.test(name);
}

interface Statement {
  text: string;
  /** The first added line of the statement, or undefined when it was not changed. */
  firstAdded?: DiffLine;
}

const DOWN_START = /^(\s*)def\s+(down|downgrade)\b/;

/** The first line of a code migration's `down` (JS/TS, PHP, C#, Go), in the shapes ORMs and compilers write. */
const BRACE_DOWN_START = new RegExp(
  String.raw`^(\s*)(?:` +
    // `down`, or a helper named for it (`migrateDown`): rollback code lives there too.
    String.raw`(?:(?:export|async|public|protected|private|static)\s+)*function\s*\*?\s*(?:[a-z][\w$]*D|d)own\s*\(` + // function down(knex) {, Laravel's public function down(): void
    String.raw`|(?:(?:public|protected|private|internal|static|override)\s+)*void\s+Down\s*\(` + // EF Core: protected override void Down(MigrationBuilder b)
    String.raw`|func\s+(?:\([^)]*\)\s*)?(?:down|\w*Down)\w*\s*\(` + // Go (goose): func downAddUsers(ctx, tx) error {, func (m M) Down(
    String.raw`|Rollback:\s*func\b` + // Go (gormigrate): Rollback: func(tx *gorm.DB) error {
    String.raw`|(?:(?:public|protected|private|static|override|async)\s+)*(?:[a-z][\w$]*D|d)own\s*\([^)]*\)[^{;]*\{\s*$` + // async down(queryRunner) {, async migrateDown(t) {
    String.raw`|["']?down["']?\s*:\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)` + // down: async (queryInterface) => {
    String.raw`|(?:module\.)?exports\.down\s*=` + // exports.down = function (knex) {
    String.raw`|(?:export\s+)?(?:const|let|var)\s+down\s*=` + // export const down = async (knex) => {
    String.raw`|[\w$.]+\.prototype\.down\s*=` + // compiled classes: X.prototype.down = function (queryRunner) {
    ")",
);

const indentLength = (text: string) => /^\s*/.exec(text)![0].length;

/** Backticks on a line that are not escaped: an odd count opens or closes a template literal. */
const templateQuotes = (text: string) => (text.match(/(?<!\\)`/g) ?? []).length;

/**
 * Tracks whether the lines of a brace-language migration (JS/TS, PHP, C#, Go) are inside its `down`:
 * from the line that opens it to the first later line indented no deeper (its closing brace, skipped
 * too). Lines inside a template literal belong to it whatever their indentation: SQL is often written
 * from column 0.
 */
class BraceRollbackSection {
  private indent: number | undefined;
  private inTemplate = false;
  /** Just after the opening line: C# and PHP styles put the `{` on a line of its own. */
  private opening = false;

  constructor(heading: string) {
    this.indent = BRACE_DOWN_START.exec(heading)?.[1]?.length;
  }

  /** True when the line belongs to a `down` and must not be read as a forward migration. */
  skips(text: string): boolean {
    const skipped = this.belongs(text);
    this.inTemplate = skipped && this.inTemplate !== (templateQuotes(text) % 2 === 1);
    return skipped;
  }

  private belongs(text: string): boolean {
    if (this.indent !== undefined && this.inTemplate) return true;
    const start = BRACE_DOWN_START.exec(text);
    if (start) {
      this.indent = start[1]!.length;
      this.opening = !/\{\s*$/.test(text);
      return true;
    }
    if (this.indent === undefined || text.trim() === "") return this.indent !== undefined;
    const opening = this.opening;
    this.opening = false;
    if (opening && /^\s*\{\s*$/.test(text)) return true;
    if (indentLength(text) > this.indent) return true;
    this.indent = undefined;
    return /^\s*[})]/.test(text);
  }
}

/** Migration tools that keep both directions in one SQL file mark them: goose, sql-migrate, dbmate. */
const SQL_DOWN_MARK = /^\s*--\s*(?:\+goose\s+down|\+migrate\s+down|migrate:down)\b/i;
const SQL_UP_MARK = /^\s*--\s*(?:\+goose\s+up|\+migrate\s+up|migrate:up)\b/i;

type Language = "sql" | "braces" | "other";

function languageOf(filename: string): Language {
  if (/\.sql$/i.test(filename)) return "sql";
  // Brace languages end a `down` by indentation (BraceRollbackSection); Ruby, Elixir and Python by `def`/`end`.
  return /\.([cm]?[jt]s|php|cs|go)$/i.test(filename) ? "braces" : "other";
}

/**
 * Which of a sequence of lines (a whole file, or the new side of a hunk seeded with its heading) are
 * in a rollback section: Ruby/Elixir/Python `def down`/`downgrade`, the `down` function of a brace
 * language, and in SQL what follows a down marker (until an up marker).
 */
function rollbackMask(texts: readonly string[], heading: string, language: Language): boolean[] {
  if (language === "sql") {
    let down = SQL_DOWN_MARK.test(heading);
    return texts.map((text) => {
      if (SQL_DOWN_MARK.test(text)) down = true;
      else if (SQL_UP_MARK.test(text)) down = false;
      return down;
    });
  }
  let downIndent = DOWN_START.exec(heading)?.[1]?.length;
  const braceRollback = new BraceRollbackSection(language === "braces" ? heading : "");
  return texts.map((text) => {
    if (language === "braces" && braceRollback.skips(text)) return true;
    const def = /^(\s*)def\s+\w+/.exec(text);
    if (def) downIndent = DOWN_START.test(text) ? def[1]!.length : downIndent !== undefined && def[1]!.length <= downIndent ? undefined : downIndent;
    else if (downIndent !== undefined && /^\s*end\s*$/.test(text) && indentLength(text) === downIndent) {
      downIndent = undefined;
      return true;
    }
    return downIndent !== undefined;
  });
}

/** Head-side rollback lines from the whole file when it was fetched: a hunk may not show the `down` it is in. */
function headRollbackMask(pf: ParsedFile, language: Language): boolean[] | undefined {
  const head = usableContent(pf.file.headContent);
  return head ? rollbackMask(head, "", language) : undefined;
}

/** Forward-side statements of a file: SQL split on `;`, other languages one line each. */
function statementsOf(pf: ParsedFile): Statement[] {
  const language = languageOf(pf.file.filename);
  const sql = language === "sql";
  const headMask = headRollbackMask(pf, language);
  const out: Statement[] = [];
  for (const h of pf.hunks) {
    const newSide = sideOf(h, "new");
    const hunkMask = rollbackMask(newSide.map((l) => l.text), h.heading, language);
    let blockComment = false;
    let current: Statement = { text: "" };
    for (const [i, l] of newSide.entries()) {
      let text = l.text;
      const inRollback = (l.newLine !== undefined ? headMask?.[l.newLine - 1] : undefined) ?? hunkMask[i];
      if (inRollback) continue;
      if (!sql) {
        if (/^\s*#/.test(text)) continue;
        out.push({ text, ...(l.kind === "+" ? { firstAdded: l } : {}) });
        continue;
      }
      if (blockComment) {
        const end = text.indexOf("*/");
        if (end < 0) continue;
        text = text.slice(end + 2);
        blockComment = false;
      }
      text = text.replace(/\/\*.*?\*\//g, " ");
      const open = text.indexOf("/*");
      if (open >= 0) {
        text = text.slice(0, open);
        blockComment = true;
      }
      text = text.replace(/--.*$/, "");
      if (text.trim() === "") continue;
      const parts = text.split(";");
      parts.forEach((part, i) => {
        if (part.trim() !== "") {
          current.text += ` ${part}`;
          if (l.kind === "+" && !current.firstAdded) current.firstAdded = l;
        }
        if (i < parts.length - 1) {
          if (current.text.trim()) out.push(current);
          current = { text: "" };
        }
      });
    }
    if (current.text.trim()) out.push(current);
  }
  return out;
}

// Backslashes too: SQL inside a JS string writes its quoted names as \\"name\\".
const NAME = `[\\w."\`\\[\\]\\\\]+`;
const CREATE_TABLE = new RegExp(`\\bCREATE\\s+(?:(?:GLOBAL|LOCAL)\\s+)?(TEMP|TEMPORARY|UNLOGGED)?\\s*TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${NAME})`, "i");
const DROP_TABLE = new RegExp(`\\bDROP\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?(${NAME}(?:\\s*,\\s*${NAME})*)`, "i");

function bare(name: string): string {
  return name.replace(/["`[\]\\]/g, "").toLowerCase().split(".").pop()!;
}

interface Check {
  rule: string;
  severity: Severity;
  re: RegExp;
  message: string;
}

const CHECKS: Check[] = [
  { rule: "DB-01", severity: "block", re: /\bDROP\s+(DATABASE|SCHEMA)\b/i, message: "drops a whole database or schema" },
  // Code migrations: Rails, Alembic, Django, knex/TypeORM/Sequelize (`dropTable`, `removeColumn`), Laravel
  // (`Schema::dropIfExists`), Ecto (`drop table(:x)`, `remove :col`), EF Core (`DropTable`), and
  // helper-style APIs that wrap them (`deleteTable`, `dropTables`, `createDropColumnMigration`), called
  // as methods or as imported functions.
  { rule: "DB-01", severity: "require", re: /\bdrop_table\b|\bop\.drop_table\(|migrations\.DeleteModel\(|\b[dD]ropTable(IfExists)?\(|\bdeleteTable\(|\bdropTables\(|\bSchema::drop(IfExists)?\(|^\s*drop(_if_exists)?\s+table\(/, message: "drops a table: its data is gone once deployed" },
  { rule: "DB-02", severity: "require", re: /\bDROP\s+COLUMN\b|\bremove_columns?\b|migrations\.RemoveField\(|\bop\.drop_column\(|\bdropColumns?\(|\bremoveColumn\(|\bcreateDropColumnMigration\(|^\s*remove\s+:\w+/i, message: "drops a column: its data is gone once deployed, and running code that reads it breaks" },
  { rule: "DB-03", severity: "block", re: /\bTRUNCATE\b.*\bCASCADE\b/i, message: "TRUNCATE ... CASCADE empties this table and every table referencing it" },
  { rule: "DB-04", severity: "require", re: /\bRENAME\s+COLUMN\b|\bALTER\s+TABLE\s+\S+\s+RENAME\s+TO\b|\brename_(column|table)\b|migrations\.Rename(Field|Model)\(|\bop\.rename_table\(|new_column_name\s*=|\brenameColumn\(|\brenameTable\(|\bcreateRenameColumnMigration\(|\bSchema::rename\(|^\s*rename\s+table\(/i, message: "renames a column or table: code still running against the old name breaks during the deploy" },
  { rule: "DB-04", severity: "note", re: /\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b|\bchange_column\b|\bALTER\s+TYPE\s+\S+\s+RENAME\s+VALUE\b|migrations\.AlterField\(/i, message: "changes a column type or renames an enum value: may rewrite the table or break running code" },
];

/**
 * In a code migration, SQL is a string that may span lines (`DELETE FROM t` on one, `WHERE ...` on the
 * next): the statement from `at` on line `i` runs on to the first line that ends it (a `;`, or a quote
 * closing the string before `)` or `,`; a quoted identifier such as `"search"` does not), at most a
 * dozen lines.
 */
function sqlRunningOn(lines: readonly Statement[], i: number, at: number): string {
  const ends = (text: string) => /;|[`'"]\s*[),]/.test(text);
  let text = lines[i]!.text.slice(at);
  if (ends(text)) return text;
  for (let j = i + 1; j < Math.min(lines.length, i + 12); j++) {
    text += ` ${lines[j]!.text}`;
    if (ends(lines[j]!.text)) break;
  }
  return text;
}

/** A query builder's table call: `knex('users')`, `trx("jobs")`, `this.knex(\`t\`)`. */
const BUILDER_TABLE = /\b\w+\(\s*['"`][\w.]+['"`]\s*\)/;

/**
 * Whether a query-builder delete (`.del()` / `.delete()` with no arguments) on line `i` has no
 * `where` in its chain: from the table call at most a few lines up to the end of the statement
 * (knex accepts the `where` after the delete too).
 */
function unboundedBuilderDelete(lines: readonly Statement[], i: number): boolean {
  const text = lines[i]!.text;
  const call = /\.(?:del|delete)\(\s*\)/.exec(text);
  if (!call) return false;
  let chain = text;
  for (let j = i + 1; j < Math.min(lines.length, i + 6) && !/;\s*$/.test(chain); j++) chain += `\n${lines[j]!.text}`;
  for (let j = i; j >= Math.max(0, i - 8); j--) {
    if (j < i) {
      if (/;\s*$/.test(lines[j]!.text)) return false; // a previous statement: no builder chain here
      chain = `${lines[j]!.text}\n${chain}`;
    }
    if (BUILDER_TABLE.test(j < i ? lines[j]!.text : text.slice(0, call.index))) return !/\.(?:where|andWhere|orWhere)\w*\(/.test(chain);
  }
  return false;
}

function migrationFindings(pf: ParsedFile): RawFinding[] {
  const out: RawFinding[] = [];
  const file = pf.file.filename;
  const sql = languageOf(file) === "sql";
  const created = new Set<string>();
  const statements = statementsOf(pf);
  statements.forEach((s, i) => {
    const create = CREATE_TABLE.exec(s.text);
    if (create) created.add(bare(create[2]!));
    if (!s.firstAdded) return;
    const line = s.firstAdded;
    const drop = DROP_TABLE.exec(s.text);
    if (drop) {
      const names = drop[2]!.split(",").map(bare);
      const fresh = names.every((n) => created.has(n));
      if (!fresh) out.push(at("DB-01", "require", file, line, `drops table ${names.join(", ")}: its data is gone once deployed`));
      const recreated = drop[1] && statements.slice(i + 1).some((t) => {
        const c = CREATE_TABLE.exec(t.text);
        return c !== null && names.includes(bare(c[2]!));
      });
      if (recreated && !fresh) out.push(at("DB-05", "require", file, line, `drops and recreates table ${names.join(", ")}: existing rows are lost`));
    }
    for (const c of CHECKS) if (c.re.test(s.text)) out.push(at(c.rule, c.severity, file, line, c.message));
    if (/\bTRUNCATE\b/i.test(s.text) && !/\bCASCADE\b/i.test(s.text) && !/^\s*#/.test(s.text)) {
      out.push(at("DB-03", "require", file, line, "TRUNCATE empties the table"));
    }
    const deleteFrom = /\bDELETE\s+FROM\s+\S+/i.exec(s.text);
    if (deleteFrom && !/\bWHERE\b/i.test(sql ? s.text : sqlRunningOn(statements, i, deleteFrom.index))) {
      out.push(at("DB-03", "require", file, line, "DELETE without WHERE empties the table"));
    }
    if (!sql && unboundedBuilderDelete(statements, i)) out.push(at("DB-03", "require", file, line, "a query-builder delete without where empties the table"));
    if (/\bcreate_table\b.*\bforce:\s*(true|:cascade)/.test(s.text) && !/(^|\/)db\/schema\.rb$/.test(file)) {
      out.push(at("DB-05", "require", file, line, "create_table with force: drops an existing table of the same name first"));
    }
  });
  return out;
}

export function analyzeMigrations(files: readonly ParsedFile[]): RawFinding[] {
  return files.filter((f) => !isRollbackFile(f.file.filename)).flatMap(migrationFindings);
}
