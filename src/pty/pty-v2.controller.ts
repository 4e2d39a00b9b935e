import { Body, Delete, Get, Headers, Param, Post, Put, Query } from '@nestjs/common';
import { CurrentLocation } from '../core/http/request-context';
import { ForbiddenErrorDto } from '../core/http/v2/tagged-error.dto';
import { V2Controller } from '../core/http/v2/v2-controller.decorator';
import { V2Endpoint } from '../core/http/v2/v2-endpoint.decorator';
import { located, type Located, type RequestLocation } from '../core/http/v2/request-location';
import {
  PtyCreateDto,
  PtyDto,
  PtyNotFoundErrorDto,
  PtyParamsDto,
  PtyTicketConnectTokenDto,
  PtyUpdateDto,
  PtyV2ConnectQueryDto,
} from './dto/pty.dto';
import { PtySocketGateway } from './pty-socket.gateway';
import { PtyService, TICKET_HEADER } from './pty.service';

/** The `/api` terminal routes: the same terminals; exited ones stay listed until removed. */
@V2Controller('pty')
export class PtyV2Controller {
  constructor(private readonly pty: PtyService) {}

  @Get()
  @V2Endpoint({
    operationId: 'v2.pty.list',
    tag: 'pty',
    summary: 'List PTY sessions',
    description:
      'List PTY sessions for a location, including exited sessions retained until removal.',
    response: { located: [PtyDto] },
  })
  list(@CurrentLocation() location: RequestLocation): Promise<Located<PtyDto[]>> {
    return located(location, Promise.resolve(this.pty.list(location.instance, 'v2')));
  }

  @Post()
  @V2Endpoint({
    operationId: 'v2.pty.create',
    tag: 'pty',
    summary: 'Create PTY session',
    description: 'Create a pseudo-terminal session for a location.',
    response: { located: PtyDto },
    errors: [[403, ForbiddenErrorDto]],
  })
  create(
    @CurrentLocation() location: RequestLocation,
    @Body() body: PtyCreateDto,
  ): Promise<Located<PtyDto>> {
    return located(location, this.pty.create(location.instance, body));
  }

  @Get(':ptyID')
  @V2Endpoint({
    operationId: 'v2.pty.get',
    tag: 'pty',
    summary: 'Get PTY session',
    description: 'Get one PTY session, including its exit code once exited.',
    response: { located: PtyDto },
    errors: [[404, PtyNotFoundErrorDto]],
  })
  get(
    @CurrentLocation() location: RequestLocation,
    @Param() { ptyID }: PtyParamsDto,
  ): Promise<Located<PtyDto>> {
    return located(location, Promise.resolve(this.pty.get(location.instance, ptyID, 'v2')));
  }

  @Put(':ptyID')
  @V2Endpoint({
    operationId: 'v2.pty.update',
    tag: 'pty',
    summary: 'Update PTY session',
    description: 'Update the title or viewport size of one PTY session.',
    response: { located: PtyDto },
    errors: [[404, PtyNotFoundErrorDto]],
  })
  update(
    @CurrentLocation() location: RequestLocation,
    @Param() { ptyID }: PtyParamsDto,
    @Body() body: PtyUpdateDto,
  ): Promise<Located<PtyDto>> {
    return located(
      location,
      Promise.resolve(this.pty.update(location.instance, ptyID, body, 'v2')),
    );
  }

  @Delete(':ptyID')
  @V2Endpoint({
    operationId: 'v2.pty.remove',
    tag: 'pty',
    summary: 'Remove PTY session',
    description: 'Terminate and remove one PTY session.',
    response: 'none',
    errors: [[404, PtyNotFoundErrorDto]],
  })
  remove(
    @CurrentLocation() location: RequestLocation,
    @Param() { ptyID }: PtyParamsDto,
  ): Promise<void> {
    return this.pty.remove(location.instance, ptyID, 'v2');
  }

  @Post(':ptyID/connect-token')
  @V2Endpoint({
    operationId: 'v2.pty.connectToken',
    tag: 'pty',
    summary: 'Create PTY WebSocket token',
    description:
      'Create a short-lived single-use ticket for opening a PTY WebSocket connection ' +
      '(needs the header `x-opencode-ticket: 1`).',
    response: { located: PtyTicketConnectTokenDto },
    errors: [
      [403, ForbiddenErrorDto],
      [404, PtyNotFoundErrorDto],
    ],
  })
  connectToken(
    @CurrentLocation() location: RequestLocation,
    @Param() { ptyID }: PtyParamsDto,
    @Headers(TICKET_HEADER) ticketHeader: string | undefined,
    @Headers('origin') origin: string | undefined,
    @Headers('host') host: string | undefined,
  ): Promise<Located<PtyTicketConnectTokenDto>> {
    const token = this.pty.issueTicket(location.instance, ptyID, 'v2', location.workspaceID, {
      ticketHeader,
      origin,
      host,
    });
    return located(location, Promise.resolve(token));
  }

  @Get(':ptyID/connect')
  @V2Endpoint({
    operationId: 'v2.pty.connect',
    tag: 'pty',
    summary: 'Connect to PTY session',
    description:
      'Establish a WebSocket connection streaming PTY output and accepting terminal input ' +
      '(the wire format of pty.connect). A plain GET is a 400.',
    response: { schema: { type: 'boolean' } },
    errors: [
      [403, ForbiddenErrorDto],
      [404, PtyNotFoundErrorDto],
    ],
    webSocket: PtySocketGateway,
    locationKeys: true,
  })
  connect(
    @CurrentLocation() location: RequestLocation,
    @Param() { ptyID }: PtyParamsDto,
    @Query() _query: PtyV2ConnectQueryDto,
  ): never {
    return this.pty.refusePlainConnect(location.instance, ptyID, 'v2');
  }
}
