/**
 * The demo's closing text: what was sent, what the Worker counted, each feature's drift status
 * over the last hour, and the commands to look further. Pure formatting: it returns lines.
 */
import type { DemoResult } from "./run.ts";
import type { FeatureDrift } from "./worker-view.ts";

const n = (value: number) => value.toLocaleString("en-US");

function driftCell(drift: FeatureDrift | undefined): string {
  if (drift === undefined) return "-";
  const which = drift.status === "alert" || drift.status === "warn" ? ` by ${drift.worstMethods.join(",")}` : "";
  return drift.psi === null ? `${drift.status}${which}` : `${drift.status}${which} (psi ${drift.psi.toFixed(2)})`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
}

/** The summary and next steps for `result`; `endpoint` and the tokens go into the commands shown. */
export function formatReport(result: DemoResult, access: { endpoint: string; readToken: string; workerStillRunning: boolean }): string[] {
  const lines: string[] = ["", "── Summary ──────────────────────────────────────────────────────────────────"];
  lines.push(`Applications scored: ${n(result.applications)} (drift from #${n(result.driftFromApplication)}); outcomes reported: ${n(result.outcomes)}.`);
  for (const sent of result.sent) {
    const seen = result.worker.versions.find((v) => v.version === sent.version);
    const before = result.countsBefore[sent.version] ?? { predictions: 0, actuals: 0 };
    const earlier = before.predictions > 0 ? ` (${n(seen?.predictions ?? 0)} and ${n(seen?.actuals ?? 0)} with earlier runs)` : "";
    lines.push(
      `  ${result.model}/${sent.version}: ${n(sent.exported)} events sent (predictions and actuals, ${n(sent.dropped)} lost); ` +
        `the Worker counted ${n((seen?.predictions ?? 0) - before.predictions)} predictions and ${n((seen?.actuals ?? 0) - before.actuals)} actuals from this run${earlier}.`,
    );
  }
  lines.push("", "Drift over the last hour (GET /api/models/<model>/drift?window=1h), the worst status per feature, the methods at it, and PSI:");
  const names = result.worker.versions[0]?.features.map((f) => f.name) ?? [];
  const header = ["feature", ...result.worker.versions.map((v) => v.version)];
  const rows = [
    ...names.map((name) => [name, ...result.worker.versions.map((v) => driftCell(v.features.find((f) => f.name === name)))]),
    ["(prediction)", ...result.worker.versions.map((v) => driftCell(v.prediction ?? undefined))],
  ];
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  lines.push(`  ${pad(header, widths)}`, ...rows.map((row) => `  ${pad(row, widths)}`));
  lines.push(
    "  Injected: income (−40 %) and employment (toward contract and unemployed); the prediction follows them.",
    "  Earlier runs' traffic from the last hour is in the window too.",
  );

  const model = encodeURIComponent(result.model);
  const auth = `-H 'Authorization: Bearer ${access.readToken}'`;
  lines.push(
    "",
    "── What to look at ──────────────────────────────────────────────────────────",
    access.workerStillRunning ? "The Worker is still running." : "The Worker was stopped; `npm start` brings it back with this data (.wrangler/state).",
    `  Console: ${access.endpoint}/#/models/${model}  (sign in with the read token ${access.readToken}; docs/console.md)`,
    `  curl -sS ${access.endpoint}/api/models/${model} ${auth}`,
    `  curl -sS '${access.endpoint}/api/models/${model}/drift?version=${result.versions[0]}&window=1h' ${auth}`,
    `  DRIFTLINE_ENDPOINT=${access.endpoint} DRIFTLINE_READ_TOKEN=${access.readToken} npx driftline status`,
    "",
  );
  return lines;
}
