import { Injectable } from '@nestjs/common';
import { BusService } from '../core/bus/bus.service';
import type { Instance } from '../core/instance/instance';
import { SessionService } from '../session/session.service';
import type { PublishTuiEventDto } from './dto/publish-event.dto';
import type { ShowToastDto } from './dto/show-toast.dto';
import { resolveTuiCommand, type TuiCommandName } from './tui-commands';

/** The reference's default for a toast without `duration`, in milliseconds. */
export const DEFAULT_TOAST_DURATION_MS = 5000;

/**
 * Drives the terminal client of a directory: each call publishes the bus event the client acts
 * on (it listens on `/event`).
 */
@Injectable()
export class TuiService {
  constructor(
    private readonly bus: BusService,
    private readonly sessions: SessionService,
  ) {}

  appendPrompt(instance: Instance, text: string): boolean {
    this.bus.publish(instance, 'tui.prompt.append', { text });
    return true;
  }

  openHelp(instance: Instance): boolean {
    return this.runCommand(instance, 'help.show');
  }

  openSessions(instance: Instance): boolean {
    return this.runCommand(instance, 'session.list');
  }

  /**
   * Deliberate difference: the reference publishes `session.list` here (the sessions dialog
   * opens instead of the themes); `theme.switch` is the command of the client's theme dialog.
   */
  openThemes(instance: Instance): boolean {
    return this.runCommand(instance, 'theme.switch');
  }

  openModels(instance: Instance): boolean {
    return this.runCommand(instance, 'model.list');
  }

  submitPrompt(instance: Instance): boolean {
    return this.runCommand(instance, 'prompt.submit');
  }

  clearPrompt(instance: Instance): boolean {
    return this.runCommand(instance, 'prompt.clear');
  }

  /** Runs a command given by full name or short alias (`agent_cycle` → `agent.cycle`). */
  executeCommand(instance: Instance, command: string): boolean {
    return this.runCommand(instance, resolveTuiCommand(command));
  }

  showToast(instance: Instance, toast: ShowToastDto): boolean {
    this.bus.publish(instance, 'tui.toast.show', {
      ...(toast.title !== undefined && { title: toast.title }),
      message: toast.message,
      variant: toast.variant,
      duration: toast.duration ?? DEFAULT_TOAST_DURATION_MS,
    });
    return true;
  }

  /** Shows the session in the client; `SessionNotFoundError` (404) for an unknown one. */
  selectSession(instance: Instance, sessionID: string): boolean {
    this.sessions.assertExists(sessionID);
    this.bus.publish(instance, 'tui.session.select', { sessionID });
    return true;
  }

  /**
   * `POST /tui/publish`: publishes one TUI event as its own route does (a toast gets the default
   * duration), except that a command is published as named, aliases unmapped (as the reference).
   * Deliberate difference: the reference publishes `tui.session.select` for any `ses...` id; an
   * unknown session is a 404 here, as on `POST /tui/select-session`.
   */
  publish(instance: Instance, event: PublishTuiEventDto): boolean {
    switch (event.type) {
      case 'tui.prompt.append':
        return this.appendPrompt(instance, event.properties.text);
      case 'tui.command.execute':
        return this.runCommand(instance, event.properties.command);
      case 'tui.toast.show':
        return this.showToast(instance, event.properties);
      case 'tui.session.select':
        return this.selectSession(instance, event.properties.sessionID);
    }
  }

  private runCommand(instance: Instance, command: TuiCommandName): boolean {
    this.bus.publish(instance, 'tui.command.execute', { command });
    return true;
  }
}
