import { spawn } from 'node:child_process';

/** The ```sh blocks under one `## ` heading of a Markdown file, in order, without their fences. */
export function shBlocksUnder(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start === -1) throw new Error(`README has no "## ${heading}" section`);
  const rest = markdown.slice(start + 1);
  const next = rest.indexOf('\n## ');
  const section = next === -1 ? rest : rest.slice(0, next);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/**
 * Replaces `from` with `to` in a README block, failing loudly when `from` is gone: a README that
 * changed its URL or scratch folder must change the test's substitution too, never run unsubstituted.
 */
export function substitute(block: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? block.includes(from) : from.test(block);
  if (!found) throw new Error(`the README block no longer contains ${String(from)}; update the substitution in the test`);
  return typeof from === 'string' ? block.replaceAll(from, to) : block.replace(from, to);
}

/** How many GraphQL answers a block shows: `gql` commands at a line's start, and captured ones it tees to stderr. */
export function shownGqlCalls(block: string): number {
  return (block.match(/^gql /gm)?.length ?? 0) + (block.match(/tee \/dev\/stderr/g)?.length ?? 0);
}

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a script in one bash session, as pasted into a terminal. Killed with its whole process
 * group (the README's node scripts included) if it outlives `timeoutMs`.
 */
export function runBash(script: string, options: { cwd: string; timeoutMs: number; env?: Record<string, string> }): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    // Node hands a child sockets for its output, and Linux cannot reopen a socket by path, so the
    // README's `tee /dev/stderr` would fail (ENXIO) where a terminal's works: stderr goes through a pipe.
    const child = spawn('bash', ['-c', `exec 2> >(cat >&2)\n${script}`], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      reject(new Error(`the script ran longer than ${options.timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every line of a shell's output that is a JSON object or array, parsed. */
export function jsonLines(output: string): unknown[] {
  return output.split('\n').flatMap((line) => {
    if (!/^\s*[[{]/.test(line)) return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch {
      return [];
    }
  });
}

export interface GraphQLAnswer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
}

/** The JSON lines that are GraphQL responses (an object with `data` or `errors`). */
export function graphqlAnswers(output: string): GraphQLAnswer[] {
  return jsonLines(output).filter(
    (value): value is GraphQLAnswer => typeof value === 'object' && value !== null && !Array.isArray(value) && ('data' in value || 'errors' in value),
  );
}
