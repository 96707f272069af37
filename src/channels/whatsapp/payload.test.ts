import { describe, expect, test } from "bun:test";
import { batchedWebhook, messageWebhook, statusWebhook } from "../../testing/fakes/whatsapp-graph.ts";
import { outboundBodies } from "./outbound-payload.ts";
import { parseWebhook, splitByCustomer } from "./payload.ts";
import { renderTemplate, templateBody, templateVariables } from "./templates.ts";

const target = { wabaId: "1", phoneNumberId: "200", displayPhoneNumber: "+1 555-010-0001" };
const from = { wa_id: "16315551181", name: "Kerry" };
const one = (message: Record<string, unknown> & { type: string }) => {
  const { events } = parseWebhook(messageWebhook(target, from, message, { id: "wamid.X" }));
  expect(events).toHaveLength(1);
  return events[0] as Extract<(typeof events)[number], { kind: "message" }>;
};

describe("inbound webhook payloads", () => {
  test("text, with the profile name, the phone number id and the reply context", () => {
    const m = one({ type: "text", text: { body: "Hello" }, context: { from: "1555", id: "wamid.PREV" } });
    expect(m).toMatchObject({ wa_id: "16315551181", profile_name: "Kerry", wamid: "wamid.X", phone_number_id: "200", content: "Hello", in_reply_to_external_id: "wamid.PREV" });
  });

  test("media types carry the media id, mime type, caption and file name", () => {
    expect(one({ type: "image", image: { id: "m1", mime_type: "image/jpeg", caption: "look" } })).toMatchObject({ content: "look", media: { id: "m1", file_type: "image" } });
    expect(one({ type: "sticker", sticker: { id: "m2", mime_type: "image/webp" } }).media).toMatchObject({ file_type: "image" });
    expect(one({ type: "audio", audio: { id: "m3", mime_type: "audio/ogg" } }).media).toMatchObject({ file_type: "audio" });
    expect(one({ type: "video", video: { id: "m4", mime_type: "video/mp4" } }).media).toMatchObject({ file_type: "video" });
    expect(one({ type: "document", document: { id: "m5", mime_type: "application/pdf", filename: "a.pdf" } }).media).toMatchObject({ file_type: "file", file_name: "a.pdf" });
  });

  test("location, contacts, interactive replies, template buttons, reactions, unsupported", () => {
    expect(one({ type: "location", location: { latitude: 52.5, longitude: 13.4, name: "Office", address: "Main St 1" } }).placeholders).toEqual([
      { file_type: "location", coordinates_lat: 52.5, coordinates_long: 13.4, fallback_title: "Office, Main St 1", external_url: null },
    ]);
    const contacts = one({ type: "contacts", contacts: [{ name: { formatted_name: "Bo B", first_name: "Bo" }, phones: [{ phone: "+1 555" }, { phone: "+1 666" }] }] });
    expect(contacts.placeholders.map((p) => p.fallback_title)).toEqual(["+1 555", "+1 666"]);
    expect(one({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "yes", title: "Yes" } } })).toMatchObject({
      content: "Yes",
      content_attributes: { interactive_reply: { type: "button_reply", id: "yes", title: "Yes" } },
    });
    expect(one({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "r2", title: "Second", description: "d" } } }).content).toBe("Second");
    expect(one({ type: "button", button: { text: "Stop promotions", payload: "STOP" } })).toMatchObject({ content: "Stop promotions", content_attributes: { button_payload: "STOP" } });
    expect(one({ type: "reaction", reaction: { message_id: "wamid.OUT", emoji: "👍" } })).toMatchObject({ content: "👍", in_reply_to_external_id: "wamid.OUT", content_attributes: { is_reaction: true } });
    expect(one({ type: "unsupported", errors: [{ code: 131051 }] }).content_attributes).toEqual({ is_unsupported: true });
  });

  test("statuses, failed with errors[0]; malformed parts are skipped and counted", () => {
    const { events } = parseWebhook(statusWebhook(target, { wamid: "wamid.O", status: "failed", recipient: "1555", errors: [{ code: 131047, title: "Re-engagement message", details: "Message failed to send because more than 24 hours have passed" }] }));
    expect(events).toEqual([{ kind: "status", phone_number_id: "200", wamid: "wamid.O", status: "failed", recipient_id: "1555", error: "131047: Re-engagement message (Message failed to send because more than 24 hours have passed)" }]);
    const bad = parseWebhook({ entry: [{ changes: [{ field: "messages", value: { messages: [{ id: "x" }, { id: "y", from: "155", type: "text", text: { body: "ok" } }], statuses: [{ id: "z", status: "weird" }] } }] }] });
    expect(bad.events).toHaveLength(1);
    expect(bad.skipped).toBe(2);
    expect(parseWebhook("nonsense")).toEqual({ events: [], skipped: 0 });
  });
});

describe("outbound bodies", () => {
  const base = { content: "Hi", content_type: "text", content_attributes: {}, additional_attributes: {} };
  test("text, with reply context", () => {
    expect(outboundBodies("1555", base, [], "wamid.IN")).toEqual([{ to: "1555", type: "text", text: { body: "Hi", preview_url: false }, context: { message_id: "wamid.IN" } }]);
  });
  test("media by id with the caption once; audio sends its text separately", () => {
    expect(outboundBodies("1", base, [{ media_id: "m", file_type: "image", file_name: "a.png" }], null)).toEqual([{ to: "1", type: "image", image: { id: "m", caption: "Hi" } }]);
    expect(outboundBodies("1", base, [{ media_id: "m", file_type: "file", file_name: "a.pdf" }], null)[0]).toEqual({ to: "1", type: "document", document: { id: "m", filename: "a.pdf", caption: "Hi" } });
    expect(outboundBodies("1", base, [{ media_id: "m", file_type: "audio", file_name: null }], null)).toHaveLength(2);
  });
  test("input_select: up to 3 items are buttons, more a list", () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Option number ${i} with a long title`, value: `v${i}` }));
    const buttons = outboundBodies("1", { ...base, content_type: "input_select", content_attributes: { items: items(3) } }, [], null)[0] as any;
    expect(buttons.interactive.type).toBe("button");
    expect(buttons.interactive.action.buttons[0]).toEqual({ type: "reply", reply: { id: "v0", title: "Option number 0 wit…" } });
    const list = outboundBodies("1", { ...base, content_type: "input_select", content_attributes: { items: items(5) } }, [], null)[0] as any;
    expect(list.interactive.type).toBe("list");
    expect(list.interactive.action.sections[0].rows).toHaveLength(5);
  });
  test("templates from Chatwoot's template_params, legacy and structured", () => {
    const legacy = outboundBodies("1", { ...base, additional_attributes: { template_params: { name: "order", language: "en_US", processed_params: { "2": "b", "1": "a" } } } }, [], null)[0] as any;
    expect(legacy.template).toEqual({ name: "order", language: { policy: "deterministic", code: "en_US" }, components: [{ type: "body", parameters: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }] });
    const structured = templateBody({
      name: "promo",
      language: "en",
      processed_params: { header: { media_type: "image", media_url: "https://x/y.png" }, body: { name: "Ann" }, buttons: [{ type: "url", parameter: "abc" }] },
    });
    expect(structured.components).toEqual([
      { type: "header", parameters: [{ type: "image", image: { link: "https://x/y.png" } }] },
      { type: "body", parameters: [{ type: "text", text: "Ann", parameter_name: "name" }] },
      { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "abc" }] },
    ]);
  });
  test("template text rendering and variables", () => {
    const t = { name: "order", language: "en_US", status: "APPROVED", components: [{ type: "HEADER", format: "TEXT", text: "Order {{1}}" }, { type: "BODY", text: "Hi {{1}}, order {{2}} shipped" }, { type: "FOOTER", text: "Acme" }] };
    expect(templateVariables(t)).toEqual({ body: ["1", "2"], header: ["1"], headerMedia: null });
    expect(templateVariables({ ...t, components: [{ type: "HEADER", format: "IMAGE" }, t.components[1]] }).headerMedia).toBe("image");
    expect(renderTemplate(t, { name: "order", language: "en_US", processed_params: { body: { "1": "Ann", "2": "#7" }, header: { "1": "#7" } } })).toBe("Order #7\n\nHi Ann, order #7 shipped\n\nAcme");
  });
});

describe("splitting a batched webhook by customer", () => {
  const a = { wa_id: "15550001111", name: "Ann" };
  const b = { wa_id: "15550002222", name: "Bob" };
  const text = (body: string) => ({ type: "text", text: { body } });

  test("one customer's body comes back as it is", () => {
    const body = batchedWebhook(target, [{ from: a, message: text("1") }, { from: a, message: text("2") }]);
    expect(splitByCustomer(body)).toEqual([{ customer: a.wa_id, body }]);
  });

  test("several customers: one body each, their messages and statuses in order, with their own profile only", () => {
    const body = batchedWebhook(target, [
      { from: a, id: "wamid.A1", message: text("a1") },
      { from: b, id: "wamid.B1", message: text("b1") },
      { from: a, id: "wamid.A2", message: text("a2") },
      { from: b, id: "wamid.B2", message: text("b2") },
    ]);
    const receipt = statusWebhook(target, { wamid: "wamid.OUT", status: "read", recipient: b.wa_id }).entry[0]!;
    (body.entry as unknown[]).push(receipt);
    const parts = splitByCustomer(body);
    expect(parts.map((p) => p.customer)).toEqual([a.wa_id, b.wa_id]);
    const events = (i: number) => parseWebhook(parts[i]!.body).events.map((e) => (e.kind === "message" ? `${e.wamid}:${e.profile_name}` : `${e.wamid}:${e.status}`));
    expect(events(0)).toEqual(["wamid.A1:Ann", "wamid.A2:Ann"]);
    expect(events(1)).toEqual(["wamid.B1:Bob", "wamid.B2:Bob", "wamid.OUT:read"]);
    // Nothing lost or repeated across the parts.
    expect(parts.flatMap((_, i) => events(i)).sort()).toEqual(parseWebhook(body).events.map((e) => (e.kind === "message" ? `${e.wamid}:${e.profile_name}` : `${e.wamid}:${e.status}`)).sort());
  });
});
