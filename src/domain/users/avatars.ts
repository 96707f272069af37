import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { randomToken } from "../../lib/ids.ts";
import { Validation } from "../errors.ts";

const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

/** Raster formats only, recognised by their magic bytes (never SVG: it can carry script). */
const SIGNATURES: { ext: string; test: (b: Uint8Array) => boolean }[] = [
  { ext: "png", test: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { ext: "jpg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: "gif", test: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 },
  { ext: "webp", test: (b) => b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50 },
];

export const AVATAR_DIR = "uploads/avatars";

/** Stores an uploaded avatar under the data dir and returns its public URL. */
export async function saveAvatar(config: Config, file: File): Promise<string> {
  if (file.size > MAX_AVATAR_BYTES) throw Validation.field("avatar", "must be at most 5 MB");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = SIGNATURES.find((s) => s.test(bytes));
  if (!kind) throw Validation.field("avatar", "must be a PNG, JPEG, GIF or WebP image");
  const dir = join(config.dataDir, AVATAR_DIR);
  mkdirSync(dir, { recursive: true });
  const name = `${randomToken(24)}.${kind.ext}`;
  await Bun.write(join(dir, name), bytes);
  return `${config.publicUrl}/${AVATAR_DIR}/${name}`;
}
