import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The package with the longest file first, and in each package the longer files first. vitest's own order
 * takes the packages by name, so iac's offline plan would start last and end the run alone. A package's
 * files stay together: a worker is reused (see `isolate: false` in the packages' configs) only for the
 * next file of the same package. Durations come from vitest's cache of the last run here; a fresh clone
 * has none, and then the larger file counts as the longer (iac's offline plan then starts after the
 * helm, policy, deployment, srv and bash files have been handed out).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = (file: TestSpecification) => `${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`;
    const durations = new Map(files.map((f) => [f, this.ctx.cache.getFileTestResults(key(f))?.duration]));
    // One unit for all: durations once any are known (a file new since the last run counts as quick), else sizes.
    const byDuration = [...durations.values()].some((d) => d !== undefined);
    const weight = (file: TestSpecification): number =>
      byDuration ? (durations.get(file) ?? 0) : (this.ctx.cache.getFileStats(key(file))?.size ?? 0);
    const heaviest = new Map<string, number>();
    for (const file of files) heaviest.set(file.project.name, Math.max(heaviest.get(file.project.name) ?? 0, weight(file)));
    const ofProject = (file: TestSpecification) => heaviest.get(file.project.name) as number;
    return [...files].sort(
      (a, b) => ofProject(b) - ofProject(a) || a.project.name.localeCompare(b.project.name) || weight(b) - weight(a),
    );
  }
}

/**
 * `pnpm test`: one vitest run over every package, each a project with its own vitest.config, so
 * `pnpm --filter <pkg> test` runs the same files the same way. One run instead of `pnpm -r test`, which
 * starts a package only after the packages it depends on have finished (iac's offline plan held up every
 * tool) and pays vitest's start-up once per package.
 */
export default defineConfig({
  test: {
    projects: ["iac", "helm", "srv", "libs/*", "tools/*"],
    // vitest's default on a 2-core machine is one worker (cores - 1): one file at a time. Many files mostly
    // wait on child processes (terraform, helm, bash, node) or on sockets, so more workers than cores keep
    // both cores busy.
    maxWorkers: 4,
    sequence: { sequencer: LongestFirst },
  },
});
