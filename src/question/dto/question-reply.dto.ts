import { Field } from '../../core/http/field.decorators';
import type { QuestionAnswer } from '../question.events';

export class QuestionParamsDto {
  @Field.id('question')
  requestID: string;
}

/** Body of `POST /question/:requestID/reply`. */
export class QuestionReplyDto {
  @Field.stringMatrix({
    description: 'User answers in order of questions (each answer is an array of selected labels)',
  })
  answers: QuestionAnswer[];
}
