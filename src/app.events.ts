/**
 * Every area's events, loaded in one place. Each `<area>.events.ts` declares the payload classes
 * of the events its area publishes: `@BusEvent` registers them for the `Event` union of /doc, and
 * `declare module` merges their names into `BusEventMap`, which types `BusService.publish` and
 * `@OnEvent` handlers everywhere. Importing them all here, from the application module, means
 * whether an event is documented no longer depends on which service happened to import its file.
 * A new `*.events.ts` goes in this list (the OpenAPI e2e test fails when one is missing).
 */
import './command/command.events';
import './compaction/compaction.events';
import './config/config.events';
import './core/bus/server.events';
import './file/file.events';
import './global/global.events';
import './lsp/lsp.events';
import './mcp/mcp.events';
import './permission/permission.events';
import './project/project.events';
import './provider/provider.events';
import './pty/pty.events';
import './question/question.events';
import './session/message.events';
import './session/session.events';
import './snapshot/snapshot.events';
import './tool/tool.events';
import './tui/tui.events';
import './v2/integration/integration.events';
import './vcs/vcs.events';
import './worktree/worktree.events';
