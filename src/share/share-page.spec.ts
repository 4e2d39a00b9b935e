import type { MessageWithParts } from '../session/dto/message-with-parts.dto';
import type { Session } from '../session/dto/session.dto';
import { escapeHtml, renderSharePage, SHARE_PAGE_CSP } from './share-page';

const session = {
  id: 'ses_1',
  title: 'A <b>bold</b> title',
  time: { created: Date.UTC(2026, 11, 6, 10, 30), updated: Date.UTC(2026, 11, 6, 10, 30) },
} as Session;

function message(
  parts: unknown[],
  role: 'user' | 'assistant' = 'user',
  extra = {},
): MessageWithParts {
  return {
    info: {
      id: 'msg_1',
      sessionID: 'ses_1',
      role,
      time: { created: session.time.created },
      providerID: 'fake',
      modelID: 'fake-model',
      agent: 'build',
      ...extra,
    },
    parts,
  } as MessageWithParts;
}

describe('share page', () => {
  it('escapes the five markup characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('renders the title, the messages and their parts, escaped', () => {
    const html = renderSharePage(session, [
      message([{ type: 'text', text: 'hi <script>x</script>' }]),
      message(
        [
          { type: 'reasoning', text: 'thinking <i>' },
          {
            type: 'tool',
            tool: 'bash',
            state: {
              status: 'completed',
              input: { command: 'echo "<b>"' },
              output: '<b>',
              title: 'echo',
            },
          },
          { type: 'tool', tool: 'read', state: { status: 'error', input: {}, error: 'no <file>' } },
          { type: 'step-start' },
          { type: 'text', text: 'hidden', ignored: true },
        ],
        'assistant',
        { error: { name: 'APIError', data: { message: 'rate <limited>' } } },
      ),
    ]);
    expect(html).toContain('<title>A &lt;b&gt;bold&lt;/b&gt; title · opencode</title>');
    expect(html).toContain('hi &lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('thinking &lt;i&gt;');
    expect(html).toContain('echo \\&quot;&lt;b&gt;\\&quot;');
    expect(html).toContain('Tool bash · completed · echo');
    expect(html).toContain('no &lt;file&gt;');
    expect(html).toContain('APIError: rate &lt;limited&gt;');
    expect(html).toContain('Assistant · fake/fake-model · build');
    expect(html).toContain('2026-12-06 10:30 UTC');
    expect(html).not.toContain('hidden');
    expect(html).not.toMatch(/<(script|b|i)>/);
  });

  it('cuts a very long tool output on the page', () => {
    const html = renderSharePage(session, [
      message(
        [
          {
            type: 'tool',
            tool: 'bash',
            state: { status: 'completed', input: {}, output: 'x'.repeat(25_000), title: '' },
          },
        ],
        'assistant',
      ),
    ]);
    expect(html).toContain('(5000 more characters)');
  });

  it('allows no script and only its own style sheet', () => {
    expect(SHARE_PAGE_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect(SHARE_PAGE_CSP).not.toContain('unsafe');
  });
});
