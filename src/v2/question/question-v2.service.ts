import { Injectable } from '@nestjs/common';
import type { Instance } from '../../core/instance/instance';
import type { QuestionAnswer, QuestionAskedEvent } from '../../question/question.events';
import { QuestionService } from '../../question/question.service';
import { SessionV2Service } from '../session/session-v2.service';
import type { QuestionV2RequestDto } from './dto/question-v2.dto';

/**
 * Questions through `/api`: the very questions the classic routes list and answer
 * (`QuestionService`); the v2 request has the classic fields, so it is the same object.
 */
@Injectable()
export class QuestionV2Service {
  constructor(
    private readonly questions: QuestionService,
    private readonly sessions: SessionV2Service,
  ) {}

  listLocation(instance: Instance): QuestionV2RequestDto[] {
    return this.questions.list(instance).map(toQuestionV2);
  }

  listSession(sessionID: string): QuestionV2RequestDto[] {
    this.sessions.find(sessionID);
    return this.questions.listSession(sessionID).map(toQuestionV2);
  }

  reply(sessionID: string, requestID: string, answers: QuestionAnswer[]): void {
    this.sessions.find(sessionID);
    this.questions.assertInSession(sessionID, requestID);
    this.questions.reply(requestID, answers);
  }

  reject(sessionID: string, requestID: string): void {
    this.sessions.find(sessionID);
    this.questions.assertInSession(sessionID, requestID);
    this.questions.reject(requestID);
  }
}

/** The v2 request: the classic one's fields under the v2 names (the questions are shared, read-only). */
export function toQuestionV2(request: QuestionAskedEvent): QuestionV2RequestDto {
  return {
    id: request.id,
    sessionID: request.sessionID,
    questions: request.questions,
    ...(request.tool && {
      tool: { messageID: request.tool.messageID, callID: request.tool.callID },
    }),
  };
}
