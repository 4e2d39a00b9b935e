import { Module } from '@nestjs/common';
import { QuestionModule } from '../../question/question.module';
import { SessionV2Module } from '../session/session-v2.module';
import { QuestionV2Controller, SessionQuestionV2Controller } from './question-v2.controller';
import { QuestionV2Service } from './question-v2.service';

/** Questions through `/api`: the pending questions of the classic `QuestionService`. */
@Module({
  imports: [QuestionModule, SessionV2Module],
  controllers: [QuestionV2Controller, SessionQuestionV2Controller],
  providers: [QuestionV2Service],
})
export class QuestionV2Module {}
