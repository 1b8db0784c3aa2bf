/**
 * cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...) are written for Jest.
 * Importing this module from a vitest setup file makes them available on vitest's `expect`.
 */
import { Testing } from "cdktf";
import { expect } from "vitest";

type TerraformConstructor = { readonly tfResourceType: string };

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must match vitest's declaration
  interface Matchers<T = any> {
    toHaveResource(resource: TerraformConstructor): T;
    toHaveResourceWithProperties(resource: TerraformConstructor, properties: Record<string, unknown>): T;
    toHaveDataSource(dataSource: TerraformConstructor): T;
    toHaveDataSourceWithProperties(dataSource: TerraformConstructor, properties: Record<string, unknown>): T;
    toHaveProvider(provider: TerraformConstructor): T;
    toHaveProviderWithProperties(provider: TerraformConstructor, properties: Record<string, unknown>): T;
    toBeValidTerraform(): T;
  }
}

// The Jest adapter looks for a global `expect`; vitest's has the asymmetric matchers it uses.
(globalThis as { expect?: unknown }).expect ??= expect;
Testing.setupJest();
