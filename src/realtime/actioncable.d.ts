// The part of @rails/actioncable (no bundled types) the realtime tests use.
declare module "@rails/actioncable" {
  export interface Subscription {
    identifier: string;
    perform(action: string, data?: Record<string, unknown>): boolean;
    send(data: Record<string, unknown>): boolean;
    unsubscribe(): void;
  }
  export interface SubscriptionMixin {
    connected?(): void;
    disconnected?(): void;
    rejected?(): void;
    received?(data: any): void;
  }
  export interface Subscriptions {
    create(params: string | Record<string, unknown>, mixin?: SubscriptionMixin): Subscription;
  }
  export interface Consumer {
    subscriptions: Subscriptions;
    connect(): boolean;
    disconnect(): void;
  }
  export function createConsumer(url?: string): Consumer;
  export const logger: { enabled: boolean };
}
