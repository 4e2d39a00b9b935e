import { ApiProperty } from '@nestjs/swagger';
import { IsEntityId, IsStringMatrix } from '../../core/http/validators';
import type { QuestionAnswer } from '../question.events';

export class QuestionParamsDto {
  @ApiProperty({ pattern: '^que' })
  @IsEntityId('question')
  requestID: string;
}

/** Body of `POST /question/:requestID/reply`. */
export class QuestionReplyDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: { type: 'string' } },
    description: 'User answers in order of questions (each answer is an array of selected labels)',
  })
  @IsStringMatrix()
  answers: QuestionAnswer[];
}
