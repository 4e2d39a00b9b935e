import { Controller, Get } from '@nestjs/common';
import { Endpoint } from '../core/http/endpoint.decorator';
import { CurrentInstance } from '../core/http/request-context';
import type { Instance } from '../core/instance/instance';
import { LspStatusDto } from './dto/lsp-status.dto';
import { LspService } from './lsp.service';

@Controller('lsp')
export class LspController {
  constructor(private readonly lsp: LspService) {}

  @Get()
  @Endpoint({
    operationId: 'lsp.status',
    tag: 'instance',
    summary: 'Get LSP status',
    description: 'Get LSP server status',
    response: [LspStatusDto],
    responseDescription: 'LSP server status',
  })
  status(@CurrentInstance() instance: Instance): Promise<LspStatusDto[]> {
    return this.lsp.status(instance);
  }
}
