/** Pinyin initials of a Chinese item name, for matching what people type ("fpfs" → 发票发售). */
import { pinyin } from "pinyin-pro";

export function pinyinInitials(name: string): string {
  return pinyin(name, { pattern: "first", toneType: "none", type: "array" })
    .join("")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}
