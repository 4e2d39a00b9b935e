import { Body, Get, Param, Post } from '@nestjs/common';
import { CurrentLocation } from '../../core/http/request-context';
import type { Located, RequestLocation } from '../../core/http/v2/request-location';
import { V2Controller } from '../../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../../core/http/v2/v2-endpoint.decorator';
import { SessionNotFoundErrorDto } from '../session/session-v2.errors';
import {
  QuestionNotFoundErrorDto,
  QuestionV2ReplyDto,
  QuestionV2RequestDto,
  SessionQuestionParamsDto,
  SessionQuestionRequestParamsDto,
} from './dto/question-v2.dto';
import { QuestionV2Service } from './question-v2.service';

const TAG = 'session questions';
const SESSION_NOT_FOUND = [404, SessionNotFoundErrorDto] as const;
const REQUEST_NOT_FOUND = [404, QuestionNotFoundErrorDto] as const;

/** `GET /api/question/request`: the questions of a location that wait for an answer. */
@V2Controller('question')
export class QuestionV2Controller {
  constructor(private readonly questions: QuestionV2Service) {}

  @Get('request')
  @V2Endpoint({
    operationId: 'v2.question.request.list',
    tag: TAG,
    summary: 'List pending question requests',
    description: 'The question requests of the location that wait for an answer, oldest first.',
    response: { located: [QuestionV2RequestDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Located<QuestionV2RequestDto[]> {
    return { location: location.info, data: this.questions.listLocation(location.instance) };
  }
}

/** `/api/session/:sessionID/question*`: a session's questions, answered or dismissed. */
@V2Controller('session')
export class SessionQuestionV2Controller {
  constructor(private readonly questions: QuestionV2Service) {}

  @Get(':sessionID/question')
  @V2Endpoint({
    operationId: 'v2.session.question.list',
    tag: TAG,
    summary: 'List session question requests',
    description: 'The question requests of the session that wait for an answer, oldest first.',
    response: { data: [QuestionV2RequestDto] },
    location: false,
    errors: [SESSION_NOT_FOUND],
  })
  list(@Param() { sessionID }: SessionQuestionParamsDto): { data: QuestionV2RequestDto[] } {
    return { data: this.questions.listSession(sessionID) };
  }

  @Post(':sessionID/question/:requestID/reply')
  @V2Endpoint({
    operationId: 'v2.session.question.reply',
    tag: TAG,
    summary: 'Reply to pending question request',
    description:
      'Answer the questions, one array of chosen labels (or typed text) per question: the question tool succeeds with them.',
    response: 'none',
    location: false,
    errors: [SESSION_NOT_FOUND, REQUEST_NOT_FOUND],
  })
  reply(
    @Param() { sessionID, requestID }: SessionQuestionRequestParamsDto,
    @Body() body: QuestionV2ReplyDto,
  ): void {
    this.questions.reply(sessionID, requestID, body.answers);
  }

  @Post(':sessionID/question/:requestID/reject')
  @V2Endpoint({
    operationId: 'v2.session.question.reject',
    tag: TAG,
    summary: 'Reject pending question request',
    description: 'Dismiss the questions unanswered: the question tool fails.',
    response: 'none',
    location: false,
    errors: [SESSION_NOT_FOUND, REQUEST_NOT_FOUND],
  })
  reject(@Param() { sessionID, requestID }: SessionQuestionRequestParamsDto): void {
    this.questions.reject(sessionID, requestID);
  }
}
