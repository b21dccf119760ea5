/**
 * Migrations beyond JS, Ruby and Python: Laravel (PHP), EF Core (C#), Ecto (Elixir), and SQL files that
 * keep both directions (goose, sql-migrate, dbmate). The forward part is read; the rollback is not.
 */
import { describe, expect, it } from "@jest/globals";
import { defaultPolicy } from "../../../src/config/schema.js";
import type { FileFacts } from "../../../src/facts/types.js";
import { addedFile as added } from "../../helpers/facts.js";
import { analyzeInfra, contextNeeded } from "../../../src/rules/infra/index.js";

const infra = defaultPolicy().infra;


const found = (file: FileFacts) => analyzeInfra([file], infra).filter((f) => f.severity !== "note").map((f) => [f.rule, f.line]);

describe("migrations in other frameworks", () => {
  it("Laravel: reads up(), skips public function down()", () => {
    const file = added("database/migrations/2026_10_01_000000_drop_legacy_votes.php", [
      "<?php",
      "return new class extends Migration",
      "{",
      "    public function up(): void",
      "    {",
      "        Schema::table('posts', function (Blueprint $table) {",
      "            $table->dropColumn('votes');",
      "        });",
      "        Schema::dropIfExists('legacy_votes');",
      "    }",
      "",
      "    public function down(): void",
      "    {",
      "        Schema::dropIfExists('posts_backup');",
      "        Schema::table('posts', function (Blueprint $table) {",
      "            $table->dropColumn('score');",
      "        });",
      "    }",
      "};",
    ]);
    expect(found(file)).toEqual([["DB-02", 7], ["DB-01", 9]]);
  });

  it("EF Core: reads Up(), skips Down() whose brace is on the next line", () => {
    const file = added("src/Data/Migrations/20261001120000_RemoveLegacy.cs", [
      "public partial class RemoveLegacy : Migration",
      "{",
      "    protected override void Up(MigrationBuilder migrationBuilder)",
      "    {",
      '        migrationBuilder.DropColumn(name: "Legacy", table: "Orders");',
      "    }",
      "",
      "    protected override void Down(MigrationBuilder migrationBuilder)",
      "    {",
      '        migrationBuilder.DropTable(name: "OrdersArchive");',
      "    }",
      "}",
    ]);
    expect(found(file)).toEqual([["DB-02", 5]]);
  });

  it("Ecto: reads change/up, skips def down", () => {
    const file = added("priv/repo/migrations/20261001120000_drop_sessions.exs", [
      "defmodule App.Repo.Migrations.DropSessions do",
      "  use Ecto.Migration",
      "",
      "  def up do",
      "    drop table(:sessions)",
      "    alter table(:users) do",
      "      remove :legacy_token",
      "    end",
      "  end",
      "",
      "  def down do",
      "    drop table(:sessions_v2)",
      "  end",
      "end",
    ]);
    expect(found(file)).toEqual([["DB-01", 5], ["DB-02", 7]]);
  });

  it("Go (goose and gormigrate): reads the up function, skips the down one", () => {
    const goose = added("db/migrations/20261001120000_drop_legacy.go", [
      "package migrations",
      "",
      "func init() { goose.AddMigrationContext(upDropLegacy, downDropLegacy) }",
      "",
      "func upDropLegacy(ctx context.Context, tx *sql.Tx) error {",
      '	_, err := tx.ExecContext(ctx, "ALTER TABLE users DROP COLUMN legacy;")',
      "	return err",
      "}",
      "",
      "func downDropLegacy(ctx context.Context, tx *sql.Tx) error {",
      '	_, err := tx.ExecContext(ctx, "DROP TABLE users_legacy_backup;")',
      "	return err",
      "}",
    ]);
    expect(found(goose)).toEqual([["DB-02", 6]]);

    const gorm = added("internal/migrations/202610011200_orders.go", [
      "var ordersMigration = &gormigrate.Migration{",
      '	ID: "202610011200",',
      "	Migrate: func(tx *gorm.DB) error {",
      '		return tx.Migrator().DropColumn(&Order{}, "Legacy")',
      "	},",
      "	Rollback: func(tx *gorm.DB) error {",
      '		return tx.Migrator().DropTable("orders_archive")',
      "	},",
      "}",
    ]);
    expect(found(gorm)).toEqual([["DB-02", 4]]);
  });

  it.each([
    ["goose", "-- +goose Up", "-- +goose Down"],
    ["sql-migrate", "-- +migrate Up", "-- +migrate Down"],
    ["dbmate", "-- migrate:up", "-- migrate:down"],
  ])("a %s SQL file: the down part is rollback", (_tool, up, down) => {
    const file = added("db/migrations/20261001120000_accounts.sql", [
      up,
      "CREATE TABLE accounts (id bigint primary key);",
      "ALTER TABLE users DROP COLUMN legacy_flag;",
      "",
      down,
      "DROP TABLE accounts;",
      "ALTER TABLE users ADD COLUMN legacy_flag boolean;",
    ]);
    expect(found(file)).toEqual([["DB-02", 3]]);
  });

  it("a hunk deep in a goose file's down part asks for the whole file, and with it is skipped", () => {
    const head = ["-- +goose Up", "CREATE TABLE t (id int);", "", "-- +goose Down", "DROP TABLE t;", "DROP TABLE t_old;"];
    const file: FileFacts = {
      filename: "db/migrations/00042_t.sql",
      status: "modified",
      additions: 1,
      deletions: 0,
      patch: ["@@ -5,1 +5,2 @@", " DROP TABLE t;", "+DROP TABLE t_old;"].join("\n"),
    };
    expect(contextNeeded([file], infra)).toEqual([{ filename: file.filename, side: "head" }]);
    expect(found(file)).toEqual([["DB-01", 6]]); // without the file, the line counts (fail closed)
    expect(found({ ...file, headContent: head.join("\n") })).toEqual([]);
  });
});
