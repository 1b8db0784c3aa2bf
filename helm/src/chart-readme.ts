/**
 * The chart README's configuration table: one row per value (key, type, default, description), from
 * values.schema.json (types, descriptions, allowed values and ranges) and values.yaml (defaults).
 *
 * Hand-written, because the generators on npm read the other way round: @bitnami/readme-generator-for-helm
 * 2.7.2 takes each description from a `## @param <key> <description>` comment in values.yaml (and can
 * write a schema from those), so the descriptions would live in values.yaml beside the schema helm and
 * ajv validate against. Here the schema is the one source; `test/chart-readme.test.ts` fails when the
 * README's table differs from it, and `pnpm --filter helm chart-readme` rewrites the table.
 */
import type { Values } from "./chart-values";

/** The lines the table sits between in the README; everything outside them is written by hand. */
export const TABLE_START = "<!-- values table: generated from values.schema.json and values.yaml by `pnpm --filter helm chart-readme`; edit those, not this table -->";
export const TABLE_END = "<!-- end of values table -->";

export interface ValueRow {
  /** Dotted path, e.g. `image.repository`. */
  readonly key: string;
  readonly type: string;
  /** The values.yaml default as JSON; empty for a block whose keys have rows of their own, or a key values.yaml leaves out. */
  readonly defaultValue: string;
  readonly description: string;
}

type SchemaNode = {
  readonly $ref?: string;
  readonly allOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly items?: SchemaNode;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
};

/** A schema error in the file the table is read from, naming the property. */
export class ChartSchemaError extends Error {}

const isObject = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The node with its `$ref` (and a lone `allOf` of one `$ref`) resolved: the referenced definition's
 * keywords, then the node's own (its description wins).
 */
function resolve(root: SchemaNode, node: SchemaNode, key: string): SchemaNode {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0]?.$ref : undefined);
  if (ref === undefined) return node;
  const name = /^#\/definitions\/([^/]+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : root.definitions?.[name];
  if (target === undefined) throw new ChartSchemaError(`values.schema.json: ${key}: cannot resolve $ref ${ref}`);
  return { ...resolve(root, target, key), ...node };
}

function typeOf(root: SchemaNode, node: SchemaNode, key: string): string {
  if (node.type === "array") {
    const items = node.items ? resolve(root, node.items, `${key}[]`) : undefined;
    return items?.type ? `array of ${items.type}` : "array";
  }
  if (node.type) return node.type;
  if (node.oneOf) return node.oneOf.map((alternative, i) => typeOf(root, resolve(root, alternative, `${key}.oneOf[${i}]`), key)).join(" or ");
  if (node.enum) return [...new Set(node.enum.map((value) => (value === null ? "null" : typeof value)))].join(" or ");
  throw new ChartSchemaError(`values.schema.json: ${key}: has no type, oneOf or enum to show in the README`);
}

const code = (value: unknown): string => `\`${JSON.stringify(value)}\``;

/** What the schema allows beyond the type, in words: the enum, an integer range. */
function constraintsOf(node: SchemaNode): string {
  if (node.enum) return ` One of ${node.enum.map(code).join(", ")}.`;
  if (node.minimum !== undefined && node.maximum !== undefined) return ` From ${node.minimum} to ${node.maximum}.`;
  if (node.minimum !== undefined) return ` At least ${node.minimum}.`;
  if (node.maximum !== undefined) return ` At most ${node.maximum}.`;
  return "";
}

/** Every property of the schema, depth first in the schema's order, with its values.yaml default. */
export function valueRows(schema: object, defaults: Values): ValueRow[] {
  const root = schema as SchemaNode;
  const rows: ValueRow[] = [];
  const visit = (properties: Readonly<Record<string, SchemaNode>>, prefix: string, defaultsHere: unknown) => {
    for (const [name, raw] of Object.entries(properties)) {
      const key = prefix ? `${prefix}.${name}` : name;
      const node = resolve(root, raw, key);
      if (!node.description) throw new ChartSchemaError(`values.schema.json: ${key}: has no description (the chart README's table shows it)`);
      const value = isObject(defaultsHere) ? defaultsHere[name] : undefined;
      const block = node.properties !== undefined;
      rows.push({
        key,
        type: typeOf(root, node, key),
        defaultValue: block || value === undefined ? "" : code(value),
        description: `${node.description}${constraintsOf(node)}`,
      });
      if (node.properties) visit(node.properties, key, value);
    }
  };
  visit(root.properties ?? {}, "", defaults);
  return rows;
}

/** A table cell: pipes escaped, on one line. */
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/** The table in GitHub-flavoured Markdown, one row per value. */
export function valuesTable(rows: readonly ValueRow[]): string {
  const lines = ["| Key | Type | Default | Description |", "| --- | --- | --- | --- |"];
  for (const row of rows) lines.push(`| ${[`\`${row.key}\``, row.type, row.defaultValue, row.description].map(cell).join(" | ")} |`);
  return lines.join("\n");
}

/** The README with the text between its table markers replaced by `table`. */
export function withValuesTable(readme: string, table: string, readmeName: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new ChartSchemaError(`${readmeName}: the lines ${TABLE_START} and ${TABLE_END} must both be there, in that order`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
