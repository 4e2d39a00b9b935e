import { z } from 'zod';
import type { QuestionAnswer, QuestionInfo } from '../../question/question.events';
import type { QuestionContext } from '../../question/question.service';
import { defineTool, type ToolDefinition } from '../tool.types';

/** Asks the user and waits for the answers (the question area's service). */
export interface QuestionAsker {
  ask(context: QuestionContext, questions: QuestionInfo[]): Promise<QuestionAnswer[]>;
}

const optionSchema = z.object({
  label: z.string().min(1).describe('Display text (1-5 words, concise)'),
  description: z.string().describe('Explanation of choice'),
});

const questionSchema = z.object({
  question: z.string().min(1).describe('Complete question'),
  header: z.string().describe('Very short label (max 30 chars)'),
  options: z.array(optionSchema).describe('Available choices'),
  multiple: z.boolean().optional().describe('Allow selecting multiple choices'),
});

const DESCRIPTION = [
  'Asks the user one or more questions and waits for the answers. Use it to learn a preference or',
  'a requirement, to settle an ambiguous instruction, or to let the user choose between approaches',
  'before you commit to one.',
  '',
  '- Give each question a short header and a few options, each a short label with a description.',
  '- The user can always type an answer of their own: do not add an "Other" option.',
  '- Set `multiple: true` when more than one option may be chosen.',
  '- Put the option you recommend first and end its label with "(Recommended)".',
  '- The answers come back as lists of the chosen labels, one list per question.',
].join('\n');

/** How the model reads the answers: each question with what the user chose. */
export function describeAnswers(questions: QuestionInfo[], answers: QuestionAnswer[]): string {
  const lines = questions.map((question, index) => {
    const chosen = answers[index] ?? [];
    return `- ${question.question} → ${chosen.length > 0 ? chosen.join(', ') : '(no answer)'}`;
  });
  return ['The user answered:', ...lines, 'Carry on with these answers in mind.'].join('\n');
}

export function createQuestionTool(asker: QuestionAsker): ToolDefinition {
  return defineTool({
    id: 'question',
    readOnly: true,
    description: DESCRIPTION,
    parameters: z.object({
      questions: z.array(questionSchema).min(1).describe('Questions to ask'),
    }),
    async execute(input, context) {
      const answers = await asker.ask(
        {
          instance: context.instance,
          sessionID: context.sessionID,
          messageID: context.messageID,
          callID: context.callID,
          signal: context.abort,
        },
        input.questions,
      );
      const count = input.questions.length;
      return {
        title: `Asked ${count} question${count === 1 ? '' : 's'}`,
        output: describeAnswers(input.questions, answers),
        metadata: { answers },
      };
    },
  });
}
