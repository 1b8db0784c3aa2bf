import { describe, expect, it } from "vitest";
import { formatDuration, linearityRatio, marginalCosts, markdownTable, median, verdict } from "../src/stats";

describe("median", () => {
  it("takes the middle of an odd count regardless of order", () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it("averages the two middle values of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("refuses an empty list instead of returning NaN", () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe("formatDuration", () => {
  it("uses ms below 10 s, seconds below 10 min, then minutes", () => {
    expect(formatDuration(849.6)).toBe("850 ms");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(725_000)).toBe("12 min 5 s");
  });
});

describe("verdict", () => {
  it("flags a value at or over the limit", () => {
    expect(verdict(1999, 2000)).toBe("within target");
    expect(verdict(2000, 2000)).toBe("OVER TARGET");
  });
});

describe("marginalCosts and linearityRatio", () => {
  it("ignore a fixed start-up cost: a straight line with an offset is perfectly linear", () => {
    const line = [10, 100, 500].map((size) => ({ size, ms: 300 + 5 * size }));
    expect(marginalCosts(line)).toEqual([5, 5]);
    expect(linearityRatio(line)).toBe(1);
  });
  it("grow for a quadratic curve", () => {
    const quadratic = [10, 100, 500].map((size) => ({ size, ms: size * size }));
    expect(linearityRatio(quadratic)).toBeCloseTo(600 / 110);
  });
  it("give a ratio of 1 for a single interval, and none for a single point", () => {
    expect(linearityRatio([{ size: 10, ms: 1 }, { size: 20, ms: 2 }])).toBe(1);
    expect(linearityRatio([{ size: 10, ms: 1 }])).toBeUndefined();
  });
  it("give no ratio when the first interval cost nothing or less (noise), rather than dividing by it", () => {
    expect(linearityRatio([{ size: 10, ms: 50 }, { size: 100, ms: 50 }, { size: 500, ms: 90 }])).toBeUndefined();
    expect(linearityRatio([{ size: 10, ms: 50 }, { size: 100, ms: 40 }, { size: 500, ms: 90 }])).toBeUndefined();
  });
});

describe("markdownTable", () => {
  it("escapes pipes so a value cannot add a column", () => {
    expect(markdownTable(["a", "b"], [["x|y", "z"]])).toBe("| a | b |\n| --- | --- |\n| x\\|y | z |");
  });
});
