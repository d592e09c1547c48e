/**
 * HTTP plumbing for the emulator: reading and decoding request bodies the way Slack accepts them
 * (form-urlencoded with JSON-stringified nested fields, JSON, multipart) and a minimal outgoing POST
 * used to deliver signed requests to the app under test.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { isRecord } from "./util.js";

/** Arguments that Slack expects as JSON-encoded strings inside form bodies. */
export const JSON_ARGUMENTS = new Set([
  "blocks",
  "attachments",
  "view",
  "files",
  "metadata",
  "unfurls",
  "user_auth_blocks",
]);

/** Maximum body size the emulator accepts (Slack's own limits are lower for most methods). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Reads the whole request body into a Buffer. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A decoded multipart part. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** Decodes a multipart/form-data body using the platform's WHATWG `Request` parser. */
export async function parseMultipart(body: Buffer, contentType: string): Promise<MultipartPart[]> {
  const form = await new Request("http://emulator.invalid/", {
    method: "POST",
    headers: { "content-type": contentType },
    body: new Uint8Array(body),
  }).formData();
  const parts: MultipartPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      parts.push({ name, data: Buffer.from(value, "utf8") });
    } else {
      const blob = value as Blob & { name?: string };
      parts.push({
        name,
        filename: blob.name,
        contentType: blob.type || undefined,
        data: Buffer.from(await blob.arrayBuffer()),
      });
    }
  }
  return parts;
}

/** Parses a JSON-encoded argument, leaving the raw string when it is not valid JSON. */
function decodeJsonArgument(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Decodes a Web API request body into an argument object. Nested fields (blocks, view, ...) are
 * JSON-parsed when they arrive as strings; binary multipart parts are kept as Buffers.
 */
export async function parseApiArguments(
  body: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of query.entries()) args[key] = value;
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (body.length > 0) {
    if (type === "application/json") {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (isRecord(parsed)) Object.assign(args, parsed);
    } else if (type === "multipart/form-data") {
      for (const part of await parseMultipart(body, contentType ?? "")) {
        args[part.name] = part.filename !== undefined ? part.data : part.data.toString("utf8");
      }
    } else {
      // application/x-www-form-urlencoded (the WebClient default) or anything unlabelled.
      for (const [key, value] of new URLSearchParams(body.toString("utf8")).entries()) args[key] = value;
    }
  }
  for (const key of JSON_ARGUMENTS) {
    if (key in args) args[key] = decodeJsonArgument(args[key]);
  }
  return args;
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

/** Writes a plain-text response. */
export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** The outcome of an outgoing POST. `status` is 0 when the request failed or timed out. */
export interface PostResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Transport error (connection refused, timeout, ...), if any. */
  error?: string;
}

/**
 * POSTs `body` to `url` on a fresh, non-pooled connection (`Connection: close`) so the app under test
 * can shut its server down without waiting for idle keep-alive sockets.
 */
export function postRaw(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = httpRequest(
      url,
      {
        method: "POST",
        agent: false,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)), connection: "close" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(", ") : value;
          }
          finish({
            status: res.statusCode ?? 0,
            headers: flat,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
        res.on("error", (error) => finish({ status: 0, headers: {}, body: "", error: error.message }));
      },
    );
    const timer = setTimeout(() => {
      finish({ status: 0, headers: {}, body: "", error: `no response within ${timeoutMs}ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) => finish({ status: 0, headers: {}, body: "", error: error.message }));
    req.end(body);
  });
}

/**
 * GETs `url` on a fresh connection (`Connection: close`, like {@link postRaw}) and resolves with the
 * status, or 0 when the connection failed or no answer came within `timeoutMs`. The body is discarded.
 */
export function getStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(status);
    };
    const req = httpRequest(url, { method: "GET", agent: false, headers: { connection: "close" } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => finish(res.statusCode ?? 0));
      res.on("error", () => finish(0));
    });
    const timer = setTimeout(() => {
      finish(0);
      req.destroy();
    }, timeoutMs);
    req.on("error", () => finish(0));
    req.end();
  });
}
