// Sending an agent's (or bot's) message to WhatsApp: files are uploaded to /{phone_number_id}/media and sent by
// id; input_select becomes interactive buttons or a list; template_params a template; otherwise text. Outside the
// 24-hour window only templates go out. Graph errors fail the message with Meta's text (permanent) or are retried.
import { ChannelSendError } from "../framework/provider.ts";
import { recordConnection } from "../framework/status.ts";
import type { SendContext, SendResult } from "../framework/types.ts";
import { GraphError } from "./graph.ts";
import { outboundBodies, type UploadedAttachment } from "./outbound-payload.ts";
import { credentials, graphFor } from "./settings.ts";
import { connectionStateOf } from "./template-sync.ts";
import { windowState } from "./window.ts";

function sendError(ctx: SendContext, err: unknown): ChannelSendError {
  if (err instanceof GraphError) {
    if (connectionStateOf(err) === "reauthorization_required") {
      ctx.deps.tx((tx) => recordConnection(tx, ctx.channel.id, "reauthorization_required", err.display));
    }
    return new ChannelSendError(err.display, err.permanent);
  }
  return err instanceof ChannelSendError ? err : new ChannelSendError((err as Error)?.message ?? String(err), false);
}

export async function sendWhatsappMessage(ctx: SendContext): Promise<SendResult> {
  const { deps, message, contact, contactInbox } = ctx;
  const to = (contactInbox?.source_id ?? contact.phone_number ?? "").replace(/\D/g, "");
  if (!to) throw new ChannelSendError("The contact has no WhatsApp number", true);
  const isTemplate = !!message.additional_attributes?.template_params;
  if (!isTemplate && !windowState(deps.db, message.conversation_id, deps.clock.now()).open) {
    throw new ChannelSendError("Outside the 24-hour customer service window: only an approved message template can be sent", true);
  }
  const { apiKey, phoneNumberId } = credentials(deps, ctx.channel);
  const graph = graphFor(deps, apiKey);
  try {
    const media: UploadedAttachment[] = [];
    if (!isTemplate) {
      for (const a of ctx.attachments) {
        const bytes = await a.read();
        if (!bytes) continue;
        const contentType = a.row.content_type || "application/octet-stream";
        const id = await graph.uploadMedia(phoneNumberId, { bytes, contentType, fileName: a.row.file_name || "file" });
        media.push({ media_id: id, file_type: a.row.file_type, file_name: a.row.file_name });
      }
    }
    const bodies = outboundBodies(to, message, media, ctx.replyTo?.source_id ?? null);
    const ids: string[] = [];
    for (const body of bodies) ids.push(await graph.sendMessage(phoneNumberId, body));
    if (ctx.channel.connection_status !== "connected") deps.tx((tx) => recordConnection(tx, ctx.channel.id, "connected"));
    return { source_id: ids[0] ?? null, ...(ids.length > 1 ? { content_attributes: { whatsapp_message_ids: ids } } : {}) };
  } catch (err) {
    throw sendError(ctx, err);
  }
}
