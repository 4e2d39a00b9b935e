/**
 * The second error shape of the reference: `{ _tag, message, ...fields }`, answered by its newer
 * routes (`/permission/:id/reply`, `/question/*`) and by the whole `/api` (v2) surface. Services
 * throw subclasses; the global filter writes `toJSON()` with `status`.
 */
export class TaggedError<TFields extends object = object> extends Error {
  constructor(
    readonly tag: string,
    readonly status: number,
    message: string,
    readonly fields: TFields,
  ) {
    super(message);
    this.name = tag;
  }

  toJSON(): { _tag: string; message: string } & TFields {
    return { _tag: this.tag, ...this.fields, message: this.message };
  }
}
