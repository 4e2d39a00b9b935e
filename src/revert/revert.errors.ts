import { NotFoundError } from '../core/errors/named-error';

export class PartNotFoundError extends NotFoundError {
  constructor(messageID: string, partID: string) {
    super(`Part not found: ${partID} (message ${messageID})`);
  }
}
