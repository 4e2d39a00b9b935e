/**
 * Templates of the built-in commands. Written for this server (not copied from the reference).
 * `{{worktree}}` is replaced with the project's root directory.
 */

export const INIT_TEMPLATE = `Create or update the AGENTS.md file at the root of this project ({{worktree}}). It is read by coding agents before they work here, so it must help them work correctly from the first minute.

Investigate first: the build, test and lint commands (package scripts, Makefile, CI config), how to run a single test, the languages and frameworks, the directory layout, and the code conventions actually used (formatting, imports, naming, error handling, types). Also fold in what existing agent instruction files say (.cursorrules, .cursor/rules/, .github/copilot-instructions.md, CLAUDE.md).

Then write AGENTS.md, about 20 to 40 lines:
- Commands: build, lint, test, and a single test, exactly as they are run here.
- Code style and conventions, only those that are specific to this project.
- Anything surprising an agent would otherwise get wrong.
If AGENTS.md exists, improve it and keep what is still true.

$ARGUMENTS`;

export const REVIEW_TEMPLATE = `Review code changes and report problems, most important first.

What to review: $ARGUMENTS
- Nothing given: the uncommitted changes (git diff and git diff --staged, plus new untracked files).
- A commit hash: that commit (git show).
- A branch name: the changes of that branch against the default branch (git diff <default>...<branch>).
- A pull request number or URL: that pull request (gh pr diff).

Read the surrounding code where a change needs context. Look for bugs and regressions, unhandled errors and edge cases, security problems, race conditions, missing or wrong tests, and code that breaks the project's conventions. For each finding give the file and line, what is wrong, why it matters, and a concrete fix. Do not pad the review with praise or with style nits a formatter would handle; say so plainly if the changes look good. Do not change any files.`;
