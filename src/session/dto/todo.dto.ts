import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** One item of a session's todo list, as the reference's `Todo` (written by the todo tool). */
@ApiSchema({ name: 'Todo' })
export class TodoDto {
  @ApiProperty({ description: 'Brief description of the task' })
  content: string;

  @ApiProperty({
    description: 'Current status of the task: pending, in_progress, completed, cancelled',
  })
  status: string;

  @ApiProperty({ description: 'Priority level of the task: high, medium, low' })
  priority: string;
}

export type Todo = TodoDto;
