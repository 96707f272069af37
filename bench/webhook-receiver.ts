// The webhook benchmark's receiver, in a process of its own (as a real receiver is): records when each
// (message content, webhook path) arrived, in epoch milliseconds with sub-millisecond precision, so the
// benchmark process can compare with its own send times. Prints its port, then serves:
//   POST /hook/N     a delivery (answered 200)
//   GET  /__count    {received, paced}: message_created deliveries so far, and those of the paced run
//   GET  /__arrivals the arrival times by key
const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map<string, number[]>();
let received = 0;
let paced = 0;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const path = new URL(req.url).pathname;
    if (path === "/__count") return Response.json({ received, paced });
    if (path === "/__arrivals") return Response.json(Object.fromEntries(arrivals));
    const body = (await req.json()) as { event?: string; content?: string };
    if (body.event === "message_created" && body.content) {
      const key = `${body.content}|${path}`;
      const list = arrivals.get(key) ?? [];
      list.push(now());
      arrivals.set(key, list);
      received++;
      if (body.content.startsWith("paced-")) paced++;
    }
    return Response.json({ ok: true });
  },
});
console.log(server.port);
