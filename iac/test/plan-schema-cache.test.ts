import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProviderSchema } from "../plan/prepare";
import { cachedProviderSchema, readCachedSchema, schemaCacheFile, schemaIdentity, writeCachedSchema, type SchemaIdentity } from "../plan/schema-cache";

const schemaWith = (argument: string): ProviderSchema => ({
  resource_schemas: { aws_eks_cluster: { block: { attributes: { name: {}, [argument]: {} } } } },
  data_source_schemas: {},
});

describe("the provider schema cache", () => {
  let dir: string;
  let cacheDir: string;
  let tools: { awsVersion: string; awsProvider: string; terraform: string };
  const renders: string[] = [];
  const render = (argument: string) => async () => {
    renders.push(argument);
    return schemaWith(argument);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "schema-cache-test-"));
    cacheDir = path.join(dir, "cache");
    tools = { awsVersion: "5.100.0", awsProvider: path.join(dir, "terraform-provider-aws_v5.100.0_x5"), terraform: path.join(dir, "terraform") };
    writeFileSync(tools.awsProvider, "provider build 1");
    writeFileSync(tools.terraform, "terraform 1.11.4");
    renders.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("asks terraform on a miss and reads the file afterwards", async () => {
    const identity = schemaIdentity(tools);
    expect(await cachedProviderSchema(cacheDir, identity, render("deletion_protection"))).toEqual({ schema: schemaWith("deletion_protection"), fromCache: false });
    expect(await cachedProviderSchema(cacheDir, identity, render("other"))).toEqual({ schema: schemaWith("deletion_protection"), fromCache: true });
    expect(renders).toEqual(["deletion_protection"]);
    expect(path.basename(schemaCacheFile(cacheDir, identity))).toMatch(/^aws-5\.100\.0-[0-9a-f]{16}\.json$/);
  });

  it("does not use a schema cached for another provider version", async () => {
    await cachedProviderSchema(cacheDir, schemaIdentity(tools), render("of 5.100.0"));
    const newer = { ...tools, awsVersion: "6.28.0" };
    expect(await cachedProviderSchema(cacheDir, schemaIdentity(newer), render("of 6.28.0"))).toEqual({ schema: schemaWith("of 6.28.0"), fromCache: false });
    expect(renders).toEqual(["of 5.100.0", "of 6.28.0"]);
  });

  it("does not use a schema cached for another build of the same version, or for another terraform", async () => {
    await cachedProviderSchema(cacheDir, schemaIdentity(tools), render("first build"));
    writeFileSync(tools.awsProvider, "provider build 2, a different size");
    await cachedProviderSchema(cacheDir, schemaIdentity(tools), render("second build"));
    // Same size, new modification time: a mirror unpacked again.
    const later = new Date(Date.now() + 60_000);
    utimesSync(tools.awsProvider, later, later);
    await cachedProviderSchema(cacheDir, schemaIdentity(tools), render("unpacked again"));
    writeFileSync(tools.terraform, "terraform 1.12.0");
    await cachedProviderSchema(cacheDir, schemaIdentity(tools), render("new terraform"));
    expect(renders).toEqual(["first build", "second build", "unpacked again", "new terraform"]);
  });

  it("ignores an entry whose recorded identity is not the one asked for, and a damaged one", () => {
    const identity = schemaIdentity(tools);
    const other: SchemaIdentity = { ...identity, awsVersion: "5.99.0" };
    mkdirSync(cacheDir, { recursive: true });
    // Another identity's entry where this identity's would be (a name collision, or a hand-copied file).
    writeFileSync(schemaCacheFile(cacheDir, identity), JSON.stringify({ identity: other, schema: schemaWith("x") }));
    expect(readCachedSchema(cacheDir, identity)).toBeUndefined();
    writeFileSync(schemaCacheFile(cacheDir, identity), '{"identity":');
    expect(readCachedSchema(cacheDir, identity)).toBeUndefined();
    writeCachedSchema(cacheDir, identity, schemaWith("repaired"));
    expect(readCachedSchema(cacheDir, identity)).toEqual(schemaWith("repaired"));
  });

  it("writes through a file of its own and leaves only the entry behind", () => {
    const identity = schemaIdentity(tools);
    writeCachedSchema(cacheDir, identity, schemaWith("a"));
    writeCachedSchema(cacheDir, identity, schemaWith("b"));
    expect(readdirSync(cacheDir)).toEqual([path.basename(schemaCacheFile(cacheDir, identity))]);
    expect(readCachedSchema(cacheDir, identity)).toEqual(schemaWith("b"));
  });
});
