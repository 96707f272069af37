// Message-IDs and reply addresses of the email channel (RFC 5322 §3.6.4 identification fields, RFC 5233 subaddresses).

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TAGGED = new RegExp(`\\+(${UUID})@`, "i");
const OUR_MESSAGE_ID = new RegExp(`^(?:conversation/(${UUID})/messages/\\d+|account/\\d+/conversation/(${UUID}))@`, "i");

/** A Message-ID as stored (messages.source_id, content_attributes.email.message_id): without the angle brackets. */
export function normalizeMessageId(id: string | null | undefined): string | null {
  if (!id) return null;
  const m = /<([^<>\s]+)>/.exec(id);
  const bare = (m ? m[1] : id).trim().replace(/^<|>$/g, "");
  return bare && bare.length <= 998 ? bare : null;
}

/** Every id of an In-Reply-To / References header (a string of `<id> <id>` or mailparser's list), normalized. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  if (!value) return [];
  const parts = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const part of parts) {
    const bracketed = part.match(/<[^<>\s]+>/g);
    for (const id of bracketed ?? part.split(/[\s,]+/)) {
      const n = normalizeMessageId(id);
      if (n && !out.includes(n)) out.push(n);
    }
  }
  return out;
}

/** The domain part of an address ("support@acme.test" → "acme.test"). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(at + 1).toLowerCase() : address.toLowerCase();
}

export function localPartOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at >= 0 ? address.slice(0, at) : address;
}

/**
 * The per-conversation reply address: `reply+{uuid}@{domain}` on the built-in receiver's domain (Chatwoot's pattern),
 * or `{local}+{uuid}@{domain}` for a mailbox Parley reads over IMAP (a subaddress of the inbox's own address, which
 * the provider delivers to that same mailbox).
 */
export function replyAddress(conversationUuid: string, opts: { inboxAddress?: string | null; receiverDomain?: string | null }): string | null {
  if (opts.inboxAddress) return `${localPartOf(opts.inboxAddress).split("+")[0]}+${conversationUuid}@${domainOf(opts.inboxAddress)}`;
  if (opts.receiverDomain) return `reply+${conversationUuid}@${opts.receiverDomain}`;
  return null;
}

/** The conversation uuid of a reply address (`anything+{uuid}@domain`), or null. */
export function conversationUuidOfAddress(address: string): string | null {
  return TAGGED.exec(address)?.[1]?.toLowerCase() ?? null;
}

/** The Message-ID Parley gives an outgoing message: `conversation/{uuid}/messages/{id}@{domain}`. */
export function outgoingMessageId(conversationUuid: string, messageId: number, domain: string): string {
  return `conversation/${conversationUuid}/messages/${messageId}@${domain}`;
}

/** The fallback thread id of a conversation that has no incoming email to answer (its first outgoing mail). */
export function conversationThreadId(accountId: number, conversationUuid: string, domain: string): string {
  return `account/${accountId}/conversation/${conversationUuid}@${domain}`;
}

/** The conversation uuid of one of Parley's own Message-IDs (what a customer's mail client puts in In-Reply-To). */
export function conversationUuidOfMessageId(id: string): string | null {
  const m = OUR_MESSAGE_ID.exec(id);
  return (m?.[1] ?? m?.[2])?.toLowerCase() ?? null;
}

const EMAIL = /^[^@\s<>()[\]\\,;:"]+@[^@\s<>()[\]\\,;:"]+\.[^@\s<>()[\]\\,;:"]+$|^[^@\s<>()[\]\\,;:"]+@localhost$/i;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** "Re: " once: a subject that already starts with Re:/RE:/Aw: is kept. */
export function replySubject(subject: string): string {
  const s = subject.trim();
  return /^(re|aw|sv|antw)\s*:/i.test(s) ? s : `Re: ${s}`;
}
