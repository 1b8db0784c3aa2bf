import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ARCHITECTURE_DOC, REGENERATE_COMMAND, generateDocument, type RenderedDocument } from "../src/document";
import { mermaidParse } from "./mermaid-parser";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

let rendered: RenderedDocument;
beforeAll(() => {
  rendered = generateDocument();
});

describe(ARCHITECTURE_DOC, () => {
  it("matches what the generator writes for the current stacks", () => {
    const committed = readFileSync(path.join(root, ARCHITECTURE_DOC), "utf8");
    // A plain boolean first, so the failure leads with the fix rather than a long diff.
    expect(committed === rendered.markdown, `${ARCHITECTURE_DOC} is stale: run ${REGENERATE_COMMAND}`).toBe(true);
  });

  it("is the same on every run (no dates, stable order)", () => {
    expect(generateDocument().markdown).toBe(rendered.markdown);
  });

  it("holds five diagrams that Mermaid's parser accepts: request path, iac, helm, and argocd mode's GitOps path and helm stack", async () => {
    const parse = await mermaidParse();
    expect(rendered.diagrams).toHaveLength(5);
    for (const diagram of rendered.diagrams) {
      await expect(parse(diagram), diagram.split("\n")[1]).resolves.toBeTruthy();
      expect(rendered.markdown).toContain(`\`\`\`mermaid\n${diagram}\n\`\`\``);
    }
  });

  it("uses construct paths, never cdktf's hashed ids, as labels", () => {
    // cdktf's unique ids end in an 8-character uppercase hex hash, e.g. eks_cluster_55B0C966.
    expect(rendered.markdown).not.toMatch(/_[0-9A-F]{8}\b/);
  });
});

describe("Mermaid's parser, as the test uses it", () => {
  it("rejects a broken flowchart, so a syntax error in a diagram fails the test", async () => {
    const parse = await mermaidParse();
    await expect(parse('flowchart LR\n  a["unclosed label\n  a --> b\n')).rejects.toThrow(/Parse error/);
    await expect(parse("flowchart LR\n  subgraph x\n  a --> \n")).rejects.toThrow();
  });
});
