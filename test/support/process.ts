/** A FlavaFlav process (node <script>) started by a test, with its JSON log lines to wait on. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface Running {
  child: ChildProcess;
  lines: string[];
  waitForLog(match: (entry: any) => boolean, timeoutMs?: number): Promise<any>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startProcess(env: Record<string, string>, cwd: string, script: string): Running {
  const child = spawn(process.execPath, [script], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { match: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      let entry: any;
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      for (const w of [...waiters]) {
        if (w.match(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString()}`));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    lines,
    exited,
    waitForLog(match, timeoutMs = 30_000) {
      const seen = lines.map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return undefined;
        }
      });
      const found = seen.find((e) => e && match(e));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`log line not seen within ${timeoutMs} ms; output:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

/** Runs a command to its end (bounded by `timeoutMs`) with only PATH and `env` in its environment. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(command, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, timeout: options.timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
