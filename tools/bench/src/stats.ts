/** The arithmetic and formatting of the report, kept apart so they are unit-tested. */

export { median } from "@gpp/measure";

/** `850 ms` below 10 s, `12.3 s` below 10 min, `12 min 5 s` above. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  if (ms < 600_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

export const formatMegabytes = (mb: number): string => `${Math.round(mb)} MB`;

/** `within target` or `OVER TARGET`, so a miss stands out in the table. */
export const verdict = (value: number, limit: number): string => (value < limit ? "within target" : "OVER TARGET");

/** The same for a target stated as "at most" (issue 13's "<= 1 s"): the limit itself is within. */
export const verdictAtMost = (value: number, limit: number): string => (value <= limit ? "within target" : "OVER TARGET");

/** A figure over its target, e.g. `0.85x`. */
export const formatRatio = (ratio: number): string => `${ratio.toFixed(2)}x`;

/** A Markdown table; cells are escaped so a `|` in a value cannot split a column. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

/**
 * The cost of each added unit between consecutive sizes: (ms[i] - ms[i-1]) / (size[i] - size[i-1]).
 * A linear curve keeps it flat whatever the fixed start-up cost; a super-linear one makes it grow.
 */
export function marginalCosts(points: readonly { size: number; ms: number }[]): number[] {
  return points.slice(1).map((p, i) => {
    const previous = points[i]!;
    return (p.ms - previous.ms) / (p.size - previous.size);
  });
}

/** The last marginal cost over the first: 1 for a straight line, 2 when each unit costs twice as much at the end. */
export function linearityRatio(points: readonly { size: number; ms: number }[]): number | undefined {
  const costs = marginalCosts(points);
  const first = costs[0];
  const last = costs.at(-1);
  return first === undefined || last === undefined || first <= 0 ? undefined : last / first;
}
