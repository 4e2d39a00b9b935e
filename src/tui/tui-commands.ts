/** The commands the reference's `tui.command.execute` event names (its `command` enum). */
export const TUI_COMMANDS = [
  'session.list',
  'session.new',
  'session.share',
  'session.interrupt',
  'session.compact',
  'session.page.up',
  'session.page.down',
  'session.line.up',
  'session.line.down',
  'session.half.page.up',
  'session.half.page.down',
  'session.first',
  'session.last',
  'prompt.clear',
  'prompt.submit',
  'agent.cycle',
] as const;

export type TuiCommand = (typeof TUI_COMMANDS)[number];

/**
 * A command the terminal client runs: one of the reference's enum or any other name the client
 * registers (`help.show`, `model.list`, ...), as the event's `anyOf [enum, string]` allows.
 */
// `string & {}` keeps the enum members visible to editors instead of collapsing to `string`.
export type TuiCommandName = TuiCommand | (string & {});

/**
 * The short names `POST /tui/execute-command` accepts (the keybind names of the old terminal
 * client), mapped to the full command names, as the reference maps them.
 */
export const TUI_COMMAND_ALIASES: Readonly<Record<string, TuiCommand>> = {
  session_new: 'session.new',
  session_share: 'session.share',
  session_interrupt: 'session.interrupt',
  session_compact: 'session.compact',
  messages_page_up: 'session.page.up',
  messages_page_down: 'session.page.down',
  messages_line_up: 'session.line.up',
  messages_line_down: 'session.line.down',
  messages_half_page_up: 'session.half.page.up',
  messages_half_page_down: 'session.half.page.down',
  messages_first: 'session.first',
  messages_last: 'session.last',
  agent_cycle: 'agent.cycle',
};

/**
 * The full command name of `command`: an alias is mapped, anything else is passed on as given.
 * Deliberate difference: the reference publishes `command: undefined` (an event its own schema
 * refuses) for a name that is not an alias, so full names such as `session.new` did nothing; here
 * they reach the client, which ignores names it does not know.
 */
export function resolveTuiCommand(command: string): TuiCommandName {
  return Object.hasOwn(TUI_COMMAND_ALIASES, command) ? TUI_COMMAND_ALIASES[command] : command;
}
