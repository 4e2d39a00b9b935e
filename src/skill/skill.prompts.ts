/**
 * The skill the server ships, as the reference ships one of the same name: guidance for a model
 * asked to change opencode's own configuration. Written for this server (not copied from the
 * reference): every path, key and behaviour named here is one this server implements.
 */

export const CUSTOMIZE_OPENCODE_NAME = 'customize-opencode';

export const CUSTOMIZE_OPENCODE_DESCRIPTION =
  "Use ONLY when the user wants to create or change opencode's own configuration: opencode.json or opencode.jsonc, files under .opencode/ or ~/.config/opencode/, or opencode agents, subagents, commands, skills, MCP servers or permission rules. Not for the user's own application code, nor for configuring any other tool.";

export const CUSTOMIZE_OPENCODE_CONTENT = `# Changing opencode's configuration

opencode checks its configuration strictly. While a file is invalid (bad JSON, a misspelt or unknown key, a value of the wrong type), requests that need the configuration fail with an error naming the file, the line and the key, so get the shape right before you save. This page covers the common parts; the complete schema, with every key and its type, is published at https://opencode.ai/config.json. Fetch it when a key is not covered here rather than guessing, and keep \`"$schema": "https://opencode.ai/config.json"\` at the top of every opencode.json so editors check the file as it is typed.

## Where configuration is read from

Layers, each one overriding the ones before it:

1. The global directory \`~/.config/opencode/\` (\`$XDG_CONFIG_HOME/opencode\` when that is set): \`config.json\`, \`opencode.json\`, \`opencode.jsonc\`, and its \`agent/\`, \`command/\` and \`skill/\` folders (plural names work too).
2. The file named by the \`OPENCODE_CONFIG\` environment variable.
3. The project, for each directory from the repository root down to the working directory: \`opencode.jsonc\`, \`opencode.json\`, \`.opencode/opencode.jsonc\`, \`.opencode/opencode.json\`, and the \`.opencode/agent/\`, \`.opencode/command/\` and \`.opencode/skill/\` folders.
4. Inline JSON in the \`OPENCODE_CONFIG_CONTENT\` environment variable.

Objects merge key by key across layers; the \`instructions\` and \`plugin\` lists add up; any other value is replaced by the later layer. JSONC (comments, trailing commas) is accepted in every config file. String values may use \`{env:NAME}\` (an environment variable) and \`{file:path}\` (a file's text).

Edits to config, agent and command files take effect within about a second, and skills are read each time they are used: there is no need to restart.

## opencode.json

Every key is optional. The common ones:

\`\`\`jsonc
{
  "$schema": "https://opencode.ai/config.json",
  "model": "anthropic/claude-sonnet-4-5", // always provider/model
  "small_model": "anthropic/claude-haiku-4-5", // titles and summaries
  "default_agent": "build", // a primary agent that is not hidden
  "instructions": ["CONTRIBUTING.md", "docs/rules/*.md"], // extra instruction files (globs, URLs)
  "permission": { "edit": "ask", "bash": { "*": "ask", "git status*": "allow" } },
  "agent": { "reviewer": { "mode": "subagent", "description": "Reviews diffs", "permission": { "edit": "deny" } } },
  "command": { "changelog": { "description": "Draft a changelog entry", "template": "Summarise $ARGUMENTS" } },
  "mcp": {
    "browser": { "type": "local", "command": ["npx", "-y", "@playwright/mcp"] },
    "tickets": { "type": "remote", "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer {env:TICKETS_TOKEN}" } }
  },
  "provider": { "openai": { "options": { "baseURL": "https://proxy.example.com/v1" } } },
  "skills": { "paths": ["../shared-skills", "~/skills"] },
  "formatter": true,
  "lsp": true,
  "tool_output": { "max_lines": 2000, "max_bytes": 51200 },
  "compaction": { "auto": true },
  "share": "manual"
}
\`\`\`

Shapes that are easy to get wrong:
- \`agent\`, \`command\`, \`mcp\` and \`provider\` are objects keyed by name, never arrays.
- An MCP server needs \`type\` (\`local\` or \`remote\`); a local server's \`command\` is an array of strings. \`"enabled": false\` turns off a server that another layer defines.
- \`skills\` is an object (\`{ "paths": [...] }\`), not a list.
- \`permission\` is either one action for everything or an object keyed by permission.

## Agents

An agent can be written inline under \`agent\`, or as a markdown file \`.opencode/agent/<name>.md\` (global: \`~/.config/opencode/agent/<name>.md\`). In the file form the front matter holds the settings and the body is the agent's prompt:

\`\`\`markdown
---
description: Reviews diffs for bugs and missing tests
mode: subagent
model: anthropic/claude-sonnet-4-5
permission:
  edit: deny
  bash: ask
---

You review code changes. Report problems with file and line...
\`\`\`

\`mode\` is \`primary\` (the user picks it), \`subagent\` (started by other agents through the task tool) or \`all\`. Other settings: \`temperature\`, \`top_p\`, \`steps\`, \`hidden\`, \`color\`, \`disable\`, \`options\`. The built-in agents are \`build\`, \`plan\`, \`general\` and \`explore\`; configuring one of those names changes the built-in, and \`disable: true\` removes it.

## Commands

A command is a prompt the user runs as \`/name\`: inline under \`command\` (\`template\` is required), or a file \`.opencode/command/<name>.md\` whose body is the template. A file in a subfolder, \`.opencode/command/git/pr.md\`, is the command \`git/pr\`. In the template, \`$ARGUMENTS\` is everything typed after the command and \`$1\`, \`$2\`... single arguments. Front matter: \`description\`, \`agent\`, \`model\`, \`subtask\` (run it in a child session).

## Skills

A skill is a folder holding a \`SKILL.md\` file, for example \`.opencode/skill/release-notes/SKILL.md\`:

\`\`\`markdown
---
name: release-notes
description: Drafts release notes from merged changes. Use when the user asks for release notes, a changelog or a version summary.
---

Steps, conventions and examples for the task...
\`\`\`

- \`name\` is required (lowercase words joined by hyphens, the same as the folder's name by convention); a file without one is skipped.
- \`description\` decides when the model loads the skill: say what it does and when to use it, with the words a user would say. Skills without a description are never offered to the model.
- The body is what the model reads when it loads the skill; scripts and reference files can sit next to SKILL.md, and relative paths in the body start from that folder.

Skills are found in \`.opencode/skill/\` and \`.opencode/skills/\` of the project, \`~/.config/opencode/skill/\` (and \`skills/\`), \`.claude/skills/\` and \`.agents/skills/\` of the project and of the home directory, and the directories listed in \`skills.paths\`. When two skills share a name, the one found later in this order wins: \`.claude/skills/\` and \`.agents/skills/\` (home, then project), \`~/.config/opencode\`, the project's \`.opencode\`, then \`skills.paths\`.

## Permissions

Each permission is \`allow\`, \`ask\` or \`deny\`, for everything (\`"bash": "ask"\`) or per pattern (\`"bash": { "*": "ask", "npm test*": "allow" }\`). Rules are checked from the last one written to the first: put the broad rule first and the exceptions after it. The permissions: \`read\`, \`edit\` (covers writing files), \`glob\`, \`grep\`, \`list\`, \`bash\` (patterns match the command line), \`task\` (patterns match the subagent's name), \`external_directory\` (paths outside the project; \`~/\` works in patterns), \`webfetch\`, \`todowrite\`, \`doom_loop\` (the same tool call repeated three times) and \`skill\` (patterns match the skill's name). An agent's own \`permission\` applies on top of the top-level one.

## Before you save

- Keep the keys the user did not ask to change, and keep \`$schema\`.
- Prefer a new file in the right folder (an agent, a command, a skill) to a long inline entry.
- When a change does not seem to take effect, check the file for the error the server reports and fix it.
`;
