/**
 * The resource graph of one synthesized stack (cdk.tf.json): every resource, data source, module and
 * configured provider as a node, and an edge wherever one refers to another through a `${...}`
 * expression or an explicit `depends_on`.
 */

export type NodeKind = "resource" | "data" | "module" | "provider";

export interface StackNode {
  /** Terraform address: `aws_eks_cluster.eks_cluster_55B0C966`, `data.aws_partition.x`, `module.vpc`, `provider.helm`. */
  readonly address: string;
  readonly kind: NodeKind;
  /** Resource or data source type (`aws_eks_cluster`), `module`, or the provider's name. */
  readonly type: string;
  /** Construct path inside the stack (`eks/cluster`), the readable name cdktf's hashed ids come from. */
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface StackEdge {
  /** The node referred to. */
  readonly from: string;
  /** The node whose configuration refers to it. */
  readonly to: string;
  /** `reference`: an attribute is used in an expression; `depends_on`: ordering only. */
  readonly kind: "reference" | "depends_on";
}

export interface StackGraph {
  readonly stackName: string;
  readonly nodes: ReadonlyMap<string, StackNode>;
  readonly edges: readonly StackEdge[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function constructPath(body: Json, stackName: string, fallback: string): string {
  const metadata = isObject(body["//"]) && isObject(body["//"].metadata) ? body["//"].metadata : undefined;
  const full = typeof metadata?.path === "string" ? metadata.path : undefined;
  if (!full) return fallback;
  return full.startsWith(`${stackName}/`) ? full.slice(stackName.length + 1) : full;
}

/** Every string inside a value, skipping cdktf's `//` metadata. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) if (key !== "//") yield* strings(item);
  }
}

/** The body of every `${...}` in a string, nested braces included (`${{for k, v in x : k => v}}`). */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let start = text.indexOf("${");
  while (start >= 0) {
    let depth = 0;
    let end = start + 2;
    for (; end < text.length; end++) {
      const char = text[end];
      if (char === "{") depth++;
      else if (char === "}") {
        if (depth === 0) break;
        depth--;
      }
    }
    found.push(text.slice(start + 2, end));
    start = text.indexOf("${", end);
  }
  return found;
}

// Traversals as Terraform writes them: `data.<type>.<name>`, `module.<name>`, `<type>.<name>`.
const TRAVERSAL = /(?<![\w.-])(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|module\.[A-Za-z0-9_-]+|[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;

/** The addresses of known nodes that an expression refers to. */
export function referencedAddresses(expression: string, known: ReadonlySet<string>): string[] {
  const result = new Set<string>();
  for (const match of expression.matchAll(TRAVERSAL)) {
    const candidate = match[1] ?? "";
    if (known.has(candidate)) result.add(candidate);
  }
  return [...result];
}

/** Providers are referred to by `<name>` or `<name>.<alias>` in a resource's `provider` field. */
const providerAddress = (name: string, alias?: string): string => `provider.${alias ? `${name}.${alias}` : name}`;

export function buildGraph(stackName: string, stackJson: Json): StackGraph {
  const nodes = new Map<string, StackNode>();
  const add = (node: StackNode) => nodes.set(node.address, node);

  for (const [type, byName] of Object.entries(isObject(stackJson.resource) ? stackJson.resource : {})) {
    for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
      if (!isObject(body)) continue;
      add({ address: `${type}.${name}`, kind: "resource", type, path: constructPath(body, stackName, name), body });
    }
  }
  for (const [type, byName] of Object.entries(isObject(stackJson.data) ? stackJson.data : {})) {
    for (const [name, body] of Object.entries(isObject(byName) ? byName : {})) {
      if (!isObject(body)) continue;
      add({ address: `data.${type}.${name}`, kind: "data", type, path: constructPath(body, stackName, name), body });
    }
  }
  for (const [name, body] of Object.entries(isObject(stackJson.module) ? stackJson.module : {})) {
    if (!isObject(body)) continue;
    add({ address: `module.${name}`, kind: "module", type: "module", path: constructPath(body, stackName, name), body });
  }
  for (const [name, configs] of Object.entries(isObject(stackJson.provider) ? stackJson.provider : {})) {
    for (const body of Array.isArray(configs) ? configs : []) {
      if (!isObject(body)) continue;
      const alias = typeof body.alias === "string" ? body.alias : undefined;
      add({ address: providerAddress(name, alias), kind: "provider", type: name, path: alias ? `${name}.${alias}` : name, body });
    }
  }

  const known = new Set(nodes.keys());
  const edges = new Map<string, StackEdge>();
  const connect = (from: string, to: string, kind: StackEdge["kind"]) => {
    if (from === to || !nodes.has(from)) return;
    const key = `${from}\u0000${to}`;
    // A reference says more than an ordering: keep it when both exist.
    if (edges.get(key)?.kind === "reference") return;
    edges.set(key, { from, to, kind });
  };

  for (const node of nodes.values()) {
    const { depends_on: dependsOn, provider, ...config } = node.body;
    for (const text of strings(config)) {
      for (const expression of interpolations(text)) {
        for (const address of referencedAddresses(expression, known)) connect(address, node.address, "reference");
      }
    }
    if (Array.isArray(dependsOn)) {
      for (const entry of dependsOn) {
        if (typeof entry !== "string") continue;
        const address = entry.replace(/^\$\{(.*)\}$/, "$1");
        connect(address, node.address, "depends_on");
      }
    }
    if (typeof provider === "string" && node.kind !== "provider") {
      const [name, alias] = provider.replace(/^\$\{(.*)\}$/, "$1").split(".");
      connect(providerAddress(name ?? provider, alias), node.address, "reference");
    }
  }

  const sortedEdges = [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { stackName, nodes, edges: sortedEdges };
}
