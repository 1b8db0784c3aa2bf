import { pathToFileURL } from "node:url";
import { vi } from "vitest";

/** What a command run would show: its exit status and what it wrote. */
export interface CommandRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

let runs = 0;

/**
 * Runs a command's entry point (a module that does its work when imported, as `tsx <file>` runs it) inside
 * this test worker instead of a child process: the arguments and environment are set for the run,
 * process.exit stops it with its code, stdout and stderr are captured, and everything is put back afterwards.
 * A child process costs seconds (node start-up, TypeScript transform, loading cdktf again); tests whose
 * subject is not the process itself use this, and one test per command keeps a real spawn.
 * Hand-written: no library runs an ES module entry point in-process with its exit captured.
 */
export async function runEntryPoint(file: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  const saved = { argv: process.argv, env: process.env, exitCode: process.exitCode };
  let stdout = "";
  let stderr = "";
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)),
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)),
    vi.spyOn(process, "exit").mockImplementation((code?: string | number | null) => {
      throw new ExitCalled(Number(code ?? 0));
    }),
  ];
  process.argv = [process.execPath, file, ...args];
  process.env = { ...process.env, ...env };
  process.exitCode = undefined;
  try {
    // A fresh module instance per run (the query makes it a new module id), so its top level runs again.
    await import(`${pathToFileURL(file).href}?run=${++runs}`);
    return { status: Number(process.exitCode ?? 0), stdout, stderr };
  } catch (error) {
    if (error instanceof ExitCalled) return { status: error.code, stdout, stderr };
    throw error;
  } finally {
    for (const spy of spies) spy.mockRestore();
    process.argv = saved.argv;
    process.env = saved.env;
    process.exitCode = saved.exitCode;
  }
}
