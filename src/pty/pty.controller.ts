import { Body, Controller, Delete, Get, Headers, Param, Post, Put, Query } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import {
  PtyConnectQueryDto,
  PtyCreateDto,
  PtyDto,
  PtyParamsDto,
  PtyShellDto,
  PtyTicketConnectTokenDto,
  PtyUpdateDto,
} from './dto/pty.dto';
import { PtySocketGateway } from './pty-socket.gateway';
import { PtyService, TICKET_HEADER } from './pty.service';

/** The reference's classic terminal routes; exited terminals are gone from them, as there. */
@Controller('pty')
export class PtyController {
  constructor(private readonly pty: PtyService) {}

  @Get()
  @Endpoint({
    operationId: 'pty.list',
    tag: 'pty',
    summary: 'List PTY sessions',
    description: 'The running terminals of this directory, oldest first.',
    response: [PtyDto],
    responseDescription: 'List of sessions',
  })
  list(@CurrentInstance() instance: Instance): PtyDto[] {
    return this.pty.list(instance, 'classic');
  }

  @Post()
  @Endpoint({
    operationId: 'pty.create',
    tag: 'pty',
    summary: 'Create PTY session',
    description:
      'Start a terminal running the user’s shell (or the program asked for) in the project.',
    response: PtyDto,
    responseDescription: 'Created session',
    forbidden: true,
  })
  create(@CurrentInstance() instance: Instance, @Body() body: PtyCreateDto): Promise<PtyDto> {
    return this.pty.create(instance, body);
  }

  @Get('shells')
  @Endpoint({
    operationId: 'pty.shells',
    tag: 'pty',
    summary: 'List available shells',
    description: 'The shells of this system (`/etc/shells`) a terminal can run.',
    response: [PtyShellDto],
    responseDescription: 'List of shells',
  })
  shells(@CurrentInstance() instance: Instance): Promise<PtyShellDto[]> {
    return this.pty.shells(instance);
  }

  @Get(':ptyID')
  @Endpoint({
    operationId: 'pty.get',
    tag: 'pty',
    summary: 'Get PTY session',
    description: 'One running terminal.',
    response: PtyDto,
    responseDescription: 'Session info',
    notFound: true,
  })
  get(@CurrentInstance() instance: Instance, @Param() { ptyID }: PtyParamsDto): PtyDto {
    return this.pty.get(instance, ptyID, 'classic');
  }

  @Put(':ptyID')
  @Endpoint({
    operationId: 'pty.update',
    tag: 'pty',
    summary: 'Update PTY session',
    description: 'Rename a terminal, or tell it its new size (rows and columns).',
    response: PtyDto,
    responseDescription: 'Updated session',
    notFound: true,
  })
  update(
    @CurrentInstance() instance: Instance,
    @Param() { ptyID }: PtyParamsDto,
    @Body() body: PtyUpdateDto,
  ): PtyDto {
    return this.pty.update(instance, ptyID, body, 'classic');
  }

  @Delete(':ptyID')
  @Endpoint({
    operationId: 'pty.remove',
    tag: 'pty',
    summary: 'Remove PTY session',
    description: 'End a terminal and every process it started, and forget it.',
    response: 'boolean',
    responseDescription: 'Session removed',
    notFound: true,
  })
  async remove(
    @CurrentInstance() instance: Instance,
    @Param() { ptyID }: PtyParamsDto,
  ): Promise<boolean> {
    await this.pty.remove(instance, ptyID, 'classic');
    return true;
  }

  @Post(':ptyID/connect-token')
  @Endpoint({
    operationId: 'pty.connectToken',
    tag: 'pty',
    summary: 'Create PTY WebSocket token',
    description:
      'A single-use ticket, valid for a minute, to open this terminal’s WebSocket without ' +
      'credentials (`?ticket=`). Needs credentials and the header `x-opencode-ticket: 1`.',
    response: PtyTicketConnectTokenDto,
    responseDescription: 'WebSocket connect token',
    notFound: true,
  })
  connectToken(
    @CurrentInstance() instance: Instance,
    @Param() { ptyID }: PtyParamsDto,
    @Query('workspace') workspace: string | undefined,
    @Headers(TICKET_HEADER) ticketHeader: string | undefined,
    @Headers('origin') origin: string | undefined,
    @Headers('host') host: string | undefined,
  ): PtyTicketConnectTokenDto {
    return this.pty.issueTicket(instance, ptyID, 'classic', workspace, {
      ticketHeader,
      origin,
      host,
    });
  }

  @Get(':ptyID/connect')
  @Endpoint({
    operationId: 'pty.connect',
    tag: 'pty',
    summary: 'Connect to PTY session',
    description:
      'A WebSocket: the output kept since `?cursor=` (0, the default: all; -1: none) in text ' +
      'frames, a binary control frame (a 0 byte, then `{"cursor":n}`), then live output; ' +
      'frames sent are typed into the terminal. Takes credentials or `?ticket=`. A plain GET ' +
      'is a 400.',
    response: 'boolean',
    responseDescription: 'Connected session',
    notFound: true,
    webSocket: PtySocketGateway,
  })
  connect(
    @CurrentInstance() instance: Instance,
    @Param() { ptyID }: PtyParamsDto,
    @Query() _query: PtyConnectQueryDto,
  ): never {
    return this.pty.refusePlainConnect(instance, ptyID, 'classic');
  }
}
