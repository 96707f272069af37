import type { AppDeps } from "../deps.ts";

/**
 * The one list of who hears which event. Durable reactions (webhooks, bots, channel sends, automation)
 * register with bus.onDurable and enqueue jobs; in-memory reactions (realtime) with bus.onCommitted.
 * Later areas add their listeners here.
 */
export function wireListeners(_deps: AppDeps): void {}
