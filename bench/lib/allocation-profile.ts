import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inspector } from './inspector.js';
import * as progress from './progress.js';

/**
 * `BENCH_ALLOC_PROF=<dir>`: what Samplan allocates while each shape of workload 4b is measured, by
 * V8's sampling heap profiler with the objects garbage collection took counted too, so its total
 * is an estimate of every byte allocated in the window (not only what survived it). Each shape's
 * profile is written there (`graphql-<n>.heapprofile`, for Chrome DevTools' Memory tab) and the
 * table gains a column of KB allocated a request. Sampling slows the server (the frame's CPU a
 * request nearly doubled in the runs of 6 December): compare the CPU columns of such a run with
 * each other, not with a run without it.
 */
export const ALLOCATION_PROFILE_DIR = process.env['BENCH_ALLOC_PROF'] ? path.resolve(process.env['BENCH_ALLOC_PROF']) : null;

/** One sample every this many bytes allocated on average (V8's default is 32 KB): tens of thousands of samples in a shape's window. */
const SAMPLING_INTERVAL_BYTES = 16_384;

interface SampledNode {
  selfSize: number;
  children: SampledNode[];
}

const totalBytes = (node: SampledNode): number => node.children.reduce((sum, child) => sum + totalBytes(child), node.selfSize);

/** Samples a Samplan process's allocations (its inspector on `inspectPort`) while `work` runs. */
export class AllocationSampler {
  private constructor(private readonly inspector: Inspector, private readonly dir: string) {}

  static async connect(inspectPort: number, dir: string): Promise<AllocationSampler> {
    await mkdir(dir, { recursive: true });
    return new AllocationSampler(await Inspector.connect(inspectPort), dir);
  }

  /** Runs `work` with sampling on; the estimated bytes allocated meanwhile, the profile written as `<name>.heapprofile`. */
  async around<T>(name: string, work: () => Promise<T>): Promise<{ result: T; allocatedBytes: number }> {
    await this.inspector.call('HeapProfiler.startSampling', { samplingInterval: SAMPLING_INTERVAL_BYTES, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    // Sampling stops whatever `work` does: a server left sampling would slow every later workload.
    const settled = await work().then((value) => ({ value }), (error: unknown) => ({ error }));
    const { profile } = await this.inspector.call<{ profile: { head: SampledNode } }>('HeapProfiler.stopSampling');
    const file = path.join(this.dir, `${name}.heapprofile`);
    await writeFile(file, JSON.stringify(profile));
    progress.status(`allocation profile: ${file}`);
    if ('error' in settled) throw settled.error;
    return { result: settled.value, allocatedBytes: totalBytes(profile.head) };
  }

  close(): void {
    this.inspector.close();
  }
}
