/**
 * False alarms found on real release history (bench/rules-history.ts): column and table drops in the
 * `down` of JS/TS migrations (knex, TypeORM, compiled classes) are rollback code, never run by a deploy.
 */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../../src/config/schema.js";
import type { FileFacts } from "../../../src/facts/types.js";
import { addedFile as added } from "../../helpers/facts.js";
import { analyzeInfra, contextNeeded } from "../../../src/rules/infra/index.js";

const infra = defaultPolicy().infra;


const rules = (files: FileFacts[]) => analyzeInfra(files, infra).map((f) => `${f.rule} ${f.severity}`);

describe("JS/TS migration rollback sections", () => {
  it("skips a knex down() that drops the columns up() adds, and still reads up()", () => {
    const rollbackOnly = added("db/migrations/20260818A-add-flow-folders.js", [
      "export async function up(knex) {",
      '\tawait knex.schema.alterTable("flows", (table) => {',
      '\t\ttable.uuid("folder");',
      "\t});",
      "}",
      "export async function down(knex) {",
      '\tawait knex.schema.alterTable("flows", (table) => {',
      '\t\ttable.dropColumn("folder");',
      "\t});",
      "}",
    ]);
    expect(rules([rollbackOnly])).toEqual([]);

    const forward = added("db/migrations/20260901-drop-legacy.js", ["export async function up(knex) {", '\tawait knex.schema.alterTable("flows", (t) => t.dropColumn("legacy"));', "}"]);
    expect(rules([forward])).toEqual(["DB-02 require"]);
  });

  it("keeps skipping a down() whose SQL template literal starts its lines at column 0", () => {
    const migration = added("dist/migrations/20260101000000-add-reviewed-at.js", [
      '"use strict";',
      "exports.up = function (db, cb) {",
      "    db.runSql(`ALTER TABLE reviews ADD COLUMN reviewed_at TIMESTAMPTZ;`, cb);",
      "};",
      "exports.down = function (db, cb) {",
      "    db.runSql(`",
      "DROP INDEX IF EXISTS reviews_reviewed_at_idx;",
      "ALTER TABLE reviews DROP COLUMN reviewed_at;`, cb);",
      "};",
      "exports.cleanup = function (db, cb) {",
      "    db.runSql(`",
      "DROP TABLE reviews_old;`, cb);",
      "};",
    ]);
    // The rollback is skipped; what follows the down() is read again, template literal and all.
    expect(analyzeInfra([migration], infra).map((f) => [f.rule, f.line])).toEqual([["DB-01", 12]]);
  });

  it("skips a TypeORM class's async down(), not the method after it", () => {
    const migration = added("src/migrations/1789558029357-AddDescription.ts", [
      "export class AddDescription1789558029357 {",
      "    async up({ runQuery }) {",
      "        await runQuery(`ALTER TABLE credentials ADD COLUMN description TEXT`);",
      "    }",
      "    async down({ runQuery }) {",
      "        await runQuery(`ALTER TABLE credentials DROP COLUMN description`);",
      "    }",
      "    async cleanup({ runQuery }) {",
      "        await runQuery(`DELETE FROM credentials`);",
      "    }",
      "}",
    ]);
    const findings = analyzeInfra([migration], infra);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([["DB-03", 9]]);
  });

  it("reads the whole file when a hunk deep inside a compiled down() does not show it", () => {
    const head = [
      "var M = (function () {",
      "    M.prototype.up = function (queryRunner) {",
      '        return queryRunner.query("CREATE TABLE link (id text)");',
      "    };",
      "    M.prototype.down = function (queryRunner) {",
      "        return __awaiter(this, function () {",
      "            switch (_a.label) {",
      '                case 0: return [4, queryRunner.query("ALTER TABLE link DROP COLUMN id")];',
      "            }",
      "        });",
      "    };",
      "    return M;",
      "})();",
    ];
    const modified: FileFacts = {
      filename: "dist/migrations/1698056997411-link.js",
      status: "modified",
      additions: 1,
      deletions: 1,
      patch: ["@@ -6,4 +6,4 @@ var M = (function () {", head[5], head[6], '-                case 0: return [4, queryRunner.query("ALTER TABLE link DROP COLUMN IF EXISTS id")];', `+${head[7]}`, head[8]].map((l, i) => (i === 0 || /^[+-]/.test(l!) ? l : ` ${l}`)).join("\n"),
    };
    // Without the file the hunk could be forward code: fail closed, and ask for the file.
    expect(rules([modified])).toEqual(["DB-02 require"]);
    expect(contextNeeded([modified], infra)).toContainEqual({ filename: modified.filename, side: "head" });
    expect(rules([{ ...modified, headContent: head.join("\n") }])).toEqual([]);
  });

  it("names the table of a DROP TABLE whose quotes are escaped inside a JS string", () => {
    const migration = added("dist/migrations/1680857773273-drop-profile.js", ['exports.up = (q) => q.query("DROP TABLE IF EXISTS \\"product_shipping_profile\\"");']);
    const [finding] = analyzeInfra([migration], infra);
    expect(finding).toMatchObject({ rule: "DB-01", severity: "require" });
    expect(finding!.message).toContain("drops table product_shipping_profile");
  });

  it("reads the ORM calls and helpers that drop or rename, not only SQL", () => {
    const sequelize = added("migrations/20260301-contract-users.js", [
      "module.exports = {",
      "  up: async (queryInterface) => {",
      '    await queryInterface.removeColumn("users", "legacy_name");',
      '    await queryInterface.renameTable("user_prefs", "preferences");',
      "  },",
      "};",
    ]);
    expect(rules([sequelize])).toEqual(["DB-02 require", "DB-04 require"]);

    const helpers = added("core/server/data/migrations/versions/9.1/2026-10-01-drop-old-tables.js", [
      "module.exports = createTransactionalMigration(",
      "  async function up(knex) {",
      '    await commands.deleteTable("old_events", knex);',
      '    await dropTables(["old_a", "old_b"], knex);',
      "  },",
      "  async function down() {},",
      ");",
    ]);
    expect(rules([helpers])).toEqual(["DB-01 require", "DB-01 require"]);

    const imported = added("core/server/data/migrations/versions/9.1/2026-10-04-leaf-rows.js", [
      "const { addColumn, dropColumn } = require('../../../schema/commands');",
      "module.exports = createNonTransactionalMigration(",
      "  async function up(knex) {",
      "    await addColumn('values', 'path', knex);",
      "    await dropColumn('values', 'value_json', knex);",
      "  },",
      "  async function down(knex) {",
      "    await dropColumn('values', 'path', knex);",
      "  },",
      ");",
    ]);
    expect(analyzeInfra([imported], infra).map((f) => [f.rule, f.line])).toEqual([["DB-02", 5]]);

    const dropColumn = added("core/server/data/migrations/versions/9.1/2026-10-02-drop-legacy-column.js", [
      'module.exports = createDropColumnMigration("posts", "legacy_html", {});',
    ]);
    expect(rules([dropColumn])).toEqual(["DB-02 require"]);
    const renameColumn = added("core/server/data/migrations/versions/9.1/2026-10-03-rename-column.js", [
      'module.exports = createRenameColumnMigration("posts", "html", "lexical");',
    ]);
    expect(rules([renameColumn])).toEqual(["DB-04 require"]);
  });

  it("reads a DELETE whose WHERE is on the next line of the SQL string as bounded", () => {
    const bounded = added("dist/migrations/20260105-remove-builtin-strategy.js", [
      "function removeSql(name) {",
      "    return `",
      "        DELETE FROM strategies",
      "        WHERE name = '${name}' AND built_in = 1`;",
      "}",
      "exports.up = function (db, cb) {",
      "    db.runSql(`",
      "        DELETE FROM role_permission p1",
      "        USING role_permission p2",
      "        WHERE p1.created_at < p2.created_at;",
      "    `, cb);",
      "};",
      "async function deleteOrphans(knex) {",
      "  await knex.raw(`",
      '    DELETE FROM "search"',
      '    WHERE "entity_id" IS NULL',
      "  `);",
      "}",
    ]);
    expect(rules([bounded])).toEqual([]);
    const oneLine = added("migrations/20260107-reset.js", ["exports.up = async (knex) => {", "  await knex.raw('DELETE FROM \"search\"');", "};"]);
    expect(rules([oneLine])).toEqual(["DB-03 require"]);

    const unbounded = added("dist/migrations/20260106-clear-events.js", [
      "exports.up = function (db, cb) {",
      "    db.runSql(`",
      "        DELETE FROM onboarding_events;",
      "        UPDATE settings SET value = '0' WHERE name = 'onboarded';",
      "    `, cb);",
      "};",
    ]);
    expect(analyzeInfra([unbounded], infra).map((f) => [f.rule, f.line])).toEqual([["DB-03", 3]]);
  });

  it("skips helper methods named for the rollback (migrateDown), not those for the migration", () => {
    const migration = added("dist/migrations/common/1790000000000-DropRoleColumn.js", [
      "class DropRoleColumn1790000000000 {",
      "    async up(context) {",
      "        await this.migrateUp('users', context);",
      "    }",
      "    async down(context) {",
      "        await this.migrateDown('users', context);",
      "    }",
      "    async migrateUp(table, { schemaBuilder: { dropColumns } }) {",
      "        await dropColumns(table, ['role']);",
      "    }",
      "    async migrateDown(table, { schemaBuilder: { dropColumns } }) {",
      "        await dropColumns(table, ['roleId']);",
      "    }",
      "}",
    ]);
    expect(analyzeInfra([migration], infra).map((f) => [f.rule, f.line])).toEqual([["DB-02", 9]]);
  });

  it("finds a query-builder delete without where, and leaves bounded ones alone", () => {
    const migration = added("migrations/20260108-reset-sessions.js", [
      "exports.up = async function up(knex) {",
      "  await knex('sessions').del();",
      "  await knex('jobs')",
      "    .whereIn('name', ['a', 'b'])",
      "    .del();",
      "  await knex('recipients')",
      "    .whereNotNull('revision_id')",
      "    .delete();",
      "  await knex('tokens')",
      "    .delete();",
      "  cache.delete();",
      "  await knex('fields').delete().where('collection', 'like', 'system_%');",
      "  await knex('relations')",
      "    .delete()",
      "    .whereIn('id', ids);",
      "};",
    ]);
    expect(analyzeInfra([migration], infra).map((f) => [f.rule, f.line])).toEqual([
      ["DB-03", 2],
      ["DB-03", 10],
    ]);
  });
});
