/**
 * The JSON text of a `T`, exactly as stored. Lists are answered by joining stored texts, so a
 * page of sessions or a long conversation is sent without parsing and re-serializing every row
 * (`JSON.stringify(JSON.parse(text)) === text` for the texts the server wrote).
 */
export type JsonText<T> = string & { readonly __jsonOf?: T };

export function jsonArray<T>(items: readonly JsonText<T>[]): JsonText<T[]> {
  return `[${items.join(',')}]`;
}

export function parseJson<T>(text: JsonText<T>): T {
  return JSON.parse(text) as T;
}

/** The content type of a handler that returns `JsonText` (Fastify sends strings as they are). */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
