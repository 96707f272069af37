import type { Tx } from "../db/tx.ts";
import type { Log } from "../lib/log.ts";
import type { DomainEvent, EventName } from "./types.ts";

type DurableListener = (tx: Tx, event: DomainEvent) => void;
type LiveListener = (event: DomainEvent) => void;

/**
 * The one event bus. Durable listeners run inside the emitting transaction (they enqueue jobs, so a crash
 * never loses the reaction and a rollback cancels it); live listeners run in memory after commit and can
 * never fail the request that caused the event.
 */
export class EventBus {
  private durable = new Map<EventName | "*", DurableListener[]>();
  private live = new Map<EventName | "*", LiveListener[]>();

  constructor(private log: Log) {}

  onDurable<K extends EventName>(name: K | "*", fn: (tx: Tx, event: DomainEvent<K>) => void): void {
    push(this.durable, name, fn as DurableListener);
  }

  onCommitted<K extends EventName>(name: K | "*", fn: (event: DomainEvent<K>) => void): () => void {
    push(this.live, name, fn as LiveListener);
    return () => {
      const list = this.live.get(name);
      const at = list ? list.indexOf(fn as LiveListener) : -1;
      if (at >= 0) list!.splice(at, 1);
    };
  }

  /** Called by runInTx for each emitted event; errors propagate and roll the transaction back. */
  dispatchDurable(tx: Tx, event: DomainEvent): void {
    for (const fn of this.durable.get(event.name) ?? []) fn(tx, event);
    for (const fn of this.durable.get("*") ?? []) fn(tx, event);
  }

  /** Called by runInTx after commit. */
  publish(events: DomainEvent[]): void {
    for (const event of events) {
      for (const fn of [...(this.live.get(event.name) ?? []), ...(this.live.get("*") ?? [])]) {
        try {
          fn(event);
        } catch (err) {
          this.log.error("live listener failed", { event: event.name, err });
        }
      }
    }
  }
}

function push<T>(map: Map<EventName | "*", T[]>, name: EventName | "*", fn: T) {
  const list = map.get(name) ?? [];
  list.push(fn);
  map.set(name, list);
}
