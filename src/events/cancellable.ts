/**
 * A subscription's event loop, shaped for graphql-ws: when the client completes or its socket
 * closes (cleanly or not), graphql-ws calls `return()` and awaits it before its own close hooks.
 * An async generator cannot honour that while it waits inside `for await` on a quiet topic: its
 * `return()` is queued until the next `yield`, which may never come, so the listener, the
 * connection's context and its close hooks would all stay behind. Here `return()` first aborts the
 * loop's signal, which ends its event-bus iterators at once (src/events/event-bus.ts); the loop then
 * runs its `finally` blocks and finishes, and `return()` resolves.
 */
export function cancellable<T>(run: (signal: AbortSignal) => AsyncGenerator<T>): AsyncGenerator<T> {
  const controller = new AbortController();
  const loop = run(controller.signal);
  const iterator: AsyncGenerator<T> = {
    next: (...args) => loop.next(...args),
    return: (value) => {
      controller.abort();
      return loop.return(value);
    },
    throw: (error) => {
      controller.abort();
      return loop.throw(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
