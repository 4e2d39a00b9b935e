/** `$1`, `$2`, ... in a command template. */
const POSITIONAL = /\$(\d+)/g;
/** Arguments as a shell would split them, roughly: quoted strings stay whole. */
const ARGUMENT = /(?:\[Image\s+\d+\]|"[^"]*"|'[^']*'|[^\s"']+)/gi;
const SURROUNDING_QUOTES = /^["']|["']$/g;

/** The placeholders a template uses, as the reference's `hints`: `$1`.. sorted, then `$ARGUMENTS`. */
export function templateHints(template: string): string[] {
  const numbered = [...new Set(template.match(POSITIONAL) ?? [])].sort();
  return template.includes('$ARGUMENTS') ? [...numbered, '$ARGUMENTS'] : numbered;
}

/**
 * Fills a command template with the arguments typed after the command, as the reference:
 * `$ARGUMENTS` is the whole argument string; `$1`, `$2`, ... are the arguments split on spaces
 * (quotes keep words together), the highest placeholder taking every remaining argument; a
 * missing argument becomes empty. A template without placeholders gets the arguments appended
 * on a new paragraph, so nothing the user typed is lost. The result is trimmed.
 */
export function renderTemplate(template: string, argumentsText: string): string {
  const args = (argumentsText.match(ARGUMENT) ?? []).map((arg) =>
    arg.replace(SURROUNDING_QUOTES, ''),
  );
  const positions = (template.match(POSITIONAL) ?? []).map((token) => Number(token.slice(1)));
  const last = Math.max(0, ...positions);
  let text = template.replace(POSITIONAL, (_, digits: string) => {
    const position = Number(digits);
    const index = position - 1;
    if (index < 0 || index >= args.length) return '';
    return position === last ? args.slice(index).join(' ') : args[index];
  });
  const usesArguments = template.includes('$ARGUMENTS');
  text = text.replaceAll('$ARGUMENTS', () => argumentsText);
  if (positions.length === 0 && !usesArguments && argumentsText.trim()) {
    text = `${text}\n\n${argumentsText}`;
  }
  return text.trim();
}
