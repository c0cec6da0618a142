/** Sizes of every workload; `--quick` (or BENCH_QUICK=1) shrinks them for development. */
export interface BenchOptions {
  quick: boolean;
  live: { plans: number; editorsPerPlan: number; warmupSeconds: number; seconds: number };
  sectionCheck: { documentEdits: number; measuredEdits: number };
  coldLoad: { edits: number; writers: number; opens: number };
  graphql: { connections: number; seconds: number };
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
    live: quick ? { plans: 50, editorsPerPlan: 4, warmupSeconds: 2, seconds: 10 } : { plans: 500, editorsPerPlan: 4, warmupSeconds: 5, seconds: 30 },
    sectionCheck: quick ? { documentEdits: 20_000, measuredEdits: 1_000 } : { documentEdits: 20_000, measuredEdits: 5_000 },
    coldLoad: quick ? { edits: 2_000, writers: 10, opens: 3 } : { edits: 10_000, writers: 20, opens: 5 },
    graphql: quick ? { connections: 20, seconds: 5 } : { connections: 50, seconds: 15 },
    memory: { levels: quick ? [200, 1_000] : [1_000, 5_000] },
    crossServer: quick ? { plans: 20, seconds: 10 } : { plans: 100, seconds: 20 },
    only,
  };
}
