import { fakeToolContext } from '../../../test/support/fake-tool-context';
import { tempDir } from '../../../test/support/fixtures';
import type { QuestionInfo } from '../../question/question.events';
import { createQuestionTool, describeAnswers, type QuestionAsker } from './question.tool';

describe('question tool', () => {
  const questions: QuestionInfo[] = [
    {
      question: 'Which color?',
      header: 'Color',
      options: [
        { label: 'Red', description: 'warm' },
        { label: 'Blue', description: 'cool' },
      ],
    },
    {
      question: 'Which sizes?',
      header: 'Size',
      options: [{ label: 'S', description: 'small' }],
      multiple: true,
    },
  ];

  it('asks with the call it belongs to and hands the answers to the model', async () => {
    const asked: Parameters<QuestionAsker['ask']>[] = [];
    const tool = createQuestionTool({
      ask: (...args) => {
        asked.push(args);
        return Promise.resolve([['Blue'], ['S', 'M']]);
      },
    });
    const context = fakeToolContext(tempDir());
    const result = await tool.execute({ questions }, context);
    expect(asked[0][0]).toMatchObject({
      sessionID: context.sessionID,
      messageID: context.messageID,
      callID: context.callID,
      signal: context.abort,
    });
    expect(asked[0][1]).toEqual(questions);
    expect(result.title).toBe('Asked 2 questions');
    expect(result.metadata).toEqual({ answers: [['Blue'], ['S', 'M']] });
    expect(result.output).toContain('Which color? → Blue');
    expect(result.output).toContain('Which sizes? → S, M');
  });

  it('says when a question got no answer', () => {
    expect(describeAnswers(questions, [['Red']])).toContain('Which sizes? → (no answer)');
  });

  it('refuses an empty list of questions', () => {
    const tool = createQuestionTool({ ask: () => Promise.resolve([]) });
    expect(tool.parameters.safeParse({ questions: [] }).success).toBe(false);
  });
});
