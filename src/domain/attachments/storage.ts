import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { ATTACHMENT_FILE_TYPES } from "../../db/schema/conversations.ts";
import { randomToken } from "../../lib/ids.ts";
import { Validation } from "../errors.ts";

export type StoredFile = {
  storage_key: string;
  file_name: string;
  content_type: string;
  byte_size: number;
  extension: string | null;
  file_type: (typeof ATTACHMENT_FILE_TYPES)[number];
  meta: Record<string, unknown>;
};

/** Types a browser may render inline from our origin; everything else is served as a download. */
export const INLINE_SAFE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/bmp",
  "audio/mpeg",
  "audio/ogg",
  "audio/wav",
  "video/mp4",
  "video/webm",
  "application/pdf",
]);

function startsWith(bytes: Uint8Array, sig: number[], offset = 0): boolean {
  return sig.every((b, i) => bytes[offset + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/**
 * The content type from the file's first bytes. The client's claim is believed only for plain
 * text-like types we do not recognise; anything that looks like markup is reported as such, so it is
 * never served inline.
 */
export function sniffContentType(bytes: Uint8Array, claimed: string): string {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE") return "audio/wav";
  if (ascii(bytes, 0, 2) === "BM") return "image/bmp";
  if (ascii(bytes, 0, 5) === "%PDF-") return "application/pdf";
  if (ascii(bytes, 0, 4) === "OggS") return claimed.startsWith("video/") ? "video/ogg" : "audio/ogg";
  if (ascii(bytes, 0, 3) === "ID3" || startsWith(bytes, [0xff, 0xfb]) || startsWith(bytes, [0xff, 0xf3])) return "audio/mpeg";
  if (ascii(bytes, 4, 8) === "ftyp") return claimed.startsWith("audio/") ? "audio/mp4" : "video/mp4";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return claimed.includes("openxmlformats") || claimed.includes("zip") ? claimed : "application/zip";
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "image/svg+xml";
  if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<script") || head.includes("<body")) return "text/html";
  if (head.startsWith("<?xml")) return "application/xml";
  const lowered = claimed.toLowerCase().split(";")[0].trim();
  if (/^(text\/(plain|csv)|application\/(json|msword|vnd\.[\w.+-]+))$/.test(lowered)) return lowered;
  return "application/octet-stream";
}

export function fileTypeOf(contentType: string): StoredFile["file_type"] {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "audio";
  if (contentType.startsWith("video/")) return "video";
  return "file";
}

function extensionOf(name: string): string | null {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1].toLowerCase() : null;
}

function imageSize(bytes: Uint8Array, type: string): { width?: number; height?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === "image/png" && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  if (type === "image/gif" && bytes.length >= 10) return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  return {};
}

/** Writes uploaded files under <dataDir>/uploads/attachments/ with random names; call before the transaction. */
export async function storeUploads(dataDir: string, files: File[], maxBytes: number): Promise<StoredFile[]> {
  if (!files.length) return [];
  const dir = join(dataDir, "uploads", "attachments");
  await mkdir(dir, { recursive: true });
  const stored: StoredFile[] = [];
  try {
    for (const file of files) {
      if (file.size > maxBytes) throw Validation.field("attachments", `is too large (maximum is ${maxBytes} bytes)`);
      const bytes = new Uint8Array(await file.arrayBuffer());
      const content_type = sniffContentType(bytes, file.type || "");
      const key = `attachments/${randomToken(32)}`;
      await writeFile(join(dataDir, "uploads", key), bytes, { mode: 0o600 });
      const file_name = (file.name || "file").replace(/[\\/\r\n"]/g, "_").slice(0, 255);
      stored.push({
        storage_key: key,
        file_name,
        content_type,
        byte_size: bytes.byteLength,
        extension: extensionOf(file_name),
        file_type: fileTypeOf(content_type),
        meta: imageSize(bytes, content_type),
      });
    }
  } catch (err) {
    await removeStored(dataDir, stored.map((s) => s.storage_key));
    throw err;
  }
  return stored;
}

/** The absolute path of a storage key, refusing keys that would leave the uploads folder. */
export function storagePath(dataDir: string, key: string): string {
  const base = join(dataDir, "uploads");
  const path = normalize(join(base, key));
  if (!path.startsWith(base + "/")) throw new Error("invalid storage key");
  return path;
}

export async function removeStored(dataDir: string, keys: string[]): Promise<void> {
  for (const key of keys) await rm(storagePath(dataDir, key), { force: true }).catch(() => {});
}
