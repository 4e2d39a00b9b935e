/**
 * The text of a `data:` URL (base64 or percent-encoded). Prompt attachments are stored as data
 * URLs: the prompt decodes them when it stores a text file, the model-call layer when it sends one.
 */
export function decodeDataURL(url: string): string {
  const comma = url.indexOf(',');
  const data = url.slice(comma + 1);
  return url.slice(0, comma).endsWith(';base64')
    ? Buffer.from(data, 'base64').toString('utf8')
    : decodeURIComponent(data);
}
