import { Body, Controller, Get, Post, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiNoContentResponse, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Endpoint } from '../core/http/endpoint.decorator';
import { UnionBodyPipe } from '../core/http/union-body.pipe';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { type ClientConnection, Connection } from './client-connection';
import { AppendPromptDto } from './dto/append-prompt.dto';
import { ExecuteCommandDto } from './dto/execute-command.dto';
import { PUBLISH_DTO_BY_TYPE, type PublishTuiEventDto } from './dto/publish-event.dto';
import { SelectSessionDto } from './dto/select-session.dto';
import { ShowToastDto } from './dto/show-toast.dto';
import { NoContentWhenEmptyInterceptor } from './no-content.interceptor';
import type { TuiControlRequest } from './tui-control.queue';
import { TuiControlService } from './tui-control.service';
import { TuiService } from './tui.service';

/** As the reference documents it: `body` is any JSON value, which a class property cannot say. */
const TUI_CONTROL_REQUEST_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    path: {
      type: 'string',
      description: 'The route the request stands for, e.g. `/tui/open-help`',
    },
    body: { description: 'The request body: any JSON value' },
  },
  required: ['path', 'body'],
  additionalProperties: false,
  description: 'Next TUI request',
};

/** Remote control of the terminal client: IDE plugins and scripts drive it through the server. */
@Controller('tui')
@ApiExtraModels(...Object.values(PUBLISH_DTO_BY_TYPE))
export class TuiController {
  constructor(
    private readonly tui: TuiService,
    private readonly control: TuiControlService,
  ) {}

  @Post('append-prompt')
  @Endpoint({
    operationId: 'tui.appendPrompt',
    tag: 'tui',
    summary: 'Append TUI prompt',
    description: 'Append prompt to the TUI.',
    response: 'boolean',
    responseDescription: 'Prompt processed successfully',
  })
  appendPrompt(@CurrentInstance() instance: Instance, @Body() body: AppendPromptDto): boolean {
    return this.tui.appendPrompt(instance, body.text);
  }

  @Post('open-help')
  @Endpoint({
    operationId: 'tui.openHelp',
    tag: 'tui',
    summary: 'Open help dialog',
    description: 'Open the help dialog in the TUI to display user assistance information.',
    response: 'boolean',
    responseDescription: 'Help dialog opened successfully',
  })
  openHelp(@CurrentInstance() instance: Instance): boolean {
    return this.tui.openHelp(instance);
  }

  @Post('open-sessions')
  @Endpoint({
    operationId: 'tui.openSessions',
    tag: 'tui',
    summary: 'Open sessions dialog',
    description: 'Open the session dialog.',
    response: 'boolean',
    responseDescription: 'Session dialog opened successfully',
  })
  openSessions(@CurrentInstance() instance: Instance): boolean {
    return this.tui.openSessions(instance);
  }

  @Post('open-themes')
  @Endpoint({
    operationId: 'tui.openThemes',
    tag: 'tui',
    summary: 'Open themes dialog',
    description: 'Open the theme dialog.',
    response: 'boolean',
    responseDescription: 'Theme dialog opened successfully',
  })
  openThemes(@CurrentInstance() instance: Instance): boolean {
    return this.tui.openThemes(instance);
  }

  @Post('open-models')
  @Endpoint({
    operationId: 'tui.openModels',
    tag: 'tui',
    summary: 'Open models dialog',
    description: 'Open the model dialog.',
    response: 'boolean',
    responseDescription: 'Model dialog opened successfully',
  })
  openModels(@CurrentInstance() instance: Instance): boolean {
    return this.tui.openModels(instance);
  }

  @Post('submit-prompt')
  @Endpoint({
    operationId: 'tui.submitPrompt',
    tag: 'tui',
    summary: 'Submit TUI prompt',
    description: 'Submit the prompt.',
    response: 'boolean',
    responseDescription: 'Prompt submitted successfully',
  })
  submitPrompt(@CurrentInstance() instance: Instance): boolean {
    return this.tui.submitPrompt(instance);
  }

  @Post('clear-prompt')
  @Endpoint({
    operationId: 'tui.clearPrompt',
    tag: 'tui',
    summary: 'Clear TUI prompt',
    description: 'Clear the prompt.',
    response: 'boolean',
    responseDescription: 'Prompt cleared successfully',
  })
  clearPrompt(@CurrentInstance() instance: Instance): boolean {
    return this.tui.clearPrompt(instance);
  }

  @Post('execute-command')
  @Endpoint({
    operationId: 'tui.executeCommand',
    tag: 'tui',
    summary: 'Execute TUI command',
    description: 'Execute a TUI command.',
    response: 'boolean',
    responseDescription: 'Command executed successfully',
  })
  executeCommand(@CurrentInstance() instance: Instance, @Body() body: ExecuteCommandDto): boolean {
    return this.tui.executeCommand(instance, body.command);
  }

  @Post('show-toast')
  @Endpoint({
    operationId: 'tui.showToast',
    tag: 'tui',
    summary: 'Show TUI toast',
    description: 'Show a toast notification in the TUI.',
    response: 'boolean',
    responseDescription: 'Toast notification shown successfully',
  })
  showToast(@CurrentInstance() instance: Instance, @Body() body: ShowToastDto): boolean {
    return this.tui.showToast(instance, body);
  }

  @Post('select-session')
  @Endpoint({
    operationId: 'tui.selectSession',
    tag: 'tui',
    summary: 'Select session',
    description: 'Navigate the TUI to display the specified session.',
    response: 'boolean',
    responseDescription: 'Session selected successfully',
    notFound: true,
  })
  selectSession(@CurrentInstance() instance: Instance, @Body() body: SelectSessionDto): boolean {
    return this.tui.selectSession(instance, body.sessionID);
  }

  @Post('publish')
  @Endpoint({
    operationId: 'tui.publish',
    tag: 'tui',
    summary: 'Publish TUI event',
    description:
      'Publish one TUI event (append to the prompt, run a command, show a toast, select a session).',
    response: 'boolean',
    responseDescription: 'Event published successfully',
    notFound: true,
  })
  @ApiBody({
    schema: {
      anyOf: Object.values(PUBLISH_DTO_BY_TYPE).map((dto) => ({ $ref: getSchemaPath(dto) })),
    },
  })
  publish(
    @CurrentInstance() instance: Instance,
    @Body(new UnionBodyPipe<PublishTuiEventDto>('type', PUBLISH_DTO_BY_TYPE))
    event: PublishTuiEventDto,
  ): boolean {
    return this.tui.publish(instance, event);
  }

  @Get('control/next')
  @Endpoint({
    operationId: 'tui.control.next',
    tag: 'tui',
    summary: 'Get next TUI request',
    description: 'Retrieve the next TUI request from the queue for processing.',
    response: TUI_CONTROL_REQUEST_SCHEMA,
    responseDescription: 'Next TUI request',
  })
  @ApiNoContentResponse({
    description: 'No request was queued within the poll timeout (30 s by default): poll again',
  })
  @UseInterceptors(NoContentWhenEmptyInterceptor)
  next(
    @CurrentInstance() instance: Instance,
    @Connection() connection: ClientConnection,
  ): Promise<TuiControlRequest | undefined> {
    return this.control.next(instance, connection);
  }

  @Post('control/response')
  @Endpoint({
    operationId: 'tui.control.response',
    tag: 'tui',
    summary: 'Submit TUI response',
    description: 'Submit a response to the TUI request queue to complete a pending request.',
    response: 'boolean',
    responseDescription: 'Response submitted successfully',
  })
  @ApiBody({
    description: 'The answer to the oldest request taken: any JSON value',
    schema: {},
    required: false,
  })
  respond(@CurrentInstance() instance: Instance, @Body() answer: unknown): boolean {
    return this.control.answer(instance, answer);
  }
}
