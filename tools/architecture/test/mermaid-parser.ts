/**
 * Mermaid's own parser, in Node. mermaid 11 sanitizes labels with DOMPurify, which needs a window, so a
 * jsdom window is installed first. (@mermaid-js/parser has no flowchart grammar, and mermaid 12 needs
 * Node >= 22.12.)
 */
import { JSDOM } from "jsdom";

type Parse = (text: string) => Promise<unknown>;
let parser: Promise<Parse> | undefined;

export function mermaidParse(): Promise<Parse> {
  parser ??= (async () => {
    const { window } = new JSDOM("");
    Object.assign(globalThis, { window, document: window.document });
    const { default: mermaid } = await import("mermaid");
    return (text: string) => mermaid.parse(text);
  })();
  return parser;
}
