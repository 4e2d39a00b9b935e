import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Field } from '../../../core/http/field.decorators';
import type { QuestionAnswer } from '../../../question/question.events';

@ApiSchema({ name: 'QuestionV2Option' })
export class QuestionV2OptionDto {
  @ApiProperty({ description: 'Display text (1-5 words, concise)' })
  label: string;

  @ApiProperty({ description: 'Explanation of choice' })
  description: string;
}

@ApiSchema({ name: 'QuestionV2Info' })
export class QuestionV2InfoDto {
  @ApiProperty({ description: 'Complete question' })
  question: string;

  @ApiProperty({ description: 'Very short label (max 30 chars)' })
  header: string;

  @ApiProperty({ type: [QuestionV2OptionDto], description: 'Available choices' })
  options: QuestionV2OptionDto[];

  @ApiPropertyOptional()
  multiple?: boolean;

  @ApiPropertyOptional()
  custom?: boolean;
}

@ApiSchema({ name: 'QuestionV2Tool' })
export class QuestionV2ToolDto {
  @ApiProperty()
  messageID: string;

  @ApiProperty()
  callID: string;
}

/** Questions waiting for the user, in the v2 shape (the same fields as the classic request). */
@ApiSchema({ name: 'QuestionV2Request' })
export class QuestionV2RequestDto {
  @Field.id('question')
  id: string;

  @Field.id('session')
  sessionID: string;

  @ApiProperty({ type: [QuestionV2InfoDto], description: 'Questions to ask' })
  questions: QuestionV2InfoDto[];

  @ApiPropertyOptional({ type: QuestionV2ToolDto })
  tool?: QuestionV2ToolDto;
}

/** Body of `POST /api/session/:id/question/:requestID/reply`. */
@ApiSchema({ name: 'QuestionV2Reply' })
export class QuestionV2ReplyDto {
  @Field.stringMatrix({
    description: 'User answers in order of questions (each answer is an array of selected labels)',
  })
  answers: QuestionAnswer[];
}

export class SessionQuestionParamsDto {
  @Field.id('session')
  sessionID: string;
}

export class SessionQuestionRequestParamsDto extends SessionQuestionParamsDto {
  @Field.id('question')
  requestID: string;
}

@ApiSchema({ name: 'QuestionNotFoundError' })
export class QuestionNotFoundErrorDto {
  @ApiProperty({ enum: ['QuestionNotFoundError'] })
  _tag: 'QuestionNotFoundError';

  @ApiProperty()
  requestID: string;

  @ApiProperty()
  message: string;
}
