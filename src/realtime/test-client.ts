// A test's /cable client: the real @rails/actioncable consumer with one RoomChannel subscription, recording every
// broadcast it receives (Chatwoot's dashboard, widget and mobile apps use the same client).
import { createConsumer, type Consumer, type Subscription } from "@rails/actioncable";

export type Received = { event: string; data: any };

export class CableClient {
  readonly events: Received[] = [];
  consumer!: Consumer;
  sub!: Subscription;
  state: "pending" | "connected" | "rejected" = "pending";

  static async open(url: string, params: Record<string, unknown>): Promise<CableClient> {
    const c = new CableClient();
    c.consumer = createConsumer(url);
    await new Promise<void>((resolve) => {
      c.sub = c.consumer.subscriptions.create(
        { channel: "RoomChannel", ...params },
        {
          connected: () => {
            c.state = "connected";
            resolve();
          },
          rejected: () => {
            c.state = "rejected";
            resolve();
          },
          received: (msg: Received) => c.events.push(msg),
        },
      );
    });
    return c;
  }

  of(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.data);
  }

  async waitFor(pred: (e: Received) => boolean, what: string, ms = 3000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.events.map((e) => e.event).join(", ")}`);
      await Bun.sleep(10);
    }
  }

  close() {
    this.consumer.disconnect();
  }
}
