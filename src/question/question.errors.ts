import { TaggedError } from '../core/errors/tagged-error';
import { UserRejectedError } from '../permission/permission.types';

/** The user dismissed the questions: the tool fails and the turn stops after its step. */
export class QuestionRejectedError extends UserRejectedError {
  override readonly name = 'QuestionRejectedError';
  constructor() {
    super(
      'The user dismissed these questions without answering. Do not ask them again unprompted.',
    );
  }
}

/** 404 of `POST /question/:requestID/reply|reject`, in the shape the reference answers there. */
export class QuestionNotFoundError extends TaggedError<{ requestID: string }> {
  constructor(requestID: string) {
    super('QuestionNotFoundError', 404, `Question request not found: ${requestID}`, { requestID });
  }
}
