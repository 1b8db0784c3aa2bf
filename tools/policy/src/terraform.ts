/** Reading synthesized Terraform JSON: resources by type, policy documents, token references. */
import type { Json, SynthesizedStack } from "./types";

export interface TerraformBlock {
  /** `resource`, `data` or `module`. */
  readonly kind: "resource" | "data" | "module";
  readonly type: string;
  readonly name: string;
  /** `<stack>/<type>.<name>`, `<stack>/data.<type>.<name>` or `<stack>/module.<name>`. */
  readonly address: string;
  readonly body: Json;
}

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Terraform's own address, as `terraform plan` prints it. */
function localAddress(kind: TerraformBlock["kind"], type: string, name: string): string {
  if (kind === "module") return `module.${name}`;
  return kind === "data" ? `data.${type}.${name}` : `${type}.${name}`;
}

/** Every resource (and, with `kinds`, data source and module call) of a stack, optionally of some types only. */
export function blocks(stack: SynthesizedStack, kinds: readonly TerraformBlock["kind"][] = ["resource"], types?: readonly string[]): TerraformBlock[] {
  const result: TerraformBlock[] = [];
  for (const kind of kinds) {
    if (kind === "module") {
      if (types) continue;
      for (const [name, body] of Object.entries(stack.json.module ?? {})) {
        result.push({ kind, type: "module", name, address: `${stack.name}/${localAddress(kind, "module", name)}`, body });
      }
      continue;
    }
    for (const [type, byName] of Object.entries(stack.json[kind] ?? {})) {
      if (types && !types.includes(type)) continue;
      for (const [name, body] of Object.entries(byName)) {
        result.push({ kind, type, name, address: `${stack.name}/${localAddress(kind, type, name)}`, body });
      }
    }
  }
  return result;
}

export function resources(stacks: readonly SynthesizedStack[], types?: readonly string[]): TerraformBlock[] {
  return stacks.flatMap((stack) => blocks(stack, ["resource"], types));
}

/** True when the value is (or contains) a Terraform expression that is only known at plan or apply time. */
export const isToken = (value: unknown): boolean => typeof value === "string" && value.includes("${");

/** The resource a `${type.name.attr}` reference points at, e.g. `aws_kms_key.x` for `${aws_kms_key.x.arn}`. */
export function referencedResource(value: unknown): { type: string; name: string; attribute: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(value);
  if (!match || match[1] === "data" || match[1] === "module" || match[1] === "var" || match[1] === "local") return undefined;
  return { type: match[1] as string, name: match[2] as string, attribute: match[3] as string };
}

/** A module call is "the" registry module when its source names it (any version, any registry host). */
export const isModuleSource = (body: Json, source: string): boolean => typeof body.source === "string" && body.source.replace(/^registry\.terraform\.io\//, "").startsWith(source);

/** One statement of an IAM policy document, normalized. */
export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  /** `Principal`: who the statement applies to (`*` for everyone). */
  readonly principals: readonly string[];
  /** `NotPrincipal`: in an Allow, everyone except these. */
  readonly notPrincipals: readonly string[];
  readonly hasCondition: boolean;
  /** Every condition as operator, key and values (`StringEquals`, `aws:SourceAccount`, [...]). */
  readonly conditions: readonly PolicyCondition[];
}

export interface PolicyCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface PolicyDocument {
  /** The block that holds the document and the attribute path inside it, e.g. `…/aws_iam_role.x (assume_role_policy)`. */
  readonly address: string;
  readonly statements: readonly PolicyStatement[];
}

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function principalsOf(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return [value];
  if (isObject(value)) return Object.entries(value).flatMap(([kind, ids]) => asList(ids).map((id) => (id === "*" ? "*" : `${kind}:${id}`)));
  return asList(value);
}

function parseDocument(text: string): Json | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return isObject(parsed) && "Statement" in parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function conditionsOfJson(condition: unknown): PolicyCondition[] {
  if (!isObject(condition)) return [];
  return Object.entries(condition).flatMap(([operator, byKey]) =>
    isObject(byKey) ? Object.entries(byKey).map(([key, values]) => ({ operator, key, values: asList(values) })) : [],
  );
}

function statementsOfJson(doc: Json): PolicyStatement[] {
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.filter(isObject).map((s) => ({
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: String(s.Effect ?? ""),
    actions: asList(s.Action),
    notActions: asList(s.NotAction),
    principals: principalsOf(s.Principal),
    notPrincipals: principalsOf(s.NotPrincipal),
    hasCondition: isObject(s.Condition) && Object.keys(s.Condition).length > 0,
    conditions: conditionsOfJson(s.Condition),
  }));
}

/** `data.aws_iam_policy_document` statements (`statement[]` blocks with snake_case fields). */
function statementsOfDataSource(body: Json): PolicyStatement[] {
  const raw = Array.isArray(body.statement) ? body.statement : body.statement === undefined ? [] : [body.statement];
  return raw.filter(isObject).map((s) => {
    const identifiers = (blocks: Json[]) => blocks.flatMap((p) => asList(p.identifiers).map((id) => (id === "*" ? "*" : `${String(p.type)}:${id}`)));
    return {
      sid: typeof s.sid === "string" ? s.sid : undefined,
      effect: String(s.effect ?? "Allow"),
      actions: asList(s.actions),
      notActions: asList(s.not_actions),
      principals: identifiers(asObjects(s.principals)),
      notPrincipals: identifiers(asObjects(s.not_principals)),
      hasCondition: asObjects(s.condition).length > 0,
      conditions: asObjects(s.condition).map((c) => ({ operator: String(c.test ?? ""), key: String(c.variable ?? ""), values: asList(c.values) })),
    };
  });
}

function asObjects(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The statements of a policy attribute: literal JSON, or a reference to an `aws_iam_policy_document` of the stack; undefined when neither. */
export function readPolicy(stack: SynthesizedStack, value: unknown): PolicyStatement[] | undefined {
  if (typeof value !== "string") return undefined;
  const doc = parseDocument(value);
  if (doc) return statementsOfJson(doc);
  const reference = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.(json|minified_json)\}$/.exec(value);
  const body = reference ? stack.json.data?.aws_iam_policy_document?.[reference[1] as string] : undefined;
  return body ? statementsOfDataSource(body) : undefined;
}

/**
 * Every IAM policy document in a stack, wherever it sits: any string attribute that parses as a policy
 * (inline, assume-role, resource and key policies, module inputs) and every `aws_iam_policy_document`.
 */
export function policyDocuments(stack: SynthesizedStack): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  const walk = (value: unknown, address: string, path: string) => {
    if (typeof value === "string") {
      const doc = parseDocument(value);
      if (doc) documents.push({ address: `${address} (${path})`, statements: statementsOfJson(doc) });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, address, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) if (key !== "//") walk(inner, address, path ? `${path}.${key}` : key);
    }
  };
  for (const block of blocks(stack, ["resource", "data", "module"])) {
    if (block.kind === "data" && block.type === "aws_iam_policy_document") {
      documents.push({ address: block.address, statements: statementsOfDataSource(block.body) });
    } else {
      walk(block.body, block.address, "");
    }
  }
  return documents;
}

/** Attributes that hold a whole policy document. */
const POLICY_FIELDS = ["policy", "assume_role_policy"] as const;

/** A policy built by an `aws_iam_policy_document` data source, which `policyDocuments` reads directly. */
const isPolicyDocumentReference = (value: string): boolean => /^\$\{data\.aws_iam_policy_document\.[A-Za-z0-9_-]+\.(json|minified_json)\}$/.test(value);

/**
 * Policy attributes whose document cannot be read from the synthesized JSON: an expression other than a
 * reference to an `aws_iam_policy_document` (e.g. `jsonencode(...)`, a file, another stack's output).
 */
export function opaquePolicies(stack: SynthesizedStack): { address: string; value: string }[] {
  const found: { address: string; value: string }[] = [];
  for (const block of blocks(stack, ["resource"])) {
    const candidates: [string, unknown][] = POLICY_FIELDS.map((field) => [field, block.body[field]]);
    const inline = Array.isArray(block.body.inline_policy) ? block.body.inline_policy : isObject(block.body.inline_policy) ? [block.body.inline_policy] : [];
    inline.forEach((entry, i) => candidates.push([`inline_policy[${i}].policy`, isObject(entry) ? entry.policy : undefined]));
    for (const [path, value] of candidates) {
      if (typeof value !== "string" || parseDocument(value) || isPolicyDocumentReference(value)) continue;
      found.push({ address: `${block.address} (${path})`, value });
    }
  }
  return found;
}
