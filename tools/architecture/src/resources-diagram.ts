/**
 * One package's resources as a Mermaid flowchart: a subgraph per concern, an arrow per reference.
 * Repetition is summarized so the diagram stays readable at any size:
 * - top-level constructs with the same shape (e.g. one per tenant): the first is drawn in full, the
 *   next few as one node each, the rest as one "+N more" node;
 * - three or more nodes of one type under one construct (e.g. alarms) become one "type xN" node.
 * Edges are carried over to whatever node stands for their ends, and deduplicated.
 */
import { concernOf, constructRoot, sortConcerns, type PackageName } from "./concerns";
import type { StackGraph, StackNode } from "./graph";
import { edgeLine, mermaidId, nodeLine } from "./mermaid";

export interface SummaryLimits {
  /** Repeated constructs drawn as their own node after the first, fully drawn one. */
  readonly compactRepeats: number;
  /** Nodes of one type under one construct from which they are merged into one. */
  readonly mergeSameTypeFrom: number;
}

export const DEFAULT_LIMITS: SummaryLimits = { compactRepeats: 3, mergeSameTypeFrom: 3 };

interface Item {
  readonly id: string;
  readonly lines: string[];
  /** The expanded repeat it is drawn inside, if any. */
  readonly container?: string;
}

const literal = (value: unknown): string | undefined =>
  typeof value === "string" && !value.includes("${") ? value : undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A short fact or two the node's own configuration states, beside its type and path. */
function facts(node: StackNode): string[] {
  const body = node.body;
  if (node.kind === "module") {
    const lines = [`${literal(body.source) ?? "?"} ${literal(body.version) ?? ""}`.trim()];
    const count = (key: string) => (Array.isArray(body[key]) ? (body[key] as unknown[]).length : 0);
    const subnets = [count("private_subnets") && `x${count("private_subnets")} private`, count("public_subnets") && `x${count("public_subnets")} public`].filter(Boolean);
    if (subnets.length) lines.push(`aws_subnet ${subnets.join(", ")}`);
    if (body.enable_nat_gateway === true) {
      const nat = body.single_nat_gateway === true ? 1 : body.one_nat_gateway_per_az === true ? count("azs") : count("private_subnets");
      lines.push(`aws_nat_gateway x${nat}`);
    }
    if (body.enable_flow_log === true) lines.push("aws_flow_log");
    return lines;
  }
  const metadata = isObject(body.metadata) ? body.metadata : undefined;
  const name = literal(body.name) ?? literal(metadata?.name) ?? literal(body.alias) ?? literal(body.workspace_name);
  const lines: string[] = [];
  if (name) lines.push(`name: ${name}`);
  if (node.type === "helm_release" && literal(body.repository)) lines.push(`chart: ${literal(body.chart)} ${literal(body.version) ?? ""}`.trim());
  if (node.type === "aws_eks_cluster" && literal(body.version)) lines.push(`Kubernetes ${literal(body.version)}`);
  return lines;
}

const title = (node: StackNode): string =>
  node.kind === "data" ? `data ${node.type}` : node.kind === "module" ? "module" : node.kind === "provider" ? `provider ${node.type}` : node.type;

/** The shape of a top-level construct: its nodes' kinds, types and paths below the root. */
function shape(nodes: readonly StackNode[], root: string): string {
  return nodes
    .map((n) => `${n.kind}:${n.type}:${n.path.slice(root.length)}`)
    .sort()
    .join("|");
}

export interface ResourcesDiagram {
  readonly lines: string[];
  readonly nodeCount: number;
  readonly drawnNodes: number;
}

export function resourcesDiagram(pkg: PackageName, graph: StackGraph, limits: SummaryLimits = DEFAULT_LIMITS): ResourcesDiagram {
  // Providers are drawn only when their configuration comes from the stack (helm's cluster endpoint
  // and token); the AWS provider every resource uses would only add an arrow to everything.
  const configured = new Set(graph.edges.map((e) => e.to));
  const nodes = [...graph.nodes.values()].filter((n) => n.kind !== "provider" || configured.has(n.address));
  const drawn = new Set(nodes.map((n) => n.address));

  const itemOf = new Map<string, string>();
  const items = new Map<string, Item>();
  const concernItems = new Map<string, Set<string>>();
  const containers = new Map<string, string>(); // container id -> title
  const place = (concern: string, item: Item, members: readonly StackNode[]) => {
    if (!items.has(item.id)) items.set(item.id, item);
    for (const m of members) itemOf.set(m.address, item.id);
    const set = concernItems.get(concern) ?? new Set<string>();
    set.add(item.id);
    concernItems.set(concern, set);
  };

  const byConcernRoot = new Map<string, Map<string, StackNode[]>>();
  for (const node of nodes) {
    const concern = concernOf(pkg, node);
    const roots = byConcernRoot.get(concern) ?? new Map<string, StackNode[]>();
    const root = constructRoot(node);
    roots.set(root, [...(roots.get(root) ?? []), node]);
    byConcernRoot.set(concern, roots);
  }

  const expanded: { concern: string; nodes: StackNode[]; container?: string }[] = [];
  for (const [concern, roots] of byConcernRoot) {
    const families = new Map<string, string[]>();
    for (const [root, members] of roots) {
      const key = shape(members, root);
      families.set(key, [...(families.get(key) ?? []), root]);
    }
    for (const family of families.values()) {
      const [first, ...rest] = family.sort();
      if (!first) continue;
      const firstNodes = roots.get(first) ?? [];
      if (rest.length === 0) {
        expanded.push({ concern, nodes: firstNodes });
        continue;
      }
      const container = mermaidId(pkg, "group", first);
      containers.set(container, first);
      expanded.push({ concern, nodes: firstNodes, container });
      const count = firstNodes.length;
      rest.slice(0, limits.compactRepeats).forEach((root) => {
        place(concern, { id: mermaidId(pkg, "repeat", root), lines: [root, `same ${count} resources as ${first}`] }, roots.get(root) ?? []);
      });
      const hidden = rest.slice(limits.compactRepeats);
      if (hidden.length > 0) {
        place(
          concern,
          { id: mermaidId(pkg, "more", first), lines: [`+${hidden.length} more like ${first}`] },
          hidden.flatMap((root) => roots.get(root) ?? []),
        );
      }
    }
  }

  for (const { concern, nodes: group, container } of expanded) {
    const siblings = new Map<string, StackNode[]>();
    for (const node of group) {
      const parent = node.path.includes("/") ? node.path.slice(0, node.path.lastIndexOf("/")) : "";
      const key = `${node.kind}:${node.type}:${parent}`;
      siblings.set(key, [...(siblings.get(key) ?? []), node]);
    }
    for (const members of siblings.values()) {
      members.sort((a, b) => a.path.localeCompare(b.path));
      const [firstMember] = members;
      if (!firstMember) continue;
      if (members.length >= limits.mergeSameTypeFrom) {
        const parent = firstMember.path.slice(0, firstMember.path.lastIndexOf("/") + 1);
        const names = members.map((m) => m.path.slice(parent.length));
        const shown = names.length > 4 ? [...names.slice(0, 4), "…"] : names;
        place(
          concern,
          { id: mermaidId(pkg, firstMember.type, parent || "root", "all"), lines: [`${title(firstMember)} x${members.length}`, `${parent}{${shown.join(", ")}}`], ...(container ? { container } : {}) },
          members,
        );
      } else {
        for (const node of members) {
          const lines = node.kind === "provider" ? [title(node), ...facts(node)] : [title(node), node.path, ...facts(node)];
          place(concern, { id: mermaidId(pkg, node.kind, node.path), lines, ...(container ? { container } : {}) }, [node]);
        }
      }
    }
  }

  const lines = ["flowchart LR"];
  for (const concern of sortConcerns(pkg, concernItems.keys())) {
    const ids = [...(concernItems.get(concern) ?? [])].sort();
    lines.push(`  subgraph ${mermaidId(pkg, "concern", concern)}["${concern}"]`);
    const loose = ids.filter((id) => !items.get(id)?.container);
    const grouped = [...new Set(ids.map((id) => items.get(id)?.container).filter((c): c is string => Boolean(c)))].sort();
    for (const container of grouped) {
      lines.push(`    subgraph ${container}["${containers.get(container)}"]`);
      for (const id of ids.filter((i) => items.get(i)?.container === container)) lines.push(`      ${nodeLine(id, items.get(id)?.lines ?? [id])}`);
      lines.push("    end");
    }
    for (const id of loose) lines.push(`    ${nodeLine(id, items.get(id)?.lines ?? [id])}`);
    lines.push("  end");
  }

  // A provider serves whole groups: one arrow to each group it serves, not one to every resource.
  const concernIdOf = new Map<string, string>();
  for (const [concern, ids] of concernItems) for (const id of ids) concernIdOf.set(id, mermaidId(pkg, "concern", concern));
  const edges = new Map<string, boolean>(); // "from to" -> dotted
  for (const edge of graph.edges) {
    if (!drawn.has(edge.from) || !drawn.has(edge.to)) continue;
    const from = itemOf.get(edge.from);
    const target = itemOf.get(edge.to);
    const to = graph.nodes.get(edge.from)?.kind === "provider" && target ? concernIdOf.get(target) : target;
    if (!from || !to || from === to) continue;
    const key = `${from} ${to}`;
    const dotted = edge.kind === "depends_on";
    edges.set(key, (edges.get(key) ?? true) && dotted);
  }
  for (const key of [...edges.keys()].sort()) {
    const [from = "", to = ""] = key.split(" ");
    lines.push(`  ${edgeLine(from, to, { dotted: edges.get(key) ?? false })}`);
  }
  return { lines, nodeCount: nodes.length, drawnNodes: items.size };
}
