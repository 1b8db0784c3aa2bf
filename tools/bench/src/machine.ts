/** The machine a benchmark ran on, as the report states it. */
import { readFileSync } from "node:fs";
import { arch, cpus, release, totalmem, type } from "node:os";

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
    if (pretty) return `${pretty} (${type()} ${release()}, ${arch()})`;
  } catch {
    // Not Linux, or no os-release: the kernel's own name follows.
  }
  return `${type()} ${release()} (${arch()})`;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() || "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName(),
  };
}
