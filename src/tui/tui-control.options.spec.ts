import { DEFAULT_TUI_CONTROL_OPTIONS, tuiControlOptionsFrom } from './tui-control.options';

describe('tuiControlOptionsFrom', () => {
  it('reads positive integers from the environment', () => {
    expect(
      tuiControlOptionsFrom({
        OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS: '1500',
        OPENCODE_TUI_CONTROL_QUEUE_LIMIT: ' 8 ',
      }),
    ).toEqual({ pollTimeoutMs: 1500, queueLimit: 8 });
  });

  it.each(['', '0', '-5', '1.5', '10ms', '99999999999999999999'])(
    'keeps the defaults for %j',
    (value) => {
      expect(
        tuiControlOptionsFrom({
          OPENCODE_TUI_CONTROL_POLL_TIMEOUT_MS: value,
          OPENCODE_TUI_CONTROL_QUEUE_LIMIT: value,
        }),
      ).toEqual(DEFAULT_TUI_CONTROL_OPTIONS);
    },
  );
});
