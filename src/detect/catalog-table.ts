/**
 * The catalog as a markdown table, for docs/agents.md (a test keeps the two equal).
 * Regenerate: `npx tsx -e 'import("./src/detect/catalog-table.ts").then(m => console.log(m.renderCatalogTable()))'`
 */
import { CATALOG, type AgentSpec } from "./catalog.js";

const cell = (s: string): string => "`" + s.replace(/\|/g, "\\|") + "`";

export function renderCatalogTable(catalog: readonly AgentSpec[] = CATALOG): string {
  const lines = ["| Agent id | Name | Kind | Marker id | Source | Pattern | Confidence |", "| --- | --- | --- | --- | --- | --- | --- |"];
  for (const agent of catalog) {
    agent.markers.forEach((m, i) => {
      const first = i === 0;
      const source = typeof m.source === "string" ? m.source : m.source.join(", ");
      const flags = [m.kind && m.kind !== agent.kind ? `kind ${m.kind}` : "", m.subjectOnly ? "subject only" : "", m.fallbackOnly ? "fallback only" : "", m.botTypeOnly ? "type Bot only" : "", m.caseSensitive ? "case-sensitive" : ""]
        .filter(Boolean)
        .join(", ");
      lines.push(
        `| ${first ? `**${agent.id}**` : ""} | ${first ? agent.name : ""} | ${first ? agent.kind : ""} | ${m.id} | ${source} | ${cell(m.pattern)} | ${m.confidence}${flags ? ` (${flags})` : ""} |`,
      );
    });
  }
  return lines.join("\n");
}
