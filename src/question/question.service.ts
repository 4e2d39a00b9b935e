import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import { IdGenerator } from '../core/id';
import { PendingAnswers, type PendingAnswer } from '../core/pending-answers';
import type { Instance } from '../core/instance/instance';
import { QuestionNotFoundError, QuestionRejectedError } from './question.errors';
import type { QuestionAnswer, QuestionAskedEvent, QuestionInfo } from './question.events';

/** Where the questions come from: the `question` tool call of a turn. */
export interface QuestionContext {
  instance: Instance;
  sessionID: string;
  messageID: string;
  callID: string;
  /** The turn's signal: an abort withdraws the questions. */
  signal: AbortSignal;
}

/**
 * Questions the model asks the user in the middle of a turn (the `question` tool): published as
 * `question.asked`, listed by `GET /question` until they are answered, dismissed or their turn
 * ends, and settled by `POST /question/:requestID/reply` or `/reject`.
 */
@Injectable()
export class QuestionService {
  private readonly pending = new PendingAnswers<QuestionAskedEvent, QuestionAnswer[]>();

  constructor(
    private readonly bus: BusService,
    private readonly ids: IdGenerator,
  ) {}

  /** Asks and waits: resolves with one answer per question, in order. */
  ask(context: QuestionContext, questions: QuestionInfo[]): Promise<QuestionAnswer[]> {
    const info: QuestionAskedEvent = {
      id: this.ids.ascending('question'),
      sessionID: context.sessionID,
      questions,
      tool: { messageID: context.messageID, callID: context.callID },
    };
    return this.pending.wait(context.instance, info, context.signal, () =>
      this.bus.publish(context.instance, 'question.asked', info),
    );
  }

  /** The questions of an instance (its directory) that wait for an answer, oldest first. */
  list(instance: Instance): QuestionAskedEvent[] {
    return this.pending.of(instance);
  }

  /** The questions of a session that wait for an answer, oldest first. */
  listSession(sessionID: string): QuestionAskedEvent[] {
    return this.pending
      .all()
      .map((question) => question.info)
      .filter((info) => info.sessionID === sessionID);
  }

  /**
   * Throws the 404 unless `requestID` waits for an answer in `sessionID`: the `/api` routes
   * answer a session's own questions only.
   */
  assertInSession(sessionID: string, requestID: string): void {
    if (this.find(requestID).info.sessionID !== sessionID) {
      throw new QuestionNotFoundError(requestID);
    }
  }

  reply(requestID: string, answers: QuestionAnswer[]): boolean {
    const question = this.find(requestID);
    const { sessionID } = question.info;
    this.bus.publish(question.instance, 'question.replied', { sessionID, requestID, answers });
    question.resolve(answers);
    return true;
  }

  reject(requestID: string): boolean {
    const question = this.find(requestID);
    const { sessionID } = question.info;
    this.bus.publish(question.instance, 'question.rejected', { sessionID, requestID });
    question.reject(new QuestionRejectedError());
    return true;
  }

  private find(requestID: string): PendingAnswer<QuestionAskedEvent, QuestionAnswer[]> {
    const question = this.pending.get(requestID);
    if (!question) throw new QuestionNotFoundError(requestID);
    return question;
  }
}
