/**
 * Splits a shell command line into its simple commands (`ls src && git log | head -3` →
 * `ls src`, `git log`, `head -3`) for permission patterns, honouring quotes and escapes.
 */
export function splitCommands(commandLine: string): string[] {
  const commands: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < commandLine.length; index++) {
    const char = commandLine[index];
    if (quote) {
      current += char;
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && index + 1 < commandLine.length)
        current += commandLine[++index];
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === '\\' && index + 1 < commandLine.length) {
      current += char + commandLine[++index];
    } else if (char === ';' || char === '\n' || char === '|' || char === '&') {
      // `&&`, `||`, `|`, `;`, `&` and newlines all separate commands.
      if (commandLine[index + 1] === char && (char === '&' || char === '|')) index++;
      commands.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  commands.push(current);
  return commands.map((command) => command.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

/** Tools whose second word is a subcommand: "always allow" covers `git log *`, not all of git. */
const SUBCOMMAND_TOOLS = new Set([
  'git',
  'npm',
  'npx',
  'pnpm',
  'yarn',
  'bun',
  'cargo',
  'go',
  'docker',
  'kubectl',
  'pip',
  'python',
  'python3',
  'node',
  'make',
  'gh',
  'brew',
  'apt',
  'apt-get',
  'dotnet',
  'mvn',
  'gradle',
  'terraform',
  'helm',
]);

/** The pattern an "always" answer approves for one simple command (`git log *`, `ls *`). */
export function alwaysPattern(command: string): string {
  const words = command.split(' ').filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
  const [first, second] = words;
  if (!first) return command;
  if (SUBCOMMAND_TOOLS.has(first) && second && !second.startsWith('-'))
    return `${first} ${second} *`;
  return `${first} *`;
}
