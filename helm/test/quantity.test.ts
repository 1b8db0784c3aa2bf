import { describe, expect, it } from "vitest";
import { formatCpu, formatMemory, parseQuantity } from "../src/quantity";

describe("Kubernetes resource quantities", () => {
  it.each([
    ["500m", 0.5],
    ["2", 2],
    ["0.25", 0.25],
    [".5", 0.5],
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1G", 1e9],
    ["1k", 1000],
    ["1e3", 1000],
    ["1E-3", 0.001],
  ])("reads %s", (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  it.each(["", "1.2.3", "-1", "1mi", "1 Gi", "Gi", "1KB"])("refuses %j", (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it("writes CPU as whole millicores and memory as whole mebibytes, rounding up", () => {
    expect(formatCpu(16)).toBe("16");
    expect(formatCpu(20.6)).toBe("20600m");
    expect(formatCpu(0.0101)).toBe("11m");
    expect(formatMemory(8 * 2 ** 30)).toBe("8Gi");
    expect(formatMemory(11296 * 2 ** 20)).toBe("11296Mi");
    expect(formatMemory(1e9)).toBe("954Mi");
  });
});
