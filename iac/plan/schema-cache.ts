/**
 * The aws provider's schema (`terraform providers schema -json`), kept on disk per provider version and
 * binary, so a plan asks terraform for it only on a miss: rendering it costs terraform and the provider
 * several CPU-seconds, reading it back a tenth of one.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { writeFileAtomically } from "@gpp/files/atomic-write";
import type { ProviderSchema } from "./prepare";

/** A file as far as the cache can tell it apart from another: where it really is, its size and its modification time. */
export interface FileIdentity {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a cached schema was rendered from; an entry is used only when all of it matches. */
export interface SchemaIdentity {
  readonly awsVersion: string;
  /** The provider binary: another build of the same version (a re-downloaded mirror) is another schema. */
  readonly provider: FileIdentity;
  /** terraform renders the JSON, so a terraform upgrade may change it. */
  readonly terraform: FileIdentity;
}

export function fileIdentity(file: string): FileIdentity {
  const real = realpathSync(file);
  const stat = statSync(real);
  return { path: real, size: stat.size, mtimeMs: stat.mtimeMs };
}

export function schemaIdentity(tools: { readonly awsVersion: string; readonly awsProvider: string; readonly terraform: string }): SchemaIdentity {
  return { awsVersion: tools.awsVersion, provider: fileIdentity(tools.awsProvider), terraform: fileIdentity(tools.terraform) };
}

interface CacheEntry {
  readonly identity: SchemaIdentity;
  readonly schema: ProviderSchema;
}

/** One file per identity; the version leads the name so a reader of the folder sees what it holds. */
export function schemaCacheFile(cacheDir: string, identity: SchemaIdentity): string {
  const digest = createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 16);
  return path.join(cacheDir, `aws-${identity.awsVersion}-${digest}.json`);
}

/** The cached schema for exactly this identity, or undefined (no entry, an unreadable one, or one for something else). */
export function readCachedSchema(cacheDir: string, identity: SchemaIdentity): ProviderSchema | undefined {
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(schemaCacheFile(cacheDir, identity), "utf8")) as CacheEntry;
  } catch {
    return undefined;
  }
  if (!isDeepStrictEqual(entry.identity, identity) || !entry.schema?.resource_schemas || !entry.schema.data_source_schemas) return undefined;
  return entry.schema;
}

/**
 * Writes the entry to a file of its own and renames it into place: rename is atomic within a folder, so a
 * reader in another test worker sees the whole old entry, the whole new one, or none, never half a file.
 */
export function writeCachedSchema(cacheDir: string, identity: SchemaIdentity, schema: ProviderSchema): void {
  mkdirSync(cacheDir, { recursive: true });
  const file = schemaCacheFile(cacheDir, identity);
  writeFileAtomically(file, JSON.stringify({ identity, schema } satisfies CacheEntry));
}

/** The cached schema, or `render()`'s, which is then cached. */
export async function cachedProviderSchema(
  cacheDir: string,
  identity: SchemaIdentity,
  render: () => Promise<ProviderSchema>,
): Promise<{ schema: ProviderSchema; fromCache: boolean }> {
  const cached = readCachedSchema(cacheDir, identity);
  if (cached) return { schema: cached, fromCache: true };
  const schema = await render();
  writeCachedSchema(cacheDir, identity, schema);
  return { schema, fromCache: false };
}
