import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes.js';

/** A goal of the bench, printed beside its figure. Goals, never assertions: a miss is reported, not failed. */
export interface TargetCheck {
  workload: string;
  goal: string;
  measured: string;
  /** null when the figure could not be measured. */
  met: boolean | null;
}

export class BenchReport {
  readonly startedAt = new Date();
  readonly workloads: Record<string, unknown> = {};
  readonly targets: TargetCheck[] = [];
  readonly notes: string[] = [];

  /** `partial`: only some workloads ran (`--only`), so the run never becomes `latest.json`. */
  constructor(readonly quick: boolean, readonly partial = false) {}

  add(workload: string, result: unknown, rows: Array<Record<string, unknown>>): void {
    this.workloads[workload] = result;
    process.stdout.write(`\n${workload}\n`);
    console.table(rows);
  }

  target(check: TargetCheck): void {
    this.targets.push(check);
  }

  note(text: string): void {
    this.notes.push(text);
    process.stdout.write(`note: ${text}\n`);
  }

  printTargets(): void {
    process.stdout.write('\nTargets (goals of the bench, not assertions)\n');
    console.table(this.targets.map((check) => ({
      workload: check.workload,
      goal: check.goal,
      measured: check.measured,
      result: check.met === null ? 'n/a' : check.met ? 'met' : 'MISSED',
    })));
  }

  /** One file per run, named by date, plus `latest.json` for a full run of every workload (quick and partial runs go to `quick-*.json` / `partial-*.json`, which git ignores). */
  async write(): Promise<string> {
    const directory = path.join(ROOT, 'bench/results');
    await fs.mkdir(directory, { recursive: true });
    const stamp = this.startedAt.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
    const body = `${JSON.stringify({
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      mode: this.quick ? 'quick' : 'full',
      workloadsRun: this.partial ? 'some (--only)' : 'all',
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
      targets: this.targets,
      workloads: this.workloads,
      notes: this.notes,
    }, null, 2)}\n`;
    const kind = this.quick ? 'quick-' : this.partial ? 'partial-' : '';
    const file = path.join(directory, `${kind}${stamp}.json`);
    await fs.writeFile(file, body);
    if (!kind) await fs.writeFile(path.join(directory, 'latest.json'), body);
    return file;
  }
}
