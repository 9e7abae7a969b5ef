/**
 * The benchmark table: median wall time, ratio eigen-s3 / best peer, peak RSS, requests, and
 * whether each target of the benchmark issue is met.
 *
 * @module
 */

import { median } from "./measure.ts";
import type { ScenarioResult } from "./scenarios.ts";

const PER_OBJECT_OPS = ["HeadObject", "GetObject"];

function fmtRequests(r?: Record<string, number>): string {
  if (!r) return "-";
  const total = Object.values(r).reduce((a, b) => a + b, 0);
  const top = Object.entries(r).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return `${total} (${top})`;
}

/** Ratio eigen-s3 / fastest peer for one scenario (NaN when either is missing). */
export function ratioFor(results: ScenarioResult[], scenario: number): number {
  const rows = results.filter((r) =>
    r.scenario === scenario && r.wallMs.length > 0 && r.failures.length === 0
  );
  const eigen = rows.find((r) => r.tool === "eigen-s3");
  const peers = rows.filter((r) => r.tool !== "eigen-s3").map((r) => median(r.wallMs));
  if (!eigen || peers.length === 0) return NaN;
  return median(eigen.wallMs) / Math.min(...peers);
}

/** Target checks of the benchmark issue. */
export function targets(
  results: ScenarioResult[],
): Array<{ target: string; met: boolean | null; detail: string }> {
  const out: Array<{ target: string; met: boolean | null; detail: string }> = [];
  const has = (s: number) => results.some((r) => r.scenario === s);
  for (const s of [1, 3, 4, 5]) {
    if (!has(s)) continue;
    const ratio = ratioFor(results, s);
    out.push({
      target: `scenario ${s}: ratio <= 1.0`,
      met: Number.isNaN(ratio) ? null : ratio <= 1.0,
      detail: ratio.toFixed(2),
    });
  }
  if (has(2)) {
    const ratio = ratioFor(results, 2);
    out.push({
      target: "scenario 2: ratio <= 0.5",
      met: Number.isNaN(ratio) ? null : ratio <= 0.5,
      detail: ratio.toFixed(2),
    });
    const req = results.find((r) => r.scenario === 2 && r.tool === "eigen-s3")?.requests;
    if (req) {
      const perObject = PER_OBJECT_OPS.reduce((a, op) => a + (req[op] ?? 0), 0);
      out.push({
        target: "scenario 2: no HEAD/GET per object",
        met: perObject === 0,
        detail: `${perObject} HEAD/GET`,
      });
    }
  }
  const big = results.find((r) => r.scenario === 4 && r.tool === "eigen-s3");
  if (big) {
    out.push({
      target: "scenario 4: peak RSS < 200 MiB",
      met: big.peakRssMiB < 200,
      detail: `${big.peakRssMiB.toFixed(0)} MiB`,
    });
  }
  const help = results.find((r) => r.scenario === 6 && r.tool === "eigen-s3");
  if (help) {
    const ms = median(help.wallMs);
    out.push({
      target: "scenario 6: --help < 150 ms",
      met: ms < 150,
      detail: `${ms.toFixed(0)} ms`,
    });
  }
  return out;
}

/** The whole report as text. */
export function renderTable(results: ScenarioResult[]): string {
  const lines: string[] = [];
  const scenarios = [...new Set(results.map((r) => r.scenario))].sort((a, b) => a - b);
  lines.push(
    "| # | scenario | tool | median | runs | peak RSS | requests (one run) | vs best peer |",
  );
  lines.push("|---|---|---|---:|---:|---:|---|---:|");
  for (const s of scenarios) {
    const rows = results.filter((r) => r.scenario === s);
    const ratio = ratioFor(results, s);
    for (const r of rows) {
      const med = median(r.wallMs);
      const time = med < 1000 ? `${med.toFixed(0)} ms` : `${(med / 1000).toFixed(2)} s`;
      lines.push(
        `| ${s === 7 ? "6b" : s} | ${r.title} | ${r.tool}${
          r.failures.length ? ` (FAILED ${r.failures.length})` : ""
        } | ${time} | ${r.wallMs.length} | ` +
          `${r.peakRssMiB.toFixed(0)} MiB | ${fmtRequests(r.requests)} | ${
            r.tool === "eigen-s3" && !Number.isNaN(ratio) ? ratio.toFixed(2) : ""
          } |`,
      );
    }
  }
  const t = targets(results);
  if (t.length) {
    lines.push("", "Targets:");
    for (const x of t) {
      lines.push(
        `  ${x.met === null ? "n/a " : x.met ? "MET " : "MISS"}  ${x.target} (${x.detail})`,
      );
    }
  }
  const failed = results.filter((r) => r.failures.length > 0);
  if (failed.length) {
    lines.push("", "Failures:");
    for (const r of failed) {
      for (const f of r.failures) lines.push(`  scenario ${r.scenario} ${r.tool}: ${f}`);
    }
  }
  return lines.join("\n");
}
