/** Sizes of every workload; `--quick` (or BENCH_QUICK=1) shrinks them for development. */
export interface BenchOptions {
  quick: boolean;
  /** `plans` × `editorsPerPlan` is the largest step; each of `steps` (connections) runs on the first plans. */
  live: { plans: number; editorsPerPlan: number; steps: number[]; warmupSeconds: number; seconds: number };
  floor: { commits: number };
  /** `warmupSeconds` of the same load first, unmeasured, as for GraphQL. */
  dashboard: { cases: number; connections: number; seconds: number; warmupSeconds: number };
  /** `rounds`: storms of Samplan and of the floor in turn, each judged on its median. */
  joinStorm: { clients: number; planBytes: number; rounds: number };
  sectionCheck: { documentEdits: number; measuredEdits: number };
  coldLoad: { edits: number; writers: number; opens: number };
  /** `warmupSeconds` of the same load, unmeasured, before each server's measured `seconds` (workload 4). */
  graphql: { connections: number; seconds: number; warmupSeconds: number };
  memory: { levels: number[] };
  crossServer: { plans: number; seconds: number };
  /** Only these workloads (`--only live,graphql`); all when empty. */
  only: string[];
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const quick = argv.includes('--quick') || env['BENCH_QUICK'] === '1';
  const onlyArg = argv.find((arg) => arg.startsWith('--only='));
  const only = onlyArg ? onlyArg.slice('--only='.length).split(',').filter(Boolean) : [];
  return {
    quick,
    live: quick
      ? { plans: 50, editorsPerPlan: 4, steps: [100, 200], warmupSeconds: 2, seconds: 8 }
      : { plans: 500, editorsPerPlan: 4, steps: [250, 500, 1_000, 2_000], warmupSeconds: 3, seconds: 20 },
    floor: { commits: quick ? 500 : 2_000 },
    dashboard: quick ? { cases: 300, connections: 20, seconds: 5, warmupSeconds: 2 } : { cases: 2_000, connections: 20, seconds: 15, warmupSeconds: 5 },
    joinStorm: quick ? { clients: 50, planBytes: 1_000_000, rounds: 1 } : { clients: 200, planBytes: 5_000_000, rounds: 3 },
    sectionCheck: quick ? { documentEdits: 20_000, measuredEdits: 1_000 } : { documentEdits: 20_000, measuredEdits: 5_000 },
    coldLoad: quick ? { edits: 2_000, writers: 10, opens: 3 } : { edits: 10_000, writers: 20, opens: 5 },
    graphql: quick ? { connections: 20, seconds: 5, warmupSeconds: 3 } : { connections: 50, seconds: 15, warmupSeconds: 10 },
    memory: { levels: quick ? [200, 1_000] : [1_000, 5_000] },
    crossServer: quick ? { plans: 20, seconds: 10 } : { plans: 100, seconds: 20 },
    only,
  };
}
