import WebSocket from 'ws';

/**
 * A connection to a child's V8 inspector (`node --inspect=127.0.0.1:<port>`), for what only the
 * process itself can do: a full garbage collection before memory is read, and its heap figures.
 */
export class Inspector {
  #nextId = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.#pending.get(message.id)?.(message.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
    const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new Inspector(socket);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, (result) => resolve(result as T));
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Collects garbage until the heap stops shrinking (weak references and finalizers need more than
   * one pass), then reads the process's own `process.memoryUsage()`.
   */
  async settle(): Promise<NodeJS.MemoryUsage> {
    let used = Number.POSITIVE_INFINITY;
    for (let pass = 0; pass < 4; pass += 1) {
      await this.call('HeapProfiler.collectGarbage');
      const { usedSize } = await this.call<{ usedSize: number }>('Runtime.getHeapUsage');
      if (usedSize >= used * 0.999) break;
      used = usedSize;
    }
    const { result } = await this.call<{ result: { value: string } }>('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())' });
    return JSON.parse(result.value) as NodeJS.MemoryUsage;
  }

  close(): void {
    this.socket.close();
  }
}
