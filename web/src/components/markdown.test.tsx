import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Markdown } from './markdown';

describe('Markdown', () => {
  afterEach(cleanup);

  it('renders code, lists and tables', () => {
    const { container } = render(
      <Markdown
        text={'`divide()` now throws:\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |'}
      />,
    );
    expect(container.querySelector('code')?.textContent).toBe('divide()');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('td')?.textContent).toBe('1');
  });

  it('escapes HTML and drops script URLs from a reply', () => {
    const { container } = render(
      <Markdown text={'<img src=x onerror="alert(1)"> [x](javascript:alert(1))'} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.querySelector('a')?.getAttribute('href') ?? '').not.toContain('javascript');
  });
});
