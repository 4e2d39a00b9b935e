import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { QuestionParamsDto, QuestionReplyDto } from './dto/question-reply.dto';
import { QuestionAskedEvent } from './question.events';
import { QuestionService } from './question.service';

@Controller('question')
export class QuestionController {
  constructor(private readonly questions: QuestionService) {}

  @Get()
  @Endpoint({
    operationId: 'question.list',
    tag: 'question',
    summary: 'List pending questions',
    description: 'The questions of this directory that wait for the user, oldest first.',
    response: [QuestionAskedEvent],
    responseDescription: 'List of pending questions',
  })
  list(@CurrentInstance() instance: Instance): QuestionAskedEvent[] {
    return this.questions.list(instance);
  }

  @Post(':requestID/reply')
  @Endpoint({
    operationId: 'question.reply',
    tag: 'question',
    summary: 'Reply to question request',
    description: 'Answer the questions the AI assistant asked; its turn goes on with the answers.',
    response: 'boolean',
    responseDescription: 'Question answered successfully',
    notFound: true,
  })
  reply(@Param() { requestID }: QuestionParamsDto, @Body() body: QuestionReplyDto): boolean {
    return this.questions.reply(requestID, body.answers);
  }

  @Post(':requestID/reject')
  @Endpoint({
    operationId: 'question.reject',
    tag: 'question',
    summary: 'Reject question request',
    description: 'Dismiss the questions: the tool fails and the turn stops after its step.',
    response: 'boolean',
    responseDescription: 'Question rejected successfully',
    notFound: true,
  })
  reject(@Param() { requestID }: QuestionParamsDto): boolean {
    return this.questions.reject(requestID);
  }
}
