/** The little Mermaid flowchart syntax this package writes, in one place so every label is escaped alike. */

/** A node or subgraph id: letters, digits and underscores only (Mermaid keywords such as `end` cannot clash: every id has a prefix). */
export const mermaidId = (...parts: string[]): string => parts.map((part) => part.replace(/[^A-Za-z0-9]+/g, "_")).join("__");

/** Text shown inside a label; Mermaid's entity codes keep quotes and angle brackets from ending or opening markup. */
export const escapeLabel = (text: string): string =>
  text.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** A multi-line label: each line escaped, joined with line breaks. */
export const label = (lines: readonly string[]): string => `"${lines.map(escapeLabel).join("<br/>")}"`;

export type Shape = "box" | "round" | "circle" | "stadium" | "cylinder";

export function nodeLine(id: string, lines: readonly string[], shape: Shape = "box"): string {
  const text = label(lines);
  switch (shape) {
    case "round":
      return `${id}(${text})`;
    case "circle":
      return `${id}((${text}))`;
    case "stadium":
      return `${id}([${text}])`;
    case "cylinder":
      return `${id}[(${text})]`;
    default:
      return `${id}[${text}]`;
  }
}

export function edgeLine(from: string, to: string, options: { dotted?: boolean; text?: string } = {}): string {
  const arrow = options.dotted ? "-.->" : "-->";
  return options.text ? `${from} ${arrow}|${label([options.text])}| ${to}` : `${from} ${arrow} ${to}`;
}

/** A fenced block GitHub renders as a diagram. */
export const fence = (lines: readonly string[]): string => ["```mermaid", ...lines, "```"].join("\n");
